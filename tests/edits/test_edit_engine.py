"""End to end through PlanningEngine: generate an asset, then edit its plan or a masked region."""

from __future__ import annotations

import numpy as np
import pytest

from imagegen.contract.specs import GenerateSpec
from imagegen.engines.base import NullProgress
from imagegen.engines.planning.plan import Plan

engine_module = pytest.importorskip("imagegen.engines.planning.engine")

PROMPT = 'A poster for a jazz night. Headline "Blue Note Friday". Subhead "Doors at 8 pm". QR code for https://example.com/t'


@pytest.fixture(scope="module")
def asset():
    engine = engine_module.PlanningEngine()
    result = engine.generate(
        GenerateSpec(prompt=PROMPT, model="gpt-image-2", width=768, height=1024, quality="low", seed=5),
        NullProgress(),
    )
    return engine, result.images[0]


def test_plan_edit_of_a_generated_asset(asset, make_spec) -> None:
    engine, generated = asset
    plan = Plan.from_json(generated.plan)
    headline = next(t for t in plan.texts() if t.text == "Blue Note Friday")
    spec = make_spec(
        'change the headline to "Red Note Saturday"', generated.pixels, plan=generated.plan, quality="low"
    )
    result = engine.edit(spec, NullProgress())
    out = result.images[0]
    new = Plan.from_json(out.plan)
    assert new.find(headline.id).text == "Red Note Saturday"
    damage = np.asarray(out.editable_region) == 255
    before = np.asarray(generated.pixels.convert(out.pixels.mode))
    after = np.asarray(out.pixels)
    assert np.array_equal(after[~damage], before[~damage])
    assert (after != before).any()
    # Only a band around the headline was repainted, not the whole poster.
    assert damage.mean() < 0.35, damage.mean()


def test_masked_edit_through_the_engine(asset, make_spec) -> None:
    from edits_helpers import rect_mask

    engine, generated = asset
    image = generated.pixels
    mask = rect_mask(image.size, (40, 700, 440, 820))
    result = engine.edit(make_spec('add the text "Sold out"', image, mask=mask), NullProgress())
    out = result.images[0]
    keep = np.asarray(mask)[:, :, 3] != 0
    assert np.array_equal(np.asarray(out.pixels)[keep], np.asarray(image.convert(out.pixels.mode))[keep])
    assert out.extra["unmasked_sha256_before"] == out.extra["unmasked_sha256_after"]
    assert all(c["passed"] for c in out.report["checks"])
