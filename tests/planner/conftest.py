"""Fixtures for the planner tests."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
# Hypothesis caches data in ./.hypothesis; keep the repository clean (the property test stores no examples)
_HYPOTHESIS_DIR = Path(tempfile.gettempdir()) / "imagegen-hypothesis"
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(_HYPOTHESIS_DIR))

from planner_cases import CASE_IDS, CASES  # noqa: E402


@pytest.fixture(params=CASES, ids=CASE_IDS)
def case(request: pytest.FixtureRequest) -> dict[str, Any]:
    """One public text case."""
    return dict(request.param)
