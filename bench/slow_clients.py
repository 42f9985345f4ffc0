"""Slow clients and engine waits against a real server on loopback (issue 10): one command, prints figures.

    .venv/bin/python bench/slow_clients.py [--connections 200] [--readers 4] [--waits 45]

1. ``connections`` half-sent requests (half a request head, then silence) against ``imagegen serve`` with
   its default limits (header time-out 10 s): the server's open files before, at the peak and after, and how
   long until every connection was closed; then the same against plain uvicorn (no guard) for 15 s.
2. a body trickled at 1 byte/s: seconds until the server closes it (default grace 15 s, min rate 1 KiB/s).
3. ``readers`` clients that request a 12.6 MB asset over a 4 KB receive window and never read it: the
   server's RSS before, while they are held and after, and seconds until each is reset (send time-out
   30 s, then the connection and its buffers go); the same against plain uvicorn, observed for 45 s.
4. ``waits`` synchronous generations waiting on a single busy worker (a test engine that sleeps): latency of
   an authenticated ``GET /v1/models`` beside them (p50/max of 20), and how long after the clients go
   away a queued job completes (their jobs are cancelled).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
TEST_ENGINES = ROOT / "tests" / "service"
ROUTES = {"bench-slow": "imagegen_test_engines:SlowEngine",
          "bench-quick": "imagegen_test_engines:QuickEngine"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_key(home: Path) -> str:
    from imagegen.config import Settings
    from imagegen.db.engine import dispose_all
    from imagegen.tenants import TenantStore

    settings = Settings(home=home, database_url=f"sqlite:///{home / 'imagegen.db'}")
    settings.ensure_dirs()
    try:
        return TenantStore(settings.database_url).create_key("bench")[1]
    finally:
        dispose_all()


def start(home: Path, *, guarded: bool, **extra: str) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMAGEGEN_")}
    path = os.pathsep.join([str(TEST_ENGINES), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.update({"IMAGEGEN_HOME": str(home), "IMAGEGEN_ROUTES": json.dumps(ROUTES),
                "IMAGEGEN_JOB_POLL_S": "0.2", "PYTHONPATH": path})
    env.update({f"IMAGEGEN_{k.upper()}": v for k, v in extra.items()})
    if guarded:
        cmd = [sys.executable, "-m", "imagegen.cli.main", "serve", "--port", str(port),
               "--log-level", "warning"]
    else:  # what a plain uvicorn start gives: no header/body time-outs, no connection cap
        cmd = [sys.executable, "-m", "uvicorn", "--factory", "imagegen.api.app:app_from_env", "--http", "h11",
               "--port", str(port), "--log-level", "warning"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc, port
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def fds(proc: subprocess.Popen[bytes]) -> int:
    return len(os.listdir(f"/proc/{proc.pid}/fd"))


def closed(sock: socket.socket, deadline: float) -> bool:
    while time.monotonic() < deadline:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            if not sock.recv(4096):
                return True
        except TimeoutError:
            return False
        except ConnectionResetError:
            return True
    return False


def half_sent(port: int, proc: subprocess.Popen[bytes], n: int, wait_s: float) -> dict[str, float]:
    base = fds(proc)
    socks = []
    started = time.monotonic()
    for _ in range(n):
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        sock.sendall(b"POST /v1/images/generations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty")
        socks.append(sock)
    time.sleep(0.5)
    peak = fds(proc)
    deadline = started + wait_s
    n_closed = sum(closed(sock, deadline) for sock in socks)
    all_closed_s = time.monotonic() - started
    held = fds(proc)
    for sock in socks:
        sock.close()
    time.sleep(0.5)
    return {"fds_before": base, "fds_peak": peak, "fds_at_end": held, "closed": n_closed,
            "seconds": round(all_closed_s, 2), "fds_after_clients_left": fds(proc)}


def trickle(port: int, key: str) -> float:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall((f"POST /v1/images/generations HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  f"Authorization: Bearer {key}\r\nContent-Type: application/json\r\n"
                  "Content-Length: 100000\r\n\r\n").encode())
    started = time.monotonic()
    sock.setblocking(False)
    try:
        while time.monotonic() - started < 60:
            try:
                sock.send(b" ")
                if sock.recv(4096) == b"":
                    break
            except BlockingIOError:
                pass
            except OSError:
                break
            time.sleep(1.0)
    finally:
        sock.close()
    return time.monotonic() - started


def big_asset(home: Path) -> str:
    """A 2048x2048 noise PNG (12.6 MB) in tenant bench's catalog; its asset id."""
    import io

    from PIL import Image

    from imagegen.config import Settings
    from imagegen.db.engine import dispose_all
    from imagegen.provenance.catalog.recorder import Recorder

    buf = io.BytesIO()
    noise = Image.frombytes("RGB", (2048, 2048), os.urandom(2048 * 2048 * 3))
    noise.save(buf, format="PNG", compress_level=0)
    try:
        settings = Settings(home=home, database_url=f"sqlite:///{home / 'imagegen.db'}")
        return Recorder(settings).record_file("bench", buf.getvalue())[0].asset_id
    finally:
        dispose_all()


def rss_mb(proc: subprocess.Popen[bytes]) -> float:
    for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def slow_readers(port: int, proc: subprocess.Popen[bytes], key: str, asset_id: str, n: int,
                 wait_s: float) -> dict[str, float]:
    request = (f"GET /v1/assets/{asset_id}/content HTTP/1.1\r\nHost: 127.0.0.1\r\n"
               f"Authorization: Bearer {key}\r\n\r\n").encode()
    before = rss_mb(proc)
    socks = []
    for _ in range(n):
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect(("127.0.0.1", port))
        sock.sendall(request)
        socks.append(sock)
    started = time.monotonic()
    time.sleep(2.0)
    held = rss_mb(proc)

    def established(sock: socket.socket) -> bool:
        return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1)[0] == 1

    reset = 0
    while time.monotonic() - started < wait_s and reset < n:
        reset = sum(not established(sock) for sock in socks)
        time.sleep(0.2)
    seconds = time.monotonic() - started
    time.sleep(0.5)
    after = rss_mb(proc)
    for sock in socks:
        sock.close()
    return {"rss_before_mb": before, "rss_held_mb": held, "rss_after_mb": after,
            "reset": reset, "of": n, "seconds": round(seconds, 1)}


def waits(port: int, key: str, n: int) -> dict[str, float]:
    body = b'{"model": "bench-slow", "prompt": "sleep 120", "size": "1024x1024"}'
    request = (f"POST /v1/images/generations HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {key}\r\n"
               f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
    socks = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(n)]
    for sock in socks:
        sock.sendall(request)
    time.sleep(2.0)
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {key}"},
                      timeout=30) as api:
        lat = []
        for _ in range(20):
            t = time.monotonic()
            api.get("/v1/models").raise_for_status()
            lat.append((time.monotonic() - t) * 1000)
        rid = api.post("/v1/models/bench-quick/text-to-image", json={"prompt": "quick"}).json()["request_id"]
        for sock in socks:
            sock.close()
        t = time.monotonic()
        while api.get(f"/v1/requests/{rid}/status").json()["status"] != "completed":
            if time.monotonic() - t > 60:
                raise SystemExit("the queued job did not run: abandoned jobs were not cancelled")
            time.sleep(0.1)
        freed = time.monotonic() - t
    return {"models_p50_ms": round(statistics.median(lat), 1), "models_max_ms": round(max(lat), 1),
            "queued_job_done_after_s": round(freed, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--waits", type=int, default=45)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "guarded"
        key = make_key(home)
        asset_id = big_asset(home)
        proc, port = start(home, guarded=True, workers="1")
        try:
            print("imagegen serve (defaults: header 10 s, body idle 15 s, min 1024 B/s, 512 connections)")
            print("  half-sent:", half_sent(port, proc, args.connections, 30))
            print(f"  1 B/s trickled body closed after {trickle(port, key):.1f} s")
            print(f"  {args.readers} clients not reading a 12.6 MB answer:",
                  slow_readers(port, proc, key, asset_id, args.readers, 60))
            print(f"  {args.waits} waiting sync generations:", waits(port, key, args.waits))
        finally:
            stop(proc)
        home = Path(tmp) / "plain"
        key = make_key(home)
        asset_id = big_asset(home)
        proc, port = start(home, guarded=False)
        try:
            print("plain uvicorn (no guard), observed for 15 s (readers: 45 s)")
            print("  half-sent:", half_sent(port, proc, args.connections, 15))
            print(f"  {args.readers} clients not reading a 12.6 MB answer:",
                  slow_readers(port, proc, key, asset_id, args.readers, 45))
        finally:
            stop(proc)


if __name__ == "__main__":
    main()
