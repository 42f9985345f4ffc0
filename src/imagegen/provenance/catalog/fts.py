"""Full text over prompt + rendered text: FTS5 on SQLite, ``tsvector`` + GIN on PostgreSQL.

User text is never passed through as query syntax: it is split into words and each word becomes a quoted
term (all must match), so ``"`` or ``NEAR(`` in a search box cannot break or widen a query.

On SQLite the FTS5 table also indexes one token per tenant (see migration 0002), and the tenant term is part
of the MATCH expression: FTS5 intersects the tenant's doclist with the words' doclists, walks the result
newest-first (``ORDER BY rowid DESC``) and stops at the page size. Text results are therefore ordered by
recording order (``seq``), which is creation order for everything the recorder writes.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Select, column, table, text
from sqlalchemy.orm import Session

from imagegen.provenance.catalog.models import Asset

_WORD = re.compile(r"\w+", re.UNICODE)
FTS_TABLE = table("catalog_fts", column("rowid"))


def terms(query: str) -> list[str]:
    """The words of a search box entry (Unicode word characters; punctuation ignored)."""
    return _WORD.findall(query.lower())


def tenant_token(tenant_id: str) -> str:
    """The FTS token of a tenant: what the triggers write (``'t' || hex(tenant_id)``)."""
    return "t" + tenant_id.encode("utf-8").hex().upper()


def fts5_expression(tenant_id: str, query: str) -> str:
    """``tenant : <token> AND {prompt rendered_text} : ("w1" "w2" ...)`` (words implicitly ANDed)."""
    words = " ".join('"' + t.replace('"', '""') + '"' for t in terms(query))
    return f"tenant : {tenant_token(tenant_id)} AND {{prompt rendered_text}} : ({words})"


def apply_text(stmt: Select[Any], session: Session, tenant_id: str, query: str) -> tuple[Select[Any], Any]:
    """Restrict ``stmt`` (a tenant-scoped select on ``catalog_assets``) to rows matching ``query``.

    Returns the statement and the column to order by (descending) for newest-first keyset pages.
    """
    words = terms(query)
    if not words:
        return stmt, Asset.seq
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        stmt = stmt.join(FTS_TABLE, FTS_TABLE.c.rowid == Asset.seq).where(
            text("catalog_fts MATCH :fts_q").bindparams(fts_q=fts5_expression(tenant_id, query))
        )
        return stmt, FTS_TABLE.c.rowid
    if dialect == "postgresql":
        tsq = " & ".join(w.replace("'", "") for w in words)
        return stmt.where(
            text("catalog_assets.search_tsv @@ to_tsquery('simple', :ts_q)").bindparams(ts_q=tsq)
        ), Asset.seq
    # any other database: a substring match per word (no index, but correct)
    for w in words:
        stmt = stmt.where(Asset.prompt.ilike(f"%{w}%") | Asset.rendered_text.ilike(f"%{w}%"))
    return stmt, Asset.seq


__all__ = ["apply_text", "fts5_expression", "tenant_token", "terms"]
