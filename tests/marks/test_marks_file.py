"""mark end to end: XMP read by exiftool, PNG text record, C2PA verdicts, edits' ingredients, watermark in
the final file, masked edits, and inspect_file reporting all of it."""

from __future__ import annotations

import io
import json
import subprocess

import c2pa
import numpy as np
import pytest
from marks_helpers import make_prov
from PIL import Image

from imagegen.provenance.marks.certs import Signer
from imagegen.provenance.marks.inspect import inspect_file
from imagegen.provenance.marks.marking import mark
from imagegen.provenance.records import DST_COMPOSITE, DST_TRAINED, Ingredient

EXIFTOOL = "/usr/bin/exiftool"


@pytest.fixture(scope="module")
def outputs(poster_1024: Image.Image, signer: Signer) -> dict[str, tuple[bytes, str]]:
    """One signed file per format: {fmt: (bytes, asset_id)}."""
    out = {}
    for fmt, comp in (("png", 100), ("jpeg", 85), ("webp", 100)):
        prov = make_prov()
        out[fmt] = (
            mark(
                poster_1024,
                output_format=fmt,
                compression=comp,
                prov=prov,
                signer=signer,
                catalog_ref=f"catalog:{prov.asset_id}",
            ).data,
            prov.asset_id,
        )
    return out


def _reader(data: bytes, mime: str, anchors: str | None = None) -> c2pa.Reader:
    cfg: dict = {"verify": {"remote_manifest_fetch": False}}
    if anchors:
        cfg["trust"] = {"user_anchors": anchors}
    return c2pa.Reader(mime, io.BytesIO(data), context=c2pa.Context(settings=c2pa.Settings.from_dict(cfg)))


def test_exiftool_reads_digital_source_type_from_every_format(outputs, tmp_path) -> None:
    paths = []
    for fmt, (data, _) in outputs.items():
        path = tmp_path / f"out.{fmt}"
        path.write_bytes(data)
        paths.append(str(path))
    res = subprocess.run(
        [
            EXIFTOOL,
            "-j",
            "-XMP-iptcExt:DigitalSourceType",
            "-XMP-iptcExt:AISystemUsed",
            "-XMP-iptcExt:AIPromptInformation",
            *paths,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    rows = json.loads(res.stdout)
    assert len(rows) == 3
    for row in rows:
        assert row["DigitalSourceType"] == DST_TRAINED
        assert row["AISystemUsed"].startswith("imagegen planning engine")
        assert "Summer Sale 50%" in row["AIPromptInformation"]


def test_png_carries_the_text_record(outputs) -> None:
    data, asset_id = outputs["png"]
    img = Image.open(io.BytesIO(data))
    record = json.loads(img.text["imagegen"])
    assert record["asset_id"] == asset_id
    assert record["catalog"] == f"catalog:{asset_id}"
    assert record["engine"] == "planning" and record["model"] == "gpt-image-2"
    assert record["watermark"]["id"] == asset_id.removeprefix("img_")
    assert "XML:com.adobe.xmp" in img.text


@pytest.mark.parametrize("fmt", ["png", "jpeg", "webp"])
def test_c2pa_trusted_with_our_root_valid_without(outputs, signer: Signer, fmt: str) -> None:
    data, _ = outputs[fmt]
    mime = f"image/{fmt}"
    assert _reader(data, mime, signer.root_cert_pem).get_validation_state() == "Trusted"
    plain = _reader(data, mime)
    assert plain.get_validation_state() == "Valid"
    manifest = plain.get_active_manifest()
    assertion = next(a for a in manifest["assertions"] if a["label"].startswith("c2pa.actions"))
    actions = assertion["data"]["actions"]
    assert actions[0]["action"] == "c2pa.created"
    assert actions[0]["digitalSourceType"] == DST_TRAINED
    assert manifest["claim_generator_info"][0]["name"] == "imagegen"


def _flip_image_byte(data: bytes, fmt: str) -> bytes:
    buf = bytearray(data)
    if fmt == "png":
        pos = data.index(b"IDAT") + 200
    elif fmt == "jpeg":
        pos = data.rindex(b"\xff\xda") + 400  # inside the entropy-coded scan
    else:
        pos = data.index(b"VP8") + 300
    buf[pos] ^= 0x01
    return bytes(buf)


@pytest.mark.parametrize("fmt", ["png", "jpeg", "webp"])
def test_one_flipped_image_byte_makes_it_invalid(outputs, signer: Signer, fmt: str) -> None:
    data, _ = outputs[fmt]
    tampered = _flip_image_byte(data, fmt)
    report = inspect_file(tampered, trust_anchors_pem=signer.root_cert_pem, decode_watermark=False)
    assert report.c2pa.present
    assert report.c2pa.validation_state == "Invalid"


def test_edit_names_its_parent_as_ingredient(outputs, poster_1024, signer: Signer) -> None:
    parent_data, parent_id = outputs["png"]
    prov = make_prov(
        operation="edit",
        digital_source_type=DST_COMPOSITE,
        ingredients=(Ingredient(data=parent_data, format="png", title="poster.png", asset_id=parent_id),),
    )
    edited = poster_1024.rotate(180)
    data = mark(edited, output_format="png", compression=100, prov=prov, signer=signer).data
    report = inspect_file(data, trust_anchors_pem=signer.root_cert_pem)
    assert report.c2pa.validation_state == "Trusted"
    names = [a["action"] for a in report.c2pa.actions]
    assert names[:2] == ["c2pa.opened", "c2pa.edited"]
    assert report.c2pa.actions[0]["ingredients"], "c2pa.opened must reference its ingredient"
    assert report.c2pa.actions[1]["digitalSourceType"] == DST_COMPOSITE
    (ing,) = report.c2pa.ingredients
    assert ing["relationship"] == "parentOf" and ing["title"] == "poster.png"
    assert ing["active_manifest"], "the parent's own manifest travels with it"
    assert report.c2pa.manifests == 2
    assert report.text_record["parents"] == [parent_id]
    assert report.digital_source_type == DST_COMPOSITE


def test_inspect_reports_everything(outputs, signer: Signer) -> None:
    data, asset_id = outputs["png"]
    report = inspect_file(data, trust_anchors_pem=signer.root_cert_pem)
    assert (report.format, report.mime, report.width, report.height) == ("png", "image/png", 1024, 1024)
    assert report.digital_source_type == DST_TRAINED
    assert report.asset_id == asset_id
    assert report.ai["AIPromptWriterName"] == "alice"
    assert report.ai["AISystemVersionUsed"] == "0.1.0"
    assert report.xmp["imagegen:AssetId"] == asset_id
    assert report.text_record["asset_id"] == asset_id
    assert report.c2pa.validation_state == "Trusted"
    assert report.c2pa.manifest_label.startswith("urn:c2pa:")
    assert report.c2pa.asset["asset_id"] == asset_id
    assert report.c2pa.claim_generator.startswith("imagegen/")
    assert report.watermark["asset_id"] == asset_id
    json.dumps(report.to_json())  # serializable
    untrusted = inspect_file(data, decode_watermark=False)
    assert untrusted.c2pa.validation_state == "Valid"
    assert "signingCredential.untrusted" in untrusted.c2pa.failures


def test_plain_file_has_no_provenance(poster_1024) -> None:
    buf = io.BytesIO()
    poster_1024.save(buf, "PNG")
    report = inspect_file(buf.getvalue())
    assert not report.c2pa.present and report.c2pa.validation_state is None
    assert report.digital_source_type is None and report.text_record is None
    assert report.watermark["asset_id"] is None


@pytest.mark.parametrize("attack", ["jpeg80", "resize075"])
def test_watermark_of_the_final_file_survives(outputs, attack: str) -> None:
    data, asset_id = outputs["png"]
    img = Image.open(io.BytesIO(data)).convert("RGB")
    if attack == "resize075":
        img = img.resize((768, 768), Image.LANCZOS)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=80)  # also strips every metadata record and the manifest
    report = inspect_file(buf.getvalue())
    assert report.text_record is None and not report.c2pa.present
    assert report.watermark["asset_id"] == asset_id


def test_masked_edit_changes_no_pixel_outside_the_region(poster_1024, signer: Signer) -> None:
    region = Image.new("L", poster_1024.size, 0)
    region.paste(255, (200, 300, 840, 900))
    prov = make_prov(operation="edit", digital_source_type=DST_COMPOSITE)
    result = mark(
        poster_1024, output_format="png", compression=100, prov=prov, signer=signer, editable_region=region
    )
    assert result.watermark_id == prov.asset_id and result.watermark_region == (200, 300, 840, 900)
    out = np.asarray(Image.open(io.BytesIO(result.data)).convert("RGB"))
    before = np.asarray(poster_1024.convert("RGB"))
    outside = np.asarray(region) == 0
    assert np.array_equal(out[outside], before[outside])
    assert not np.array_equal(out[~outside], before[~outside])
    report = inspect_file(result.data)
    assert report.watermark["asset_id"] == prov.asset_id
    assert report.watermark["region"] == [200, 300, 840, 900]
    assert result.manifest_label and result.manifest_label == report.c2pa.manifest_label


def test_tiny_masked_region_skips_the_watermark_and_says_so(poster_1024, signer: Signer) -> None:
    region = Image.new("L", poster_1024.size, 0)
    region.paste(255, (10, 10, 60, 40))
    prov = make_prov(operation="edit", digital_source_type=DST_COMPOSITE)
    result = mark(
        poster_1024, output_format="png", compression=100, prov=prov, signer=signer, editable_region=region
    )
    assert result.watermark_id is None and result.notes
    out = np.asarray(Image.open(io.BytesIO(result.data)).convert("RGB"))
    assert np.array_equal(out, np.asarray(poster_1024.convert("RGB")))
    record = json.loads(Image.open(io.BytesIO(result.data)).text["imagegen"])
    assert record["watermark"]["id"] is None and "too small" in record["watermark"]["note"]


def test_alpha_kept_for_png_and_flattened_for_jpeg(poster_1024, signer: Signer) -> None:
    rgba = poster_1024.convert("RGBA")
    alpha = Image.new("L", rgba.size, 255)
    alpha.paste(0, (0, 0, 200, 200))
    rgba.putalpha(alpha)
    png = Image.open(
        io.BytesIO(mark(rgba, output_format="png", compression=100, prov=make_prov(), signer=signer).data)
    )
    assert png.mode == "RGBA"
    assert np.array_equal(np.asarray(png.getchannel("A")), np.asarray(alpha))
    jpg = Image.open(
        io.BytesIO(mark(rgba, output_format="jpeg", compression=90, prov=make_prov(), signer=signer).data)
    )
    assert jpg.mode == "RGB"
    assert np.asarray(jpg)[50, 50].min() > 240  # transparent corner flattened onto white


def test_webp_compression_100_is_lossless(poster_1024, signer: Signer) -> None:
    prov = make_prov()
    marked = mark(poster_1024, output_format="webp", compression=100, prov=prov, signer=signer)
    png = mark(poster_1024, output_format="png", compression=100, prov=prov, signer=signer)
    a = np.asarray(Image.open(io.BytesIO(marked.data)).convert("RGB"))
    b = np.asarray(Image.open(io.BytesIO(png.data)).convert("RGB"))
    assert np.array_equal(a, b)  # same id -> same watermarked pixels, and webp kept them exactly


def test_inspect_survives_garbage() -> None:
    report = inspect_file(b"not an image at all" * 10)
    assert report.format is None and report.notes
    assert not report.c2pa.present and report.watermark is None
    json.dumps(report.to_json())


def test_stripped_copy_keeps_nothing_but_the_watermark(outputs) -> None:
    data, asset_id = outputs["webp"]
    buf = io.BytesIO()
    Image.open(io.BytesIO(data)).save(buf, "PNG")  # a plain re-save drops XMP and the manifest
    report = inspect_file(buf.getvalue())
    assert report.digital_source_type is None and not report.c2pa.present
    assert report.watermark["asset_id"] == asset_id


def test_mark_from_several_threads(signer: Signer, poster_factory) -> None:
    from concurrent.futures import ThreadPoolExecutor

    img = poster_factory(512, 512)
    provs = [make_prov() for _ in range(6)]

    def one(prov):
        return mark(img, output_format="jpeg", compression=80, prov=prov, signer=signer).data

    with ThreadPoolExecutor(3) as pool:
        files = list(pool.map(one, provs))
    for prov, data in zip(provs, files, strict=True):
        report = inspect_file(data, trust_anchors_pem=signer.root_cert_pem)
        assert report.c2pa.validation_state == "Trusted"
        assert report.asset_id == prov.asset_id == report.watermark["asset_id"]


def test_masked_edit_of_our_output_reads_the_edit_in_its_box_and_the_parent_outside(
    outputs, signer: Signer
) -> None:
    parent_data, parent_id = outputs["png"]
    parent = Image.open(io.BytesIO(parent_data))
    region = Image.new("L", parent.size, 0)
    region.paste(255, (300, 300, 800, 800))
    prov = make_prov(operation="edit", digital_source_type=DST_COMPOSITE)
    result = mark(
        parent, output_format="png", compression=100, prov=prov, signer=signer, editable_region=region
    )
    report = inspect_file(result.data)
    assert report.watermark["asset_id"] == prov.asset_id
    assert report.watermark["whole_image_asset_id"] == parent_id


def test_huge_prompt_fits_the_jpeg_xmp_segment(signer: Signer, poster_factory) -> None:
    prompt = "&<\u00e9\u65e5" * 8000  # 32,000 characters that XML escaping and UTF-8 both inflate
    data = mark(
        poster_factory(512, 512),
        output_format="jpeg",
        compression=80,
        prov=make_prov(prompt=prompt),
        signer=signer,
    ).data
    report = inspect_file(data, decode_watermark=False)
    assert report.c2pa.validation_state == "Valid"
    assert report.ai["AIPromptInformation"].endswith("[truncated]")
    assert report.ai["AIPromptInformation"].startswith("&<\u00e9\u65e5")
