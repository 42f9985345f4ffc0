"""Ingest: ComfyUI and A1111 files, idempotence, untouched sources, refused symlinks, reported failures."""

from __future__ import annotations

import io
import json
import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from catalog_helpers import picture
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from imagegen.cli.main import main as cli_main
from imagegen.provenance.catalog.ingest import IngestReport, ingest_dir, watch
from imagegen.provenance.catalog.ingest_formats import parse_a1111, parse_comfyui
from imagegen.provenance.catalog.repository import CatalogRepository
from imagegen.provenance.marks.textrecord import KEYWORD

COMFY_GRAPH = {
    "3": {
        "class_type": "KSampler",
        "inputs": {
            "seed": 156680208700286,
            "steps": 20,
            "cfg": 8,
            "sampler_name": "euler",
            "scheduler": "normal",
            "denoise": 1,
            "model": ["4", 0],
            "positive": ["6", 0],
            "negative": ["7", 0],
            "latent_image": ["5", 0],
        },
    },
    "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sd_xl_base_1.0.safetensors"}},
    "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 1024, "height": 1024, "batch_size": 1}},
    "6": {"class_type": "CLIPTextEncode", "inputs": {"text": ["10", 0], "clip": ["4", 1]}},
    "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry, watermark", "clip": ["4", 1]}},
    "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
    "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "ComfyUI", "images": ["8", 0]}},
    "10": {"class_type": "PrimitiveNode", "inputs": {"value": "a lighthouse at dawn, oil painting"}},
}
COMFY_WORKFLOW = {"last_node_id": 10, "nodes": [{"id": 3, "type": "KSampler"}], "links": [], "version": 0.4}
A1111 = (
    "masterpiece, a red fox in the snow, <lora:fur:0.7>\n"
    "Negative prompt: lowres, bad anatomy\n"
    "Steps: 28, Sampler: DPM++ 2M Karras, CFG scale: 6.5, Seed: 4242, Size: 512x768, Model hash: 6ce0161689, "
    'Model: v1-5-pruned-emaonly, Lora hashes: "fur: abc123, x: y", Version: v1.9.4'
)


def _png(seed: int, text: dict[str, str]) -> bytes:
    info = PngInfo()
    for k, v in text.items():
        info.add_text(k, v)
    buf = io.BytesIO()
    picture(seed).save(buf, format="PNG", pnginfo=info)
    return buf.getvalue()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "incoming"
    (d / "sub").mkdir(parents=True)
    (d / "comfy.png").write_bytes(
        _png(1, {"prompt": json.dumps(COMFY_GRAPH), "workflow": json.dumps(COMFY_WORKFLOW)})
    )
    (d / "sub" / "a1111.png").write_bytes(_png(2, {"parameters": A1111}))
    (d / "plain.jpg").write_bytes(_jpeg(3))
    (d / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n this is not really a png")
    (d / "notes.txt").write_text("not an image")
    secret = tmp_path / "secret.png"
    secret.write_bytes(_png(4, {}))
    os.symlink(secret, d / "escape.png")
    os.symlink(d / "comfy.png", d / "sub" / "inside-link.png")
    return d


def _jpeg(seed: int) -> bytes:
    buf = io.BytesIO()
    picture(seed).save(buf, format="JPEG", quality=90)
    return buf.getvalue()


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p): (p.read_bytes(), p.lstat().st_mtime_ns) for p in sorted(folder.rglob("*")) if p.is_file()}


def test_parsers():
    ex = parse_comfyui(json.dumps(COMFY_GRAPH), json.dumps(COMFY_WORKFLOW))
    assert ex.models == ["sd_xl_base_1.0.safetensors"]
    assert ex.seeds == [156680208700286]
    assert ex.prompt == "a lighthouse at dawn, oil painting"  # followed through the primitive node
    assert ex.negative_prompt == "blurry, watermark"
    assert (
        ex.params["steps"] == 20 and ex.params["sampler_name"] == "euler" and ex.params["size"] == "1024x1024"
    )
    assert ex.original["workflow"] == COMFY_WORKFLOW
    a = parse_a1111(A1111)
    assert a.prompt == "masterpiece, a red fox in the snow, <lora:fur:0.7>"
    assert a.negative_prompt == "lowres, bad anatomy"
    assert a.seeds == [4242] and a.models == ["v1-5-pruned-emaonly"]
    assert a.params["Sampler"] == "DPM++ 2M Karras" and a.params["CFG scale"] == "6.5"
    assert a.params["Size"] == "512x768" and a.params["Model hash"] == "6ce0161689"
    assert a.params["Lora hashes"] == "fur: abc123, x: y"


def test_ingest_folder(recorder, folder):
    before = _snapshot(folder)
    report = ingest_dir(recorder, "acme", folder)
    assert {p for p, _ in report.added} == {"comfy.png", "sub/a1111.png", "plain.jpg"}
    failed = dict(report.failed)
    assert set(failed) == {"broken.png", "escape.png"}
    assert "outside" in failed["escape.png"]
    assert "InvalidImage" in failed["broken.png"]
    assert report.skipped == 1  # notes.txt
    assert [p for p, _ in report.duplicates] == ["sub/inside-link.png"]  # a link inside the folder is fine
    ids = dict(report.added)
    with recorder.sessions() as s:
        repo = CatalogRepository(s, "acme")
        comfy = repo.get(ids["comfy.png"])
        assert comfy.source == "ingested" and comfy.engine == "comfyui"
        assert comfy.requested_model == "sd_xl_base_1.0.safetensors" and comfy.seed == 156680208700286
        assert comfy.prompt == "a lighthouse at dawn, oil painting"
        assert comfy.negative_prompt == "blurry, watermark"
        assert comfy.extra["original"]["prompt"] == COMFY_GRAPH  # the original workflow is kept
        assert comfy.extra["original"]["workflow"] == COMFY_WORKFLOW
        a1 = repo.get(ids["sub/a1111.png"])
        assert a1.engine == "a1111" and a1.seed == 4242 and a1.requested_model == "v1-5-pruned-emaonly"
        assert a1.extra["original"]["parameters"] == A1111
        assert repo.get(ids["plain.jpg"]).engine == "unknown"
        # stored byte for byte
        assert recorder.get_asset("acme", ids["comfy.png"]).data == (folder / "comfy.png").read_bytes()
    again = ingest_dir(recorder, "acme", folder)
    assert again.added == [] and len(again.duplicates) == 4
    assert _snapshot(folder) == before  # sources never modified (bytes and mtimes)
    with recorder.sessions() as s:
        assert CatalogRepository(s, "acme").count() == 3
        assert CatalogRepository(s, "other").count() == 0


def test_own_files_are_linked_not_duplicated(record, recorder, tmp_path):
    [a] = record("acme", "our own poster")
    d = tmp_path / "mine"
    d.mkdir()
    # an imagegen file re-saved by some tool that keeps text chunks: new bytes, same text record
    src = Image.open(io.BytesIO(a.data))
    info = PngInfo()
    info.add_itxt(KEYWORD, src.info[KEYWORD])
    src.convert("RGB").save(d / "resaved.png", pnginfo=info, compress_level=1)
    report = ingest_dir(recorder, "acme", d)
    assert report.linked == [("resaved.png", a.asset_id)] and report.added == []
    # another tenant does not own that id: for it this is simply a new file
    assert len(ingest_dir(recorder, "other", d).added) == 1


def test_cli_ingest_and_watch(recorder, settings, folder, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("IMAGEGEN_HOME", str(settings.home))
    assert cli_main(["ingest", str(folder), "--tenant", "acme", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["added"] == 3 and doc["failed"] == 2
    assert {e["path"] for e in doc["errors"]} == {"broken.png", "escape.png"}
    # --watch: files that appear later are ingested once they are complete
    live = tmp_path / "live"
    live.mkdir()
    reports: list[IngestReport] = []
    stop, ready = threading.Event(), threading.Event()
    t = threading.Thread(target=watch, args=(recorder, "acme", live, reports.append, stop),
                         kwargs={"ready": ready}, daemon=True)
    t.start()
    try:
        # files written before the watch is in place would never be seen (importing watchdog and starting
        # the observer can take longer than any fixed pause on a loaded machine)
        assert ready.wait(30)
        shutil.copy(folder / "sub" / "a1111.png", live / "copy.png")  # known bytes: a duplicate
        (live / "new.png").write_bytes(_png(9, {"parameters": A1111.replace("4242", "777")}))
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not any(r.added for r in reports):
            time.sleep(0.1)
    finally:
        stop.set()
        t.join(timeout=10)
    added = [x for r in reports for x in r.added]
    assert [p for p, _ in added] == ["new.png"]
    with recorder.sessions() as s:
        assert CatalogRepository(s, "acme").get(added[0][1]).seed == 777


def test_c2pa_ingredients_become_lineage(record, recorder, tmp_path):
    import hashlib

    from catalog_helpers import context, engine_result

    from imagegen.contract.specs import InputImage
    from imagegen.provenance.records import DST_COMPOSITE

    [parent] = record("acme", "the original poster", size=(384, 384))
    # the same parent edited in another installation/tenant: its file names the parent as a C2PA ingredient
    inp = InputImage(
        image=Image.open(io.BytesIO(parent.data)),
        data=parent.data,
        sha256=hashlib.sha256(parent.data).hexdigest(),
        asset_id=parent.asset_id,
        filename=f"{parent.asset_id}.png",
    )
    [edited] = recorder.record(
        context("elsewhere", "make it red", operation="edit", inputs=(inp,)),
        engine_result([picture(77, (384, 384))]),
    )
    d = tmp_path / "c2pa"
    d.mkdir()
    (d / "edited.png").write_bytes(edited.data)
    report = ingest_dir(recorder, "acme", d)
    [(_, new_id)] = report.added
    with recorder.sessions() as s:
        repo = CatalogRepository(s, "acme")
        row = repo.get(new_id)
        assert row.engine == "c2pa" and row.digital_source_type == DST_COMPOSITE
        assert row.extra["original"]["c2pa"]["claim_generator"]
        assert repo.parents_of(new_id) == [(parent.asset_id, "c2pa_ingredient")]
