"""Parity with ComfyUI's stock OpenAIGPTImageNodeV2, the save node, and keys kept out of every file.

The nodes are driven the way ComfyUI drives them (``comfy_harness``: INPUT_TYPES validation, VALIDATE_INPUTS,
FUNCTION with ComfyUI-shaped tensors and hidden inputs), in this process (server_url empty)."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from imagegen.integrations.comfyui import ImagegenGenerate, ImagegenSave
from imagegen.integrations.comfyui.runtime import local_service
from imagegen.integrations.comfyui.save import REDACTED, redact
from imagegen.integrations.comfyui.tensors import to_numpy, to_uint8
from imagegen.integrations.comfyui.v2 import V2_CLASS, convert_workflow, from_v2_inputs
from imagegen.provenance.marks.inspect import inspect_file
from imagegen.tenants import LOCAL_TENANT

sys.path.insert(0, str(Path(__file__).resolve().parent))
from comfy_harness import execute, tensor, validate

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SECRET = "ig_0123456789abcdef_" + "S3cretS3cretS3cretS3cret"
BASE: dict[str, Any] = {"prompt": 'A launch poster with the headline "Ship It Friday"',
                        "model": "gpt-image-2", "size": "1024x1024", "custom_width": 1024,
                        "custom_height": 1024, "quality": "low",
                        "n": 1, "output_format": "png", "background": "auto", "seed": 7}


@pytest.fixture
def output_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "comfy-output"
    monkeypatch.setenv("IMAGEGEN_COMFYUI_OUTPUT", str(folder))
    return folder


# -- inputs: the stock node's names and ranges ------------------------------------------------------------


def test_generate_offers_the_stock_nodes_inputs() -> None:
    spec = ImagegenGenerate.INPUT_TYPES()
    required, optional = spec["required"], spec["optional"]
    assert "Custom" in required["size"][0] and required["size"][0][0] == "auto"
    for edge in ("custom_width", "custom_height"):
        kind, opts = required[edge]
        assert kind == "INT"
        assert (opts["min"], opts["max"], opts["step"], opts["default"]) == (480, 3840, 16, 1024)
    assert (required["n"][1]["min"], required["n"][1]["max"]) == (1, 8)
    assert (required["seed"][1]["min"], required["seed"][1]["max"]) == (0, 2147483647)
    assert {"auto", "opaque"} <= set(required["background"][0])
    assert [f"image_{k}" for k in range(1, 17)] == [n for n in optional if n.startswith("image_")]
    assert all(optional[f"image_{k}"][0] == "IMAGE" for k in range(1, 17))
    assert optional["mask"][0] == "MASK"


def test_validation_as_comfyui_runs_it() -> None:
    assert validate(ImagegenGenerate, BASE) == []
    custom = {**BASE, "size": "Custom", "custom_width": 1280, "custom_height": 720}
    assert validate(ImagegenGenerate, custom) == []
    # widget ranges (ComfyUI's own check) and the contract's size rule (VALIDATE_INPUTS)
    assert validate(ImagegenGenerate, {**BASE, "n": 9}) == ["value out of range: n: 9"]
    assert validate(ImagegenGenerate, {**BASE, "size": "1792x936"}) == ["value not in list: size: '1792x936'"]
    ratio = validate(ImagegenGenerate, {**custom, "custom_width": 3840, "custom_height": 1024})
    assert len(ratio) == 1 and "3840x1024" in ratio[0] and "ratio" in ratio[0].lower()
    small = validate(ImagegenGenerate, {**custom, "custom_width": 480, "custom_height": 480})
    assert len(small) == 1 and "480x480" in small[0]
    # a gpt-image-1 Custom size is refused by that model's own rule
    legacy = validate(ImagegenGenerate, {**custom, "model": "gpt-image-1"})
    assert len(legacy) == 1 and "1280x720" in legacy[0]


# -- a saved V2 workflow, mapped --------------------------------------------------------------------------


def test_v2_inputs_map_onto_generate() -> None:
    saved = json.loads((FIXTURES / "v2_workflow_api.json").read_text())
    mapped = from_v2_inputs(saved["7"]["inputs"])
    assert mapped == {"prompt": saved["7"]["inputs"]["prompt"], "n": 2, "seed": 42, "model": "gpt-image-2",
                      "size": "Custom", "custom_width": 1280, "custom_height": 720, "background": "opaque",
                      "quality": "low", "mask": ["4", 0], "image_1": ["3", 0]}
    # the in-memory form (the dynamic combo as one dict) maps the same way
    live = {"prompt": "p", "n": 1, "seed": 0,
            "model": {"model": "gpt-image-2", "size": "auto", "background": "auto", "quality": "high",
                      "images": {"image_1": "A", "image_3": "C"}, "mask": None}}
    assert from_v2_inputs(live) == {"prompt": "p", "n": 1, "seed": 0, "model": "gpt-image-2", "size": "auto",
                                    "background": "auto", "quality": "high", "mask": None, "image_1": "A",
                                    "image_3": "C"}


def test_a_saved_v2_workflow_runs_on_the_pack(local_home: Path) -> None:
    saved = json.loads((FIXTURES / "v2_workflow_api.json").read_text())
    workflow = convert_workflow(saved)
    node = workflow["7"]
    assert node["class_type"] == "ImagegenGenerate" and V2_CLASS not in json.dumps(workflow)
    assert workflow["9"] == saved["9"]  # the rest of the graph is untouched; links still hold
    inputs = {**node["inputs"], "output_format": "png"}  # imagegen's extra keeps its default
    assert validate(ImagegenGenerate, inputs) == []
    # ComfyUI-shaped inputs for the linked nodes: a 1280x720 photo-like image and a soft mask
    rng = np.random.default_rng(3)
    photo = rng.random((1, 720, 1280, 3), dtype=np.float32)
    mask = np.zeros((1, 720, 1280), dtype=np.float32)
    mask[0, 200:500, 400:900] = 1.0
    mask[0, 190:200, 400:900] = 0.3  # a feathered edge, as a mask editor or a blur leaves it
    mask[0, 500:510, 400:900] = 0.7
    images, raw = execute(ImagegenGenerate, inputs, {"3": tensor(photo), "4": tensor(mask)})
    info = json.loads(raw)
    out = to_numpy(images)
    assert out.shape == (2, 720, 1280, 3) and info["operation"] == "edit" and len(info["asset_ids"]) == 2
    keep = mask[0] < 0.5  # soft masks: values of 0.5 and above are edited, the rest kept exactly
    for k in range(2):
        assert (to_uint8(out[k])[keep] == to_uint8(photo[0])[keep]).all()
    assert (to_uint8(out[0])[~keep] != to_uint8(photo[0])[~keep]).any()


def test_several_reference_images_and_a_mask_without_image(local_home: Path) -> None:
    refs = {f"image_{k}": tensor(np.full((1, 1024, 1024, 3), k / 20, dtype=np.float32)) for k in (1, 2, 3)}
    images, raw = execute(ImagegenGenerate, {**BASE, "prompt": "change the background to blue", **refs})
    assert to_numpy(images).shape == (1, 1024, 1024, 3) and json.loads(raw)["operation"] == "edit"
    from imagegen.contract.errors import ImagegenError

    with pytest.raises(ImagegenError, match=r"(?i)mask"):
        execute(ImagegenGenerate, {**BASE, "mask": tensor(np.ones((1, 1024, 1024), dtype=np.float32))})
    with pytest.raises(ImagegenError, match="image_17"):
        execute(ImagegenGenerate, {**BASE, "image_17": refs["image_1"]})


# -- the save node -----------------------------------------------------------------------------------------


def _graph_with_secrets() -> tuple[dict[str, Any], dict[str, Any]]:
    prompt = {"1": {"class_type": "ImagegenGenerate", "inputs": {**BASE, "server_url": ""}},
              "2": {"class_type": "SomeOtherPack", "inputs": {"api_key": "sk-live-abc123", "note": SECRET}},
              "3": {"class_type": "ImagegenSave", "inputs": {"images": ["1", 0], "filename_prefix": "ig"}}}
    workflow = {"nodes": [{"id": 2, "type": "SomeOtherPack", "widgets_values": ["sk-live-abc123", SECRET]}],
                "extra": {"auth_token_comfy_org": "comfy-token-xyz"}}
    return prompt, workflow


def test_save_writes_the_signed_file_and_records_the_graph(local_home: Path, output_dir: Path) -> None:
    images, raw = execute(ImagegenGenerate, BASE)
    prompt, workflow = _graph_with_secrets()
    save = {"images": images, "filename_prefix": "posters/launch", "output_format": "png", "info": raw}
    answer = execute(ImagegenSave, save, prompt=prompt, extra_pnginfo={"workflow": workflow}, unique_id="3")
    saved = json.loads(answer["result"][0])["saved"]
    (item,) = saved
    asset_id = json.loads(raw)["asset_ids"][0]
    assert item["asset_id"] == asset_id and item["reused"] is True
    shown = {"filename": "launch_00001.png", "subfolder": "posters", "type": "output"}
    assert answer["ui"]["images"] == [shown]
    data = Path(item["path"]).read_bytes()
    service = local_service()
    assert data == service.open_asset(LOCAL_TENANT, asset_id).data  # byte for byte the signed file
    found = inspect_file(data)
    assert found.c2pa.present and found.c2pa.validation_state in ("Valid", "Trusted")
    assert found.asset_id == asset_id and found.digital_source_type and found.watermark
    # the graph is in the catalog, credentials redacted; nothing secret in the file or the node's answer
    record = service.catalog(LOCAL_TENANT).asset(asset_id)
    graph = record["extra"]["comfyui"] if "extra" in record else None
    assert graph is not None, record.keys()
    text = json.dumps(graph)
    assert graph["prompt"]["2"]["inputs"]["api_key"] == REDACTED and graph["node"] == "3"
    assert graph["prompt"]["1"]["inputs"]["prompt"] == BASE["prompt"]
    for secret in (SECRET, "sk-live-abc123", "comfy-token-xyz"):
        assert secret not in text and secret.encode() not in data and secret not in json.dumps(answer)
    # a second save of the same image gets the next file name, same asset
    again = execute(ImagegenSave, save)
    assert json.loads(again["result"][0])["saved"][0]["path"].endswith("launch_00002.png")


def test_save_captures_changed_pixels_with_lineage(local_home: Path, output_dir: Path) -> None:
    images, raw = execute(ImagegenGenerate, {**BASE, "seed": 8})
    parent = json.loads(raw)["asset_ids"][0]
    changed = to_numpy(images).copy()
    changed[0, :100, :100, :] = 0.0  # another node drew on it
    answer = execute(ImagegenSave, {"images": tensor(changed), "filename_prefix": "edited",
                                    "output_format": "webp", "info": raw}, prompt={"1": {"inputs": {}}})
    (item,) = json.loads(answer["result"][0])["saved"]
    assert item["reused"] is False and item["asset_id"] != parent and item["path"].endswith(".webp")
    data = Path(item["path"]).read_bytes()
    found = inspect_file(data)
    assert found.c2pa.present and found.c2pa.validation_state in ("Valid", "Trusted")
    assert any(i.get("asset_id") == parent or parent in json.dumps(i) for i in found.c2pa.ingredients)
    assert found.asset_id == item["asset_id"]
    with Image.open(io.BytesIO(data)) as im:
        corner = np.asarray(im.convert("RGB"))[:100, :100].astype(float)
    # the drawn black corner, under the invisible watermark's few levels of perceptual noise
    assert corner.mean() < 3 and corner.max() <= 12
    catalog = local_service().catalog(LOCAL_TENANT)
    tree = json.dumps(catalog.lineage(item["asset_id"]))
    assert parent in tree
    assert catalog.asset(item["asset_id"])["engine"] == "comfyui"


def test_redact_keeps_what_is_not_a_credential() -> None:
    graph = {"a": {"inputs": {"text": "a red kite", "seed": 4, "api_key": "", "token_count": 3,
                              "links": [["1", 0]], "note": f"use {SECRET} here"}}}
    out = redact(graph, secrets=("custom-secret",))
    assert out["a"]["inputs"]["text"] == "a red kite" and out["a"]["inputs"]["seed"] == 4
    assert out["a"]["inputs"]["api_key"] == ""  # empty stays empty: nothing to hide
    assert out["a"]["inputs"]["token_count"] == REDACTED  # named like a credential: redacted, to be safe
    assert out["a"]["inputs"]["note"] == f"use {REDACTED} here"
    assert redact("x custom-secret y", secrets=("custom-secret",)) == f"x {REDACTED} y"
