"""Find the catalog asset of a file, even one whose metadata was stripped.

In order, cheapest and most certain first: the exact bytes (sha256), an asset id embedded in the file's
metadata (PNG text record / XMP; only trusted when the tenant owns that id), the invisible watermark (survives
re-encoding and resizing; CRC-checked), then the nearest perceptual hash (pHash Hamming distance) among the
tenant's assets. Every lookup goes through ``CatalogRepository``: a file of tenant B is never found for A.

A masked edit carries its own mark only inside its edited box; the rest of its pixels still carry the
PARENT's mark, so a stripped copy of the edit decodes (whole image) to the parent. When the decoded id names
an asset with descendants, each marked descendant's recorded watermark region (scaled to the file's size) is
decoded too ("watermark in edit region"); without a hit there, the parent and its descendants are compared by
pHash and a descendant strictly closer than the parent wins ("parent watermark + pHash"). The other
candidates are reported either way.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import imagehash
import numpy as np
from PIL import Image
from sqlalchemy.orm import Session

from imagegen.contract.images import open_image
from imagegen.provenance.catalog.models import Asset
from imagegen.provenance.catalog.repository import CatalogRepository
from imagegen.provenance.catalog.store import AssetStore

#: pHash distance (of 64 bits) at or below which a file is taken for a re-encoded/resized copy
MAX_PHASH_DISTANCE = 10
#: descendants of a watermark-named asset examined at most (breadth-first, edits of edits included)
MAX_DESCENDANTS = 64
_ID = re.compile(r"img_[0-9a-f]{16}")

METHOD_EDIT_REGION = "watermark in edit region"
METHOD_PARENT_PHASH = "parent watermark + pHash"


@dataclass
class TraceCandidate:
    """An asset the watermark's asset or one of its descendants, as weighed by ``trace_bytes``."""

    asset_id: str
    #: "watermark" for the asset the whole-image mark names, else "descendant" (an edit, depth >= 1)
    role: str
    depth: int
    phash_distance: int | None
    #: the watermark region (x0, y0, x1, y1) in the stored asset's pixels; None: whole image / unknown
    region: list[int] | None = None
    #: where the region came from: "extra", "stored record", "mask_bbox"
    region_source: str | None = None
    #: whether decoding the region scaled to the file's size gave this asset's own id (None: not tried)
    region_watermark: bool | None = None


@dataclass
class TraceResult:
    """Which asset the file is (None if none) and how it was found."""

    asset_id: str | None
    method: str | None
    phash_distance: int | None = None
    watermark: dict[str, Any] | None = None
    embedded_ids: list[str] = field(default_factory=list)
    #: when the watermark named an asset with descendants: every asset weighed (the chosen one included)
    candidates: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return dict(vars(self))


def embedded_asset_ids(data: bytes) -> list[str]:
    """The asset id the file's own metadata names (text record, else XMP ``imagegen:AssetId``); unverified.

    Only the record's own ``asset_id`` counts: the record also lists parents, which are other assets.
    """
    from imagegen.provenance.marks.inspect import inspect_file

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
    store: AssetStore | None = None,
) -> TraceResult:
    """Identify ``data`` among ``tenant_id``'s assets (``watermark_reading``: an already decoded mark).

    ``store``: the asset store, to read a descendant's watermark region from its stored file's text record
    when the catalog row does not hold it (default: the ``assets`` folder beside a SQLite catalog file).
    """
    repo = CatalogRepository(session, tenant_id)
    row = repo.by_sha256(hashlib.sha256(data).hexdigest())
    if row is not None:
        return TraceResult(row.asset_id, "sha256")
    # the contract's one image opener: header pixel cap before decoding, Pillow's text-chunk caps, 400 on
    # anything hostile (a 400 KB PNG declaring 12000x12000 never reaches the decoder); any Pillow format
    img, _fmt = open_image(data, param="body", what="file", formats=())
    ids = embedded_asset_ids(data)
    result = TraceResult(None, None, embedded_ids=ids)
    for aid in ids:
        if repo.find(aid) is not None:
            result.asset_id, result.method = aid, "metadata"
            return result
    query: str | None = None
    if use_watermark:
        if watermark_reading is None:
            from imagegen.provenance.marks.watermark import decode

            watermark_reading = decode(img).to_dict()
        result.watermark = watermark_reading
        wm_asset = watermark_reading.get("asset_id")
        marked = repo.by_watermark(str(wm_asset).removeprefix("img_")) if wm_asset else None
        if marked is not None:
            result.asset_id, result.method = marked.asset_id, "watermark"
            query = _phash(img)
            _prefer_descendant(repo, marked, img, query, result, store or _default_store(session))
            return result
    pairs = repo.phashes()
    if pairs:
        query = query or _phash(img)
        dist = phash_distances(query, [p for _, p in pairs])
        best = int(np.argmin(dist))
        result.phash_distance = int(dist[best])
        if dist[best] <= max_distance:
            result.asset_id, result.method = pairs[best][0], "phash"
    return result


def _phash(img: Image.Image) -> str:
    return str(imagehash.phash(img.convert("RGB")))


def _prefer_descendant(
    repo: CatalogRepository,
    root: Asset,
    img: Image.Image,
    query: str,
    result: TraceResult,
    store: AssetStore | None,
) -> None:
    """Replace the watermark's asset by one of its edits when the file is better explained by it."""
    family = _descendants(repo, root)
    if not family:
        return
    rows = [(root, 0), *family]
    dist = phash_distances(query, [r.phash or "0" * 16 for r, _ in rows])
    cands: list[TraceCandidate] = []
    for (row, depth), d in zip(rows, dist, strict=True):
        cand = TraceCandidate(
            row.asset_id, "watermark" if depth == 0 else "descendant", depth, int(d) if row.phash else None
        )
        if depth > 0 and row.watermark_id:
            found = _watermark_region(row, store)
            if found is not None:
                cand.region, cand.region_source = list(found[0]), found[1]
                cand.region_watermark = _region_carries(img, row, found[0])
        cands.append(cand)
    hits = [c for c in cands if c.region_watermark]
    chosen: TraceCandidate | None = None
    if hits:
        # an edit of an edit keeps its parent edit's region mark where it did not paint over it: deepest wins
        chosen = max(hits, key=lambda c: (c.depth, -(c.phash_distance or 0)))
        method = METHOD_EDIT_REGION
    else:
        parent = cands[0]
        scored = [c for c in cands[1:] if c.phash_distance is not None]
        if parent.phash_distance is not None and scored:
            closest = min(scored, key=lambda c: (c.phash_distance or 0, -c.depth))
            if (closest.phash_distance or 0) < parent.phash_distance:
                chosen = closest
        method = METHOD_PARENT_PHASH
    if chosen is not None:
        result.asset_id, result.method = chosen.asset_id, method
    picked = next(c for c in cands if c.asset_id == result.asset_id)
    result.phash_distance = picked.phash_distance
    result.candidates = [vars(c) | {"chosen": c is picked} for c in cands]


def _descendants(repo: CatalogRepository, root: Asset) -> list[tuple[Asset, int]]:
    """The tenant's descendants of ``root`` (breadth-first, capped), with their depth."""
    out: list[tuple[Asset, int]] = []
    seen = {root.asset_id}
    frontier = [root.asset_id]
    depth = 0
    while frontier and len(out) < MAX_DESCENDANTS:
        depth += 1
        nxt: list[str] = []
        for aid in frontier:
            for child_id, _relation in repo.children_of(aid):
                if child_id in seen or len(out) >= MAX_DESCENDANTS:
                    continue
                seen.add(child_id)
                row = repo.find(child_id)
                if row is not None:
                    out.append((row, depth))
                    nxt.append(child_id)
        frontier = nxt
    return out


def _box(value: Any) -> tuple[int, int, int, int] | None:
    if isinstance(value, list | tuple) and len(value) == 4 and all(isinstance(v, int | float) for v in value):
        x0, y0, x1, y1 = (int(v) for v in value)
        return (x0, y0, x1, y1) if 0 <= x0 < x1 and 0 <= y0 < y1 else None
    return None


def _watermark_region(row: Asset, store: AssetStore | None) -> tuple[tuple[int, int, int, int], str] | None:
    """Where ``row``'s own mark sits (x0, y0, x1, y1 in its pixels), and where that was read; None: whole
    image or unknown (a whole-image mark is read by the whole-image decode already)."""
    extra = row.extra or {}
    box = _box(extra.get("watermark_region"))
    if box is not None:
        return box, "extra"
    if store is not None:
        record = _stored_record(row, store)
        if record is not None:
            region = (record.get("watermark") or {}).get("region")
            box = _box(region)
            return (box, "stored record") if box is not None else None
    bbox = extra.get("mask_bbox")  # masked pixel edits: [x, y, w, h] of the editable region
    if isinstance(bbox, list) and len(bbox) == 4 and all(isinstance(v, int) for v in bbox):
        box = _box([bbox[0], bbox[1], bbox[0] + bbox[2], bbox[1] + bbox[3]])
        if box is not None:
            return box, "mask_bbox"
    return None


def _stored_record(row: Asset, store: AssetStore) -> dict[str, Any] | None:
    """The text record of ``row``'s stored file (PNG text chunk, else the XMP copy); None if unreadable."""
    from imagegen.provenance.marks.textrecord import KEYWORD, parse_record

    try:
        data = store.read(row.storage_key)
    except (OSError, ValueError):
        return None
    try:
        with Image.open(io.BytesIO(data)) as stored:
            record = parse_record(stored.info.get(KEYWORD))
    except OSError:
        return None
    if record is None:
        from imagegen.provenance.marks.inspect import inspect_file

        record = inspect_file(data, decode_watermark=False).text_record
    return record


def _region_carries(img: Image.Image, row: Asset, box: tuple[int, int, int, int]) -> bool:
    """Whether ``box`` of ``row`` (in its stored size), scaled to ``img``, decodes to ``row``'s own mark."""
    from imagegen.provenance.marks.watermark import decode

    sx, sy = img.width / max(1, row.width), img.height / max(1, row.height)
    scaled = (
        max(0, round(box[0] * sx)),
        max(0, round(box[1] * sy)),
        min(img.width, round(box[2] * sx)),
        min(img.height, round(box[3] * sy)),
    )
    if min(scaled[2] - scaled[0], scaled[3] - scaled[1]) < 32:
        return False
    return decode(img, region=scaled).wm_id == _wm_int(row.watermark_id)


def _wm_int(hex_id: str | None) -> int | None:
    try:
        return int(hex_id, 16) if hex_id else None
    except ValueError:
        return None


def _default_store(session: Session) -> AssetStore | None:
    """The ``assets`` folder beside a SQLite catalog file (the ``Settings`` layout), when it exists."""
    bind = session.get_bind()
    url = bind.engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    folder = Path(url.database).parent / "assets"
    return AssetStore(folder) if folder.is_dir() else None
