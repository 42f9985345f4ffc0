"""The table of limits: every model id and family (SPEC §1-§4)."""

from __future__ import annotations

import json

import pytest

from imagegen.contract.limits import (
    TRANSPARENT_REFUSED,
    describe_limits,
    family_of,
    limits_for,
    listed_models,
)
from imagegen.contract.sizes import FixedSizes, FlexibleSizes


@pytest.mark.parametrize(
    ("model", "family"),
    [
        ("gpt-image-2", "gpt-image-2"),
        ("gpt-image-2-2026-04-21", "gpt-image-2"),
        ("gpt-image-2-2027-01-02", "gpt-image-2"),
        ("gpt-image-1", "gpt-image-1"),
        ("gpt-image-1.5", "gpt-image-1"),
        ("gpt-image-1-mini", "gpt-image-1"),
        ("gpt-image-1-2025-04-15", "gpt-image-1"),
        ("imagegen-design", "imagegen"),
        ("diffusers/stabilityai/sdxl-turbo", "imagegen"),
        ("upstream/openai", "imagegen"),
    ],
)
def test_families(model: str, family: str) -> None:
    assert family_of(model) == family
    assert limits_for(model).family == family
    assert limits_for(model).model == model


def test_gpt_image_2_contract() -> None:
    lim = limits_for("gpt-image-2")
    assert isinstance(lim.sizes, FlexibleSizes)
    assert lim.transparent is False
    assert lim.response_formats == ()
    assert lim.openai_model
    assert "2048x1152" in lim.presets and "3840x2160" in lim.presets and len(lim.presets) == 8


def test_gpt_image_1_contract() -> None:
    for model in ("gpt-image-1", "gpt-image-1.5", "gpt-image-1-mini"):
        lim = limits_for(model)
        assert isinstance(lim.sizes, FixedSizes)
        assert lim.sizes.allowed == ((1024, 1024), (1536, 1024), (1024, 1536))
        assert lim.transparent is True
        assert lim.response_formats == ()


def test_imagegen_superset() -> None:
    for model in ("imagegen-design", "diffusers/x", "upstream/y", "pipeline/z"):
        lim = limits_for(model)
        assert isinstance(lim.sizes, FlexibleSizes)
        assert lim.transparent is True
        assert lim.response_formats == ("b64_json", "url")
        assert not lim.openai_model


def test_common_ranges() -> None:
    lim = limits_for("gpt-image-2")
    assert (lim.n.low, lim.n.high) == (1, 10)
    assert (lim.partial_images.low, lim.partial_images.high) == (0, 3)
    assert (lim.output_compression.low, lim.output_compression.high) == (0, 100)
    assert (lim.prompt_chars.low, lim.prompt_chars.high) == (1, 32000)
    assert (lim.seed.low, lim.seed.high) == (0, 2147483647)
    assert lim.quality_aliases == {"standard": "medium", "hd": "high"}
    assert lim.qualities == ("low", "medium", "high", "auto")
    assert lim.output_formats == ("png", "jpeg", "webp")
    assert lim.moderations == ("auto", "low")
    assert lim.input_fidelities == ("low", "high")
    up = lim.uploads
    assert (up.max_images, up.max_image_bytes, up.formats) == (16, 50 * 1024 * 1024, ("png", "jpeg", "webp"))
    assert 5 in lim.n and 0 not in lim.n and True not in lim.n


def test_transparent_message_is_the_spec_text() -> None:
    assert TRANSPARENT_REFUSED == "Transparent background is not supported for this model."


def test_describe_is_json_and_complete() -> None:
    table = describe_limits()
    json.dumps(table)  # JSON-able
    assert set(table["models"]) == set(listed_models())
    assert set(listed_models()) >= {
        "gpt-image-2",
        "gpt-image-2-2026-04-21",
        "gpt-image-1",
        "gpt-image-1.5",
        "gpt-image-1-mini",
        "imagegen-design",
    }
    assert table["models"]["gpt-image-2"]["backgrounds"] == ["auto", "opaque"]
    assert table["models"]["imagegen-design"]["response_formats"] == ["b64_json", "url"]
    assert table["models"]["gpt-image-1"]["sizes"]["kind"] == "fixed"
    assert table["models"]["gpt-image-2"]["sizes"] == {
        "kind": "flexible",
        "multiple_of": 16,
        "max_edge": 3840,
        "max_ratio": 3.0,
        "min_pixels": 655360,
        "max_pixels": 8294400,
    }
    assert set(table["prefix_families"]) == {"diffusers/", "upstream/", "pipeline/"}
