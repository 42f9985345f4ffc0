"""Issue 10's former worst cases, replayed against a real ``imagegen serve`` (default engine) on loopback.

Usage: ``.venv/bin/python bench/hostile_inputs.py [--json] [--only NAME,...]``

Each case runs on a fresh server (a fresh ``IMAGEGEN_HOME``, 2 workers), so the server's peak RSS
(``VmHWM``, reset after a warm-up request) belongs to that case alone. Printed per case: the HTTP status,
the wall time of the request as the client sees it (its input is built before the clock starts), the
server's RSS before and its peak during the case (the API and the workers are one process), and what
came back.

Cases (before the fix, on this machine: issue 10):
- ``edit_8192``: an 8192x8192 solid PNG (about 215 KB) edited with ``size`` left at auto (was an 8192²
  output after 38 s at 5.8 GB RSS);
- ``edit_2880``: the same edit of a 2880x2880 input, the largest the rule keeps as it is (the yardstick:
  what a legitimate edit at the biggest working size costs);
- ``edit_4096``: a photo-like 4096x4096 PNG (a gradient with noise, about 37 MB) edited with ``size`` at
  auto: the cost of decoding a large legitimate input (decoded once per process: docs/benchmarks.md);
- ``trace_12000``: a real 12000x12000 PNG (about 420 KB) to ``POST /v1/assets/trace`` (was 12-30 s, 3.6 GB);
- ``plan_5000``: a client plan of 5,000 text nodes (was 102-260 s holding both workers);
- ``plan_400``: a client plan at the node cap (400 text nodes), accepted and rendered;
- ``json_200mb``: a 200 MB JSON body to ``POST /v1/images/generations`` (was ~600 MB RSS for a 400).
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import socket
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))

from service_speed import Server  # the bench's one way to start a server


def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def solid_png(width: int, height: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (30, 120, 200)).save(buf, format="PNG", compress_level=9)
    return buf.getvalue()


def text_plan(nodes: int, size: int = 2048) -> dict[str, Any]:
    columns = 20
    cell_w, cell_h = size / columns, size / ((nodes + columns - 1) // columns + 1)
    return {
        "canvas": {"width": size, "height": size},
        "nodes": [
            {"kind": "text", "id": f"t{i}", "text": f"Item {i}", "size": 14, "min_size": 8,
             "box": {"x": (i % columns) * cell_w + 4, "y": (i // columns) * cell_h + 4, "w": cell_w - 8,
                     "h": max(12.0, cell_h - 8)}}
            for i in range(nodes)
        ],
    }


def noisy_png(width: int, height: int) -> bytes:
    """A photo-like PNG: a horizontal gradient with per-pixel noise (compresses like a photo, ~2.2 B/px)."""
    import numpy as np

    rng = np.random.default_rng(1)
    pixels = rng.random((height, width, 3)) * 40 + np.linspace(0, 200, width)[None, :, None]
    buf = io.BytesIO()
    Image.fromarray(pixels.astype("uint8")).save(buf, format="PNG")
    return buf.getvalue()


def case_edit_noisy(side: int) -> Any:
    def prepare() -> Any:
        return _edit(noisy_png(side, side))

    return prepare


def case_edit(side: int) -> Any:
    def prepare() -> Any:
        return _edit(solid_png(side, side))

    return prepare


def _edit(data: bytes) -> Any:
    def send(client: httpx.Client) -> tuple[httpx.Response, str]:
        r = client.post("/v1/images/edits", data={"prompt": "make it warmer", "model": "gpt-image-2"},
                        files={"image": ("big.png", data, "image/png")})
        note = f"input {len(data) // 1024} KB"
        if r.status_code == 200:
            note += f"; output {r.json()['size']}"
        return r, note

    return send


def case_trace_12000() -> Any:
    data = solid_png(12000, 12000)

    def send(client: httpx.Client) -> tuple[httpx.Response, str]:
        r = client.post("/v1/assets/trace", content=data)
        return r, f"input {len(data) // 1024} KB; {r.json().get('error', {}).get('code')}"

    return send


def case_plan(nodes: int) -> Any:
    def prepare() -> Any:
        body = json.dumps({"model": "gpt-image-2", "prompt": "a grid of items", "plan": text_plan(nodes),
                           "quality": "low"}).encode()

        def send(client: httpx.Client) -> tuple[httpx.Response, str]:
            r = client.post("/v1/images/generations", content=body,
                            headers={"content-type": "application/json"})
            if r.status_code == 200:
                return r, f"rendered {r.json()['size']}"
            return r, str(r.json()["error"]["message"])[:80]

        return send

    return prepare


def case_json_200mb() -> Any:
    def send(client: httpx.Client) -> tuple[Any, str]:
        """A raw socket: the declared 200 MB is refused on its header; the client sends up to 8 MB."""
        url = httpx.URL(str(client.base_url))
        total = 200 * 1024 * 1024
        with socket.create_connection((url.host, url.port or 80), timeout=60) as sock:
            head = (f"POST /v1/images/generations HTTP/1.1\r\nHost: {url.host}\r\n"
                    f"Authorization: {client.headers['authorization']}\r\n"
                    f"Content-Type: application/json\r\nContent-Length: {total}\r\n"
                    "Connection: close\r\n\r\n").encode()
            sock.sendall(head + b'{"prompt": "')
            sent = 0
            try:
                while sent < 8 * 1024 * 1024:
                    sock.sendall(b"x" * 65536)
                    sent += 65536
            except OSError:
                pass
            answer = b""
            try:
                while chunk := sock.recv(65536):
                    answer += chunk
            except OSError:
                pass
        status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0
        payload = json.loads(answer.split(b"\r\n\r\n", 1)[1] or b"{}") if status else {}

        class _Answer:
            status_code = status

        code = payload.get("error", {}).get("code")
        return _Answer(), f"{code}; client sent {sent // (1024 * 1024)} MB before the answer"

    return send


#: name -> prepare() (builds the input outside the timing) -> send(client)
CASES = {
    "edit_8192": case_edit(8192),
    "edit_2880": case_edit(2880),
    "edit_4096": case_edit_noisy(4096),
    "trace_12000": case_trace_12000,
    "plan_5000": case_plan(5000),
    "plan_400": case_plan(400),
    "json_200mb": case_json_200mb,
}


def run_case(name: str) -> dict[str, Any]:
    root = Path(tempfile.mkdtemp(prefix=f"imagegen-hostile-{name}-"))
    home = root / "home"
    home.mkdir()
    server = Server(home)
    prepare = CASES[name]
    try:
        server.start()
        key = server.key()
        assert server.proc is not None
        pid = server.proc.pid
        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {key}"}, timeout=600) as c:
            c.post("/v1/images/generations", json={"prompt": "warm up", "quality": "low"})
            # reset the peak to the current RSS (Linux: clear_refs 5), so the peak is this case's own
            Path(f"/proc/{pid}/clear_refs").write_text("5")
            rss_before = _status_kb(pid, "VmRSS") / 1024
            send = prepare()
            t = time.perf_counter()
            response, note = send(c)
            elapsed = time.perf_counter() - t
            alive = c.get("/healthz").status_code == 200
        peak = _status_kb(pid, "VmHWM") / 1024
        return {"case": name, "status": response.status_code, "seconds": round(elapsed, 2),
                "rss_before_mb": round(rss_before), "peak_rss_mb": round(peak),
                "peak_growth_mb": round(max(0.0, peak - rss_before)), "server_alive": alive, "note": note}
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--only", default=",".join(CASES))
    args = parser.parse_args()
    rows = [run_case(name.strip()) for name in args.only.split(",") if name.strip()]
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print(f"{'case':<12} {'HTTP':>4} {'seconds':>8} {'RSS before':>11} {'peak RSS':>9} {'growth':>7}  note")
    for r in rows:
        print(f"{r['case']:<12} {r['status']:>4} {r['seconds']:>8.2f} {r['rss_before_mb']:>8} MB "
              f"{r['peak_rss_mb']:>6} MB {r['peak_growth_mb']:>4} MB  {r['note']}")


if __name__ == "__main__":
    main()
