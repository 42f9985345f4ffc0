"""JSON Schemas of the request bodies, derived from the table of limits (for the OpenAPI document).

The routes parse raw bodies through ``contract.parse`` (so every refusal carries OpenAI's error shape);
these schemas only describe the same rules for ``/openapi.json`` readers and generated clients. Per-model
rules (sizes, transparent, ``response_format``) cannot be expressed per field, so the schema states the
union and the descriptions say which model allows what.
"""

from __future__ import annotations

from typing import Any

from imagegen.contract.limits import ALPHA_FORMATS, limits_for


def _int_range(low: int, high: int, default: int | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "integer", "minimum": low, "maximum": high}
    if default is not None:
        schema["default"] = default
    return schema


def _fields() -> dict[str, Any]:
    gpt = limits_for("gpt-image-2")
    own = limits_for("imagegen-design")
    return {
        "prompt": {"type": "string", "minLength": gpt.prompt_chars.low, "maxLength": gpt.prompt_chars.high},
        "model": {"type": ["string", "null"], "description": "SPEC §1; omitted: the server's default route",
                  "examples": ["gpt-image-2", "gpt-image-1", "imagegen-design"]},
        "n": _int_range(gpt.n.low, gpt.n.high, 1),
        "size": {
            "type": ["string", "null"], "default": "auto",
            "description": "auto or WxH (also W_H, W*H). gpt-image-2 and imagegen ids: edges multiple of 16, "
                           "longest edge <= 3840, long:short <= 3, 655,360..8,294,400 px. gpt-image-1.x: "
                           "1024x1024, 1536x1024, 1024x1536.",
            "examples": list(gpt.presets),
        },
        "quality": {"enum": [*gpt.qualities, *gpt.quality_aliases, None], "default": "auto"},
        "background": {"enum": [*own.backgrounds, None], "default": "auto",
                       "description": "transparent: not with gpt-image-2; needs "
                                      + " or ".join(ALPHA_FORMATS)},
        "output_format": {"enum": [*gpt.output_formats, None], "default": "png"},
        "output_compression": _int_range(gpt.output_compression.low, gpt.output_compression.high, 100),
        "moderation": {"enum": [*gpt.moderations, None], "default": "auto"},
        "stream": {"type": ["boolean", "null"], "default": False},
        "partial_images": _int_range(gpt.partial_images.low, gpt.partial_images.high, 0),
        "response_format": {
            "enum": [*own.response_formats, None],
            "description": "imagegen's own ids only; with a GPT id it is an unknown parameter",
        },
        "user": {"type": "string"},
        "safety_identifier": {"type": "string"},
        "seed": _int_range(gpt.seed.low, gpt.seed.high) | {"description": "extension; drawn when absent"},
        "plan": {"type": "object", "description": "extension: a scene document used instead of the prompt"},
        "extra": {"type": "object", "description": "engine-specific options (imagegen ids only)"},
    }


def generate_body_schema() -> dict[str, Any]:
    """``POST /v1/images/generations`` JSON body."""
    return {"type": "object", "required": ["prompt"], "additionalProperties": False, "properties": _fields()}


def _image_ref() -> dict[str, Any]:
    return {
        "type": "object", "additionalProperties": False,
        "properties": {
            "image_url": {"type": "string", "description": "data: URL, or https:// from allowed hosts"},
            "file_id": {"type": "string", "description": "an asset id of your own catalog"},
        },
    }


def edit_json_body_schema() -> dict[str, Any]:
    """``POST /v1/images/edits`` JSON body."""
    uploads = limits_for("gpt-image-2").uploads
    properties = _fields() | {
        "images": {"type": "array", "minItems": 1, "maxItems": uploads.max_images, "items": _image_ref()},
        "mask": _image_ref() | {"description": "PNG with alpha, same size as the first image"},
        "input_fidelity": {"enum": ["low", "high", None]},
    }
    return {"type": "object", "required": ["prompt", "images"], "additionalProperties": False,
            "properties": properties}


def edit_multipart_schema() -> dict[str, Any]:
    """``POST /v1/images/edits`` multipart body (every field is a string on the wire)."""
    uploads = limits_for("gpt-image-2").uploads
    binary = {"type": "string", "format": "binary"}
    properties: dict[str, Any] = {name: {"type": "string"} for name in _fields()}
    properties |= {
        "image": binary,
        "image[]": {"type": "array", "maxItems": uploads.max_images, "items": binary},
        "mask": binary | {"description": "PNG with alpha, same size as the first image"},
        "input_fidelity": {"type": "string", "enum": ["low", "high"]},
    }
    return {"type": "object", "required": ["prompt"], "properties": properties}
