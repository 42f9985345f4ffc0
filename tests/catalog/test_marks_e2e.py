"""The save point end to end with the real marks: XMP read by exiftool, C2PA Trusted under our root."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from catalog_helpers import context, engine_result, picture

from imagegen.provenance.catalog.repository import CatalogRepository
from imagegen.provenance.marks.inspect import inspect_file
from imagegen.provenance.records import DST_COMPOSITE, DST_TRAINED


@pytest.mark.skipif(
    shutil.which("exiftool") is None, reason="exiftool (Debian libimage-exiftool-perl) absent"
)
def test_generated_and_edited_files_carry_provenance(recorder, tmp_path):
    [gen] = recorder.record(context("acme", "a poster"), engine_result([picture(1, (512, 512))]))
    inp = recorder.load_input("acme", gen.asset_id)
    [edit] = recorder.record(
        context("acme", "make it blue", operation="edit", inputs=(inp,)),
        engine_result([picture(2, (512, 512))]),
    )
    anchors = recorder.signer.root_cert_pem
    for asset, dst in ((gen, DST_TRAINED), (edit, DST_COMPOSITE)):
        f = tmp_path / f"{asset.asset_id}.png"
        f.write_bytes(asset.data)
        out = subprocess.run(
            ["exiftool", "-json", "-XMP:DigitalSourceType", str(f)],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        assert json.loads(out.stdout)[0]["DigitalSourceType"] == dst
        found = inspect_file(asset.data, trust_anchors_pem=anchors, decode_watermark=False)
        assert found.c2pa.validation_state == "Trusted"
        assert found.asset_id == asset.asset_id
        with recorder.sessions() as s:
            row = CatalogRepository(s, "acme").get(asset.asset_id)
            assert row.c2pa_manifest_label == found.c2pa.manifest_label and row.c2pa_manifest_label
            assert row.watermark_id == asset.asset_id.removeprefix("img_")
    found = inspect_file(edit.data, trust_anchors_pem=anchors, decode_watermark=True)
    assert (found.watermark or {}).get("asset_id") == edit.asset_id
