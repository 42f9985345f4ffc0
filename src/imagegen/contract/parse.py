"""Parsing client input into the one typed request engines receive (``GenerateSpec`` / ``EditSpec``).

Input is a plain mapping, either decoded JSON (``form=False``: types must be right) or multipart form
fields (``form=True``: every value is a string, so ``n="2"`` and ``stream="true"`` are coerced). Every
refusal raises an error from ``contract.errors`` naming the field in ``param``.

``ParsedRequest.params`` is the normalized, JSON-able form of the request (``size`` canonical ``WxH``
or ``auto``, aliases resolved, the drawn seed recorded). The job store persists it; after a restart,
``spec_from_params`` turns it back into the same spec.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast

from imagegen.contract.bounds import check_json_value, check_plan, check_string, loads_json
from imagegen.contract.errors import InvalidValue, MissingParameter, ModelNotFound, UnknownParameter
from imagegen.contract.images import ImageUpload, load_input_image, load_mask
from imagegen.contract.limits import ALPHA_FORMATS, TRANSPARENT_REFUSED, IntRange, ModelLimits, limits_for
from imagegen.contract.sizes import format_size, parse_size
from imagegen.contract.specs import EditSpec, GenerateSpec, InputImage, working_pixels

Operation = Literal["generate", "edit"]

#: fields of ``POST /v1/images/generations`` (SPEC §2); ``seed`` and ``plan`` are imagegen extensions
#: accepted for every id, ``extra`` (engine-specific knobs) only for imagegen's own ids.
GENERATE_FIELDS: frozenset[str] = frozenset({
    "prompt", "model", "n", "size", "quality", "background", "output_format", "output_compression",
    "moderation", "stream", "partial_images", "response_format", "user", "safety_identifier", "seed", "plan",
    "extra",
})
#: fields of ``POST /v1/images/edits`` besides the images and the mask, which the caller decodes
EDIT_FIELDS: frozenset[str] = GENERATE_FIELDS | {"input_fidelity"}

#: an edit input: raw bytes, ``(filename, bytes)``, an ``ImageUpload`` or an already decoded ``InputImage``
ImageInput = ImageUpload | InputImage | bytes | tuple[str, bytes]
MaskInput = ImageUpload | bytes | tuple[str, bytes]


def _as_upload(item: ImageUpload | bytes | tuple[str, bytes], param: str) -> ImageUpload:
    if isinstance(item, ImageUpload):
        return item
    if isinstance(item, tuple):
        filename, data = item
        return ImageUpload(data=bytes(data), param=param, filename=filename)
    return ImageUpload(data=bytes(item), param=param)


@dataclass(frozen=True)
class ParsedRequest:
    """A validated request: the spec for the engine plus what only the front door needs."""

    operation: Operation
    spec: GenerateSpec | EditSpec
    limits: ModelLimits
    #: ``b64_json`` or ``url`` (imagegen ids only); not an engine concern, so not in the spec
    response_format: str
    #: JSON-able normalized parameters (persisted by the job store, recorded in provenance)
    params: dict[str, Any]


# -- small typed readers ------------------------------------------------------------------------------

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}


def _int(body: Mapping[str, Any], name: str, default: int, rng: IntRange, *, form: bool) -> int:
    value = body.get(name)
    if value is None:
        return default
    if form and isinstance(value, str):
        text = value.strip()
        if not text.lstrip("-").isdigit():
            raise InvalidValue(
                f"Invalid value for '{name}': expected an integer, got '{value}'.", param=name
            )
        value = int(text)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidValue(
            f"Invalid type for '{name}': expected an integer, but got {type(value).__name__} instead.",
            param=name,
        )
    if value not in rng:
        raise InvalidValue(
            f"Invalid value for '{name}': {value}. It must be between {rng.low} and {rng.high}.", param=name
        )
    return value


def _bool(body: Mapping[str, Any], name: str, *, form: bool) -> bool:
    value = body.get(name)
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and (form or value.lower() in _TRUE | _FALSE):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise InvalidValue(f"Invalid value for '{name}': expected a boolean, got {value!r}.", param=name)


def _str(body: Mapping[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidValue(
            f"Invalid type for '{name}': expected a string, but got {type(value).__name__} instead.",
            param=name,
        )
    # every string field is bounded here, once (the prompt has its own, larger cap)
    return check_string(value, name, cap=len(value) if name == "prompt" else None)


def _choice(body: Mapping[str, Any], name: str, allowed: Sequence[str], default: str,
            aliases: Mapping[str, str] | None = None) -> str:
    value = _str(body, name)
    if value is None:
        return default
    if aliases and value in aliases:
        return aliases[value]
    if value not in allowed:
        listed = ", ".join(f"'{a}'" for a in (*allowed, *(aliases or {})))
        raise InvalidValue(
            f"Invalid value for '{name}': '{value}'. Supported values are: {listed}.", param=name
        )
    return value


def _json_object(body: Mapping[str, Any], name: str, *, form: bool) -> dict[str, Any] | None:
    value = body.get(name)
    if value is None:
        return None
    if form and isinstance(value, str):
        value = loads_json(value, param=name)
    if not isinstance(value, dict):
        raise InvalidValue(f"Invalid type for '{name}': expected a JSON object.", param=name)
    check_json_value(value, name)
    return value


# -- the shared field parser ------------------------------------------------------------------------


def _resolve_model(body: Mapping[str, Any], *, default_model: str,
                   known_model: Callable[[str], bool]) -> str:
    model = _str(body, "model")
    if model is None or model == "":
        model = default_model
    if not known_model(model):
        raise ModelNotFound(f"The model '{model}' does not exist or is not served here.", param="model")
    return model


def _parse_fields(
    body: Mapping[str, Any],
    operation: Operation,
    *,
    default_model: str,
    known_model: Callable[[str], bool],
    form: bool,
) -> tuple[dict[str, Any], ModelLimits, str]:
    """Validate every scalar field; return (spec kwargs, limits, response_format)."""
    if not isinstance(body, Mapping):
        raise InvalidValue("The request body must be a JSON object.", param=None)
    allowed = EDIT_FIELDS if operation == "edit" else GENERATE_FIELDS
    for name in body:
        if name not in allowed:
            raise UnknownParameter(f"Unknown parameter: '{name}'.", param=name)

    model = _resolve_model(body, default_model=default_model, known_model=known_model)
    limits = limits_for(model)

    # OpenAI refuses response_format for GPT image models as an unknown parameter; so do we.
    if body.get("response_format") is not None and not limits.response_formats:
        raise UnknownParameter(
            f"Unknown parameter: 'response_format'. The model '{model}' always returns b64_json.",
            param="response_format",
        )
    response_format = _choice(body, "response_format", limits.response_formats or ("b64_json",), "b64_json")
    if body.get("extra") is not None and limits.openai_model:
        raise UnknownParameter(
            f"Unknown parameter: 'extra'. Engine-specific options need one of imagegen's own model ids, "
            f"not '{model}'.",
            param="extra",
        )

    if "prompt" not in body or body.get("prompt") is None:
        raise MissingParameter("Missing required parameter: 'prompt'.", param="prompt")
    prompt = _str(body, "prompt") or ""
    if not limits.prompt_chars.low <= len(prompt) <= limits.prompt_chars.high:
        raise InvalidValue(
            f"Invalid 'prompt': it has {len(prompt):,} characters; it must have between "
            f"{limits.prompt_chars.low} and {limits.prompt_chars.high:,}.",
            param="prompt",
        )

    n = _int(body, "n", 1, limits.n, form=form)

    raw_size = _str(body, "size")
    parsed = parse_size(raw_size)
    width = height = None
    if parsed is not None:
        width, height = parsed
        limits.sizes.check(width, height, cast(str, raw_size).strip())

    quality = _choice(body, "quality", limits.qualities, "auto", limits.quality_aliases)
    output_format = _choice(body, "output_format", limits.output_formats, "png")
    background = _choice(body, "background", limits.backgrounds, "auto")
    if background == "transparent":
        if not limits.transparent:
            raise InvalidValue(TRANSPARENT_REFUSED, param="background")
        if output_format not in ALPHA_FORMATS:
            raise InvalidValue(
                f"Transparent background needs an output format with alpha (png or webp), not "
                f"'{output_format}'.",
                param="background",
            )
    # Kept for every format; it only changes jpeg and webp bytes (SPEC §2). webp at 100 is lossless.
    output_compression = _int(body, "output_compression", 100, limits.output_compression, form=form)
    moderation = _choice(body, "moderation", limits.moderations, "auto")
    stream = _bool(body, "stream", form=form)
    partial_images = _int(body, "partial_images", 0, limits.partial_images, form=form)
    user = _str(body, "user")
    safety_identifier = _str(body, "safety_identifier")
    seed_value = body.get("seed")
    seed = (
        _int(body, "seed", 0, limits.seed, form=form)
        if seed_value is not None
        # drawn here, not in the engine, so it is in the persisted params and provenance
        else secrets.randbelow(limits.seed.high + 1)
    )
    plan = _json_object(body, "plan", form=form)
    if plan is not None:
        # judged at the door like a size: a plan's canvas obeys the same rule, and it is bounded
        canvas = check_plan(plan, limits)
        if parsed is not None and canvas != parsed:
            raise InvalidValue(
                f"Invalid size '{raw_size}': the plan's canvas is {canvas[0]}x{canvas[1]}.", param="size"
            )
    extra = _json_object(body, "extra", form=form) or {}
    if safety_identifier is not None:
        extra = {**extra, "safety_identifier": safety_identifier}

    kwargs: dict[str, Any] = {
        "prompt": prompt,
        "model": model,
        "n": n,
        "width": width,
        "height": height,
        "quality": quality,
        "background": background,
        "output_format": output_format,
        "output_compression": output_compression,
        "moderation": moderation,
        "seed": seed,
        "user": user,
        "partial_images": partial_images,
        "stream": stream,
        "plan": plan,
        "extra": extra,
    }
    if operation == "edit":
        fidelity = _str(body, "input_fidelity")
        if fidelity is not None and fidelity not in limits.input_fidelities:
            raise InvalidValue(
                f"Invalid value for 'input_fidelity': '{fidelity}'. Supported values are: 'low', 'high'.",
                param="input_fidelity",
            )
        kwargs["input_fidelity"] = fidelity
    return kwargs, limits, response_format


def _params(operation: Operation, kwargs: Mapping[str, Any], response_format: str) -> dict[str, Any]:
    width, height = kwargs["width"], kwargs["height"]
    params = {
        key: value for key, value in kwargs.items()
        if key not in ("width", "height", "images", "mask")
    }
    params["size"] = "auto" if width is None else format_size(width, height)
    # safety_identifier rides in the spec's extra for engines, but is its own field on the wire
    extra = dict(params.get("extra") or {})
    params["safety_identifier"] = extra.pop("safety_identifier", None)
    params["extra"] = extra
    params["response_format"] = response_format
    params["operation"] = operation
    return params


# -- public entry points ----------------------------------------------------------------------------


def parse_generate_request(
    body: Mapping[str, Any],
    *,
    default_model: str,
    known_model: Callable[[str], bool],
    form: bool = False,
) -> ParsedRequest:
    """Validate a generation request body into a ``ParsedRequest``."""
    kwargs, limits, response_format = _parse_fields(
        body, "generate", default_model=default_model, known_model=known_model, form=form
    )
    spec = GenerateSpec(**kwargs)
    params = _params("generate", kwargs, response_format)
    return ParsedRequest("generate", spec, limits, response_format, params)


def validate_edit_fields(
    fields: Mapping[str, Any],
    *,
    default_model: str,
    known_model: Callable[[str], bool],
    form: bool = False,
) -> ModelLimits:
    """Check an edit's scalar fields before any image is fetched or decoded; returns the model's limits.

    Front doors call this first so a bad field is refused without downloading remote images.
    """
    _kwargs, limits, _fmt = _parse_fields(
        fields, "edit", default_model=default_model, known_model=known_model, form=form
    )
    return limits


def parse_edit_request(
    fields: Mapping[str, Any],
    images: Sequence[ImageInput],
    mask: MaskInput | None = None,
    *,
    default_model: str,
    known_model: Callable[[str], bool],
    form: bool = False,
) -> ParsedRequest:
    """Validate an edit: scalar ``fields`` (as for generation, plus ``input_fidelity``), images, mask.

    Images may arrive as raw bytes, ``ImageUpload`` (bytes + the field they came from) or an already
    decoded ``InputImage`` (a catalog asset). The mask applies to the first image.
    """
    kwargs, limits, response_format = _parse_fields(
        fields, "edit", default_model=default_model, known_model=known_model, form=form
    )
    uploads = limits.uploads
    if not images:
        if mask is not None:
            raise MissingParameter(
                "Missing required parameter: 'image'. A mask applies to an image, and none was given.",
                param="image",
            )
        raise MissingParameter("Missing required parameter: 'image'.", param="image")
    if len(images) > uploads.max_images:
        raise InvalidValue(
            f"Too many images: {len(images)}. At most {uploads.max_images} images may be edited at once.",
            param="image",
        )
    names = ["image"] if len(images) == 1 else [f"image[{i}]" for i in range(len(images))]
    # one input at full size at a time: each is brought to the working size as soon as it is decoded
    decoded: list[InputImage] = []
    first_size = (0, 0)
    for index, (name, item) in enumerate(zip(names, images, strict=True)):
        image = item if isinstance(item, InputImage) else load_input_image(_as_upload(item, name),
                                                                          limits=uploads)
        if index == 0:
            first_size = image.image.size
            if kwargs["width"] is None:
                # ``auto`` for an edit: the model's size for the first input (its own size when the rules
                # allow it), so no output is ever the size of an input the rules refuse
                kwargs["width"], kwargs["height"] = limits.sizes.fit(*first_size)
        target = (kwargs["width"], kwargs["height"])
        pixels = working_pixels(image.image, target, first=index == 0)
        decoded.append(image if pixels is image.image else dataclasses.replace(image, image=pixels))
    mask_image = None
    if mask is not None:
        # judged against the first image as sent, then brought to the working size with it
        mask_image = working_pixels(
            load_mask(_as_upload(mask, "mask"), first_image_size=first_size, limits=uploads),
            (kwargs["width"], kwargs["height"]), first=True, mask=True,
        )
    kwargs["images"] = tuple(decoded)
    kwargs["mask"] = mask_image
    spec = EditSpec(**kwargs)
    params = _params("edit", kwargs, response_format)
    params["images"] = [
        {"sha256": item.sha256, "asset_id": item.asset_id, "filename": item.filename} for item in decoded
    ]
    params["mask"] = mask is not None
    return ParsedRequest("edit", spec, limits, response_format, params)


def spec_from_params(
    params: Mapping[str, Any],
    *,
    images: Sequence[ImageInput] = (),
    mask: MaskInput | None = None,
) -> GenerateSpec | EditSpec:
    """Rebuild the spec from persisted ``ParsedRequest.params`` (e.g. after a restart).

    The params were validated when the job was accepted; they go through the same parser again (so a
    hand-edited job row cannot smuggle anything past the table), with the model taken as known: the
    router decides at run time whether it is still served. For edits, pass the stored input bytes in
    their original order and the mask bytes.
    """
    operation = cast(Operation, params.get("operation", "generate"))
    fields = {
        key: value for key, value in params.items()
        if key not in ("operation", "images", "mask") and value is not None
    }
    if fields.get("response_format") == "b64_json":
        # b64_json is every model's default; dropping it lets GPT ids (which refuse the field) re-parse
        fields.pop("response_format")
    if not fields.get("extra"):
        fields.pop("extra", None)
    model = str(fields.get("model", ""))
    known = lambda _model: True  # noqa: E731 - see docstring
    if operation == "edit":
        return parse_edit_request(fields, images, mask, default_model=model, known_model=known).spec
    return parse_generate_request(fields, default_model=model, known_model=known).spec
