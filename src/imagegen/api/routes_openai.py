"""The OpenAI-compatible routes: ``/v1/images/generations``, ``/v1/images/edits``, ``/v1/models``.

Each handler is the same short recipe: 1. authenticate (a dependency), 2. read the body, 3. parse it
through the contract table into a spec, 4. run the job through the service (a worker thread; the job
is persisted first), 5. answer JSON (SPEC §2) or stream SSE events (SPEC §6).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from imagegen.api import engine_waits
from imagegen.api.body_limits import read_json
from imagegen.api.deps import TenantId, get_service
from imagegen.api.public_url import public_origin
from imagegen.api.streaming import b64, committed, encode_preview, stream_job
from imagegen.api.uploads import RemoteImagePolicy, read_multipart_edit, resolve_image_ref
from imagegen.contract.errors import InvalidValue, ModelNotFound
from imagegen.contract.images import ImageUpload
from imagegen.contract.limits import describe_limits, limits_for, listed_models
from imagegen.contract.parse import (
    ParsedRequest,
    parse_edit_request,
    parse_generate_request,
    validate_edit_fields,
)
from imagegen.contract.responses import (
    ImageItem,
    completed_event,
    edit_proof,
    estimate_usage,
    images_response,
    partial_image_event,
    usage_from_engine,
    verification_summary,
)
from imagegen.contract.schema import edit_json_body_schema, edit_multipart_schema, generate_body_schema
from imagegen.contract.specs import EditSpec, InputImage
from imagegen.engines.base import PartialImage

router = APIRouter()

#: where this server serves an asset's bytes (the queue routes serve it, with auth)
ASSET_CONTENT_PATH = "/v1/assets/{asset_id}/content"


async def _json_body(request: Request) -> Any:
    # one JSON reader for every route: bounded depth, valid Unicode, 400 otherwise (api/body_limits.py)
    return await read_json(request)


def _usage(parsed: ParsedRequest, outcome: Any) -> dict[str, Any]:
    result = outcome.result
    spec = parsed.spec
    inputs = [im.image.size for im in spec.images] if isinstance(spec, EditSpec) else []
    estimate = estimate_usage(
        spec.prompt,
        quality=result.quality,
        output_sizes=[(asset.width, asset.height) for asset in outcome.assets],
        input_sizes=inputs,
    )
    return usage_from_engine(result.usage, estimate)


def _asset_url(request: Request, asset_id: str) -> str:
    return public_origin(request) + ASSET_CONTENT_PATH.format(asset_id=asset_id)


def _revised_prompt(outcome: Any, index: int, asset: Any) -> str:
    if asset.revised_prompt:
        return str(asset.revised_prompt)
    images = outcome.result.images
    return images[index].revised_prompt if index < len(images) else ""


def _verification(outcome: Any, index: int) -> dict[str, Any] | None:
    images = outcome.result.images
    return verification_summary(images[index].report) if index < len(images) else None


def _edit_proof(outcome: Any, index: int) -> dict[str, Any] | None:
    images = outcome.result.images
    return edit_proof(images[index].extra) if index < len(images) else None


def build_response(request: Request, parsed: ParsedRequest, outcome: Any) -> dict[str, Any]:
    """The SPEC §2 body for a finished job."""
    result = outcome.result
    items = []
    for index, asset in enumerate(outcome.assets):
        revised = _revised_prompt(outcome, index, asset)
        checked, proof = _verification(outcome, index), _edit_proof(outcome, index)
        if parsed.response_format == "url":
            items.append(ImageItem(revised_prompt=revised, asset_id=asset.asset_id,
                                   url=_asset_url(request, asset.asset_id), verification=checked, edit=proof))
        else:
            items.append(ImageItem(revised_prompt=revised, asset_id=asset.asset_id, b64_json=b64(asset.data),
                                   verification=checked, edit=proof))
    return images_response(
        items,
        background=result.background,
        output_format=parsed.spec.output_format,
        quality=result.quality,
        size=f"{result.width}x{result.height}",
        usage=_usage(parsed, outcome),
        job_id=getattr(outcome, "job_id", None),
    )


#: how long a synchronous request waits for its job by default (IMAGEGEN_REQUEST_TIMEOUT_S)
DEFAULT_REQUEST_TIMEOUT_S = 300.0


def request_timeout(request: Request) -> float | None:
    """``IMAGEGEN_REQUEST_TIMEOUT_S``: how long a synchronous request waits for its job (then 504, and the
    job is cancelled); default 300 s, ``0`` waits as long as the job takes."""
    raw = request.app.state.settings.extra.get("request_timeout_s")
    value = float(raw) if raw else DEFAULT_REQUEST_TIMEOUT_S
    return value if value > 0 else None


async def _answer(request: Request, tenant: str, parsed: ParsedRequest) -> Any:
    service = get_service(request)
    spec = parsed.spec
    operation = parsed.operation
    timeout = request_timeout(request)
    if not spec.stream:
        # the wait runs on the engine-wait pool (not the request threads) and ends the job if the client
        # goes away (api/engine_waits.py)
        outcome = await engine_waits.wait_for_job(
            request,
            lambda on_submitted: service.run(tenant, operation, spec, params=parsed.params,
                                             on_submitted=on_submitted, timeout=timeout),
            cancel=lambda job_id: service.cancel(tenant, job_id),
        )
        body = await run_in_threadpool(build_response, request, parsed, outcome)
        return JSONResponse(body)

    def partial_event(partial: PartialImage) -> tuple[str, dict[str, Any]] | None:
        # the engine may offer more stages than asked for; the client asked for partial_images of them
        if partial.index >= spec.partial_images:
            return None
        data = encode_preview(partial.pixels, spec.output_format, spec.output_compression)
        width, height = partial.pixels.size
        payload = partial_image_event(
            operation,
            b64_json=b64(data),
            size=f"{width}x{height}",
            quality=spec.quality,
            background=spec.background,
            output_format=spec.output_format,
            partial_image_index=partial.index,
        )
        payload["image_index"] = partial.image_index
        return payload["type"], payload

    def final_events(outcome: Any) -> list[tuple[str, dict[str, Any]]]:
        result = outcome.result
        usage = _usage(parsed, outcome)
        events = []
        for index, asset in enumerate(outcome.assets):
            payload = completed_event(
                operation,
                b64_json=b64(asset.data),
                size=f"{result.width}x{result.height}",
                quality=result.quality,
                background=result.background,
                output_format=spec.output_format,
                usage=usage,
                asset_id=asset.asset_id,
                revised_prompt=_revised_prompt(outcome, index, asset),
            )
            payload["image_index"] = index
            if parsed.response_format == "url":
                payload["url"] = _asset_url(request, asset.asset_id)
            events.append((payload["type"], payload))
        return events

    frames = stream_job(
        lambda on_partial, on_submitted: service.run(
            tenant, operation, spec, params=parsed.params, on_partial=on_partial,
            on_submitted=on_submitted, timeout=timeout
        ),
        partial_event=partial_event,
        final_events=final_events,
        # a client that disconnects mid-stream cancels its job (docs/contract.md, streaming)
        cancel=lambda job_id: service.cancel(tenant, job_id),
        limiter=engine_waits.limiter(request),
    )
    return StreamingResponse(
        await committed(frames),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.post(
    "/images/generations",
    openapi_extra={"requestBody": {"required": True, "content": {
        "application/json": {"schema": generate_body_schema()}}}},
)
async def create_image(request: Request, tenant: TenantId) -> Any:
    """``POST /v1/images/generations`` (SPEC §2)."""
    service = get_service(request)
    body = await _json_body(request)
    parsed = parse_generate_request(
        body, default_model=service.default_model, known_model=service.is_known_model
    )
    return await _answer(request, tenant, parsed)


@router.post(
    "/images/edits",
    openapi_extra={"requestBody": {"required": True, "content": {
        "multipart/form-data": {"schema": edit_multipart_schema()},
        "application/json": {"schema": edit_json_body_schema()}}}},
)
async def create_image_edit(request: Request, tenant: TenantId) -> Any:
    """``POST /v1/images/edits``: multipart (what the SDK sends) or JSON with image references (SPEC §3)."""
    service = get_service(request)
    content_type = request.headers.get("content-type", "").lower()
    known = service.is_known_model
    if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        default_limits = limits_for(service.default_model).uploads
        upload = await read_multipart_edit(request, default_limits)
        validate_edit_fields(upload.fields, default_model=service.default_model, known_model=known, form=True)
        parsed = await run_in_threadpool(
            lambda: parse_edit_request(
                upload.fields, upload.images, upload.mask,
                default_model=service.default_model, known_model=known, form=True,
            )
        )
        return await _answer(request, tenant, parsed)

    body = await _json_body(request)
    if not isinstance(body, dict):
        raise InvalidValue("The request body must be a JSON object.", param=None)
    refs = body.get("images")
    mask_ref = body.get("mask")
    fields = {key: value for key, value in body.items() if key not in ("images", "mask")}
    limits = validate_edit_fields(fields, default_model=service.default_model, known_model=known)
    if refs is None:
        refs = []
    if not isinstance(refs, list):
        raise InvalidValue("Invalid 'images': expected an array of image references.", param="images")
    if len(refs) > limits.uploads.max_images:
        raise InvalidValue(
            f"Too many images: {len(refs)}. "
            f"At most {limits.uploads.max_images} images may be edited at once.",
            param="images",
        )
    policy: RemoteImagePolicy = request.app.state.remote_image_policy

    def open_image(asset_id: str, param: str) -> ImageUpload | InputImage:
        # the catalog's own decoding, with the asset's plan: that is what enables plan-level edits
        return service.load_input(tenant, asset_id)

    def open_mask(asset_id: str, param: str) -> ImageUpload | InputImage:
        return ImageUpload(data=service.open_asset(tenant, asset_id).data, param=param, asset_id=asset_id)

    def resolve() -> ParsedRequest:
        images = [
            resolve_image_ref(ref, param=f"images[{i}]", policy=policy, open_asset=open_image)
            for i, ref in enumerate(refs)
        ]
        mask: ImageUpload | None = None
        if mask_ref is not None and not images:
            # the parser refuses a mask without images; do not fetch it for nothing
            mask = ImageUpload(data=b"", param="mask")
        elif mask_ref is not None:
            resolved = resolve_image_ref(mask_ref, param="mask", policy=policy, open_asset=open_mask)
            mask = resolved if isinstance(resolved, ImageUpload) else ImageUpload(data=resolved.data)
        return parse_edit_request(
            fields, images, mask, default_model=service.default_model, known_model=known
        )

    parsed = await run_in_threadpool(resolve)
    return await _answer(request, tenant, parsed)


@router.post("/images/variations")
async def create_image_variation() -> Any:
    """Variations are a dall-e-2 feature imagegen does not offer: a clear 400, never a 404 or 500."""
    raise InvalidValue(
        "Image variations are not supported by this server (they exist only for dall-e-2). "
        "Use POST /v1/images/edits with a prompt instead.",
        param=None,
        code="unsupported_endpoint",
    )


def _model_object(model: str) -> dict[str, Any]:
    return {"id": model, "object": "model", "created": 0, "owned_by": "imagegen"}


@router.get("/models")
async def list_models(request: Request, tenant: TenantId) -> Any:
    """``GET /v1/models``: the listed ids this server serves (prefix families are not enumerable)."""
    service = get_service(request)
    router = getattr(service, "router", None)
    routed = [key for key in router.routes() if not key.endswith("/")] if router is not None else []
    ids = [model for model in dict.fromkeys([*listed_models(), *routed]) if service.is_known_model(model)]
    if service.default_model not in ids and service.is_known_model(service.default_model):
        ids.insert(0, service.default_model)
    return {"object": "list", "data": [_model_object(model) for model in ids]}


@router.get("/models/{model_id:path}")
async def retrieve_model(model_id: str, request: Request, tenant: TenantId) -> Any:
    """``GET /v1/models/{id}``: the model object plus its limits from the contract table."""
    service = get_service(request)
    if not service.is_known_model(model_id):
        raise ModelNotFound(f"The model '{model_id}' does not exist or is not served here.", param="model")
    return _model_object(model_id) | {"limits": limits_for(model_id).describe()}


@router.get("/limits")
async def contract_limits(tenant: TenantId) -> Any:
    """``GET /v1/limits``: the whole contract table (``describe_limits()``) for clients that check first."""
    return describe_limits()
