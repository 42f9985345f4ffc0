"""Full-text conditions over prompt + rendered text: FTS5 on SQLite, ``tsvector`` on PostgreSQL.

User text is never passed through as query syntax: it is split into words and each word becomes a quoted
term (all must match), so ``"`` or ``NEAR(`` in a search box cannot break or widen a query.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, bindparam, literal_column, text
from sqlalchemy.orm import Session

from imagegen.provenance.catalog.models import Asset

_WORD = re.compile(r"\w+", re.UNICODE)


def terms(query: str) -> list[str]:
    """The words of a search box entry (Unicode word characters; punctuation ignored)."""
    return _WORD.findall(query.lower())


def fts5_expression(query: str) -> str:
    """An FTS5 MATCH expression: every word quoted, implicitly ANDed."""
    return " ".join('"' + t.replace('"', '""') + '"' for t in terms(query))


def match_condition(session: Session, query: str) -> ColumnElement[Any]:
    """A WHERE condition on ``catalog_assets``: prompt or rendered text match ``query``."""
    words = terms(query)
    if not words:
        return literal_column("1") == literal_column("1")
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        sub = text("SELECT rowid FROM catalog_fts WHERE catalog_fts MATCH :fts_q").bindparams(
            bindparam("fts_q", fts5_expression(query))
        )
        return Asset.seq.in_(sub.columns(literal_column("rowid")))
    if dialect == "postgresql":
        return text("catalog_assets.search_tsv @@ to_tsquery('simple', :ts_q)").bindparams(
            bindparam("ts_q", " & ".join(w.replace("'", "") for w in words))
        )
    # any other database: a plain substring match on each word (no index, but correct)
    cond: ColumnElement[Any] = literal_column("1") == literal_column("1")
    for w in words:
        cond = cond & ((Asset.prompt.ilike(f"%{w}%")) | (Asset.rendered_text.ilike(f"%{w}%")))
    return cond
