"""Studio fixtures: one seeded server for the module, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from studio_helpers import CHROMIUM, Seeded, launch, seed_catalog, start_server


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Seeded]]:
    home: Path = tmp_path_factory.mktemp("studio") / "home"
    seeded = seed_catalog(home)
    server = start_server(home)
    try:
        yield server, seeded
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not shutil.which(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (scripts/setup --test installs Debian's chromium)")
    with sync_api.sync_playwright() as pw:
        b = launch(pw)
        try:
            yield b
        finally:
            b.close()
