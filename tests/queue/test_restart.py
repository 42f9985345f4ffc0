"""Restart safety over HTTP: SIGKILL the server with jobs queued and running, start it again on the same
IMAGEGEN_HOME, and every job ends (completed, or failed with a reason): none stuck, none lost. Then a
graceful SIGTERM returns the running job to the queue."""

from __future__ import annotations

import time
from collections.abc import Callable

from queue_helpers import Server, create_key, wait_status

from imagegen.jobs.store import JobStore


def test_sigkill_mid_queue_loses_nothing(make_server: Callable[..., Server]) -> None:
    # a heartbeat timeout far longer than the test: recovery can only come from seeing the pid is gone
    server = make_server(job_stale_after_s="300")
    key = create_key(server.home, "acme")
    server.start()
    with server.client(key) as c:
        ids = []
        for i in range(5):
            r = c.post("/v1/models/test-slow/text-to-image", json={"prompt": f"job {i} sleep 2.5"})
            assert r.status_code == 200, r.text
            ids.append(r.json()["request_id"])
        # two workers: two jobs running, three queued, when the process dies
        wait_status(c, ids[1], {"in_progress"})
        before = {i: c.get(f"/v1/requests/{i}/status").json()["status"] for i in ids}
    assert "in_progress" in before.values() and list(before.values()).count("in_queue") >= 2, before
    server.kill()

    restarted = time.monotonic()
    server.start()
    with server.client(key) as c:
        final = {i: wait_status(c, i, {"completed", "failed", "cancelled"}, timeout=45) for i in ids}
        elapsed = time.monotonic() - restarted
        results = {i: c.get(f"/v1/requests/{i}/result").json() for i in ids}
    statuses = {i: s["status"] for i, s in final.items()}
    assert set(statuses.values()) <= {"completed", "failed"}, statuses
    for res in results.values():
        if res["status"] == "failed":
            assert res["error"] and res["error"]["message"], res
        else:
            assert len(res["output"]["images"]) == 1
    # a dead process on this host is known at once (no 300 s heartbeat timeout to wait out): 5 jobs x
    # 2.5 s on 2 workers is ~7.5 s of work plus the start
    assert list(statuses.values()).count("completed") == 5, statuses
    assert elapsed < 90
    # the interrupted jobs (running at the kill) were started twice, the others once
    attempts = _attempts(server, ids)
    assert set(attempts.values()) <= {1, 2} and 1 <= list(attempts.values()).count(2) <= 2, attempts

    # a graceful stop (SIGTERM) hands a running job back to the queue without spending an attempt
    with server.client(key) as c:
        slow = c.post("/v1/models/test-slow/text-to-image", json={"prompt": "sleep 30"}).json()["request_id"]
        wait_status(c, slow, {"in_progress"})
    server.stop()
    # uvicorn re-raises the signal after its graceful shutdown: -15 is a clean exit here
    assert server.proc is not None and server.proc.returncode in (0, -15)
    store = _store(server)
    assert (store.get("acme", slow).status, store.get("acme", slow).attempts) == ("in_queue", 0)


def _store(server: Server) -> JobStore:
    return JobStore(f"sqlite:///{server.home / 'imagegen.db'}")


def _attempts(server: Server, ids: list[str]) -> dict[str, int]:
    store = _store(server)
    return {i: store.get("acme", i).attempts for i in ids}
