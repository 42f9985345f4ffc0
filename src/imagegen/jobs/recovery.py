"""Restart safety: find ``in_progress`` jobs whose worker is gone and requeue or end them.

A worker id is ``<host>:<pid>:<token>``. A job's worker is dead when
- it ran on this host and that process no longer exists (or is a zombie): known at once, so a restarted
  server picks its jobs back up immediately instead of waiting out a heartbeat timeout;
- it ran in this very process under a Service instance that no longer runs (token not live);
- its heartbeat is older than ``stale_after`` seconds (other hosts, or a hung process).
A dead worker's job goes back to the queue while it has attempts left (a job that keeps killing its
worker must not loop forever), ends ``cancelled`` if a cancel was pending, and ``failed`` otherwise.

Jobs of an in-process pool (``Service(scope="own")``, token ``own-…``: the CLI running a job itself) are
never requeued: nobody waits for them once that process is gone, and no shared worker would take them.
They end ``failed`` with that reason, whether they were running or still queued (reserved).
"""

from __future__ import annotations

import logging
import os
import socket
import time
from dataclasses import dataclass

from imagegen.jobs.store import JobStore

log = logging.getLogger(__name__)

HOST = socket.gethostname()
#: tokens of the worker pools running in this process right now
LIVE_TOKENS: set[str] = set()
#: token prefix of in-process pools (their jobs are never requeued)
OWN_PREFIX = "own-"


def make_worker_id(token: str) -> str:
    return f"{HOST}:{os.getpid()}:{token}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a killed child not yet reaped still answers kill(0): look at its state
    try:
        with open(f"/proc/{pid}/stat") as fh:
            state = fh.read().rsplit(")", 1)[1].split()[0]
        return state not in ("Z", "X")
    except (OSError, IndexError):
        return True


def worker_is_dead(worker_id: str | None, heartbeat_at: float | None, *, stale_after: float,
                   now: float | None = None) -> bool:
    """Whether the worker that holds a job can no longer finish it (see the module docstring)."""
    now = time.time() if now is None else now
    if worker_id is None or heartbeat_at is None:
        return True
    host, _, rest = worker_id.partition(":")
    pid_text, _, token = rest.partition(":")
    if host == HOST and pid_text.isdigit():
        pid = int(pid_text)
        if pid == os.getpid():
            if token not in LIVE_TOKENS:
                return True
        elif not _pid_alive(pid):
            return True
    return now - heartbeat_at > stale_after


@dataclass(frozen=True)
class RecoveryPolicy:
    """How long a heartbeat may be silent, and how many times a job may be started."""

    stale_after: float = 60.0
    max_attempts: int = 3


def _in_process(worker_id: str | None) -> bool:
    return bool(worker_id) and str(worker_id).rsplit(":", 1)[-1].startswith(OWN_PREFIX)


def _lost_in_process(what: str) -> dict[str, object]:
    return {"type": "server_error", "code": "worker_lost", "status": 502, "class": "EngineFailure",
            "param": None,
            "message": f"The process that {what} this job in-process (e.g. 'imagegen generate') exited "
                       "before it finished; submit it again."}


def recover_dead_jobs(store: JobStore, policy: RecoveryPolicy) -> dict[str, str]:
    """Requeue / fail / cancel every job held by a dead worker. Returns job id -> new status."""
    done: dict[str, str] = {}
    now = time.time()
    for job_id, owner, heartbeat_at in store.reserved_jobs():
        if worker_is_dead(owner, heartbeat_at, stale_after=policy.stale_after, now=now) and store.recover(
                job_id, owner, requeue=False, error=_lost_in_process("submitted"), expect_status="in_queue"):
            done[job_id] = "failed"
    for job_id, worker_id, heartbeat_at, attempts, cancel_requested in store.running_jobs():
        if not worker_is_dead(worker_id, heartbeat_at, stale_after=policy.stale_after, now=now):
            continue
        if _in_process(worker_id) and not cancel_requested:
            if store.recover(job_id, worker_id, requeue=False, error=_lost_in_process("ran")):
                done[job_id] = "failed"
            continue
        if cancel_requested:
            err = {"type": "invalid_request_error", "code": "job_cancelled", "status": 409,
                   "class": "JobCancelled", "param": None,
                   "message": "The job was cancelled; its worker stopped before finishing."}
            if store.recover(job_id, worker_id, requeue=False, error=err, cancelled=True):
                done[job_id] = "cancelled"
        elif attempts < policy.max_attempts:
            if store.recover(job_id, worker_id, requeue=True, error=None):
                done[job_id] = "in_queue"
        else:
            err = {"type": "server_error", "code": "worker_lost", "status": 502, "class": "EngineFailure",
                   "param": None,
                   "message": f"The job was interrupted {attempts} times (its worker process stopped "
                              "while running it); giving up."}
            if store.recover(job_id, worker_id, requeue=False, error=err):
                done[job_id] = "failed"
    for job_id, status in done.items():
        log.warning("recovered job %s from a dead worker: now %s", job_id, status)
    return done
