"""The service core against the real job store, the real save point and the test engines."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable

import pytest
from PIL import Image
from service_helpers import make_settings, wait_for

from imagegen.contract.errors import (
    EngineFailure,
    JobCancelled,
    ModelNotFound,
    NotFound,
    RateLimited,
)
from imagegen.contract.images import load_input_image
from imagegen.contract.specs import EditSpec, GenerateSpec
from imagegen.jobs.errors import JobNotReady, JobTimeout
from imagegen.provenance.catalog.recorder import Recorder
from imagegen.service import Service


def gen(prompt: str = "a test", model: str = "test-quick", **kw: object) -> GenerateSpec:
    return GenerateSpec(prompt=prompt, model=model, seed=7, **kw)  # type: ignore[arg-type]


def png_bytes(color: tuple[int, int, int] = (200, 30, 30), size: tuple[int, int] = (64, 48)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, format="PNG")
    return buf.getvalue()


def asset_files(service: Service) -> list[str]:
    return sorted(p.name for p in service.settings.assets_dir.rglob("*") if p.is_file())


def test_run_completes_and_records(service: Service) -> None:
    progress: list[float] = []
    partials: list[int] = []
    out = service.run("acme", "generate", gen(n=2, width=64, height=64),
                      on_progress=lambda f, _m: progress.append(f),
                      on_partial=lambda p: partials.append(p.index))
    assert len(out.assets) == 2 and out.result.width == 64
    assert partials == [0] and progress and progress[-1] == 1.0
    rec = service.status("acme", out.job_id)
    assert rec.status == "completed" and rec.progress == 1.0 and rec.attempts == 1
    assert list(rec.asset_ids) == [a.asset_id for a in out.assets]
    assert rec.result_summary and rec.result_summary["engine"] == "test-quick"
    assert rec.status_json() == {"request_id": out.job_id, "status": "completed", "progress": 1.0}
    # the outcome can be fetched again later (e.g. by another process): pixels come from the stored files
    again = service.result("acme", out.job_id)
    assert [a.sha256 for a in again.assets] == [a.sha256 for a in out.assets]
    assert again.result.images[0].pixels.size == (64, 64)
    stored = service.open_asset("acme", out.assets[0].asset_id)
    assert stored.data == out.assets[0].data and stored.content_type == "image/png"


def test_other_tenant_sees_nothing(service: Service) -> None:
    out = service.run("acme", "generate", gen())
    for call in (service.status, service.result, service.cancel):
        with pytest.raises(NotFound):
            call("globex", out.job_id)
    with pytest.raises(NotFound):
        service.open_asset("globex", out.assets[0].asset_id)
    with pytest.raises(NotFound):
        service.status("acme", "job_000000000000000000000000")


def test_engine_failure_is_the_jobs_error(service: Service) -> None:
    with pytest.raises(EngineFailure) as err:
        service.run("acme", "generate", gen(model="test-fail"))
    assert "refused" in err.value.message
    with pytest.raises(EngineFailure) as crash:
        service.run("acme", "generate", gen("crash please", model="test-fail"))
    # an unexpected exception reaches the client as a reference to the server log, never its text
    assert "RuntimeError" not in crash.value.message and "boom" not in crash.value.message
    assert "reference" in crash.value.message
    jobs = service.store.list_jobs("acme")
    assert {j.status for j in jobs} == {"failed"}
    assert all(j.error and j.error["code"] == "engine_failure" for j in jobs)
    assert asset_files(service) == []


def test_unknown_model_is_refused_at_submit(service: Service) -> None:
    with pytest.raises(ModelNotFound):
        service.submit("acme", "generate", gen(model="no-such-model"))
    assert service.is_known_model("gpt-image-2") and not service.is_known_model("no-such-model")


def test_cancel_queued_job(make_service: Callable[..., Service]) -> None:
    svc = make_service(workers=0)
    rec = svc.submit("acme", "generate", gen())
    assert rec.status == "in_queue" and rec.queue_position == 1
    second = svc.submit("acme", "generate", gen())
    assert svc.status("acme", second.id).queue_position == 2
    after = svc.cancel("acme", rec.id)
    assert after.status == "cancelled"
    assert svc.status("acme", second.id).queue_position == 1
    with pytest.raises(JobCancelled):
        svc.result("acme", rec.id)
    with pytest.raises(JobNotReady):
        svc.result("acme", second.id)


def test_cancel_running_job_produces_no_asset(service: Service) -> None:
    rec = service.submit("acme", "generate", gen("sleep 60", model="test-slow"))
    wait_for(lambda: service.status("acme", rec.id).status == "in_progress")
    t0 = time.monotonic()
    service.cancel("acme", rec.id)
    wait_for(lambda: service.status("acme", rec.id).done)
    assert time.monotonic() - t0 < 15  # the engine saw the flag, it did not run its 60 s
    final = service.status("acme", rec.id)
    assert final.status == "cancelled" and final.asset_ids == ()
    assert asset_files(service) == []


def test_cancel_wins_over_an_engine_that_ignores_it(service: Service, deaf_release: threading.Event) -> None:
    """The commit point: the engine finishes, but the cancel came first, so nothing is recorded."""
    rec = service.submit("acme", "generate", gen("sleep 60", model="test-deaf"))
    wait_for(lambda: service.status("acme", rec.id).status == "in_progress")
    service.cancel("acme", rec.id)
    deaf_release.set()  # the engine returns only now: after the cancel, however slow the machine
    wait_for(lambda: service.status("acme", rec.id).done)
    assert service.status("acme", rec.id).status == "cancelled"
    assert asset_files(service) == []
    # a cancel after the end changes nothing
    done = service.run("acme", "generate", gen())
    assert service.cancel("acme", done.job_id).status == "completed"


def test_run_timeout_cancels(service: Service) -> None:
    with pytest.raises(JobTimeout):
        service.run("acme", "generate", gen("sleep 60", model="test-slow"), timeout=0.3)
    job = service.store.list_jobs("acme")[0]
    wait_for(lambda: service.status("acme", job.id).done)
    assert service.status("acme", job.id).status == "cancelled"


def test_edit_inputs_survive_a_restart(make_service: Callable[..., Service], settings) -> None:  # type: ignore[no-untyped-def]
    """An edit queued by one Service (no workers) is run by the next one from the stored inputs."""
    first = make_service(workers=0)
    data = png_bytes()
    mask = Image.new("RGBA", (64, 48), (0, 0, 0, 0))
    spec = EditSpec(prompt="make it blue", model="test-quick", seed=1,
                    images=(load_input_image(data),), mask=mask)
    rec = first.submit("acme", "edit", spec)
    assert first.store.inputs(rec.id)["input_0.bin"] == data  # in the database: no shared home needed
    first.stop()
    second = make_service()
    wait_for(lambda: second.status("acme", rec.id).done)
    done = second.status("acme", rec.id)
    assert done.status == "completed", done.error
    out = second.result("acme", rec.id)
    assert out.result.images[0].pixels.size == (64, 48)
    assert second.store.inputs(rec.id) == {}  # inputs go once the job ends


def test_edit_of_own_asset_finds_its_parent(service: Service) -> None:
    made = service.run("acme", "generate", gen(width=64, height=64))
    upload = load_input_image(made.assets[0].data)
    assert upload.asset_id is None
    spec = EditSpec(prompt="again", model="test-quick", seed=2, images=(upload,))
    resolved = service.runner.resolve_inputs("acme", spec)
    assert isinstance(resolved, EditSpec) and resolved.images[0].asset_id == made.assets[0].asset_id
    # another tenant's identical bytes are just bytes
    other = service.runner.resolve_inputs("globex", spec)
    assert isinstance(other, EditSpec) and other.images[0].asset_id is None
    out = service.run("acme", "edit", spec)
    lineage = Recorder(service.settings)
    assert lineage.get_asset("acme", out.assets[0].asset_id).tenant_id == "acme"


def test_idempotency_key_returns_the_same_job(make_service: Callable[..., Service]) -> None:
    svc = make_service(workers=0)
    a = svc.submit("acme", "generate", gen(), idempotency_key="k1")
    b = svc.submit("acme", "generate", gen(), idempotency_key="k1")
    c = svc.submit("globex", "generate", gen(), idempotency_key="k1")
    assert a.id == b.id != c.id


def test_queue_limit_is_429(make_service: Callable[..., Service], tmp_path) -> None:  # type: ignore[no-untyped-def]
    svc = make_service(workers=0, settings_=make_settings(tmp_path / "h2", max_queued_per_tenant="2"))
    svc.submit("acme", "generate", gen())
    svc.submit("acme", "generate", gen())
    with pytest.raises(RateLimited):
        svc.submit("acme", "generate", gen())
    svc.submit("globex", "generate", gen())  # per tenant


def test_each_job_is_claimed_once(make_service: Callable[..., Service]) -> None:
    """Three services (as three processes would) drain one queue: every job runs exactly once."""
    producer = make_service(workers=0)
    ids = [producer.submit("acme", "generate", gen(f"job {i}")).id for i in range(12)]
    runs: list[str] = []
    lock = threading.Lock()
    services = [make_service(workers=2, start=False) for _ in range(3)]
    for svc in services:
        original = svc.runner.run

        def counting(job, control, _original=original):  # type: ignore[no-untyped-def]
            with lock:
                runs.append(job.id)
            _original(job, control)

        svc.pool._run_job = counting
        svc.start()
    wait_for(lambda: all(producer.status("acme", i).done for i in ids), timeout=30)
    assert sorted(runs) == sorted(ids)
    assert {producer.status("acme", i).status for i in ids} == {"completed"}


def test_run_needs_a_started_service(make_service: Callable[..., Service]) -> None:
    from imagegen.contract.errors import EngineUnavailable

    svc = make_service(start=False)
    with pytest.raises(EngineUnavailable):
        svc.run("acme", "generate", gen())


def test_scope_own_leaves_other_jobs_alone(make_service: Callable[..., Service]) -> None:
    server_side = make_service(workers=0)
    queued = server_side.submit("acme", "generate", gen())
    cli = make_service(scope="own")
    out = cli.run("local", "generate", gen())
    assert cli.status("local", out.job_id).status == "completed"
    time.sleep(0.3)
    assert server_side.status("acme", queued.id).status == "in_queue"
