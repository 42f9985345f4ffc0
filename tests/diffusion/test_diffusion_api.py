"""The diffusion engine through the real service and HTTP API, on the tiny pipeline of tiny_sd.py loaded
from ``$IMAGEGEN_HOME/models`` like a user's model: generate, image-to-image and mask edits, seeds,
streaming partials, refusals and the 503 for a missing folder. One app per test; the pipeline is cached."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from api_server import events, png_bytes
from fastapi.testclient import TestClient
from PIL import Image
from tiny_sd import need_torch

from imagegen.api.app import create_app
from imagegen.config import Settings
from imagegen.service import Service

need_torch()

MODEL = "diffusers/tiny-sd"


@pytest.fixture
def api(settings: Settings) -> Iterator[tuple[TestClient, Service]]:
    service = Service(settings, workers=1).start()
    _info, key = service.tenants.create_key("acme")
    app = create_app(settings, service=service)
    try:
        auth = {"Authorization": f"Bearer {key}"}
        with TestClient(app, raise_server_exceptions=False, headers=auth) as http:
            yield http, service
    finally:
        service.stop(timeout=10)


def decoded(item: dict[str, Any]) -> Image.Image:
    import base64

    return Image.open(io.BytesIO(base64.b64decode(item["b64_json"])))


def asset(http: TestClient, asset_id: str) -> dict[str, Any]:
    r = http.get(f"/v1/assets/{asset_id}")
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_generate_n_at_an_exact_contract_size_and_record_the_backend(api: tuple[TestClient, Service]) -> None:
    http, _ = api
    r = http.post("/v1/images/generations", json={"model": MODEL, "prompt": "a lighthouse at dusk", "n": 2,
                                                  "size": "1536x1024", "quality": "low", "seed": 11})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["size"] == "1536x1024" and body["quality"] == "low" and body["background"] == "opaque"
    images = [decoded(d) for d in body["data"]]
    assert [im.size for im in images] == [(1536, 1024)] * 2
    assert np.asarray(images[0]).std() > 1  # real pixels, not a flat fill
    doc = asset(http, body["data"][0]["asset_id"])
    flat = json.dumps(doc)
    assert "diffusers:tiny-sd" in flat and "imagegen-diffusion" in flat and MODEL in flat
    assert body["usage"]["output_tokens"] > 0  # estimated: the engine has no token model


def test_same_seed_same_pixels_other_seed_other_pixels(api: tuple[TestClient, Service]) -> None:
    http, _ = api
    request = {"model": MODEL, "prompt": "a red kite", "size": "1024x1024", "quality": "low", "seed": 42}
    hashes = []
    for seed in (42, 42, 43):
        r = http.post("/v1/images/generations", json=dict(request, seed=seed))
        assert r.status_code == 200, r.text
        hashes.append(asset(http, r.json()["data"][0]["asset_id"]))
    renders = [json.dumps(h) for h in hashes]
    sha = [next(v for k, v in _walk(h) if k == "render_sha256") for h in hashes]
    assert sha[0] == sha[1] != sha[2], renders


def _walk(doc: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield k, v
            yield from _walk(v)
    elif isinstance(doc, list):
        for v in doc:
            yield from _walk(v)


def test_edit_with_an_image_is_image_to_image_at_the_input_size(api: tuple[TestClient, Service]) -> None:
    http, _ = api
    source = Image.radial_gradient("L").resize((1024, 640)).convert("RGB")
    r = http.post("/v1/images/edits", data={"model": MODEL, "prompt": "make it stormy", "quality": "low"},
                  files={"image": ("in.png", png_bytes(source), "image/png")})
    assert r.status_code == 200, r.text
    body = r.json()
    out = decoded(body["data"][0])
    assert out.size == (1024, 640) and body["size"] == "1024x640"
    assert not np.array_equal(np.asarray(out.convert("RGB")), np.asarray(source))
    assert "StableDiffusionImg2ImgPipeline" in json.dumps(asset(http, body["data"][0]["asset_id"]))


def test_mask_edit_keeps_every_pixel_outside_the_mask(api: tuple[TestClient, Service]) -> None:
    http, _ = api
    rng = np.random.default_rng(3)
    source = Image.fromarray(rng.integers(0, 256, (640, 1024, 3), dtype=np.uint8))
    mask = Image.new("RGBA", source.size, (0, 0, 0, 255))
    mask.paste((0, 0, 0, 0), (300, 200, 700, 460))  # alpha 0: the region to repaint
    r = http.post("/v1/images/edits", data={"model": MODEL, "prompt": "a round window", "quality": "low",
                                            "seed": "5"},
                  files={"image": ("in.png", png_bytes(source), "image/png"),
                         "mask": ("m.png", png_bytes(mask), "image/png")})
    assert r.status_code == 200, r.text
    out = np.asarray(decoded(r.json()["data"][0]).convert("RGB"))
    src = np.asarray(source)
    outside = np.asarray(mask)[:, :, 3] != 0
    assert out.shape == src.shape
    assert np.array_equal(out[outside], src[outside])  # bit-identical, watermark included
    assert (out[~outside] != src[~outside]).mean() > 0.5  # the inside was repainted
    doc = json.dumps(asset(http, r.json()["data"][0]["asset_id"]))
    assert "StableDiffusionInpaintPipeline" in doc  # the inpainting form of the same text-to-image folder


def test_streaming_sends_real_partials_then_the_image(api: tuple[TestClient, Service]) -> None:
    http, _ = api
    r = http.post("/v1/images/generations", json={"model": MODEL, "prompt": "a meadow", "size": "1024x1024",
                                                  "quality": "low", "stream": True, "partial_images": 2})
    assert r.headers["content-type"].startswith("text/event-stream")
    got = events(r.text)
    names = [name for name, _ in got]
    assert names == ["image_generation.partial_image"] * 2 + ["image_generation.completed"]
    assert [data["partial_image_index"] for _, data in got[:2]] == [0, 1]
    partials = [np.asarray(decoded(data).convert("RGB")).astype(int) for _, data in got]
    assert all(p.shape == (1024, 1024, 3) for p in partials)
    # intermediate decodes of the latents: each differs from the next, and they approach the final image
    assert not np.array_equal(partials[0], partials[1]) and not np.array_equal(partials[1], partials[2])


def test_transparent_background_is_refused_naming_the_engine(api: tuple[TestClient, Service]) -> None:
    http, _ = api
    r = http.post("/v1/images/generations", json={"model": MODEL, "prompt": "a sticker",
                                                  "background": "transparent", "size": "1024x1024"})
    assert r.status_code == 400, r.text
    err = r.json()["error"]
    assert err["code"] == "invalid_value" and err["param"] == "background"
    assert "diffusion engine" in err["message"] and MODEL in err["message"]


def test_a_missing_model_folder_is_503_saying_where_to_put_it(api: tuple[TestClient, Service],
                                                              home: Path) -> None:
    http, _ = api
    r = http.post("/v1/images/generations", json={"model": "diffusers/acme/absent", "prompt": "x",
                                                  "size": "1024x1024"})
    assert r.status_code == 503, r.text
    err = r.json()["error"]
    assert err["code"] == "engine_unavailable"
    assert str(home / "models" / "acme" / "absent") in err["message"]


def test_nested_names_load_through_the_queue_api(api: tuple[TestClient, Service]) -> None:
    http, _ = api
    r = http.post("/v1/models/diffusers/acme/tiny-sd/text-to-image",
                  json={"prompt": "a boat", "size": "1024x1024", "quality": "low"})
    assert r.status_code == 200, r.text
    request_id = r.json()["request_id"]
    import time

    deadline = time.monotonic() + 120
    status: dict[str, Any] = {}
    while time.monotonic() < deadline:
        status = http.get(f"/v1/requests/{request_id}/status").json()
        if status["status"] in ("completed", "failed", "cancelled"):
            break
        time.sleep(0.2)
    assert status["status"] == "completed", status
    result = http.get(f"/v1/requests/{request_id}/result").json()
    assert result["output"]["images"]
