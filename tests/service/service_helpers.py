"""Helpers shared by the service and queue tests (a uniquely named module: every area has a conftest)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from imagegen.config import Settings

#: short heartbeats so housekeeping (cancel polling, recovery sweeps) acts within a test's patience
FAST = {"job_heartbeat_s": "0.1", "job_poll_s": "0.1", "job_recover_every_s": "0.5"}


def make_settings(home: Path, **extra: str) -> Settings:
    """Settings for a fresh SQLite home with fast job housekeeping."""
    s = Settings(home=home, database_url=f"sqlite:///{home / 'imagegen.db'}", workers=2,
                 extra={**FAST, **extra})
    s.ensure_dirs()
    return s


def wait_for(predicate: Callable[[], bool], timeout: float = 30.0, every: float = 0.05) -> None:
    """Poll ``predicate`` until true; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(every)
    raise AssertionError(f"condition not met within {timeout} s")
