"""The job store: every state change of a job is one short, conditional transaction.

State machine (docs/jobs.md)::

    in_queue --claim--> in_progress[phase=running] --commit--> in_progress[phase=recording] --> completed
        |                   |            |                                                 \\-> failed
        |                   |            \\--engine error--> failed
        \\--cancel--> cancelled <--cancel flag seen before the commit point--/

Each transition is an UPDATE guarded by the state it leaves, so two workers (threads or processes)
never both win: on SQLite the database write lock serializes them; on PostgreSQL the claim also takes
the candidate row ``FOR UPDATE SKIP LOCKED`` so concurrent claimers skip each other instead of waiting.
Workers take jobs in the fair order of ``jobs.fair`` (weighted round-robin across tenants), and a
per-tenant cap on running jobs is checked inside the claiming UPDATE (under a per-tenant advisory lock on
PostgreSQL).

An edit's input images live in ``job_inputs`` rows written in the job's own transaction (no shared
folder: a worker on another machine reads them from the database) and deleted when the job ends.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import ColumnElement, delete, func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from imagegen.contract.errors import NotFound
from imagegen.db.engine import session_factory
from imagegen.jobs.fair import (
    Queue,
    claim_order,
    fair_position,
    next_of_tenant,
    running_counts,
    tenant_counts,
    tenant_heads,
    tenant_weights,
)
from imagegen.jobs.models import TERMINAL_STATUSES, JobInputRow, JobRow
from imagegen.jobs.records import JobRecord

#: how many tenants (in fair order) one claim round tries before it looks again
CLAIM_CANDIDATES = 8


def new_job_id() -> str:
    """``job_`` + 24 hex digits (96 random bits: unguessable, so ids leak nothing across tenants)."""
    return "job_" + secrets.token_hex(12)


class JobStore:
    """All reads and writes of the ``jobs`` table. Every tenant-facing read takes the tenant id."""

    def __init__(self, database_url: str) -> None:
        self._sessions: sessionmaker[Session] = session_factory(database_url)

    # -- creating and reading -------------------------------------------------------------------------

    def create(self, *, job_id: str, tenant_id: str, operation: str, model: str, params: dict[str, Any],
               idempotency_key: str | None = None, owner: str | None = None,
               inputs: Mapping[str, bytes] | None = None) -> tuple[JobRecord, bool]:
        """Insert a queued job; returns (record, created). An idempotency key already used by the
        tenant returns the existing job and ``created=False``. ``owner`` (a worker id) reserves the job
        for the in-process pool that submitted it: shared workers leave it alone (see ``claim``).
        ``inputs`` (name -> bytes: an edit's images and mask) are written in the same transaction."""
        row = JobRow(id=job_id, tenant_id=tenant_id, operation=operation, model=model, params=params,
                     status="in_queue", cancel_requested=False, progress=0.0, attempts=0,
                     idempotency_key=idempotency_key, created_at=time.time(), worker_id=owner,
                     heartbeat_at=time.time() if owner else None)
        try:
            with self._sessions.begin() as s:
                s.add(row)
                s.flush()  # the job row first: its inputs reference it
                s.add_all(JobInputRow(job_id=job_id, name=name, data=data)
                          for name, data in (inputs or {}).items())
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

    def inputs(self, job_id: str) -> dict[str, bytes]:
        """The input files of a job (name -> bytes); empty when it has none (or has ended)."""
        with self._sessions() as s:
            return {r.name: bytes(r.data) for r in s.scalars(
                select(JobInputRow).where(JobInputRow.job_id == job_id))}

    def _record(self, s: Session, row: JobRow) -> JobRecord:
        position = None
        if row.status == "in_queue":
            # jobs reserved by an in-process pool do not wait in the shared queue (and vice versa);
            # within a queue the place is the fair order workers claim in (jobs.fair)
            binds = {"job_id": row.id, "created_at": row.created_at}
            if row.worker_id is None:
                counts = s.execute(tenant_counts("shared"), binds)
            else:
                counts = s.execute(tenant_counts("reserved"), binds | {"owner": row.worker_id})
            running = {t: int(n) for t, n in s.execute(running_counts())}
            weights = {t: int(w) for t, w in s.execute(tenant_weights())}
            position = fair_position(row.tenant_id, counts.all(), running, weights)
        return JobRecord(
            id=row.id, tenant_id=row.tenant_id, operation=row.operation, model=row.model,
            status=row.status, progress=float(row.progress or 0.0), created_at=row.created_at,
            attempts=row.attempts, queue_position=position, progress_message=row.progress_message,
            error=row.error, asset_ids=tuple(row.result_asset_ids or ()), result_summary=row.result_summary,
            started_at=row.started_at, finished_at=row.finished_at, params=row.params)

    # -- the worker's transitions ----------------------------------------------------------------------

    def claim(self, worker_id: str, *, only_ids: Iterable[str] | None = None,
              tenant_cap: int | None = None) -> JobRecord | None:
        """Take the next queued job in fair order (``jobs.fair``) for ``worker_id``; None when there is none.

        ``tenant_cap``: at most this many running jobs per tenant (None or 0: no cap)."""
        ids = None if only_ids is None else list(only_ids)
        if ids is not None and not ids:
            return None
        cap = tenant_cap if tenant_cap and tenant_cap > 0 else None
        # a queued row with a worker id is reserved by the in-process pool that submitted it
        queue: Queue = "shared" if ids is None else "ids"
        binds: dict[str, Any] = {} if ids is None else {"ids": ids}
        for _ in range(3):  # every tenant's next job lost to other claimers: look again
            with self._sessions() as s:
                running = {t: int(n) for t, n in s.execute(running_counts())}
                weights = {t: int(w) for t, w in s.execute(tenant_weights())}
                tenants = claim_order(s.execute(tenant_heads(queue), binds).all(), running, tenant_cap=cap,
                                      weights=weights)
            if not tenants:
                return None
            for tenant_id in tenants[:CLAIM_CANDIDATES]:
                record = self._try_claim(queue, binds, tenant_id, worker_id, cap)
                if record is not None:
                    return record
        return None

    def _try_claim(self, queue: Queue, binds: dict[str, Any], tenant_id: str, worker_id: str,
                   cap: int | None) -> JobRecord | None:
        with self._sessions.begin() as s:
            # SKIP LOCKED lets concurrent claimers pass each other on PostgreSQL (each takes the tenant's
            # oldest job nobody else holds); SQLite ignores it and the guarded UPDATE below decides there,
            # under the database write lock
            job_id = s.scalar(next_of_tenant(queue), binds | {"tenant": tenant_id})
            if job_id is None:
                return None
            guard: list[ColumnElement[bool]] = [JobRow.id == job_id, JobRow.status == "in_queue"]
            if cap is not None:
                if s.get_bind().dialect.name == "postgresql":
                    # claimers of one tenant take turns until commit, so each count sees the others' claims
                    s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _tenant_lock_key(tenant_id)})
                running = (select(func.count()).select_from(JobRow)
                           .where(JobRow.tenant_id == tenant_id, JobRow.status == "in_progress")
                           .scalar_subquery())
                guard.append(running < cap)
            now = time.time()
            res = s.execute(update(JobRow).where(*guard).values(
                status="in_progress", phase="running", worker_id=worker_id, heartbeat_at=now,
                started_at=now, attempts=JobRow.attempts + 1, progress=0.0, progress_message=None)
                .execution_options(synchronize_session=False))
            if res.rowcount != 1:  # type: ignore[attr-defined]
                return None
            row = s.get(JobRow, job_id, populate_existing=True)
            assert row is not None
            return self._record(s, row)

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
            return _ended(s, res, job_id)

    def finish(self, job_id: str, status: str, error: dict[str, Any] | None, *,
               worker_id: str | None = None) -> bool:
        """End a job as ``failed`` or ``cancelled`` (only if it has not ended already)."""
        with self._sessions.begin() as s:
            q = update(JobRow).where(JobRow.id == job_id,
                                     JobRow.status.in_(("in_queue", "in_progress")))
            if worker_id is not None:
                q = q.where(JobRow.worker_id == worker_id)
            res = s.execute(q.values(status=status, phase=None, error=error, finished_at=time.time()))
            return _ended(s, res, job_id)

    def end_owned(self, worker_id: str, status: str, error: dict[str, Any]) -> int:
        """End every unfinished job held or reserved by ``worker_id`` (an in-process pool shutting down)."""
        with self._sessions.begin() as s:
            owned = list(s.scalars(select(JobRow.id).where(
                JobRow.worker_id == worker_id, JobRow.status.in_(("in_queue", "in_progress")))))
            if not owned:
                return 0
            res = s.execute(update(JobRow).where(
                JobRow.id.in_(owned), JobRow.worker_id == worker_id,
                JobRow.status.in_(("in_queue", "in_progress"))).values(
                status=status, phase=None, error=error, finished_at=time.time()))
            s.execute(delete(JobInputRow).where(JobInputRow.job_id.in_(owned)))
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
            took = _ended(s, res, job_id)
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
            if requeue and not cancelled:
                return res.rowcount == 1  # type: ignore[attr-defined]
            return _ended(s, res, job_id)

    def drop_finished_inputs(self) -> int:
        """Delete input rows of jobs that have ended (a safety net: each ending already drops its own)."""
        with self._sessions.begin() as s:
            # correlated: driven by the (few) input rows and the jobs primary key, never a jobs scan
            ended = select(JobRow.id).where(JobRow.id == JobInputRow.job_id,
                                            JobRow.status.in_(TERMINAL_STATUSES)).exists()
            res = s.execute(delete(JobInputRow).where(ended))
            return int(res.rowcount or 0)  # type: ignore[attr-defined]


def _ended(s: Session, res: Any, job_id: str) -> bool:
    """After a guarded UPDATE that ends a job: drop its inputs when it took; whether it took."""
    if res.rowcount != 1:
        return False
    s.execute(delete(JobInputRow).where(JobInputRow.job_id == job_id))
    return True


def _tenant_lock_key(tenant_id: str) -> int:
    """A stable signed 64-bit key for ``pg_advisory_xact_lock`` (one per tenant)."""
    return int.from_bytes(hashlib.sha256(b"imagegen-tenant:" + tenant_id.encode()).digest()[:8], "big",
                          signed=True)
