"""The studio in a real Chromium (Debian's), driven by Playwright against the real ``imagegen serve``.

Each test signs in through the form, as a person would; the server, the catalog and the queue are real.
"""

from __future__ import annotations

import base64
import io
from typing import Any

import httpx
import numpy as np
from PIL import Image
from studio_engines import EDIT_COLOUR
from studio_helpers import sign_in


def _api(server: Any, key: str) -> httpx.Client:
    return server.client(key)


def test_sign_in_search_open_asset_and_lineage(studio, browser):
    server, seeded = studio
    ctx = browser.new_context(base_url=server.url)
    page = ctx.new_page()
    page.goto("/studio")
    assert page.url.endswith("/studio/login")  # no session: the sign-in form
    field = page.get_by_label("API key")
    assert field.get_attribute("type") == "password"
    field.fill("ig_0000000000000000_wrongwrongwrongwrongwrong")
    page.get_by_role("button", name="Sign in").click()
    assert "not accepted" in page.get_by_role("alert").inner_text()
    page.get_by_label("API key").fill(seeded.keys["acme"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/studio")

    cards = page.locator("#grid article.card")
    # every asset of the tenant, as the API lists them: the 7 seeded ones, plus any an earlier test of this
    # module made (the mask edit adds one), so the check holds in any test order
    listed = {a["asset_id"] for a in _api(server, seeded.keys["acme"]).get(
        "/v1/assets", params={"limit": 100}).json()["data"]}
    assert listed >= {seeded.ids[k] for k in ("root", "v1", "v2", "alt", "tax", "coffee", "menu")}
    assert sorted(c.get_attribute("data-asset") for c in cards.all()) == sorted(listed)
    # thumbnails are real <img> elements that load (made once, then served from the thumbnail store)
    page.wait_for_function(
        "() => [...document.querySelectorAll('#grid img')].every(i => i.complete && i.naturalWidth > 0)")
    page.locator("input[type=search]").fill("lighthouse coffee")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**q=lighthouse*")
    assert [c.get_attribute("data-asset") for c in cards.all()] == [seeded.ids["coffee"]]

    page.locator("input[type=search]").fill("jazz")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**q=jazz*")
    page.locator(f'article[data-asset="{seeded.ids["root"]}"] a').click()
    page.wait_for_url(f"**/studio/assets/{seeded.ids['root']}")
    body = page.locator("body").inner_text()
    assert "Summer Jazz night poster" in body
    assert page.get_by_role("heading", name="Content Credentials (C2PA)").is_visible()
    state = page.locator("#credentials .state").inner_text()
    assert state in ("Valid", "Trusted", "Invalid") and state != "Invalid"
    assert "Draft (not reviewed)" in page.locator("#review").inner_text()
    lineage = page.locator("#lineage")
    assert lineage.get_by_role("heading", name="Lineage").is_visible()
    text = lineage.inner_text()
    for key in ("root", "v1", "v2", "alt"):
        assert seeded.ids[key] in text
    assert lineage.locator("img").count() == 4
    # walk down the tree to the grandchild, then compare it with its parent
    lineage.get_by_text(seeded.ids["v2"]).click()
    page.wait_for_url(f"**/studio/assets/{seeded.ids['v2']}")
    page.get_by_label("Compare with").select_option(seeded.ids["v1"])
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url("**/studio/compare?*")
    assert page.locator(".version img").count() == 2
    page.get_by_role("button", name="Difference overlay").click()
    diff = page.locator("img.diff")
    diff.wait_for(state="visible")
    page.wait_for_function(
        "() => { const i = document.querySelector('img.diff'); return i.complete && i.naturalWidth > 0 }")
    ctx.close()


def test_infinite_scroll_and_filters(studio, browser):
    server, seeded = studio
    page = sign_in(browser, server.url, seeded.keys["acme"])
    page.goto("/studio?review=&model=imagegen-design")
    shown = [c.get_attribute("data-asset") for c in page.locator("#grid article").all()]
    assert shown == [seeded.ids["menu"]]
    page.goto("/studio?group=family")
    assert "prompt families" in page.locator(".summary").inner_text()
    assert page.locator(".family").count() >= 4
    # a page size of 48 over 7 assets (8 once the mask edit ran) has no next page; the fragment endpoint
    # pages by the keyset cursor: after the first 3, the rest
    api = _api(server, seeded.keys["acme"])
    total = len(api.get("/v1/assets", params={"limit": 48}).json()["data"])
    first = api.get("/v1/assets", params={"limit": 3}).json()
    frag = page.request.get(f"/studio/grid?cursor={first['next_cursor']}")
    assert frag.status == 200 and frag.text().count('class="card"') == total - 3 >= 4
    page.context.close()


def test_approve_a_version(studio, browser):
    server, seeded = studio
    page = sign_in(browser, server.url, seeded.keys["acme"])
    page.goto(f"/studio/assets/{seeded.ids['v1']}")
    page.get_by_placeholder("Comment (optional)").fill("Client signed off on Friday")
    page.get_by_role("button", name="Approve").click()
    page.wait_for_url(f"**/studio/assets/{seeded.ids['v1']}*")
    review = page.locator("#review")
    assert "Approved" in review.locator(".review-state").inner_text()
    assert "Client signed off on Friday" in review.inner_text()
    assert review.locator(".history li").count() == 1
    api = _api(server, seeded.keys["acme"])
    doc = api.get(f"/v1/assets/{seeded.ids['v1']}").json()
    assert doc["review"]["state"] == "approved" and doc["review"]["by"].startswith("ig_")
    approved = api.get("/v1/assets", params={"review": "approved", "root": seeded.ids["root"]}).json()
    assert [a["asset_id"] for a in approved["data"]] == [seeded.ids["v1"]]
    page.goto(f"/studio?review=approved&root={seeded.ids['root']}")
    assert [c.get_attribute("data-asset") for c in page.locator("#grid article").all()] == [seeded.ids["v1"]]
    page.context.close()


def test_draw_a_mask_and_run_an_edit(studio, browser):
    server, seeded = studio
    page = sign_in(browser, server.url, seeded.keys["acme"])
    source = seeded.ids["tax"]
    page.goto(f"/studio/create?from={source}")
    page.get_by_label("Prompt").fill("Replace the chart with a pink block")
    canvas = page.locator("#mask-canvas")
    box = canvas.bounding_box()
    assert box is not None
    # one stroke across the left part of the picture
    page.mouse.move(box["x"] + box["width"] * 0.15, box["y"] + box["height"] * 0.3)
    page.mouse.down()
    for i in range(1, 11):
        page.mouse.move(box["x"] + box["width"] * (0.15 + 0.02 * i), box["y"] + box["height"] * 0.3, steps=2)
    page.mouse.up()
    page.get_by_role("button", name="Run edit").click()
    made = page.locator("#result a.made")
    made.wait_for(timeout=30_000)
    assert page.locator("#progress-text").inner_text() == "Done"
    new_id = made.get_attribute("href").rsplit("/", 1)[-1]
    api = _api(server, seeded.keys["acme"])
    doc = api.get(f"/v1/assets/{new_id}").json()
    assert doc["parents"] == [{"asset_id": source, "relation": "edit"}] and doc["params"]["mask"] is True
    after = np.asarray(Image.open(io.BytesIO(api.get(f"/v1/assets/{new_id}/content").content)).convert("RGB"))
    h, w, _ = after.shape
    painted = np.abs(after.astype(int) - EDIT_COLOUR).max(axis=2) <= 8
    # under the stroke: repainted (the invisible watermark lives there too: a few levels of difference)
    assert painted[int(h * 0.3), int(w * 0.25)] and painted[int(h * 0.3), int(w * 0.3)]
    # where nobody painted, nothing was repainted: the mask arrived where it was drawn
    assert not painted[int(h * 0.6):, :].any() and not painted[:, int(w * 0.6):].any()
    made.click()
    page.wait_for_url(f"**/studio/assets/{new_id}")
    assert source in page.locator("#lineage").inner_text()
    page.context.close()


def test_drop_a_stripped_file_and_see_it_traced(studio, browser):
    server, seeded = studio
    page = sign_in(browser, server.url, seeded.keys["acme"])
    api = _api(server, seeded.keys["acme"])
    original = Image.open(io.BytesIO(api.get(f"/v1/assets/{seeded.ids['coffee']}/content").content))
    stripped = io.BytesIO()
    original.convert("RGB").save(stripped, format="JPEG", quality=85)  # no XMP, no C2PA, no text record
    page.goto("/studio/verify")
    page.locator("#dropzone").evaluate(
        """(zone, b64) => {
            const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
            const dt = new DataTransfer();
            dt.items.add(new File([bytes], "stripped.jpg", {type: "image/jpeg"}));
            zone.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
        }""",
        base64.b64encode(stripped.getvalue()).decode(),
    )
    result = page.locator(".verified")
    result.wait_for(timeout=60_000)
    text = result.inner_text()
    assert "Traced" in text and seeded.ids["coffee"] in text
    assert "None" in result.locator(".state").inner_text()  # the stripped copy carries no manifest
    # the original file: a valid manifest, found by its exact bytes
    page.locator("#verify-file").set_input_files(
        files=[{"name": "original.png", "mimeType": "image/png",
                "buffer": api.get(f"/v1/assets/{seeded.ids['coffee']}/content").content}])
    page.wait_for_function("() => document.querySelector('.verified')?.innerText.includes('sha256')")
    assert page.locator(".verified .state").inner_text() in ("Valid", "Trusted")
    page.context.close()


def test_one_tenant_never_sees_another(studio, browser):
    server, seeded = studio
    page = sign_in(browser, server.url, seeded.keys["globex"])
    ids = [c.get_attribute("data-asset") for c in page.locator("#grid article").all()]
    assert ids == [seeded.ids["secret"]]
    html = page.content()
    for key in ("root", "v1", "tax", "coffee", "menu"):
        assert seeded.ids[key] not in html
    page.locator("input[type=search]").fill("jazz")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**q=jazz*")
    assert page.locator("#grid article").count() == 0
    resp = page.goto(f"/studio/assets/{seeded.ids['root']}")
    assert resp is not None and resp.status == 404
    assert "Summer Jazz" not in page.content()
    for path in (f"/studio/thumbs/{seeded.ids['root']}/320", f"/v1/assets/{seeded.ids['root']}",
                 f"/v1/assets/{seeded.ids['root']}/content",
                 f"/studio/compare?a={seeded.ids['root']}&b={seeded.ids['v1']}",
                 f"/studio?root={seeded.ids['root']}"):
        assert page.request.get(path).status == 404, path
    page.context.close()


def test_the_key_is_never_in_a_url_the_html_or_storage(studio, browser):
    server, seeded = studio
    key = seeded.keys["acme"]
    ctx = browser.new_context(base_url=server.url)
    page = ctx.new_page()
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url))
    page.goto("/studio")
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/studio")
    htmls = [page.content()]
    for path in (f"/studio/assets/{seeded.ids['root']}", f"/studio/create?from={seeded.ids['root']}",
                 "/studio/verify", f"/studio/compare?a={seeded.ids['root']}&b={seeded.ids['v1']}"):
        page.goto(path)
        htmls.append(page.content())
    assert urls and not any(key in u or key.split("_", 2)[2] in u for u in urls)
    assert not any(key in h or key.split("_", 2)[2] in h for h in htmls)
    assert page.evaluate("() => document.cookie") == ""  # HttpOnly: scripts cannot read it
    assert page.evaluate("() => localStorage.length + sessionStorage.length") == 0
    [cookie] = [c for c in ctx.cookies() if c["name"] == "imagegen_session"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["expires"] == -1
    # the cookie authenticates reads; an unsafe request without the CSRF token is refused
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    bad = page.request.post(f"/v1/assets/{seeded.ids['alt']}/review", data={"state": "rejected"})
    assert bad.status == 403 and bad.json()["error"]["code"] == "csrf_token_invalid"
    ok = page.request.post(f"/v1/assets/{seeded.ids['alt']}/review", data={"state": "rejected"},
                           headers={"X-CSRF-Token": token})
    assert ok.status == 200 and ok.json()["review"]["state"] == "rejected"
    # the studio's own forms too: a review form posted without the token changes nothing
    forged = page.request.post(f"/studio/assets/{seeded.ids['alt']}/review", form={"state": "approved"},
                               max_redirects=0)
    assert forged.status == 403
    assert _api(server, key).get(f"/v1/assets/{seeded.ids['alt']}").json()["review"]["state"] == "rejected"
    # signing out ends the session
    page.goto("/studio")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/studio/login")
    assert not [c for c in ctx.cookies() if c["name"] == "imagegen_session"]
    log = server.log.read_text()
    assert key not in log and key.split("_", 2)[2] not in log
    ctx.close()
