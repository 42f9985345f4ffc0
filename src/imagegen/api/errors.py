"""Every error the HTTP API returns is the OpenAI envelope (SPEC §5).

``{"error": {"message", "type", "param", "code"}}`` with the status of the error tree
(``contract.errors``). Framework errors (malformed JSON, unknown routes, wrong methods, malformed
multipart) are translated here too, so a client never sees FastAPI's ``{"detail"}``
shape. The catch-all turns a bug into a logged 500 envelope; tests assert no input reaches it.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from imagegen.contract.errors import ImagegenError, InvalidValue, MissingParameter

log = logging.getLogger("imagegen.api")

#: statuses the framework itself produces, mapped to an OpenAI-style (type, code)
_HTTP_CODES: dict[int, tuple[str, str]] = {
    400: ("invalid_request_error", "invalid_value"),
    401: ("invalid_request_error", "invalid_api_key"),
    404: ("invalid_request_error", "not_found"),
    405: ("invalid_request_error", "method_not_allowed"),
    413: ("invalid_request_error", "request_too_large"),
    415: ("invalid_request_error", "unsupported_media_type"),
    429: ("rate_limit_error", "rate_limit_exceeded"),
}


def envelope(message: str, *, type_: str, param: str | None, code: str | None) -> dict[str, Any]:
    """The OpenAI error envelope."""
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}


def error_response(exc: ImagegenError) -> JSONResponse:
    """The HTTP answer for an error of the tree."""
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    return JSONResponse(exc.to_openai(), status_code=exc.status, headers=headers)


async def _on_imagegen_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ImagegenError)
    return error_response(exc)


def _param_of(loc: tuple[Any, ...] | list[Any]) -> str | None:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or None


async def _on_validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    first = errors[0] if errors else {}
    kind = str(first.get("type", ""))
    param = _param_of(first.get("loc", ()))
    error: ImagegenError
    if kind == "json_invalid":
        error = InvalidValue(
            "We could not parse the JSON body of your request. Send a valid JSON object.", param=None
        )
    elif kind == "missing":
        error = MissingParameter(f"Missing required parameter: '{param}'.", param=param)
    else:
        error = InvalidValue(f"Invalid value for '{param}': {first.get('msg', 'invalid')}.", param=param)
    return error_response(error)


async def _on_http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    type_, code = _HTTP_CODES.get(exc.status_code, ("invalid_request_error", None))
    if exc.status_code >= 500:
        type_ = "server_error"
    message = str(exc.detail) if exc.detail else "Request failed."
    if exc.status_code == 404 and message == "Not Found":
        message = "Unknown request URL. See docs/api.md for the routes this server offers."
    body = envelope(message, type_=type_, param=None, code=code)
    return JSONResponse(body, status_code=exc.status_code, headers=getattr(exc, "headers", None))


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    # A 500 is a bug by contract (SPEC §5): log everything, reveal nothing.
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    body = envelope(
        "The server had an internal error while processing your request. It has been logged.",
        type_="server_error",
        param=None,
        code="internal_error",
    )
    return JSONResponse(body, status_code=500)


def install_error_handlers(app: FastAPI) -> None:
    """Register the envelope handlers on ``app``."""
    app.add_exception_handler(ImagegenError, _on_imagegen_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(Exception, _on_unexpected)
