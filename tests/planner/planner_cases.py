"""The public text cases and a compile helper, shared by the planner tests (imported by name: the test
folder is on sys.path in pytest's default import mode; the name is unique so no other conftest shadows it)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from imagegen.engines.planning.plan import Plan
from imagegen.engines.planning.planner import compile_prompt

#: the shared public cases beside the repository (``../shared``)
CASES_FILE = Path(__file__).resolve().parents[3] / "shared" / "bench" / "text-cases.json"
LOCAL_CASES = Path(__file__).with_name("text_cases.json")


def load_cases() -> list[dict[str, Any]]:
    """The public cases (the shared file when present, else the copy kept with the tests)."""
    path = CASES_FILE if CASES_FILE.exists() else LOCAL_CASES
    return list(json.loads(path.read_text(encoding="utf-8"))["cases"])


CASES = load_cases()
CASE_IDS = [c["id"] for c in CASES]


def size_of(case: dict[str, Any]) -> tuple[int, int]:
    w, h = (int(v) for v in case["size"].split("x"))
    return w, h


def compile_case(case: dict[str, Any], *, variant: int = 0, seed: int = 11, auto: bool = False) -> Plan:
    """Compile a case as the engine would (its size, or auto; its n)."""
    w, h = (None, None) if auto else size_of(case)
    return compile_prompt(
        case["prompt"], width=w, height=h, seed=seed, variant=variant, variants=case.get("n", 1)
    )
