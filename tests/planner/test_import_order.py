"""Each package of the planning engine imports first on its own (imports run one way, no cycles)."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "module",
    [
        "imagegen.engines.planning.layouts",
        "imagegen.engines.planning.layouts.kit",
        "imagegen.engines.planning.planner",
        "imagegen.engines.planning.reading.content",
        "imagegen.engines.planning.rules.contrast",
        "imagegen.engines.planning.edits",
    ],
)
def test_imports_first_in_a_fresh_interpreter(module: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", f"import {module}"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr


def test_public_names_resolve() -> None:
    from imagegen.engines.planning import planner

    assert planner.compile_prompt.__name__ == "compile_prompt"
    assert planner.summarize.__name__ == "summarize"
    with pytest.raises(AttributeError):
        _ = planner.no_such_name  # type: ignore[attr-defined]
