"""The worker pool: threads that claim jobs from the store and run them, plus one housekeeping thread.

Housekeeping refreshes the heartbeat of this pool's running jobs, turns cancel flags set in the
database (by any process) into the in-memory event each job's ``Progress.cancelled()`` reads, and
periodically recovers jobs of dead workers (jobs.recovery). Idle workers wait on an event that
``wake()`` sets when this process submits a job, and otherwise poll the store (jobs submitted by other
processes sharing the database).
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from imagegen.jobs.records import JobRecord
from imagegen.jobs.recovery import (
    LIVE_TOKENS,
    OWN_PREFIX,
    RecoveryPolicy,
    make_worker_id,
    recover_dead_jobs,
)
from imagegen.jobs.store import JobStore

log = logging.getLogger(__name__)


@dataclass
class JobControl:
    """What the code running one job uses to learn it must stop."""

    job_id: str
    worker_id: str
    #: set when a client cancelled the job
    cancel_event: threading.Event = field(default_factory=threading.Event)
    #: set when the pool is shutting down (the job goes back to the queue, it is not cancelled)
    stop_event: threading.Event = field(default_factory=threading.Event)
    #: False for in-process pools: at shutdown their jobs end instead (nobody else would run them)
    requeue_on_stop: bool = True

    @property
    def user_cancelled(self) -> bool:
        return self.cancel_event.is_set()

    @property
    def stopping(self) -> bool:
        return self.stop_event.is_set()

    def cancelled(self) -> bool:
        """True when the engine should stop (cancelled by a client, or the process is shutting down)."""
        return self.cancel_event.is_set() or self.stop_event.is_set()


RunJob = Callable[[JobRecord, JobControl], None]


@dataclass(frozen=True)
class PoolConfig:
    workers: int = 2
    #: seconds between heartbeats / cancel-flag polls
    heartbeat_s: float = 1.0
    #: seconds an idle worker waits before polling the store again
    poll_s: float = 1.0
    #: seconds between recovery sweeps (the first one runs at start)
    recover_every_s: float = 10.0
    recovery: RecoveryPolicy = field(default_factory=RecoveryPolicy)
    #: at most this many running jobs per tenant across every worker on the database (None: no cap)
    tenant_cap: int | None = None


class WorkerPool:
    """Runs jobs from ``store`` with ``run_job``. ``only_ids`` (a live set) limits it to those jobs."""

    def __init__(self, store: JobStore, run_job: RunJob, config: PoolConfig, *,
                 only_ids: set[str] | None = None) -> None:
        self.store = store
        self.config = config
        # in-process pools are marked in their worker id: recovery never requeues their jobs
        self.token = (OWN_PREFIX if only_ids is not None else "") + secrets.token_hex(6)
        self.worker_id = make_worker_id(self.token)
        self._run_job = run_job
        self._only_ids = only_ids
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._running: dict[str, JobControl] = {}

    # -- lifecycle -------------------------------------------------------------------------------------

    def start(self) -> None:
        """Recover dead workers' jobs, then start the threads."""
        if self._threads:
            return
        LIVE_TOKENS.add(self.token)
        self._stop.clear()
        try:
            recover_dead_jobs(self.store, self.config.recovery)
        except Exception:  # recovery must not keep the server from starting; the sweep retries
            log.exception("job recovery at start failed")
        for i in range(max(0, self.config.workers)):
            t = threading.Thread(target=self._work, name=f"imagegen-worker-{i}", daemon=True)
            t.start()
            self._threads.append(t)
        hk = threading.Thread(target=self._housekeeping, name="imagegen-jobs-housekeeping", daemon=True)
        hk.start()
        self._threads.append(hk)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop claiming, ask running jobs to stop (they return to the queue), wait up to ``timeout``."""
        self._stop.set()
        self._wake.set()
        with self._lock:
            for control in self._running.values():
                control.stop_event.set()
        deadline = time.monotonic() + timeout
        for t in self._threads:
            t.join(max(0.0, deadline - time.monotonic()))
        alive = [t.name for t in self._threads if t.is_alive()]
        if alive:
            # an engine that never checks cancellation keeps its thread; its job is recovered by the next
            # process (this pool's token is no longer live).
            log.warning("worker threads still busy at shutdown: %s", ", ".join(alive))
        self._threads = []
        LIVE_TOKENS.discard(self.token)

    @property
    def reserves(self) -> bool:
        """Whether this pool runs only the jobs its process submitted (they are reserved to it)."""
        return self._only_ids is not None

    @property
    def running(self) -> bool:
        return bool(self._threads) and not self._stop.is_set()

    def wake(self) -> None:
        """A job was queued: let an idle worker look now."""
        self._wake.set()

    def cancel_local(self, job_id: str) -> None:
        """Signal a job running in this pool (the database flag is set by the caller)."""
        with self._lock:
            control = self._running.get(job_id)
        if control is not None:
            control.cancel_event.set()

    def running_ids(self) -> list[str]:
        with self._lock:
            return list(self._running)

    # -- threads ----------------------------------------------------------------------------------------

    def _claim(self) -> JobRecord | None:
        only: Iterable[str] | None = None
        if self._only_ids is not None:
            only = list(self._only_ids)
        return self.store.claim(self.worker_id, only_ids=only, tenant_cap=self.config.tenant_cap)

    def _work(self) -> None:
        while not self._stop.is_set():
            try:
                job = self._claim()
            except Exception:
                log.exception("claiming a job failed")
                job = None
            if job is None:
                self._wake.wait(self.config.poll_s)
                self._wake.clear()
                continue
            control = JobControl(job.id, self.worker_id, requeue_on_stop=not self.reserves)
            with self._lock:
                self._running[job.id] = control
                if self._stop.is_set():
                    control.stop_event.set()
            try:
                self._run_job(job, control)
            except Exception:  # run_job ends every job itself; this is a last line against a stuck job
                log.exception("job %s crashed its worker", job.id)
                try:
                    self.store.finish(job.id, "failed", {
                        "type": "server_error", "code": "engine_failure", "status": 502,
                        "class": "EngineFailure", "param": None,
                        "message": "The job failed inside the server; see the server log."},
                        worker_id=self.worker_id)
                except Exception:
                    log.exception("could not mark job %s failed", job.id)
            finally:
                with self._lock:
                    self._running.pop(job.id, None)

    def _housekeeping(self) -> None:
        last_recovery = time.monotonic()
        while not self._stop.wait(self.config.heartbeat_s):
            try:
                ids = self.running_ids()
                for job_id in self.store.heartbeat(self.worker_id, ids, reserved=self.reserves):
                    self.cancel_local(job_id)
                if time.monotonic() - last_recovery >= self.config.recover_every_s:
                    last_recovery = time.monotonic()
                    if recover_dead_jobs(self.store, self.config.recovery):
                        self._wake.set()
                    self.store.drop_finished_inputs()
            except Exception:
                log.exception("job housekeeping failed")
