"""The queue API (SPEC §7): submit, poll, fetch, cancel; and asset bytes at this server's own origin.

``POST /v1/models/{model-path}/text-to-image`` and ``.../edit`` answer at once with the request id and
the URLs to poll; the job runs on the service's worker pool and survives restarts. Output URLs point at
``/v1/assets/{asset_id}/content.<ext>`` on this server's public origin (``IMAGEGEN_PUBLIC_URL``, else the
bound address; never the request's Host header), served with the same auth.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from imagegen.api.body_limits import read_json
from imagegen.api.deps import TenantId, get_service
from imagegen.api.public_url import public_origin
from imagegen.contract.bounds import check_string
from imagegen.contract.errors import InvalidValue, MissingParameter, NotFound
from imagegen.contract.images import ImageUpload
from imagegen.contract.parse import (
    ParsedRequest,
    parse_edit_request,
    parse_generate_request,
    validate_edit_fields,
)
from imagegen.contract.specs import InputImage
from imagegen.engines.routing import model_from_path
from imagegen.jobs.records import JobRecord, public_error

router = APIRouter()

#: asset ids as the catalog mints them (provenance.records.new_asset_id)
_ASSET_ID = r"img_[0-9a-f]{16}"
_OWN_ASSET_PATH = re.compile(rf"^/v1/assets/({_ASSET_ID})/content(?:\.(?:png|jpe?g|webp))?$")
_EXT = {"png": "png", "jpeg": "jpg", "webp": "webp"}
#: fields that make no sense on a queue request (the answer is a request id, not images)
_REFUSED = ("stream", "partial_images", "response_format")


def _origin(request: Request) -> str:
    # the configured public URL or the bound address, never the client's Host header (api/public_url.py)
    return public_origin(request)


def _urls(request: Request, job_id: str) -> dict[str, str]:
    base = f"{_origin(request)}/v1/requests/{job_id}"
    return {"status_url": f"{base}/status", "result_url": f"{base}/result", "cancel_url": f"{base}/cancel"}


def asset_url(request: Request, asset_id: str, output_format: str | None = None) -> str:
    """Where this server serves an asset (its public origin; the extension helps clients)."""
    ext = _EXT.get(output_format or "", "")
    return f"{_origin(request)}/v1/assets/{asset_id}/content" + (f".{ext}" if ext else "")


async def _json_object(request: Request) -> dict[str, Any]:
    # the same bounded reader as the OpenAI routes (depth, Unicode): a hostile body is a 400 here too
    body = await read_json(request, empty="")
    if not isinstance(body, dict):
        raise InvalidValue("The request body must be a JSON object.", param=None)
    return body


def _fields(body: Mapping[str, Any], model_path: str) -> dict[str, Any]:
    model = model_from_path(model_path)
    if not model:
        raise InvalidValue("The model path is empty.", param="model")
    sent = body.get("model")
    if sent is not None and sent not in (model, model_path):
        raise InvalidValue(f"The body names model {sent!r} but the path names {model!r}.", param="model")
    for name in _REFUSED:
        if body.get(name) not in (None, False, 0, "b64_json"):
            raise InvalidValue(f"'{name}' does not apply to the queue API: poll the request for its result.",
                               param=name)
    fields = {k: v for k, v in body.items() if k not in (*_REFUSED, "model")}
    fields["model"] = model
    return fields


def _accepted(request: Request, record: JobRecord) -> dict[str, Any]:
    return {"request_id": record.id, **_urls(request, record.id), **record.status_json()}


def _own_asset_ref(request: Request, url: str) -> dict[str, str] | None:
    """``{"file_id": ...}`` when ``url`` names an asset on this server: a path, our public origin, or the
    host name this client called us by (the file is then looked up in the caller's own catalog: nothing
    is fetched, so trusting the client's Host header here grants nothing)."""
    parts = urlsplit(url)
    path = parts.path
    if parts.scheme or parts.netloc:
        origin = urlsplit(_origin(request))
        prefix = origin.path.rstrip("/")
        if (parts.scheme, parts.netloc) == (origin.scheme, origin.netloc) and path.startswith(prefix + "/"):
            path = path[len(prefix):]
        elif parts.netloc != request.headers.get("host"):
            return None
    m = _OWN_ASSET_PATH.match(path)
    return {"file_id": m.group(1)} if m else None


def _image_refs(request: Request, body: Mapping[str, Any]) -> list[Any]:
    refs = body.get("images")
    if refs is None:
        single = body.get("image_url", body.get("image"))
        refs = [] if single is None else [single]
    if not isinstance(refs, list):
        raise InvalidValue("Invalid 'images': expected an array of image URLs.", param="images")
    out: list[Any] = []
    for ref in refs:
        own = _own_asset_ref(request, ref) if isinstance(ref, str) else None
        out.append(own or ref)
    return out


async def _submit(request: Request, tenant: str, parsed: ParsedRequest) -> dict[str, Any]:
    service = get_service(request)
    key = request.headers.get("idempotency-key")
    if key is not None:
        check_string(key, "idempotency_key")
    record = await run_in_threadpool(
        service.submit, tenant, parsed.operation, parsed.spec, params=parsed.params, idempotency_key=key)
    return _accepted(request, record)


@router.post("/v1/models/{model_path:path}/text-to-image")
async def submit_text_to_image(model_path: str, request: Request, tenant: TenantId) -> dict[str, Any]:
    """Queue a generation: ``{"prompt", "size"?, ...}`` -> ``{"request_id", "status_url", ...}``."""
    service = get_service(request)
    fields = _fields(await _json_object(request), model_path)
    parsed = await run_in_threadpool(
        parse_generate_request, fields, default_model=service.default_model,
        known_model=service.is_known_model)
    return await _submit(request, tenant, parsed)


@router.post("/v1/models/{model_path:path}/edit")
async def submit_edit(model_path: str, request: Request, tenant: TenantId) -> dict[str, Any]:
    """Queue an edit: ``{"prompt", "images": [url, ...], "mask"?, "size"?}``. URLs are ``data:`` URLs,
    this server's own asset URLs, or remote URLs the operator's policy allows."""
    from imagegen.api.uploads import RemoteImagePolicy, resolve_image_ref

    service = get_service(request)
    body = await _json_object(request)
    refs = _image_refs(request, body)
    mask_ref = body.get("mask", body.get("mask_url"))
    if isinstance(mask_ref, str):
        mask_ref = _own_asset_ref(request, mask_ref) or mask_ref
    fields = _fields({k: v for k, v in body.items() if k not in ("images", "image_url", "image", "mask",
                                                                     "mask_url")}, model_path)
    if not refs:
        raise MissingParameter("Missing required parameter: 'images'.", param="images")
    # every other field is judged before any URL is downloaded (a bad field costs no fetch)
    limits = validate_edit_fields(fields, default_model=service.default_model,
                                  known_model=service.is_known_model)
    if len(refs) > limits.uploads.max_images:
        raise InvalidValue(f"Too many images: {len(refs)}. At most {limits.uploads.max_images} images may be "
                           "edited at once.", param="images")
    policy = getattr(request.app.state, "remote_image_policy", None) or RemoteImagePolicy.from_settings(
        service.settings)

    def open_image(asset_id: str, param: str) -> ImageUpload | InputImage:
        # the catalog's own decoding, with the asset's plan (plan-level edits of our own outputs)
        return service.load_input(tenant, asset_id)

    def open_mask(asset_id: str, param: str) -> ImageUpload | InputImage:
        return ImageUpload(data=service.open_asset(tenant, asset_id).data, param=param, asset_id=asset_id)

    def resolve() -> ParsedRequest:
        images = [resolve_image_ref(ref, param=f"images[{i}]", policy=policy, open_asset=open_image)
                  for i, ref in enumerate(refs)]
        mask: ImageUpload | None = None
        if mask_ref is not None:
            got = resolve_image_ref(mask_ref, param="mask", policy=policy, open_asset=open_mask)
            mask = got if isinstance(got, ImageUpload) else ImageUpload(data=got.data, param="mask")
        return parse_edit_request(fields, images, mask, default_model=service.default_model,
                                  known_model=service.is_known_model)

    parsed = await run_in_threadpool(resolve)
    return await _submit(request, tenant, parsed)


@router.get("/v1/requests/{request_id}/status")
def request_status(request_id: str, request: Request, tenant: TenantId) -> dict[str, Any]:
    """``{"request_id", "status", "queue_position"?, "progress"?}``."""
    return get_service(request).status(tenant, request_id).status_json()


@router.get("/v1/requests/{request_id}/result")
def request_result(request_id: str, request: Request, tenant: TenantId) -> dict[str, Any]:
    """``{"request_id", "status", "output": {"image", "images"} | null, "error"?}``; a job that has not
    ended answers its status with ``output: null`` (poll again)."""
    record = get_service(request).status(tenant, request_id)
    out: dict[str, Any] = {"request_id": record.id, "status": record.status, "output": None}
    summary = record.result_summary or {}
    if record.status == "completed":
        fmt = summary.get("output_format")
        urls = [asset_url(request, a, fmt) for a in record.asset_ids]
        out["output"] = {"image": urls[0] if urls else None, "images": urls}
        out["asset_ids"] = list(record.asset_ids)
        out["metadata"] = {k: summary.get(k) for k in (
            "width", "height", "quality", "background", "output_format", "seed", "engine", "engine_version",
            "backend", "revised_prompts", "timings", "usage")}
    elif record.status in ("failed", "cancelled"):
        out["error"] = public_error(record.error)
    else:
        out.update(record.status_json())
    return out


@router.post("/v1/requests/{request_id}/cancel")
def request_cancel(request_id: str, request: Request, tenant: TenantId) -> dict[str, Any]:
    """Cancel; answers the status after the call (a job past its commit point still completes)."""
    return get_service(request).cancel(tenant, request_id).status_json()


def _asset_response(request: Request, tenant: str, asset_id: str, ext: str | None) -> Response:
    asset = get_service(request).open_asset(tenant, asset_id)
    suffix = _EXT.get(asset.output_format, "bin")
    if ext is not None and ext not in (suffix, asset.output_format):
        raise NotFound(f"No asset found with id '{asset_id}' in format '{ext}'.", param="asset_id")
    headers = {"ETag": f'"{asset.sha256}"', "Cache-Control": "private, max-age=31536000, immutable",
               "Content-Disposition": f'inline; filename="{asset.asset_id}.{suffix}"'}
    if request.headers.get("if-none-match") == headers["ETag"]:
        return Response(status_code=304, headers=headers)
    return Response(content=asset.data, media_type=asset.content_type, headers=headers)


@router.get("/v1/assets/{asset_id}/content")
def asset_content(asset_id: str, request: Request, tenant: TenantId) -> Response:
    """The stored file of one of the caller's assets (``NotFound`` for anyone else's)."""
    return _asset_response(request, tenant, asset_id, None)


@router.get("/v1/assets/{asset_id}/content.{ext}")
def asset_content_ext(asset_id: str, ext: str, request: Request, tenant: TenantId) -> Response:
    """The same file, with its extension in the URL (clients name downloads after it)."""
    return _asset_response(request, tenant, asset_id, ext)
