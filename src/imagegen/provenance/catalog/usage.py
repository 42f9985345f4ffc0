"""Cost and usage: compute seconds and configurable credits per asset, summed per tenant and period.

Credits = ``compute_seconds x IMAGEGEN_CREDITS_PER_SECOND + megapixels x IMAGEGEN_CREDITS_PER_MEGAPIXEL``
(defaults 1.0 and 0.0). Upstream engines' own costs (tokens, USD) are stored as reported and summed apart:
imagegen never converts a provider's price into credits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import Session

from imagegen.config import Settings
from imagegen.provenance.catalog.models import Asset
from imagegen.provenance.catalog.repository import CatalogRepository, created_between

DEFAULT_CREDITS_PER_SECOND = 1.0
DEFAULT_CREDITS_PER_MEGAPIXEL = 0.0


def _rate(settings: Settings, name: str, default: float) -> float:
    raw = settings.extra.get(name)
    try:
        return float(raw) if raw not in (None, "") else default
    except ValueError:
        return default


def cost_credits(settings: Settings, compute_seconds: float, width: int, height: int) -> float:
    """The credits one image costs under the operator's rates."""
    per_s = _rate(settings, "credits_per_second", DEFAULT_CREDITS_PER_SECOND)
    per_mp = _rate(settings, "credits_per_megapixel", DEFAULT_CREDITS_PER_MEGAPIXEL)
    return round(compute_seconds * per_s + (width * height / 1_000_000) * per_mp, 6)


@dataclass
class UsageLine:
    """Usage of one (model, engine) pair in the period."""

    requested_model: str
    engine: str
    assets: int
    compute_seconds: float
    cost_credits: float
    megapixels: float
    upstream_tokens: int
    upstream_cost_usd: float


def usage_report(
    session: Session, tenant_id: str, date_from: datetime | None, date_to: datetime | None
) -> dict[str, Any]:
    """Totals and per-(model, engine) lines of ``tenant_id`` between ``date_from`` (incl.) and ``date_to``."""
    repo = CatalogRepository(session, tenant_id)
    conds = created_between(date_from, date_to)
    rows = session.execute(
        repo.scoped(
            Asset.requested_model,
            Asset.engine,
            func.count(Asset.seq),
            func.sum(Asset.compute_seconds),
            func.sum(Asset.cost_credits),
            func.sum(Asset.width * Asset.height),
        )
        .where(*conds)
        .group_by(Asset.requested_model, Asset.engine)
        .order_by(Asset.requested_model, Asset.engine)
    ).all()
    lines = {
        (m, e): UsageLine(m, e, int(n), float(cs or 0), float(cc or 0), float(px or 0) / 1e6, 0, 0.0)
        for m, e, n, cs, cc, px in rows
    }
    # upstream costs are free-form JSON reported by the backend: summed in Python over the few upstream rows
    for m, e, cost in session.execute(
        repo.scoped(Asset.requested_model, Asset.engine, Asset.upstream_cost).where(
            *conds, Asset.upstream_cost.is_not(None)
        )
    ):
        if isinstance(cost, dict) and (m, e) in lines:
            lines[(m, e)].upstream_tokens += int(cost.get("total_tokens") or 0)
            lines[(m, e)].upstream_cost_usd += float(cost.get("usd") or cost.get("cost_usd") or 0)
    items = [
        vars(line)
        | {
            "compute_seconds": round(line.compute_seconds, 3),
            "cost_credits": round(line.cost_credits, 3),
            "megapixels": round(line.megapixels, 3),
        }
        for line in lines.values()
    ]
    return {
        "tenant": tenant_id,
        "from": date_from.isoformat() if date_from else None,
        "to": date_to.isoformat() if date_to else None,
        "assets": sum(i["assets"] for i in items),
        "compute_seconds": round(sum(i["compute_seconds"] for i in items), 3),
        "cost_credits": round(sum(i["cost_credits"] for i in items), 3),
        "upstream_tokens": sum(i["upstream_tokens"] for i in items),
        "upstream_cost_usd": round(sum(i["upstream_cost_usd"] for i in items), 6),
        "by_model": items,
    }
