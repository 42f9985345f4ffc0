"""Reproducible provenance: re-render a planning-engine asset from its stored plan and seed.

What must match is ``render_sha256`` (the raw pixels as rendered, before any mark). The stored file's bytes
cannot match and are not compared: each file carries its own asset id in the watermark, its own creation time
in XMP and the text record, and its own C2PA signature.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from PIL import Image
from sqlalchemy.orm import Session

from imagegen.contract.errors import InvalidValue
from imagegen.provenance.catalog.repository import CatalogRepository


@dataclass
class Reproduction:
    """The outcome of one re-render."""

    asset_id: str
    engine_version_then: str
    engine_version_now: str
    stored_sha256: str | None
    render_sha256: str
    match: bool
    seconds: float
    image: Image.Image

    def to_json(self) -> dict[str, Any]:
        return {
            "asset_id": self.asset_id,
            "match": self.match,
            "stored_render_sha256": self.stored_sha256,
            "render_sha256": self.render_sha256,
            "engine_version_then": self.engine_version_then,
            "engine_version_now": self.engine_version_now,
            "seconds": round(self.seconds, 3),
        }


def reproduce(session: Session, tenant_id: str, asset_id: str, *, engine: Any = None) -> Reproduction:
    """Re-render ``asset_id`` (of ``tenant_id``) with the planning engine and compare render hashes."""
    row = CatalogRepository(session, tenant_id).get(asset_id)
    if not row.plan:
        raise InvalidValue(
            f"Asset '{asset_id}' has no stored plan: only planning-engine assets can be reproduced.",
            param="asset_id",
        )
    if engine is None:
        from imagegen.engines.planning.engine import PlanningEngine

        engine = PlanningEngine()
    quality = str((row.extra or {}).get("quality") or (row.params or {}).get("quality") or "medium")
    if quality == "auto":
        quality = "medium"
    start = time.perf_counter()
    image, sha = engine.render_plan(row.plan, quality=quality)
    return Reproduction(
        asset_id=asset_id,
        engine_version_then=row.engine_version,
        engine_version_now=str(getattr(engine, "version", "")),
        stored_sha256=row.render_sha256,
        render_sha256=sha,
        match=sha == row.render_sha256,
        seconds=time.perf_counter() - start,
        image=image,
    )
