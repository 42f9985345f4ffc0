"""Editorial art for picture areas that would otherwise be empty gradients: data/AI illustrations for
infographics and reports (a network of nodes, rising bars, a trend line on a grid) and cover images for
magazines (a duotone portrait silhouette or a bold geometric composition), keyed to the palette.

Placeholders standing in for an image backend (see docs/rendering.md): abstract, but they say what the
picture is about. Drawn at 2x on one layer and reduced, so lines and circles are smooth.
"""

from __future__ import annotations

import math
import re

import numpy as np
from PIL import Image, ImageDraw

from imagegen.engines.planning.plan import Theme
from imagegen.engines.planning.render.fields import linear_gradient, pick
from imagegen.engines.planning.render.paint import hex_rgba, luminance, mix


def _accents(colors: list[str], theme: Theme) -> list[str]:
    """Saturated palette colours for marks (the art's own colours first, then the theme's extras)."""
    out: list[str] = []
    for c in [*colors, *theme.palette.extra, theme.palette.accent, theme.palette.primary]:
        if c not in out and 0.04 < luminance(c) < 0.75:
            out.append(c)
    return out or ["#1d4ed8", "#059669"]


def _ground(colors: list[str], theme: Theme) -> str:
    """The lightest (or, on dark themes, darkest) colour on offer: the paper the marks sit on."""
    cands = [*colors, theme.palette.surface, theme.palette.background]
    return (min if theme.dark else max)(cands, key=luminance)


def data_art(
    w: int, h: int, colors: list[str], theme: Theme, rng: np.random.Generator, subject: str = ""
) -> Image.Image:
    """Data / AI: a faint grid, rising bars with a trend line, and a network of linked nodes (a neural-net
    hint when the words say AI/ML), in the palette's accents on a light ground."""
    ground = _ground(colors, theme)
    acc = _accents(colors, theme)
    dark_ground = luminance(ground) < 0.35
    ss = 2
    W, H = w * ss, h * ss
    img = linear_gradient(W, H, [mix(ground, acc[0], 0.05), mix(ground, acc[0], 0.14)], 90)
    d = ImageDraw.Draw(img, "RGBA")
    m = min(W, H)
    step = max(8, m // 12)
    line = hex_rgba(mix(ground, "#000000" if not dark_ground else "#ffffff", 0.08))
    for x in range(0, W, step):
        d.line((x, 0, x, H), fill=line, width=max(1, ss))
    for y in range(0, H, step):
        d.line((0, y, W, y), fill=line, width=max(1, ss))
    # bars rising to the right along the bottom, a trend line over them
    n = int(rng.integers(5, 8))
    x0, x1 = W * 0.08, W * 0.92
    base = H * 0.92
    bw = (x1 - x0) / n
    tops = []
    for i in range(n):
        t = (i + 1) / n
        v = 0.18 + 0.5 * t**1.4 + float(rng.uniform(-0.04, 0.04))
        top = base - H * v * 0.62
        c = acc[i % min(2, len(acc))] if len(acc) > 1 else acc[0]
        c = mix(c, ground, 0.45 - 0.3 * t)
        d.rounded_rectangle(
            (x0 + i * bw + bw * 0.18, top, x0 + (i + 1) * bw - bw * 0.18, base),
            radius=bw * 0.12,
            fill=hex_rgba(c),
        )
        tops.append((x0 + (i + 0.5) * bw, top - H * 0.05))
    trend = acc[1] if len(acc) > 1 else mix(acc[0], "#000000", 0.3)
    d.line(tops, fill=hex_rgba(trend), width=max(2, int(m * 0.012)), joint="curve")
    for tx, ty in tops:
        r = m * 0.016
        d.ellipse(
            (tx - r, ty - r, tx + r, ty + r),
            fill=hex_rgba(ground),
            outline=hex_rgba(trend),
            width=max(2, int(m * 0.008)),
        )
    # a network in the upper part: layered nodes when the words say AI/ML, else a scattered graph
    layered = bool(re.search(r"\bai\b|neural|machine learning|\bml\b|model|robot|intelligen", subject))
    nodes: list[tuple[float, float]] = []
    edges: list[tuple[int, int]] = []
    top_h = H * 0.42
    layers: list[int] = []
    if layered:
        layers = [3, 5, 5, 2] if W > H * 1.2 else [3, 4, 2]
        for li, count in enumerate(layers):
            lx = W * (0.16 + 0.68 * li / (len(layers) - 1))
            first = len(nodes)
            for k in range(count):
                nodes.append((lx, top_h * (0.22 + 0.7 * (k + 0.5) / count)))
            if li:
                prev = first - layers[li - 1]
                edges += [(a, b) for a in range(prev, first) for b in range(first, first + count)]
    else:
        for _ in range(9):
            nodes.append((W * float(rng.uniform(0.1, 0.9)), top_h * float(rng.uniform(0.15, 0.9))))
        for a in range(len(nodes)):
            near = sorted(range(len(nodes)), key=lambda b: math.dist(nodes[a], nodes[b]))[1:3]
            edges += [(a, b) for b in near]
    ew = max(1, int(m * 0.005))
    for a, b in edges:
        d.line((*nodes[a], *nodes[b]), fill=hex_rgba(mix(acc[0], ground, 0.55)), width=ew)
    r0 = min(m * 0.034, top_h * 0.7 / max(5, len(nodes) if not layered else max(layers)) / 2.4)
    for i, (nx, ny) in enumerate(nodes):
        r = r0 * (1.0 if i % 3 else 1.2)
        c = acc[(i // 3) % len(acc)]
        d.ellipse((nx - r * 1.5, ny - r * 1.5, nx + r * 1.5, ny + r * 1.5), fill=(*hex_rgba(c)[:3], 40))
        d.ellipse((nx - r, ny - r, nx + r, ny + r), fill=hex_rgba(c))
        d.ellipse((nx - r * 0.4, ny - r * 0.4, nx + r * 0.4, ny + r * 0.4), fill=hex_rgba(ground))
    return img.reduce(ss)


def cover_art(
    w: int, h: int, colors: list[str], theme: Theme, rng: np.random.Generator, subject: str = ""
) -> Image.Image:
    """A magazine cover image: a duotone portrait silhouette against a bold disc, or (other seeds, or
    when the words say abstract/geometric) a bold geometric composition."""
    ground = _ground(colors, theme)
    acc = _accents(colors, theme)
    ink = theme.palette.primary if luminance(theme.palette.primary) < 0.2 else "#1c1917"
    geometric = bool(re.search(r"geometric|abstract|bauhaus|pattern", subject)) or rng.random() < 0.35
    ss = 2
    W, H = w * ss, h * ss
    m = min(W, H)
    img = linear_gradient(W, H, [mix(ground, acc[0], 0.08), mix(ground, acc[0], 0.22)], 90)
    d = ImageDraw.Draw(img, "RGBA")
    if geometric:
        # Bauhaus-like: a large disc, a half disc, bars, a small ring; palette accents and the ink
        cx, cy, r = W * float(rng.uniform(0.35, 0.65)), H * 0.38, m * 0.42
        d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=hex_rgba(acc[0]))
        d.pieslice((W * 0.05, H * 0.6, W * 0.95, H * 0.6 + W * 0.9), 180, 360, fill=hex_rgba(ink))
        second = acc[1] if len(acc) > 1 else mix(acc[0], "#ffffff", 0.45)
        for i in range(3):
            y = H * (0.66 + 0.07 * i)
            d.rectangle((W * 0.12, y, W * (0.5 + 0.12 * i), y + H * 0.03), fill=hex_rgba(second))
        rr = m * 0.12
        d.ellipse(
            (W * 0.78 - rr, H * 0.12 - rr, W * 0.78 + rr, H * 0.12 + rr),
            outline=hex_rgba(ink),
            width=max(2, int(m * 0.025)),
        )
        return img.reduce(ss)
    # portrait: a disc behind a head-and-shoulders silhouette in profile-ish three-quarter view
    cx = W * 0.5
    r = m * 0.46
    d.ellipse((cx - r, H * 0.36 - r, cx + r, H * 0.36 + r), fill=hex_rgba(acc[0]))
    face = int(rng.integers(0, 2)) * 2 - 1
    head_r = m * 0.25
    hx, hy = cx + face * m * 0.03, H * 0.34
    body = hex_rgba(ink)
    d.ellipse((hx - head_r * 0.86, hy - head_r, hx + head_r * 0.86, hy + head_r * 1.05), fill=body)
    # nose and chin on the facing side: a profile hint that makes it a person, not a pin
    d.polygon(
        [
            (hx + face * head_r * 0.8, hy - head_r * 0.05),
            (hx + face * head_r * 1.02, hy + head_r * 0.3),
            (hx + face * head_r * 0.76, hy + head_r * 0.42),
        ],
        fill=body,
    )
    # hair volume at the back of the head, a bun by seed
    d.ellipse(
        (
            hx - face * head_r * 0.35 - head_r,
            hy - head_r * 1.12,
            hx - face * head_r * 0.35 + head_r,
            hy + head_r * 0.7,
        ),
        fill=body,
    )
    if rng.random() < 0.5:
        b = head_r * 0.42
        bx, by = hx - face * head_r * 0.9, hy - head_r * 0.85
        d.ellipse((bx - b, by - b, bx + b, by + b), fill=body)
    d.rounded_rectangle(
        (hx - head_r * 0.32, hy + head_r * 0.6, hx + head_r * 0.32, hy + head_r * 1.5),
        radius=head_r * 0.1,
        fill=body,
    )
    top = hy + head_r * 1.3
    d.rounded_rectangle(
        (cx - m * 0.44, top + m * 0.04, cx + m * 0.44, H + m * 0.4), radius=m * 0.3, fill=body
    )
    # a rim light on the lit edge, in the page colour
    rim = hex_rgba(mix(pick(colors, 1, ground), "#ffffff", 0.4))
    lw = max(2, int(m * 0.012))
    d.arc(
        (hx - head_r * 0.86, hy - head_r, hx + head_r * 0.86, hy + head_r * 1.05),
        -80 if face > 0 else 170,
        10 if face > 0 else 260,
        fill=rim,
        width=lw,
    )
    return img.reduce(ss)
