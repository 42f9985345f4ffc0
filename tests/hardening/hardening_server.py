"""Hardening helpers: a real server on loopback (the queue area's Server helper) with the test engines routed
in, and a loopback HTTP origin that counts the image downloads it serves."""

from __future__ import annotations

import http.server
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent / "queue"))

from hostile_files import solid_png  # noqa: E402
from queue_helpers import ROUTES, Server, server_env  # noqa: E402

from imagegen.tenants import TenantStore  # noqa: E402

#: the GPT ids on the quick test engine too, so each family's size rule is exercised through the server
HARDENING_ROUTES = {**ROUTES, "gpt-image-1": "imagegen_test_engines:QuickEngine"}


@dataclass
class Hostile:
    server: Server
    key: str

    def client(self) -> httpx.Client:
        return self.server.client(self.key)


def start(home: Path, **extra: str) -> tuple[Server, str]:
    """A started server under ``home`` (``extra``: IMAGEGEN_* settings) and a key of tenant ``acme``."""
    home.mkdir(parents=True, exist_ok=True)
    server = Server(home=home, env=server_env(home, routes=json.dumps(HARDENING_ROUTES), **extra))
    server.start()
    return server, TenantStore(f"sqlite:///{home / 'imagegen.db'}").create_key("acme")[1]


class CountingImages(http.server.BaseHTTPRequestHandler):
    """Serves one small PNG on any path and counts the requests (a subclass per test keeps its own count)."""

    hits = 0
    body = solid_png(64, 64)

    def do_GET(self) -> None:
        type(self).hits += 1
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass
