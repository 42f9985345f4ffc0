"""Fixtures of the upstream area: fake upstreams on loopback and engines pointed at them."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fakes import FakeOpenAI, FakeQueueHost

from imagegen.engines.base import PartialImage
from imagegen.engines.upstream.config import UpstreamConfig
from imagegen.engines.upstream.engine import UpstreamEngine


class Recording:
    """A ``Progress`` that records partials and progress and can be cancelled after a delay."""

    def __init__(self, cancel_after_s: float | None = None, *,
                 cancel_on: threading.Event | None = None) -> None:
        """``cancel_after_s``: cancel after that delay; ``cancel_on``: cancel as soon as that event is set."""
        self.partials: list[PartialImage] = []
        self.fractions: list[float] = []
        self._cancel = threading.Event()
        if cancel_after_s is not None:
            threading.Timer(cancel_after_s, self._cancel.set).start()
        if cancel_on is not None:
            threading.Thread(target=lambda: cancel_on.wait(60) and self._cancel.set(), daemon=True).start()

    def progress(self, fraction: float, message: str = "") -> None:
        self.fractions.append(fraction)

    def partial(self, partial: PartialImage) -> None:
        self.partials.append(partial)

    def cancelled(self) -> bool:
        return self._cancel.is_set()


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake  # type: ignore[misc]


@pytest.fixture
def fake_queue() -> Iterator[FakeQueueHost]:
    with FakeQueueHost() as fake:
        yield fake  # type: ignore[misc]


def openai_engine(fake: FakeOpenAI, **overrides: object) -> UpstreamEngine:
    settings: dict[str, object] = {"name": "gw", "kind": "openai", "base_url": fake.url + "/v1",
                                   "api_key_env": "GW_KEY", "timeout_s": 5.0, "backoff_s": 0.05}
    settings.update(overrides)
    return UpstreamEngine(UpstreamConfig(**settings), {"GW_KEY": "sk-test"})  # type: ignore[arg-type]


def queue_engine(fake: FakeQueueHost, **overrides: object) -> UpstreamEngine:
    settings: dict[str, object] = {"name": "qh", "kind": "queue", "base_url": fake.url + "/v1",
                                   "api_key_env": "QH_KEY", "model": "openai/gpt-image-2", "timeout_s": 10.0,
                                   "poll_s": 0.05, "backoff_s": 0.05}
    settings.update(overrides)
    return UpstreamEngine(UpstreamConfig(**settings), {"QH_KEY": "qh-token"})  # type: ignore[arg-type]
