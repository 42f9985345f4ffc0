"""An edit's inputs are decoded once per process: the door's decoded spec goes to this process's own worker
(jobs.decoded); a worker that does not hold it (another process, a dropped park) rebuilds the same spec
from the stored bytes."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import imagegen_test_engines as engines
import numpy as np
import pytest
from PIL import Image
from service_helpers import make_settings

from imagegen.contract import images as contract_images
from imagegen.contract.parse import parse_edit_request
from imagegen.contract.specs import EditSpec, InputImage
from imagegen.db.engine import dispose_all
from imagegen.jobs import spec_codec
from imagegen.jobs.decoded import DecodedInputs, spec_bytes
from imagegen.service import Service

#: a photo-like input bigger than the working size, so every decode is a real full-size one
SIDE = 1600


def photo_png(side: int, *, palette: bool = False) -> bytes:
    rng = np.random.default_rng(3)
    pixels = rng.random((side, side, 3)) * 40 + np.linspace(0, 200, side)[None, :, None]
    image = Image.fromarray(pixels.astype("uint8"))
    buf = io.BytesIO()
    (image.convert("P") if palette else image).save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every full decode of client image bytes, by who asked (the one opener, wherever it is imported)."""
    seen: list[str] = []
    real = contract_images.open_image

    def counting(data: bytes, **kwargs: Any) -> Any:
        seen.append(kwargs.get("what", "image"))
        return real(data, **kwargs)

    monkeypatch.setattr(contract_images, "open_image", counting)
    monkeypatch.setattr(spec_codec, "open_image", counting)
    return seen


class SeeingEngine(engines.QuickEngine):
    """The quick test engine, keeping the input pixels of every edit it is given."""

    seen: ClassVar[list[tuple[str, tuple[int, int], bytes]]] = []

    def edit(self, spec: EditSpec, progress: Any) -> Any:
        first = spec.images[0].image
        type(self).seen.append((first.mode, first.size, first.tobytes()))
        return super().edit(spec, progress)


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Service]:
    svc = Service(make_settings(tmp_path / "home"), workers=1)
    SeeingEngine.seen = []
    svc.router.register("test-quick", SeeingEngine)
    svc.start()
    yield svc
    svc.stop()
    dispose_all()


def _edit(svc: Service, data: bytes) -> tuple[EditSpec, dict[str, Any]]:
    parsed = parse_edit_request({"prompt": "warmer", "model": "test-quick", "size": "1024x1024"}, [data],
                                default_model="test-quick", known_model=svc.is_known_model)
    assert isinstance(parsed.spec, EditSpec)
    return parsed.spec, parsed.params


def _pixels(svc: Service, spec: EditSpec, params: dict[str, Any]) -> tuple[str, tuple[int, int], bytes]:
    """Run the edit; the input pixels the engine was given."""
    svc.run("acme", "edit", spec, params=params, timeout=60)
    return SeeingEngine.seen[-1]


def test_a_large_input_is_decoded_once_in_process(service: Service, decodes: list[str]) -> None:
    spec, params = _edit(service, photo_png(SIDE))
    assert decodes == ["image"]  # the door
    parked = _pixels(service, spec, params)
    assert decodes == ["image"], decodes  # the worker took the door's pixels: no second decode
    assert len(service.runner.decoded) == 0  # taken, not kept

    # a worker without the parked spec (another process; a park dropped for room) rebuilds the same spec
    service.runner.decoded.budget_bytes = 0
    rebuilt = _pixels(service, spec, params)
    assert decodes == ["image", "stored input image 0 of this job"], decodes
    assert rebuilt[:2] == parked[:2] == ("RGB", (1024, 1024))
    assert rebuilt[2] == parked[2]


def test_palette_inputs_reach_the_engine_as_rgb_either_way(service: Service) -> None:
    """The stored-bytes path gives engines the same modes as the door (RGB/RGBA, never P)."""
    spec, _params = _edit(service, photo_png(400, palette=True))
    assert spec.images[0].image.mode == "RGB"
    files = spec_codec.encode_inputs(spec)
    rebuilt = spec_codec.spec_from_json(spec_codec.spec_to_json(spec), files)
    assert isinstance(rebuilt, EditSpec)
    assert rebuilt.images[0].image.mode == "RGB"
    assert rebuilt.images[0].image.tobytes() == spec.images[0].image.tobytes()


def _spec(side: int) -> EditSpec:
    image = Image.new("RGBA", (side, side))
    return EditSpec(prompt="p", model="m", images=(InputImage(image=image, data=b"x", sha256="0"),))


def test_parked_specs_are_bounded_and_taken_once() -> None:
    one = spec_bytes(_spec(100))
    assert one == 100 * 100 * 4
    parked = DecodedInputs(budget_bytes=2 * one)
    assert parked.park("a", _spec(100)) and parked.park("b", _spec(100))
    assert parked.park("c", _spec(100))  # the oldest makes room
    assert (len(parked), parked.parked_bytes) == (2, 2 * one)
    assert parked.take("a") is None and parked.take("b") is not None and parked.take("b") is None
    assert not parked.park("huge", _spec(300))  # over the whole budget alone: not parked
    parked.discard("c")
    assert (len(parked), parked.parked_bytes) == (0, 0)
