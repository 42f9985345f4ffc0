"""Edit inputs live in the database with their job (no shared IMAGEGEN_HOME) and go when the job ends."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import update

from imagegen.db.engine import dispose_all
from imagegen.jobs.models import JobRow
from imagegen.jobs.store import JobStore, new_job_id


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[JobStore]:
    sqlite = f"sqlite:///{tmp_path / 'jobs.db'}"
    yield JobStore(sqlite if request.param == "sqlite" else request.getfixturevalue("pg_url"))
    dispose_all()


def edit(store: JobStore, **kw: object) -> str:
    job_id = new_job_id()
    store.create(job_id=job_id, tenant_id="t", operation="edit", model="m", params={"spec": {}},
                 inputs={"input_0.bin": b"\x89PNG" + job_id.encode(), "mask.png": b"mask"}, **kw)  # type: ignore[arg-type]
    return job_id


def test_inputs_are_written_with_the_job_and_dropped_when_it_ends(store: JobStore) -> None:
    done, failed, cancelled, requeued, stray = (edit(store) for _ in range(5))
    assert store.inputs(done) == {"input_0.bin": b"\x89PNG" + done.encode(), "mask.png": b"mask"}
    # an idempotent resubmission returns the first job and adds no second set of inputs
    first = edit(store, idempotency_key="k")
    again = new_job_id()
    record, created = store.create(job_id=again, tenant_id="t", operation="edit", model="m",
                                   params={"spec": {}}, idempotency_key="k", inputs={"input_0.bin": b"other"})
    assert (record.id, created) == (first, False) and store.inputs(again) == {}
    assert store.inputs(first)["input_0.bin"].startswith(b"\x89PNG")
    for job_id in (done, failed, requeued):
        job = store.claim("host:1:w", only_ids=[job_id])
        assert job is not None and job.id == job_id
    store.complete(done, "host:1:w", [], {})
    store.finish(failed, "failed", None, worker_id="host:1:w")
    store.request_cancel("t", cancelled)
    store.recover(requeued, "host:1:w", requeue=True, error=None)  # back to the queue: still needs them
    assert [store.inputs(j) for j in (done, failed, cancelled)] == [{}, {}, {}]
    assert store.inputs(requeued) != {}
    # a job ended by a path that left its inputs behind is cleaned by the housekeeping sweep
    with store._sessions.begin() as s:
        s.execute(update(JobRow).where(JobRow.id == stray).values(status="failed"))
    assert store.drop_finished_inputs() == 2 and store.inputs(stray) == {} and store.inputs(requeued) != {}
