"""Responses validated against OpenAI's published schema (conformance/openai-images.openapi.json).

Known, intended differences (docs/contract.md): gpt-image-2 custom sizes (e.g. ``2048x1152``) are echoed in
``size`` while the published schema enumerates three sizes; extra keys (``asset_id``, ``job_id``,
``image_index``) are allowed by the schema (no ``additionalProperties: false``) and ignored by the SDK.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from api_server import Server, encode

jsonschema = pytest.importorskip("jsonschema")

#: OpenAI's published document (images part, MIT), copied from the shared conformance data
SCHEMA_FILE = Path(__file__).parent / "conformance" / "openai-images.openapi.json"


@pytest.fixture(scope="module")
def components() -> dict[str, Any]:
    return json.loads(SCHEMA_FILE.read_text())["components"]


def errors(components: dict[str, Any], name: str, instance: Any) -> list[Any]:
    schema = {"$ref": f"#/components/schemas/{name}", "components": components}
    return list(jsonschema.Draft202012Validator(schema).iter_errors(instance))


def sse_events(body: str) -> list[dict[str, Any]]:
    events = []
    for frame in body.split("\n\n"):
        data = [line[len("data: ") :] for line in frame.splitlines() if line.startswith("data: ")]
        if data:
            events.append(json.loads("".join(data)))
    return events


def test_generation_response_matches(server: Server, components: dict[str, Any]) -> None:
    r = httpx.post(
        f"{server.v1}/images/generations",
        headers=server.headers(),
        timeout=300,
        json={
            "model": "gpt-image-2",
            "prompt": 'Poster "SCHEMA"',
            "size": "1024x1024",
            "quality": "low",
            "n": 2,
        },
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert errors(components, "ImagesResponse", body) == []
    assert set(body) >= {"created", "data", "background", "output_format", "quality", "size", "usage"}
    assert errors(components, "ImagesUsage", body["usage"]) == []


def test_custom_size_is_the_only_difference(server: Server, components: dict[str, Any]) -> None:
    r = httpx.post(
        f"{server.v1}/images/generations",
        headers=server.headers(),
        timeout=300,
        json={"model": "gpt-image-2", "prompt": "Wide banner", "size": "2048x1152", "quality": "low"},
    )
    body = r.json()
    found = errors(components, "ImagesResponse", body)
    assert [list(e.path) for e in found] == [["size"]], [e.message for e in found]
    assert body["size"] == "2048x1152"


def test_edit_response_matches(server: Server, components: dict[str, Any]) -> None:
    r = httpx.post(
        f"{server.v1}/images/edits",
        headers=server.headers(),
        timeout=300,
        files=[
            ("image[]", ("a.png", encode((1024, 1536)), "image/png")),
            ("image[]", ("b.png", encode((512, 512)), "image/png")),
        ],
        data={"prompt": "Warmer light", "quality": "low", "n": "1"},
    )
    assert r.status_code == 200, r.text
    assert errors(components, "ImagesResponse", r.json()) == []


def test_stream_events_match(server: Server, components: dict[str, Any]) -> None:
    r = httpx.post(
        f"{server.v1}/images/generations",
        headers=server.headers(),
        timeout=300,
        json={
            "model": "gpt-image-2",
            "prompt": 'Poster "EVENTS"',
            "size": "1024x1024",
            "quality": "medium",
            "stream": True,
            "partial_images": 2,
        },
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    events = sse_events(r.text)
    assert events[-1]["type"] == "image_generation.completed"
    for event in events:
        name = {
            "image_generation.partial_image": "ImageGenPartialImageEvent",
            "image_generation.completed": "ImageGenCompletedEvent",
        }[event["type"]]
        assert errors(components, name, event) == [], event["type"]
        assert base64.b64decode(event["b64_json"])


def test_stream_edit_events_match(server: Server, components: dict[str, Any]) -> None:
    r = httpx.post(
        f"{server.v1}/images/edits",
        headers=server.headers(),
        timeout=300,
        files={"image": ("a.png", encode((1024, 1024)), "image/png")},
        data={"prompt": "Cooler light", "quality": "low", "stream": "true", "partial_images": "1"},
    )
    events = sse_events(r.text)
    assert events[-1]["type"] == "image_edit.completed"
    for event in events:
        name = {
            "image_edit.partial_image": "ImageEditPartialImageEvent",
            "image_edit.completed": "ImageEditCompletedEvent",
        }[event["type"]]
        assert errors(components, name, event) == []


def test_stream_that_fails_before_its_first_event(server: Server) -> None:
    # the request is valid, the engine is not installed: nothing was streamed yet, so a real 503
    r = httpx.post(
        f"{server.v1}/images/generations",
        headers=server.headers(),
        timeout=60,
        json={"model": "diffusers/not-installed", "prompt": "x", "stream": True},
    )
    assert r.status_code == 503 and r.json()["error"]["code"] == "engine_unavailable"
