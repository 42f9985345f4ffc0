"""The planner follows the model's contract (issue 10): ``size=auto`` picks a size the model's size rule
allows (gpt-image-1: only three), and ``background=auto`` is opaque for gpt-image-2 (no transparency)."""

from __future__ import annotations

import pytest

from imagegen.contract.limits import FIXED_SIZES, limits_for
from imagegen.contract.specs import GenerateSpec
from imagegen.engines.base import NullProgress
from imagegen.engines.planning.planner.aspect import choose_size, is_valid_size

WIDE_2K = 'A 2K widescreen 16:9 banner with the headline "Launch"'
STORY = 'A tall 9:16 story poster with the headline "Hi"'
STICKER = 'A round sticker of a fox with a transparent background, the word "FOX"'


@pytest.mark.parametrize("model", ["gpt-image-1", "gpt-image-1.5", "gpt-image-1-mini"])
def test_fixed_size_models_get_an_allowed_size_for_every_hint(model: str) -> None:
    rule = limits_for(model).sizes
    for ratio in (1 / 3, 9 / 16, 2 / 3, 0.9, 1.0, 1.2, 3 / 2, 16 / 9, 3.0):
        for long_edge in (None, 2048, 3840):
            assert choose_size(ratio, long_edge, rule) in FIXED_SIZES, (ratio, long_edge)
    assert choose_size(16 / 9, 2048, rule) == (1536, 1024)
    assert choose_size(9 / 16, None, rule) == (1024, 1536)


def test_flexible_rule_is_the_contract_one() -> None:
    rule = limits_for("gpt-image-2").sizes
    for ratio in (1 / 3, 9 / 16, 1.0, 16 / 9, 3.0):
        for long_edge in (None, 2048, 3840):
            size = choose_size(ratio, long_edge, rule)
            assert is_valid_size(*size)
            rule.check(*size, "x")  # raises if the contract disagrees


@pytest.mark.parametrize(("model", "prompt"), [("gpt-image-1", WIDE_2K), ("gpt-image-1", STORY),
                                               ("gpt-image-1-mini", STICKER)])
def test_auto_size_plans_obey_the_model(engine, model: str, prompt: str) -> None:
    spec = GenerateSpec(prompt=prompt, model=model, width=None, height=None, quality="low")
    plan = engine.plans_for(spec)[0]
    assert (plan.canvas.width, plan.canvas.height) in FIXED_SIZES
    # the same prompt on gpt-image-2 may use its flexible sizes (the 2K hint: 2048x1152)
    if prompt == WIDE_2K:
        flexible = engine.plans_for(GenerateSpec(prompt=prompt, model="gpt-image-2", width=None, height=None))
        assert (flexible[0].canvas.width, flexible[0].canvas.height) == (2048, 1152)


def test_gpt_image_1_auto_size_end_to_end(engine) -> None:
    result = engine.generate(GenerateSpec(prompt=WIDE_2K, model="gpt-image-1", width=None, height=None,
                                          quality="low"), NullProgress())
    assert (result.width, result.height) == (1536, 1024) == result.images[0].pixels.size


def test_gpt_image_2_auto_background_is_opaque_even_when_asked(engine) -> None:
    spec = GenerateSpec(prompt=STICKER, model="gpt-image-2", width=1024, height=1024, quality="low")
    assert engine.plans_for(spec)[0].canvas.background.kind != "transparent"
    result = engine.generate(spec, NullProgress())
    assert result.background == "opaque" and result.images[0].pixels.mode == "RGB"
    # models that allow transparency still honour the prompt's request under auto
    for model in ("imagegen-design", "gpt-image-1"):
        other = GenerateSpec(prompt=STICKER, model=model, width=1024, height=1024, quality="low")
        assert engine.plans_for(other)[0].canvas.background.kind == "transparent"
