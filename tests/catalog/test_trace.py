"""Trace: a file whose metadata was stripped (re-encoded, resized) still leads to its asset, per tenant."""

from __future__ import annotations

import io
import json

from catalog_helpers import context, engine_result, picture
from PIL import Image

from imagegen.cli.main import main as cli_main
from imagegen.provenance.catalog.trace import phash_distances, trace_bytes
from imagegen.provenance.marks import watermark
from imagegen.provenance.records import watermark_bits


def _stripped(data: bytes, *, scale: float = 1.0, quality: int = 80, mark: str | None = None) -> bytes:
    """Pixels only (no text chunks, no XMP, no C2PA), optionally resized like a screenshot, as JPEG."""
    img = Image.open(io.BytesIO(data)).convert("RGB")
    if mark is not None:
        img = watermark.embed(img, watermark_bits(mark))
    if scale != 1.0:
        img = img.resize((int(img.width * scale), int(img.height * scale)), Image.LANCZOS)
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=quality)
    return buf.getvalue()


def test_exact_bytes_and_phash(recorder):
    assets = recorder.record(context("acme", "p"), engine_result([picture(s, (512, 512)) for s in (1, 2, 3)]))
    target = assets[1]
    with recorder.sessions() as s:
        assert trace_bytes(s, "acme", target.data).method == "sha256"
        found = trace_bytes(s, "acme", _stripped(target.data, scale=0.6, quality=70), use_watermark=False)
        assert found.asset_id == target.asset_id and found.method == "phash"
        assert found.phash_distance is not None and found.phash_distance <= 10
        # another tenant never finds it, by any route
        assert trace_bytes(s, "other", target.data).asset_id is None
        assert trace_bytes(s, "other", _stripped(target.data, scale=0.6)).asset_id is None
        # an unrelated picture is not matched
        assert (
            trace_bytes(s, "acme", _stripped(_png(picture(99, (512, 512)))), use_watermark=False).asset_id
            is None
        )


def test_watermark_survives_reencode_and_resize(recorder):
    [a] = recorder.record(context("acme", "p"), engine_result([picture(7, (512, 512))]))
    copy = _stripped(a.data, scale=0.75, quality=85, mark=a.asset_id)
    with recorder.sessions() as s:
        found = trace_bytes(s, "acme", copy)
        assert found.asset_id == a.asset_id and found.method == "watermark"
        assert found.watermark and found.watermark["asset_id"] == a.asset_id
        assert trace_bytes(s, "other", copy).asset_id is None


def test_verify_cli(recorder, settings, tmp_path, monkeypatch, capsys):
    [a] = recorder.record(context("acme", "verify me", user="ann"), engine_result([picture(8, (512, 512))]))
    f = tmp_path / "screenshot.jpg"
    f.write_bytes(_stripped(a.data, scale=0.5))
    monkeypatch.setenv("IMAGEGEN_HOME", str(settings.home))
    assert cli_main(["verify", str(f), "--tenant", "acme", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["trace"]["asset_id"] == a.asset_id
    assert doc["catalog"]["prompt"] == "verify me" and doc["catalog"]["user"] == "ann"
    assert cli_main(["verify", str(f), "--tenant", "acme"]) == 0
    assert a.asset_id in capsys.readouterr().out
    assert cli_main(["verify", str(f), "--tenant", "other", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["catalog"] is None


def test_phash_distances():
    assert list(
        phash_distances("0000000000000000", ["0000000000000000", "ffffffffffffffff", "0000000000000003"])
    ) == [0, 64, 2]


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()
