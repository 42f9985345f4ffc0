"""Render every public case through the real PlanningEngine and write a contact sheet.

    .venv/bin/python bench/gallery.py [--out docs/gallery/contact-sheet.jpg] [--cell 360] [--images DIR]

One thumbnail per output image (a storyboard's n frames each get one), labelled with the case id, its
verification verdict and the engine time. ``--images DIR`` also keeps the full-size PNGs for a closer look.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from imagegen.contract.specs import GenerateSpec
from imagegen.engines.base import NullProgress
from imagegen.engines.planning.engine import PlanningEngine

#: the shared public cases beside the repository (``../shared``), else the copy kept with the tests
_SHARED = Path(__file__).resolve().parents[2] / "shared" / "bench" / "text-cases.json"
CASES = _SHARED if _SHARED.exists() else Path(__file__).resolve().parents[1] / "tests/planner/text_cases.json"
LABEL_FONT = "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"
SEED = 20260422


def render_cases(cases: list[dict], images_dir: Path | None) -> list[tuple[str, Image.Image, str]]:
    engine = PlanningEngine()
    tiles: list[tuple[str, Image.Image, str]] = []
    for case in cases:
        w, h = (int(v) for v in case["size"].split("x"))
        spec = GenerateSpec(
            prompt=case["prompt"],
            model="gpt-image-2",
            n=case.get("n", 1),
            width=w,
            height=h,
            quality=case.get("quality", "medium"),
            seed=SEED,
        )
        started = time.perf_counter()
        result = engine.generate(spec, NullProgress())
        elapsed = time.perf_counter() - started
        for index, image in enumerate(result.images):
            name = case["id"] if len(result.images) == 1 else f"{case['id']} #{index + 1}"
            report = image.report or {}
            verdict = (
                "verified" if report.get("passed") else f"{len(report.get('unresolved', []))} unresolved"
            )
            tiles.append(
                (
                    name,
                    image.pixels,
                    f"{verdict}, {elapsed:.2f}s, {image.plan['archetype'] if image.plan else ''}",
                )
            )
            if images_dir is not None:
                images_dir.mkdir(parents=True, exist_ok=True)
                image.pixels.save(images_dir / f"{name.replace(' #', '-')}.png")
    return tiles


def contact_sheet(tiles: list[tuple[str, Image.Image, str]], cell: int, columns: int) -> Image.Image:
    label_h = 44
    rows = (len(tiles) + columns - 1) // columns
    pad = 12
    sheet = Image.new("RGB", (columns * (cell + pad) + pad, rows * (cell + label_h + pad) + pad), "#e5e7eb")
    draw = ImageDraw.Draw(sheet)
    title = ImageFont.truetype(LABEL_FONT, 16)
    small = ImageFont.truetype(LABEL_FONT, 12)
    for i, (name, pixels, note) in enumerate(tiles):
        col, row = i % columns, i // columns
        x = pad + col * (cell + pad)
        y = pad + row * (cell + label_h + pad)
        thumb = pixels.convert("RGBA")
        thumb.thumbnail((cell, cell), Image.Resampling.LANCZOS)
        # a checkerboard shows transparency for what it is
        backdrop = Image.new("RGBA", thumb.size, "#ffffff")
        ox, oy = x + (cell - thumb.width) // 2, y + (cell - thumb.height) // 2
        sheet.paste(Image.alpha_composite(backdrop, thumb).convert("RGB"), (ox, oy))
        draw.rectangle((ox - 1, oy - 1, ox + thumb.width, oy + thumb.height), outline="#9ca3af")
        draw.text((x, y + cell + 4), name, font=title, fill="#111827")
        draw.text((x, y + cell + 24), note, font=small, fill="#374151")
    return sheet


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/gallery/contact-sheet.jpg"))
    parser.add_argument("--cell", type=int, default=360)
    parser.add_argument("--columns", type=int, default=6)
    parser.add_argument("--images", type=Path, help="also save every full-size output here")
    parser.add_argument("--cases", type=Path, default=CASES)
    args = parser.parse_args(argv)
    cases = json.loads(args.cases.read_text())["cases"]
    sheet = contact_sheet(render_cases(cases, args.images), args.cell, args.columns)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(args.out, quality=85, optimize=True, progressive=True)
    print(f"{args.out}: {sheet.width}x{sheet.height}, {args.out.stat().st_size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
