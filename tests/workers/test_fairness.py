"""Fair scheduling: round-robin across tenants by oldest job, per-tenant running caps, and queue_position
in that order (issue 10, resource item 7), on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from service_helpers import make_settings

from imagegen.contract.specs import GenerateSpec
from imagegen.db.engine import dispose_all
from imagegen.jobs.store import JobStore, new_job_id
from imagegen.service import Service


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'jobs.db'}"
    else:
        yield request.getfixturevalue("pg_url")
    dispose_all()


def queue(store: JobStore, tenant: str, n: int) -> list[str]:
    ids = []
    for i in range(n):
        job_id = new_job_id()
        store.create(job_id=job_id, tenant_id=tenant, operation="generate", model="test-quick",
                     params={"spec": {}, "params": {"i": i}})
        ids.append(job_id)
    return ids


def test_one_job_is_not_queued_behind_another_tenants_backlog(db_url: str) -> None:
    store = JobStore(db_url)
    flood = queue(store, "flood", 100)
    (single,) = queue(store, "single", 1)
    # FIFO would put it at 101; fair order puts it right after the flood's oldest job
    assert store.get("single", single).queue_position == 2
    assert store.get("flood", flood[0]).queue_position == 1
    assert store.get("flood", flood[1]).queue_position == 3
    assert store.get("flood", flood[-1]).queue_position == 101
    (late,) = queue(store, "late", 1)  # a third tenant arriving later still goes ahead of the backlog
    assert store.get("late", late).queue_position == 3
    # workers claim in exactly the order the positions promise
    order = [store.claim("host:1:w") for _ in range(5)]
    assert [j.id for j in order if j] == [flood[0], single, late, flood[1], flood[2]]
    # a tenant that holds workers yields its next turn: flood runs 3, a newcomer goes first
    (newcomer,) = queue(store, "newcomer", 1)
    assert store.get("newcomer", newcomer).queue_position == 1
    assert store.claim("host:1:w").id == newcomer  # type: ignore[union-attr]
    # positions shrink as the flood's jobs finish (turn = running + rank)
    before = store.get("flood", flood[10]).queue_position
    store.finish(flood[0], "failed", None)
    assert store.get("flood", flood[10]).queue_position == before


def test_per_tenant_running_cap(db_url: str) -> None:
    store = JobStore(db_url)
    a = queue(store, "a", 3)
    b = queue(store, "b", 1)
    first = store.claim("host:1:w", tenant_cap=1)
    second = store.claim("host:1:w", tenant_cap=1)
    assert (first and first.id, second and second.id) == (a[0], b[0])
    # both tenants run one job: a free worker waits rather than exceed a tenant's cap
    assert store.claim("host:1:w", tenant_cap=1) is None
    assert store.claim("host:1:w") is not None  # no cap: it would have taken a[1]
    store.complete(a[0], "host:1:w", [], {})
    store.complete(a[1], "host:1:w", [], {})
    third = store.claim("host:1:w", tenant_cap=1)
    assert third is not None and third.id == a[2]


def test_cap_holds_under_concurrent_claimers(pg_url: str) -> None:
    """Eight threads claim at once: the per-tenant advisory lock keeps the cap exact on PostgreSQL."""
    store = JobStore(pg_url)
    queue(store, "busy", 30)
    queue(store, "other", 30)
    claimed: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def claimer(n: int) -> None:
        start.wait()
        while (job := store.claim(f"host:{n}:w", tenant_cap=2)) is not None:
            with lock:
                claimed.append(job.tenant_id)

    threads = [threading.Thread(target=claimer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(claimed) == ["busy", "busy", "other", "other"]


def test_status_shows_the_fair_position_and_workers_honour_the_cap(tmp_path: Path) -> None:
    """Through the service: a tenant at its 100-job limit does not push another tenant's job to 101,
    and IMAGEGEN_MAX_RUNNING_PER_TENANT keeps one tenant from taking every worker."""
    import imagegen_test_engines as engines
    from service_helpers import wait_for

    settings = make_settings(tmp_path / "home", max_running_per_tenant="1")
    svc = Service(settings, workers=0)
    for name in ("test-quick", "test-slow"):
        svc.router.register(name, engines.SlowEngine if name == "test-slow" else engines.QuickEngine)
    svc.start()
    try:
        flood = [svc.submit("flood", "generate", GenerateSpec(prompt=f"f{i}", model="test-quick", seed=i))
                 for i in range(100)]
        single = svc.submit("single", "generate", GenerateSpec(prompt="s", model="test-quick", seed=1))
        assert svc.status("single", single.id).status_json() == {
            "request_id": single.id, "status": "in_queue", "queue_position": 2}
        assert svc.status("flood", flood[-1].id).status_json()["queue_position"] == 101
    finally:
        svc.stop()
    dispose_all()
    # a pool of 3 workers with a cap of 1: one slow job per tenant at a time
    svc = Service(make_settings(tmp_path / "home2", max_running_per_tenant="1"), workers=3)
    svc.router.register("test-slow", engines.SlowEngine)
    jobs = [svc.submit(t, "generate", GenerateSpec(prompt="sleep 0.6", model="test-slow", seed=i))
            for i, t in enumerate(["a", "a", "a", "b"])]
    svc.start()
    try:
        peak: dict[str, int] = {}
        stop = threading.Event()

        def watch() -> None:
            # one query per tenant: its jobs' statuses at one instant (job-by-job reads could see a job
            # still running and, a moment later, the next one it handed its turn to)
            while not stop.is_set():
                for t in ("a", "b"):
                    n = sum(1 for r in svc.store.list_jobs(t) if r.status == "in_progress")
                    peak[t] = max(peak.get(t, 0), n)
                stop.wait(0.02)

        watcher = threading.Thread(target=watch)
        watcher.start()
        wait_for(lambda: all(svc.status(j.tenant_id, j.id).done for j in jobs), timeout=30)
        stop.set()
        watcher.join()
        assert {svc.status(j.tenant_id, j.id).status for j in jobs} == {"completed"}
        assert peak == {"a": 1, "b": 1}
    finally:
        svc.stop()
        dispose_all()


def test_weighted_tenant_gets_its_weight_in_dequeues_per_round(db_url: str) -> None:
    from imagegen.tenants import TenantStore

    store, tenants = JobStore(db_url), TenantStore(db_url)
    tenants.set_weight("heavy", 2)
    assert (tenants.weight("heavy"), tenants.weight("light"), tenants.weight("never-seen")) == (2, 1, 1)
    heavy = queue(store, "heavy", 6)
    light = queue(store, "light", 3)
    third = queue(store, "third", 3)
    # each round: heavy twice, light once, third once (ties in a round go to the older job)
    expected = [heavy[0], heavy[1], light[0], third[0], heavy[2], heavy[3], light[1], third[1],
                heavy[4], heavy[5], light[2], third[2]]
    positions = {job_id: store.get(t, job_id).queue_position  # type: ignore[union-attr]
                 for t, ids in (("heavy", heavy), ("light", light), ("third", third)) for job_id in ids}
    assert sorted(positions, key=lambda j: positions[j]) == expected
    assert sorted(positions.values()) == list(range(1, 13))
    claimed = [store.claim("host:1:w") for _ in range(12)]
    assert [j.id for j in claimed if j] == expected
    with pytest.raises(Exception, match="weight"):
        tenants.set_weight("heavy", 0)


def test_positions_promise_the_claim_order_for_any_weights(db_url: str) -> None:
    """Mixed weights, running jobs and interleaved arrivals: each queued job's position is exactly the place
    in which workers then claim it."""
    import random

    from imagegen.tenants import TenantStore

    rng = random.Random(7)
    store, tenants = JobStore(db_url), TenantStore(db_url)
    for name, w in (("a", 3), ("b", 1), ("c", 2)):
        tenants.set_weight(name, w)
    owner = {}
    for _ in range(30):
        tenant = rng.choice("abcd")
        owner[queue(store, tenant, 1)[0]] = tenant
    for _ in range(4):  # some tenants already hold workers
        store.claim("host:1:w")
    waiting = {j: t for j, t in owner.items() if store.get(t, j).status == "in_queue"}  # type: ignore[union-attr]
    positions = {j: store.get(t, j).queue_position for j, t in waiting.items()}  # type: ignore[union-attr]
    promised = sorted(waiting, key=lambda j: positions[j])
    assert sorted(positions.values()) == list(range(1, len(waiting) + 1))
    claimed = [store.claim("host:1:w") for _ in range(len(waiting))]
    assert [j.id for j in claimed if j] == promised
