"""Trace a stripped copy of a MASKED edit to the edit, not to the parent whose mark covers the rest of it."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pytest
from catalog_helpers import context
from PIL import Image

from imagegen.contract.specs import EditSpec, GenerateSpec
from imagegen.engines.base import NullProgress
from imagegen.provenance.catalog.trace import METHOD_EDIT_REGION, METHOD_PARENT_PHASH, trace_bytes
from imagegen.provenance.marks import watermark
from imagegen.provenance.marks.inspect import inspect_file

PROMPT = (
    'A poster for a jazz night. Headline "Blue Note Friday". Subhead "Doors at 8 pm". '
    "QR code for https://example.com/t"
)
PARAMS = {"quality": "low", "seed": 5, "size": "768x1024"}
#: the masked box (x0, y0, x1, y1): big enough to carry the edit's mark even at 0.75x
BOX = (40, 560, 728, 900)


@pytest.fixture(scope="module")
def engine() -> Any:
    from imagegen.engines.planning.engine import PlanningEngine

    return PlanningEngine()


@pytest.fixture(scope="module")
def generated(engine: Any) -> Any:
    spec = GenerateSpec(prompt=PROMPT, model="gpt-image-2", width=768, height=1024, quality="low", seed=5)
    return engine.generate(spec, NullProgress())


def _mask(size: tuple[int, int], box: tuple[int, int, int, int]) -> Image.Image:
    rgba = np.zeros((size[1], size[0], 4), dtype=np.uint8)
    rgba[:, :, 3] = 255
    rgba[box[1] : box[3], box[0] : box[2], 3] = 0
    return Image.fromarray(rgba, "RGBA")


def _stripped(data: bytes, *, scale: float = 1.0, quality: int = 85) -> bytes:
    """Pixels only (no text chunk, XMP or C2PA), optionally resized, as JPEG."""
    img = Image.open(io.BytesIO(data)).convert("RGB")
    if scale != 1.0:
        img = img.resize((round(img.width * scale), round(img.height * scale)), Image.LANCZOS)
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=quality)
    return buf.getvalue()


def _edit(recorder: Any, engine: Any, parent_id: str, prompt: str, *, mask: Image.Image | None) -> Any:
    inp = recorder.load_input("acme", parent_id)
    spec = EditSpec(
        prompt=prompt,
        model="gpt-image-2",
        images=(inp,),
        mask=mask,
        quality="low",
        seed=11,
    )
    result = engine.edit(spec, NullProgress())
    [edit] = recorder.record(context("acme", prompt, operation="edit", inputs=(inp,), params=PARAMS), result)
    return edit


@pytest.fixture
def family(recorder: Any, engine: Any, generated: Any) -> tuple[Any, Any]:
    [parent] = recorder.record(context("acme", PROMPT, params=PARAMS), generated)
    size = (parent.width, parent.height)
    edit = _edit(recorder, engine, parent.asset_id, 'add the text "Sold out tonight"', mask=_mask(size, BOX))
    return parent, edit


def test_masked_edit_is_marked_in_its_region_only(family: tuple[Any, Any]) -> None:
    parent, edit = family
    record = inspect_file(edit.data, decode_watermark=False).text_record or {}
    assert record["watermark"]["region"] == list(BOX)
    # the premise: decoding the whole stripped edit finds the PARENT's mark
    img = Image.open(io.BytesIO(_stripped(edit.data)))
    assert watermark.decode(img).asset_id == parent.asset_id


@pytest.mark.parametrize("scale", [1.0, 0.75])
def test_stripped_edit_traces_to_the_edit(recorder: Any, family: tuple[Any, Any], scale: float) -> None:
    parent, edit = family
    copy = _stripped(edit.data, scale=scale)
    with recorder.sessions() as s:
        found = trace_bytes(s, "acme", copy)
        assert found.asset_id == edit.asset_id, found.to_json()
        assert found.method == METHOD_EDIT_REGION
        assert found.watermark and found.watermark["asset_id"] == parent.asset_id
        by_id = {c["asset_id"]: c for c in found.candidates}
        assert set(by_id) == {parent.asset_id, edit.asset_id}
        assert by_id[edit.asset_id]["chosen"] and by_id[edit.asset_id]["region"] == list(BOX)
        assert by_id[edit.asset_id]["region_watermark"] is True
        assert by_id[parent.asset_id]["role"] == "watermark" and not by_id[parent.asset_id]["chosen"]
        # never across tenants
        assert trace_bytes(s, "other", copy).asset_id is None


@pytest.mark.parametrize("scale", [1.0, 0.75])
def test_stripped_parent_traces_to_the_parent(recorder: Any, family: tuple[Any, Any], scale: float) -> None:
    parent, edit = family
    with recorder.sessions() as s:
        found = trace_bytes(s, "acme", _stripped(parent.data, scale=scale))
        assert found.asset_id == parent.asset_id and found.method == "watermark", found.to_json()
        by_id = {c["asset_id"]: c for c in found.candidates}
        assert by_id[edit.asset_id]["region_watermark"] is False and by_id[parent.asset_id]["chosen"]


def test_region_sources(recorder: Any, family: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """The row holds no region: it is read from the stored file's text record (explicit or default store)."""
    from imagegen.provenance.catalog import trace
    from imagegen.provenance.catalog.store import AssetStore

    _, edit = family
    copy = _stripped(edit.data)
    with recorder.sessions() as s:
        found = trace_bytes(s, "acme", copy, store=AssetStore(recorder.settings.assets_dir))
        assert found.asset_id == edit.asset_id
        assert {c["asset_id"]: c for c in found.candidates}[edit.asset_id]["region_source"] == "stored record"
        # no store at all: the engine's own report of the masked box (extra), else pHash
        monkeypatch.setattr(trace, "_default_store", lambda session: None)
        found = trace_bytes(s, "acme", copy)
        assert found.asset_id == edit.asset_id and found.method == METHOD_EDIT_REGION
        assert {c["asset_id"]: c for c in found.candidates}[edit.asset_id]["region_source"] == "mask_bbox"


def test_verify_cli_names_the_edit(
    recorder: Any, settings: Any, family: tuple[Any, Any], tmp_path: Any, monkeypatch: Any, capsys: Any
) -> None:
    import json

    from imagegen.cli.main import main as cli_main

    parent, edit = family
    f = tmp_path / "screenshot.jpg"
    f.write_bytes(_stripped(edit.data, scale=0.75))
    monkeypatch.setenv("IMAGEGEN_HOME", str(settings.home))
    assert cli_main(["verify", str(f), "--tenant", "acme", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["trace"]["asset_id"] == edit.asset_id and doc["trace"]["method"] == METHOD_EDIT_REGION
    assert doc["catalog"]["asset_id"] == edit.asset_id
    assert parent.asset_id in {c["asset_id"] for c in doc["trace"]["candidates"]}


def test_plan_level_edit_traces_to_the_edit(recorder: Any, engine: Any, family: tuple[Any, Any]) -> None:
    """A plan edit is NOT marked over the whole image: only the repainted band around the headline."""
    parent, masked = family
    edit = _edit(recorder, engine, parent.asset_id, 'change the headline to "Red Note Saturday"', mask=None)
    mark = (inspect_file(edit.data, decode_watermark=False).text_record or {})["watermark"]
    x0, y0, x1, y1 = mark["region"]
    assert (x1 - x0) * (y1 - y0) < 0.2 * edit.width * edit.height
    # full size: the band carries the edit's mark; at 0.75x the band is too thin to read, and the edit is
    # still picked because its pHash is strictly closer than the parent's
    for scale, method in ((1.0, METHOD_EDIT_REGION), (0.75, METHOD_PARENT_PHASH)):
        with recorder.sessions() as s:
            found = trace_bytes(s, "acme", _stripped(edit.data, scale=scale))
        assert found.asset_id == edit.asset_id and found.method == method, found.to_json()
        by_id = {c["asset_id"]: c for c in found.candidates}
        assert set(by_id) == {parent.asset_id, masked.asset_id, edit.asset_id}
        assert by_id[masked.asset_id]["region_watermark"] is False
