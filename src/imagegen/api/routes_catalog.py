"""Catalog routes under ``/v1``: search (``GET /v1/assets``), asset metadata, review, lineage, trace, export,
usage.

The tenant always comes from the caller's key (``TenantId``); every query goes through the tenant's catalog
facade (``Service.catalog(tenant)``), so another tenant's asset answers 404 exactly like an unknown one.
Handlers are plain ``def``: FastAPI runs them in its thread pool, so the synchronous database work never
blocks the event loop.
"""

from __future__ import annotations

import io
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from imagegen.api.auth import reviewer
from imagegen.api.body_limits import read_json
from imagegen.api.deps import TenantId, get_service
from imagegen.contract.errors import InvalidImage, InvalidValue
from imagegen.provenance.catalog.search import SearchQuery
from imagegen.service.catalog import Catalog

router = APIRouter()
MAX_TRACE_BYTES = 50 * 1024 * 1024


def _catalog(request: Request, tenant: str) -> Catalog:
    return get_service(request).catalog(tenant)


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
    review: str | None = None,
    root: str | None = None,
    date_from: Annotated[str | None, Query(alias="from")] = None,
    date_to: Annotated[str | None, Query(alias="to")] = None,
    group_by: Literal["family"] | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: str | None = None,
) -> dict[str, Any]:
    """Search the caller's catalog; ``group_by=family`` returns every match grouped by prompt family.
    ``review=approved&root=<id>`` answers "which version did we approve" under a lineage root."""
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
        review=review,
        root=root,
    )
    return _catalog(request, tenant).listing(query, group_by=group_by)


@router.get("/v1/assets/{asset_id}")
def get_asset(asset_id: str, request: Request, tenant: TenantId) -> dict[str, Any]:
    """Everything the catalog holds about one asset (parameters, plan, report, timings, cost, parents,
    review and review history)."""
    return _catalog(request, tenant).asset(asset_id)


@router.post("/v1/assets/{asset_id}/review")
async def review_asset(asset_id: str, request: Request, tenant: TenantId) -> dict[str, Any]:
    """Set the review state: ``{"state": "draft"|"approved"|"rejected", "comment"?, "user"?}``; answers
    the asset."""
    # the one bounded JSON reader (depth, valid Unicode): a hostile body is a 400 here as on every route
    body = await read_json(request, empty="")
    if not isinstance(body, dict):
        raise InvalidValue("The request body must be a JSON object with 'state'.")
    unknown = sorted(set(body) - {"state", "comment", "user"})
    if unknown:
        raise InvalidValue(f"Unknown field '{unknown[0]}' in a review.", param=unknown[0])
    user = body.get("user")
    if user is not None and (not isinstance(user, str) or len(user) > 200):
        raise InvalidValue("Invalid 'user': expected a string of at most 200 characters.", param="user")
    by = reviewer(request, user or None)
    catalog = _catalog(request, tenant)
    return await run_in_threadpool(
        catalog.review, asset_id, body.get("state"), by=by, comment=body.get("comment")
    )


@router.get("/v1/assets/{asset_id}/lineage")
def get_lineage(asset_id: str, request: Request, tenant: TenantId) -> dict[str, Any]:
    """Ancestors and descendants of an asset as two trees."""
    return _catalog(request, tenant).lineage(asset_id)


@router.post("/v1/assets/trace")
async def trace_file(request: Request, tenant: TenantId) -> dict[str, Any]:
    """Identify an uploaded file (raw bytes in the body) among the caller's assets, even if stripped."""
    data = await request.body()
    if not data:
        raise InvalidImage("Send the image bytes as the request body.", param="body")
    if len(data) > MAX_TRACE_BYTES:
        raise InvalidImage("Image larger than 50 MB.", param="body")
    catalog = _catalog(request, tenant)

    def work() -> dict[str, Any]:
        from PIL import UnidentifiedImageError

        try:
            return catalog.trace(data).to_json()
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
    """EU AI Act Art. 50 disclosure records of the caller's assets (CSV or JSON), review state included."""
    # built in memory page by page, then sent: the session must not outlive this handler's thread
    buf = io.StringIO()
    _catalog(request, tenant).export(
        buf, fmt=fmt, date_from=date_from, date_to=date_to, model=model, hash_prompts=hash_prompts
    )
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
    return _catalog(request, tenant).usage(date_from, date_to)
