"""A throwaway PostgreSQL 15 server for the PostgreSQL variants of the job tests.

Started in a temporary folder (as the ``postgres`` user when the tests run as root: initdb refuses root),
listening on a free loopback port with trust auth, stopped and removed at the end. Tests that need it
are skipped when the binaries are missing.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def available() -> bool:
    return (PG_BIN / "initdb").exists() and (PG_BIN / "pg_ctl").exists()


def _as_pg_user(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "postgres", "--", *cmd]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def postgres_server() -> Iterator[str]:
    """Yield a SQLAlchemy URL (psycopg 3) of a fresh database; the server is gone afterwards."""
    root = Path(tempfile.mkdtemp(prefix="imagegen-pg-"))
    data = root / "data"
    port = _free_port()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    run = lambda cmd: subprocess.run(_as_pg_user(cmd), check=True, capture_output=True, timeout=120)  # noqa: E731
    try:
        # --locale=C: the cluster never depends on the machine's LANG (initdb fails on a locale that is set
        # but not generated, and text sorts the same everywhere)
        run([str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync",
             "-E", "UTF8", "--locale=C"])
        run([str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w", "-t", "60", "-o",
             f"-p {port} -k {root} -h 127.0.0.1 -F -c fsync=off -c full_page_writes=off", "start"])
        url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
        deadline = time.monotonic() + 30
        import psycopg

        while True:
            try:
                psycopg.connect(f"host=127.0.0.1 port={port} user=postgres dbname=postgres").close()
                break
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield url
    finally:
        subprocess.run(_as_pg_user([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w",
                                    "stop"]), capture_output=True, timeout=60)
        shutil.rmtree(root, ignore_errors=True)
