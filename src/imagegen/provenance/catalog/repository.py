"""``CatalogRepository(session, tenant_id)``: every catalog read and write, scoped to one tenant.

There is no method without the tenant: the tenant is bound at construction and every statement this
class builds starts from ``scoped()``, which adds ``tenant_id = :tenant``. Another tenant's asset is
indistinguishable from an unknown one (``NotFound``, SPEC §5). The one unscoped helper,
``referenced_storage_keys``, answers only "is this blob still referenced" for the store sweep and returns
no catalog data.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from imagegen.contract.errors import NotFound
from imagegen.provenance.catalog.models import Asset, Edge, Family


def created_between(date_from: datetime | None, date_to: datetime | None) -> list[ColumnElement[bool]]:
    """The conditions for assets created in ``[date_from, date_to)``; an open end adds none."""
    conds: list[ColumnElement[bool]] = []
    if date_from is not None:
        conds.append(Asset.created_at >= date_from)
    if date_to is not None:
        conds.append(Asset.created_at < date_to)
    return conds


class CatalogRepository:
    """All queries of one tenant's catalog."""

    def __init__(self, session: Session, tenant_id: str) -> None:
        if not tenant_id:
            raise ValueError("a tenant id is required")
        self.session = session
        self.tenant_id = tenant_id

    # ---- building blocks -------------------------------------------------------------------------------
    def scoped(self, *columns: Any) -> Select[Any]:
        """``SELECT columns FROM catalog_assets WHERE tenant_id = :tenant`` (default: the Asset entity)."""
        cols = columns or (Asset,)
        return select(*cols).where(Asset.tenant_id == self.tenant_id)

    # ---- writes ----------------------------------------------------------------------------------------
    def add_asset(self, **fields: Any) -> Asset:
        """Insert one asset row (flushed, not committed: the caller owns the transaction).

        ``family_prompt`` is filled from the family (founded earlier in this transaction or before) when
        the caller gives a ``family_id`` only: grouped listings name families from the asset rows.
        """
        fields["tenant_id"] = self.tenant_id
        family_id = fields.get("family_id")
        if family_id and fields.get("family_prompt") is None:
            family = self.session.get(Family, (self.tenant_id, family_id))
            fields["family_prompt"] = family.prompt if family is not None else None
        asset = Asset(**fields)
        self.session.add(asset)
        self.session.flush()
        return asset

    def add_parents(self, child_id: str, parent_ids: Iterable[str], relation: str) -> list[str]:
        """Link ``child_id`` to those of ``parent_ids`` that exist in this tenant; returns the linked ids."""
        wanted = [p for p in dict.fromkeys(parent_ids) if p and p != child_id]
        if not wanted:
            return []
        known = set(self.session.scalars(self.scoped(Asset.asset_id).where(Asset.asset_id.in_(wanted))))
        existing = set(
            self.session.scalars(
                select(Edge.parent_id).where(Edge.tenant_id == self.tenant_id, Edge.child_id == child_id)
            )
        )
        linked = []
        for pid in wanted:
            if pid in known and pid not in existing:
                self.session.add(
                    Edge(tenant_id=self.tenant_id, child_id=child_id, parent_id=pid, relation=relation)
                )
                linked.append(pid)
        self.session.flush()
        return linked

    # ---- reads -----------------------------------------------------------------------------------------
    def find(self, asset_id: str) -> Asset | None:
        return self.session.scalars(self.scoped().where(Asset.asset_id == asset_id)).first()

    def get(self, asset_id: str) -> Asset:
        """The asset, or ``NotFound`` (also for another tenant's id: existence is never revealed)."""
        asset = self.find(asset_id)
        if asset is None:
            raise NotFound(f"No asset found with id '{asset_id}'.", param="asset_id")
        return asset

    def by_sha256(self, sha256: str) -> Asset | None:
        return self.session.scalars(self.scoped().where(Asset.sha256 == sha256)).first()

    def by_watermark(self, watermark_id: str) -> Asset | None:
        return self.session.scalars(self.scoped().where(Asset.watermark_id == watermark_id)).first()

    def phashes(self) -> list[tuple[str, str]]:
        """``(asset_id, phash)`` of every asset with a perceptual hash (for near-duplicate lookup)."""
        rows = self.session.execute(self.scoped(Asset.asset_id, Asset.phash).where(Asset.phash.is_not(None)))
        return [(a, p) for a, p in rows]

    def parents_of(self, asset_id: str) -> list[tuple[str, str]]:
        """``(parent_id, relation)`` edges into ``asset_id``."""
        rows = self.session.execute(
            select(Edge.parent_id, Edge.relation)
            .where(Edge.tenant_id == self.tenant_id, Edge.child_id == asset_id)
            .order_by(Edge.parent_id)
        )
        return [(p, r) for p, r in rows]

    def children_of(self, asset_id: str) -> list[tuple[str, str]]:
        """``(child_id, relation)`` edges out of ``asset_id``."""
        rows = self.session.execute(
            select(Edge.child_id, Edge.relation)
            .where(Edge.tenant_id == self.tenant_id, Edge.parent_id == asset_id)
            .order_by(Edge.child_id)
        )
        return [(c, r) for c, r in rows]

    def parents_map(self, asset_ids: Sequence[str]) -> dict[str, list[str]]:
        """Parent ids of many assets at once (export)."""
        out: dict[str, list[str]] = {a: [] for a in asset_ids}
        for i in range(0, len(asset_ids), 500):
            chunk = list(asset_ids[i : i + 500])
            rows = self.session.execute(
                select(Edge.child_id, Edge.parent_id).where(
                    Edge.tenant_id == self.tenant_id, Edge.child_id.in_(chunk)
                )
            )
            for child, parent in rows:
                out[child].append(parent)
        return out

    def count(self) -> int:
        return int(self.session.scalar(self.scoped(func.count(Asset.seq))) or 0)


def referenced_storage_keys(session: Session, keys: Iterable[str]) -> set[str]:
    """Which of ``keys`` some catalog row (any tenant) points at. Store maintenance only: returns no data."""
    keys = list(keys)
    if not keys:
        return set()
    return set(session.scalars(select(Asset.storage_key).where(Asset.storage_key.in_(keys)).distinct()))
