"""Parsing request bodies into specs: every field rule, alias, and the error each refusal raises."""

from __future__ import annotations

from typing import Any

import pytest

from imagegen.contract.errors import (
    ImagegenError,
    InvalidValue,
    MissingParameter,
    ModelNotFound,
    UnknownParameter,
)
from imagegen.contract.parse import (
    parse_generate_request,
    spec_from_params,
    validate_edit_fields,
)
from imagegen.contract.specs import GenerateSpec

KNOWN = {
    "gpt-image-2",
    "gpt-image-2-2026-04-21",
    "gpt-image-1",
    "gpt-image-1.5",
    "gpt-image-1-mini",
    "imagegen-design",
    "diffusers/tiny",
}


def gen(body: dict[str, Any], *, form: bool = False) -> GenerateSpec:
    return parse_generate_request(
        body, default_model="gpt-image-2", known_model=KNOWN.__contains__, form=form
    ).spec


def refused(body: dict[str, Any], *, form: bool = False) -> ImagegenError:
    with pytest.raises(ImagegenError) as err:
        gen(body, form=form)
    return err.value


def test_defaults() -> None:
    spec = gen({"prompt": "a poster"})
    assert spec.model == "gpt-image-2"
    assert (spec.n, spec.width, spec.height, spec.size) == (1, None, None, "auto")
    assert (spec.quality, spec.background, spec.output_format) == ("auto", "auto", "png")
    assert (spec.output_compression, spec.moderation, spec.stream, spec.partial_images) == (
        100,
        "auto",
        False,
        0,
    )
    assert 0 <= spec.seed <= 2147483647
    assert spec.plan is None and spec.user is None


def test_null_means_default() -> None:
    spec = gen(
        {"prompt": "p", "n": None, "size": None, "quality": None, "model": None, "output_format": None}
    )
    assert (spec.n, spec.size, spec.quality, spec.model, spec.output_format) == (
        1,
        "auto",
        "auto",
        "gpt-image-2",
        "png",
    )


def test_full_request() -> None:
    spec = gen(
        {
            "prompt": "p",
            "model": "imagegen-design",
            "n": 3,
            "size": "2048_1152",
            "quality": "high",
            "background": "transparent",
            "output_format": "webp",
            "output_compression": 80,
            "moderation": "low",
            "stream": True,
            "partial_images": 2,
            "user": "u-1",
            "seed": 42,
            "plan": {"version": 1, "canvas": {"width": 2048, "height": 1152}},
            "response_format": "url",
            "extra": {"steps": 4},
        }
    )
    assert (spec.width, spec.height, spec.size) == (2048, 1152, "2048x1152")
    assert spec.background == "transparent" and spec.output_format == "webp"
    assert spec.seed == 42 and spec.stream and spec.partial_images == 2
    assert spec.plan == {"version": 1, "canvas": {"width": 2048, "height": 1152}}
    assert spec.extra == {"steps": 4}


@pytest.mark.parametrize(
    ("alias", "value"), [("standard", "medium"), ("hd", "high"), ("low", "low"), ("auto", "auto")]
)
def test_quality_aliases(alias: str, value: str) -> None:
    assert gen({"prompt": "p", "quality": alias}).quality == value


def test_form_mode_coerces_strings() -> None:
    spec = gen(
        {
            "prompt": "p",
            "n": "2",
            "stream": "true",
            "partial_images": "1",
            "output_compression": "50",
            "seed": "7",
            "plan": '{"a": 1, "canvas": {"width": 1024, "height": 1024}}',
        },
        form=True,
    )
    assert (spec.n, spec.stream, spec.partial_images, spec.output_compression, spec.seed) == (
        2,
        True,
        1,
        50,
        7,
    )
    assert spec.plan == {"a": 1, "canvas": {"width": 1024, "height": 1024}}
    assert gen({"prompt": "p", "stream": "false"}, form=True).stream is False


def test_json_mode_wants_real_types() -> None:
    err = refused({"prompt": "p", "n": "2"})
    assert isinstance(err, InvalidValue) and err.param == "n" and "expected an integer" in err.message
    assert refused({"prompt": "p", "n": True}).param == "n"
    assert gen({"prompt": "p", "n": 2.0}).n == 2
    assert refused({"prompt": "p", "stream": 1}).param == "stream"
    assert refused({"prompt": 5}).param == "prompt"


@pytest.mark.parametrize(
    ("body", "param", "error"),
    [
        ({"prompt": "p", "n": 0}, "n", InvalidValue),
        ({"prompt": "p", "n": 11}, "n", InvalidValue),
        ({"prompt": "p", "partial_images": 4}, "partial_images", InvalidValue),
        ({"prompt": "p", "partial_images": -1}, "partial_images", InvalidValue),
        ({"prompt": "p", "output_compression": 101}, "output_compression", InvalidValue),
        ({"prompt": "p", "seed": 2147483648}, "seed", InvalidValue),
        ({"prompt": "p", "seed": -1}, "seed", InvalidValue),
        ({"prompt": "p", "quality": "ultra"}, "quality", InvalidValue),
        ({"prompt": "p", "output_format": "gif"}, "output_format", InvalidValue),
        ({"prompt": "p", "background": "green"}, "background", InvalidValue),
        ({"prompt": "p", "moderation": "off"}, "moderation", InvalidValue),
        ({"prompt": "p", "size": "1792x936"}, "size", InvalidValue),
        ({"prompt": "p", "model": "gpt-image-1", "size": "2048x1152"}, "size", InvalidValue),
        ({"prompt": ""}, "prompt", InvalidValue),
        ({"prompt": "x" * 32001}, "prompt", InvalidValue),
        ({}, "prompt", MissingParameter),
        ({"prompt": None}, "prompt", MissingParameter),
        ({"prompt": "p", "style": "vivid"}, "style", UnknownParameter),
        ({"prompt": "p", "colour": "red"}, "colour", UnknownParameter),
        ({"prompt": "p", "response_format": "b64_json"}, "response_format", UnknownParameter),
        (
            {"prompt": "p", "model": "gpt-image-1", "response_format": "url"},
            "response_format",
            UnknownParameter,
        ),
        ({"prompt": "p", "extra": {"steps": 2}}, "extra", UnknownParameter),
        (
            {"prompt": "p", "model": "imagegen-design", "response_format": "jpg"},
            "response_format",
            InvalidValue,
        ),
        ({"prompt": "p", "model": "dall-e-3"}, "model", ModelNotFound),
        ({"prompt": "p", "plan": [1, 2]}, "plan", InvalidValue),
        ({"prompt": "p", "input_fidelity": "high"}, "input_fidelity", UnknownParameter),
    ],
)
def test_refusals_name_the_field(body: dict[str, Any], param: str, error: type[ImagegenError]) -> None:
    err = refused(body)
    assert type(err) is error
    assert err.param == param


def test_codes_and_statuses() -> None:
    assert refused({"prompt": "p", "n": 0}).code == "invalid_value"
    assert refused({"prompt": "p", "style": "x"}).code == "unknown_parameter"
    assert refused({}).code == "missing_required_parameter"
    model = refused({"prompt": "p", "model": "nope"})
    assert (model.code, model.status) == ("model_not_found", 404)


def test_transparent() -> None:
    err = refused({"prompt": "p", "background": "transparent"})
    assert err.message == "Transparent background is not supported for this model."
    assert err.param == "background" and err.code == "invalid_value"
    assert (
        gen({"prompt": "p", "model": "gpt-image-1", "background": "transparent"}).background == "transparent"
    )
    jpeg = refused(
        {"prompt": "p", "model": "imagegen-design", "background": "transparent", "output_format": "jpeg"}
    )
    assert jpeg.param == "background" and "png or webp" in jpeg.message


def test_gpt_image_1_sizes() -> None:
    for size in ("auto", "1024x1024", "1536x1024", "1024x1536"):
        gen({"prompt": "p", "model": "gpt-image-1-mini", "size": size})
    err = refused({"prompt": "p", "model": "gpt-image-1.5", "size": "2048x2048"})
    assert err.param == "size" and "Supported sizes for gpt-image-1.5" in err.message


def test_dated_alias_gets_gpt_image_2_rules() -> None:
    assert (
        refused({"prompt": "p", "model": "gpt-image-2-2026-04-21", "background": "transparent"}).param
        == "background"
    )
    assert gen({"prompt": "p", "model": "gpt-image-2-2026-04-21", "size": "2048x1152"}).width == 2048


def test_seed_is_drawn_and_recorded() -> None:
    parsed = parse_generate_request(
        {"prompt": "p"}, default_model="gpt-image-2", known_model=KNOWN.__contains__
    )
    assert parsed.params["seed"] == parsed.spec.seed
    seeds = {gen({"prompt": "p"}).seed for _ in range(5)}
    assert len(seeds) > 1


def test_params_roundtrip() -> None:
    for body in (
        {"prompt": "p", "size": "1536x1024", "quality": "hd", "n": 2, "user": "u", "safety_identifier": "s"},
        {
            "prompt": "p",
            "model": "imagegen-design",
            "response_format": "url",
            "extra": {"k": 1},
            "background": "transparent",
            "plan": {"v": 1, "canvas": {"width": 1024, "height": 1024}},
        },
        {"prompt": "p", "model": "gpt-image-1", "output_format": "jpeg", "output_compression": 30},
    ):
        parsed = parse_generate_request(body, default_model="gpt-image-2", known_model=KNOWN.__contains__)
        params = parsed.params
        assert params["size"] != "" and params["operation"] == "generate"
        import json

        restored = spec_from_params(json.loads(json.dumps(params)))
        assert restored == parsed.spec


def test_params_are_normalized() -> None:
    parsed = parse_generate_request(
        {"prompt": "p", "size": "1024*1536", "quality": "standard", "safety_identifier": "abc"},
        default_model="gpt-image-2",
        known_model=KNOWN.__contains__,
    )
    assert parsed.params["size"] == "1024x1536"
    assert parsed.params["quality"] == "medium"
    assert parsed.params["safety_identifier"] == "abc"
    assert parsed.params["response_format"] == "b64_json"
    assert parsed.spec.extra == {"safety_identifier": "abc"}


def test_validate_edit_fields() -> None:
    lim = validate_edit_fields(
        {"prompt": "p", "input_fidelity": "high"}, default_model="gpt-image-2", known_model=KNOWN.__contains__
    )
    assert lim.family == "gpt-image-2"
    with pytest.raises(InvalidValue):
        validate_edit_fields(
            {"prompt": "p", "input_fidelity": "max"},
            default_model="gpt-image-2",
            known_model=KNOWN.__contains__,
        )


def test_body_must_be_an_object() -> None:
    with pytest.raises(InvalidValue):
        parse_generate_request([1, 2], default_model="gpt-image-2", known_model=KNOWN.__contains__)  # type: ignore[arg-type]
