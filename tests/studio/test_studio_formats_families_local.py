"""The studio's downloads in every format carry provenance, the family view scrolls by keyset pages, and local
single-user mode opens the studio without a key prompt (only on loopback, only while no key exists)."""

from __future__ import annotations

import base64
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import c2pa
import httpx
import pytest
from catalog_helpers import context, engine_result
from fastapi.testclient import TestClient
from studio_engines import picture
from studio_helpers import Seeded, seed_catalog, sign_in, start_server

from imagegen.config import Settings
from imagegen.db.engine import dispose_all
from imagegen.provenance.catalog.recorder import Recorder
from imagegen.provenance.marks.certs import load_or_create_signer
from imagegen.provenance.marks.inspect import inspect_file
from imagegen.provenance.records import DST_COMPOSITE, DST_TRAINED
from imagegen.service.auth_policy import LocalModeRefused
from imagegen.tenants import TenantStore

MIME = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp"}
#: more prompt families than one page of the family view (studio.routes.FAMILY_PAGE_SIZE = 24)
FAMILIES = 30


def _settings(home: Path) -> Settings:
    return Settings(home=home, database_url=f"sqlite:///{home / 'imagegen.db'}")


def _record(rec: Recorder, tenant: str, prompt: str, seed: int, size: int = 320) -> str:
    [made] = rec.record(context(tenant, prompt), engine_result([picture(size, size, seed, prompt)]))
    return str(made.asset_id)


def _seed_families(home: Path, seeded: Seeded) -> tuple[list[str], list[str]]:
    """Tenant ``wide``: 30 families (three of 3, 2 and 2 assets, the rest single); returns the family ids in
    the view's order (largest first, then by family id) and in the order they were made."""
    rec = Recorder(_settings(home))
    seeded.keys["wide"] = TenantStore(_settings(home).database_url).create_key("wide")[1]
    sizes = {0: 3, 1: 2, 2: 2}
    founders = []
    for i in range(FAMILIES):
        prompt = f"Series {i} item {i} variant {i}"  # every word pair names i: no two families share one
        ids = [_record(rec, "wide", prompt, 100 * i + k, size=96 + 8 * (i % 3))
               for k in range(sizes.get(i, 1))]
        founders.append((len(ids), ids[0]))  # a family's id is its first asset's id
    dispose_all()
    return [fid for _, fid in sorted(founders, key=lambda t: (-t[0], t[1]))], [fid for _, fid in founders]


@pytest.fixture(scope="module")
def wide(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Seeded, Any]]:
    home: Path = tmp_path_factory.mktemp("studio-wide") / "home"
    seeded = seed_catalog(home)
    families = _seed_families(home, seeded)
    server = start_server(home)
    try:
        yield server, seeded, families
    finally:
        server.stop()


def _c2pa(data: bytes, mime: str) -> tuple[str, dict[str, Any]]:
    """The validation state and manifest store as c2pa-python reads them (no trust anchors: Valid at best)."""
    with c2pa.Reader(mime, io.BytesIO(data)) as reader:
        return reader.get_validation_state(), json.loads(reader.json())


# ---- 1. every download format carries provenance ----------------------------------------------------------


def test_downloads_in_every_format_are_signed(wide, browser):
    server, seeded, _ = wide
    asset_id = seeded.ids["v1"]  # an edit: XMP says composite, the record names its parent
    page = sign_in(browser, server.url, seeded.keys["acme"])
    page.goto(f"/studio/assets/{asset_id}")
    api = server.client(seeded.keys["acme"])
    doc = api.get(f"/v1/assets/{asset_id}").json()
    stored = api.get(f"/v1/assets/{asset_id}/content").content
    assert doc["output_format"] == "png"
    root_pem = load_or_create_signer(_settings(seeded.home).keys_dir).root_cert_pem
    for fmt, link in (("png", "PNG · original"), ("jpeg", "JPEG"), ("webp", "WEBP")):
        with page.expect_download() as info:
            page.get_by_role("link", name=link, exact=True).click()
        download = info.value
        assert download.suggested_filename == f"{asset_id}.{'jpg' if fmt == 'jpeg' else fmt}"
        data = Path(download.path()).read_bytes()
        state, store = _c2pa(data, MIME[fmt])
        assert state == "Valid", (fmt, store.get("validation_results"))
        found = inspect_file(data, trust_anchors_pem=root_pem)
        assert found.mime == MIME[fmt] and found.c2pa.validation_state == "Trusted"
        assert found.digital_source_type == DST_COMPOSITE
        assert found.asset_id == asset_id and found.text_record is not None
        assert found.text_record["parents"] == [seeded.ids["root"]]
        assert found.ai["AIPromptInformation"].startswith("Make the headline bigger")
        assert found.watermark is not None and found.watermark["asset_id"] == asset_id
        if fmt == "png":
            assert data == stored  # the stored original itself
            continue
        # a copy: c2pa.opened (the stored original, its own manifest inside) + c2pa.transcoded
        assert [a["action"] for a in found.c2pa.actions] == ["c2pa.opened", "c2pa.transcoded"]
        [ingredient] = found.c2pa.ingredients
        assert ingredient["relationship"] == "parentOf"
        assert ingredient["instance_id"] == f"imagegen:{asset_id}"
        assert ingredient["active_manifest"] == doc["c2pa_manifest_label"]
        assert store["manifests"][doc["c2pa_manifest_label"]]["title"] == f"{asset_id}.png"
    page.context.close()


def test_generate_response_in_jpeg_and_webp_is_signed(wide):
    server, seeded, _ = wide
    api = server.client(seeded.keys["acme"])
    for fmt in ("jpeg", "webp"):
        r = api.post("/v1/images/generations", json={"prompt": f"A {fmt} test card", "size": "1024x1024",
                                                     "output_format": fmt, "output_compression": 80})
        assert r.status_code == 200, r.text
        data = base64.b64decode(r.json()["data"][0]["b64_json"])
        state, _ = _c2pa(data, MIME[fmt])
        assert state == "Valid"
        found = inspect_file(data)
        assert found.mime == MIME[fmt] and found.digital_source_type == DST_TRAINED
        assert [a["action"] for a in found.c2pa.actions] == ["c2pa.created"]
        assert found.watermark is not None and found.watermark["asset_id"] == found.asset_id


def test_copy_of_an_ingested_file_claims_nothing_it_does_not_know(tmp_path):
    from imagegen.service.catalog import open_catalog

    settings = _settings(tmp_path / "home")
    settings.ensure_dirs()
    plain = io.BytesIO()
    picture(256, 256, 3, "a photo").save(plain, "JPEG", quality=90)  # no XMP, no manifest, no watermark
    stored, _ = Recorder(settings).record_file("acme", plain.getvalue(), prompt="A photo someone brought in")
    catalog = open_catalog(settings, "acme")
    assert catalog.content_as(stored.asset_id, "jpeg").data == plain.getvalue()  # its own format: as is
    for fmt in ("png", "webp"):
        copy = catalog.content_as(stored.asset_id, fmt)
        assert _c2pa(copy.data, MIME[fmt])[0] == "Valid"
        found = inspect_file(copy.data, decode_watermark=False)
        assert found.asset_id == stored.asset_id and not found.digital_source_type  # origin unknown
        assert found.text_record is not None and found.text_record["watermark"] is None
        assert [a["action"] for a in found.c2pa.actions] == ["c2pa.opened", "c2pa.transcoded"]
    dispose_all()


def test_downloads_refuse_unknown_formats_and_other_tenants(wide):
    server, seeded, _ = wide
    with httpx.Client(base_url=server.url, cookies={"imagegen_session": seeded.keys["globex"]}) as c:
        assert c.get(f"/studio/assets/{seeded.ids['v1']}/download.jpeg").status_code == 404
        own = c.get(f"/studio/assets/{seeded.ids['secret']}/download.webp")
        assert own.status_code == 200 and own.headers["content-type"] == "image/webp"
        assert _c2pa(own.content, "image/webp")[0] == "Valid"
        bad = c.get(f"/studio/assets/{seeded.ids['secret']}/download.gif")
        assert bad.status_code == 404 and bad.json()["error"]["param"] == "format"


# ---- 2. the family view pages by keyset ---------------------------------------------------------------


def test_family_view_scrolls_by_keyset_pages(wide, browser):
    server, seeded, (order, made) = wide
    page = sign_in(browser, server.url, seeded.keys["wide"])
    # the page as served: the first keyset page (24 families, largest first) and the next page's URL
    html = page.request.get("/studio?group=family").text()
    assert re.findall(r'data-family="([^"]*)"', html) == order[:24]
    nxt = re.search(r'id="families" data-scroll data-next="([^"]+)"', html)
    assert nxt
    nxt_url = nxt.group(1).replace("&amp;", "&")
    assert nxt_url.startswith("/studio/families?cursor=")
    # in the browser: the summary counts everything, and scrolling loads the rest through the fragment route
    page.goto("/studio?group=family")
    assert page.locator(".summary").inner_text() == f"34 assets in {FAMILIES} prompt families"
    families = page.locator("#families section.family")
    assert families.first.locator(".pill").inner_text() == "3 assets"
    assert families.first.locator(".strip img").count() == 3
    page.locator("#families + .sentinel").scroll_into_view_if_needed()
    page.wait_for_function(
        f"() => document.querySelectorAll('#families section.family').length === {FAMILIES}")
    assert [f.get_attribute("data-family") for f in families.all()] == order
    assert page.locator("#families").get_attribute("data-next") is None
    page.wait_for_function(
        "() => [...document.querySelectorAll('#families img')].every(i => i.complete && i.naturalWidth > 0)")
    # the fragment itself: the last 6 families, no further page; a forged cursor is a 400, not a 500
    frag = page.request.get(nxt_url)
    assert frag.status == 200 and frag.text().count('class="family"') == FAMILIES - 24
    assert "x-next-page" not in frag.headers
    cursor = base64.urlsafe_b64encode(json.dumps(["f", -1, "x"]).encode()).decode()
    forged = page.request.get(f"/studio/families?cursor={cursor}")
    assert forged.status == 400 and forged.json()["error"]["param"] == "cursor"
    # filters apply to every page: a text search finds one family
    page.goto("/studio?group=family&q=series+7")
    assert [f.get_attribute("data-family") for f in families.all()] == [made[7]]
    assert page.locator(".summary").inner_text() == "1 asset in 1 prompt family"
    page.context.close()


# ---- 3. local single-user mode: no key prompt, only on loopback and only without keys ---------------------


def test_local_mode_opens_the_studio_without_a_key(tmp_path, browser):
    home = tmp_path / "home"
    rec = Recorder(_settings(home))
    mine = _record(rec, "local", "Local sketch of a lighthouse at dusk", 7)
    dispose_all()
    server = start_server(home, "--local")
    try:
        ctx = browser.new_context(base_url=server.url)
        page = ctx.new_page()
        page.goto("/studio")
        assert page.url == f"{server.url}/studio"  # no redirect to the sign-in form
        assert page.get_by_label("API key").count() == 0
        assert page.locator(".who .tenant").inner_text() == "local"
        assert "local single-user mode" in page.locator(".who").inner_text()
        assert page.get_by_role("button", name="Sign out").count() == 0
        assert [c.get_attribute("data-asset") for c in page.locator("#grid article").all()] == [mine]
        page.goto("/studio/login")
        page.wait_for_url("**/studio")  # nothing to sign in to
        # forms still need the page's CSRF token: approving from the page works, a forged post does not
        page.goto(f"/studio/assets/{mine}")
        page.get_by_role("button", name="Approve").click()
        page.wait_for_url(f"**/studio/assets/{mine}*")
        assert "Approved" in page.locator("#review .review-state").inner_text()
        forged = page.request.post(f"/studio/assets/{mine}/review", form={"state": "rejected"},
                                   max_redirects=0)
        assert forged.status == 403
        # a page reached under another name (DNS rebinding to 127.0.0.1) gets the sign-in form
        rebound = httpx.get(f"{server.url}/studio", headers={"Host": f"rebind.example:{server.port}"})
        assert rebound.status_code == 303 and rebound.headers["location"] == "/studio/login"
        # once a key exists, people sign in with it: the key prompt is back
        TenantStore(_settings(home).database_url).create_key("acme")
        page.goto("/studio")
        assert page.url.endswith("/studio/login")
        assert page.get_by_label("API key").get_attribute("type") == "password"
        ctx.close()
    finally:
        server.stop()


@pytest.mark.parametrize(("local_mode", "bind", "peer", "host", "keyless"), [
    ("1", "127.0.0.1", "127.0.0.1", "127.0.0.1:8000", True),
    ("1", "::1", "::1", "[::1]:8000", True),
    ("1", "127.0.0.1", "127.0.0.1", "localhost", True),
    ("1", "127.0.0.1", "192.0.2.10", "127.0.0.1:8000", False),  # a client off loopback
    ("1", "127.0.0.1", "127.0.0.1", "images.example", False),  # a name that is not loopback
    ("", "127.0.0.1", "127.0.0.1", "127.0.0.1:8000", False),  # --local not given
    ("1", "", "127.0.0.1", "127.0.0.1:8000", False),  # bind unknown (in-process): keys required
])
def test_keyless_studio_only_on_loopback(tmp_path, local_mode, bind, peer, host, keyless):
    from imagegen.api.app import create_app
    from imagegen.service import Service
    from imagegen.service.core import replace_settings

    settings = replace_settings(_settings(tmp_path / "home"), local_mode=local_mode, bind_host=bind)
    settings.ensure_dirs()
    service = Service(settings, workers=0)
    client = TestClient(create_app(settings, service=service), client=(peer, 40000), follow_redirects=False)
    r = client.get("/studio", headers={"Host": host})
    assert (r.status_code, r.headers.get("location")) == ((200, None) if keyless else (303, "/studio/login"))
    if keyless:
        service.tenants.create_key("acme")
        assert client.get("/studio", headers={"Host": host}).status_code == 303
    dispose_all()


def test_local_mode_on_a_public_bind_never_serves(tmp_path):
    from imagegen.service import Service
    from imagegen.service.core import replace_settings

    settings = replace_settings(_settings(tmp_path / "home"), local_mode="1", bind_host="0.0.0.0")
    with pytest.raises(LocalModeRefused):
        Service(settings, workers=0)
