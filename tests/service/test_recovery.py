"""Restart safety inside one process: jobs of dead workers are requeued, failed or cancelled; none stuck."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable

from service_helpers import wait_for
from sqlalchemy import update

from imagegen.contract.specs import GenerateSpec
from imagegen.jobs.models import JobRow
from imagegen.jobs.recovery import HOST, RecoveryPolicy, recover_dead_jobs, worker_is_dead
from imagegen.service import Service


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def strand(svc: Service, job_id: str, *, worker_id: str, heartbeat: float, attempts: int = 1,
           cancel: bool = False) -> None:
    """Make a job look like a worker took it and then vanished."""
    with svc.store._sessions.begin() as s:
        s.execute(update(JobRow).where(JobRow.id == job_id).values(
            status="in_progress", phase="running", worker_id=worker_id, heartbeat_at=heartbeat,
            attempts=attempts, cancel_requested=cancel, started_at=heartbeat))


def spec(prompt: str = "x") -> GenerateSpec:
    return GenerateSpec(prompt=prompt, model="test-quick", seed=1)


def test_dead_process_jobs_are_recovered_at_start(make_service: Callable[..., Service]) -> None:
    idle = make_service(workers=0)
    gone = f"{HOST}:{dead_pid()}:abc"
    requeue = idle.submit("acme", "generate", spec()).id
    exhausted = idle.submit("acme", "generate", spec()).id
    cancelled = idle.submit("acme", "generate", spec()).id
    for job_id, attempts, cancel in ((requeue, 1, False), (exhausted, 3, False), (cancelled, 1, True)):
        strand(idle, job_id, worker_id=gone, heartbeat=time.time(), attempts=attempts, cancel=cancel)
    worker = make_service()
    wait_for(lambda: all(worker.status("acme", j).done for j in (requeue, exhausted, cancelled)))
    assert worker.status("acme", requeue).status == "completed"
    assert worker.status("acme", requeue).attempts == 2
    failed = worker.status("acme", exhausted)
    assert failed.status == "failed" and failed.error
    assert failed.error["code"] == "worker_lost" and "interrupted 3 times" in failed.error["message"]
    assert worker.status("acme", cancelled).status == "cancelled"


def test_other_hosts_are_judged_by_heartbeat(make_service: Callable[..., Service]) -> None:
    svc = make_service(workers=0)
    stale = svc.submit("acme", "generate", spec()).id
    fresh = svc.submit("acme", "generate", spec()).id
    strand(svc, stale, worker_id="elsewhere:123:tok", heartbeat=time.time() - 600)
    strand(svc, fresh, worker_id="elsewhere:124:tok", heartbeat=time.time())
    done = recover_dead_jobs(svc.store, RecoveryPolicy(stale_after=60, max_attempts=3))
    assert done == {stale: "in_queue"}
    assert svc.status("acme", fresh).status == "in_progress"
    assert not worker_is_dead("elsewhere:1:t", time.time(), stale_after=60)
    assert worker_is_dead("elsewhere:1:t", time.time() - 61, stale_after=60)
    assert worker_is_dead(None, None, stale_after=60)


def test_graceful_stop_returns_running_jobs_to_the_queue(make_service: Callable[..., Service]) -> None:
    svc = make_service()
    # a job far longer than any stop (the next service cancels it): it cannot complete before the stop
    rec = svc.submit("acme", "generate", GenerateSpec(prompt="sleep 60", model="test-slow", seed=1))
    wait_for(lambda: svc.status("acme", rec.id).status == "in_progress")
    svc.stop()
    back = svc.status("acme", rec.id)
    assert back.status == "in_queue" and back.attempts == 0
    nxt = make_service()
    wait_for(lambda: nxt.status("acme", rec.id).status == "in_progress")
    nxt.cancel("acme", rec.id)
    wait_for(lambda: nxt.status("acme", rec.id).done)


def test_a_live_peer_in_this_process_is_not_robbed(make_service: Callable[..., Service]) -> None:
    a = make_service()
    rec = a.submit("acme", "generate", GenerateSpec(prompt="sleep 1", model="test-slow", seed=1))
    wait_for(lambda: a.status("acme", rec.id).status == "in_progress")
    b = make_service()
    assert recover_dead_jobs(b.store, RecoveryPolicy()) == {}
    wait_for(lambda: a.status("acme", rec.id).done)
    assert a.status("acme", rec.id).status == "completed" and a.status("acme", rec.id).attempts == 1


def test_a_stale_worker_leaves_a_reassigned_job_alone(make_service: Callable[..., Service],
                                                      deaf_release: threading.Event) -> None:
    """A worker that lost its job (recovered and claimed elsewhere while it hung) must not record,
    end the job or delete its inputs when it finally returns."""
    import io

    from PIL import Image

    from imagegen.contract.images import load_input_image
    from imagegen.contract.specs import EditSpec

    svc = make_service()
    buf = io.BytesIO()
    Image.new("RGB", (32, 32), (1, 2, 3)).save(buf, format="PNG")
    spec = EditSpec(prompt="sleep 60", model="test-deaf", seed=1, images=(load_input_image(buf.getvalue()),))
    rec = svc.submit("acme", "edit", spec)
    wait_for(lambda: svc.status("acme", rec.id).status == "in_progress")
    strand(svc, rec.id, worker_id="elsewhere:1:new-owner", heartbeat=time.time(), attempts=2)
    deaf_release.set()  # the engine returns only now: after the job changed hands, however slow the machine
    wait_for(lambda: not svc.pool.running_ids(), timeout=10)
    after = svc.status("acme", rec.id)
    assert (after.status, after.asset_ids) == ("in_progress", ())
    assert svc.store.inputs(rec.id)  # the new owner still needs them
    assert not [p for p in svc.settings.assets_dir.rglob("*") if p.is_file()]


def test_in_process_jobs_are_never_requeued(make_service: Callable[..., Service]) -> None:
    """Jobs of an in-process pool (the CLI) are reserved to it; if its process dies they fail with a
    reason, since nobody waits for them and no shared worker would take them."""
    cli = make_service(scope="own", workers=0)
    reserved = cli.submit("local", "generate", spec()).id
    server = make_service()
    time.sleep(0.5)
    assert server.status("local", reserved).status == "in_queue"  # the server leaves it alone
    cli.stop()  # a CLI that stops (Ctrl-C) cancels what it still holds
    assert server.status("local", reserved).status == "cancelled"

    server.stop()
    other = make_service(workers=0, start=False)  # nothing runs or recovers behind the test's back
    gone_pid = dead_pid()
    queued = other.submit("local", "generate", spec()).id
    running = other.submit("local", "generate", spec()).id
    with other.store._sessions.begin() as s:
        s.execute(update(JobRow).where(JobRow.id == queued).values(
            worker_id=f"{HOST}:{gone_pid}:own-1", heartbeat_at=time.time()))
    strand(other, running, worker_id=f"{HOST}:{gone_pid}:own-1", heartbeat=time.time())
    assert recover_dead_jobs(other.store, RecoveryPolicy()) == {queued: "failed", running: "failed"}
    for job_id, verb in ((queued, "submitted"), (running, "ran")):
        err = other.status("local", job_id).error
        assert err and err["code"] == "worker_lost" and f"process that {verb}" in err["message"]
