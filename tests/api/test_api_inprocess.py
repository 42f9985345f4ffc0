"""The app with a fake service, in process: the streaming bridge, timeouts and the catch-all handler.

These paths need a service that misbehaves on purpose (raises a bug, stalls), which the real one does not.
"""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import pytest
from api_server import events
from fastapi.testclient import TestClient
from PIL import Image

from imagegen.api import streaming
from imagegen.api.app import create_app
from imagegen.config import Settings
from imagegen.contract.errors import AuthenticationError, EngineFailure
from imagegen.engines.base import EngineImage, EngineResult, PartialImage
from imagegen.provenance.records import StoredAsset


class Outcome:
    def __init__(self, result: EngineResult, assets: list[StoredAsset]) -> None:
        self.job_id = "job_test"
        self.result = result
        self.assets = assets


def _png(color: tuple[int, int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 64), color).save(buf, "PNG")
    return buf.getvalue()


class FakeService:
    """Just enough of ``imagegen.service.Service`` for the routes; ``behaviour`` picks the misbehaviour."""

    default_model = "gpt-image-2"

    def __init__(self) -> None:
        self.behaviour = "ok"
        self.calls: list[dict[str, Any]] = []

    def is_known_model(self, model: str) -> bool:
        return model in ("gpt-image-2", "imagegen-design")

    def authenticate(self, header: str | None, *, client_host: str | None) -> str:
        if header != "Bearer good":
            raise AuthenticationError("Incorrect API key provided.")
        return "acme"

    def run(
        self,
        tenant: str,
        operation: str,
        spec: Any,
        *,
        params: Any = None,
        on_partial: Any = None,
        on_submitted: Any = None,
        timeout: float | None = None,
    ) -> Outcome:
        self.calls.append({"tenant": tenant, "operation": operation, "timeout": timeout, "params": params})
        if self.behaviour == "bug":
            raise RuntimeError("a bug in the service")
        for index in range(3):
            if on_partial is not None:
                on_partial(
                    PartialImage(index=index, image_index=0, pixels=Image.new("RGB", (64, 64), (index, 0, 0)))
                )
            if self.behaviour == "fail" and index == 0:
                raise EngineFailure("The engine broke after the first stage.")
            if self.behaviour == "slow":
                time.sleep(0.3)
        result = EngineResult(
            images=[EngineImage(pixels=Image.new("RGB", (64, 64)), revised_prompt="r")],
            width=64,
            height=64,
            quality="low",
            background="opaque",
            engine="fake",
            engine_version="1",
            backend="procedural",
            seed=spec.seed,
        )
        data = _png((1, 2, 3))
        asset = StoredAsset(
            asset_id="img_00000000000000aa",
            tenant_id=tenant,
            sha256="0" * 64,
            data=data,
            content_type="image/png",
            output_format="png",
            width=64,
            height=64,
            revised_prompt="the plan",
        )
        return Outcome(result, [asset])


@pytest.fixture
def fake() -> FakeService:
    return FakeService()


@pytest.fixture
def http(fake: FakeService, tmp_path: Path) -> TestClient:
    settings = Settings(home=tmp_path, database_url="sqlite://", extra={"request_timeout_s": "12.5"})
    app = create_app(settings, service=fake)  # type: ignore[arg-type]
    return TestClient(app, raise_server_exceptions=False, headers={"Authorization": "Bearer good"})


def test_json_answer_and_timeout_setting(http: TestClient, fake: FakeService) -> None:
    r = http.post("/v1/images/generations", json={"prompt": "p", "size": "1024x1024", "quality": "low"})
    assert r.status_code == 200
    body = r.json()
    assert (
        body["data"][0]["asset_id"] == "img_00000000000000aa"
        and body["data"][0]["revised_prompt"] == "the plan"
    )
    assert body["size"] == "64x64" and body["job_id"] == "job_test"
    # the fake engine reports no usage: the estimate fills in
    assert body["usage"]["output_tokens"] == 2 and body["usage"]["input_tokens_details"]["text_tokens"] == 1
    assert fake.calls[0]["timeout"] == 12.5
    assert fake.calls[0]["params"]["size"] == "1024x1024"


def test_stream_honours_partial_images(http: TestClient) -> None:
    r = http.post("/v1/images/generations", json={"prompt": "p", "stream": True, "partial_images": 2})
    assert r.headers["content-type"].startswith("text/event-stream")
    got = events(r.text)
    assert [name for name, _ in got] == ["image_generation.partial_image"] * 2 + [
        "image_generation.completed"
    ]
    assert [data["partial_image_index"] for _, data in got[:2]] == [0, 1]
    assert got[-1][1]["asset_id"] == "img_00000000000000aa"


def test_stream_without_partials(http: TestClient) -> None:
    r = http.post("/v1/images/generations", json={"prompt": "p", "stream": True})
    assert [name for name, _ in events(r.text)] == ["image_generation.completed"]


def test_stream_error_after_a_partial(http: TestClient, fake: FakeService) -> None:
    fake.behaviour = "fail"
    r = http.post("/v1/images/generations", json={"prompt": "p", "stream": True, "partial_images": 3})
    got = events(r.text)
    assert [name for name, _ in got] == ["image_generation.partial_image", "error"]
    assert got[-1][1]["error"]["code"] == "engine_failure"


def test_stream_keepalive(http: TestClient, fake: FakeService, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streaming, "KEEPALIVE_S", 0.1)
    fake.behaviour = "slow"
    r = http.post("/v1/images/generations", json={"prompt": "p", "stream": True})
    assert ": working" in r.text
    assert events(r.text)[-1][0] == "image_generation.completed"


def test_a_bug_is_a_logged_500_envelope(http: TestClient, fake: FakeService) -> None:
    fake.behaviour = "bug"
    r = http.post("/v1/images/generations", json={"prompt": "p"})
    assert r.status_code == 500
    assert r.json() == {
        "error": {
            "message": r.json()["error"]["message"],
            "type": "server_error",
            "param": None,
            "code": "internal_error",
        }
    }
    assert "a bug" not in r.text  # internals are logged, not returned


def test_a_bug_before_the_first_frame_is_a_500(http: TestClient, fake: FakeService) -> None:
    fake.behaviour = "bug"
    r = http.post("/v1/images/generations", json={"prompt": "p", "stream": True})
    assert r.status_code == 500 and r.json()["error"]["code"] == "internal_error"


def test_a_failure_before_the_first_frame_keeps_its_status(http: TestClient, fake: FakeService) -> None:
    fake.behaviour = "fail"
    r = http.post("/v1/images/generations", json={"prompt": "p", "stream": True})  # no partials asked
    assert r.status_code == 502 and r.json()["error"]["code"] == "engine_failure"


def test_models_without_a_router(http: TestClient) -> None:
    r = http.get("/v1/models")
    assert [m["id"] for m in r.json()["data"]] == ["gpt-image-2", "imagegen-design"]
    assert http.get("/v1/models", headers={"Authorization": "Bearer bad"}).status_code == 401


def test_url_answers_use_the_request_origin(http: TestClient) -> None:
    r = http.post(
        "/v1/images/generations", json={"prompt": "p", "model": "imagegen-design", "response_format": "url"}
    )
    assert r.json()["data"][0]["url"] == "http://testserver/v1/assets/img_00000000000000aa/content"
