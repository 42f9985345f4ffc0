"""The queue API over plain HTTP against the real server (SPEC §7): submit, poll, fetch, cancel, auth."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Iterator

import pytest
from PIL import Image
from queue_helpers import Server, create_key, wait_status

from imagegen.contract.limits import limits_for
from imagegen.tenants import TenantStore


@pytest.fixture(scope="module")
def live(shared_server: Server) -> Iterator[tuple[Server, str, str]]:
    """The shared server and keys of two tenants: one made by the CLI, one through the store directly
    (a second process writing the same database)."""
    acme = create_key(shared_server.home, "acme")
    globex = TenantStore(f"sqlite:///{shared_server.home / 'imagegen.db'}").create_key("globex")[1]
    yield shared_server.start(), acme, globex


def submit(client, model_path: str, body: dict, endpoint: str = "text-to-image") -> dict:  # type: ignore[no-untyped-def]
    r = client.post(f"/v1/models/{model_path}/{endpoint}", json=body)
    assert r.status_code == 200, r.text
    return r.json()


def test_completed_job_and_its_assets(live: tuple[Server, str, str]) -> None:
    server, acme, globex = live
    with server.client(acme) as c:
        sub = submit(c, "openai/gpt-image-2", {"prompt": "a red square", "size": "1024x1024", "n": 2})
        rid = sub["request_id"]
        assert sub["status_url"] == f"{server.url}/v1/requests/{rid}/status"
        assert sub["result_url"].endswith(f"/v1/requests/{rid}/result")
        assert sub["cancel_url"].endswith(f"/v1/requests/{rid}/cancel")
        assert wait_status(c, rid, {"completed", "failed"})["status"] == "completed"
        res = c.get(f"/v1/requests/{rid}/result").json()
        assert res["status"] == "completed" and len(res["output"]["images"]) == 2
        assert res["output"]["image"] == res["output"]["images"][0]
        assert res["metadata"]["width"] == 1024 and res["metadata"]["engine"] == "test-quick"
        for url in res["output"]["images"]:
            assert url.startswith(server.url + "/v1/assets/") and url.endswith("/content.png")
            got = c.get(url)
            assert got.status_code == 200 and got.headers["content-type"] == "image/png"
            assert Image.open(io.BytesIO(got.content)).size == (1024, 1024)
        asset_id = res["asset_ids"][0]
        assert c.get(f"/v1/assets/{asset_id}/content").status_code == 200
        assert c.get(f"/v1/assets/{asset_id}/content.webp").status_code == 404
    # another tenant: every call is 404, never a hint that the job exists
    with server.client(globex) as g:
        for path in (f"/v1/requests/{rid}/status", f"/v1/requests/{rid}/result", res["output"]["image"]):
            r = g.get(path)
            assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
        r = g.post(f"/v1/requests/{rid}/cancel")
        assert r.status_code == 404
    # no key or a bad key: 401 everywhere
    for key in (None, "ig_0000000000000000_" + "x" * 43, "sk-not-ours"):
        with server.client(key) as anon:
            for r in (anon.get(f"/v1/requests/{rid}/status"), anon.get(res["output"]["image"]),
                      anon.post("/v1/models/test-quick/text-to-image", json={"prompt": "x"})):
                assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_api_key"


def test_failed_job_reports_its_error(live: tuple[Server, str, str]) -> None:
    server, acme, _ = live
    with server.client(acme) as c:
        rid = submit(c, "test-fail", {"prompt": "please fail"})["request_id"]
        assert wait_status(c, rid, {"completed", "failed"})["status"] == "failed"
        res = c.get(f"/v1/requests/{rid}/result").json()
        assert res["output"] is None
        assert res["error"]["code"] == "engine_failure" and "refused" in res["error"]["message"]


def test_cancelled_job_produces_no_asset(live: tuple[Server, str, str]) -> None:
    server, acme, _ = live
    files_before = _asset_files(server)
    with server.client(acme) as c:
        rid = submit(c, "test-slow", {"prompt": "sleep 20"})["request_id"]
        running = wait_status(c, rid, {"in_progress"})
        assert 0.0 <= running["progress"] <= 1.0
        answer = c.post(f"/v1/requests/{rid}/cancel")
        assert answer.status_code == 200 and answer.json()["request_id"] == rid
        assert wait_status(c, rid, {"cancelled", "completed", "failed"}, timeout=10)["status"] == "cancelled"
        res = c.get(f"/v1/requests/{rid}/result").json()
        assert res["status"] == "cancelled" and res["output"] is None
    assert _asset_files(server) == files_before


def _asset_files(server: Server) -> set[str]:
    return {p.name for p in (server.home / "assets").rglob("*") if p.is_file()}


def test_local_mode_and_queue_positions(make_server: Callable[..., Server]) -> None:
    """``serve --local`` on loopback: no key needed. One worker, so jobs queue behind a long one."""
    server = make_server().start("--local", "--workers", "1")
    with server.client(None) as c:
        first = submit(c, "test-slow", {"prompt": "sleep 20"})["request_id"]
        wait_status(c, first, {"in_progress"})
        second = submit(c, "test-quick", {"prompt": "wait"})
        assert second["status"] == "in_queue" and second["queue_position"] == 1
        third = submit(c, "test-quick", {"prompt": "wait more"})["request_id"]
        assert c.get(f"/v1/requests/{third}/status").json() == {
            "request_id": third, "status": "in_queue", "queue_position": 2}
        assert c.get(f"/v1/requests/{third}/result").json()["output"] is None
        assert c.post(f"/v1/requests/{third}/cancel").json()["status"] == "cancelled"
        c.post(f"/v1/requests/{first}/cancel")
        assert wait_status(c, second["request_id"], {"completed"})["status"] == "completed"


def test_local_mode_refuses_a_web_page_elsewhere(make_server: Callable[..., Server]) -> None:
    """Key-less local mode serves this machine's own clients, never a page of another site driving the
    user's browser (cross-site request forgery) or a rebound name (DNS rebinding): 401, nothing queued."""
    server = make_server().start("--local", "--workers", "1")
    body = {"prompt": "a red square"}
    with server.client(None) as c:
        for headers in ({"Origin": "https://evil.example"}, {"Origin": "null"},
                        {"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"},
                        {"Host": "rebound.example"}):
            r = c.post("/v1/models/test-quick/text-to-image", json=body, headers=headers)
            assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_api_key", (headers, r.text)
            assert "Origin" in r.json()["error"]["message"]
            r = c.post("/v1/images/generations", json={**body, "model": "test-quick"}, headers=headers)
            assert r.status_code == 401, headers
        # a page of this server (the studio), the CLI and the SDKs (no Origin) are the local user
        for headers in ({}, {"Origin": server.url, "Sec-Fetch-Site": "same-origin"}):
            r = c.post("/v1/models/test-quick/text-to-image", json=body, headers=headers)
            assert r.status_code == 200, (headers, r.text)


def test_edit_from_data_url_and_own_asset_url(live: tuple[Server, str, str]) -> None:
    server, acme, globex = live
    buf = io.BytesIO()
    Image.new("RGB", (96, 64), (10, 200, 30)).save(buf, format="PNG")
    data_url = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
    with server.client(acme) as c:
        rid = submit(c, "test-quick", {"prompt": "edit it", "images": [data_url]}, "edit")["request_id"]
        assert wait_status(c, rid, {"completed", "failed"})["status"] == "completed"
        url = c.get(f"/v1/requests/{rid}/result").json()["output"]["image"]
        # the output of one job, by its own URL, is the input of the next (no remote fetch involved)
        body = {"prompt": "again", "images": [url], "size": "auto"}
        rid2 = submit(c, "test-quick", body, "edit")["request_id"]
        assert wait_status(c, rid2, {"completed", "failed"})["status"] == "completed"
        out = c.get(c.get(f"/v1/requests/{rid2}/result").json()["output"]["image"])
        # size=auto: the model's size rule for the input (issue 10: never an input size the rules refuse)
        assert Image.open(io.BytesIO(out.content)).size == limits_for("test-quick").sizes.fit(96, 64)
    with server.client(globex) as g:  # someone else's asset URL is not an input they can use
        r = g.post("/v1/models/test-quick/edit", json={"prompt": "steal", "images": [url]})
        assert r.status_code == 404


def test_bad_requests_are_clear_errors(live: tuple[Server, str, str]) -> None:
    server, acme, _ = live
    with server.client(acme) as c:
        cases = [
            ("/v1/models/no-such-model/text-to-image", {"prompt": "x"}, 404, "model_not_found"),
            ("/v1/models/test-quick/text-to-image", {}, 400, "missing_required_parameter"),
            ("/v1/models/test-quick/text-to-image", {"prompt": "x", "stream": True}, 400, "invalid_value"),
            ("/v1/models/test-quick/text-to-image", {"prompt": "x", "model": "other"}, 400, "invalid_value"),
            ("/v1/models/test-quick/edit", {"prompt": "x"}, 400, "missing_required_parameter"),
            ("/v1/models/test-quick/edit", {"prompt": "x", "images": ["data:image/png;base64,AAAA"]}, 400,
             "invalid_image"),
            ("/v1/models/openai/gpt-image-2/text-to-image", {"prompt": "x", "size": "1792x936"}, 400,
             "invalid_value"),
        ]
        for path, body, status, code in cases:
            r = c.post(path, json=body)
            assert (r.status_code, r.json()["error"]["code"]) == (status, code), (path, body, r.text)
        r = c.post("/v1/models/test-quick/text-to-image", content=b"not json",
                   headers={"content-type": "application/json"})
        assert r.status_code == 400
        assert c.get("/v1/requests/job_ffffffffffffffffffffffff/status").status_code == 404


def test_idempotency_key_returns_the_same_request(live: tuple[Server, str, str]) -> None:
    server, acme, globex = live
    path, body, key = "/v1/models/test-quick/text-to-image", {"prompt": "once"}, {"Idempotency-Key": "k-1"}
    with server.client(acme) as c:
        a = c.post(path, json=body, headers=key).json()
        b = c.post(path, json=body, headers=key).json()
        assert a["request_id"] == b["request_id"]
        # the module's server is shared: no job of this test may still be writing assets in the next one
        # (the cancel test compares the asset files before and after)
        wait_status(c, a["request_id"], {"completed"})
    with server.client(globex) as g:
        other = g.post(path, json=body, headers=key).json()
        assert other["request_id"] != a["request_id"]
        wait_status(g, other["request_id"], {"completed"})
