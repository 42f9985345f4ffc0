"""Diffusion fixtures: one tiny Stable Diffusion folder per session (tiny_sd.py), installed into a fresh
IMAGEGEN_HOME per test exactly where a user puts a model (``$IMAGEGEN_HOME/models/<name>``, a symlink)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from imagegen.config import Settings
from imagegen.db.engine import dispose_all

# the helper modules of this folder are imported by name (they are not a package)
sys.path.insert(0, str(Path(__file__).parent))
# and the API folder's (api_server: SSE and PNG helpers shared with tests/api)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "api"))

@pytest.fixture(scope="session")
def tiny_sd(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny pipeline's folder, built once per session from configs and saved with save_pretrained."""
    from tiny_sd import build_tiny_sd

    return build_tiny_sd(tmp_path_factory.mktemp("weights") / "tiny-sd")


@pytest.fixture
def home(tmp_path: Path, tiny_sd: Path) -> Iterator[Path]:
    """A fresh IMAGEGEN_HOME whose models/ holds the tiny pipeline as a symlinked folder, twice: as
    ``tiny-sd`` and nested as ``acme/tiny-sd``."""
    home = tmp_path / "home"
    (home / "models" / "acme").mkdir(parents=True)
    (home / "models" / "tiny-sd").symlink_to(tiny_sd, target_is_directory=True)
    (home / "models" / "acme" / "tiny-sd").symlink_to(tiny_sd, target_is_directory=True)
    yield home
    dispose_all()


@pytest.fixture
def settings(home: Path) -> Settings:
    s = Settings(home=home, database_url=f"sqlite:///{home / 'imagegen.db'}", workers=1,
                 extra={"job_heartbeat_s": "0.1", "job_poll_s": "0.1", "diffusion_threads": "1"})
    s.ensure_dirs()
    return s
