"""Service fixtures: a real SQLite job store and catalog under a fresh IMAGEGEN_HOME, the real save point,
and the test engines of imagegen_test_engines.py routed in through the router's override hook."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from imagegen.config import Settings
from imagegen.db.engine import dispose_all
from imagegen.service import Service

# the helper modules of this folder are imported by name (they are not a package)
sys.path.insert(0, str(Path(__file__).parent))

import imagegen_test_engines as engines
from service_helpers import make_settings

TEST_ROUTES = {
    "test-quick": engines.QuickEngine,
    "test-slow": engines.SlowEngine,
    "test-deaf": engines.DeafEngine,
    "test-fail": engines.FailingEngine,
}


@pytest.fixture
def settings(tmp_path: Path) -> Iterator[Settings]:
    yield make_settings(tmp_path / "home")
    dispose_all()


@pytest.fixture
def make_service(settings: Settings) -> Iterator[Callable[..., Service]]:
    """``make_service(workers=2, scope="all", settings_=None, start=True)``: a Service with test routes."""
    made: list[Service] = []

    def _make(*, workers: int = 2, scope: str = "all", settings_: Settings | None = None,
              start: bool = True) -> Service:
        svc = Service(settings_ or settings, workers=workers, scope=scope)  # type: ignore[arg-type]
        for model, factory in TEST_ROUTES.items():
            svc.router.register(model, factory)
        if start:
            svc.start()
        made.append(svc)
        return svc

    yield _make
    for svc in made:
        svc.stop(timeout=5)


@pytest.fixture
def service(make_service: Callable[..., Service]) -> Service:
    return make_service()


@pytest.fixture
def deaf_release(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Set it to let a running ``test-deaf`` job return (that engine never looks at cancellation)."""
    release = threading.Event()
    monkeypatch.setattr(engines.DeafEngine, "release", release)
    return release
