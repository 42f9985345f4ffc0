"""Render speed of the planning engine's renderer on sample plans (no verification).

Usage: ``python bench/render_speed.py [--runs N]``. Prints wall and CPU p50 per case: a 1024² poster at
scale 1 and 2, and a 2048² poster at scale 1, 1.5 (what ``supersample_for`` picks for high) and 2. The
plans mix scripts, a product shot, a chart, icons and codes, like the planner's poster archetypes.
"""

from __future__ import annotations

import argparse
import statistics
import time

from imagegen.engines.planning.plan import (
    Background,
    Box,
    Canvas,
    ChartNode,
    CodeNode,
    DataPoint,
    FontRef,
    GroupNode,
    IconNode,
    ImageNode,
    Plan,
    ShapeNode,
    TextNode,
    Theme,
)
from imagegen.engines.planning.render import render


def sample_plan(size: int, seed: int = 7) -> Plan:
    """A poster at size x size: product art, multi-script headline, body, button, chart, icons, QR, EAN."""
    k = size / 1024

    def b(x: float, y: float, w: float, h: float) -> Box:
        return Box(x=x * k, y=y * k, w=w * k, h=h * k)

    nodes = [
        ImageNode(
            id="hero",
            box=b(64, 300, 520, 520),
            style="product",
            prompt="amber glass bottle",
            corner_radius=24,
        ),
        TextNode(
            id="headline",
            box=b(64, 64, 896, 180),
            text="Summer Sale — 東京 मुंबई القاهرة",
            size=72 * k,
            role="headline",
            font=FontRef(weight=800),
            color="#ffffff",
        ),
        TextNode(
            id="body",
            box=b(64, 240, 896, 50),
            text="Cold brew, small batch, roasted this week in Brooklyn.",
            size=26 * k,
            color="#e5e7eb",
        ),
        TextNode(
            id="cta",
            box=b(640, 320, 300, 80),
            text="Shop now",
            size=36 * k,
            plate="#2563eb",
            color="#ffffff",
            align="center",
            valign="middle",
            role="button",
        ),
        GroupNode(
            id="card",
            role="card",
            box=b(620, 430, 340, 300),
            children=[
                ChartNode(
                    id="chart",
                    box=b(640, 450, 300, 260),
                    chart="bar",
                    unit="%",
                    series=[DataPoint(label=d, value=v) for d, v in (("Mon", 12), ("Tue", 30), ("Wed", 22))],
                ),
            ],
        ),
        IconNode(id="icon", box=b(640, 760, 64, 64), name="calories", color="#ffffff"),
        ShapeNode(
            id="bubble", shape="bubble", box=b(720, 740, 200, 110), tail=(700 * k, 900 * k), stroke_width=3
        ),
        TextNode(
            id="bubble_text",
            box=b(745, 765, 150, 60),
            text="Hi there!",
            size=28 * k,
            align="center",
            valign="middle",
        ),
        CodeNode(id="qr", box=b(840, 860, 150, 150), symbology="qr", data="https://example.com/sale"),
        CodeNode(id="ean", box=b(300, 880, 300, 120), symbology="ean13", data="5901234123457"),
    ]
    return Plan(
        canvas=Canvas(
            width=size, height=size, background=Background(kind="gradient", colors=["#0f172a", "#1e3a8a"])
        ),
        theme=Theme(),
        nodes=nodes,
        seed=seed,
    )


def main() -> None:
    """Time each case and print one line per case."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    cases = [(1024, 1.0), (1024, 2.0), (2048, 1.0), (2048, 1.5), (2048, 2.0)]
    render(sample_plan(1024))  # warm the font and cmap caches, as a running server would have them
    for size, scale in cases:
        plan = sample_plan(size)
        times, cpu = [], []
        for _ in range(args.runs):
            t0, c0 = time.perf_counter(), time.process_time()
            render(plan, scale=scale)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        # CPU time too: on a shared machine wall time mostly measures the neighbours
        print(
            f"{size}x{size} scale {scale:.1f}: p50 {statistics.median(times):.3f} s  "
            f"min {min(times):.3f} s  cpu p50 {statistics.median(cpu):.3f} s  ({args.runs} runs)"
        )


if __name__ == "__main__":
    main()
