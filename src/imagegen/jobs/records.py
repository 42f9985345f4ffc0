"""Plain values the job store hands out (snapshots of a row; never live ORM objects)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from imagegen.contract import errors as _errors
from imagegen.contract.errors import EngineFailure, ImagegenError


@dataclass(frozen=True)
class JobRecord:
    """One job as it stands: what ``Service.status`` returns."""

    id: str
    tenant_id: str
    operation: str
    model: str
    status: str
    progress: float
    created_at: float
    attempts: int
    #: 1-based place among queued jobs (all tenants, oldest first); None unless ``in_queue``
    queue_position: int | None = None
    progress_message: str | None = None
    error: dict[str, Any] | None = None
    asset_ids: tuple[str, ...] = ()
    result_summary: dict[str, Any] | None = None
    started_at: float | None = None
    finished_at: float | None = None
    params: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def done(self) -> bool:
        return self.status in ("completed", "failed", "cancelled")

    def status_json(self) -> dict[str, Any]:
        """The queue API's status object (SPEC §7)."""
        out: dict[str, Any] = {"request_id": self.id, "status": self.status}
        if self.status == "in_queue" and self.queue_position is not None:
            out["queue_position"] = self.queue_position
        if self.status != "in_queue":
            out["progress"] = round(self.progress, 4)
        return out

    def raise_error(self) -> None:
        """Raise the error a failed (or cancelled) job ended with, as the error class it was."""
        if self.status == "cancelled":
            raise _errors.JobCancelled("The job was cancelled.")
        if self.status == "failed":
            raise error_from_json(self.error)


def error_to_json(exc: ImagegenError) -> dict[str, Any]:
    """How a job's error is persisted (and answered by the queue API as ``error``)."""
    return {"type": exc.type, "code": exc.code, "message": exc.message, "param": exc.param,
            "status": exc.status, "class": type(exc).__name__}


def error_from_json(data: dict[str, Any] | None) -> ImagegenError:
    """Rebuild a persisted error as its original class (so the HTTP status and exit code survive)."""
    if not data:
        return EngineFailure("The job failed without an error message.")
    cls = _error_class(str(data.get("class")))
    return cls(str(data.get("message") or "The job failed."), param=data.get("param"), code=data.get("code"))


def _error_class(name: str) -> type[ImagegenError]:
    """The loaded subclass of ImagegenError called ``name`` (errors of any layer, not only the contract's)."""
    found = getattr(_errors, name, None)
    if isinstance(found, type) and issubclass(found, ImagegenError):
        return found
    pending = list(ImagegenError.__subclasses__())
    while pending:
        cls = pending.pop()
        if cls.__name__ == name:
            return cls
        pending.extend(cls.__subclasses__())
    return EngineFailure


def public_error(data: dict[str, Any] | None) -> dict[str, Any] | None:
    """The OpenAI-shaped error object (without the internal class name)."""
    if not data:
        return None
    return {k: data.get(k) for k in ("message", "type", "param", "code")}
