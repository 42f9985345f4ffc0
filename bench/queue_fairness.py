"""Queue benchmark: the fair claim and queue_position with a deep queue, on SQLite and PostgreSQL.

One command::

    .venv/bin/python bench/queue_fairness.py            # 2,000 queued jobs: SQLite, a throwaway PostgreSQL
    .venv/bin/python bench/queue_fairness.py --jobs 10000 --pg-url postgresql+psycopg://user@host/db

The queue holds one tenant with half the jobs (a backlog) and 100 tenants sharing the other half. It times,
through ``imagegen.jobs.store.JobStore`` (the code every worker and the status route run): ``status`` of a
queued job (its fair position), ``claim`` (fair order + SKIP LOCKED + guarded UPDATE; each claimed job is
released again so the depth stays the same), with and without a per-tenant cap. PostgreSQL is started with the
suite's helper (tests/service/pg_helpers.py) unless ``--pg-url`` names one.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from sqlalchemy import insert  # noqa: E402

from imagegen.db.engine import dispose_all, session_factory  # noqa: E402
from imagegen.jobs.models import JobRow  # noqa: E402
from imagegen.jobs.store import JobStore  # noqa: E402


def fill(url: str, jobs: int) -> list[tuple[str, str]]:
    """``jobs`` queued rows: half for tenant 'backlog', half spread over 100 tenants; returns (tenant, id)."""
    rows = []
    now = time.time()
    for i in range(jobs):
        tenant = "backlog" if i % 2 == 0 else f"t{i % 200 // 2:03d}"
        rows.append({"id": f"job_{i:024x}", "tenant_id": tenant, "operation": "generate", "model": "m",
                     "params": {"spec": {}}, "status": "in_queue", "cancel_requested": False, "progress": 0.0,
                     "attempts": 0, "created_at": now + i * 1e-4})
    sessions = session_factory(url)
    with sessions.begin() as s:
        s.execute(insert(JobRow), rows)
    return [(r["tenant_id"], r["id"]) for r in rows]


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def bench(name: str, url: str, jobs: int, runs: int) -> None:
    ids = fill(url, jobs)
    store = JobStore(url)
    last_small = next(i for t, i in reversed(ids) if t != "backlog")
    last_small_tenant = next(t for t, i in ids if i == last_small)
    position = store.get(last_small_tenant, last_small).queue_position

    def claim(cap: int | None) -> Callable[[], object]:
        def run() -> None:
            job = store.claim("bench:1:w", tenant_cap=cap)
            assert job is not None
            store.release(job.id, "bench:1:w")
        return run

    status = timed(lambda: store.get(last_small_tenant, last_small), runs)
    plain = timed(claim(None), runs)
    capped = timed(claim(2), runs)
    print(f"{name:<10} {jobs:>6} queued  status p50 {status[0]:6.1f} ms p95 {status[1]:6.1f}  "
          f"claim p50 {plain[0]:6.1f} ms p95 {plain[1]:6.1f}  claim+cap p50 {capped[0]:6.1f} ms "
          f"p95 {capped[1]:6.1f}  (newest small-tenant job at position {position} of {jobs})")
    dispose_all()


@contextmanager
def postgres() -> Iterator[str]:
    sys.path.insert(0, str(ROOT / "tests" / "service"))
    import pg_helpers

    if not pg_helpers.available():
        raise SystemExit("PostgreSQL 15 binaries not found: pass --pg-url or run scripts/setup --test")
    with pg_helpers.postgres_server() as url:
        yield url


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--jobs", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--pg-url", default=None, help="an empty PostgreSQL database (default: start one)")
    ap.add_argument("--no-pg", action="store_true")
    args = ap.parse_args()
    print(f"{time.strftime('%Y-%m-%d')} {platform.machine()} {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f}, python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp:
        bench("sqlite", f"sqlite:///{tmp}/queue.db", args.jobs, args.runs)
    if not args.no_pg:
        with nullcontext(args.pg_url) if args.pg_url else postgres() as url:
            bench("postgresql", url, args.jobs, args.runs)


if __name__ == "__main__":
    main()
