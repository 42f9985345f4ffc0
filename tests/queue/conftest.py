"""Queue fixtures: ``make_server(home=None, **IMAGEGEN_settings)`` gives a real server, stopped at the end."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from imagegen.db.engine import dispose_all

sys.path.insert(0, str(Path(__file__).parent))

from queue_helpers import Server, server_env


@pytest.fixture
def make_server(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    servers: list[Server] = []

    def _make(home: Path | None = None, **extra: str) -> Server:
        home = home or tmp_path / "home"
        home.mkdir(parents=True, exist_ok=True)
        server = Server(home=home, env=server_env(home, **extra))
        servers.append(server)
        return server

    yield _make
    for server in servers:
        server.stop()
    dispose_all()


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for the tests of a module that need nothing of their own (server starts are costly)."""
    home = tmp_path_factory.mktemp("shared") / "home"
    home.mkdir()
    server = Server(home=home, env=server_env(home))
    yield server
    server.stop()
    dispose_all()


