"""Catalog routes under ``/v1``: search (``GET /v1/assets``), asset metadata, lineage, trace, export, usage.

The tenant always comes from the caller's key (``TenantId``); every query goes through the tenant-scoped
repository, so another tenant's asset answers 404 exactly like an unknown one. Handlers are plain ``def``:
FastAPI runs them in its thread pool, so the synchronous database work never blocks the event loop.
"""

from __future__ import annotations

import io
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse
from sqlalchemy.orm import Session

from imagegen.api.deps import TenantId
from imagegen.config import Settings
from imagegen.contract.errors import InvalidImage
from imagegen.db.engine import session_factory
from imagegen.provenance.catalog.repository import CatalogRepository
from imagegen.provenance.catalog.search import (
    SearchQuery,
    grouped_to_json,
    iso,
    parse_bound,
    search_assets,
    search_grouped,
)
from imagegen.provenance.export import export_rows, write_csv, write_json
from imagegen.provenance.lineage import lineage
from imagegen.provenance.trace import trace_bytes
from imagegen.provenance.usage import usage_report

router = APIRouter()
MAX_TRACE_BYTES = 50 * 1024 * 1024


def _session(request: Request) -> Session:
    settings: Settings = request.app.state.settings
    return session_factory(settings.database_url)()


@router.get("/v1/assets")
def list_assets(
    request: Request,
    tenant: TenantId,
    model: str | None = None,
    engine: str | None = None,
    user: str | None = None,
    source: Literal["generated", "edited", "ingested", "upstream"] | None = None,
    output_format: Annotated[Literal["png", "jpeg", "webp"] | None, Query(alias="format")] = None,
    size: str | None = None,
    q: str | None = None,
    family: str | None = None,
    date_from: Annotated[str | None, Query(alias="from")] = None,
    date_to: Annotated[str | None, Query(alias="to")] = None,
    group_by: Literal["family"] | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: str | None = None,
) -> dict[str, Any]:
    """Search the caller's catalog; ``group_by=family`` returns every match grouped by prompt family."""
    query = SearchQuery.from_filters(
        text=q,
        model=model,
        engine=engine,
        user=user,
        source=source,
        output_format=output_format,
        size=size,
        family=family,
        date_from=date_from,
        date_to=date_to,
        limit=limit,
        cursor=cursor,
    )
    with _session(request) as session:
        if group_by == "family":
            return grouped_to_json(search_grouped(session, tenant, query))
        page = search_assets(session, tenant, query)
    return {
        "object": "list",
        "data": page.items,
        "next_cursor": page.next_cursor,
        "has_more": page.next_cursor is not None,
    }


@router.get("/v1/assets/{asset_id}")
def get_asset(asset_id: str, request: Request, tenant: TenantId) -> dict[str, Any]:
    """Everything the catalog holds about one asset (parameters, plan, report, timings, cost, parents)."""
    with _session(request) as session:
        repo = CatalogRepository(session, tenant)
        a = repo.get(asset_id)
        return {
            "id": a.asset_id,
            "object": "asset",
            "created_at": iso(a.created_at),
            "source": a.source,
            "operation": a.operation,
            "requested_model": a.requested_model,
            "engine": a.engine,
            "engine_version": a.engine_version,
            "backend": a.backend,
            "user": a.user,
            "job_id": a.job_id,
            "prompt": a.prompt,
            "negative_prompt": a.negative_prompt,
            "revised_prompt": a.revised_prompt,
            "digital_source_type": a.digital_source_type,
            "params": a.params,
            "plan": a.plan,
            "report": a.report,
            "timings": a.timings,
            "usage": a.usage,
            "upstream_cost": a.upstream_cost,
            "seed": a.seed,
            "sha256": a.sha256,
            "render_sha256": a.render_sha256,
            "phash": a.phash,
            "output_format": a.output_format,
            "content_type": a.content_type,
            "width": a.width,
            "height": a.height,
            "size_bytes": a.size_bytes,
            "watermark_id": a.watermark_id,
            "c2pa_manifest_label": a.c2pa_manifest_label,
            "family_id": a.family_id,
            "compute_seconds": a.compute_seconds,
            "cost_credits": a.cost_credits,
            "extra": a.extra,
            "parents": [{"asset_id": p, "relation": r} for p, r in repo.parents_of(a.asset_id)],
            "children": [{"asset_id": c, "relation": r} for c, r in repo.children_of(a.asset_id)],
            "content_url": f"/v1/assets/{a.asset_id}/content",
        }


@router.get("/v1/assets/{asset_id}/lineage")
def get_lineage(asset_id: str, request: Request, tenant: TenantId) -> dict[str, Any]:
    """Ancestors and descendants of an asset as two trees."""
    with _session(request) as session:
        return lineage(session, tenant, asset_id)


@router.post("/v1/assets/trace")
async def trace_file(request: Request, tenant: TenantId) -> dict[str, Any]:
    """Identify an uploaded file (raw bytes in the body) among the caller's assets, even if stripped."""
    data = await request.body()
    if not data:
        raise InvalidImage("Send the image bytes as the request body.", param="body")
    if len(data) > MAX_TRACE_BYTES:
        raise InvalidImage("Image larger than 50 MB.", param="body")
    from starlette.concurrency import run_in_threadpool

    def work() -> dict[str, Any]:
        from PIL import UnidentifiedImageError

        with _session(request) as session:
            try:
                return trace_bytes(session, tenant, data).to_json()
            except (UnidentifiedImageError, OSError) as exc:
                raise InvalidImage("The body is not a readable image.", param="body") from exc

    return await run_in_threadpool(work)


@router.get("/v1/export")
def export(
    request: Request,
    tenant: TenantId,
    date_from: Annotated[str | None, Query(alias="from")] = None,
    date_to: Annotated[str | None, Query(alias="to")] = None,
    model: str | None = None,
    fmt: Annotated[Literal["csv", "json"], Query(alias="format")] = "json",
    hash_prompts: bool = False,
) -> Response:
    """EU AI Act Art. 50 disclosure records of the caller's assets (CSV or JSON)."""
    lo, hi = parse_bound(date_from, upper=False), parse_bound(date_to, upper=True)
    # built in memory page by page, then sent: the session must not outlive this handler's thread
    buf = io.StringIO()
    with _session(request) as session:
        rows = export_rows(session, tenant, date_from=lo, date_to=hi, model=model, hash_prompts=hash_prompts)
        (write_csv if fmt == "csv" else write_json)(rows, buf)
    media = "text/csv" if fmt == "csv" else "application/json"
    return StreamingResponse(
        iter([buf.getvalue()]),
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="imagegen-export.{fmt}"'},
    )


@router.get("/v1/usage")
def usage(
    request: Request,
    tenant: TenantId,
    date_from: Annotated[str | None, Query(alias="from")] = None,
    date_to: Annotated[str | None, Query(alias="to")] = None,
) -> dict[str, Any]:
    """Compute seconds, credits and upstream costs of the caller over a period."""
    with _session(request) as session:
        return usage_report(
            session, tenant, parse_bound(date_from, upper=False), parse_bound(date_to, upper=True)
        )
