"""Catalog fixtures: a real SQLite catalog under a fresh IMAGEGEN_HOME and engine results to record."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from catalog_helpers import CREDIT_SETTINGS, make_record

from imagegen.config import Settings
from imagegen.db.engine import dispose_all
from imagegen.provenance.catalog.recorder import Recorder


@pytest.fixture
def settings(tmp_path: Path) -> Iterator[Settings]:
    home = tmp_path / "home"
    s = Settings(
        home=home,
        database_url=f"sqlite:///{home / 'imagegen.db'}",
        extra=dict(CREDIT_SETTINGS),
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
    return make_record(recorder)
