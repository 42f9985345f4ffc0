"""The upscale operation: target sizes from the prompt, tiling, the real Real-ESRGAN models on small tiles,
and ``model=imagegen-upscale`` edits through the service and HTTP API (job progress, lineage, exact size).

Real-ESRGAN on a CPU is slow (x4plus: ~26 s for 256² on 2 cores), so every real run here is tiny."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from imagegen.api.app import create_app
from imagegen.config import Settings
from imagegen.contract.errors import JobCancelled
from imagegen.contract.sizes import FlexibleSizes
from imagegen.db.engine import dispose_all
from imagegen.engines.upscale.realesrgan import MODELS, model_for, realesrgan
from imagegen.engines.upscale.targets import target_size
from imagegen.engines.upscale.tiles import plan_passes, tile_boxes, upscale_to
from imagegen.service import Service

RULE = FlexibleSizes()


class Nearest:
    """A fake x2 model (pixel repeat): exact, so tiling can be checked bit for bit."""

    name = "nearest-x2"
    scale = 2

    def __init__(self) -> None:
        self.tiles: list[tuple[int, int]] = []

    def upscale_tile(self, tile: Image.Image) -> Image.Image:
        self.tiles.append(tile.size)
        return tile.resize((tile.width * 2, tile.height * 2), Image.Resampling.NEAREST)


@pytest.mark.parametrize(("prompt", "source", "size"), [
    ("upscale to 4K", (1024, 576), (3840, 2160)),
    ("Upscale this to 4k please", (1024, 1024), (2880, 2880)),   # the contract's pixel cap, square
    ("upscale to UHD", (576, 1024), (2160, 3840)),
    ("upscale 2x", (1024, 640), (2048, 1280)),
    ("make it x3", (512, 512), (1536, 1536)),
    ("double the resolution", (800, 800), (1600, 1600)),
    ("upscale", (1024, 1024), (2048, 2048)),                      # default 2x
    ("upscale to 1080p", (1024, 576), (1936, 1088)),              # multiples of 16, the aspect kept
    ("upscale to 2048x1280", (512, 320), (2048, 1280)),
    ("upscale 2x", (64, 40), (1024, 640)),                        # raised to the contract's minimum
])
def test_targets_from_the_prompt_obey_the_contract(prompt: str, source: tuple[int, int],
                                                   size: tuple[int, int]) -> None:
    got, _how = target_size(prompt, source, RULE)
    assert got == size and RULE.allows(*got)


def test_an_explicit_size_wins() -> None:
    assert target_size("upscale to 4K", (100, 100), RULE, (1024, 1024))[0] == (1024, 1024)


def test_tiles_are_bounded_and_the_result_is_exact() -> None:
    rng = np.random.default_rng(1)
    image = Image.fromarray(rng.integers(0, 256, (70, 100, 3), dtype=np.uint8))
    fake = Nearest()
    steps: list[float] = []
    out, report = upscale_to(image, (200, 140), fake, tile=32, pad=4,
                             on_progress=lambda f, m: steps.append(f))
    assert out.size == (200, 140)
    # pixel repeat tiled with context cut away == pixel repeat of the whole image: no seams
    assert np.array_equal(np.asarray(out), np.asarray(image.resize((200, 140), Image.Resampling.NEAREST)))
    assert max(w for w, _ in fake.tiles) <= 32 + 2 * 4 and len(fake.tiles) == len(tile_boxes(100, 70, 32))
    assert steps == sorted(steps) and steps[-1] == 1.0 and report.tiles == len(fake.tiles)


def test_passes_trim_later_inputs_to_what_the_output_needs() -> None:
    fake = Nearest()
    out, report = upscale_to(Image.new("RGB", (40, 30), "red"), (300, 224), fake, tile=64, pad=0)
    assert out.size == (300, 224) and plan_passes((40, 30), (300, 224), 2) == 3
    assert report.passes == [(40, 30), (80, 60), (150, 112)]  # the last pass starts from ceil(size / 2)


def test_alpha_survives_and_cancellation_stops_between_tiles() -> None:
    image = Image.new("RGBA", (64, 64), (10, 20, 30, 0))
    image.paste((200, 100, 50, 255), (16, 16, 48, 48))
    out, _ = upscale_to(image, (128, 128), Nearest(), tile=32)
    assert out.mode == "RGBA" and out.getpixel((0, 0))[3] == 0 and out.getpixel((64, 64))[3] == 255
    calls = {"n": 0}

    def cancelled() -> bool:
        calls["n"] += 1
        return calls["n"] > 2

    fake = Nearest()
    with pytest.raises(JobCancelled):
        upscale_to(image, (128, 128), fake, tile=16, cancelled=cancelled)
    assert len(fake.tiles) == 2


@pytest.mark.parametrize("quality", ["low", "medium"])
def test_real_esrgan_models_on_a_small_tile(quality: str) -> None:
    spec = model_for(quality, 4)
    assert spec in MODELS[quality] and spec.scale == 4
    upscaler = realesrgan(spec)
    tile = source_image().resize((32, 24), Image.Resampling.LANCZOS)
    out = upscaler.upscale_tile(tile)
    assert out.size == (128, 96) and out.mode == "RGB"
    # a super-resolved tile resembles its input scaled up (not noise, not blank)
    small = np.asarray(out.resize((32, 24), Image.Resampling.BOX)).astype(int)
    assert np.abs(small - np.asarray(tile).astype(int)).mean() < 12 and np.asarray(out).std() > 10


# -- through the service and the API -------------------------------------------------------------------

@pytest.fixture
def api(tmp_path: Path) -> Iterator[tuple[TestClient, Service]]:
    home = tmp_path / "home"
    settings = Settings(home=home, database_url=f"sqlite:///{home / 'imagegen.db'}", workers=1,
                        extra={"job_heartbeat_s": "0.1", "job_poll_s": "0.1", "upscale_tile": "64"})
    settings.ensure_dirs()
    service = Service(settings, workers=1).start()
    _info, key = service.tenants.create_key("acme")
    try:
        with TestClient(create_app(settings, service=service), raise_server_exceptions=False,
                        headers={"Authorization": f"Bearer {key}"}) as http:
            yield http, service
    finally:
        service.stop(timeout=10)
        dispose_all()


def png(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def source_image() -> Image.Image:
    base = Image.radial_gradient("L").resize((128, 80)).convert("RGB")
    base.paste((220, 40, 40), (30, 20, 70, 50))
    return base


def test_upscale_edit_through_the_api_and_the_job(api: tuple[TestClient, Service]) -> None:
    http, _ = api
    r = http.post("/v1/images/edits", data={"model": "imagegen-upscale", "prompt": "upscale 8x",
                                            "quality": "low"},
                  files={"image": ("in.png", png(source_image()), "image/png")})
    assert r.status_code == 200, r.text
    body = r.json()
    out = Image.open(io.BytesIO(base64.b64decode(body["data"][0]["b64_json"])))
    assert out.size == (1024, 640) and body["size"] == "1024x640"
    # it is the input, enlarged: the red box is where it was
    assert np.asarray(out.convert("RGB"))[35 * 8, 50 * 8].tolist()[0] > 150
    asset_doc: dict[str, Any] = http.get(f"/v1/assets/{body['data'][0]['asset_id']}").json()
    assert "realesrgan:realesr-animevideov3-x4" in str(asset_doc)


def test_upscale_job_reports_progress_and_records_lineage(api: tuple[TestClient, Service]) -> None:
    http, service = api
    # a small parent keeps the CPU time down; the service takes the size the engine is given (the
    # HTTP front door would have held it to the contract)
    parent = service.run("acme", "edit", _edit_spec(service, "upscale", size=(256, 160)))
    parent_id = parent.assets[0].asset_id
    progress: list[str] = []
    child = service.run("acme", "edit", _edit_spec(service, "upscale 4x", file_id=parent_id),
                        on_progress=lambda f, m: progress.append(m))
    assert (child.result.width, child.result.height) == (1024, 640)
    assert any(m.startswith("upscaling: tile") for m in progress)
    lineage = http.get(f"/v1/assets/{child.assets[0].asset_id}/lineage").json()
    assert parent_id in str(lineage)
    refused = http.post("/v1/images/generations", json={"model": "imagegen-upscale", "prompt": "upscale"})
    assert refused.status_code == 400 and refused.json()["error"]["param"] == "model"


def _edit_spec(service: Service, prompt: str, file_id: str | None = None,
               size: tuple[int, int] | None = None) -> Any:
    from imagegen.contract.images import load_input_image
    from imagegen.contract.specs import EditSpec

    image = service.load_input("acme", file_id) if file_id else load_input_image(png(source_image()))
    return EditSpec(prompt=prompt, model="imagegen-upscale", quality="low", images=(image,),
                    width=size[0] if size else None, height=size[1] if size else None)


def test_cancelling_an_upscale_job(api: tuple[TestClient, Service]) -> None:
    _, service = api
    ids: list[str] = []

    def on_progress(fraction: float, message: str) -> None:
        if message.startswith("upscaling: tile") and ids:
            service.cancel("acme", ids[0])

    with pytest.raises(JobCancelled):
        service.run("acme", "edit", _edit_spec(service, "upscale 8x"), on_progress=on_progress,
                    on_submitted=ids.append)
    assert service.status("acme", ids[0]).status == "cancelled"
