"""CLI fixtures: one real server per module (the queue area's helpers), keys made with the real CLI."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from imagegen.db.engine import dispose_all

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "queue"))

from queue_helpers import Server, create_key, server_env


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("cli") / "home"
    home.mkdir()
    srv = Server(home=home, env=server_env(home, max_queued_per_tenant="3")).start()
    yield srv
    srv.stop()
    dispose_all()


@pytest.fixture(scope="module")
def key(server: Server) -> str:
    return create_key(server.home, "cli-tenant")
