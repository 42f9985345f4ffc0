"""Start a real imagegen server (uvicorn subprocess on loopback) for the API tests, and small helpers.

One server for the folder (a package-scoped fixture): a fresh IMAGEGEN_HOME, two tenants with a key each,
the real Service and, when it can run, the real planning engine. ``IMAGEGEN_TEST_API_ENGINE=staged``
(or a planning engine that cannot run yet) routes the GPT ids to ``api_engines.StagedEngine`` instead.
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from PIL import Image

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
STAGED_ROUTES = (
    '{"gpt-image-2": "api_engines:StagedEngine", "gpt-image-2-2026-04-21": "api_engines:StagedEngine", '
    '"gpt-image-1": "api_engines:StagedEngine", "gpt-image-1.5": "api_engines:StagedEngine", '
    '"gpt-image-1-mini": "api_engines:StagedEngine", "imagegen-design": "api_engines:StagedEngine"}'
)


def planning_engine_ready() -> bool:
    """Whether the real planning engine's stages are importable (they are built in parallel)."""
    try:
        from imagegen.engines.planning.engine import PlanningEngine  # noqa: F401
        from imagegen.engines.planning.planner import compile_prompt  # noqa: F401
        from imagegen.engines.planning.render import render  # noqa: F401
    except ImportError:
        return False
    return True


def engine_choice() -> str:
    forced = os.environ.get("IMAGEGEN_TEST_API_ENGINE")
    if forced in ("planning", "staged"):
        return forced
    return "planning" if planning_engine_ready() else "staged"


def create_keys(home: Path) -> list[str]:
    """Keys for tenants ``acme`` and ``globex``, written straight into the server's database."""
    from imagegen.config import Settings
    from imagegen.db.engine import dispose_all
    from imagegen.tenants import TenantStore

    home = home.resolve()
    # what the server's Settings.from_env computes from IMAGEGEN_HOME alone (its env has no other IMAGEGEN_*)
    settings = Settings(home=home, database_url=f"sqlite:///{home / 'imagegen.db'}")
    settings.ensure_dirs()
    store = TenantStore(settings.database_url)
    try:
        return [store.create_key("acme")[1], store.create_key("globex")[1]]
    finally:
        dispose_all()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A running server and what the tests need to talk to it."""

    url: str
    key: str
    other_key: str
    home: Path
    engine: str
    process: subprocess.Popen[bytes]
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)

    @property
    def v1(self) -> str:
        return f"{self.url}/v1"

    def headers(self, key: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {key or self.key}"}

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def start_server(home: Path, *, extra_env: dict[str, str] | None = None) -> Server:
    """Create keys for tenants ``acme`` and ``globex`` under ``home`` and start the server."""
    home.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMAGEGEN_")}
    env.update({"IMAGEGEN_HOME": str(home), "IMAGEGEN_WORKERS": "2", "IMAGEGEN_JOB_POLL_S": "0.2"})
    choice = engine_choice()
    if choice == "staged":
        env["IMAGEGEN_ROUTES"] = STAGED_ROUTES
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(HERE), env.get("PYTHONPATH", "")) if p)
    env.update(extra_env or {})
    keys = create_keys(home)
    port = free_port()
    log_path = home / "server.log"
    log = open(log_path, "wb")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "imagegen.api.app:app_from_env",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=str(ROOT),
    )
    server = Server(f"http://127.0.0.1:{port}", keys[0], keys[1], home, choice, process, log_path, env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{server.log()}")
        try:
            if httpx.get(f"{server.url}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"server did not come up:\n{server.log()}")


def encode(
    size: tuple[int, int], *, mode: str = "RGB", fmt: str = "PNG", color: object = (200, 60, 40)
) -> bytes:
    """An image of ``size`` encoded as ``fmt`` (noise-free, so it stays small)."""
    buf = io.BytesIO()
    Image.new(mode, size, color).save(buf, format=fmt)  # type: ignore[arg-type]
    return buf.getvalue()


def pattern(size: tuple[int, int]) -> Image.Image:
    """A detailed RGB image (so 'unchanged pixels' checks mean something)."""
    noise = Image.effect_noise(size, 64).convert("RGB")
    return Image.merge(
        "RGB",
        [
            noise.getchannel(0),
            Image.linear_gradient("L").resize(size),
            noise.getchannel(2).transpose(Image.Transpose.FLIP_LEFT_RIGHT),
        ],
    )


def png_bytes(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def events(text: str) -> list[tuple[str, dict[str, Any]]]:
    """The (event name, data) pairs of a server-sent-events body, in order."""
    out = []
    for frame in text.split("\n\n"):
        lines = frame.splitlines()
        name = next((line[7:] for line in lines if line.startswith("event: ")), None)
        data = next((line[6:] for line in lines if line.startswith("data: ")), None)
        if name and data:
            out.append((name, json.loads(data)))
    return out
