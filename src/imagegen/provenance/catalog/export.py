"""Disclosure export (EU AI Act Art. 50): one line per asset with what a transparency record needs.

Rows stream in creation order by keyset pages of 1000, so an export of a million assets holds one page in
memory. With ``hash_prompts`` the prompt is replaced by its sha256 (the catalog keeps the text; the export
can leave the building without it).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import datetime
from typing import IO, Any

from sqlalchemy import tuple_
from sqlalchemy.orm import Session

from imagegen.provenance.catalog.models import Asset
from imagegen.provenance.catalog.repository import CatalogRepository, created_between

FIELDS = (
    "asset_id",
    "created_at",
    "tenant_id",
    "user",
    "source",
    "operation",
    "requested_model",
    "engine",
    "engine_version",
    "backend",
    "digital_source_type",
    "ai_generated",
    "prompt",
    "prompt_sha256",
    "c2pa_manifest_label",
    "watermark_id",
    "parents",
    "sha256",
    "output_format",
    "width",
    "height",
    "review_state",
    "review_by",
    "review_at",
    "review_comment",
)
_PAGE = 1000


def export_rows(
    session: Session,
    tenant_id: str,
    *,
    date_from: datetime | None = None,
    date_to: datetime | None = None,
    model: str | None = None,
    hash_prompts: bool = False,
) -> Iterator[dict[str, Any]]:
    """Yield one disclosure record per asset of ``tenant_id`` in ``[date_from, date_to)``, oldest first."""
    repo = CatalogRepository(session, tenant_id)
    conds = created_between(date_from, date_to)
    if model:
        conds.append(Asset.requested_model == model)
    after: tuple[datetime, int] | None = None
    while True:
        stmt = repo.scoped().where(*conds)
        if after is not None:
            stmt = stmt.where(tuple_(Asset.created_at, Asset.seq) > tuple_(*after))
        rows = list(session.scalars(stmt.order_by(Asset.created_at, Asset.seq).limit(_PAGE)))
        if not rows:
            return
        parents = repo.parents_map([r.asset_id for r in rows])
        for r in rows:
            yield {
                "asset_id": r.asset_id,
                "created_at": r.created_at.isoformat(timespec="seconds") + "Z",
                "tenant_id": r.tenant_id,
                "user": r.user,
                "source": r.source,
                "operation": r.operation,
                "requested_model": r.requested_model,
                "engine": r.engine,
                "engine_version": r.engine_version,
                "backend": r.backend,
                "digital_source_type": r.digital_source_type,
                # ingested files are catalogued as found: they are AI output only when they say so
                "ai_generated": r.source in ("generated", "edited", "upstream")
                or bool(r.digital_source_type),
                "prompt": None if hash_prompts else r.prompt,
                "prompt_sha256": r.prompt_sha256,
                "c2pa_manifest_label": r.c2pa_manifest_label,
                "watermark_id": r.watermark_id,
                "parents": sorted(parents.get(r.asset_id, [])),
                "sha256": r.sha256,
                "output_format": r.output_format,
                "width": r.width,
                "height": r.height,
                "review_state": r.review_state or "draft",
                "review_by": r.review_by,
                "review_at": r.review_at.isoformat(timespec="seconds") + "Z" if r.review_at else None,
                "review_comment": r.review_comment,
            }
        after = (rows[-1].created_at, rows[-1].seq)
        session.expunge_all()


def write_csv(rows: Iterator[dict[str, Any]], out: IO[str]) -> int:
    """CSV with a header; ``parents`` joined by ``;``. Returns the number of rows."""
    w = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    w.writeheader()
    n = 0
    for row in rows:
        w.writerow(row | {"parents": ";".join(row["parents"]), "prompt": row["prompt"] or ""})
        n += 1
    return n


def write_json(rows: Iterator[dict[str, Any]], out: IO[str]) -> int:
    """A JSON array written row by row (valid JSON, constant memory). Returns the number of rows."""
    n = 0
    out.write("[")
    for row in rows:
        out.write(("\n" if n == 0 else ",\n") + json.dumps(row, ensure_ascii=False))
        n += 1
    out.write("\n]\n" if n else "]\n")
    return n
