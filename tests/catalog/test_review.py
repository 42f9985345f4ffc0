"""Review and approval (SPEC §11): states, history, "which version did we approve", export, API and CLI.

The facade tests run on SQLite here and on PostgreSQL in tests/pg (imported there); the API and CLI tests
drive the real ``imagegen serve`` on loopback and the real ``imagegen`` command.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from catalog_helpers import context, engine_result, picture

from imagegen.cli.main import main as cli_main
from imagegen.config import Settings
from imagegen.contract.errors import InvalidValue, NotFound
from imagegen.db.engine import dispose_all
from imagegen.provenance.catalog.recorder import Recorder
from imagegen.provenance.catalog.search import SearchQuery
from imagegen.service.catalog import Catalog, thumbnail_cache
from imagegen.tenants import TenantStore

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "queue"))

from queue_helpers import Server, server_env


def _edit(recorder: Any, tenant: str, parent: Any, prompt: str, seed: int) -> Any:
    ctx = context(tenant, prompt, operation="edit", inputs=(recorder.load_input(tenant, parent.asset_id),))
    [made] = recorder.record(ctx, engine_result([picture(seed)]))
    return made


def _tree(recorder: Any, record: Any, tenant: str = "acme") -> dict[str, Any]:
    """root -> v1 -> v2 (depth 2) and root -> alt; plus an unrelated asset."""
    [root] = record(tenant, "Client poster, first round")
    v1 = _edit(recorder, tenant, root, "bigger headline", 501)
    v2 = _edit(recorder, tenant, v1, "warmer colours", 502)
    alt = _edit(recorder, tenant, root, "alternative layout", 503)
    [other] = record(tenant, "Unrelated logo")
    return {"root": root, "v1": v1, "v2": v2, "alt": alt, "other": other}


def _ids(page: Any) -> set[str]:
    return {a["asset_id"] for a in page.items}


def test_review_states_history_and_approval_query(recorder, record, settings):
    t = _tree(recorder, record)
    cat = Catalog(recorder, "acme", thumbnail_cache(settings))
    fresh = cat.asset(t["v2"].asset_id)
    assert fresh["review"] == {"state": "draft", "comment": None, "by": None, "at": None}
    assert fresh["review_history"] == []

    cat.review(t["v1"].asset_id, "approved", by="ann", comment="good")
    cat.review(t["v2"].asset_id, "approved", by="ig_0123456789abcdef (bob)")
    doc = cat.review(t["v2"].asset_id, "rejected", by="carol", comment="client changed mind")
    cat.review(t["other"].asset_id, "approved", by="ann")
    assert doc["review"]["state"] == "rejected" and doc["review"]["by"] == "carol"
    assert doc["review"]["comment"] == "client changed mind" and doc["review"]["at"].endswith("Z")
    assert [(h["state"], h["by"]) for h in doc["review_history"]] == [
        ("approved", "ig_0123456789abcdef (bob)"),
        ("rejected", "carol"),
    ]

    # "which version did we approve": root + every descendant at any depth, approved only
    approved = cat.search(SearchQuery.from_filters(review="approved", root=t["root"].asset_id))
    assert _ids(approved) == {t["v1"].asset_id}
    assert approved.items[0]["review_state"] == "approved"
    whole = cat.search(SearchQuery.from_filters(root=t["root"].asset_id))
    assert _ids(whole) == {t[k].asset_id for k in ("root", "v1", "v2", "alt")}
    drafts = cat.search(SearchQuery.from_filters(review="draft"))
    assert _ids(drafts) == {t["root"].asset_id, t["alt"].asset_id}
    grouped = cat.families(SearchQuery.from_filters(review="approved", root=t["root"].asset_id))
    assert grouped.total == 1

    with pytest.raises(InvalidValue) as bad:
        cat.review(t["v1"].asset_id, "maybe", by="ann")
    assert bad.value.param == "state"
    with pytest.raises(InvalidValue):
        SearchQuery.from_filters(review="maybe")
    intruder = Catalog(recorder, "globex", thumbnail_cache(settings))
    with pytest.raises(NotFound):
        intruder.review(t["v1"].asset_id, "rejected", by="mallory")
    with pytest.raises(NotFound):
        intruder.search(SearchQuery.from_filters(root=t["root"].asset_id))
    assert cat.asset(t["v1"].asset_id)["review"]["state"] == "approved"  # untouched by the intruder

    rows = list(csv.DictReader(io.StringIO(_export(cat, "csv"))))
    by_id = {r["asset_id"]: r for r in rows}
    assert by_id[t["v2"].asset_id]["review_state"] == "rejected"
    assert by_id[t["v2"].asset_id]["review_by"] == "carol"
    assert by_id[t["v2"].asset_id]["review_comment"] == "client changed mind"
    assert by_id[t["v2"].asset_id]["review_at"].endswith("Z")
    assert by_id[t["alt"].asset_id]["review_state"] == "draft" and by_id[t["alt"].asset_id]["review_by"] == ""
    as_json = {r["asset_id"]: r for r in json.loads(_export(cat, "json"))}
    assert as_json[t["v1"].asset_id]["review_state"] == "approved"
    assert as_json[t["root"].asset_id]["review_at"] is None


def _export(cat: Catalog, fmt: str) -> str:
    buf = io.StringIO()
    cat.export(buf, fmt=fmt)  # type: ignore[arg-type]
    return buf.getvalue()


def test_thumbnails_are_made_once(recorder, record, settings):
    [a] = record("acme", "thumb me", size=(640, 480))
    cat = Catalog(recorder, "acme", thumbnail_cache(settings))
    first = cat.thumbnail(a.asset_id, 320)
    path = cat.thumbs.path(a.sha256, 320)
    assert path.is_file() and path.read_bytes() == first.data
    mtime = path.stat().st_mtime_ns
    again = cat.thumbnail(a.asset_id, 320)
    assert again.data == first.data and path.stat().st_mtime_ns == mtime  # read, not remade
    from PIL import Image

    assert Image.open(io.BytesIO(first.data)).size == (320, 240)
    with pytest.raises(NotFound):
        Catalog(recorder, "globex", thumbnail_cache(settings)).thumbnail(a.asset_id, 320)
    with pytest.raises(ValueError):
        cat.thumbnail(a.asset_id, 999)


def test_review_cli_local(recorder, record, settings, monkeypatch, capsys):
    t = _tree(recorder, record)
    monkeypatch.setenv("IMAGEGEN_HOME", str(settings.home))
    monkeypatch.setenv("IMAGEGEN_DATABASE_URL", settings.database_url)
    capsys.readouterr()
    assert cli_main(["review", t["v2"].asset_id, "approved", "--comment", "ship it", "--tenant", "acme",
                     "--user", "ann", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["review"]["state"] == "approved" and doc["review"]["by"] == "ann"
    assert cli_main(["review", t["alt"].asset_id, "rejected", "--tenant", "acme"]) == 0
    line = capsys.readouterr().out
    assert "rejected" in line and t["alt"].asset_id in line
    assert cli_main(["search", "--tenant", "acme", "--review", "approved", "--root", t["root"].asset_id,
                     "--json"]) == 0
    assert [a["asset_id"] for a in json.loads(capsys.readouterr().out)["data"]] == [t["v2"].asset_id]
    assert cli_main(["review", t["v2"].asset_id, "maybe", "--tenant", "acme"]) == 64  # click refuses it
    assert cli_main(["review", t["v2"].asset_id, "approved", "--tenant", "globex"]) == 65  # NotFound


# ---- the HTTP API and the CLI against a server ----------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    home = tmp_path_factory.mktemp("review") / "home"
    settings = Settings(home=home, database_url=f"sqlite:///{home / 'imagegen.db'}")
    rec = Recorder(settings)
    tenants = TenantStore(settings.database_url)
    acme_key = tenants.create_key("acme")[1]
    globex_key = tenants.create_key("globex")[1]
    counter = iter(range(700, 800))

    def record(tenant: str, prompt: str, **kw: Any) -> list[Any]:
        return list(rec.record(context(tenant, prompt, **kw), engine_result([picture(next(counter))])))

    tree = _tree(rec, record)
    dispose_all()
    srv = Server(home=home, env=server_env(home)).start()
    try:
        yield {"srv": srv, "home": home, "acme": acme_key, "globex": globex_key, **tree}
    finally:
        srv.stop()


def test_review_api(server):
    srv = server["srv"]
    acme, globex = srv.client(server["acme"]), srv.client(server["globex"])
    v1, v2, root = server["v1"].asset_id, server["v2"].asset_id, server["root"].asset_id
    r = acme.get(f"/v1/assets/{v1}")
    assert r.json()["review"]["state"] == "draft" and r.json()["review_history"] == []
    r = acme.post(f"/v1/assets/{v1}/review", json={"state": "approved", "comment": "final", "user": "ann"})
    assert r.status_code == 200, r.text
    key_id = "ig_" + server["acme"].split("_")[1]
    assert r.json()["review"]["by"] == f"{key_id} (ann)" and r.json()["id"] == v1
    r = acme.post(f"/v1/assets/{v2}/review", json={"state": "rejected"})
    assert r.json()["review"]["by"] == key_id
    doc = acme.get(f"/v1/assets/{v1}").json()
    assert doc["review"]["comment"] == "final" and len(doc["review_history"]) == 1

    r = acme.get("/v1/assets", params={"review": "approved", "root": root})
    assert r.status_code == 200 and [a["asset_id"] for a in r.json()["data"]] == [v1]
    assert set(r.json()) >= {"object", "data", "next_cursor", "has_more"}  # the same shape as every list

    for body, param in (({"state": "maybe"}, "state"), ({"state": "approved", "extra": 1}, "extra"),
                        ({"state": "approved", "comment": 5}, "comment")):
        bad = acme.post(f"/v1/assets/{v1}/review", json=body)
        assert bad.status_code == 400 and bad.json()["error"]["param"] == param, bad.text
        assert bad.json()["error"]["code"] == "invalid_value"
    assert acme.post(f"/v1/assets/{v1}/review", content=b"not json").status_code == 400
    assert acme.get("/v1/assets", params={"review": "maybe"}).status_code == 400
    assert globex.post(f"/v1/assets/{v1}/review", json={"state": "rejected"}).status_code == 404
    assert globex.get("/v1/assets", params={"root": root}).status_code == 404
    assert acme.get("/v1/assets", params={"root": "img_0000000000000000"}).status_code == 404
    assert httpx.post(f"{srv.url}/v1/assets/{v1}/review", json={"state": "draft"}).status_code == 401

    csv_text = acme.get("/v1/export", params={"format": "csv"}).text
    rows = {r["asset_id"]: r for r in csv.DictReader(io.StringIO(csv_text))}
    assert rows[v1]["review_state"] == "approved" and rows[v1]["review_comment"] == "final"


def test_review_cli_against_server(server, monkeypatch, capsys):
    srv = server["srv"]
    # the unrelated asset, outside root's lineage: test_review_api lists what is approved under root, and the
    # module's server is shared (either test may run first)
    asset = server["other"].asset_id
    monkeypatch.setenv("IMAGEGEN_API_KEY", server["acme"])
    capsys.readouterr()
    assert cli_main(["review", asset, "approved", "--comment", "client pick", "--user", "dee",
                     "--server", srv.url, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["review"]["state"] == "approved" and doc["review"]["by"].endswith("(dee)")
    assert srv.client(server["acme"]).get(f"/v1/assets/{asset}").json()["review"]["comment"] == "client pick"
    monkeypatch.setenv("IMAGEGEN_API_KEY", server["globex"])
    assert cli_main(["review", asset, "rejected", "--server", srv.url]) == 65  # another tenant's: 404
    monkeypatch.delenv("IMAGEGEN_API_KEY")
    monkeypatch.setenv("IMAGEGEN_TOKEN_FILE", str(server["home"] / "no-token"))
    assert cli_main(["review", asset, "rejected", "--server", srv.url]) == 77


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    from imagegen.db.engine import alembic_config

    return str(ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head())


def check_migration_0004(url: str, record: Any) -> None:
    """Down to 0003 and back: the review columns and table go and return; existing rows read ``draft``."""
    from alembic import command
    from sqlalchemy import create_engine, inspect, text

    from imagegen.db.engine import alembic_config

    [a] = record("acme", "before the downgrade")
    dispose_all()
    command.downgrade(alembic_config(url), "0003")
    eng = create_engine(url)
    try:
        insp = inspect(eng)
        assert "catalog_reviews" not in insp.get_table_names()
        assert "review_state" not in {c["name"] for c in insp.get_columns("catalog_assets")}
    finally:
        eng.dispose()
    command.upgrade(alembic_config(url), "head")
    eng = create_engine(url)
    try:
        with eng.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head_revision()
            state = conn.execute(
                text("SELECT review_state FROM catalog_assets WHERE asset_id = :a"), {"a": a.asset_id}
            ).scalar()
            assert state == "draft"
        insp = inspect(eng)
        assert "ix_catalog_assets_tenant_review" in {i["name"] for i in insp.get_indexes("catalog_assets")}
        assert "ix_catalog_reviews_tenant_asset" in {i["name"] for i in insp.get_indexes("catalog_reviews")}
    finally:
        eng.dispose()


def test_migration_0004_sqlite(settings, record):
    check_migration_0004(settings.database_url, record)
