"""Before/after sheet: the same briefs rendered by two versions, side by side, one pair per output image.

    .venv/bin/python bench/pair_sheet.py BEFORE_DIR AFTER_DIR --cases bench/archetype_briefs.json \
        --out docs/gallery/archetypes-before-after.jpg

BEFORE_DIR and AFTER_DIR hold the full-size PNGs ``bench/gallery.py --images DIR`` keeps (run it once per
version: the older one from an exported tree with ``PYTHONPATH=<tree>/src``). Pairs follow the cases' order;
each is labelled with its name, "before" on the left and "after" on the right.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

LABEL_FONT = "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"


def _names(cases: list[dict], after: Path) -> list[str]:
    out: list[str] = []
    for case in cases:
        n = int(case.get("n", 1))
        names = [case["id"]] if n == 1 else [f"{case['id']}-{k}" for k in range(1, n + 1)]
        out.extend(name for name in names if (after / f"{name}.png").exists())
    return out


def pair_sheet(before: Path, after: Path, names: list[str], cell: int, columns: int) -> Image.Image:
    pad, label_h, gap = 14, 26, 6
    pair_w = 2 * cell + gap
    rows = (len(names) + columns - 1) // columns
    sheet = Image.new("RGB", (columns * (pair_w + pad) + pad, rows * (cell + label_h + pad) + pad), "#e5e7eb")
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.truetype(LABEL_FONT, 15)
    for i, name in enumerate(names):
        col, row = i % columns, i // columns
        x0 = pad + col * (pair_w + pad)
        y0 = pad + row * (cell + label_h + pad)
        draw.text((x0, y0 + 2), f"{name}: before | after", font=font, fill="#111827")
        for k, folder in enumerate((before, after)):
            path = folder / f"{name}.png"
            x = x0 + k * (cell + gap)
            y = y0 + label_h
            if not path.exists():
                draw.rectangle((x, y, x + cell - 1, y + cell - 1), outline="#9ca3af")
                draw.text((x + 8, y + 8), "(no image)", font=font, fill="#6b7280")
                continue
            thumb = Image.open(path).convert("RGB")
            thumb.thumbnail((cell, cell), Image.Resampling.LANCZOS)
            ox, oy = x + (cell - thumb.width) // 2, y + (cell - thumb.height) // 2
            sheet.paste(thumb, (ox, oy))
            draw.rectangle((ox - 1, oy - 1, ox + thumb.width, oy + thumb.height), outline="#9ca3af")
    return sheet


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--cases", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--cell", type=int, default=230)
    parser.add_argument("--columns", type=int, default=3)
    args = parser.parse_args(argv)
    cases = json.loads(args.cases.read_text())["cases"]
    sheet = pair_sheet(args.before, args.after, _names(cases, args.after), args.cell, args.columns)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(args.out, quality=82, optimize=True, progressive=True)
    print(f"{args.out}: {sheet.width}x{sheet.height}, {args.out.stat().st_size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
