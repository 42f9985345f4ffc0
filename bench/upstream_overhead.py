"""Overhead imagegen adds around an upstream call (SPEC §10), with an upstream that answers at once.

Usage: ``python bench/upstream_overhead.py [--runs N]``. A loopback upstream speaking the OpenAI Images API
answers every request with a pre-encoded 1024² PNG; its own handling time is measured on its side and
subtracted. Two figures, p50/p95 in ms:

- ``engine``: ``UpstreamEngine.generate`` -- the official SDK call, retries/time-out wrapper, the loop-thread
  hand-off, decoding and the result;
- ``service``: ``Service.run`` for ``gpt-image-2`` routed to the upstream -- job row, worker pickup, the
  engine, and the save point (watermark, PNG encode with XMP, C2PA signing, catalog row), i.e. everything a
  client of imagegen waits for beyond the upstream itself, except the HTTP front door.

Target (docs/benchmarks.md): engine p50 <= 50 ms at 1024².
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import os
import statistics
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from imagegen.config import Settings
from imagegen.contract.specs import GenerateSpec
from imagegen.engines.base import NullProgress
from imagegen.engines.upstream.config import UpstreamConfig
from imagegen.engines.upstream.engine import UpstreamEngine

SIZE = 1024


def answer_body() -> bytes:
    """The upstream's answer: one 1024² PNG (a noisy gradient, so it is not trivially small)."""
    rng = np.random.default_rng(1)
    grad = np.linspace(0, 255, SIZE, dtype=np.float32)
    planes = [np.broadcast_to(grad[None, :], (SIZE, SIZE)), np.broadcast_to(grad[:, None], (SIZE, SIZE)),
              rng.integers(0, 40, (SIZE, SIZE)).astype(np.float32)]
    arr = np.stack(planes, axis=-1).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(arr, "RGB").save(buf, "PNG")
    usage = {"input_tokens": 20, "output_tokens": 1056, "total_tokens": 1076,
             "input_tokens_details": {"text_tokens": 20, "image_tokens": 0}}
    data = [{"b64_json": base64.b64encode(buf.getvalue()).decode()}]
    return json.dumps({"created": int(time.time()), "data": data, "size": f"{SIZE}x{SIZE}",
                       "quality": "medium", "background": "opaque", "output_format": "png",
                       "usage": usage}).encode()


class InstantUpstream:
    """Answers at once; ``served`` holds its own seconds per request (body read to last byte written)."""

    def __init__(self) -> None:
        body = answer_body()
        served: list[float] = []
        self.served = served

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                return None

            def do_POST(self) -> None:
                t0 = time.perf_counter()
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("x-request-id", "req_bench")
                self.end_headers()
                self.wfile.write(body)
                served.append(time.perf_counter() - t0)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(label: str, call: Any, upstream: InstantUpstream, runs: int) -> dict[str, float]:
    """Overhead = wall time of ``call`` minus the upstream's own time; CPU = process CPU seconds of the call
    (the loopback upstream's share is negligible: it writes a pre-encoded answer)."""
    for _ in range(3):  # warm-up: imports, the connection pool, the signer
        call()
    walls, cpus, parts = [], [], []
    for _ in range(runs):
        before = len(upstream.served)
        c0, t0 = time.process_time(), time.perf_counter()
        result = call()
        wall = time.perf_counter() - t0
        cpus.append((time.process_time() - c0) * 1000)
        walls.append((wall - sum(upstream.served[before:])) * 1000)
        timings = getattr(getattr(result, "result", result), "timings", {})
        parts.append({k: v * 1000 for k, v in timings.items() if k in ("upstream", "decode", "total")})
    out = {"p50": statistics.median(walls), "p95": pct(walls, 0.95), "cpu_p50": statistics.median(cpus)}
    keys = [k for k in ("upstream", "decode", "total") if all(k in p for p in parts)]
    split = ", ".join(f"{k} {statistics.median(p[k] for p in parts):.1f}" for k in keys)
    print(f"{label:8s} overhead at {SIZE}x{SIZE}: p50 {out['p50']:.1f} ms, p95 {out['p95']:.1f} ms wall; "
          f"CPU p50 {out['cpu_p50']:.1f} ms ({runs} runs; engine timings p50 ms: {split})")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    upstream = InstantUpstream()
    spec = GenerateSpec(prompt="a matte ceramic water bottle on warm linen", model="gpt-image-2", width=SIZE,
                        height=SIZE, quality="medium", seed=1)

    config = UpstreamConfig(name="bench", kind="openai", base_url=upstream.url, api_key_env="BENCH_KEY")
    engine = UpstreamEngine(config, {"BENCH_KEY": "sk-bench"})
    measure("engine", lambda: engine.generate(spec, NullProgress()), upstream, args.runs)

    from imagegen.service import Service

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        (home / "upstreams.toml").write_text(
            f'[bench]\nkind = "openai"\nbase_url = "{upstream.url}"\napi_key_env = "BENCH_KEY"\n')
        os.environ["BENCH_KEY"] = "sk-bench"
        settings = Settings(home=home, database_url=f"sqlite:///{home / 'imagegen.db'}",
                            extra={"routes": json.dumps({"gpt-image-2": "upstream/bench"}),
                                   "job_poll_s": "0.05", "local_mode": "1"})
        with Service(settings, scope="own", workers=1) as service:
            service.tenants.ensure_tenant("local")
            measure("service", lambda: service.run("local", "generate", spec), upstream, args.runs)


if __name__ == "__main__":
    main()
