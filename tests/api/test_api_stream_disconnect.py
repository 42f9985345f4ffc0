"""A streaming client that disconnects cancels its job: against the real ``imagegen serve`` on loopback
with the slow test engine (tests/service/imagegen_test_engines.py), open an SSE stream, read the first
event, close the connection; the job ends ``cancelled`` and the catalog gets no asset."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "queue"))

from queue_helpers import Server, create_key, server_env

from imagegen.jobs.models import JobRow
from imagegen.provenance.catalog.models import Asset


@pytest.fixture
def slow_server(tmp_path: Path) -> Iterator[Server]:
    home = tmp_path / "home"
    home.mkdir()
    server = Server(home=home, env=server_env(home))
    key = create_key(home, "acme")
    server.env["TEST_KEY"] = key
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _jobs(server: Server) -> list[tuple[str, str]]:
    engine = create_engine(f"sqlite:///{server.home / 'imagegen.db'}")
    try:
        with engine.connect() as conn:
            return [(r.id, r.status) for r in conn.execute(select(JobRow.id, JobRow.status))]
    finally:
        engine.dispose()


def _asset_count(server: Server) -> int:
    engine = create_engine(f"sqlite:///{server.home / 'imagegen.db'}")
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            return int(conn.execute(select(func.count()).select_from(Asset)).scalar_one())
    finally:
        engine.dispose()


def _first_event(server: Server, body: dict) -> str:
    """POST a streaming request, read up to the first SSE event, then drop the connection."""
    headers = {"Authorization": f"Bearer {server.env['TEST_KEY']}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=30) as c, \
            c.stream("POST", "/v1/images/generations", json=body) as r:
        assert r.status_code == 200, r.read()
        for line in r.iter_lines():
            if line.startswith("event:"):
                return line.removeprefix("event:").strip()
    raise AssertionError("the stream ended without an event")


def test_disconnect_mid_stream_cancels_the_job(slow_server: Server) -> None:
    event = _first_event(slow_server, {"model": "test-slow", "prompt": "a poster sleep 60", "stream": True,
                                       "partial_images": 1})
    assert event == "image_generation.partial_image"
    closed = time.monotonic()
    deadline = closed + 15
    jobs = _jobs(slow_server)
    while time.monotonic() < deadline:
        jobs = _jobs(slow_server)
        if jobs and all(status in ("completed", "failed", "cancelled") for _, status in jobs):
            break
        time.sleep(0.1)
    assert [status for _, status in jobs] == ["cancelled"], jobs
    # well before the 60 s the engine would have worked
    assert time.monotonic() - closed < 15
    assert _asset_count(slow_server) == 0

    # a stream read to its end still completes and records (the cancel is only for abandoned streams)
    headers = {"Authorization": f"Bearer {slow_server.env['TEST_KEY']}"}
    with httpx.Client(base_url=slow_server.url, headers=headers, timeout=30) as c:
        r = c.post("/v1/images/generations", json={"model": "test-slow", "prompt": "sleep 0.5",
                                                   "stream": True, "partial_images": 1})
    assert r.status_code == 200 and "image_generation.completed" in r.text, r.text[-500:]
    assert _asset_count(slow_server) == 1
    assert sorted(status for _, status in _jobs(slow_server)) == ["cancelled", "completed"]
