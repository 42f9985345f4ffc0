"""Workers across machines: one API server and two ``imagegen worker`` processes, each with its own
IMAGEGEN_HOME (nothing shared on disk), draining one PostgreSQL queue into one S3-compatible store.

A worker is SIGKILLed in the middle of a job; the job finishes on the other worker, nothing is lost (every
job completes, every catalog row's blob is in the bucket) and nothing is doubled (one set of assets for the
killed job, no object in the bucket without its row)."""

from __future__ import annotations

import base64
import hashlib
import io
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PIL import Image
from sqlalchemy import create_engine, text
from workers_helpers import SERVICE_TESTS, Proc, free_port, s3_client, s3_settings, wait_until

ROUTES = {"test-quick": "imagegen_test_engines:QuickEngine", "test-slow": "imagegen_test_engines:SlowEngine",
          "gpt-image-2": "imagegen_test_engines:QuickEngine"}


def cli_env(home: Path, pg_url: str, s3: dict[str, str]) -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("IMAGEGEN_")}
    settings = {"home": str(home), "database_url": pg_url, "routes": json.dumps(ROUTES), "workers": "1",
                "job_heartbeat_s": "0.2", "job_poll_s": "0.2", "job_recover_every_s": "0.5",
                "job_stale_after_s": "5", **s3}
    env.update({f"IMAGEGEN_{k.upper()}": v for k, v in settings.items()})
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SERVICE_TESTS), env.get("PYTHONPATH", "")) if p)
    return env


@pytest.fixture
def cluster(tmp_path: Path, pg_url: str, s3_endpoint: str, bucket: str) -> Iterator[dict[str, object]]:
    from imagegen.tenants import TenantStore

    s3 = s3_settings(s3_endpoint, bucket)
    port = free_port()
    homes = {name: tmp_path / name for name in ("api", "worker-1", "worker-2")}
    key = TenantStore(pg_url).create_key("acme")[1]  # the database is what every process shares
    api = Proc("api", ["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "0",
                       "--log-level", "warning"], cli_env(homes["api"], pg_url, s3), tmp_path / "api.log")
    workers = [Proc(name, ["worker", "--log-level", "warning"], cli_env(homes[name], pg_url, s3),
                    tmp_path / f"{name}.log") for name in ("worker-1", "worker-2")]
    procs = [api, *workers]
    try:
        for p in procs:
            p.start()
        url = f"http://127.0.0.1:{port}"

        def ready() -> bool:
            for p in procs:
                assert p.alive(), f"{p.name} exited:\n{p.tail()}"
            try:
                return httpx.get(url + "/healthz", timeout=1).status_code == 200 and all(
                    "running 1 job thread" in w.tail() for w in workers)
            except httpx.HTTPError:
                return False

        wait_until(ready, 60, "the API server and both workers start")
        yield {"url": url, "key": key, "api": api, "workers": workers, "homes": homes, "bucket": bucket,
               "pg_url": pg_url, "endpoint": s3_endpoint}
    finally:
        for p in procs:  # SIGTERM all at once, then wait: the shutdowns overlap
            p.terminate()
        for p in procs:
            p.stop()


def submit(c: httpx.Client, path: str, body: dict[str, object]) -> str:
    r = c.post(path, json=body)
    assert r.status_code == 200, r.text
    return str(r.json()["request_id"])


def test_killed_worker_job_finishes_elsewhere_without_loss_or_duplicates(cluster: dict) -> None:  # type: ignore[type-arg]
    db = create_engine(cluster["pg_url"])
    workers: list[Proc] = cluster["workers"]
    headers = {"Authorization": f"Bearer {cluster['key']}"}
    with httpx.Client(base_url=cluster["url"], headers=headers, timeout=30) as c:
        victim = submit(c, "/v1/models/test-slow/text-to-image",
                        {"prompt": "two frames sleep 2", "n": 2, "size": "1024x1024"})

        def holder() -> str | None:
            with db.connect() as conn:
                row = conn.execute(text("SELECT worker_id, progress FROM jobs WHERE id = :id"),
                                   {"id": victim}).one()
            return row[0] if row[0] and row[1] > 0 else None

        wait_until(lambda: holder() is not None, 30, "a worker starts the job and reports progress")
        first_holder = holder()
        assert first_holder is not None
        pid = int(first_holder.split(":")[1])
        (doomed,) = [w for w in workers if w.pid == pid]
        (survivor,) = [w for w in workers if w.pid != pid]
        # killed at once, mid-job (the engine works 2 s): anything done first could, on a slow machine,
        # let the job finish before the kill
        doomed.kill()
        # more work queued while the dead worker still holds the job: a generation and an edit whose input
        # exists only in the request (no shared home: it travels through the database)
        buf = io.BytesIO()
        Image.new("RGB", (96, 64), (30, 160, 90)).save(buf, format="PNG")
        data_url = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
        others = [submit(c, "/v1/models/test-quick/text-to-image", {"prompt": "quick", "size": "1024x1024"}),
                  submit(c, "/v1/models/test-quick/edit", {"prompt": "edit it", "images": [data_url]})]

        def status(rid: str) -> str:
            return str(c.get(f"/v1/requests/{rid}/status").json()["status"])

        wait_until(lambda: all(status(r) in ("completed", "failed") for r in [victim, *others]), 45,
                   "every job ends")
        assert survivor.alive(), survivor.tail()
        for rid in [victim, *others]:
            res = c.get(f"/v1/requests/{rid}/result").json()
            assert res["status"] == "completed", res
        with db.connect() as conn:
            attempts, worker_id = conn.execute(text("SELECT attempts, worker_id FROM jobs WHERE id = :id"),
                                               {"id": victim}).one()
            rows = conn.execute(text("SELECT job_id, asset_id, storage_key, sha256 FROM catalog_assets")
                                ).all()
            leftover_inputs = conn.execute(text("SELECT count(*) FROM job_inputs")).scalar()
        assert attempts == 2 and int(worker_id.split(":")[1]) == survivor.pid
        assert leftover_inputs == 0  # the edit's spooled input went with its job
        res = c.get(f"/v1/requests/{victim}/result").json()
        victim_rows = [r for r in rows if r.job_id == victim]
        assert len(victim_rows) == 2 and sorted(res["asset_ids"]) == sorted(r.asset_id for r in victim_rows)
        assert len(rows) == 4  # 2 + 1 + 1: one set of assets per job
        # every row's blob is in the bucket, and nothing else is (no orphan from the killed attempt)
        listing = s3_client(cluster["endpoint"]).list_objects_v2(Bucket=cluster["bucket"])
        objects = {o["Key"] for o in listing.get("Contents", ())}
        blobs = {k for k in objects if not k.startswith("assets/_pending/")}
        assert blobs == {f"assets/{r.storage_key}" for r in rows}
        # each write's pending mark (until a sweep drops it) names one of those blobs
        assert {k.replace("_pending/", "", 1) for k in objects - blobs} <= blobs
        # the API server (its own home) serves them from the object store, byte for byte
        for row in rows:
            got = c.get(f"/v1/assets/{row.asset_id}/content")
            assert got.status_code == 200 and hashlib.sha256(got.content).hexdigest() == row.sha256
    db.dispose()
    # nothing went through anyone's home folder
    for home in cluster["homes"].values():
        assert not [p for p in (home / "assets").rglob("*") if p.is_file()]
        assert not (home / "jobs").exists()
