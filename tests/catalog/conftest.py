"""Catalog fixtures: a real SQLite catalog under a fresh IMAGEGEN_HOME and engine results to record."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from catalog_helpers import catalog_settings, record, recorder

from imagegen.config import Settings

__all__ = ["record", "recorder"]  # the shared fixtures (catalog_helpers), found here by pytest


@pytest.fixture
def settings(tmp_path: Path) -> Iterator[Settings]:
    home = tmp_path / "home"
    yield from catalog_settings(home, f"sqlite:///{home / 'imagegen.db'}")
