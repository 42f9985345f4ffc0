"""ComfyUI ``INPUT_TYPES`` built from the contract's limits table.

Every choice a node offers (models, size presets, qualities, output formats, backgrounds) and every numeric
range (n, seed, output_compression, custom edges) is read from ``describe_limits()`` each time ComfyUI asks,
so a change to ``contract/limits.py`` changes the nodes with no edit here. Nothing in this module lists a
value of its own: the constants are ``"auto"`` for sizes, which every size rule accepts
(``contract.sizes.parse_size``), and the stock ``OpenAIGPTImageNodeV2``'s own numbers, which live in
``v2.py`` (``Custom``, ``n`` up to 8, custom edges from 480).

The lists are unions over the listed models in table order (the first listed model first). A combination a
given model refuses (``transparent`` with ``gpt-image-2``, ``2048x2048`` with ``gpt-image-1``) is still
offered and is refused at run time by the contract, with its own message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from imagegen.contract.limits import describe_limits
from imagegen.integrations.comfyui.v2 import CUSTOM, V2_CUSTOM_DEFAULT, V2_CUSTOM_MIN, V2_MAX_IMAGES, V2_N_MAX

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
    #: ``custom_width``/``custom_height``: (min, max, step) from the flexible size rules
    custom: tuple[int, int, int]


def _union(lists: Iterable[Iterable[str]]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for values in lists:
        for value in values:
            seen.setdefault(value, None)
    return tuple(seen)


def _range(models: Iterable[Mapping[str, Any]], name: str) -> tuple[int, int]:
    ranges = [m[name] for m in models]
    return min(int(r["min"]) for r in ranges), max(int(r["max"]) for r in ranges)


def _custom_range(models: Iterable[Mapping[str, Any]]) -> tuple[int, int, int]:
    """Widget range of the custom edges: the stock node's minimum, the largest edge and the coarsest step
    of the models with a flexible size rule (the contract checks the rest: ratio, pixel count)."""
    rules = [m["sizes"] for m in models if m["sizes"].get("kind") == "flexible"]
    if not rules:
        return V2_CUSTOM_MIN, V2_CUSTOM_MIN, 1
    step = max(int(r["multiple_of"]) for r in rules)
    return V2_CUSTOM_MIN, max(int(r["max_edge"]) for r in rules), step


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
        custom=_custom_range(listed),
    )


def _combo(values: tuple[str, ...], tooltip: str, default: str | None = None) -> tuple[Any, ...]:
    return (list(values), {"default": default if default in values else values[0], "tooltip": tooltip})


def _prompt(tooltip: str) -> tuple[Any, ...]:
    return (STRING, {"multiline": True, "default": "", "tooltip": tooltip})


def _edge(c: Choices, name: str) -> tuple[Any, ...]:
    low, high, step = c.custom
    return (INT, {"default": max(low, min(high, V2_CUSTOM_DEFAULT)), "min": low, "max": high, "step": step,
                  "tooltip": f"Used only when size is '{CUSTOM}': the {name} in pixels (a multiple of "
                             f"{step}; the model's size rule is checked when the node runs)."})


def _options(c: Choices) -> dict[str, tuple[Any, ...]]:
    """The request options shared by Generate and Edit (after the prompt), named as the stock
    ``OpenAIGPTImageNodeV2`` names them (size presets + Custom, custom_width/custom_height, n, seed)."""
    return {
        "model": _combo(c.models, "Model id (the contract of this id applies; see docs/contract.md)."),
        "size": _combo((*c.sizes, CUSTOM), f"Output size; 'auto' lets the engine choose, '{CUSTOM}' uses "
                       "custom_width x custom_height.", AUTO_SIZE),
        "custom_width": _edge(c, "width"),
        "custom_height": _edge(c, "height"),
        "quality": _combo(c.qualities, "Quality budget.", "auto"),
        "n": (INT, {"default": c.n[0], "min": c.n[0], "max": min(c.n[1], V2_N_MAX),
                    "tooltip": "Number of images."}),
        "output_format": _combo(c.output_formats, "Format the asset is stored in (the catalog keeps it)."),
        "background": _combo(c.backgrounds, "Background; transparency is refused by models that lack it.",
                             "auto"),
        "seed": (INT, {"default": c.seed[0], "min": c.seed[0], "max": c.seed[1],
                       "control_after_generate": True,
                       "tooltip": "Same seed + same request -> same pixels."}),
    }


def _connection(c: Choices) -> dict[str, tuple[Any, ...]]:
    """Optional inputs: where to run, and values outside the lists. There is deliberately no API key
    input: a widget value is saved in the workflow, in ComfyUI's history and in every PNG its SaveImage
    writes. The key comes from ``IMAGEGEN_API_KEY`` or imagegen's 0600 token file."""
    return {
        "server_url": (STRING, {"default": "", "tooltip": "imagegen server URL, e.g. http://127.0.0.1:8000. "
                                "Empty: run the engine inside this ComfyUI process. The key comes from "
                                "IMAGEGEN_API_KEY or the token file, never from the workflow."}),
        "custom_model": (STRING, {"default": "", "tooltip": "A model id outside the list (e.g. "
                                  "diffusers/...). Empty: use model."}),
        "output_compression": (INT, {"default": c.output_compression[1], "min": c.output_compression[0],
                                     "max": c.output_compression[1],
                                     "tooltip": "jpeg/webp quality (webp at the maximum is lossless)."}),
    }


def _mask(tooltip: str) -> tuple[Any, ...]:
    return (MASK, {"tooltip": tooltip + " ComfyUI's convention: 1 = change; soft masks are taken as "
                   "ComfyUI passes them ([H, W] or [B, H, W], 0..1): values of 0.5 and above are edited. "
                   "Every pixel outside keeps its exact value."})


def generate_inputs(table: Mapping[str, Any] | None = None) -> InputTypes:
    """``INPUT_TYPES`` of imagegen Generate: the stock V2 node's inputs (reference images image_1..16 and
    a mask make it an edit) plus imagegen's extras."""
    c = choices(table)
    references = {f"image_{k}": (IMAGE, {"tooltip": "Reference image (any connected image makes this an "
                                         "edit of image_1 or of the first connected one)."})
                  for k in range(1, V2_MAX_IMAGES + 1)}
    optional: dict[str, tuple[Any, ...]] = {
        **references,
        "mask": _mask("Region of the first reference image to change; needs a reference image."),
        **_connection(c),
        "plan_json": (STRING, {"forceInput": True, "tooltip": "A plan (imagegen Plan's output, possibly "
                               "edited) rendered as given instead of the prompt."}),
    }
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
            "mask": _mask("Region of the first image to change."),
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
        "optional": {name: options[name] for name in ("custom_width", "custom_height")},
    }


def save_inputs(table: Mapping[str, Any] | None = None) -> InputTypes:
    """``INPUT_TYPES`` of imagegen Save. The hidden inputs are ComfyUI's: the graph being run (``PROMPT``),
    the UI workflow (``EXTRA_PNGINFO``) and this node's id."""
    c = choices(table)
    return {
        "required": {
            "images": (IMAGE, {"tooltip": "The images to save as signed files."}),
            "filename_prefix": (STRING, {"default": "imagegen", "tooltip": "File name prefix; may name a "
                                         "subfolder of ComfyUI's output folder."}),
            "output_format": _combo(c.output_formats, "Format of images that are captured (an unchanged "
                                    "imagegen output keeps its stored file and format)."),
        },
        "optional": {
            "info": (STRING, {"forceInput": True, "tooltip": "imagegen Generate/Edit's info: links the "
                              "saved files to those assets (lineage, C2PA ingredients)."}),
        },
        "hidden": {"prompt": ("PROMPT",), "extra_pnginfo": ("EXTRA_PNGINFO",), "unique_id": ("UNIQUE_ID",)},
    }
