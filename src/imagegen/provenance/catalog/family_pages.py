"""Prompt families one keyset page at a time (the studio's family view scrolls like its grid).

Order: largest family first, ties by family id (the order of ``search.search_grouped``). A page is one grouped
query over the matching assets (the ``(tenant_id, family_id)`` index) that seeks past the previous page's last
``(count, family id)`` in ``HAVING``: no ``OFFSET``, so a deep page costs what the first one does. Each family
on the page brings its newest ``strip`` matching assets (one windowed query for the whole page) and its name
(one primary-key lookup per page). Assets without a family (an empty prompt) form one group whose id is None.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from imagegen.contract.errors import InvalidValue
from imagegen.provenance.catalog.fts import apply_text
from imagegen.provenance.catalog.models import Asset, Family
from imagegen.provenance.catalog.repository import CatalogRepository
from imagegen.provenance.catalog.search import (
    FamilyGroup,
    SearchQuery,
    conditions,
    encode_cursor,
    iso,
)

__all__ = ["FamilyPage", "decode_family_cursor", "family_page"]

#: newest assets shown per family
STRIP = 4


@dataclass
class FamilyPage:
    """One page of families and the cursor of the next (None at the end); ``assets`` and ``families``
    (how many match in all) are counted on the first page only (None on later pages)."""

    groups: list[FamilyGroup]
    next_cursor: str | None
    assets: int | None = None
    families: int | None = None


def family_page(session: Session, tenant_id: str, q: SearchQuery, *, strip: int = STRIP) -> FamilyPage:
    """One keyset page (``q.limit`` families after ``q.cursor``) of ``tenant_id``'s matching families."""
    repo = CatalogRepository(session, tenant_id)
    limit = max(1, q.limit)
    has_text = bool(q.text and q.text.strip())
    fid = func.coalesce(Asset.family_id, "")
    n = func.count(Asset.seq)
    stmt = repo.scoped(Asset.family_id, n, func.min(Asset.created_at), func.max(Asset.created_at)).where(
        *conditions(q, tenant_id))
    if has_text:
        stmt, _ = apply_text(stmt, session, tenant_id, str(q.text))
    stmt = stmt.group_by(Asset.family_id)
    if q.cursor:
        after_n, after_id = decode_family_cursor(q.cursor)
        stmt = stmt.having(or_(n < after_n, and_(n == after_n, fid > after_id)))
    rows = session.execute(stmt.order_by(n.desc(), fid).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    groups = [FamilyGroup(family, int(count), iso(lo), iso(hi), "") for family, count, lo, hi in rows]
    page = FamilyPage(groups, encode_cursor(["f", groups[-1].count, groups[-1].family_id or ""])
                      if more and groups else None)
    if not groups:
        return page
    ids = [g.family_id for g in groups if g.family_id is not None]
    by_id = {g.family_id: g for g in groups}
    if ids:
        names = session.execute(select(Family.family_id, Family.prompt).where(
            Family.tenant_id == tenant_id, Family.family_id.in_(ids)))
        for family, prompt in names:
            by_id[family].prompt = prompt or ""
    in_page = [Asset.family_id.in_(ids)] if ids else []
    if None in by_id:
        in_page.append(Asset.family_id.is_(None))
    newest = func.row_number().over(partition_by=Asset.family_id,
                                    order_by=(Asset.created_at.desc(), Asset.seq.desc())).label("rn")
    inner = repo.scoped(Asset.asset_id, Asset.family_id, Asset.created_at, Asset.requested_model,
                        Asset.engine, Asset.user, newest).where(*conditions(q, tenant_id), or_(*in_page))
    if has_text:
        inner, _ = apply_text(inner, session, tenant_id, str(q.text))
    sub = inner.subquery()
    for asset_id, family, created, model, engine, user, _rn in session.execute(
            select(sub).where(sub.c.rn <= strip).order_by(sub.c.family_id, sub.c.rn)):
        by_id[family].assets.append({"asset_id": asset_id, "created_at": iso(created),
                                     "requested_model": model, "engine": engine, "user": user})
    if not q.cursor:
        totals = repo.scoped(func.count(Asset.seq), func.count(func.distinct(fid))).where(
            *conditions(q, tenant_id))
        if has_text:
            totals, _ = apply_text(totals, session, tenant_id, str(q.text))
        total_assets, total_families = session.execute(totals).one()
        page.assets, page.families = int(total_assets), int(total_families)
    return page


def decode_family_cursor(cursor: str) -> tuple[int, str]:
    """``(count, family id)`` of the last family of the previous page; a forged cursor is a 400."""
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError, RecursionError) as exc:
        raise InvalidValue("Invalid cursor.", param="cursor") from exc
    if not (isinstance(key, list) and len(key) == 3 and key[0] == "f" and type(key[1]) is int
            and 0 < key[1] < 2**63 and isinstance(key[2], str) and len(key[2]) <= 64):
        raise InvalidValue("Invalid cursor.", param="cursor")
    return key[1], key[2]
