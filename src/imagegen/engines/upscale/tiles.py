"""Upscaling any image to an exact size with a fixed-factor model, in bounded memory.

``upscale_to(image, size, upscaler)``:

1. plan the passes: the model runs ``ceil(log(s) / log(scale))`` times for an overall factor ``s``. The
   first pass always sees the original pixels; a later pass's input (the model's own output) is first
   brought down (Lanczos) to ``ceil(size / scale)`` when larger, so no later pass works on more pixels than
   the output needs (a 256² image to 4K square: 256² -> 1024², then 720² -> 2880²);
2. run each pass in tiles of ``tile`` input pixels with ``pad`` pixels of context on each side (cut off
   again after the model, so tile seams do not show); memory is bounded by one tile, not by the image;
   progress is reported and cancellation checked after every tile;
3. bring the result to exactly ``size`` (a Lanczos resize of at most one model factor);
4. alpha, when the input has it, is resized with Lanczos (the models are RGB).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PIL import Image

from imagegen.contract.errors import JobCancelled
from imagegen.engines.upscale.base import Upscaler, UpscaleReport

#: input pixels per tile edge, and the context around each tile
DEFAULT_TILE = 192
DEFAULT_PAD = 16


def plan_passes(size: tuple[int, int], target: tuple[int, int], scale: int) -> int:
    """How many model passes reach ``target`` from ``size`` (0: a plain resize is enough)."""
    factor = max(target[0] / size[0], target[1] / size[1])
    if factor <= 1.0:
        return 0
    return max(1, math.ceil(math.log(factor) / math.log(scale) - 1e-9))


def tile_boxes(width: int, height: int, tile: int) -> list[tuple[int, int, int, int]]:
    """Non-overlapping boxes covering ``width x height`` in row-major order."""
    return [(x, y, min(x + tile, width), min(y + tile, height))
            for y in range(0, height, tile) for x in range(0, width, tile)]


def run_tiled(image: Image.Image, upscaler: Upscaler, *, tile: int = DEFAULT_TILE, pad: int = DEFAULT_PAD,
              on_tile: Callable[[int, int], None] | None = None,
              cancelled: Callable[[], bool] | None = None) -> Image.Image:
    """One model pass over ``image`` (RGB) in tiles; ``on_tile(done, total)`` after each."""
    s = upscaler.scale
    out = Image.new("RGB", (image.width * s, image.height * s))
    boxes = tile_boxes(image.width, image.height, tile)
    for i, (x0, y0, x1, y1) in enumerate(boxes):
        if cancelled is not None and cancelled():
            raise JobCancelled("The job was cancelled.")
        px0, py0 = max(0, x0 - pad), max(0, y0 - pad)
        px1, py1 = min(image.width, x1 + pad), min(image.height, y1 + pad)
        up = upscaler.upscale_tile(image.crop((px0, py0, px1, py1)))
        left, top = (x0 - px0) * s, (y0 - py0) * s
        out.paste(up.crop((left, top, left + (x1 - x0) * s, top + (y1 - y0) * s)), (x0 * s, y0 * s))
        if on_tile is not None:
            on_tile(i + 1, len(boxes))
    return out


def upscale_to(image: Image.Image, size: tuple[int, int], upscaler: Upscaler, *, tile: int = DEFAULT_TILE,
               pad: int = DEFAULT_PAD, on_progress: Callable[[float, str], None] | None = None,
               cancelled: Callable[[], bool] | None = None) -> tuple[Image.Image, UpscaleReport]:
    """``image`` at exactly ``size`` (see the module docstring) and what was done."""
    started = time.perf_counter()
    report = UpscaleReport(model=upscaler.name, input_size=image.size, output_size=size)
    alpha = image.getchannel("A") if image.mode in ("RGBA", "LA") else None
    current = image.convert("RGB")
    passes = plan_passes(current.size, size, upscaler.scale)
    # the input of each pass, the last one trimmed to what the output needs
    inputs: list[tuple[int, int]] = []
    w, h = current.size
    for p in range(passes):
        need = (math.ceil(size[0] / upscaler.scale), math.ceil(size[1] / upscaler.scale))
        if p > 0 and p == passes - 1 and w * h > need[0] * need[1]:
            w, h = need
        inputs.append((w, h))
        w, h = w * upscaler.scale, h * upscaler.scale
    work = [math.ceil(iw / tile) * math.ceil(ih / tile) for iw, ih in inputs]
    done_before = 0
    total = max(1, sum(work))
    for (iw, ih), tiles in zip(inputs, work, strict=True):
        if current.size != (iw, ih):
            current = current.resize((iw, ih), Image.Resampling.LANCZOS)

        def on_tile(done: int, count: int, before: int = done_before) -> None:
            if on_progress is not None:
                on_progress((before + done) / total, f"upscaling: tile {before + done}/{total}")

        current = run_tiled(current, upscaler, tile=tile, pad=pad, on_tile=on_tile, cancelled=cancelled)
        report.passes.append((iw, ih))
        report.tiles += tiles
        done_before += tiles
    result = current if current.size == size else current.resize(size, Image.Resampling.LANCZOS)
    if alpha is not None:
        result = result.convert("RGBA")
        result.putalpha(alpha.resize(size, Image.Resampling.LANCZOS))
    report.seconds = time.perf_counter() - started
    return result, report
