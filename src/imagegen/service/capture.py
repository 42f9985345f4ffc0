"""Capture: pixels made outside imagegen's engines (a ComfyUI graph, a pipeline step) become catalogued,
marked and signed assets, with lineage to the imagegen assets they came from.

Pixels that are exactly one of their parents' pixels are not stored twice: the parent asset is reused (its
stored file is already marked and signed) and the capture's workflow is added to its record. Anything else
goes through the one save point like any engine output: watermark, XMP, the text record, a C2PA manifest
(``c2pa.edited`` with the parents as ingredients, or ``c2pa.created``), the store and a catalog row.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image

from imagegen.contract.specs import OutputFormat
from imagegen.engines.base import EngineImage, EngineResult
from imagegen.provenance.catalog.repository import CatalogRepository
from imagegen.provenance.records import RecordContext, StoredAsset
from imagegen.service.savepoint import SavePoint


@dataclass(frozen=True)
class Captured:
    """One captured image: its asset, and whether an existing asset (a parent) was reused."""

    asset: StoredAsset
    reused: bool


@dataclass(frozen=True)
class CaptureSource:
    """Who made the pixels, as the catalog records it (engine, version, backend)."""

    engine: str
    engine_version: str
    backend: str


def _same_pixels(a: Image.Image, data: bytes) -> bool:
    with Image.open(io.BytesIO(data)) as stored:
        if stored.size != a.size:
            return False
        return bool(np.array_equal(np.asarray(stored.convert("RGB")), np.asarray(a.convert("RGB"))))


def _annotate(save_point: SavePoint, tenant_id: str, asset_id: str, extra: Mapping[str, Any]) -> None:
    """Merge ``extra`` into the asset's record (tenant-scoped: another tenant's id is ``NotFound``)."""
    with save_point.sessions() as session, session.begin():
        row = CatalogRepository(session, tenant_id).get(asset_id)
        row.extra = {**(row.extra or {}), **extra}


def capture(
    save_point: SavePoint,
    tenant_id: str,
    images: Sequence[Image.Image],
    *,
    source: CaptureSource,
    parents: Sequence[str] = (),
    prompt: str = "",
    output_format: OutputFormat = "png",
    output_compression: int = 100,
    extra: Mapping[str, Any] | None = None,
    user: str | None = None,
) -> list[Captured]:
    """Catalog ``images`` for ``tenant_id``; ``parents`` are imagegen asset ids of the tenant the images
    derive from (unknown or foreign ids are ``NotFound``). ``extra`` (e.g. the ComfyUI graph) is kept on
    every resulting asset's record."""
    inputs = tuple(save_point.load_input(tenant_id, asset_id) for asset_id in parents)
    extra = dict(extra or {})
    out: list[Captured] = []
    for pixels in images:
        reused = next((i for i in inputs if i.asset_id and _same_pixels(pixels, i.data)), None)
        if reused is not None and reused.asset_id is not None:
            if extra:
                _annotate(save_point, tenant_id, reused.asset_id, extra)
            out.append(Captured(save_point.get_asset(tenant_id, reused.asset_id), reused=True))
            continue
        ctx = RecordContext(
            tenant_id=tenant_id,
            operation="edit" if inputs else "generate",
            requested_model=source.engine,
            prompt=prompt,
            params={"output_format": output_format, "output_compression": output_compression,
                    "size": f"{pixels.width}x{pixels.height}", "n": 1},
            user=user,
            inputs=inputs,
            source="edited" if inputs else "ingested",
        )
        result = EngineResult(
            images=[EngineImage(pixels=pixels, revised_prompt="", extra=extra)],
            width=pixels.width,
            height=pixels.height,
            quality="high",
            background="transparent" if pixels.mode == "RGBA" else "opaque",
            engine=source.engine,
            engine_version=source.engine_version,
            backend=source.backend,
            seed=0,
        )
        (asset,) = save_point.record(ctx, result)
        out.append(Captured(asset, reused=False))
    return out
