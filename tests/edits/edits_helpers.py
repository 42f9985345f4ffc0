"""Plain helpers shared by the edits tests (imported by name: pytest puts this folder on sys.path)."""

from __future__ import annotations

import numpy as np
from PIL import Image


def textured(width: int = 640, height: int = 448, seed: int = 1) -> np.ndarray:
    """A busy, deterministic RGB picture: gradients, stripes and noise (no flat areas to hide behind)."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width]
    base = np.dstack([xx * 255 / width, yy * 255 / height, 128 + 60 * np.sin(xx / 23.0)]).astype(np.float32)
    base += rng.normal(0, 10, base.shape)
    return np.clip(base, 0, 255).astype(np.uint8)


def rect_mask(size: tuple[int, int], box: tuple[int, int, int, int]) -> Image.Image:
    """An RGBA mask, opaque everywhere except ``box`` (x0, y0, x1, y1) where alpha is 0."""
    alpha = np.full((size[1], size[0]), 255, dtype=np.uint8)
    x0, y0, x1, y1 = box
    alpha[y0:y1, x0:x1] = 0
    rgba = np.zeros((size[1], size[0], 4), dtype=np.uint8)
    rgba[:, :, 3] = alpha
    return Image.fromarray(rgba, "RGBA")
