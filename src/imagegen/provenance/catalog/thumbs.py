"""Thumbnails of stored files, made once per file and size and kept in their own content-addressed store.

A thumbnail is keyed by the sha256 of the file it shows and its long edge, so it never goes stale (a
file's bytes never change) and is shared by every asset with the same bytes. It lives under its own root
(``$IMAGEGEN_HOME/thumbs``), not in the asset store: the asset store's sweep removes every file no catalog
row points at, and no row points at a thumbnail. Thumbnails carry no provenance marks: they are previews
served to a signed-in studio, never an asset.
"""

from __future__ import annotations

import io
import os
import secrets
from collections.abc import Callable
from pathlib import Path

from PIL import Image

#: the long edges the studio asks for; any other size is refused so a client cannot fill the disk
SIZES = (160, 320, 640)
QUALITY = 82


def make_thumbnail(data: bytes, size: int) -> bytes:
    """A WebP of ``data`` whose long edge is at most ``size`` (never upscaled; alpha kept)."""
    with Image.open(io.BytesIO(data)) as im:
        im.draft("RGB", (size, size))  # JPEG: decode at a reduced scale
        im.load()
        img = im.convert("RGBA" if im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info else "RGB")
    img.thumbnail((size, size), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    img.save(out, format="WEBP", quality=QUALITY, method=4)
    return out.getvalue()


class ThumbnailCache:
    """``get(sha256, size, read_original)``: the cached thumbnail, made and written atomically on a miss."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, sha256: str, size: int) -> Path:
        if size not in SIZES:
            raise ValueError(f"thumbnail size {size} is not one of {SIZES}")
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise ValueError("not a sha256")
        return self.root / str(size) / sha256[:2] / f"{sha256}.webp"

    def get(self, sha256: str, size: int, read_original: Callable[[], bytes]) -> bytes:
        path = self.path(sha256, size)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            pass
        data = make_thumbnail(read_original(), size)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)  # two writers of one thumbnail write the same bytes: last one wins
        return data
