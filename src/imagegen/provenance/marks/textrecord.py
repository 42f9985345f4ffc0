"""The compact text record: a small JSON object pointing at the catalog entry (SPEC §9).

PNG carries it as an iTXt chunk with keyword ``imagegen``; JPEG and WebP have no text chunks that survive
common tools, so the same JSON goes into the XMP packet as ``imagegen:Record`` (see ``provenance.marks.xmp``).

Fields (all strings unless noted; absent values are null):
``v`` (int, format version 1), ``asset_id``, ``catalog`` (the catalog reference the recorder passed,
e.g. a URL or ``catalog:<asset_id>``), ``engine``, ``engine_version``, ``backend``, ``model`` (the model
the client asked for), ``operation`` (generate/edit), ``created_at`` (ISO 8601 UTC), ``parents`` (list of
asset ids), ``watermark`` (object: ``id`` hex of the 64 bits, ``region`` [x0, y0, x1, y1] or null, ``note``).
"""

from __future__ import annotations

import json
from typing import Any

from imagegen.provenance.records import FileProvenance

#: PNG iTXt keyword
KEYWORD = "imagegen"
VERSION = 1


def build_record(
    prov: FileProvenance,
    *,
    catalog_ref: str | None,
    watermark: dict[str, Any] | None,
) -> dict[str, Any]:
    """The record for one output file."""
    return {
        "v": VERSION,
        "asset_id": prov.asset_id,
        "catalog": catalog_ref,
        "engine": prov.engine,
        "engine_version": prov.engine_version,
        "backend": prov.backend,
        "model": prov.requested_model,
        "operation": prov.operation,
        "created_at": prov.created_at,
        "parents": [i.asset_id for i in prov.ingredients if i.asset_id],
        "watermark": watermark,
    }


def encode_record(record: dict[str, Any]) -> str:
    """Compact, key-sorted JSON (deterministic bytes for the same record)."""
    return json.dumps(record, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def parse_record(text: str | bytes | None) -> dict[str, Any] | None:
    """The record from its JSON text, or None when absent or not ours."""
    if text is None:
        return None
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) and "asset_id" in value else None
