"""Where synchronous requests wait for their jobs: a bounded pool of their own, never the request threads.

``Service.run`` blocks until the job ends (seconds to minutes). Run on Starlette's shared thread pool
(40 threads), 40 concurrent generations would leave no thread for anything else: every authenticated
route (its key check is a synchronous dependency) would queue behind them. So engine waits get their own
``anyio.CapacityLimiter`` (``IMAGEGEN_SYNC_WAITS``, 64): over it, further synchronous requests wait on the
event loop (no thread) for a slot, and request handling keeps its pool.

While it waits, ``wait_for_job`` watches the client: when the connection goes away the job is cancelled
(``Abandon``), so no one's abandoned generation keeps a worker busy. ``Service.run``'s own time-out
(``IMAGEGEN_REQUEST_TIMEOUT_S``, see ``routes_openai.request_timeout``) cancels jobs that run too long.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import anyio
from fastapi import FastAPI, Request

from imagegen.config import Settings
from imagegen.contract.errors import JobCancelled

log = logging.getLogger("imagegen.api")

T = TypeVar("T")

DEFAULT_SYNC_WAITS = 64
#: how often a waiting request checks whether its client is still there
DISCONNECT_POLL_S = 0.5


def sync_waits(settings: Settings) -> int:
    """``IMAGEGEN_SYNC_WAITS``: how many synchronous requests may wait on a job thread at once."""
    raw = settings.extra.get("sync_waits")
    value = int(raw) if raw else DEFAULT_SYNC_WAITS
    if value < 1:
        raise ValueError(f"IMAGEGEN_SYNC_WAITS must be at least 1, got {raw!r}.")
    return value


def install(app: FastAPI, settings: Settings) -> None:
    """Give ``app`` its engine-wait limiter (``create_app`` calls this)."""
    app.state.engine_waits = anyio.CapacityLimiter(sync_waits(settings))


def limiter(request: Request) -> anyio.CapacityLimiter:
    """The app's engine-wait limiter."""
    pool: anyio.CapacityLimiter = request.app.state.engine_waits
    return pool


class Abandon:
    """The job of one request, and whether its client went away: whichever of the two is learned last
    triggers the cancel (the id arrives on the job's thread, a disconnect on the event loop)."""

    def __init__(self, cancel: Callable[[str], object] | None) -> None:
        self._cancel = cancel
        self._lock = threading.Lock()
        self._job_id: str | None = None
        self._abandoned = False

    def submitted(self, job_id: str) -> None:
        with self._lock:
            self._job_id = job_id
            abandoned = self._abandoned
        if abandoned:
            self._fire(job_id)  # already on a worker thread

    def abandon(self) -> None:
        with self._lock:
            self._abandoned = True
            job_id = self._job_id
        if job_id is not None:
            # the cancel touches the database: never on the event loop, and never awaited (this runs
            # while a response is being torn down, possibly cancelled itself)
            threading.Thread(target=self._fire, args=(job_id,), name="imagegen-request-cancel",
                             daemon=True).start()

    def _fire(self, job_id: str) -> None:
        if self._cancel is None:
            return
        try:
            self._cancel(job_id)
            log.info("job %s cancelled: its client disconnected", job_id)
        except Exception:
            log.exception("could not cancel job %s after its client disconnected", job_id)


async def wait_for_job(request: Request, run: Callable[[Callable[[str], None]], T],
                       cancel: Callable[[str], object]) -> T:
    """``run(on_submitted)`` on the engine-wait pool; cancels the job if the client disconnects first.

    ``run`` is ``Service.run`` with its ``on_submitted`` left open. A client that goes away ends the
    request with ``JobCancelled`` (nobody reads the answer) and its job is cancelled."""
    abandon = Abandon(cancel)
    task: asyncio.Future[T] = asyncio.ensure_future(
        anyio.to_thread.run_sync(run, abandon.submitted, limiter=limiter(request)))
    try:
        while True:
            done, _ = await asyncio.wait({task}, timeout=DISCONNECT_POLL_S)
            if done:
                return task.result()
            if await request.is_disconnected():
                break
    except asyncio.CancelledError:
        _let_go(task, abandon)
        raise
    _let_go(task, abandon)
    raise JobCancelled("The job was cancelled: the client disconnected before it finished.")


def _let_go(task: asyncio.Future[Any], abandon: Abandon) -> None:
    # a task still waiting for a slot is simply cancelled; one whose thread runs ends once the cancel lands
    task.add_done_callback(lambda t: t.exception() if not t.cancelled() else None)
    task.cancel()
    abandon.abandon()
