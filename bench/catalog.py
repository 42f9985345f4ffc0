"""Catalog benchmark: 1,000,000 synthetic assets in SQLite, then the auditor query and a full-text query.

One command::

    .venv/bin/python bench/catalog.py            # build (or reuse) bench/results/catalog-1m.db, then time
    .venv/bin/python bench/catalog.py --rows 100000 --runs 50

The database is built through the real Alembic migrations (same schema, indexes, FTS5 triggers as production),
then filled with raw ``executemany`` in large transactions. Queries go through ``imagegen.provenance.catalog``
(the code the CLI and the API run). "cold" = a fresh engine/connection, SQLite's page cache and imagegen's
family-name cache empty (the OS page cache may still hold the file: we do not drop it on a shared machine);
"warm" = repeated runs on one connection.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import platform
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"

MODELS = [
    ("gpt-image-2", "planning", 0.45),
    ("gpt-image-1.5", "planning", 0.15),
    ("gpt-image-1", "planning", 0.10),
    ("gpt-image-1-mini", "planning", 0.08),
    ("imagegen-design", "planning", 0.10),
    ("diffusers/sdxl-local", "diffusion", 0.07),
    ("upstream/openai", "upstream", 0.05),
]
SUBJECTS = (
    "poster",
    "menu",
    "product hero",
    "spec sheet",
    "magazine cover",
    "slide",
    "infographic",
    "app screen",
    "ticket",
    "banner",
    "comic page",
    "sign",
    "label",
    "social card",
    "storyboard",
)
TOPICS = (
    "coffee",
    "jazz night",
    "bike repair",
    "bakery",
    "yoga studio",
    "tax seminar",
    "farmers market",
    "city marathon",
    "book fair",
    "ramen bar",
    "museum",
    "charity run",
    "robotics club",
    "flower shop",
    "ski rental",
    "dentist",
    "vinyl store",
    "tea house",
    "hackathon",
    "wine tasting",
    "pet adoption",
    "concert",
    "garden center",
    "startup launch",
    "science fair",
    "film festival",
    "craft beer",
)
STYLES = (
    "flat design",
    "dark mode",
    "retro",
    "minimal",
    "bold sans serif",
    "pastel palette",
    "neon",
    "art deco",
    "brutalist",
    "watercolor texture",
    "swiss grid",
    "hand lettering",
)
WORDS = (
    "summer",
    "winter",
    "sale",
    "grand opening",
    "limited",
    "weekend",
    "special",
    "free entry",
    "new",
    "members",
    "today",
    "premium",
    "local",
    "fresh",
    "live",
    "classic",
    "annual",
    "family",
)
START = datetime(2025, 11, 1)
SPAN_DAYS = 365


def zipf_weights(n: int, s: float) -> list[float]:
    return [1.0 / (i + 1) ** s for i in range(n)]


def family_brief(rng: random.Random, k: int) -> tuple[str, str]:
    """A prompt family: one brief (subject, topic, style, headline) that its members vary slightly."""
    r = random.Random(k * 7919 + 13)
    head = f"{r.choice(WORDS).title()} {r.choice(TOPICS).title()} {r.choice(WORDS).title()}"
    brief = (
        f"A {r.choice(STYLES)} {r.choice(SUBJECTS)} for a {r.choice(TOPICS)} event, headline "
        f'"{head}", {r.choice(STYLES)}, date and venue in the footer'
    )
    return brief, head


def rows(n: int, seed: int = 7) -> Iterator[tuple[Any, ...]]:
    """Yield ``n`` realistic rows: Zipf tenants, model mix, a year of dates, ~n/30 prompt families."""
    rng = random.Random(seed)
    tenants = [f"tenant_{i:03d}" for i in range(200)]
    tw = zipf_weights(len(tenants), 1.1)
    n_fam = max(50, n // 30)
    fw = zipf_weights(n_fam, 0.8)
    mids = [m for m, _, _ in MODELS]
    mw = [w for _, _, w in MODELS]
    engine_of = {m: e for m, e, _ in MODELS}
    fams = rng.choices(range(n_fam), weights=fw, k=n)
    ts = rng.choices(range(len(tenants)), weights=tw, k=n)
    ms = rng.choices(mids, weights=mw, k=n)
    for i in range(n):
        fam = fams[i]
        brief, head = family_brief(rng, fam)
        prompt = brief + (", " + rng.choice(WORDS) if rng.random() < 0.6 else "")
        # recent months are busier (growth): square-root skew towards the end of the year
        day = SPAN_DAYS * (rng.random() ** 0.7)
        created = START + timedelta(days=day)
        model = ms[i]
        tenant = tenants[ts[i]]
        fmt = rng.choices(("png", "jpeg", "webp"), weights=(70, 20, 10))[0]
        w, h = rng.choice(((1024, 1024), (1536, 1024), (1024, 1536), (2048, 2048), (2048, 1152)))
        sha = hashlib.sha256(f"{seed}:{i}".encode()).hexdigest()
        aid = "img_" + sha[:16]
        fam_id = "img_" + hashlib.sha256(f"{tenant}:{fam}".encode()).hexdigest()[:16]
        yield (
            aid,
            tenant,
            created.strftime("%Y-%m-%d %H:%M:%S.%f"),
            "generated",
            "generate",
            model,
            engine_of[model],
            "0.1.0",
            "procedural",
            f"user_{rng.randrange(40)}",
            None,
            prompt,
            hashlib.sha256(prompt.encode()).hexdigest(),
            None,
            f"{head}; poster",
            head,
            "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia",
            json.dumps({"size": f"{w}x{h}", "quality": "medium"}),
            "{}",
            "{}",
            "{}",
            rng.randrange(2**31),
            sha,
            f"{rng.getrandbits(64):016x}",
            fmt,
            f"image/{fmt}",
            w,
            h,
            rng.randrange(200_000, 3_000_000),
            f"{sha[:2]}/{sha[2:4]}/{sha}.{fmt}",
            aid,
            f"urn:c2pa:{sha[:36]}",
            fam_id,
            round(rng.uniform(0.3, 6.0), 3),
            round(rng.uniform(0.3, 6.0), 3),
        )


COLUMNS = (
    "asset_id, tenant_id, created_at, source, operation, requested_model, engine, engine_version, "
    "backend, user, job_id, prompt, prompt_sha256, negative_prompt, revised_prompt, rendered_text, "
    "digital_source_type, params, timings, usage, extra, seed, sha256, phash, output_format, "
    "content_type, width, height, size_bytes, storage_key, watermark_id, c2pa_manifest_label, family_id, "
    "compute_seconds, cost_credits"
)


def build(path: Path, n: int) -> float:
    """Create the schema with the real migrations, then bulk-insert ``n`` rows. Returns seconds spent."""
    from imagegen.db.engine import dispose_all, get_engine

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".building")
    for p in (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
        p.unlink(missing_ok=True)
    t0 = time.perf_counter()
    get_engine(f"sqlite:///{tmp}")
    dispose_all()
    con = sqlite3.connect(tmp)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA cache_size=-400000")
    marks = ", ".join("?" * len(COLUMNS.split(",")))
    sql = f"INSERT INTO catalog_assets ({COLUMNS}) VALUES ({marks})"
    batch: list[tuple[Any, ...]] = []
    done = 0
    for row in rows(n):
        batch.append(row)
        if len(batch) >= 50_000:
            con.executemany(sql, batch)
            con.commit()
            done += len(batch)
            batch.clear()
            print(f"  {done:,} rows  {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    if batch:
        con.executemany(sql, batch)
        con.commit()
    # one family row per (tenant, family) as the recorder would have written (signatures are not searched:
    # an 8-byte placeholder keeps the file small; LSH bands are only read at record time)
    con.execute(
        "INSERT INTO catalog_families (tenant_id, family_id, signature, prompt, created_at) "
        "SELECT tenant_id, family_id, x'0000000000000000', min(prompt), min(created_at) FROM catalog_assets "
        "GROUP BY tenant_id, family_id"
    )
    con.commit()
    # each asset carries its family's founding prompt (migration 0003; the recorder writes it per row)
    con.execute(
        "UPDATE catalog_assets SET family_prompt = (SELECT f.prompt FROM catalog_families f "
        "WHERE f.tenant_id = catalog_assets.tenant_id AND f.family_id = catalog_assets.family_id) "
        "WHERE family_id IS NOT NULL"
    )
    con.commit()
    con.execute("INSERT INTO catalog_fts(catalog_fts) VALUES ('optimize')")
    con.execute("ANALYZE")
    con.commit()
    con.execute("PRAGMA journal_mode=WAL")
    con.close()
    tmp.rename(path)
    return time.perf_counter() - t0


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


def measure(path: Path, runs: int) -> dict[str, object]:
    """Time the auditor query and a full-text query through the real search code, cold and warm."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from imagegen.provenance.catalog.search import FAMILY_NAMES, SearchQuery, search_assets, search_grouped

    url = f"sqlite:///{path}"
    tenant = "tenant_000"  # the biggest client: the worst case for the auditor's query
    audit = SearchQuery(model="gpt-image-2", date_from=datetime(2026, 4, 22), date_to=datetime(2026, 4, 30))
    fts = SearchQuery(text="jazz night", limit=50)
    results: dict[str, object] = {}
    counts: dict[str, int] = {}

    def run_audit(s: Session) -> None:
        g = search_grouped(s, tenant, audit)
        counts["audit_assets"] = sum(x.count for x in g.groups)
        counts["audit_families"] = len(g.groups)

    def run_fts(s: Session) -> None:
        page = search_assets(s, tenant, fts)
        counts["fts_page"] = len(page.items)

    # CPython's full (generation 2) garbage collections scan the whole heap (20-50 ms here): count how many
    # fell inside timed runs, since they, not the query, make most of the p95 tail
    full_gc = {"n": 0}

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and info["generation"] == 2:
            full_gc["n"] += 1

    gc.callbacks.append(on_gc)
    for name, fn in (("auditor", run_audit), ("fulltext", run_fts)):
        cold, cold_cpu = [], []
        cold_gc = warm_gc = 0
        for _ in range(runs):
            FAMILY_NAMES.clear()  # cold: nothing cached in this process either
            eng = create_engine(url)
            with Session(eng) as s:
                n0 = full_gc["n"]
                t, c = time.perf_counter(), time.process_time()
                fn(s)
                cold.append((time.perf_counter() - t) * 1000)
                cold_cpu.append((time.process_time() - c) * 1000)
                cold_gc += full_gc["n"] > n0
            eng.dispose()
        eng = create_engine(url)
        warm, warm_cpu = [], []
        with Session(eng) as s:
            fn(s)
            for _ in range(runs):
                n0 = full_gc["n"]
                t, c = time.perf_counter(), time.process_time()
                fn(s)
                warm.append((time.perf_counter() - t) * 1000)
                warm_cpu.append((time.process_time() - c) * 1000)
                warm_gc += full_gc["n"] > n0
        eng.dispose()
        results[name] = {
            "cold_p50_ms": round(statistics.median(cold), 2),
            "cold_p95_ms": round(pct(cold, 0.95), 2),
            "warm_p50_ms": round(statistics.median(warm), 2),
            "warm_p95_ms": round(pct(warm, 0.95), 2),
            # CPU time of this process: what the query costs when it does not have to wait for a core
            "cold_cpu_p50_ms": round(statistics.median(cold_cpu), 2),
            "cold_cpu_p95_ms": round(pct(cold_cpu, 0.95), 2),
            "warm_cpu_p50_ms": round(statistics.median(warm_cpu), 2),
            "warm_cpu_p95_ms": round(pct(warm_cpu, 0.95), 2),
            # timed runs during which CPython ran a full garbage collection
            "cold_runs_with_full_gc": cold_gc,
            "warm_runs_with_full_gc": warm_gc,
            "runs": runs,
        }
    gc.callbacks.remove(on_gc)
    results["counts"] = counts
    return results


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=60)
    ap.add_argument("--db", type=Path, default=None)
    ap.add_argument("--build-only", action="store_true")
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument(
        "--gc-freeze",
        action="store_true",
        help="call gc.freeze() after the imports, as a server may after startup (full collections then skip "
        "the startup heap); off by default",
    )
    args = ap.parse_args()
    path = args.db or RESULTS / f"catalog-{args.rows // 1000}k.db"
    build_s = None
    if args.rebuild or not path.exists():
        print(f"building {args.rows:,} rows into {path} ...", file=sys.stderr)
        build_s = build(path, args.rows)
        print(f"built in {build_s:.0f} s", file=sys.stderr)
    if args.build_only:
        return 0
    if args.gc_freeze:
        import imagegen.provenance.catalog.search  # noqa: F401  (the heap a started server holds)

        gc.collect()
        gc.freeze()
    load_before = os.getloadavg()[0]
    res = measure(path, args.runs)
    out = {
        "date": datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{_cpu_model()} x{os.cpu_count()}, {platform.machine()} {sys.platform}, "
        f"sqlite {sqlite3.sqlite_version}, python {platform.python_version()}",
        # the machine is shared: a load average above the core count means wall times include waiting
        "load_avg_1m": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "gc_freeze": args.gc_freeze,
        "rows": args.rows,
        "db_bytes": path.stat().st_size,
        "build_s": build_s,
        **res,
    }
    print(json.dumps(out, indent=2))
    suffix = "-gcfreeze" if args.gc_freeze else ""
    (RESULTS / f"catalog-{args.rows // 1000}k{suffix}.json").write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
