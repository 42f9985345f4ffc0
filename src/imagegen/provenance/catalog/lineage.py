"""Lineage trees: ancestors and descendants of an asset along parent/child edges, within one tenant.

Edges come from edits (inputs), ``file_id`` references, content-hash matches of uploads and C2PA ingredients
of ingested files that name assets we know. Walks are breadth-first with a visited set and a node cap, so a
malformed graph (a cycle written by hand into the database) cannot loop forever.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from imagegen.provenance.catalog.models import Asset
from imagegen.provenance.catalog.repository import CatalogRepository

MAX_NODES = 2000


@dataclass
class LineageNode:
    """One asset in a lineage tree with the edges leading away from the root."""

    asset_id: str
    relation: str | None
    created_at: str
    source: str
    engine: str
    requested_model: str
    prompt: str
    children: list[LineageNode] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "asset_id": self.asset_id,
            "relation": self.relation,
            "created_at": self.created_at,
            "source": self.source,
            "engine": self.engine,
            "requested_model": self.requested_model,
            "prompt": self.prompt,
            "children": [c.to_json() for c in self.children],
        }


def _node(row: Asset, relation: str | None) -> LineageNode:
    return LineageNode(
        row.asset_id,
        relation,
        row.created_at.isoformat(timespec="seconds") + "Z",
        row.source,
        row.engine,
        row.requested_model,
        row.prompt[:200],
    )


def _walk(repo: CatalogRepository, root: Asset, up: bool) -> LineageNode:
    tree = _node(root, None)
    seen = {root.asset_id}
    frontier = [tree]
    while frontier and len(seen) < MAX_NODES:
        nxt = []
        for node in frontier:
            edges = repo.parents_of(node.asset_id) if up else repo.children_of(node.asset_id)
            for other_id, relation in edges:
                if other_id in seen:
                    continue
                seen.add(other_id)
                row = repo.find(other_id)
                if row is None:
                    continue
                child = _node(row, relation)
                node.children.append(child)
                nxt.append(child)
        frontier = nxt
    return tree


def lineage(session: Session, tenant_id: str, asset_id: str) -> dict[str, Any]:
    """``{"asset", "ancestors", "descendants"}``: two trees rooted at the asset (NotFound across tenants)."""
    repo = CatalogRepository(session, tenant_id)
    root = repo.get(asset_id)
    return {
        "asset_id": asset_id,
        "ancestors": _walk(repo, root, up=True).to_json(),
        "descendants": _walk(repo, root, up=False).to_json(),
    }


def render_tree(tree: dict[str, Any], *, label: str) -> list[str]:
    """Text lines of one tree (``imagegen lineage``), drawn with box characters."""
    lines = [f"{label}: {tree['asset_id']}  {tree['created_at']}  {tree['source']}/{tree['engine']}"]

    def draw(node: dict[str, Any], prefix: str) -> None:
        kids = node["children"]
        for i, kid in enumerate(kids):
            last = i == len(kids) - 1
            lines.append(
                f"{prefix}{'└── ' if last else '├── '}{kid['asset_id']}  [{kid['relation']}]  "
                f"{kid['created_at']}  {kid['source']}/{kid['engine']}  {kid['prompt'][:60]!r}"
            )
            draw(kid, prefix + ("    " if last else "│   "))

    draw(tree, "")
    return lines
