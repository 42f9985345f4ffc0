"""Exact contract sizes from a pipeline that renders only some sizes.

A diffusion pipeline renders multiples of its VAE scale factor (x2 for 2x2-patch transformers), and
beyond its family's maximum edge it repeats subjects. So a requested ``W x H`` is rendered at
``render_size``: the same aspect ratio scaled down until the long edge fits the family's maximum (never
up), each edge rounded to the nearest multiple. The render is then brought to exactly ``W x H`` by
``fit``: a Lanczos resize that covers the target, then a centered crop of the few pixels the rounding
added (at most one multiple on each axis). A request for a size the pipeline renders natively is a
no-op resize.
"""

from __future__ import annotations

import math

from PIL import Image


def render_size(width: int, height: int, *, multiple: int, max_edge: int) -> tuple[int, int]:
    """The size to render for an output of ``width x height`` (see the module docstring)."""
    max_edge = max(multiple, max_edge // multiple * multiple)
    scale = min(1.0, max_edge / max(width, height))

    def snap(edge: float) -> int:
        return min(max_edge, max(multiple, round(edge / multiple) * multiple))

    return snap(width * scale), snap(height * scale)


def fit(image: Image.Image, width: int, height: int) -> Image.Image:
    """``image`` resized to cover ``width x height`` and center-cropped to exactly that size."""
    if image.size == (width, height):
        return image
    scale = max(width / image.width, height / image.height)
    cover = (max(width, math.ceil(image.width * scale)), max(height, math.ceil(image.height * scale)))
    resized = image.resize(cover, Image.Resampling.LANCZOS) if cover != image.size else image
    left = (resized.width - width) // 2
    top = (resized.height - height) // 2
    return resized.crop((left, top, left + width, top + height))
