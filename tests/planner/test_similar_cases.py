"""Prompts written like the public cases in other words (``similar_cases.json``): the planner generalizes."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from planner_geometry import problems

from imagegen.engines.planning.planner import compile_prompt

SIMILAR = json.loads(Path(__file__).with_name("similar_cases.json").read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("case", SIMILAR, ids=[c["id"] for c in SIMILAR])
def test_similar_case(case: dict[str, Any]) -> None:
    w, h = (int(v) for v in case["size"].split("x"))
    n = case.get("n", 1)
    per = case.get("texts_per_image") or [case["texts"]] * n
    for variant in range(n):
        plan = compile_prompt(case["prompt"], width=w, height=h, seed=9, variant=variant, variants=n)
        assert plan.archetype == case["archetype"]
        assert Counter(t.text for t in plan.texts()) == Counter(per[variant])
        assert sorted((c.symbology, c.data) for c in plan.codes()) == sorted(
            (c["kind"], c["data"]) for c in case.get("codes", [])
        )
        assert problems(plan) == []


def test_subject_colors_do_not_set_the_scheme() -> None:
    shoes = next(c for c in SIMILAR if c["id"] == "shoes-ad")
    plan = compile_prompt(shoes["prompt"], width=1536, height=1024, seed=1)
    assert plan.theme.mood != "neon"  # "neon green" shoes are a subject color
    image = next(n for n in plan.walk() if n.kind == "image")
    assert image.colors and image.style == "product"


def test_displayed_values_in_a_budget_app() -> None:
    app = next(c for c in SIMILAR if c["id"] == "budget-app")
    plan = compile_prompt(app["prompt"], width=1024, height=1536, seed=1)
    icons = {n.name for n in plan.walk() if n.kind == "icon"}
    assert {"account_balance_wallet", "receipt_long", "credit_card", "settings", "home"} <= icons
    assert not plan.theme.dark  # "Light mode"
