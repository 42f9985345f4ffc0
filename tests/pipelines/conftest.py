"""Pipeline fixtures: an in-process service on a fresh home with the fake stylize/upscale engines."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from imagegen.config import Settings
from imagegen.db.engine import dispose_all
from imagegen.service import Service

sys.path.insert(0, str(Path(__file__).parent))

from pipeline_fakes import ResizeUpscaler, StylizeEngine


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    home = tmp_path_factory.mktemp("pipelines") / "home"
    settings = Settings(home=home, database_url=f"sqlite:///{home / 'imagegen.db'}", workers=2,
                        extra={"job_heartbeat_s": "0.1", "job_poll_s": "0.1",
                               "stylize_model": "test-stylize"})
    settings.ensure_dirs()
    svc = Service(settings)
    svc.router.register("test-stylize", StylizeEngine)
    svc.router.register("imagegen-upscale", ResizeUpscaler)
    svc.start()
    yield svc
    svc.stop(timeout=5)
    dispose_all()
