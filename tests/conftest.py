"""Suite-wide guards. Area fixtures live in each area's own conftest.py."""

from __future__ import annotations

import os
import signal

import pytest
from hypothesis import HealthCheck, settings

# Property tests draw the same examples on every run (a failure is never luck of the draw: rerunning shows it
# again) and are judged on what they find, not on the machine's speed: no per-example deadline and no "data
# generation is too slow" health check, both of which measure wall-clock time on a shared CI machine.
settings.register_profile(
    "imagegen", derandomize=True, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("imagegen")

# Nothing in the suite may fetch weights or data from a hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")


# Tests send Ctrl-C (SIGINT) to CLI processes they start. A suite launched with SIGINT ignored (a background
# job of a non-interactive shell) would pass that on: an ignored signal stays ignored through exec, and the
# CLI would never see the Ctrl-C. A handled signal is reset to the default at exec, so handle it here.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture
def imagegen_home(tmp_path, monkeypatch):
    """A fresh IMAGEGEN_HOME for one test."""
    home = tmp_path / "imagegen-home"
    home.mkdir()
    monkeypatch.setenv("IMAGEGEN_HOME", str(home))
    return home


def pytest_sessionstart(session: pytest.Session) -> None:
    from PIL import features

    if not features.check("raqm"):
        raise pytest.UsageError("Pillow has no raqm layout: run scripts/setup (libraqm0, libfribidi0)")
