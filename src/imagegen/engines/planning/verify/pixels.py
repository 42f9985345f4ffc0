"""Small pixel helpers shared by the checks: crops, box unions, flattening transparency."""

from __future__ import annotations

import numpy as np
from PIL import Image

from imagegen.engines.planning.plan import Box
from imagegen.engines.planning.rules.contrast import (
    hex_to_rgb as hex_to_rgb,  # verify/ocr.py reads it here
)


def union(boxes: list[Box]) -> Box | None:
    """The smallest box holding every box (None for an empty list)."""
    if not boxes:
        return None
    x0 = min(b.x for b in boxes)
    y0 = min(b.y for b in boxes)
    x1 = max(b.right for b in boxes)
    y1 = max(b.bottom for b in boxes)
    return Box(x=x0, y=y0, w=x1 - x0, h=y1 - y0)


def clamp_rect(
    box: Box, width: int, height: int, margin_x: float = 0, margin_y: float = 0
) -> tuple[int, int, int, int]:
    """Integer (left, top, right, bottom) of ``box`` grown by the margins and clipped to the canvas."""
    left = max(0, int(np.floor(box.x - margin_x)))
    top = max(0, int(np.floor(box.y - margin_y)))
    right = min(width, int(np.ceil(box.right + margin_x)))
    bottom = min(height, int(np.ceil(box.bottom + margin_y)))
    return left, top, max(left, right), max(top, bottom)


def flatten(image: Image.Image, matte: tuple[int, int, int]) -> Image.Image:
    """RGB view of an image; transparent pixels are composited over ``matte``.

    OCR and barcode readers need opaque pixels; for a transparent canvas the matte is chosen by the
    caller so the ink stays visible (e.g. the color that contrasts most with the text color).
    """
    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        base = Image.new("RGBA", rgba.size, (*matte, 255))
        return Image.alpha_composite(base, rgba).convert("RGB")
    return image.convert("RGB")
