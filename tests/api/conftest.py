"""API test fixtures: one real server for the whole tests/api folder (see api_server.py)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# the helper modules of this folder are imported by name (they are not a package)
sys.path.insert(0, str(Path(__file__).parent))

from api_server import Server, start_server


@pytest.fixture(scope="package")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = start_server(
        tmp_path_factory.mktemp("api") / "home", extra_env={"IMAGEGEN_MAX_BODY_BYTES": str(24 * 1024 * 1024)}
    )
    try:
        yield srv
    finally:
        srv.stop()
    # a 500 is a bug by contract: no test input may have produced one
    log = srv.log()
    assert "unhandled error" not in log and "Exception in ASGI application" not in log, log


@pytest.fixture(scope="package")
def client(server: Server):  # type: ignore[no-untyped-def]
    from openai import OpenAI

    return OpenAI(base_url=server.v1, api_key=server.key, max_retries=0, timeout=300)


@pytest.fixture(scope="package")
def other_client(server: Server):  # type: ignore[no-untyped-def]
    from openai import OpenAI

    return OpenAI(base_url=server.v1, api_key=server.other_key, max_retries=0, timeout=300)
