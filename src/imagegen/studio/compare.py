"""Pixel work for the studio: the difference of two versions (downloads: ``Catalog.content_as``)."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

#: differences are scaled by this much so small edits are visible (clipped at 255)
GAIN = 4.0


def _rgb(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as im:
        im.load()
        return im.convert("RGB")


def difference_png(a: bytes, b: bytes) -> tuple[bytes, float]:
    """A PNG of ``|a - b|`` amplified (``b`` resized to ``a``'s size when they differ) and the share of
    pixels that changed at all."""
    left, right = _rgb(a), _rgb(b)
    if right.size != left.size:
        right = right.resize(left.size, Image.Resampling.LANCZOS)
    diff = np.abs(np.asarray(left, dtype=np.int16) - np.asarray(right, dtype=np.int16))
    changed = float((diff.max(axis=2) > 8).mean())
    out = np.clip(diff.astype(np.float32) * GAIN, 0, 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(out, "RGB").save(buf, format="PNG", optimize=False, compress_level=3)
    return buf.getvalue(), changed

