"""The job store: every state change of a job is one short, conditional transaction.

State machine (docs/jobs.md)::

    in_queue --claim--> in_progress[phase=running] --commit--> in_progress[phase=recording] --> completed
        |                   |            |                                                 \\-> failed
        |                   |            \\--engine error--> failed
        \\--cancel--> cancelled <--cancel flag seen before the commit point--/

Each transition is an UPDATE guarded by the state it leaves, so two workers (threads or processes)
never both win: on SQLite the database write lock serializes them; on PostgreSQL the claim also takes
the candidate row ``FOR UPDATE SKIP LOCKED`` so concurrent claimers skip each other instead of waiting.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from imagegen.contract.errors import NotFound
from imagegen.db.engine import session_factory
from imagegen.jobs.models import JobRow
from imagegen.jobs.records import JobRecord


def new_job_id() -> str:
    """``job_`` + 24 hex digits (96 random bits: unguessable, so ids leak nothing across tenants)."""
    return "job_" + secrets.token_hex(12)


class JobStore:
    """All reads and writes of the ``jobs`` table. Every tenant-facing read takes the tenant id."""

    def __init__(self, database_url: str) -> None:
        self._sessions: sessionmaker[Session] = session_factory(database_url)

    # -- creating and reading -------------------------------------------------------------------------

    def create(self, *, job_id: str, tenant_id: str, operation: str, model: str, params: dict[str, Any],
               idempotency_key: str | None = None, owner: str | None = None) -> tuple[JobRecord, bool]:
        """Insert a queued job; returns (record, created). An idempotency key already used by the
        tenant returns the existing job and ``created=False``. ``owner`` (a worker id) reserves the job
        for the in-process pool that submitted it: shared workers leave it alone (see ``claim``)."""
        row = JobRow(id=job_id, tenant_id=tenant_id, operation=operation, model=model, params=params,
                     status="in_queue", cancel_requested=False, progress=0.0, attempts=0,
                     idempotency_key=idempotency_key, created_at=time.time(), worker_id=owner,
                     heartbeat_at=time.time() if owner else None)
        try:
            with self._sessions.begin() as s:
                s.add(row)
        except IntegrityError:
            if idempotency_key is None:
                raise
            with self._sessions() as s:
                existing = s.scalars(select(JobRow).where(JobRow.tenant_id == tenant_id,
                                                          JobRow.idempotency_key == idempotency_key)).one()
                return self._record(s, existing), False
        return self.get(tenant_id, job_id), True

    def get(self, tenant_id: str, job_id: str) -> JobRecord:
        """The job if it belongs to ``tenant_id``; ``NotFound`` otherwise (existence is never revealed)."""
        with self._sessions() as s:
            row = s.get(JobRow, job_id)
            if row is None or row.tenant_id != tenant_id:
                raise NotFound(f"No job found with id '{job_id}'.", param="request_id")
            return self._record(s, row)

    def get_any(self, job_id: str) -> JobRecord | None:
        """Internal (workers): the job whatever its tenant."""
        with self._sessions() as s:
            row = s.get(JobRow, job_id)
            return None if row is None else self._record(s, row)

    def count_open(self, tenant_id: str) -> int:
        """Jobs of a tenant that are queued or running (for the queue limit)."""
        with self._sessions() as s:
            return int(s.scalar(select(func.count()).select_from(JobRow).where(
                JobRow.tenant_id == tenant_id, JobRow.status.in_(("in_queue", "in_progress")))) or 0)

    def list_jobs(self, tenant_id: str, *, limit: int = 50) -> list[JobRecord]:
        """A tenant's newest jobs."""
        with self._sessions() as s:
            rows = s.scalars(select(JobRow).where(JobRow.tenant_id == tenant_id)
                             .order_by(JobRow.created_at.desc()).limit(limit)).all()
            return [self._record(s, r) for r in rows]

    def _record(self, s: Session, row: JobRow) -> JobRecord:
        position = None
        if row.status == "in_queue":
            # jobs reserved by an in-process pool do not wait in the shared queue (and vice versa)
            same_queue = JobRow.worker_id.is_(None) if row.worker_id is None \
                else JobRow.worker_id == row.worker_id
            ahead = s.scalar(select(func.count()).select_from(JobRow).where(
                JobRow.status == "in_queue", same_queue,
                (JobRow.created_at < row.created_at)
                | and_(JobRow.created_at == row.created_at, JobRow.id < row.id)))
            position = int(ahead or 0) + 1
        return JobRecord(
            id=row.id, tenant_id=row.tenant_id, operation=row.operation, model=row.model,
            status=row.status, progress=float(row.progress or 0.0), created_at=row.created_at,
            attempts=row.attempts, queue_position=position, progress_message=row.progress_message,
            error=row.error, asset_ids=tuple(row.result_asset_ids or ()), result_summary=row.result_summary,
            started_at=row.started_at, finished_at=row.finished_at, params=row.params)

    # -- the worker's transitions ----------------------------------------------------------------------

    def claim(self, worker_id: str, *, only_ids: Iterable[str] | None = None) -> JobRecord | None:
        """Take the oldest queued job for ``worker_id`` (None when there is none)."""
        ids = None if only_ids is None else list(only_ids)
        if ids is not None and not ids:
            return None
        for _ in range(5):  # lost races (another worker took the candidate) retry with the next one
            with self._sessions.begin() as s:
                # a queued row with a worker id is reserved by the in-process pool that submitted it
                mine = JobRow.id.in_(ids) if ids is not None else JobRow.worker_id.is_(None)
                q = select(JobRow.id).where(JobRow.status == "in_queue", mine)
                # SKIP LOCKED is PostgreSQL's way to let many claimers pass each other; SQLite ignores it
                # and the guarded UPDATE below decides instead.
                q = q.order_by(JobRow.created_at, JobRow.id).limit(1).with_for_update(skip_locked=True)
                job_id = s.scalar(q)
                if job_id is None:
                    return None
                now = time.time()
                res = s.execute(update(JobRow).where(JobRow.id == job_id, JobRow.status == "in_queue").values(
                    status="in_progress", phase="running", worker_id=worker_id, heartbeat_at=now,
                    started_at=now, attempts=JobRow.attempts + 1, progress=0.0, progress_message=None))
                if res.rowcount == 1:  # type: ignore[attr-defined]
                    s.flush()
                    row = s.get(JobRow, job_id, populate_existing=True)
                    assert row is not None
                    return self._record(s, row)
        return None

    def set_progress(self, job_id: str, worker_id: str, fraction: float, message: str | None) -> None:
        """Progress also counts as a heartbeat."""
        with self._sessions.begin() as s:
            s.execute(update(JobRow).where(JobRow.id == job_id, JobRow.worker_id == worker_id,
                                           JobRow.status == "in_progress").values(
                progress=max(0.0, min(1.0, fraction)), progress_message=message, heartbeat_at=time.time()))

    def heartbeat(self, worker_id: str, job_ids: Iterable[str], *, reserved: bool = False) -> set[str]:
        """Refresh the heartbeat of this worker's running jobs (and, with ``reserved``, of the queued jobs
        it reserved); returns the ids among ``job_ids`` whose cancel was requested."""
        ids = list(job_ids)
        if not ids and not reserved:
            return set()
        statuses = ("in_queue", "in_progress") if reserved else ("in_progress",)
        with self._sessions.begin() as s:
            s.execute(update(JobRow).where(JobRow.worker_id == worker_id, JobRow.status.in_(statuses))
                      .values(heartbeat_at=time.time()))
            if not ids:
                return set()
            return set(s.scalars(select(JobRow.id).where(JobRow.id.in_(ids), JobRow.cancel_requested)))

    def cancel_requested(self, job_id: str) -> bool:
        with self._sessions() as s:
            return bool(s.scalar(select(JobRow.cancel_requested).where(JobRow.id == job_id)))

    def begin_commit(self, job_id: str, worker_id: str) -> bool:
        """The commit point: True moves the job past cancellation (it will be recorded); False means a
        cancel won the race and the result must be dropped."""
        with self._sessions.begin() as s:
            res = s.execute(update(JobRow).where(
                JobRow.id == job_id, JobRow.worker_id == worker_id, JobRow.status == "in_progress",
                JobRow.phase == "running", JobRow.cancel_requested.is_(False)).values(
                phase="recording", heartbeat_at=time.time()))
            return res.rowcount == 1  # type: ignore[attr-defined]

    def complete(self, job_id: str, worker_id: str, asset_ids: list[str], summary: dict[str, Any]) -> bool:
        """End a recorded job ``completed`` (only while ``worker_id`` still holds it)."""
        with self._sessions.begin() as s:
            res = s.execute(update(JobRow).where(
                JobRow.id == job_id, JobRow.worker_id == worker_id, JobRow.status == "in_progress").values(
                status="completed", phase=None, progress=1.0, result_asset_ids=asset_ids,
                result_summary=summary, finished_at=time.time(), error=None))
            return res.rowcount == 1  # type: ignore[attr-defined]

    def finish(self, job_id: str, status: str, error: dict[str, Any] | None, *,
               worker_id: str | None = None) -> bool:
        """End a job as ``failed`` or ``cancelled`` (only if it has not ended already)."""
        with self._sessions.begin() as s:
            q = update(JobRow).where(JobRow.id == job_id,
                                     JobRow.status.in_(("in_queue", "in_progress")))
            if worker_id is not None:
                q = q.where(JobRow.worker_id == worker_id)
            res = s.execute(q.values(status=status, phase=None, error=error, finished_at=time.time()))
            return res.rowcount == 1  # type: ignore[attr-defined]

    def end_owned(self, worker_id: str, status: str, error: dict[str, Any]) -> int:
        """End every unfinished job held or reserved by ``worker_id`` (an in-process pool shutting down)."""
        with self._sessions.begin() as s:
            res = s.execute(update(JobRow).where(
                JobRow.worker_id == worker_id, JobRow.status.in_(("in_queue", "in_progress"))).values(
                status=status, phase=None, error=error, finished_at=time.time()))
            return int(res.rowcount or 0)  # type: ignore[attr-defined]

    def release(self, job_id: str, worker_id: str) -> bool:
        """Give a running job back to the queue (graceful shutdown); the attempt does not count."""
        with self._sessions.begin() as s:
            res = s.execute(update(JobRow).where(
                JobRow.id == job_id, JobRow.worker_id == worker_id, JobRow.status == "in_progress",
                JobRow.phase == "running").values(
                status="in_queue", phase=None, worker_id=None, heartbeat_at=None, started_at=None,
                progress=0.0, progress_message=None, attempts=JobRow.attempts - 1))
            return res.rowcount == 1  # type: ignore[attr-defined]

    # -- client transitions ----------------------------------------------------------------------------

    def request_cancel(self, tenant_id: str, job_id: str) -> tuple[JobRecord, bool]:
        """Cancel: a queued job ends ``cancelled`` at once; a running one gets the flag its worker
        polls, unless it already passed the commit point. Returns (record, whether a cancel took)."""
        now = time.time()
        self.get(tenant_id, job_id)  # NotFound across tenants
        with self._sessions.begin() as s:
            res = s.execute(update(JobRow).where(JobRow.id == job_id, JobRow.tenant_id == tenant_id,
                                                 JobRow.status == "in_queue").values(
                status="cancelled", cancel_requested=True, finished_at=now, phase=None,
                error={"type": "invalid_request_error", "code": "job_cancelled",
                       "message": "The job was cancelled before it started.", "param": None,
                       "status": 409, "class": "JobCancelled"}))
            took = res.rowcount == 1  # type: ignore[attr-defined]
            if not took:
                res = s.execute(update(JobRow).where(
                    JobRow.id == job_id, JobRow.tenant_id == tenant_id, JobRow.status == "in_progress",
                    JobRow.phase == "running").values(cancel_requested=True))
                took = res.rowcount == 1  # type: ignore[attr-defined]
        return self.get(tenant_id, job_id), took

    # -- recovery ----------------------------------------------------------------------------------------

    def reserved_jobs(self) -> list[tuple[str, str, float | None]]:
        """(id, owner, heartbeat) of queued jobs reserved by an in-process pool."""
        with self._sessions() as s:
            return [(r.id, r.worker_id, r.heartbeat_at) for r in s.execute(
                select(JobRow.id, JobRow.worker_id, JobRow.heartbeat_at).where(
                    JobRow.status == "in_queue", JobRow.worker_id.is_not(None)))]

    def running_jobs(self) -> list[tuple[str, str | None, float | None, int, bool]]:
        """(id, worker id, heartbeat, attempts, cancel requested) of every ``in_progress`` job."""
        with self._sessions() as s:
            return [(r.id, r.worker_id, r.heartbeat_at, r.attempts, r.cancel_requested) for r in
                    s.execute(select(JobRow.id, JobRow.worker_id, JobRow.heartbeat_at, JobRow.attempts,
                                     JobRow.cancel_requested).where(JobRow.status == "in_progress"))]

    def recover(self, job_id: str, dead_worker_id: str | None, *, requeue: bool,
                error: dict[str, Any] | None, cancelled: bool = False,
                expect_status: str = "in_progress") -> bool:
        """Requeue (or end) a job whose worker died (or, with ``expect_status="in_queue"``, a reserved
        job whose submitting process died). Guarded by the dead worker's id, so a job that a live worker
        touched meanwhile is left alone."""
        with self._sessions.begin() as s:
            q = update(JobRow).where(JobRow.id == job_id, JobRow.status == expect_status)
            q = q.where(JobRow.worker_id.is_(None) if dead_worker_id is None
                        else JobRow.worker_id == dead_worker_id)
            if cancelled:
                values: dict[str, Any] = {"status": "cancelled", "phase": None, "finished_at": time.time(),
                                          "error": error}
            elif requeue:
                values = {"status": "in_queue", "phase": None, "worker_id": None, "heartbeat_at": None,
                          "progress": 0.0, "progress_message": None}
            else:
                values = {"status": "failed", "phase": None, "finished_at": time.time(), "error": error}
            res = s.execute(q.values(**values))
            return res.rowcount == 1  # type: ignore[attr-defined]
