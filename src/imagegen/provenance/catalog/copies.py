"""Signed copies of a stored asset in another format (the studio's JPEG/WebP/PNG downloads).

A copy is never a bare re-encode: ``marks.marking.transcode`` writes the same XMP and text record as the
original (built from the catalog row, the record's watermark entry kept), keeps the watermark that is already
in the pixels, and signs a C2PA manifest whose parent ingredient is the stored file (``c2pa.opened`` +
``c2pa.transcoded``). The stored format is answered with the stored bytes themselves.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Any, cast

from imagegen.provenance.catalog.models import Asset
from imagegen.provenance.catalog.repository import CatalogRepository
from imagegen.provenance.catalog.search import iso
from imagegen.provenance.marks.c2pa_sign import MIME
from imagegen.provenance.marks.marking import OutputFormat, transcode
from imagegen.provenance.records import FileProvenance, Ingredient, StoredAsset

#: the formats a copy may be made in
COPY_FORMATS: tuple[OutputFormat, ...] = ("png", "jpeg", "webp")
#: encoder quality of a copy (PNG is lossless; WebP lossy at 92: lossless WebP took ~1.5 s at 1024²)
COPY_QUALITY = {"png": 100, "jpeg": 92, "webp": 92}


def file_provenance(repo: CatalogRepository, row: Asset) -> FileProvenance:
    """What the catalog row says goes into a file of this asset (the recorder's ``FileProvenance``, less
    the parents' bytes: a copy names its parents in the text record, its manifest carries the original)."""
    edges = repo.parents_of(row.asset_id)
    parents = tuple(Ingredient(data=b"", format="png", title=pid, asset_id=pid) for pid, _ in edges)
    # as the recorder decided: an edit of real inputs, or a pipeline step made from an earlier step
    edited = any(rel in ("edit", "pipeline_step") for _, rel in edges)
    return FileProvenance(
        asset_id=row.asset_id,
        tenant_id=row.tenant_id,
        # as catalogued: an ingested file of unknown origin stays unknown (never claimed as AI output)
        digital_source_type=row.digital_source_type or "",
        requested_model=row.requested_model or "",
        engine=row.engine or "",
        engine_version=row.engine_version or "",
        backend=row.backend or "",
        prompt=row.prompt or "",
        created_at=iso(row.created_at),
        operation="edit" if edited else "generate",
        ingredients=parents,
        user=row.user,
    )


def signed_copy(stored: StoredAsset, fmt: str, prov: FileProvenance, signer: Any) -> StoredAsset:
    """``stored`` in ``fmt`` (png/jpeg/webp): itself when it already is, else a signed copy."""
    fmt = "jpeg" if fmt == "jpg" else fmt
    if fmt not in COPY_FORMATS:
        raise ValueError(f"unsupported copy format {fmt!r}")
    if fmt == stored.output_format:
        return stored
    marked = transcode(stored.data, output_format=cast(OutputFormat, fmt), compression=COPY_QUALITY[fmt],
                       prov=prov, signer=signer, catalog_ref=f"/v1/assets/{stored.asset_id}")
    return replace(stored, data=marked.data, content_type=MIME[fmt], output_format=fmt,
                   sha256=hashlib.sha256(marked.data).hexdigest(),
                   extra=stored.extra | {"c2pa_manifest_label": marked.manifest_label,
                                         "copy_of": stored.sha256})
