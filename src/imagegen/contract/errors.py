"""The error tree. Each error maps to exactly one OpenAI-style ``type``/``code`` and HTTP status.

Every layer raises these; the API turns them into ``{"error": {...}}`` envelopes and the CLI into
sysexits codes. Nothing else decides a status code.
"""

from __future__ import annotations

from typing import Any, ClassVar


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


class JobCancelled(ImagegenError):
    status = 409
    default_code = "job_cancelled"
