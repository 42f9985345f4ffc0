"""The error tree. Each error maps to exactly one OpenAI-style ``type``/``code`` and HTTP status.

Every layer raises these; the API turns them into ``{"error": {...}}`` envelopes and the CLI into
sysexits codes. Nothing else decides a status code.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any, ClassVar, Self

log = logging.getLogger("imagegen.errors")


class ImagegenError(Exception):
    """Base of every error a client may see."""

    status: ClassVar[int] = 400
    type: ClassVar[str] = "invalid_request_error"
    default_code: ClassVar[str | None] = None
    #: sysexits code used by the CLI when this error ends a command
    exit_code: ClassVar[int] = 65

    def __init__(self, message: str, *, param: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.param = param
        self.code = code if code is not None else self.default_code

    def to_openai(self) -> dict[str, Any]:
        return {"error": {"message": self.message, "type": self.type, "param": self.param, "code": self.code}}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, param={self.param!r}, code={self.code!r})"

    @classmethod
    def from_exception(cls, what: str, exc: BaseException) -> Self:
        """The error a client sees for an unexpected exception: ``what`` failed, and a reference to the
        server log, which holds the traceback. Never the exception's text: it can carry paths, addresses,
        library internals or the client's own input echoed back."""
        reference = secrets.token_hex(6)
        log.error("%s [reference %s]", what, reference, exc_info=exc)
        return cls(f"{what.rstrip('.')} (internal error, reference {reference} in the server log).")


class InvalidValue(ImagegenError):
    default_code = "invalid_value"


class UnknownParameter(ImagegenError):
    default_code = "unknown_parameter"


class MissingParameter(ImagegenError):
    default_code = "missing_required_parameter"


class InvalidImage(ImagegenError):
    default_code = "invalid_image"


class InvalidImageFormat(ImagegenError):
    default_code = "invalid_image_format"


class InvalidMask(ImagegenError):
    default_code = "invalid_mask"


class ModerationBlocked(ImagegenError):
    default_code = "moderation_blocked"


class AuthenticationError(ImagegenError):
    status = 401
    default_code = "invalid_api_key"
    exit_code = 77


class CsrfRefused(ImagegenError):
    """An unsafe request authenticated by the studio's session cookie without its CSRF token (SPEC §11)."""

    status = 403
    default_code = "csrf_token_invalid"
    exit_code = 77


class NotFound(ImagegenError):
    status = 404
    default_code = "not_found"


class ModelNotFound(NotFound):
    default_code = "model_not_found"


class RequestTooLarge(ImagegenError):
    status = 413
    default_code = "request_too_large"


class RateLimited(ImagegenError):
    status = 429
    type = "rate_limit_error"
    default_code = "rate_limit_exceeded"
    exit_code = 75


class EngineUnavailable(ImagegenError):
    status = 503
    type = "server_error"
    default_code = "engine_unavailable"
    exit_code = 69


class EngineFailure(ImagegenError):
    """The engine ran and failed (a bug or an upstream failure). Reported, never a bare 500 traceback."""

    status = 502
    type = "server_error"
    default_code = "engine_failure"
    exit_code = 69


class UpstreamError(ImagegenError):
    """An upstream image service failed (5xx, refused connection) after our retries (SPEC §10)."""

    status = 502
    type = "server_error"
    default_code = "upstream_error"
    exit_code = 69


class UpstreamTimeout(ImagegenError):
    """An upstream did not answer within its per-attempt time-out (not retried; SPEC §10)."""

    status = 504
    type = "server_error"
    default_code = "upstream_timeout"
    exit_code = 75


class UpstreamRejected(ImagegenError):
    """An upstream's 4xx, passed through with its status, message and code (``upstream_rejected``)."""

    exit_code = 65


class UpstreamUnauthorized(UpstreamRejected):
    status = 401
    exit_code = 77


class UpstreamForbidden(UpstreamRejected):
    status = 403
    exit_code = 77


class UpstreamNotFound(UpstreamRejected):
    status = 404


class UpstreamConflict(UpstreamRejected):
    status = 409


class UpstreamTooLarge(UpstreamRejected):
    status = 413


class UpstreamUnprocessable(UpstreamRejected):
    status = 422


def upstream_rejected(status: int, message: str, *, code: str | None, param: str | None) -> ImagegenError:
    """The error for an upstream's 4xx (other than 429): same status where the tree has it, else 400."""
    classes: dict[int, type[ImagegenError]] = {
        c.status: c for c in (UpstreamUnauthorized, UpstreamForbidden, UpstreamNotFound, UpstreamConflict,
                              UpstreamTooLarge, UpstreamUnprocessable)
    }
    return classes.get(status, UpstreamRejected)(message, code=code, param=param)


class JobCancelled(ImagegenError):
    status = 409
    default_code = "job_cancelled"
    exit_code = 69


class ServerUnreachable(ImagegenError):
    """The client could not reach the server (connection refused, DNS, TLS). Client side only."""

    status = 503
    type = "server_error"
    default_code = "server_unreachable"
    exit_code = 69


class ClientTimeout(ImagegenError):
    """The server did not answer in time. Retryable. Client side only."""

    status = 504
    type = "server_error"
    default_code = "timeout"
    exit_code = 75


_BY_CODE: dict[str, type[ImagegenError]] = {}


def _index(cls: type[ImagegenError]) -> None:
    for sub in cls.__subclasses__():
        if sub.default_code:
            _BY_CODE.setdefault(sub.default_code, sub)
        _index(sub)


def from_envelope(status: int, body: object) -> ImagegenError:
    """Rebuild the error a server answered (``{"error": {...}}``), for clients of the API."""
    if not _BY_CODE:
        _index(ImagegenError)
    err = body.get("error") if isinstance(body, dict) else None
    if not isinstance(err, dict):
        err = {"message": f"HTTP {status}", "code": None, "param": None}
    code = err.get("code")
    message = str(err.get("message") or f"HTTP {status}")
    param = err.get("param")
    cls = _BY_CODE.get(code) if isinstance(code, str) else None
    if cls is None or cls.status != status:
        by_status: dict[int, type[ImagegenError]] = {
            401: AuthenticationError,
            403: AuthenticationError,
            404: NotFound,
            413: RequestTooLarge,
            429: RateLimited,
            503: EngineUnavailable,
        }
        cls = by_status.get(status) or (EngineFailure if status >= 500 else InvalidValue)
    return cls(
        message, param=param if isinstance(param, str) else None, code=code if isinstance(code, str) else None
    )
