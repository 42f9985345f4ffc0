"""Fixtures for the planning engine tests: one engine per session (fonts and OCR models load once)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from imagegen.contract.specs import GenerateSpec
from imagegen.engines.planning.engine import PlanningEngine

#: the shared public cases beside the repository (``../shared``), else the copy kept with the planner tests
_SHARED = Path(__file__).resolve().parents[3] / "shared" / "bench" / "text-cases.json"
CASES = _SHARED if _SHARED.exists() else Path(__file__).resolve().parents[1] / "planner" / "text_cases.json"


@pytest.fixture(scope="session")
def engine() -> PlanningEngine:
    return PlanningEngine()


@pytest.fixture(scope="session")
def cases() -> dict[str, dict]:
    return {c["id"]: c for c in json.loads(CASES.read_text())["cases"]}


@pytest.fixture
def spec_of():
    """A GenerateSpec for a public case (its size/quality/n unless overridden)."""

    def make(case: dict, **overrides: object) -> GenerateSpec:
        w, h = (int(v) for v in case["size"].split("x"))
        fields: dict = {
            "prompt": case["prompt"],
            "model": "gpt-image-2",
            "n": case.get("n", 1),
            "width": w,
            "height": h,
            "quality": case.get("quality", "medium"),
            "seed": 7,
        }
        fields.update(overrides)
        return GenerateSpec(**fields)

    return make


@pytest.fixture
def poster_plan() -> dict:
    """A small client-supplied plan (the ``plan`` extension of the request)."""
    return {
        "archetype": "poster",
        "canvas": {
            "width": 768,
            "height": 768,
            "background": {"kind": "gradient", "colors": ["#0f172a", "#1e3a8a"]},
        },
        "theme": {"palette": {"background": "#0f172a", "text": "#f8fafc"}},
        "nodes": [
            {
                "kind": "text",
                "id": "headline",
                "text": "Night Market",
                "role": "headline",
                "box": {"x": 64, "y": 80, "w": 640, "h": 140},
                "size": 84,
                "color": "#f8fafc",
                "font": {"family": "sans", "weight": 800},
                "align": "center",
            },
            {
                "kind": "text",
                "id": "date",
                "text": "Friday 21:00",
                "role": "subhead",
                "box": {"x": 64, "y": 260, "w": 640, "h": 70},
                "size": 40,
                "color": "#cbd5e1",
                "align": "center",
            },
            {
                "kind": "code",
                "id": "qr",
                "symbology": "qr",
                "data": "https://example.com/night",
                "box": {"x": 284, "y": 420, "w": 200, "h": 200},
            },
        ],
    }
