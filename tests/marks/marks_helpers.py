"""Helpers shared by the marks tests and ``bench/watermark.py`` (a module with a unique name: ``conftest`` is
ambiguous suite-wide)."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from imagegen.provenance.records import DST_TRAINED, FileProvenance, new_asset_id

FONT = "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"


def poster(width: int = 1024, height: int = 1024) -> Image.Image:
    """A flat-colour poster with a gradient, a white panel and real text: the hard case for a watermark."""
    y, x = np.mgrid[0:height, 0:width]
    arr = np.stack([x / width * 200 + 30, y / height * 150 + 60, np.sin(x / 37) * 40 + 120], -1)
    img = Image.fromarray(arr.clip(0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, height // 10)
    draw.rectangle([width // 10, height // 2, width * 9 // 10, height * 9 // 10], fill=(255, 255, 255))
    draw.text((width // 8, height // 8), "Summer Sale 50%", font=font, fill=(20, 20, 20))
    draw.text((width // 8, height * 6 // 10), "imagegen", font=font, fill=(200, 30, 30))
    return img


def canvas(
    bg: tuple[int, int, int], ink: tuple[int, int, int], width: int = 1024, height: int = 1024
) -> Image.Image:
    """A flat page in one colour with two lines of type: the flat case (the page must keep its colour)."""
    img = Image.new("RGB", (width, height), bg)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, height // 12)
    draw.text((width // 10, height // 8), "Quiet Hours", font=font, fill=ink)
    draw.text((width // 10, height * 3 // 4), "Friday 8pm", font=font, fill=ink)
    return img


def make_prov(**overrides: object) -> FileProvenance:
    values: dict[str, object] = {
        "asset_id": new_asset_id(),
        "tenant_id": "tenant-a",
        "digital_source_type": DST_TRAINED,
        "requested_model": "gpt-image-2",
        "engine": "planning",
        "engine_version": "0.1.0",
        "backend": "cpu",
        "prompt": 'A summer sale poster with the headline "Summer Sale 50%" & <b>bold</b> type',
        "created_at": "2026-11-21T06:00:00Z",
        "user": "alice",
    }
    values.update(overrides)
    return FileProvenance(**values)  # type: ignore[arg-type]
