"""The official openai SDK against our server, whose gpt-image-2 is routed to upstream/openai (a loopback fake
of OpenAI's Images API): clients keep their model id and get the upstream's pictures through our API."""

from __future__ import annotations

import base64
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import openai
import pytest
from fakes import FakeOpenAI, error, png
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "queue"))

from queue_helpers import Server, create_key, server_env

from imagegen.db.engine import dispose_all


@pytest.fixture(scope="module")
def upstream() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake  # type: ignore[misc]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, upstream: FakeOpenAI) -> Iterator[openai.OpenAI]:
    home = tmp_path_factory.mktemp("sdk") / "home"
    home.mkdir()
    env = server_env(home) | {"IMAGEGEN_ROUTES": json.dumps({"gpt-image-2": "upstream/openai"}),
                              "OPENAI_BASE_URL": upstream.url + "/v1", "OPENAI_API_KEY": "sk-upstream"}
    server = Server(home=home, env=env).start()
    try:
        key = create_key(home, "acme")
        yield openai.OpenAI(base_url=server.url + "/v1", api_key=key, max_retries=0, timeout=60)
    finally:
        server.stop()
        dispose_all()


def decode(b64: str) -> Image.Image:
    img = Image.open(io.BytesIO(base64.b64decode(b64)))
    img.load()
    return img


def test_generate_goes_upstream(client: openai.OpenAI, upstream: FakeOpenAI) -> None:
    upstream.requests.clear()
    r = client.images.generate(model="gpt-image-2", prompt="an elderly fisherman in a yellow raincoat",
                               size="1536x1024", quality="high")
    (sent,) = upstream.requests
    assert sent["headers"]["authorization"] == "Bearer sk-upstream"  # our key upstream, never the client's
    assert sent["fields"]["model"] == "gpt-image-2" and sent["fields"]["size"] == "1536x1024"
    assert sent["fields"]["quality"] == "high"
    image = decode(r.data[0].b64_json or "")
    assert image.size == (1536, 1024)
    assert r.size == "1536x1024" and r.quality == "high"
    assert r.usage is not None and r.usage.total_tokens == 1096
    assert str((r.data[0].model_extra or {}).get("asset_id", "")).startswith("img_")


def test_stream_relays_upstream_partials(client: openai.OpenAI, upstream: FakeOpenAI) -> None:
    events = list(client.images.generate(model="gpt-image-2", prompt="a harbour at dawn", size="1024x1024",
                                         stream=True, partial_images=2))
    kinds = [e.type for e in events]
    assert kinds == ["image_generation.partial_image"] * 2 + ["image_generation.completed"]
    assert decode(events[-1].b64_json).size == (1024, 1024)
    assert upstream.requests[-1]["fields"]["stream"] is True


def test_mask_edit_keeps_every_pixel_outside_the_mask(client: openai.OpenAI, upstream: FakeOpenAI) -> None:
    rng = np.random.default_rng(9)
    source = Image.fromarray(rng.integers(0, 256, (1024, 1024, 3), dtype=np.uint8), "RGB")
    mask = Image.new("RGBA", source.size, (0, 0, 0, 255))
    mask.paste((0, 0, 0, 0), (256, 256, 768, 768))
    r = client.images.edit(model="gpt-image-2", image=("in.png", png(source), "image/png"),
                           mask=("mask.png", png(mask), "image/png"), prompt="a red kite in the middle")
    assert upstream.requests[-1]["path"] == "/v1/images/edits"
    out = np.asarray(decode(r.data[0].b64_json or "").convert("RGB"))
    editable = np.asarray(mask)[:, :, 3] == 0
    assert np.array_equal(out[~editable], np.asarray(source)[~editable])


def test_upstream_4xx_reaches_the_client_unchanged(client: openai.OpenAI, upstream: FakeOpenAI) -> None:
    upstream.script = [error(400, "Your request was rejected by the safety system.", "moderation_blocked")]
    with pytest.raises(openai.BadRequestError) as info:
        client.images.generate(model="gpt-image-2", prompt="something the upstream refuses", size="1024x1024")
    assert info.value.code == "moderation_blocked"
    body = info.value.body
    assert isinstance(body, dict) and body["message"] == "Your request was rejected by the safety system."
