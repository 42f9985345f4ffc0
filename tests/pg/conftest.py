"""A real PostgreSQL server for the suite: initdb into a temp folder, pg_ctl on a free loopback port.

Session-scoped; every test gets its own fresh database (so tests stay independent), migrated by the real
Alembic chain. As root, the server runs as the ``postgres`` system user (PostgreSQL refuses to run as
root), else as ``nobody``; as any other user, as that user. Skipped only when the binaries are absent.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "catalog"))

from catalog_helpers import catalog_settings, record, recorder

from imagegen.config import Settings
from imagegen.db.engine import dispose_all

__all__ = ["record", "recorder"]  # the shared catalog fixtures (catalog_helpers), found here by pytest

PG_BIN = Path(os.environ.get("IMAGEGEN_PG_BIN", "/usr/lib/postgresql/15/bin"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _runner() -> tuple[list[str], int | None, int | None]:
    """The command prefix that drops root, and the uid/gid that must own the data folder."""
    if os.geteuid() != 0:
        return [], None, None
    for name in ("postgres", "nobody"):
        try:
            pw = pwd.getpwnam(name)
        except KeyError:
            continue
        return ["runuser", "-u", name, "--"], pw.pw_uid, pw.pw_gid
    pytest.skip("running as root and no unprivileged user to run PostgreSQL as")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[dict[str, Any]]:
    if not (PG_BIN / "initdb").exists() or not (PG_BIN / "pg_ctl").exists():
        pytest.skip(f"PostgreSQL binaries not found in {PG_BIN}")
    prefix, uid, gid = _runner()
    root = Path(tempfile.mkdtemp(prefix="imagegen-pg-"))
    data, sock, log = root / "data", root / "sock", root / "server.log"
    sock.mkdir()
    if uid is not None:
        for p in (root, sock):
            os.chown(p, uid, gid or -1)
    port = _free_port()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*prefix, *args], check=True, capture_output=True, text=True, timeout=120)

    try:
        run(
            str(PG_BIN / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        run(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(log),
            "-w",
            "-t",
            "60",
            "-o",
            f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off",
            "start",
        )
    except subprocess.CalledProcessError as exc:
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(
            f"PostgreSQL did not start: {exc.stderr}\n{log.read_text() if log.exists() else ''}"
        ) from exc
    try:
        yield {"port": port, "root": root}
    finally:
        dispose_all()
        stop = subprocess.run(
            [*prefix, str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if stop.returncode != 0:
            print(f"pg_ctl stop failed: {stop.stderr}", file=sys.stderr)
            _kill_postmaster(data)
        shutil.rmtree(root, ignore_errors=True)


def _kill_postmaster(data: Path) -> None:
    """Last resort: SIGKILL the server this fixture started (its pid is in postmaster.pid)."""
    try:
        pid = int((data / "postmaster.pid").read_text().split()[0])
        os.kill(pid, signal.SIGKILL)
    except (OSError, ValueError, IndexError):
        pass


_counter = itertools.count()


@pytest.fixture
def pg_url(pg_server: dict[str, Any]) -> Iterator[str]:
    """A fresh, empty database on the test server."""
    import psycopg

    name = f"t{os.getpid()}_{next(_counter)}"
    admin = f"host=127.0.0.1 port={pg_server['port']} user=postgres dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql+psycopg://postgres@127.0.0.1:{pg_server['port']}/{name}"
    dispose_all()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def settings(tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """Catalog settings whose database is PostgreSQL (the CLI sees it through IMAGEGEN_DATABASE_URL)."""
    monkeypatch.setenv("IMAGEGEN_DATABASE_URL", pg_url)
    yield from catalog_settings(tmp_path / "home", pg_url)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/tests/pg/" in str(item.fspath):
            item.add_marker(pytest.mark.postgres)
