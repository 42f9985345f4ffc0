"""Whole-request speed through a real ``imagegen serve`` on loopback, and its behaviour under load.

Usage: ``.venv/bin/python bench/service_speed.py [--runs 12] [--load 8,16] [--load-seconds 20] [--json]``

1. Starts the server (default engine, 2 workers, a fresh ``IMAGEGEN_HOME``) and makes a key with the CLI.
2. Per case (1024² low, 1024² medium, 1536x1024 medium, 2048² high): ``--runs`` sequential
   ``POST /v1/images/generations`` over HTTP (plan, render, verify, refine, watermark, encode, sign, catalog,
   base64), prompts and seeds rotating; prints p50/p95 of the whole request as the client sees it.
3. A reference workload in the same session (the renderer alone drawing ``render_speed.sample_plan`` at
   1024², no verification, no provenance), timed before and after the cases: the machine is shared and
   noisy, so each case is also printed as a ratio to the reference p50.
   The peer (``bench/peer``: Satori -> SVG -> resvg PNG of a comparable 1024² slide, render only) is timed
   the same way when its packages are installed (``npm ci --prefix bench/peer``), and each case is printed as
   a ratio to it too: issue 10's targets are 1024² low <= 1.0x peer, medium <= 300 ms, 2048² high <= 1.5 s.
4. Load: for each ``--load`` level, that many clients send 1024² low requests for ``--load-seconds``;
   prints throughput, p50/p99, errors, and the server's RSS before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

PROMPTS = [
    'A launch poster with the headline "Ship It Friday" and a QR code linking to https://example.com',
    'A menu card titled "Café Lumière" with three items: Espresso 3.50, Croissant 2.80, Tartine 7.00',
    'A conference slide titled "Q3 Results" with a bar chart: Q1 4.2, Q2 4.8, Q3 5.7',
    'A sale banner with the headline "Spring Sale" and the line "20% off everything"',
]
CASES = [("1024x1024", "low"), ("1024x1024", "medium"), ("1536x1024", "medium"), ("2048x2048", "high")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Server:
    def __init__(self, home: Path) -> None:
        self.home = home
        self.port = _free_port()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("IMAGEGEN_")}
        self.env.update({"IMAGEGEN_HOME": str(home), "IMAGEGEN_WORKERS": "2"})
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = open(self.home.parent / "server.log", "ab")  # noqa: SIM115 (the server owns it until stop)
        cmd = [sys.executable, "-m", "imagegen.cli.main", "serve", "--host", "127.0.0.1", "--port",
               str(self.port), "--log-level", "warning"]
        self.proc = subprocess.Popen(cmd, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"server exited: see {self.home.parent / 'server.log'}")
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise SystemExit("server did not start")

    def key(self) -> str:
        cmd = [sys.executable, "-m", "imagegen.cli.main", "keys", "create", "--tenant", "bench"]
        out = subprocess.run(cmd, env=self.env, capture_output=True, check=True, timeout=120)
        return out.stdout.decode().strip()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


def reference_p50(runs: int = 7) -> float:
    """The renderer alone on a fixed 1024² plan: the same-session yardstick."""
    from imagegen.engines.planning.render import render
    from render_speed import sample_plan

    plan = sample_plan(1024)
    render(plan, scale=1.0)  # fonts and caches warm
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        render(plan, scale=1.0)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


PEER = Path(__file__).resolve().parent / "peer"


def peer_p50(runs: int = 15) -> float | None:
    """The peer's render-only p50 (s): Satori + resvg in node; None when node or its packages are missing."""
    node = shutil.which("node")
    if node is None or not (PEER / "node_modules" / "satori").is_dir():
        return None
    out = subprocess.run([node, str(PEER / "render.mjs"), "--runs", str(runs)], capture_output=True,
                         check=True, timeout=300)
    return float(json.loads(out.stdout.decode().strip().splitlines()[-1])["p50_ms"]) / 1000


def request(client: httpx.Client, size: str, quality: str, i: int) -> float:
    body = {"model": "gpt-image-2", "prompt": PROMPTS[i % len(PROMPTS)], "size": size, "quality": quality,
            "seed": 1000 + i}
    t = time.perf_counter()
    resp = client.post("/v1/images/generations", json=body)
    elapsed = time.perf_counter() - t
    if resp.status_code != 200:
        raise RuntimeError(f"{size} {quality}: HTTP {resp.status_code} {resp.text[:300]}")
    return elapsed


def load(server: Server, key: str, clients: int, seconds: float) -> dict[str, Any]:
    assert server.proc is not None
    rss_before = _rss_mb(server.proc.pid)
    times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker(w: int) -> None:
        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {key}"}, timeout=300) as c:
            i = 0
            while time.monotonic() < stop_at:
                try:
                    elapsed = request(c, "1024x1024", "low", w * 1000 + i)
                    with lock:
                        times.append(elapsed)
                except Exception as exc:
                    with lock:
                        errors.append(str(exc)[:200])
                i += 1

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(w,)) for w in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - started
    return {"clients": clients, "requests": len(times), "errors": len(errors), "wall_s": round(wall, 1),
            "throughput_rps": round(len(times) / wall, 2),
            "p50_ms": round(1000 * _pct(times, 0.5)) if times else None,
            "p99_ms": round(1000 * _pct(times, 0.99)) if times else None,
            "rss_before_mb": round(rss_before), "rss_after_mb": round(_rss_mb(server.proc.pid)),
            "first_error": errors[0] if errors else None}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=12)
    ap.add_argument("--load", default="8,16", help="comma-separated client counts ('' for none)")
    ap.add_argument("--load-seconds", type=float, default=20.0)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    root = Path(tempfile.mkdtemp(prefix="imagegen-bench-"))
    home = root / "home"
    home.mkdir()
    server = Server(home)
    results: dict[str, Any] = {"cases": [], "load": []}
    try:
        server.start()
        key = server.key()
        ref_before = reference_p50()
        peer_before = peer_p50()
        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {key}"}, timeout=300) as c:
            for i in range(3):  # warm: fonts, OCR models, signer, database
                request(c, "1024x1024", "medium", i)
            for size, quality in CASES:
                times = [request(c, size, quality, i) for i in range(args.runs)]
                results["cases"].append({"size": size, "quality": quality, "runs": len(times),
                                         "p50_ms": round(1000 * statistics.median(times)),
                                         "p95_ms": round(1000 * _pct(times, 0.95))})
        ref_after = reference_p50()
        peer_after = peer_p50()
        ref = (ref_before + ref_after) / 2
        results["reference"] = {"what": "renderer alone, render_speed.sample_plan(1024), scale 1",
                                "p50_ms_before": round(1000 * ref_before, 1),
                                "p50_ms_after": round(1000 * ref_after, 1)}
        for case in results["cases"]:
            case["ratio_to_reference"] = round(case["p50_ms"] / (1000 * ref), 2)
        if peer_before is not None and peer_after is not None:
            peer = (peer_before + peer_after) / 2
            results["peer"] = {"what": "Satori -> SVG -> resvg PNG, 1024² slide, render only (bench/peer)",
                               "p50_ms_before": round(1000 * peer_before, 1),
                               "p50_ms_after": round(1000 * peer_after, 1)}
            for case in results["cases"]:
                case["ratio_to_peer"] = round(case["p50_ms"] / (1000 * peer), 2)
        for level in [int(x) for x in args.load.split(",") if x.strip()]:
            results["load"].append(load(server, key, level, args.load_seconds))
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)

    if args.json:
        print(json.dumps(results, indent=2))
        return
    ref_info = results["reference"]
    print(f"reference (renderer alone, 1024²): p50 {ref_info['p50_ms_before']} ms before, "
          f"{ref_info['p50_ms_after']} ms after")
    peer_info = results.get("peer")
    if peer_info:
        print(f"peer (Satori + resvg, 1024² slide, render only): p50 {peer_info['p50_ms_before']} ms before, "
              f"{peer_info['p50_ms_after']} ms after")
    else:
        print("peer: not measured (install it: npm ci --prefix bench/peer)")
    print(f"{'size':>10} {'quality':>8} {'p50 ms':>7} {'p95 ms':>7} {'x ref':>6} {'x peer':>7}")
    for case in results["cases"]:
        print(f"{case['size']:>10} {case['quality']:>8} {case['p50_ms']:>7} {case['p95_ms']:>7} "
              f"{case['ratio_to_reference']:>6} {case.get('ratio_to_peer', '-'):>7}")
    for row in results["load"]:
        print(f"load {row['clients']:>2} clients: {row['requests']} requests in {row['wall_s']} s = "
              f"{row['throughput_rps']} req/s, p50 {row['p50_ms']} ms, p99 {row['p99_ms']} ms, errors "
              f"{row['errors']}, server RSS {row['rss_before_mb']} -> {row['rss_after_mb']} MB")


if __name__ == "__main__":
    main()
