"""ComfyUI ``INPUT_TYPES`` built from the contract's limits table.

Every choice a node offers (models, size presets, qualities, output formats, backgrounds) and every numeric
range (n, seed, output_compression) is read from ``describe_limits()`` each time ComfyUI asks, so a change to
``contract/limits.py`` changes the nodes with no edit here. Nothing in this module lists a value of its own:
the only constant is ``"auto"`` for sizes, which every size rule accepts (``contract.sizes.parse_size``).

The lists are unions over the listed models in table order (the first listed model first). A combination a
given model refuses (``transparent`` with ``gpt-image-2``, ``2048x2048`` with ``gpt-image-1``) is still
offered and is refused at run time by the contract, with its own message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from imagegen.contract.limits import describe_limits

#: the size every rule accepts (``parse_size`` maps it to ``None``: the engine chooses)
AUTO_SIZE = "auto"
#: ComfyUI's input type names
STRING, INT, IMAGE, MASK = "STRING", "INT", "IMAGE", "MASK"

InputTypes = dict[str, dict[str, tuple[Any, ...]]]


@dataclass(frozen=True)
class Choices:
    """What the nodes offer, read from the limits table."""

    models: tuple[str, ...]
    sizes: tuple[str, ...]
    qualities: tuple[str, ...]
    output_formats: tuple[str, ...]
    backgrounds: tuple[str, ...]
    n: tuple[int, int]
    seed: tuple[int, int]
    output_compression: tuple[int, int]


def _union(lists: Iterable[Iterable[str]]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for values in lists:
        for value in values:
            seen.setdefault(value, None)
    return tuple(seen)


def _range(models: Iterable[Mapping[str, Any]], name: str) -> tuple[int, int]:
    ranges = [m[name] for m in models]
    return min(int(r["min"]) for r in ranges), max(int(r["max"]) for r in ranges)


def choices(table: Mapping[str, Any] | None = None) -> Choices:
    """The node choices of ``table`` (default: ``describe_limits()``, read now)."""
    table = describe_limits() if table is None else table
    models: Mapping[str, Mapping[str, Any]] = table["models"]
    listed = list(models.values())
    return Choices(
        models=tuple(models),
        sizes=(AUTO_SIZE, *(s for s in _union(m["presets"] for m in listed) if s != AUTO_SIZE)),
        qualities=_union(m["qualities"] for m in listed),
        output_formats=_union(m["output_formats"] for m in listed),
        backgrounds=_union(m["backgrounds"] for m in listed),
        n=_range(listed, "n"),
        seed=_range(listed, "seed"),
        output_compression=_range(listed, "output_compression"),
    )


def _combo(values: tuple[str, ...], tooltip: str, default: str | None = None) -> tuple[Any, ...]:
    return (list(values), {"default": default if default in values else values[0], "tooltip": tooltip})


def _prompt(tooltip: str) -> tuple[Any, ...]:
    return (STRING, {"multiline": True, "default": "", "tooltip": tooltip})


def _options(c: Choices) -> dict[str, tuple[Any, ...]]:
    """The request options shared by Generate and Edit (after the prompt)."""
    return {
        "model": _combo(c.models, "Model id (the contract of this id applies; see docs/contract.md)."),
        "size": _combo(c.sizes, "Output size; 'auto' lets the engine choose. custom_size overrides it.",
                       AUTO_SIZE),
        "quality": _combo(c.qualities, "Quality budget.", "auto"),
        "n": (INT, {"default": c.n[0], "min": c.n[0], "max": c.n[1], "tooltip": "Number of images."}),
        "output_format": _combo(c.output_formats, "Format the asset is stored in (the catalog keeps it)."),
        "background": _combo(c.backgrounds, "Background; transparency is refused by models that lack it.",
                             "auto"),
        "seed": (INT, {"default": c.seed[0], "min": c.seed[0], "max": c.seed[1],
                       "control_after_generate": True,
                       "tooltip": "Same seed + same request -> same pixels."}),
    }


def _connection(c: Choices) -> dict[str, tuple[Any, ...]]:
    """Optional inputs: where to run, and values outside the presets."""
    return {
        "server_url": (STRING, {"default": "", "tooltip": "imagegen server URL, e.g. http://127.0.0.1:8000. "
                                "Empty: run the engine inside this ComfyUI process."}),
        "api_key": (STRING, {"default": "", "tooltip": "API key for server_url. Empty: IMAGEGEN_API_KEY or "
                             "the 0600 token file. A key typed here is saved in the workflow and in "
                             "every PNG ComfyUI writes."}),
        "custom_size": (STRING, {"default": "", "tooltip": "WxH outside the presets (e.g. 1280x720); "
                                 "checked by the contract. Empty: use size."}),
        "custom_model": (STRING, {"default": "", "tooltip": "A model id outside the list (e.g. "
                                  "diffusers/...). Empty: use model."}),
        "output_compression": (INT, {"default": c.output_compression[1], "min": c.output_compression[0],
                                     "max": c.output_compression[1],
                                     "tooltip": "jpeg/webp quality (webp at the maximum is lossless)."}),
    }


def generate_inputs(table: Mapping[str, Any] | None = None) -> InputTypes:
    """``INPUT_TYPES`` of imagegen Generate."""
    c = choices(table)
    optional = _connection(c)
    optional["plan_json"] = (STRING, {"forceInput": True, "tooltip": "A plan (imagegen Plan's output, "
                                      "possibly edited) rendered as given instead of the prompt."})
    return {
        "required": {"prompt": _prompt("What to draw. Quoted text is drawn exactly."), **_options(c)},
        "optional": optional,
    }


def edit_inputs(table: Mapping[str, Any] | None = None) -> InputTypes:
    """``INPUT_TYPES`` of imagegen Edit."""
    c = choices(table)
    return {
        "required": {
            "image": (IMAGE, {"tooltip": "The image to edit (the first of the batch; the others are "
                              "references the prompt may name, e.g. 'the logo from image 2')."}),
            "prompt": _prompt("The edit, e.g. change the headline to \"Hello\"."),
            **_options(c),
        },
        "optional": {
            "mask": (MASK, {"tooltip": "1 = editable (ComfyUI's convention); applies to the first image. "
                            "Everything outside it keeps its exact pixels."}),
            **_connection(c),
        },
    }


def plan_inputs(table: Mapping[str, Any] | None = None) -> InputTypes:
    """``INPUT_TYPES`` of imagegen Plan (what the planning engine would draw, without drawing it)."""
    c = choices(table)
    options = _options(c)
    return {
        "required": {
            "prompt": _prompt("What to draw."),
            **{name: options[name] for name in ("model", "size", "background", "seed")},
        },
        "optional": {"custom_size": _connection(c)["custom_size"]},
    }
