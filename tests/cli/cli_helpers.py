"""Run the real ``imagegen`` CLI in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def cli_env(home: Path | None = None, **env: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("IMAGEGEN_")}
    if home is not None:
        base["IMAGEGEN_HOME"] = str(home)
    # the token file default must never be a developer's real one
    base["XDG_CONFIG_HOME"] = str(Path(env.pop("XDG_CONFIG_HOME", "/nonexistent-imagegen-config")))
    base.update(env)
    return base


def imagegen(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "imagegen.cli.main", *args], env=env, capture_output=True,
                          text=True, timeout=timeout)


def popen(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "imagegen.cli.main", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
