"""ComfyUI pack fixtures: an in-process home (the pack's cached service, stopped at the end) and one real
server per module (the queue area's helpers), with a key made by the real CLI."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from imagegen.db.engine import dispose_all

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "queue"))

from queue_helpers import Server, create_key, server_env


@pytest.fixture(scope="module")
def local_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh IMAGEGEN_HOME for the pack's in-process service; no other IMAGEGEN_* setting leaks in."""
    from imagegen.integrations.comfyui.runtime import close_services

    home = tmp_path_factory.mktemp("comfyui") / "home"
    home.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        for name in [k for k in os.environ if k.startswith("IMAGEGEN_")]:
            mp.delenv(name)
        mp.setenv("IMAGEGEN_HOME", str(home))
        # the token-file fallback must never find a developer's real key
        mp.setenv("XDG_CONFIG_HOME", str(home.parent / "no-config"))
        yield home
        close_services()
    dispose_all()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("comfyui-server") / "home"
    home.mkdir()
    srv = Server(home=home, env=server_env(home)).start()
    yield srv
    srv.stop()
    dispose_all()


@pytest.fixture(scope="module")
def key(server: Server) -> str:
    return create_key(server.home, "comfyui-tenant")
