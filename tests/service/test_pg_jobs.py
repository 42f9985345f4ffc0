"""The job store on a real PostgreSQL: claims with FOR UPDATE SKIP LOCKED, several services on one queue."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pg_helpers
import pytest
from service_helpers import FAST, wait_for

from imagegen.config import Settings
from imagegen.contract.specs import GenerateSpec
from imagegen.db.engine import dispose_all
from imagegen.jobs.store import JobStore, new_job_id
from imagegen.service import Service

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not pg_helpers.available(), reason="PostgreSQL 15 binaries not installed")]


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    with pg_helpers.postgres_server() as url:
        yield url
        dispose_all()


def test_concurrent_claims_take_each_job_once(pg_url: str) -> None:
    store = JobStore(pg_url)
    ids = []
    for i in range(40):
        job_id = new_job_id()
        store.create(job_id=job_id, tenant_id="pg", operation="generate", model="test-quick",
                     params={"spec": {}, "params": {"i": i}})
        ids.append(job_id)
    claimed: list[str] = []
    lock = threading.Lock()

    def claimer(n: int) -> None:
        while (job := store.claim(f"host:{n}:w")) is not None:
            with lock:
                claimed.append(job.id)

    threads = [threading.Thread(target=claimer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(claimed) == sorted(ids)
    assert {store.get("pg", i).status for i in ids} == {"in_progress"}


def test_services_share_a_postgres_queue(pg_url: str, tmp_path: Path,
                                         request: pytest.FixtureRequest) -> None:
    import imagegen_test_engines as engines

    services = []
    for n in range(2):
        settings = Settings(home=tmp_path / f"home{n}", database_url=pg_url, workers=2, extra=dict(FAST))
        svc = Service(settings, scope="all")
        svc.router.register("test-quick", engines.QuickEngine)
        svc.router.register("test-slow", engines.SlowEngine)
        services.append(svc)
    request.addfinalizer(lambda: [s.stop(timeout=5) for s in services])
    # both homes point at one database, but edit inputs live under a home: share one for this test
    producer = services[0]
    ids = [producer.submit("pg2", "generate", GenerateSpec(prompt=f"j{i}", model="test-quick", seed=i)).id
           for i in range(8)]
    for svc in services:
        svc.start()
    wait_for(lambda: all(producer.status("pg2", i).done for i in ids), timeout=60)
    assert {producer.status("pg2", i).status for i in ids} == {"completed"}
    # cancel across processes: the flag set through one service stops the job running in the other
    slow = services[1].submit("pg2", "generate", GenerateSpec(prompt="sleep 20", model="test-slow", seed=1))
    wait_for(lambda: producer.status("pg2", slow.id).status == "in_progress", timeout=20)
    t0 = time.monotonic()
    producer.cancel("pg2", slow.id)
    wait_for(lambda: producer.status("pg2", slow.id).done, timeout=15)
    assert producer.status("pg2", slow.id).status == "cancelled" and time.monotonic() - t0 < 15


