"""Studio benchmark: the web studio on ONE tenant holding 100,000 assets, through the real HTTP server.

One command::

    .venv/bin/python bench/studio.py                 # 100,000 assets, 30 runs per page
    .venv/bin/python bench/studio.py --rows 20000 --runs 10

It records 40 real, signed assets through the save point (so asset pages read real files with real C2PA
manifests), then bulk-inserts the other rows through the real schema (the catalog benchmark's generator,
every row in one tenant, each row's file one of the 40), starts ``imagegen serve`` on loopback, signs in
through the form like a browser and times each view: the first grid page (48 cards), deep keyset pages
reached by infinite scroll, full-text search, filters, the prompt-family view and its next keyset pages,
an asset page (C2PA verification of the stored file included), thumbnails made the first time vs. read
from the thumbnail store, and signed JPEG/WebP download copies. Figures are wall times of whole HTTP
requests on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import catalog as catbench  # the catalog benchmark's row generator

TENANT = "studio"
RESULTS = Path(__file__).resolve().parent / "results"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def build(home: Path, n: int) -> tuple[str, float]:
    """A catalog of ``n`` assets for one tenant; returns (API key, seconds)."""
    import numpy as np
    from PIL import Image, ImageDraw

    from imagegen.config import Settings
    from imagegen.db.engine import dispose_all
    from imagegen.engines.base import EngineImage, EngineResult
    from imagegen.provenance.catalog.recorder import Recorder
    from imagegen.provenance.records import RecordContext
    from imagegen.tenants import TenantStore

    t0 = time.perf_counter()
    settings = Settings(home=home, database_url=f"sqlite:///{home / 'imagegen.db'}")
    settings.ensure_dirs()
    rec = Recorder(settings)
    key = TenantStore(settings.database_url).create_key(TENANT)[1]
    rng = np.random.default_rng(3)
    real: list[tuple[str, str, str]] = []
    for i in range(40):
        img = Image.new("RGB", (1024, 1024), tuple(int(v) for v in rng.integers(0, 255, 3)))
        d = ImageDraw.Draw(img)
        for _ in range(8):
            x, y = (int(v) for v in rng.integers(0, 900, 2))
            d.ellipse([x, y, x + 160, y + 160], fill=tuple(int(v) for v in rng.integers(0, 255, 3)))
        ctx = RecordContext(tenant_id=TENANT, operation="generate", requested_model="gpt-image-2",
                            prompt=f"benchmark poster {i}",
                            params={"output_format": "png", "size": "1024x1024"})
        res = EngineResult(images=[EngineImage(pixels=img, revised_prompt="", report={"ok": True})],
                           width=1024, height=1024, quality="medium", background="opaque", engine="planning",
                           engine_version="0.1.0", backend="procedural", seed=i, timings={}, usage={})
        [a] = rec.record(ctx, res)
        with rec.sessions() as s:
            from imagegen.provenance.catalog.repository import CatalogRepository

            row = CatalogRepository(s, TENANT).get(a.asset_id)
            real.append((row.storage_key, row.output_format, row.content_type))
    dispose_all()
    con = sqlite3.connect(home / "imagegen.db")
    con.execute("PRAGMA synchronous=OFF")
    marks = ", ".join("?" * len(catbench.COLUMNS.split(",")))
    sql = f"INSERT INTO catalog_assets ({catbench.COLUMNS}) VALUES ({marks})"
    batch: list[tuple[Any, ...]] = []
    for i, row in enumerate(catbench.rows(n - len(real))):
        r = list(row)
        r[1] = TENANT
        key_, fmt, ctype = real[i % len(real)]
        r[24], r[25], r[29] = fmt, ctype, key_  # output_format, content_type, storage_key: a real file
        batch.append(tuple(r))
        if len(batch) >= 50_000:
            con.executemany(sql, batch)
            con.commit()
            batch.clear()
    if batch:
        con.executemany(sql, batch)
    con.execute(
        "INSERT OR IGNORE INTO catalog_families (tenant_id, family_id, signature, prompt, created_at) "
        "SELECT tenant_id, family_id, x'0000000000000000', min(prompt), min(created_at) FROM catalog_assets "
        "WHERE family_id IS NOT NULL GROUP BY tenant_id, family_id"
    )
    con.execute(
        "UPDATE catalog_assets SET family_prompt = (SELECT f.prompt FROM catalog_families f "
        "WHERE f.tenant_id = catalog_assets.tenant_id AND f.family_id = catalog_assets.family_id) "
        "WHERE family_id IS NOT NULL AND family_prompt IS NULL"
    )
    # a few hundred review decisions, as a studio would have
    con.execute(
        "UPDATE catalog_assets SET review_state = 'approved', review_by = 'bench' WHERE seq % 400 = 0"
    )
    con.execute("ANALYZE")
    con.commit()
    con.close()
    return key, time.perf_counter() - t0


def serve(home: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMAGEGEN_")}
    env.update({"IMAGEGEN_HOME": str(home), "IMAGEGEN_WORKERS": "1"})
    proc = subprocess.Popen([sys.executable, "-m", "imagegen.cli.main", "serve", "--host", "127.0.0.1",
                             "--port", str(port), "--log-level", "warning"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start")


def sign_in(url: str, key: str) -> httpx.Client:
    c = httpx.Client(base_url=url, timeout=120)
    form = c.get("/studio/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token
    r = c.post("/studio/login", data={"csrf_token": token.group(1), "api_key": key})
    assert r.status_code == 303, r.text
    return c


def timed(c: httpx.Client, path: str) -> tuple[float, httpx.Response]:
    t = time.perf_counter()
    r = c.get(path)
    dt = (time.perf_counter() - t) * 1000
    assert r.status_code == 200, (path, r.status_code, r.text[:300])
    return dt, r


def stats(values: list[float]) -> dict[str, float]:
    s = sorted(values)
    p95 = s[min(len(s) - 1, round(0.95 * (len(s) - 1)))]
    return {"p50_ms": round(statistics.median(s), 1), "p95_ms": round(p95, 1), "n": len(s)}


def measure(url: str, key: str, runs: int) -> dict[str, Any]:
    c = sign_in(url, key)
    out: dict[str, Any] = {}
    pages = {
        "grid_first_page": "/studio",
        "search_full_text": "/studio?q=jazz+night",
        "filter_model_and_dates": "/studio?model=gpt-image-2&from=2026-03-01&to=2026-04-30",
        "filter_review_approved": "/studio?review=approved",
        "families_view": "/studio?group=family&model=gpt-image-2&from=2026-04-01&to=2026-04-30",
        "families_view_all": "/studio?group=family",
    }
    for name, path in pages.items():
        timed(c, path)  # warm the route once
        out[name] = stats([timed(c, path)[0] for _ in range(runs)])
    # infinite scroll: 20 consecutive keyset pages of 48 cards
    first = timed(c, "/studio")[1].text
    nxt = re.search(r'data-next="([^"]+)"', first)
    assert nxt
    path = nxt.group(1).replace("&amp;", "&")
    scroll = []
    for _ in range(20):
        dt, r = timed(c, path)
        scroll.append(dt)
        path = r.headers.get("X-Next-Page", "")
        if not path:
            break
    out["scroll_next_page"] = stats(scroll)
    # the family view scrolls by keyset pages too (24 families a page, every asset of the tenant grouped)
    fams = timed(c, "/studio?group=family")[1].text
    fnext = re.search(r'id="families" data-scroll data-next="([^"]+)"', fams)
    assert fnext
    path = fnext.group(1).replace("&amp;", "&")
    fscroll = []
    for _ in range(10):
        dt, r = timed(c, path)
        fscroll.append(dt)
        path = r.headers.get("X-Next-Page", "")
        if not path:
            break
    out["families_next_page"] = stats(fscroll)
    ids = re.findall(r'data-asset="(img_[0-9a-f]{16})"', first)
    out["asset_page"] = stats([timed(c, f"/studio/assets/{ids[i % len(ids)]}")[0] for i in range(runs)])
    cold = [timed(c, f"/studio/thumbs/{a}/320")[0] for a in ids[:runs]]
    warm = [timed(c, f"/studio/thumbs/{a}/320")[0] for a in ids[:runs]]
    out["thumbnail_first_time"] = stats(cold)
    out["thumbnail_cached"] = stats(warm)
    # downloads in another format than the stored PNG: a signed copy made per request (1024² files)
    for fmt in ("jpeg", "webp"):
        out[f"download_{fmt}"] = stats([timed(c, f"/studio/assets/{ids[i % len(ids)]}/download.{fmt}")[0]
                                        for i in range(min(runs, 10))])
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=30)
    args = ap.parse_args()
    home = Path(tempfile.mkdtemp(prefix="imagegen-studio-bench-")) / "home"
    print(f"building {args.rows:,} assets for one tenant in {home} ...", file=sys.stderr)
    key, build_s = build(home, args.rows)
    proc, url = serve(home)
    try:
        load = os.getloadavg()[0]
        res = measure(url, key, args.runs)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)
    doc = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{catbench._cpu_model()} x{os.cpu_count()}, {platform.machine()}, "
        f"sqlite {sqlite3.sqlite_version}, python {platform.python_version()}",
        "load_avg_1m": [round(load, 2), round(os.getloadavg()[0], 2)],
        "rows": args.rows,
        "build_s": round(build_s, 1),
        **res,
    }
    print(json.dumps(doc, indent=2))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"studio-{args.rows // 1000}k.json").write_text(json.dumps(doc, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
