"""``imagegen run`` and friends against a real server: results, downloads, and every exit code for real."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

import httpx
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cli_helpers import cli_env, imagegen, popen
from queue_helpers import Server, wait_status


def test_run_completes_downloads_and_prints_result(server: Server, key: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    env = cli_env(IMAGEGEN_API_KEY=key)
    payload = json.dumps({"prompt": 'A sign that reads "OPEN LATE"', "size": "1024x1024", "quality": "low",
                          "n": 2, "seed": 7})
    proc = imagegen("run", "imagegen-design/text-to-image", "--input", payload, "--output-dir", str(out),
                    "--server", server.url, env=env)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["status"] == "completed"
    assert len(result["files"]) == 2
    for path in result["files"]:
        with Image.open(path) as im:
            assert im.size == (1024, 1024)
    assert "completed" in proc.stderr  # progress went to stderr, not stdout


def test_run_no_wait_then_status_result(server: Server, key: str, tmp_path: Path) -> None:
    env = cli_env(IMAGEGEN_API_KEY=key, IMAGEGEN_SERVER=server.url)
    proc = imagegen("run", "test-quick/text-to-image", "--input", '{"prompt": "quick"}', "--no-wait", env=env)
    assert proc.returncode == 0, proc.stderr
    submitted = json.loads(proc.stdout)
    assert {"request_id", "status_url", "result_url", "cancel_url"} <= submitted.keys()
    rid = submitted["request_id"]
    with server.client(key) as http:
        wait_status(http, rid, {"completed"})
    status = imagegen("status", rid, env=env)
    assert status.returncode == 0 and json.loads(status.stdout)["status"] == "completed"
    result = imagegen("result", rid, env=env)
    assert result.returncode == 0 and json.loads(result.stdout)["output"]["images"]


def test_input_from_file(server: Server, key: str, tmp_path: Path) -> None:
    spec = tmp_path / "input.json"
    spec.write_text('{"prompt": "from a file"}')
    env = cli_env(IMAGEGEN_API_KEY=key, IMAGEGEN_SERVER=server.url)
    proc = imagegen("run", "test-quick/text-to-image", "--input", f"@{spec}", "--output-dir",
                    str(tmp_path / "o"), env=env)
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)["files"]) == 1


def test_exit_64_bad_arguments(server: Server, key: str) -> None:
    env = cli_env(IMAGEGEN_API_KEY=key, IMAGEGEN_SERVER=server.url)
    assert imagegen("run", "no-endpoint", "--input", "{}", env=env).returncode == 64
    assert imagegen("run", "test-quick/text-to-image", env=env).returncode == 64  # --input missing
    assert imagegen("generate", env=env).returncode == 64
    proc = imagegen("generate", "x", "--no-such-option", env=env)
    assert proc.returncode == 64 and proc.stderr.count("\n") == 1


def test_exit_65_bad_input_and_refused_values(server: Server, key: str) -> None:
    env = cli_env(IMAGEGEN_API_KEY=key, IMAGEGEN_SERVER=server.url)
    bad_json = imagegen("run", "test-quick/text-to-image", "--input", "{not json", env=env)
    assert bad_json.returncode == 65 and "not valid JSON" in bad_json.stderr
    refused = imagegen("run", "openai/gpt-image-2/text-to-image", "--input",
                       '{"prompt": "x", "size": "1792x936"}', env=env)
    assert refused.returncode == 65
    assert "divisible by 16" in refused.stderr
    remote = imagegen("generate", "x", "--size", "1792x936", "--server", server.url, env=env)
    assert remote.returncode == 65


def test_exit_69_job_failed_and_server_unreachable(server: Server, key: str, tmp_path: Path) -> None:
    env = cli_env(IMAGEGEN_API_KEY=key, IMAGEGEN_SERVER=server.url)
    failed = imagegen("run", "test-fail/text-to-image", "--input", '{"prompt": "no"}', "--output-dir",
                      str(tmp_path), env=env)
    assert failed.returncode == 69, failed.stderr
    assert json.loads(failed.stdout)["status"] == "failed"
    gone = imagegen("status", "job_x", "--server", "http://127.0.0.1:9", env=env)
    assert gone.returncode == 69 and "Cannot reach" in gone.stderr


def test_exit_77_not_authenticated(server: Server, key: str, tmp_path: Path) -> None:
    env = cli_env(IMAGEGEN_SERVER=server.url)
    assert imagegen("run", "test-quick/text-to-image", "--input", '{"prompt": "x"}', env=env).returncode == 77
    wrong = cli_env(IMAGEGEN_SERVER=server.url, IMAGEGEN_API_KEY="ig_wrong")
    assert imagegen("status", "job_x", env=wrong).returncode == 77
    # a token file anyone may read is refused, one of mode 0600 is used
    token = tmp_path / "token"
    token.write_text(key)
    os.chmod(token, 0o644)
    loose = imagegen("status", "job_x", "--token-file", str(token), env=env)
    assert loose.returncode == 77 and "chmod 600" in loose.stderr
    os.chmod(token, 0o600)
    tight = imagegen("status", "job_unknown", "--token-file", str(token), env=env)
    assert tight.returncode == 65 and "not_found" not in tight.stdout  # authenticated: now a plain 404


def test_exit_75_queue_limit(server: Server, key: str) -> None:
    env = cli_env(IMAGEGEN_API_KEY=key, IMAGEGEN_SERVER=server.url)
    with server.client(key) as http:
        submit = "/v1/models/test-slow/text-to-image"
        # jobs that outlast the CLI's start however slow the machine (3 s ones could end first and free the
        # queue); cancelled, and seen to end, before the next test uses the server
        ids = [http.post(submit, json={"prompt": "sleep 60"}).json()["request_id"] for _ in range(3)]
        proc = imagegen("run", "test-quick/text-to-image", "--input", '{"prompt": "x"}', env=env)
        assert proc.returncode == 75, proc.stderr
        for rid in ids:
            http.post(f"/v1/requests/{rid}/cancel")
        for rid in ids:
            wait_status(http, rid, {"cancelled"})


def test_ctrl_c_cancels_the_server_job(server: Server, key: str, tmp_path: Path) -> None:
    env = cli_env(IMAGEGEN_API_KEY=key, IMAGEGEN_SERVER=server.url)
    proc = popen("run", "test-slow/text-to-image", "--input", '{"prompt": "sleep 20"}', "--output-dir",
                 str(tmp_path), env=env)
    assert proc.stderr is not None
    rid = None
    deadline = time.monotonic() + 30
    while rid is None and time.monotonic() < deadline:
        line = proc.stderr.readline()
        if "submitted" in line:
            rid = line.strip().rsplit(" ", 1)[-1]
    assert rid, "the CLI never reported the submitted job"
    with server.client(key) as http:
        wait_status(http, rid, {"in_progress"})
        proc.send_signal(signal.SIGINT)
        proc.wait(30)
        assert proc.returncode == 130
        final = wait_status(http, rid, {"cancelled"})
        assert final["status"] == "cancelled"
        result = http.get(f"/v1/requests/{rid}/result").json()
        assert not (result.get("output") or {}).get("images")
    assert not list(tmp_path.glob("*.png"))


def test_download_refuses_foreign_origin(server: Server, key: str, tmp_path: Path) -> None:
    from imagegen.client import Client
    from imagegen.contract.errors import InvalidValue, NotFound

    with Client(server.url, api_key=key) as client:
        try:
            client.download("http://127.0.0.2:1/v1/assets/x/content", tmp_path / "x.png")
        except InvalidValue as exc:
            assert exc.code == "foreign_origin"
        else:
            raise AssertionError("a foreign-origin download was not refused")
    assert not list(tmp_path.iterdir())
    # a same-origin URL that does not exist is a clean 404, and leaves no partial file behind
    with Client(server.url, api_key=key) as client:
        try:
            client.download("/v1/assets/img_0000000000000000/content", tmp_path / "y.png")
        except NotFound:
            pass
        else:
            raise AssertionError("an unknown asset downloaded")
    assert not list(tmp_path.iterdir())


def test_generate_against_server_json(server: Server, key: str, tmp_path: Path) -> None:
    env = cli_env(IMAGEGEN_API_KEY=key)
    proc = imagegen("generate", 'A label that reads "AQUA+"', "--model", "imagegen-design", "--size",
                    "1024x1024", "--quality", "low", "--format", "webp", "--json", "--server", server.url,
                    "--output-dir", str(tmp_path), env=env)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    (img,) = out["images"]
    assert img["path"].endswith(".webp") and img["asset_id"]
    with Image.open(img["path"]) as im:
        assert im.size == (1024, 1024) and im.format == "WEBP"
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {key}"}) as http:
        assert http.get(f"/v1/assets/{img['asset_id']}/content").status_code == 200
