"""Find the catalog asset of a file, even one whose metadata was stripped.

In order, cheapest and most certain first: the exact bytes (sha256), an asset id embedded in the file's
metadata (PNG text record / XMP; only trusted when the tenant owns that id), the invisible watermark (survives
re-encoding and resizing; CRC-checked), then the nearest perceptual hash (pHash Hamming distance) among the
tenant's assets. Every lookup goes through ``CatalogRepository``: a file of tenant B is never found for A.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from typing import Any

import imagehash
import numpy as np
from PIL import Image
from sqlalchemy.orm import Session

from imagegen.provenance.catalog.repository import CatalogRepository

#: pHash distance (of 64 bits) at or below which a file is taken for a re-encoded/resized copy
MAX_PHASH_DISTANCE = 10
_ID = re.compile(r"img_[0-9a-f]{16}")


@dataclass
class TraceResult:
    """Which asset the file is (None if none) and how it was found."""

    asset_id: str | None
    method: str | None
    phash_distance: int | None = None
    watermark: dict[str, Any] | None = None
    embedded_ids: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return dict(vars(self))


def embedded_asset_ids(data: bytes) -> list[str]:
    """The asset id the file's own metadata names (text record, else XMP ``imagegen:AssetId``); unverified.

    Only the record's own ``asset_id`` counts: the record also lists parents, which are other assets.
    """
    from imagegen.provenance.inspect import inspect_file

    found = inspect_file(data, decode_watermark=False).asset_id
    return [found] if isinstance(found, str) and _ID.fullmatch(found) else []


def phash_distances(query: str, hashes: list[str]) -> np.ndarray:
    """Hamming distances between one 64-bit hex pHash and many."""
    if not hashes:
        return np.zeros(0, dtype=np.int64)
    arr = np.array([int(h, 16) for h in hashes], dtype=np.uint64) ^ np.uint64(int(query, 16))
    return np.unpackbits(arr.view(np.uint8).reshape(-1, 8), axis=1).sum(axis=1)


def trace_bytes(
    session: Session,
    tenant_id: str,
    data: bytes,
    *,
    use_watermark: bool = True,
    watermark_reading: dict[str, Any] | None = None,
    max_distance: int = MAX_PHASH_DISTANCE,
) -> TraceResult:
    """Identify ``data`` among ``tenant_id``'s assets (``watermark_reading``: an already decoded mark)."""
    repo = CatalogRepository(session, tenant_id)
    row = repo.by_sha256(hashlib.sha256(data).hexdigest())
    if row is not None:
        return TraceResult(row.asset_id, "sha256")
    img = Image.open(io.BytesIO(data))
    img.load()
    ids = embedded_asset_ids(data)
    result = TraceResult(None, None, embedded_ids=ids)
    for aid in ids:
        if repo.find(aid) is not None:
            result.asset_id, result.method = aid, "metadata"
            return result
    if use_watermark:
        if watermark_reading is None:
            from imagegen.provenance.watermark import decode

            watermark_reading = decode(img).to_dict()
        result.watermark = watermark_reading
        wm_asset = watermark_reading.get("asset_id")
        if wm_asset and repo.by_watermark(str(wm_asset).removeprefix("img_")) is not None:
            result.asset_id, result.method = str(wm_asset), "watermark"
            return result
    pairs = repo.phashes()
    if pairs:
        query = str(imagehash.phash(img.convert("RGB")))
        dist = phash_distances(query, [p for _, p in pairs])
        best = int(np.argmin(dist))
        result.phash_distance = int(dist[best])
        if dist[best] <= max_distance:
            result.asset_id, result.method = pairs[best][0], "phash"
    return result
