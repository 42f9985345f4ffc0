"""``imagegen worker``: only job workers (no HTTP), on any machine that reaches the database and the store.

The API server (``imagegen serve --workers 0``) queues jobs; any number of ``imagegen worker`` processes,
on any machines, claim them from the shared PostgreSQL queue (``IMAGEGEN_DATABASE_URL``), read edit inputs
from the database and write assets to the shared store (``IMAGEGEN_STORE_URL``). SIGTERM or Ctrl-C stops
claiming and gives running jobs back to the queue; a worker killed outright has its job recovered by the
others once its heartbeat goes stale (``IMAGEGEN_JOB_STALE_AFTER_S``). See docs/deploy.md.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from types import FrameType

import click


@click.command("worker")
@click.option("--workers", type=click.IntRange(1, 256), default=None,
              help="Job threads in this process (default: IMAGEGEN_WORKERS or 2).")
@click.option("--log-level", default="info", show_default=True,
              type=click.Choice(["critical", "error", "warning", "info", "debug"]))
def worker(workers: int | None, log_level: str) -> None:
    """Run job workers until SIGTERM / Ctrl-C (running jobs then go back to the queue)."""
    import dataclasses

    from imagegen.config import Settings
    from imagegen.provenance.catalog.store import open_store
    from imagegen.service import Service

    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = Settings.from_env()
    settings = dataclasses.replace(settings, workers=settings.workers if workers is None else workers)
    settings.ensure_dirs()
    store = open_store(settings)
    store.check()  # a store this machine cannot reach would fail every job: refuse to start instead
    if settings.database_url.startswith("sqlite"):
        click.echo("imagegen: warning: the queue is a SQLite file; workers on other machines need "
                   "IMAGEGEN_DATABASE_URL=postgresql+psycopg://...", err=True)
    if not os.environ.get("IMAGEGEN_SIGNING_CERT"):
        click.echo(f"imagegen: warning: C2PA manifests are signed with the local CA in {settings.keys_dir}; "
                   "give every machine one signing identity (IMAGEGEN_SIGNING_CERT / IMAGEGEN_SIGNING_KEY, "
                   "or a copy of one keys folder) so the API trusts what workers sign", err=True)
    if not settings.store_url:
        click.echo(f"imagegen: warning: assets go to the local folder {store.location}; workers on other "
                   "machines need a shared IMAGEGEN_STORE_URL (s3://bucket/prefix)", err=True)

    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    service = Service(settings, scope="all")
    service.start()
    try:
        service.warm()
        click.echo(f"imagegen: worker {service.pool.worker_id} running {settings.workers} job thread(s); "
                   f"assets in {store.location}", err=True)
        while not stop.wait(0.5):
            pass
    finally:
        click.echo("imagegen: worker stopping; running jobs go back to the queue", err=True)
        service.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def register(group: click.Group) -> None:
    """Add ``worker`` to the ``imagegen`` group."""
    group.add_command(worker)
