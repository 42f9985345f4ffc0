"""Through the service: cancelling our job cancels the upstream call; a queue host's masked edit is exact."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fakes import FakeOpenAI, FakeQueueHost, Scripted, png
from PIL import Image

from conftest import Recording, queue_engine
from imagegen.config import Settings
from imagegen.contract.errors import JobCancelled
from imagegen.contract.specs import EditSpec, GenerateSpec, InputImage
from imagegen.db.engine import dispose_all
from imagegen.service import Service


@pytest.fixture
def service(tmp_path: Path, fake_openai: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> Iterator[Service]:
    home = tmp_path / "home"
    home.mkdir()
    (home / "upstreams.toml").write_text(
        f'[gw]\nkind = "openai"\nbase_url = "{fake_openai.url}/v1"\napi_key_env = "GW_KEY"\n')
    monkeypatch.setenv("GW_KEY", "sk-gw")
    settings = Settings(home=home, database_url=f"sqlite:///{home / 'imagegen.db'}",
                        extra={"routes": json.dumps({"gpt-image-2": "upstream/gw"}), "job_poll_s": "0.05"})
    with Service(settings, scope="own", workers=1) as svc:
        svc.tenants.ensure_tenant("acme")
        yield svc
    dispose_all()


def test_cancelling_the_job_aborts_the_upstream_call(service: Service, fake_openai: FakeOpenAI) -> None:
    fake_openai.script = [Scripted(hang_s=20)]
    spec = GenerateSpec(prompt="a slow picture", model="gpt-image-2", width=1024, height=1024, seed=1)
    submitted: list[str] = []

    def cancel_soon() -> None:
        while not submitted or not fake_openai.requests:
            time.sleep(0.02)
        service.cancel("acme", submitted[0])

    threading.Thread(target=cancel_soon, daemon=True).start()
    started = time.monotonic()
    with pytest.raises(JobCancelled):
        service.run("acme", "generate", spec, on_submitted=submitted.append, timeout=30)
    assert time.monotonic() - started < 10
    assert fake_openai.disconnected.wait(5)  # the upstream saw its client go away
    assert service.status("acme", submitted[0]).status == "cancelled"
    assert not service.status("acme", submitted[0]).asset_ids


def test_queue_host_mask_edit_is_exact(fake_queue: FakeQueueHost) -> None:
    rng = np.random.default_rng(2)
    source = Image.fromarray(rng.integers(0, 256, (400, 600, 3), dtype=np.uint8), "RGB")
    mask = Image.new("L", source.size, 255)
    mask.paste(0, (100, 50, 300, 250))  # a mask without alpha: black marks the editable region
    spec = EditSpec(prompt="a blue balloon", model="upstream/qh", seed=3,
                    images=(InputImage(image=source, data=png(source), sha256="x"),), mask=mask)
    result = queue_engine(fake_queue).edit(spec, Recording())
    sent = fake_queue.requests[0]
    assert sent["path"] == "/v1/models/openai/gpt-image-2/edit"
    assert sent["fields"]["images"][0].startswith("data:image/png;base64,")
    assert sent["fields"]["mask"].startswith("data:image/png;base64,")
    out = np.asarray(result.images[0].pixels)
    editable = np.asarray(mask) == 0
    assert np.array_equal(out[~editable], np.asarray(source)[~editable])
    assert result.images[0].extra["unmasked_sha256_before"] == result.images[0].extra["unmasked_sha256_after"]
