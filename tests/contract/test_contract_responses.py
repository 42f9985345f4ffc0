"""Response shapes and the usage estimate."""

from __future__ import annotations

from imagegen.contract.responses import (
    ImageItem,
    completed_event,
    estimate_usage,
    images_response,
    partial_image_event,
    usage_from_engine,
)


def test_usage_estimate() -> None:
    usage = estimate_usage("abcdefgh", quality="medium", output_sizes=[(1024, 1024), (1024, 1024)])
    assert usage == {
        "input_tokens": 2,
        "output_tokens": 2112,
        "total_tokens": 2114,
        "input_tokens_details": {"text_tokens": 2, "image_tokens": 0},
    }
    edit = estimate_usage("a", quality="low", output_sizes=[(1536, 1024)], input_sizes=[(1024, 1024)])
    assert edit["input_tokens_details"] == {"text_tokens": 1, "image_tokens": 272}
    assert edit["output_tokens"] == 408
    assert estimate_usage("é", quality="high", output_sizes=[(1024, 1024)])["output_tokens"] == 4160


def test_engine_usage_wins_only_when_complete() -> None:
    estimate = estimate_usage("abc", quality="low", output_sizes=[(1024, 1024)])
    assert usage_from_engine({}, estimate) is estimate
    assert usage_from_engine({"input_tokens": 0, "output_tokens": 0, "total_tokens": 0}, estimate) is estimate
    full = {
        "input_tokens": 5,
        "output_tokens": 7,
        "total_tokens": 12,
        "input_tokens_details": {"text_tokens": 5, "image_tokens": 0},
        "noise": 1,
    }
    assert usage_from_engine(full, estimate) == {k: v for k, v in full.items() if k != "noise"}
    assert usage_from_engine(full | {"input_tokens": "5"}, estimate) is estimate


def test_images_response_shape() -> None:
    body = images_response(
        [
            ImageItem(revised_prompt="r", asset_id="img_1", b64_json="QUJD"),
            ImageItem(revised_prompt="s", asset_id="img_2", url="http://h/x"),
        ],
        background="opaque",
        output_format="png",
        quality="low",
        size="1024x1024",
        usage={},
        created=5,
    )
    assert body["created"] == 5
    assert body["data"][0] == {"b64_json": "QUJD", "revised_prompt": "r", "asset_id": "img_1"}
    assert body["data"][1] == {"url": "http://h/x", "revised_prompt": "s", "asset_id": "img_2"}
    assert "job_id" not in body


def test_events() -> None:
    partial = partial_image_event(
        "edit",
        b64_json="x",
        size="1024x1024",
        quality="auto",
        background="auto",
        output_format="png",
        partial_image_index=1,
    )
    assert partial["type"] == "image_edit.partial_image" and partial["partial_image_index"] == 1
    done = completed_event(
        "generate",
        b64_json="x",
        size="1024x1024",
        quality="low",
        background="opaque",
        output_format="png",
        usage={"total_tokens": 1},
    )
    assert done["type"] == "image_generation.completed" and "asset_id" not in done


def test_request_schemas_agree_with_the_parser() -> None:
    import jsonschema

    from imagegen.contract.parse import EDIT_FIELDS, GENERATE_FIELDS, parse_generate_request
    from imagegen.contract.schema import edit_json_body_schema, edit_multipart_schema, generate_body_schema

    for schema in (generate_body_schema(), edit_json_body_schema(), edit_multipart_schema()):
        jsonschema.Draft202012Validator.check_schema(schema)
    assert set(generate_body_schema()["properties"]) == GENERATE_FIELDS
    assert set(edit_json_body_schema()["properties"]) == EDIT_FIELDS | {"images", "mask"}
    body = {"prompt": "p", "size": "2048x1152", "quality": "hd", "n": 2, "seed": 5, "output_compression": 0}
    jsonschema.validate(body, generate_body_schema())
    parse_generate_request(body, default_model="gpt-image-2", known_model=lambda _m: True)
    try:
        jsonschema.validate({"prompt": "p", "colour": "red"}, generate_body_schema())
    except jsonschema.ValidationError:
        pass
    else:
        raise AssertionError("unknown fields must fail the schema too")
