"""What an upstream's image becomes here: a C2PA ingredient, catalog facts, per-tenant cost, exact masks."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import c2pa
import numpy as np
import pytest
from fakes import FakeOpenAI, picture, png
from PIL import Image

from conftest import Recording, openai_engine
from imagegen.config import Settings
from imagegen.contract.specs import EditSpec, GenerateSpec, InputImage
from imagegen.db.engine import dispose_all
from imagegen.engines.upstream.config import Prices
from imagegen.provenance.catalog.models import Asset
from imagegen.provenance.catalog.recorder import Recorder
from imagegen.provenance.catalog.usage import usage_report
from imagegen.provenance.marks.c2pa_sign import sign_asset
from imagegen.provenance.marks.certs import load_or_create_signer
from imagegen.provenance.records import DST_TRAINED, FileProvenance, RecordContext


@pytest.fixture
def settings(tmp_path: Path) -> Iterator[Settings]:
    home = tmp_path / "home"
    s = Settings(home=home, database_url=f"sqlite:///{home / 'imagegen.db'}")
    s.ensure_dirs()
    yield s
    dispose_all()


def signed_upstream(tmp_path: Path) -> FakeOpenAI:
    """A fake upstream whose PNGs carry a C2PA manifest of their own (signed by a second, 'upstream' CA)."""
    signer = load_or_create_signer(tmp_path / "upstream-keys")

    def make_file(width: int, height: int, fields: dict) -> bytes:
        prov = FileProvenance(
            asset_id="img_00000000000000aa", tenant_id="upstream", digital_source_type=DST_TRAINED,
            requested_model=str(fields.get("model")), engine="fake-upstream", engine_version="1",
            backend="fake", prompt=str(fields.get("prompt")), created_at="2026-01-01T00:00:00Z")
        return sign_asset(png(picture(width, height)), output_format="png", prov=prov, signer=signer)

    return FakeOpenAI(make_file)


def manifest_store(data: bytes) -> dict:
    with c2pa.Reader("image/png", io.BytesIO(data)) as reader:
        return json.loads(reader.json())


def test_upstream_manifest_becomes_our_ingredient(tmp_path: Path, settings: Settings) -> None:
    with signed_upstream(tmp_path) as fake:
        engine = openai_engine(fake, prices=Prices(per_image={"low": 0.011}))
        result = engine.generate(GenerateSpec(prompt="a lighthouse at dusk", model="upstream/gw", n=2,
                                              width=1024, height=1024, quality="low", seed=3), Recording())
    upstream_label = manifest_store(result.images[0].sources[0].data)["active_manifest"]
    recorder = Recorder(settings)
    ctx = RecordContext(tenant_id="acme", operation="generate", requested_model="upstream/gw",
                        prompt="a lighthouse at dusk", params={"output_format": "png"})
    assets = recorder.record(ctx, result)
    store = manifest_store(assets[0].data)
    ours = store["manifests"][store["active_manifest"]]
    (ingredient,) = ours["ingredients"]
    assert ingredient["relationship"] == "componentOf"
    assert ingredient["active_manifest"] == upstream_label
    assert store["manifests"][upstream_label]["claim_generator_info"][0]["name"] == "imagegen"
    assertion = next(x for x in ours["assertions"] if x["label"].startswith("c2pa.actions"))
    actions = [a["action"] for a in assertion["data"]["actions"]]
    assert actions[:2] == ["c2pa.created", "c2pa.placed"]
    with recorder.sessions() as session:
        row = session.query(Asset).filter_by(asset_id=assets[0].asset_id).one()
        assert row.extra["upstream"]["model"] == "gpt-image-2"
        assert row.extra["upstream"]["request_id"] == "req_fake_1"
        assert row.extra["contributors"] == [{"engine": "imagegen-upstream", "backend": "upstream/gw",
                                              "model": "gpt-image-2", "region": "image"}]
        report = usage_report(session, "acme", None, None)
        # two images of one request: each row holds its share, the tenant's sum is the request's cost
        assert report["upstream_cost_usd"] == pytest.approx(0.022)
        assert report["upstream_tokens"] == 1096
        assert usage_report(session, "other", None, None)["upstream_cost_usd"] == 0


def test_mask_edit_is_bit_identical_outside_the_mask(fake_openai: FakeOpenAI) -> None:
    rng = np.random.default_rng(5)
    source = Image.fromarray(rng.integers(0, 256, (480, 640, 3), dtype=np.uint8), "RGB")
    mask = Image.new("RGBA", source.size, (0, 0, 0, 255))
    mask.paste((0, 0, 0, 0), (200, 120, 440, 360))
    # the upstream answers a square picture of its own size whatever we send: we composite at ours
    fake_openai.make_file = lambda w, h, f: png(picture(1024, 1024, (250, 250, 10)))
    data = png(source)
    spec = EditSpec(prompt="put a yellow kite in the sky", model="upstream/gw", quality="medium", seed=1,
                    images=(InputImage(image=source, data=data, sha256="x", filename="in.png"),), mask=mask)
    result = openai_engine(fake_openai).edit(spec, Recording())
    sent = fake_openai.requests[0]
    assert sent["path"] == "/v1/images/edits"
    assert sent["fields"]["mask"][0] == "mask.png" and sent["fields"]["image"][0][1] == data
    out = np.asarray(result.images[0].pixels)
    original = np.asarray(source)
    editable = np.asarray(mask)[:, :, 3] == 0
    assert out.shape == original.shape
    assert np.array_equal(out[~editable], original[~editable])
    assert not np.array_equal(out[editable], original[editable])
    extra = result.images[0].extra
    assert extra["unmasked_sha256_before"] == extra["unmasked_sha256_after"]
    assert extra["edit_mode"] == "mask" and extra["upstream_size"] == "1024x1024"
    assert result.images[0].editable_region is not None
