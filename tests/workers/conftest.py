"""Workers-across-machines fixtures: one PostgreSQL server and one S3-compatible server for the area,
a fresh database and a fresh bucket per test."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "service"))

import pg_helpers
from workers_helpers import new_bucket, new_database, s3_server

from imagegen.db.engine import dispose_all


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    if not pg_helpers.available():
        pytest.skip("PostgreSQL 15 binaries not installed (scripts/setup --test installs them)")
    with pg_helpers.postgres_server() as url:
        yield url
        dispose_all()


@pytest.fixture
def pg_url(pg_server_url: str) -> Iterator[str]:
    yield new_database(pg_server_url)
    dispose_all()


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    with s3_server() as endpoint:
        yield endpoint


@pytest.fixture
def bucket(s3_endpoint: str) -> str:
    return new_bucket(s3_endpoint)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/tests/workers/" in str(item.fspath) and "pg_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)
