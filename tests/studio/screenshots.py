"""Screenshots of every studio view for docs/studio.md: ``.venv/bin/python tests/studio/screenshots.py OUT``.

Starts the real server with the real planning engine on a fresh IMAGEGEN_HOME, makes a small catalog
through the API (posters, an edit lineage, reviews), then photographs each view in Debian's Chromium.
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "queue"))
from queue_helpers import Server, create_key, server_env
from studio_helpers import launch, sign_in

PROMPTS = [
    'Summer Jazz night poster for the Blue Room, headline "Summer Jazz", Friday 8 pm',
    'Menu card titled "Café Lumière" with three dishes and prices',
    'Launch poster with the headline "Ship It Friday" and a QR code linking to https://example.com',
    'Quarterly results slide "Revenue up 18%" with a bar chart of four quarters',
    'Coffee bag label "Lighthouse Roasters — Dark Roast 250 g"',
    'Conference badge for "Dana Kim, Staff Engineer" at DevSummit 2026',
]


def wait(client, job: dict, timeout: float = 600) -> list[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        st = client.get(job["status_url"]).json()
        if st["status"] in ("completed", "failed", "cancelled"):
            res = client.get(job["result_url"]).json()
            assert st["status"] == "completed", res
            return list(res["asset_ids"])
        time.sleep(0.5)
    raise TimeoutError(job)


def settle(page) -> None:
    """Wait until every image on the page has loaded (thumbnails are lazy)."""
    page.evaluate("() => document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')")
    page.wait_for_function("() => [...document.images].every(i => i.complete)", timeout=20_000)
    page.wait_for_timeout(300)


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp()) / "home"
    env = server_env(home)
    env.pop("IMAGEGEN_ROUTES", None)  # the real engines
    server = Server(home=home, env=env).start()
    try:
        key = create_key(home, "acme")
        api = server.client(key)
        api.timeout = 600
        ids = []
        for i, p in enumerate(PROMPTS):
            # a few prompts made several times: the prompt-family view groups them
            body = {"prompt": p, "size": "1024x1024", "n": 3 if i in (1, 4) else 1}
            ids += wait(api, api.post("/v1/models/gpt-image-2/text-to-image", json=body).json())
        ids = list(dict.fromkeys(ids))
        root = ids[0]
        edit = "/v1/models/gpt-image-2/edit"
        [v1] = wait(api, api.post(edit, json={"prompt": 'change the headline to "Autumn Jazz"',
                                              "images": [f"/v1/assets/{root}/content"]}).json())
        [v2] = wait(api, api.post(edit, json={"prompt": 'change the date line to "Saturday 9 pm"',
                                              "images": [f"/v1/assets/{v1}/content"]}).json())
        for aid, state, comment in ((v1, "rejected", "Date is wrong"), (v2, "approved", "Client signed off")):
            api.post(f"/v1/assets/{aid}/review", json={"state": state, "comment": comment, "user": "maria"})
        api.post(f"/v1/assets/{ids[4]}/review", json={"state": "approved", "user": "sam"})

        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = launch(pw)
            ctx = browser.new_context(base_url=server.url, viewport={"width": 1360, "height": 860})
            page = ctx.new_page()
            page.goto("/studio/login")
            page.screenshot(path=str(out / "login.png"))
            page = sign_in(browser, server.url, key)
            settle(page)
            page.screenshot(path=str(out / "grid.png"))
            page.goto("/studio?group=family")
            settle(page)
            page.screenshot(path=str(out / "families.png"))
            page.goto(f"/studio/assets/{v2}")
            settle(page)
            page.screenshot(path=str(out / "asset.png"), full_page=True)
            page.goto(f"/studio/compare?a={v1}&b={v2}")
            settle(page)
            page.screenshot(path=str(out / "compare.png"))
            page.get_by_role("button", name="Difference overlay").click()
            settle(page)
            page.screenshot(path=str(out / "compare-overlay.png"))
            page.goto(f"/studio/create?from={ids[5]}")
            page.get_by_label("Prompt").fill("Replace the chart with a line chart")
            box = page.locator("#mask-canvas").bounding_box()
            page.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.55)
            page.mouse.down()
            for i in range(12):
                x = box["x"] + box["width"] * (0.2 + 0.05 * i)
                page.mouse.move(x, box["y"] + box["height"] * (0.55 + 0.02 * (i % 3)), steps=3)
            page.mouse.up()
            page.screenshot(path=str(out / "edit.png"))
            page.goto("/studio/verify")
            data = api.get(f"/v1/assets/{ids[7]}/content").content
            stripped = io.BytesIO()
            Image.open(io.BytesIO(data)).convert("RGB").save(stripped, format="JPEG", quality=85)
            page.locator("#verify-file").set_input_files(
                files=[{"name": "stripped.jpg", "mimeType": "image/jpeg", "buffer": stripped.getvalue()}])
            page.locator(".verified").wait_for(timeout=60_000)
            settle(page)
            page.screenshot(path=str(out / "verify.png"))
            browser.close()
    finally:
        server.stop()
    for png in out.glob("*.png"):  # small files for the docs
        img = Image.open(png).convert("RGB")
        img.thumbnail((1360, 2400))
        img.save(png.with_suffix(".jpg"), quality=82, optimize=True)
        png.unlink()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/studio"))
