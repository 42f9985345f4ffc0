"""Queue test helpers: the real ``imagegen serve`` in a subprocess on a free loopback port, with its own
IMAGEGEN_HOME and the test engines routed in through IMAGEGEN_ROUTES (a uniquely named module: every area
has a conftest)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

SERVICE_TESTS = Path(__file__).resolve().parent.parent / "service"
sys.path.insert(0, str(SERVICE_TESTS))

ROUTES = {
    "test-quick": "imagegen_test_engines:QuickEngine",
    "test-slow": "imagegen_test_engines:SlowEngine",
    "test-fail": "imagegen_test_engines:FailingEngine",
    # an operator override of a contract id: openai/gpt-image-2 runs the quick test engine here
    "gpt-image-2": "imagegen_test_engines:QuickEngine",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """One ``imagegen serve`` process; ``restart`` keeps the home, ``kill`` is SIGKILL."""

    home: Path
    env: dict[str, str]
    port: int = 0
    proc: subprocess.Popen[bytes] | None = None
    log: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log = self.home.parent / "server.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *extra_args: str) -> Server:
        self.port = free_port()
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "imagegen.cli.main", "serve", "--host", "127.0.0.1",
                 "--port", str(self.port), "--log-level", "warning", *extra_args],
                env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited {self.proc.returncode}:\n{self.log.read_text()[-3000:]}")
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError("server did not become ready:\n" + self.log.read_text()[-3000:])

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks run (a crash, a power cut)."""
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def client(self, key: str | None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)


def server_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMAGEGEN_")}
    env.update({
        "IMAGEGEN_HOME": str(home),
        "IMAGEGEN_ROUTES": json.dumps(ROUTES),
        "IMAGEGEN_WORKERS": "2",
        "IMAGEGEN_JOB_HEARTBEAT_S": "0.2",
        "IMAGEGEN_JOB_POLL_S": "0.2",
        "PYTHONPATH": os.pathsep.join([str(SERVICE_TESTS), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
        **{f"IMAGEGEN_{k.upper()}": v for k, v in extra.items()},
    })
    return env


def create_key(home: Path, tenant: str) -> str:
    """A key made with the real CLI command, against the server's IMAGEGEN_HOME."""
    out = subprocess.run([sys.executable, "-m", "imagegen.cli.main", "keys", "create", "--tenant", tenant],
                         env=server_env(home), capture_output=True, check=True, timeout=60)
    return out.stdout.decode().strip()


def wait_status(client: httpx.Client, request_id: str, statuses: set[str], timeout: float = 45) -> dict:
    deadline = time.monotonic() + timeout
    last: dict = {}
    while time.monotonic() < deadline:
        last = client.get(f"/v1/requests/{request_id}/status").json()
        if last.get("status") in statuses:
            return last
        time.sleep(0.1)
    raise AssertionError(f"{request_id} still {last} after {timeout} s")
