"""The single table of limits: what each model id accepts (SPEC §1-§4).

Every front door (HTTP API, queue API, CLI, ComfyUI node) validates through this table, so a rule is
written once. It is plain data: ``limits_for(model)`` gives the rules of one model id and
``describe_limits()`` the whole table as JSON for clients that want to validate before sending.

Model families:

- ``gpt-image-2`` (and its dated snapshots): the gpt-image-2 contract, enforced exactly (flexible sizes,
  no transparent background, no ``response_format``).
- ``gpt-image-1``, ``gpt-image-1.5``, ``gpt-image-1-mini`` (and dated snapshots): three fixed sizes, no
  ``response_format``; transparent backgrounds are allowed, as OpenAI allows them.
- anything else (``imagegen-design``, ``diffusers/<...>``, ``upstream/<...>``): imagegen's superset:
  gpt-image-2 sizes plus ``background=transparent`` and ``response_format=url``. Whether such an id is
  actually served is the router's business (unknown ids are refused with 404 before limits apply).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from imagegen.contract.sizes import FixedSizes, FlexibleSizes, SizeRule, format_size

Family = Literal["gpt-image-2", "gpt-image-1", "imagegen"]

GPT_IMAGE_2_IDS: tuple[str, ...] = ("gpt-image-2", "gpt-image-2-2026-04-21")
GPT_IMAGE_1_IDS: tuple[str, ...] = ("gpt-image-1", "gpt-image-1.5", "gpt-image-1-mini")
#: imagegen's own ids that are always listed; ``diffusers/``, ``upstream/``, ``pipeline/`` are prefix families
IMAGEGEN_IDS: tuple[str, ...] = ("imagegen-design", "imagegen-upscale")
IMAGEGEN_PREFIXES: tuple[str, ...] = ("diffusers/", "upstream/", "pipeline/")

#: dated snapshots such as ``gpt-image-2-2026-04-21`` follow their base model's contract
_DATED = re.compile(r"^(?P<base>gpt-image-[0-9.]+(?:-mini)?)-\d{4}-\d{2}-\d{2}$")

PRESETS_FLEXIBLE: tuple[str, ...] = (
    "1024x1024", "1536x1024", "1024x1536", "2048x2048", "2048x1152", "1152x2048", "3840x2160", "2160x3840",
)
FIXED_SIZES: tuple[tuple[int, int], ...] = ((1024, 1024), (1536, 1024), (1024, 1536))

QUALITIES: tuple[str, ...] = ("low", "medium", "high", "auto")
#: dall-e-3 spellings that OpenAI still accepts for GPT image models
QUALITY_ALIASES: dict[str, str] = {"standard": "medium", "hd": "high"}
OUTPUT_FORMATS: tuple[str, ...] = ("png", "jpeg", "webp")
#: formats that can carry an alpha channel (``background=transparent`` needs one)
ALPHA_FORMATS: tuple[str, ...] = ("png", "webp")
MODERATIONS: tuple[str, ...] = ("auto", "low")
INPUT_FIDELITIES: tuple[str, ...] = ("low", "high")
INPUT_IMAGE_FORMATS: tuple[str, ...] = ("png", "jpeg", "webp")

TRANSPARENT_REFUSED = "Transparent background is not supported for this model."
#: review states of a catalog asset (SPEC §11); ``draft`` is every asset's state until someone decides
REVIEW_STATES: tuple[str, ...] = ("draft", "approved", "rejected")
#: the longest review comment the catalog keeps
REVIEW_COMMENT_MAX_CHARS = 4000


@dataclass(frozen=True)
class IntRange:
    """An inclusive integer range."""

    low: int
    high: int

    def __contains__(self, value: object) -> bool:
        return type(value) is int and self.low <= value <= self.high

    def describe(self) -> dict[str, int]:
        return {"min": self.low, "max": self.high}


@dataclass(frozen=True)
class UploadLimits:
    """Caps on edit inputs (SPEC §3)."""

    max_images: int = 16
    max_image_bytes: int = 50 * 1024 * 1024
    formats: tuple[str, ...] = INPUT_IMAGE_FORMATS
    #: decoded pixels per input image; guards against decompression bombs (a 50 MB PNG can hold
    #: billions of pixels). 64 MP is far above any output size.
    max_image_pixels: int = 64 * 1024 * 1024
    #: the mask must be a PNG with an alpha channel, as OpenAI requires
    mask_formats: tuple[str, ...] = ("png",)

    def describe(self) -> dict[str, Any]:
        return {
            "max_images": self.max_images,
            "max_image_bytes": self.max_image_bytes,
            "formats": list(self.formats),
            "max_image_pixels": self.max_image_pixels,
            "mask_formats": list(self.mask_formats),
            "mask_rules": [
                "needs at least one image",
                "alpha channel required; alpha 0 marks the region to edit",
                "same width and height as the first image",
                "applies to the first image when several are given",
            ],
        }


def base64_bytes(raw: int) -> int:
    """How many characters ``raw`` bytes take as base64 (padding included)."""
    return 4 * ((raw + 2) // 3)


@dataclass(frozen=True)
class RequestLimits:
    """Caps on a request as a whole, for every model: no single request may exhaust the server.

    Body caps are per route kind (``api.body_limits`` applies them before a byte is parsed); string,
    JSON and plan caps are checked by the contract parser, so every front door applies the same ones.
    """

    #: a JSON body without images (generations, queue text-to-image, catalog calls)
    json_body_bytes: int = 2 * 1024 * 1024
    #: decoded image bytes one JSON body may carry as ``data:`` URLs, all images together (JSON edits);
    #: more or bigger inputs go as multipart (streamed to disk), ``file_id`` or an allowed https URL
    json_image_bytes: int = 64 * 1024 * 1024
    #: text fields of a multipart body, each (a 32,000-character prompt in UTF-8, or a client plan)
    form_field_bytes: int = 2 * 1024 * 1024
    #: nesting of arrays/objects in any JSON value (body, ``plan``, ``extra``)
    json_depth: int = 32
    #: characters of any string field that has no cap of its own (``prompt`` has ``prompt_chars``)
    string_chars: int = 256
    #: fields with their own cap (``idempotency_key`` is the ``Idempotency-Key`` header)
    field_chars: tuple[tuple[str, int], ...] = (
        ("user", 256), ("safety_identifier", 256), ("idempotency_key", 255), ("cursor", 512),
        ("q", 1000), ("file_id", 64), ("image_url", 4096),
    )
    #: a client-sent ``plan``: nodes (every object with an ``id`` and a ``kind``, nested ones included)
    plan_nodes: int = 400
    #: a client-sent ``plan``: characters of all its texts together
    plan_text_chars: int = 32_000
    #: one job's run time (``IMAGEGEN_JOB_TIMEOUT_S`` overrides it); a job over it stops between stages
    job_timeout_s: float = 300.0
    #: a response must drain (``api.server_limits``): the client takes no response byte for this many
    #: seconds while the server has bytes waiting for it (``IMAGEGEN_SEND_TIMEOUT_S``), or after that grace
    #: takes them slower than ``send_min_rate`` bytes/s on average (``IMAGEGEN_SEND_MIN_RATE``): the
    #: connection is dropped with what it buffered
    send_timeout_s: float = 30.0
    send_min_rate: int = 1024
    #: one PNG text chunk, decompressed (Pillow's ``PngImagePlugin.MAX_TEXT_CHUNK``)
    text_chunk_bytes: int = 1024 * 1024
    #: all text chunks of one PNG together (Pillow's ``PngImagePlugin.MAX_TEXT_MEMORY``)
    text_memory_bytes: int = 4 * 1024 * 1024

    def chars_for(self, name: str) -> int:
        """The character cap of string field ``name``."""
        return dict(self.field_chars).get(name, self.string_chars)

    def json_edit_bytes(self) -> int:
        """A JSON body that may carry images as base64 ``data:`` URLs."""
        return self.json_body_bytes + base64_bytes(self.json_image_bytes)

    def multipart_bytes(self, uploads: UploadLimits) -> int:
        """A multipart edit: every image and the mask at their cap, plus the text fields."""
        return (uploads.max_images + 1) * uploads.max_image_bytes + 4 * self.form_field_bytes

    def describe(self) -> dict[str, Any]:
        return {
            "json_body_bytes": self.json_body_bytes,
            "json_edit_body_bytes": self.json_edit_bytes(),
            "json_image_bytes": self.json_image_bytes,
            "multipart_body_bytes": self.multipart_bytes(UploadLimits()),
            "form_field_bytes": self.form_field_bytes,
            "json_depth": self.json_depth,
            "string_chars": self.string_chars,
            "field_chars": dict(self.field_chars),
            "plan_nodes": self.plan_nodes,
            "plan_text_chars": self.plan_text_chars,
            "job_timeout_s": self.job_timeout_s,
        }


REQUEST_LIMITS = RequestLimits()


@dataclass(frozen=True)
class ModelLimits:
    """Everything the contract enforces for one model id."""

    model: str
    family: Family
    sizes: SizeRule
    presets: tuple[str, ...]
    #: ``background=transparent`` accepted
    transparent: bool
    #: accepted ``response_format`` values; empty means the field itself is unknown (GPT ids, as OpenAI).
    #: ``url`` needs this server to serve the asset, which only imagegen's own ids promise.
    response_formats: tuple[str, ...]
    qualities: tuple[str, ...] = QUALITIES
    quality_aliases: dict[str, str] = field(default_factory=lambda: dict(QUALITY_ALIASES))
    output_formats: tuple[str, ...] = OUTPUT_FORMATS
    backgrounds: tuple[str, ...] = ("auto", "opaque", "transparent")
    moderations: tuple[str, ...] = MODERATIONS
    input_fidelities: tuple[str, ...] = INPUT_FIDELITIES
    n: IntRange = IntRange(1, 10)
    partial_images: IntRange = IntRange(0, 3)
    output_compression: IntRange = IntRange(0, 100)
    prompt_chars: IntRange = IntRange(1, 32_000)
    seed: IntRange = IntRange(0, 2_147_483_647)
    uploads: UploadLimits = UploadLimits()

    @property
    def openai_model(self) -> bool:
        """True for OpenAI's own ids, whose contract is enforced exactly."""
        return self.family != "imagegen"

    def describe(self) -> dict[str, Any]:
        """JSON-able description of these limits."""
        return {
            "model": self.model,
            "family": self.family,
            "sizes": self.sizes.describe(),
            "presets": list(self.presets),
            "qualities": list(self.qualities),
            "quality_aliases": dict(self.quality_aliases),
            "output_formats": list(self.output_formats),
            "backgrounds": [b for b in self.backgrounds if b != "transparent" or self.transparent],
            "transparent_formats": list(ALPHA_FORMATS),
            "moderations": list(self.moderations),
            "response_formats": list(self.response_formats),
            "input_fidelities": list(self.input_fidelities),
            "n": self.n.describe(),
            "partial_images": self.partial_images.describe(),
            "output_compression": self.output_compression.describe(),
            "prompt_chars": self.prompt_chars.describe(),
            "seed": self.seed.describe(),
            "uploads": self.uploads.describe(),
        }


def _gpt_image_2(model: str) -> ModelLimits:
    return ModelLimits(
        model=model,
        family="gpt-image-2",
        sizes=FlexibleSizes(),
        presets=PRESETS_FLEXIBLE,
        transparent=False,
        response_formats=(),
    )


def _gpt_image_1(model: str) -> ModelLimits:
    return ModelLimits(
        model=model,
        family="gpt-image-1",
        sizes=FixedSizes(allowed=FIXED_SIZES, label=model),
        presets=tuple(format_size(w, h) for w, h in FIXED_SIZES),
        transparent=True,
        response_formats=(),
    )


def _imagegen(model: str) -> ModelLimits:
    return ModelLimits(
        model=model,
        family="imagegen",
        sizes=FlexibleSizes(),
        presets=PRESETS_FLEXIBLE,
        transparent=True,
        response_formats=("b64_json", "url"),
    )


def family_of(model: str) -> Family:
    """Which contract family ``model`` belongs to (total: unknown ids fall into ``imagegen``)."""
    dated = _DATED.match(model)
    base = dated.group("base") if dated else model
    if base in GPT_IMAGE_2_IDS:
        return "gpt-image-2"
    if base in GPT_IMAGE_1_IDS:
        return "gpt-image-1"
    return "imagegen"


def limits_for(model: str) -> ModelLimits:
    """The limits of ``model``. Total: the router, not this table, decides whether an id exists."""
    family = family_of(model)
    if family == "gpt-image-2":
        return _gpt_image_2(model)
    if family == "gpt-image-1":
        return _gpt_image_1(model)
    return _imagegen(model)


def listed_models() -> tuple[str, ...]:
    """The concrete ids this table names (prefix families such as ``diffusers/`` are not listed)."""
    return (*GPT_IMAGE_2_IDS, *GPT_IMAGE_1_IDS, *IMAGEGEN_IDS)


def describe_limits() -> dict[str, Any]:
    """The whole table as JSON: per listed id, plus the prefix families (for the CLI, the ComfyUI node)."""
    return {
        "models": {model: limits_for(model).describe() for model in listed_models()},
        "prefix_families": {prefix: limits_for(prefix + "example").describe() | {"model": prefix + "*"}
                            for prefix in IMAGEGEN_PREFIXES},
        "dated_snapshots": "gpt-image-<version>-YYYY-MM-DD follows the contract of gpt-image-<version>",
        "requests": REQUEST_LIMITS.describe(),
    }
