"""Catalog routes on a real server (uvicorn on loopback): the auditor's one call, tenant isolation."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from catalog_helpers import context, engine_result, picture
from PIL import Image
from sqlalchemy import update

from imagegen.config import Settings
from imagegen.db.engine import dispose_all
from imagegen.provenance.catalog.models import Asset
from imagegen.provenance.catalog.recorder import Recorder
from imagegen.tenants import TenantStore

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "queue"))

from queue_helpers import Server, server_env

JAZZ = "A flat design poster for a jazz night at the Blue Room, headline Summer Jazz, date in the footer"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    home = tmp_path_factory.mktemp("api") / "home"
    settings = Settings(home=home, database_url=f"sqlite:///{home / 'imagegen.db'}")
    rec = Recorder(settings)
    tenants = TenantStore(settings.database_url)
    acme_key = tenants.create_key("acme")[1]
    globex_key = tenants.create_key("globex")[1]
    jazz = rec.record(context("acme", JAZZ), engine_result([picture(1, (512, 512)), picture(2, (512, 512))]))
    [tax] = rec.record(
        context("acme", "Quarterly tax seminar slide with a bar chart"),
        engine_result([picture(3, (512, 512))]),
    )
    [edit] = rec.record(
        context("acme", "make it red", operation="edit", inputs=(rec.load_input("acme", tax.asset_id),)),
        engine_result([picture(4, (512, 512))]),
    )
    [old] = rec.record(context("acme", JAZZ, model="gpt-image-1"), engine_result([picture(5, (512, 512))]))
    with rec.sessions() as s, s.begin():
        for a in [*jazz, tax, edit]:
            s.execute(
                update(Asset).where(Asset.asset_id == a.asset_id).values(created_at=datetime(2026, 4, 23))
            )
        s.execute(
            update(Asset).where(Asset.asset_id == old.asset_id).values(created_at=datetime(2026, 4, 23))
        )
    dispose_all()
    # the real ``imagegen serve`` on a free loopback port, stopped at teardown (the queue area's helper)
    srv = Server(home=home, env=server_env(home)).start()
    try:
        yield {
            "url": srv.url,
            "acme": {"Authorization": f"Bearer {acme_key}"},
            "globex": {"Authorization": f"Bearer {globex_key}"},
            "jazz": jazz,
            "tax": tax,
            "edit": edit,
            "old": old,
        }
    finally:
        srv.stop()


def test_auditor_query_is_one_call(server):
    r = httpx.get(
        f"{server['url']}/v1/assets",
        headers=server["acme"],
        params={"model": "gpt-image-2", "from": "2026-04-22", "to": "2026-04-29", "group_by": "family"},
    )
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["total"] == 4  # 2 jazz + tax + its edit; the gpt-image-1 asset is filtered out
    groups = {g["family_id"]: {a["asset_id"] for a in g["assets"]} for g in doc["groups"]}
    assert groups[server["jazz"][0].asset_id] == {a.asset_id for a in server["jazz"]}
    r = httpx.get(f"{server['url']}/v1/assets", headers=server["globex"], params={"group_by": "family"})
    assert r.status_code == 200 and r.json()["total"] == 0


def test_listing_text_and_pages(server):
    r = httpx.get(f"{server['url']}/v1/assets", headers=server["acme"], params={"q": "tax seminar"})
    assert [a["asset_id"] for a in r.json()["data"]] == [server["tax"].asset_id]
    r = httpx.get(f"{server['url']}/v1/assets", headers=server["acme"], params={"limit": 2})
    page = r.json()
    assert len(page["data"]) == 2 and page["has_more"]
    r2 = httpx.get(
        f"{server['url']}/v1/assets",
        headers=server["acme"],
        params={"limit": 10, "cursor": page["next_cursor"]},
    )
    assert len(r2.json()["data"]) == 3 and not r2.json()["has_more"]
    bad = httpx.get(f"{server['url']}/v1/assets", headers=server["acme"], params={"cursor": "zzz"})
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "cursor"
    assert httpx.get(f"{server['url']}/v1/assets", params={}).status_code == 401


def test_asset_lineage_and_isolation(server):
    tax, edit = server["tax"], server["edit"]
    r = httpx.get(f"{server['url']}/v1/assets/{edit.asset_id}", headers=server["acme"])
    doc = r.json()
    assert doc["parents"] == [{"asset_id": tax.asset_id, "relation": "edit"}]
    assert doc["prompt"] == "make it red" and doc["digital_source_type"].endswith(
        "compositeWithTrainedAlgorithmicMedia"
    )
    r = httpx.get(f"{server['url']}/v1/assets/{tax.asset_id}/lineage", headers=server["acme"])
    assert [c["asset_id"] for c in r.json()["descendants"]["children"]] == [edit.asset_id]
    for path in (f"/v1/assets/{edit.asset_id}", f"/v1/assets/{tax.asset_id}/lineage"):
        r = httpx.get(server["url"] + path, headers=server["globex"])
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


def test_trace_export_usage(server):
    tax = server["tax"]
    img = Image.open(io.BytesIO(tax.data)).convert("RGB").resize((300, 300))
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=80)
    r = httpx.post(
        f"{server['url']}/v1/assets/trace", headers=server["acme"], content=buf.getvalue(), timeout=60
    )
    assert r.status_code == 200 and r.json()["asset_id"] == tax.asset_id
    r = httpx.post(
        f"{server['url']}/v1/assets/trace", headers=server["globex"], content=buf.getvalue(), timeout=60
    )
    assert r.status_code == 200 and r.json()["asset_id"] is None
    r = httpx.post(f"{server['url']}/v1/assets/trace", headers=server["acme"], content=b"junk")
    assert r.status_code == 400
    r = httpx.get(
        f"{server['url']}/v1/export", headers=server["acme"], params={"format": "csv", "hash_prompts": True}
    )
    lines = r.text.strip().splitlines()
    assert r.headers["content-type"].startswith("text/csv") and len(lines) == 6  # header + 5 assets
    assert "make it red" not in r.text
    assert httpx.get(f"{server['url']}/v1/export", headers=server["globex"]).json() == []
    u = httpx.get(f"{server['url']}/v1/usage", headers=server["acme"], params={"from": "2026-04-01"}).json()
    assert u["assets"] == 5 and u["tenant"] == "acme"
