"""The save point: files in the store, rows in the catalog, inputs back out, tenants kept apart."""

from __future__ import annotations

import hashlib
import io

import pytest
from catalog_helpers import context, engine_result, picture, plan_with
from PIL import Image

from imagegen.contract.errors import NotFound
from imagegen.provenance.catalog.models import Asset
from imagegen.provenance.catalog.repository import CatalogRepository
from imagegen.provenance.records import DST_COMPOSITE, DST_TRAINED


def test_record_stores_file_and_row(recorder, settings):
    plan = plan_with(["Summer Jazz", "Friday 9 pm"])
    ctx = context(
        "acme", "A poster for a jazz night", user="u1", job_id="job1", compute_seconds=3.0, params={"seed": 7}
    )
    [a, b] = recorder.record(ctx, engine_result([picture(1), picture(2)], plans=[plan, plan], seed=7))
    assert a.asset_id != b.asset_id and a.asset_id.startswith("img_")
    for s in (a, b):
        assert hashlib.sha256(s.data).hexdigest() == s.sha256
        path = settings.assets_dir / s.sha256[:2] / s.sha256[2:4] / f"{s.sha256}.png"
        assert path.read_bytes() == s.data
        assert s.watermark_id == s.asset_id.removeprefix("img_")
    with recorder.sessions() as session:
        row = CatalogRepository(session, "acme").get(a.asset_id)
        assert row.prompt == "A poster for a jazz night"
        assert row.user == "u1" and row.job_id == "job1" and row.seed == 7
        assert row.requested_model == "gpt-image-2" and row.engine == "planning"
        assert row.digital_source_type == DST_TRAINED
        assert "Summer Jazz" in row.rendered_text and "Friday 9 pm" in row.rendered_text
        assert row.plan == plan and row.report == {"ok": True}
        assert row.render_sha256 and len(row.phash or "") == 16
        assert row.family_id == a.asset_id  # the first asset founds the family...
        assert CatalogRepository(session, "acme").get(b.asset_id).family_id == a.asset_id  # ...the next joins
        # 3 s over 2 images at 2 credits/s + 256x256 px at 1 credit/MP (fixture rates)
        assert row.compute_seconds == pytest.approx(1.5)
        assert row.cost_credits == pytest.approx(1.5 * 2 + 0.065536)


def test_edit_records_parents_and_composite_dst(recorder):
    [parent] = recorder.record(context("acme", "poster"), engine_result([picture(3)]))
    inp = recorder.load_input("acme", parent.asset_id)
    assert inp.plan is None and inp.sha256 == parent.sha256 and inp.image.size == (256, 256)
    ctx = context("acme", "make it red", operation="edit", inputs=(inp,))
    [child] = recorder.record(ctx, engine_result([picture(4)]))
    with recorder.sessions() as session:
        repo = CatalogRepository(session, "acme")
        assert repo.parents_of(child.asset_id) == [(parent.asset_id, "edit")]
        assert repo.get(child.asset_id).digital_source_type == DST_COMPOSITE
        assert repo.get(child.asset_id).source == "edited"


def test_load_input_returns_plan_and_match_input(recorder):
    plan = plan_with(["Hello"])
    [a] = recorder.record(context("acme", "hello"), engine_result([picture(5)], plans=[plan]))
    assert recorder.load_input("acme", a.asset_id).plan == plan
    found = recorder.match_input("acme", a.data)
    assert found is not None and found.asset_id == a.asset_id and found.plan == plan
    assert recorder.match_input("acme", b"not these bytes") is None


def test_tenant_isolation_on_reads(recorder):
    [a] = recorder.record(context("acme", "secret launch poster"), engine_result([picture(6)]))
    assert recorder.get_asset("acme", a.asset_id).data == a.data
    for call in (
        lambda: recorder.get_asset("other", a.asset_id),
        lambda: recorder.load_input("other", a.asset_id),
    ):
        with pytest.raises(NotFound) as err:
            call()
        assert "img_" in err.value.message and err.value.status == 404
    assert recorder.match_input("other", a.data) is None


def test_parents_of_other_tenants_are_not_linked(recorder):
    [foreign] = recorder.record(context("other", "x"), engine_result([picture(7)]))
    [mine] = recorder.record(
        context("acme", "y", parents=(foreign.asset_id, "img_0000000000000000")), engine_result([picture(8)])
    )
    with recorder.sessions() as session:
        assert CatalogRepository(session, "acme").parents_of(mine.asset_id) == []


def test_record_file_is_idempotent_and_untouched(recorder):
    buf = io.BytesIO()
    picture(9).save(buf, format="PNG")
    data = buf.getvalue()
    a, created = recorder.record_file("acme", data, prompt="found file", engine="comfyui")
    assert created and a.data == data  # stored exactly as given, never re-encoded
    b, created2 = recorder.record_file("acme", data)
    assert not created2 and b.asset_id == a.asset_id
    c, created3 = recorder.record_file("other", data)  # same blob, another tenant: its own row
    assert created3 and c.asset_id != a.asset_id
    with recorder.sessions() as session:
        assert session.query(Asset).filter(Asset.sha256 == a.sha256).count() == 2


def test_jpeg_and_webp_outputs(recorder):
    for fmt in ("jpeg", "webp"):
        [a] = recorder.record(
            context("acme", "p", params={"output_format": fmt, "output_compression": 80}),
            engine_result([picture(10)]),
        )
        assert a.output_format == fmt and a.content_type == f"image/{fmt}"
        assert Image.open(io.BytesIO(a.data)).format == fmt.upper()


def test_concurrent_records_from_threads(recorder):
    from concurrent.futures import ThreadPoolExecutor

    def work(i: int) -> list[str]:
        out = []
        for j in range(3):
            [a] = recorder.record(
                context("acme", f"thread {i} poster {j} for the same launch"),
                engine_result([picture(1000 + i * 10 + j)]),
            )
            out.append(a.asset_id)
        return out

    with ThreadPoolExecutor(4) as pool:
        ids = [x for chunk in pool.map(work, range(4)) for x in chunk]
    assert len(set(ids)) == 12
    with recorder.sessions() as session:
        assert CatalogRepository(session, "acme").count() == 12
