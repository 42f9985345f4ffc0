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
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select, tuple_
from sqlalchemy.orm import Session

from imagegen.contract.bounds import check_string
from imagegen.contract.errors import InvalidValue
from imagegen.contract.sizes import parse_size
from imagegen.provenance.catalog.fts import apply_text
from imagegen.provenance.catalog.models import Asset, Family
from imagegen.provenance.catalog.repository import CatalogRepository, created_between
from imagegen.provenance.catalog.review import check_state, lineage_condition

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
    Asset.review_state,
)
MAX_LIMIT = 500


@dataclass(frozen=True)
class SearchQuery:
    """Filters (all optional, ANDed). ``text`` is full text over prompt + rendered text; ``review`` a review
    state; ``root`` an asset id selecting it and every descendant at any depth (SPEC §11)."""

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
    review: str | None = None
    root: str | None = None

    @classmethod
    def from_filters(
        cls,
        *,
        text: str | None = None,
        model: str | None = None,
        engine: str | None = None,
        user: str | None = None,
        source: str | None = None,
        output_format: str | None = None,
        size: str | None = None,
        family: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
        review: str | None = None,
        root: str | None = None,
    ) -> SearchQuery:
        """Build a query from the strings a front door receives (CLI options, API query parameters).

        ``size`` is parsed by the contract's size rule (``WxH``, ``W_H``, ``W*H``); dates by ``parse_bound``
        (a bare ``date_to`` covers that whole day).
        """
        # every string filter bounded by the contract's one string rule (length, valid Unicode)
        for name, value in (("q", text), ("model", model), ("engine", engine), ("user", user),
                            ("family", family), ("cursor", cursor), ("root", root), ("size", size)):
            if value is not None:
                check_string(value, name)
        dims = parse_size(size) if size else None
        return cls(
            text=text,
            model=model,
            engine=engine,
            user=user,
            source=source,
            output_format=output_format,
            width=dims[0] if dims else None,
            height=dims[1] if dims else None,
            family_id=family,
            date_from=parse_bound(date_from, upper=False),
            date_to=parse_bound(date_to, upper=True),
            limit=limit,
            cursor=cursor,
            review=check_state(review, param="review") if review else None,
            root=root or None,
        )


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
    try:
        if dt.tzinfo is not None:
            dt = dt.astimezone(UTC).replace(tzinfo=None)
        if upper and len(value) <= 10:
            dt += timedelta(days=1)
    except OverflowError as exc:  # 9999-12-31 as an upper day, 0001-01-01T00:00+14:00 ...
        raise InvalidValue(
            f"Invalid date '{value}': out of the range this server counts in (years 1 to 9999, UTC).",
            param="to" if upper else "from",
        ) from exc
    return dt


def iso(dt: datetime) -> str:
    """ISO 8601 UTC with a Z, as every catalog answer writes times."""
    return dt.isoformat(timespec="seconds") + "Z"


def encode_cursor(key: list[Any]) -> str:
    """An opaque keyset cursor: ``[created_at, seq]`` for listings, ``["s", seq]`` for text search."""
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> list[Any]:
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        # a forged cursor must be a 400, never an overflow in the database driver (a 500)
        if not (isinstance(key, list) and len(key) == 2 and type(key[1]) is int and 0 <= key[1] < 2**63):
            raise ValueError("bad cursor")
        if key[0] != "s":
            datetime.fromisoformat(str(key[0]))
        return key
    except (ValueError, TypeError, RecursionError) as exc:
        raise InvalidValue("Invalid cursor.", param="cursor") from exc


def conditions(q: SearchQuery, tenant_id: str) -> list[ColumnElement[Any]]:
    """The WHERE terms of ``q`` except full text (the tenant term on assets comes from the repository;
    ``tenant_id`` scopes the lineage edges a ``root`` filter walks)."""
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
        (Asset.review_state, q.review),
    ):
        if value is not None and value != "":
            conds.append(column == value)
    conds.extend(created_between(q.date_from, q.date_to))
    if q.root:
        conds.append(lineage_condition(tenant_id, q.root))
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
    stmt = repo.scoped(*LIST_COLUMNS).where(*conditions(q, tenant_id))
    key = decode_cursor(q.cursor) if q.cursor else None
    if q.text and q.text.strip():
        stmt, order_col = apply_text(stmt, session, tenant_id, q.text)
        if key is not None:
            stmt = stmt.where(order_col < key[1])
        stmt = stmt.order_by(order_col.desc())
    else:
        if key is not None:
            try:
                after = datetime.fromisoformat(str(key[0]))
            except ValueError as exc:
                raise InvalidValue("Invalid cursor.", param="cursor") from exc
            stmt = stmt.where(tuple_(Asset.created_at, Asset.seq) < tuple_(after, key[1]))
        stmt = stmt.order_by(Asset.created_at.desc(), Asset.seq.desc())
    rows = session.execute(stmt.limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    nxt = None
    if more and rows:
        last = rows[-1]
        nxt = encode_cursor(
            ["s", last.seq] if q.text and q.text.strip() else [last.created_at.isoformat(), last.seq]
        )
    return SearchPage(items=[row_dict(r) for r in rows], next_cursor=nxt)


def _iso_sql(session: Session) -> Any:
    """``created_at`` formatted as ISO 8601 Z by the database (no per-row parsing in Python)."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        return func.strftime("%Y-%m-%dT%H:%M:%SZ", Asset.created_at)
    if dialect == "postgresql":
        return func.to_char(Asset.created_at, 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
    return None


def search_grouped(
    session: Session, tenant_id: str, q: SearchQuery, *, max_assets: int = 20_000, with_assets: bool = True
) -> GroupedResult:
    """Every matching asset of ``tenant_id`` grouped by prompt family (largest family first).

    One listing query, answered from the covering (tenant, model, created_at, family, id, engine, user,
    family_prompt) index, builds and names the groups (each row carries its family's founding prompt);
    only families whose rows lack it are looked up in ``catalog_families``. Only when more than
    ``max_assets`` match does a grouped count query give the exact sizes. Rows are read through Core with
    the timestamp already formatted by the database: at a few thousand rows, ORM objects and datetime
    parsing cost more than the query itself.
    """
    repo = CatalogRepository(session, tenant_id)
    created = _iso_sql(session)
    as_text = created is not None
    created = created if as_text else Asset.created_at
    stmt = repo.scoped(
        Asset.asset_id,
        created,
        Asset.family_id,
        Asset.requested_model,
        Asset.engine,
        Asset.user,
        Asset.family_prompt,
    ).where(*conditions(q, tenant_id))
    if q.text and q.text.strip():
        stmt, _ = apply_text(stmt, session, tenant_id, q.text)
    conn = session.connection()
    result = conn.execute(stmt.order_by(Asset.created_at).limit(max_assets + 1))
    rows: list[Any]
    if as_text and result.cursor is not None:
        # every column is text with no result processing: read the driver's tuples as they are (no Row
        # object per asset: fewer allocations, fewer garbage-collector passes during the build)
        rows = list(result.cursor.fetchall())
        result.close()
    else:
        rows = list(result.all())
    truncated = len(rows) > max_assets
    groups: dict[str | None, FamilyGroup] = {}
    for asset_id, when_raw, family_id, model, engine, user, family_prompt in rows[:max_assets]:
        when = when_raw if as_text else iso(when_raw)
        g = groups.get(family_id)
        if g is None:
            g = groups[family_id] = FamilyGroup(family_id, 0, when, when, "")
            g.prompt = family_prompt or ""
        elif not g.prompt and family_prompt:
            g.prompt = family_prompt
        g.count += 1
        g.last_created = when
        if with_assets:
            g.assets.append(
                {
                    "asset_id": asset_id,
                    "created_at": when,
                    "requested_model": model,
                    "engine": engine,
                    "user": user,
                }
            )
    if truncated:
        counted = repo.scoped(
            Asset.family_id, func.count(Asset.seq), func.min(Asset.created_at), func.max(Asset.created_at)
        ).where(*conditions(q, tenant_id))
        if q.text and q.text.strip():
            counted, _ = apply_text(counted, session, tenant_id, q.text)
        for fid, n, lo, hi in conn.execute(counted.group_by(Asset.family_id)):
            g = groups.setdefault(fid, FamilyGroup(fid, 0, iso(lo), iso(hi), ""))
            g.count, g.first_created, g.last_created = int(n), iso(lo), iso(hi)
    # families named by their rows (``family_prompt``, migration 0003) need no lookup; the rest (rows written
    # before the column was filled, families only counted past ``max_assets``) are looked up
    unnamed: dict[str | None, FamilyGroup] = {
        fid: g for fid, g in groups.items() if fid is not None and not g.prompt
    }
    if unnamed:
        _name_families(session, conn, repo, q, unnamed)
    # largest first, ties by family id: two stable sorts on plain keys (no key tuple per group)
    ordered = sorted(groups.values(), key=_family_key)
    ordered.sort(key=_count_key, reverse=True)
    return GroupedResult(groups=ordered, total=sum(g.count for g in ordered), truncated=truncated)


def _family_key(g: FamilyGroup) -> str:
    return g.family_id or ""


def _count_key(g: FamilyGroup) -> int:
    return g.count


class _FamilyNames:
    """Process-wide LRU of family names. Safe because a family's founding prompt never changes."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._data: OrderedDict[tuple[str, str, str], str] = OrderedDict()
        self._lock = threading.Lock()

    def get_many(self, db: str, tenant_id: str, ids: list[str]) -> dict[str, str]:
        with self._lock:
            found = {}
            for fid in ids:
                name = self._data.get((db, tenant_id, fid))
                if name is not None:
                    found[fid] = name
            return found

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def put_many(self, db: str, tenant_id: str, names: dict[str, str]) -> None:
        with self._lock:
            for fid, name in names.items():
                self._data[(db, tenant_id, fid)] = name
            while len(self._data) > self.size:
                self._data.popitem(last=False)


FAMILY_NAMES = _FamilyNames(200_000)


def _name_families(
    session: Session,
    conn: Any,
    repo: CatalogRepository,
    q: SearchQuery,
    groups: dict[str | None, FamilyGroup],
) -> None:
    """Fill ``prompt`` of each group: from the cache, else in one statement for the missing ones."""
    ids = [f for f in groups if f is not None]
    if not ids:
        return
    bind = session.get_bind()
    # a Connection's engine carries the URL; an Engine carries it itself
    db = str(bind.engine.url)
    names = FAMILY_NAMES.get_many(db, repo.tenant_id, ids)
    missing = [f for f in ids if f not in names]
    if missing:
        if len(missing) <= 200:
            stmt = select(Family.family_id, Family.prompt).where(
                Family.tenant_id == repo.tenant_id, Family.family_id.in_(missing)
            )
        else:
            # many: the matching family ids come from the same covering index, each name is one
            # primary-key lookup, and no long id list has to be bound
            matched = repo.scoped(Asset.family_id).where(
                *conditions(q, repo.tenant_id), Asset.family_id.is_not(None)
            )
            if q.text and q.text.strip():
                matched, _ = apply_text(matched, session, repo.tenant_id, q.text)
            sub = matched.distinct().subquery()
            stmt = (
                select(Family.family_id, Family.prompt)
                .join(sub, sub.c.family_id == Family.family_id)
                .where(Family.tenant_id == repo.tenant_id)
            )
        fetched = {fid: prompt for fid, prompt in conn.execute(stmt).all()}
        FAMILY_NAMES.put_many(db, repo.tenant_id, fetched)
        names.update(fetched)
    for fid, name in names.items():
        if fid in groups:
            groups[fid].prompt = name


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
