"""Review and approval (SPEC §11): the state of an asset (draft / approved / rejected) and its history.

The current decision lives on the asset row (``review_state``, ``review_by``, ``review_at``,
``review_comment``) so listings, the approval query and the export read it without a join; every decision
is also appended to ``catalog_reviews``. Both are written in one transaction by ``set_review``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, literal, select
from sqlalchemy.orm import Session

from imagegen.contract.errors import InvalidValue
from imagegen.contract.limits import REVIEW_COMMENT_MAX_CHARS, REVIEW_STATES
from imagegen.provenance.catalog.models import Asset, Edge, Review
from imagegen.provenance.catalog.repository import CatalogRepository


def check_state(state: object, *, param: str = "state") -> str:
    """``state`` if it is a review state, else ``InvalidValue`` naming ``param``."""
    if not isinstance(state, str) or state not in REVIEW_STATES:
        raise InvalidValue(
            f"Invalid review state {state!r}: use one of {', '.join(REVIEW_STATES)}.", param=param
        )
    return state


def check_comment(comment: object) -> str | None:
    """A review comment (None or a string of at most ``REVIEW_COMMENT_MAX_CHARS``)."""
    if comment is None:
        return None
    if not isinstance(comment, str):
        raise InvalidValue("Invalid 'comment': expected a string.", param="comment")
    if len(comment) > REVIEW_COMMENT_MAX_CHARS:
        raise InvalidValue(
            f"The review comment is {len(comment)} characters; at most {REVIEW_COMMENT_MAX_CHARS} are kept.",
            param="comment",
        )
    return comment or None


def _iso(dt: datetime | None) -> str | None:
    return dt.isoformat(timespec="seconds") + "Z" if dt is not None else None


def review_json(asset: Asset) -> dict[str, Any]:
    """``{"state", "comment", "by", "at"}`` of an asset (``draft`` with nulls when nobody decided)."""
    return {
        "state": asset.review_state or "draft",
        "comment": asset.review_comment,
        "by": asset.review_by,
        "at": _iso(asset.review_at),
    }


def set_review(
    session: Session, tenant_id: str, asset_id: str, state: object, *, comment: object, by: str
) -> Asset:
    """Record a decision on one of the tenant's assets (``NotFound`` across tenants). Caller commits."""
    checked, note = check_state(state), check_comment(comment)
    if not by:
        raise InvalidValue("A review needs a reviewer.", param="user")
    asset = CatalogRepository(session, tenant_id).get(asset_id)
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    asset.review_state, asset.review_by, asset.review_at, asset.review_comment = checked, by, now, note
    entry = Review(tenant_id=tenant_id, asset_id=asset_id, state=checked, comment=note, reviewer=by)
    entry.created_at = now
    session.add(entry)
    session.flush()
    return asset


def review_history(session: Session, tenant_id: str, asset_id: str) -> list[dict[str, Any]]:
    """Every decision on the asset, oldest first."""
    rows = session.scalars(
        select(Review)
        .where(Review.tenant_id == tenant_id, Review.asset_id == asset_id)
        .order_by(Review.seq)
    )
    return [
        {"state": r.state, "comment": r.comment, "by": r.reviewer, "at": _iso(r.created_at)} for r in rows
    ]


def lineage_condition(tenant_id: str, root_id: str) -> ColumnElement[bool]:
    """``asset_id IN (root and every descendant at any depth)``: one recursive query over the edges.

    ``UNION`` (not ``UNION ALL``) drops ids already reached, so a cycle written by hand ends the walk."""
    sub = select(literal(root_id).label("asset_id")).cte("lineage_subtree", recursive=True)
    sub = sub.union(
        select(Edge.child_id).join(sub, Edge.parent_id == sub.c.asset_id).where(Edge.tenant_id == tenant_id)
    )
    return Asset.asset_id.in_(select(sub.c.asset_id))
