"""Search: filters, full text, keyset pagination, and grouping by prompt family.

The auditor's question ("every asset made with gpt-image-2 between two dates for client X, grouped by prompt
family") is ``search_grouped(session, "X", SearchQuery(model="gpt-image-2", date_from=..., date_to=...))``:
one grouped count query + one listing query, both served by the (tenant, requested_model, created_at) index.
Dates are naive UTC; ``date_from`` is inclusive, ``date_to`` exclusive (``parse_bound`` turns a day given as
the upper bound into the next midnight, so ``--to 2026-04-29`` includes the whole 29th).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select, tuple_
from sqlalchemy.orm import Session

from imagegen.contract.errors import InvalidValue
from imagegen.provenance.catalog.fts import match_condition
from imagegen.provenance.catalog.models import Asset, Family
from imagegen.provenance.catalog.repository import CatalogRepository

#: the columns a listing returns (no plan/report/params blobs: those come with ``GET /v1/assets/{id}``)
LIST_COLUMNS = (
    Asset.seq,
    Asset.asset_id,
    Asset.created_at,
    Asset.source,
    Asset.operation,
    Asset.requested_model,
    Asset.engine,
    Asset.engine_version,
    Asset.backend,
    Asset.user,
    Asset.prompt,
    Asset.output_format,
    Asset.width,
    Asset.height,
    Asset.sha256,
    Asset.family_id,
    Asset.watermark_id,
    Asset.c2pa_manifest_label,
    Asset.size_bytes,
)
MAX_LIMIT = 500


@dataclass(frozen=True)
class SearchQuery:
    """Filters (all optional, ANDed). ``text`` is full text over prompt + rendered text."""

    text: str | None = None
    model: str | None = None
    engine: str | None = None
    user: str | None = None
    source: str | None = None
    output_format: str | None = None
    width: int | None = None
    height: int | None = None
    family_id: str | None = None
    date_from: datetime | None = None
    date_to: datetime | None = None
    limit: int = 50
    cursor: str | None = None


@dataclass
class SearchPage:
    """One page of assets, newest first, and the cursor of the next page (None at the end)."""

    items: list[dict[str, Any]]
    next_cursor: str | None


@dataclass
class FamilyGroup:
    """The assets of one prompt family matched by a query (oldest first)."""

    family_id: str | None
    count: int
    first_created: str
    last_created: str
    prompt: str
    assets: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class GroupedResult:
    """Families by descending size; ``truncated`` when more than ``max_assets`` assets matched."""

    groups: list[FamilyGroup]
    total: int
    truncated: bool = False


def parse_bound(value: str | None, *, upper: bool) -> datetime | None:
    """Parse a CLI/API date or datetime into naive UTC; a bare upper date means the end of that day."""
    if value is None or value == "":
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InvalidValue(
            f"Invalid date '{value}'. Use YYYY-MM-DD or an ISO 8601 datetime.",
            param="to" if upper else "from",
        ) from exc
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC).replace(tzinfo=None)
    if upper and len(value) <= 10:
        dt += timedelta(days=1)
    return dt


def iso(dt: datetime) -> str:
    """ISO 8601 UTC with a Z, as every catalog answer writes times."""
    return dt.replace(microsecond=dt.microsecond).isoformat(timespec="seconds") + "Z"


def encode_cursor(created_at: datetime, seq: int) -> str:
    raw = json.dumps([created_at.isoformat(), seq]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        ts, seq = json.loads(raw)
        return datetime.fromisoformat(ts), int(seq)
    except (ValueError, TypeError) as exc:
        raise InvalidValue("Invalid cursor.", param="cursor") from exc


def conditions(session: Session, q: SearchQuery) -> list[ColumnElement[Any]]:
    """The WHERE terms of ``q`` (the tenant term comes from the repository)."""
    conds: list[ColumnElement[Any]] = []
    for column, value in (
        (Asset.requested_model, q.model),
        (Asset.engine, q.engine),
        (Asset.user, q.user),
        (Asset.source, q.source),
        (Asset.output_format, q.output_format),
        (Asset.width, q.width),
        (Asset.height, q.height),
        (Asset.family_id, q.family_id),
    ):
        if value is not None and value != "":
            conds.append(column == value)
    if q.date_from is not None:
        conds.append(Asset.created_at >= q.date_from)
    if q.date_to is not None:
        conds.append(Asset.created_at < q.date_to)
    if q.text and q.text.strip():
        conds.append(match_condition(session, q.text))
    return conds


def row_dict(row: Any) -> dict[str, Any]:
    """A listing row as JSON-ready values."""
    d = dict(row._mapping)
    d.pop("seq", None)
    d["created_at"] = iso(d["created_at"])
    return d


def search_assets(session: Session, tenant_id: str, q: SearchQuery) -> SearchPage:
    """One page of matching assets of ``tenant_id``, newest first (keyset pagination)."""
    repo = CatalogRepository(session, tenant_id)
    limit = max(1, min(q.limit, MAX_LIMIT))
    stmt = repo.scoped(*LIST_COLUMNS).where(*conditions(session, q))
    if q.cursor:
        c_at, c_seq = decode_cursor(q.cursor)
        stmt = stmt.where(tuple_(Asset.created_at, Asset.seq) < tuple_(c_at, c_seq))
    rows = session.execute(stmt.order_by(Asset.created_at.desc(), Asset.seq.desc()).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    nxt = encode_cursor(rows[-1].created_at, rows[-1].seq) if more and rows else None
    return SearchPage(items=[row_dict(r) for r in rows], next_cursor=nxt)


def search_grouped(
    session: Session, tenant_id: str, q: SearchQuery, *, max_assets: int = 20_000, with_assets: bool = True
) -> GroupedResult:
    """Every matching asset of ``tenant_id`` grouped by prompt family (largest family first)."""
    repo = CatalogRepository(session, tenant_id)
    conds = conditions(session, q)
    counts = session.execute(
        repo.scoped(
            Asset.family_id, func.count(Asset.seq), func.min(Asset.created_at), func.max(Asset.created_at)
        )
        .where(*conds)
        .group_by(Asset.family_id)
    ).all()
    groups = {
        fid: FamilyGroup(family_id=fid, count=int(n), first_created=iso(lo), last_created=iso(hi), prompt="")
        for fid, n, lo, hi in counts
    }
    total = sum(g.count for g in groups.values())
    fam_ids = [f for f in groups if f is not None]
    for i in range(0, len(fam_ids), 500):
        for fid, prompt in session.execute(
            select(Family.family_id, Family.prompt).where(
                Family.tenant_id == tenant_id, Family.family_id.in_(fam_ids[i : i + 500])
            )
        ):
            groups[fid].prompt = prompt
    truncated = False
    if with_assets:
        rows = session.execute(
            repo.scoped(*LIST_COLUMNS)
            .where(*conds)
            .order_by(Asset.created_at, Asset.seq)
            .limit(max_assets + 1)
        ).all()
        truncated = len(rows) > max_assets
        for r in rows[:max_assets]:
            g = groups[r.family_id]
            if not g.prompt:
                g.prompt = r.prompt
            g.assets.append(row_dict(r))
    ordered = sorted(groups.values(), key=lambda g: (-g.count, g.family_id or ""))
    return GroupedResult(groups=ordered, total=total, truncated=truncated)


def grouped_to_json(result: GroupedResult) -> dict[str, Any]:
    """The JSON shape shared by ``imagegen search --group-by family --json`` and ``GET /v1/assets``."""
    return {
        "object": "list",
        "group_by": "family",
        "total": result.total,
        "truncated": result.truncated,
        "groups": [
            {
                "family_id": g.family_id,
                "count": g.count,
                "prompt": g.prompt,
                "first_created": g.first_created,
                "last_created": g.last_created,
                "assets": g.assets,
            }
            for g in result.groups
        ],
    }
