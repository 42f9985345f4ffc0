"""Request bodies: a cap per route kind, JSON read once and bounded, multipart streamed with per-file caps.

Every number comes from the contract (``contract.limits``): a JSON body without images is small
(``json_body_bytes``); a JSON edit may add the base64 of ``json_image_bytes`` of ``data:`` URLs; a
multipart edit may carry every image and the mask at their cap, streamed to temporary files (each file
stops at ``max_image_bytes`` as it streams, never read whole into memory); ``POST /v1/assets/trace`` and
``POST /studio/verify`` take one raw image. A declared ``Content-Length`` over the route's cap is refused
before a byte is read; a chunked body is counted as it arrives. Either way the answer is 413
``request_too_large`` in the OpenAI envelope. ``IMAGEGEN_MAX_BODY_BYTES`` lowers every cap (it never
raises one).
"""

from __future__ import annotations

import re
from contextlib import aclosing
from typing import Any

from fastapi import Request
from starlette.datastructures import FormData, Headers
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from imagegen.api.errors import error_response
from imagegen.config import Settings
from imagegen.contract.bounds import loads_json
from imagegen.contract.errors import InvalidImage, InvalidValue, MissingParameter, RequestTooLarge
from imagegen.contract.limits import REQUEST_LIMITS, UploadLimits

_JSON_EDIT_PATHS = re.compile(r"^/v1/(?:images/edits|models/.+/edit)/?$")
#: routes whose body is one raw image file (trace, the studio's dropped-file verify)
_RAW_IMAGE_PATHS = frozenset({"/v1/assets/trace", "/studio/verify"})


def operator_cap(settings: Settings) -> int | None:
    """``IMAGEGEN_MAX_BODY_BYTES``: a ceiling over every route's cap (unset: the contract's caps)."""
    value = settings.extra.get("max_body_bytes")
    return int(value) if value else None


def route_cap(method: str, path: str, content_type: str, uploads: UploadLimits | None = None) -> int:
    """The body cap of one request, from its route and content type (see the module docstring)."""
    uploads = uploads or UploadLimits()
    if method in ("GET", "HEAD", "OPTIONS", "DELETE"):
        return REQUEST_LIMITS.json_body_bytes
    if path in _RAW_IMAGE_PATHS:
        return uploads.max_image_bytes
    if _JSON_EDIT_PATHS.match(path):
        if content_type.startswith("multipart/form-data"):
            return REQUEST_LIMITS.multipart_bytes(uploads)
        if content_type.startswith("application/x-www-form-urlencoded"):
            return REQUEST_LIMITS.json_body_bytes
        return REQUEST_LIMITS.json_edit_bytes()
    return REQUEST_LIMITS.json_body_bytes


def _too_large(cap: int) -> RequestTooLarge:
    return RequestTooLarge(f"The request body is larger than this route accepts ({cap:,} bytes).", param=None)


class BodyLimits:
    """ASGI middleware applying ``route_cap`` (lowered by ``ceiling``) to every HTTP request."""

    def __init__(self, app: ASGIApp, *, ceiling: int | None = None) -> None:
        self.app = app
        self.ceiling = ceiling

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        cap = route_cap(scope["method"], scope["path"], headers.get("content-type", "").lower())
        if self.ceiling is not None:
            cap = min(cap, self.ceiling)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            await error_response(_too_large(cap))(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > cap:
                    raise _too_large(cap)
            return message

        await self.app(scope, limited_receive, send)


async def read_json(request: Request, *, empty: str = "prompt") -> Any:
    """The request's JSON body, bounded (depth, valid Unicode) by the contract; 400 when it is not JSON.

    ``empty``: the field a missing body lacks (named in the 400), or ``""`` for a generic message."""
    raw = await request.body()
    if not raw.strip():
        if empty:
            raise MissingParameter(
                f"Missing required parameter: '{empty}'. The request body is empty.", param=empty
            )
        raise InvalidValue("The request body must be a JSON object.", param=None)
    return loads_json(raw)


class _CappedMultiPartParser(MultiPartParser):
    """Starlette's streaming parser, with a cap on every file part as it streams to its temporary file."""

    def __init__(self, *args: Any, max_file_bytes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_file_bytes = max_file_bytes
        self._file_bytes = 0

    def on_part_begin(self) -> None:
        super().on_part_begin()
        self._file_bytes = 0

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._current_part.file is not None:
            self._file_bytes += end - start
            if self._file_bytes > self.max_file_bytes:
                name = self._current_part.field_name.removesuffix("[]") or "image"
                raise InvalidImage(
                    f"The file '{name}' is larger than {self.max_file_bytes // (1024 * 1024)} MB.", param=name
                )
        super().on_part_data(data, start, end)


async def read_form(request: Request, uploads: UploadLimits, *, max_fields: int = 200) -> FormData:
    """A multipart (or url-encoded) edit body: files streamed with a per-file cap, text fields capped."""
    content_type = request.headers.get("content-type", "").lower()
    field_bytes = REQUEST_LIMITS.form_field_bytes
    if not content_type.startswith("multipart/form-data"):
        return await request.form(max_files=0, max_fields=max_fields, max_part_size=field_bytes)
    try:
        async with aclosing(request.stream()) as stream:
            parser = _CappedMultiPartParser(
                request.headers, stream, max_files=uploads.max_images + 1, max_fields=max_fields,
                max_part_size=field_bytes, max_file_bytes=uploads.max_image_bytes,
            )
            return await parser.parse()
    except MultiPartException as exc:
        raise _form_error(exc.message, uploads) from exc


def _form_error(detail: str, uploads: UploadLimits) -> InvalidValue:
    if "Too many files" in detail:
        return InvalidValue(
            f"Too many files. At most {uploads.max_images} images and one mask may be sent.", param="image"
        )
    if "exceeded maximum size" in detail:
        return InvalidValue(
            f"A text field of the form is larger than {REQUEST_LIMITS.form_field_bytes // 1024} KB.",
            param=None,
        )
    return InvalidValue(f"Malformed multipart body: {detail}", param=None)
