"""Helpers of the workers-across-machines tests (a uniquely named module: every area has a conftest):
an S3-compatible server (moto's, on loopback), fresh PostgreSQL databases, and processes of the real CLI."""

from __future__ import annotations

import itertools
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SERVICE_TESTS = Path(__file__).resolve().parent.parent / "service"
#: fixed credentials for the loopback S3 server (it accepts any)
S3_KEY, S3_SECRET, S3_REGION = "imagegen-test", "imagegen-test-secret", "us-east-1"

_counter = itertools.count()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def s3_server() -> Iterator[str]:
    """A real S3-compatible HTTP server (moto) on a free loopback port; yields its endpoint URL."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def s3_client(endpoint: str) -> Any:
    import boto3

    return boto3.session.Session().client("s3", endpoint_url=endpoint, region_name=S3_REGION,
                                          aws_access_key_id=S3_KEY, aws_secret_access_key=S3_SECRET)


def new_bucket(endpoint: str) -> str:
    name = f"imagegen-{os.getpid()}-{next(_counter)}"
    s3_client(endpoint).create_bucket(Bucket=name)
    return name


def s3_settings(endpoint: str, bucket: str, prefix: str = "assets") -> dict[str, str]:
    """``Settings.extra`` entries (IMAGEGEN_* without the prefix, lower case) of the S3 store."""
    return {"store_url": f"s3://{bucket}/{prefix}", "s3_endpoint_url": endpoint, "s3_region": S3_REGION,
            "s3_access_key_id": S3_KEY, "s3_secret_access_key": S3_SECRET}


def new_database(server_url: str) -> str:
    """A fresh, empty database on the PostgreSQL server at ``server_url`` (its ``postgres`` database)."""
    import psycopg

    name = f"w{os.getpid()}_{next(_counter)}"
    conninfo = server_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return server_url.rsplit("/", 1)[0] + "/" + name


@dataclass
class Proc:
    """One process of the real ``imagegen`` CLI with its own IMAGEGEN_HOME and log file."""

    name: str
    args: list[str]
    env: dict[str, str]
    log: Path
    proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def start(self) -> Proc:
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", "imagegen.cli.main", *self.args],
                                         env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        return self

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL: no shutdown hook runs (a machine that loses power)."""
        if self.alive():
            assert self.proc is not None
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def terminate(self) -> None:
        """SIGTERM: a worker gives its running job back, the server drains."""
        if self.alive():
            assert self.proc is not None
            self.proc.terminate()

    def stop(self) -> None:
        if self.alive():
            assert self.proc is not None
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""


def wait_until(predicate: Any, timeout: float, what: str, every: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(every)
    raise AssertionError(f"{what}: not within {timeout} s")
