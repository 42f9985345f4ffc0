"""Catalog fixtures: a real SQLite catalog under a fresh IMAGEGEN_HOME and engine results to record."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from catalog_helpers import context, engine_result, picture, plan_with

from imagegen.config import Settings
from imagegen.db.engine import dispose_all
from imagegen.provenance.recorder import Recorder


@pytest.fixture
def settings(tmp_path: Path) -> Iterator[Settings]:
    home = tmp_path / "home"
    s = Settings(
        home=home,
        database_url=f"sqlite:///{home / 'imagegen.db'}",
        extra={"credits_per_second": "2.0", "credits_per_megapixel": "1.0"},
    )
    s.ensure_dirs()
    yield s
    dispose_all()


@pytest.fixture
def recorder(settings: Settings) -> Recorder:
    return Recorder(settings)


@pytest.fixture
def record(recorder: Recorder) -> Callable[..., list[Any]]:
    """``record(tenant, prompt, n=.., texts=[..], **ctx)``: record n pictures, return StoredAssets."""
    counter = iter(range(10_000, 100_000))

    def _record(
        tenant: str,
        prompt: str,
        *,
        n: int = 1,
        texts: list[str] | None = None,
        size: tuple[int, int] = (256, 256),
        **kw: Any,
    ) -> list[Any]:
        imgs = [picture(next(counter), size) for _ in range(n)]
        plans = [plan_with(texts, *size) if texts else None for _ in range(n)]
        return recorder.record(context(tenant, prompt, **kw), engine_result(imgs, plans=plans))

    return _record
