"""Encoded test images made on the fly (imported by the contract tests)."""

from __future__ import annotations

import io

from PIL import Image


def encode(
    size: tuple[int, int], *, mode: str = "RGB", fmt: str = "PNG", color: object = (40, 80, 120)
) -> bytes:
    """An image of ``size`` encoded as ``fmt``."""
    buf = io.BytesIO()
    Image.new(mode, size, color).save(buf, format=fmt)  # type: ignore[arg-type]
    return buf.getvalue()
