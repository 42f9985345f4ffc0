"""Hostile files made of a few bytes: PNGs whose header declares what their bytes do not hold.

A PNG's IHDR states its size before any pixel; a decoder that trusts it allocates width x height first.
These files let tests replay decompression bombs and huge-header inputs without allocating anything big.
"""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk (length, type, data, CRC)."""
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def huge_header_png(width: int, height: int, *, rows: int = 1) -> bytes:
    """A PNG declaring ``width x height`` RGB pixels whose data holds only ``rows`` zero rows.

    A few hundred bytes for 12000x12000: an opener must refuse it on the header, before decoding."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    raw = (b"\x00" + b"\x00" * (3 * width)) * rows
    return _SIGNATURE + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def solid_png(width: int, height: int, color: tuple[int, int, int] = (30, 120, 200)) -> bytes:
    """A real, fully decodable solid PNG (small on disk: 8192x8192 is about 200 KB)."""
    buf = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buf, format="PNG", optimize=False, compress_level=9)
    return buf.getvalue()


def text_chunk_png(text_bytes: int, *, compressed: bool = True) -> bytes:
    """An 8x8 PNG carrying one text chunk of ``text_bytes`` (a zTXt that inflates to it, or a tEXt)."""
    small = solid_png(8, 8)
    payload = b"A" * text_bytes
    if compressed:
        extra = chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(payload, 9))
    else:
        extra = chunk(b"tEXt", b"Comment\x00" + payload)
    # the text goes right after IHDR (before the pixels), where an opener reads it at once
    ihdr_end = len(_SIGNATURE) + 8 + 13 + 4
    return small[:ihdr_end] + extra + small[ihdr_end:]


def nested_json(depth: int) -> bytes:
    """``{"prompt": "x", "extra": [[[...]]]}`` nested ``depth`` deep (a few KB of text)."""
    return b'{"prompt": "x", "extra": ' + b"[" * depth + b"]" * depth + b"}"
