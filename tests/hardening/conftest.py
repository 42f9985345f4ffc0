"""Hardening fixtures: one real server for the hostile inputs, and a counting image origin."""

from __future__ import annotations

import http.server
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from hardening_server import CountingImages, Hostile, start

from imagegen.db.engine import dispose_all


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hostile]:
    """A server that may fetch images from any loopback port (so a premature fetch would be seen)."""
    home = tmp_path_factory.mktemp("hardening") / "home"
    server, key = start(
        home, image_url_hosts="127.0.0.1:*", image_url_allow_private="true", image_url_allow_http="true"
    )
    yield Hostile(server, key)
    server.stop()
    dispose_all()


@pytest.fixture
def counting_origin() -> Iterator[tuple[str, type[CountingImages]]]:
    handler = type("Counting", (CountingImages,), {"hits": 0})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", handler
    finally:
        httpd.shutdown()
        httpd.server_close()
