"""Upscale timings on this machine: Real-ESRGAN models on a 256² picture -> 1024², through the same tiled
path the upscale engine uses. One command, prints one line per model:

    .venv/bin/python bench/upscale.py [--size 256] [--models low,medium]
"""

from __future__ import annotations

import argparse
import os
import platform
import time

from PIL import Image, ImageDraw

from imagegen.engines.upscale.realesrgan import model_for, realesrgan
from imagegen.engines.upscale.tiles import upscale_to


def picture(size: int) -> Image.Image:
    """A small synthetic 'photo': gradient, shapes and lettering (what super-resolution has to keep)."""
    image = Image.radial_gradient("L").resize((size, size)).convert("RGB")
    draw = ImageDraw.Draw(image)
    draw.ellipse((size // 8, size // 8, size // 2, size // 2), fill=(200, 40, 40), outline="black", width=2)
    draw.rectangle((size // 2, size // 2, size - 8, size - 8), fill=(40, 90, 200))
    draw.text((8, size - 20), "Real-ESRGAN 42", fill="white")
    return image


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--models", default="low,medium", help="qualities: low (compact), medium (x4plus)")
    args = parser.parse_args()
    print(
        f"# {time.strftime('%Y-%m-%d')} {platform.machine()} {os.cpu_count()} CPUs, load "
        f"{os.getloadavg()[0]:.1f}; {args.size}² -> {args.size * 4}²"
    )
    image = picture(args.size)
    for quality in args.models.split(","):
        spec = model_for(quality, 4)
        t = time.perf_counter()
        upscaler = realesrgan(spec)
        load_s = time.perf_counter() - t
        out, report = upscale_to(image, (args.size * 4, args.size * 4), upscaler)
        px = args.size * args.size
        print(
            f"{spec.name:26s} load {load_s:5.2f} s  upscale {report.seconds:7.2f} s  "
            f"{report.seconds / px * 1e3:.3f} ms per input pixel  tiles {report.tiles}  -> {out.size}"
        )


if __name__ == "__main__":
    main()
