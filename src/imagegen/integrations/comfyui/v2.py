"""Parity with ComfyUI's stock ``OpenAIGPTImageNodeV2`` (the partner node "OpenAI GPT Image").

Two things live here and nowhere else:

- the stock node's own numbers where they differ from our contract (``n`` stops at 8 there; its custom
  width/height widgets start at 480). Everything else the nodes offer comes from the limits table.
- the mapping of a saved V2 node's inputs onto **imagegen Generate**, so a workflow built around the stock
  node can be pointed at imagegen by changing the node, not the graph (``convert_workflow``).

A saved V2 node (ComfyUI's API format) looks like::

    {"class_type": "OpenAIGPTImageNodeV2",
     "inputs": {"prompt": "...", "model": "gpt-image-2", "model.size": "Custom",
                "model.custom_width": 1280, "model.custom_height": 720, "model.background": "opaque",
                "model.quality": "high", "model.images.image_1": ["7", 0], "model.mask": ["9", 0],
                "n": 2, "seed": 42}}

Its ``model`` is a dynamic combo: the per-model widgets are saved as ``model.<name>`` and the reference
images, an autogrow group, as ``model.images.image_<k>`` (k = 1..16).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

#: the stock node's class name (what a saved workflow names)
V2_CLASS = "OpenAIGPTImageNodeV2"
#: the stock node's range of ``n`` (the contract allows more; parity keeps the stock range)
V2_N_MAX = 8
#: the stock node's smallest custom width/height widget value (the contract still checks the pixel count)
V2_CUSTOM_MIN = 480
#: the stock node's size choice that switches to ``custom_width`` x ``custom_height``
CUSTOM = "Custom"
#: the most reference images the stock node takes (``model.images.image_1`` .. ``image_16``)
V2_MAX_IMAGES = 16
#: the default of the stock node's custom width/height widgets
V2_CUSTOM_DEFAULT = 1024

_IMAGE_KEY = re.compile(r"^model\.images\.image_(\d+)$")
#: stock-node inputs with a same-named imagegen Generate input
_DIRECT = ("prompt", "n", "seed")
#: the stock node's per-model widgets (saved as ``model.<name>``) with a same-named imagegen input
_PER_MODEL = ("size", "custom_width", "custom_height", "background", "quality", "mask")


def from_v2_inputs(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """imagegen Generate's inputs for a saved ``OpenAIGPTImageNodeV2``'s ``inputs``.

    Links (``[node_id, output]``) are kept as they are, so the mapped node reads the same upstream nodes.
    Inputs the stock node has and imagegen does not need (none today) would be dropped here; inputs
    imagegen has and the stock node lacks keep their defaults (output_format, plan_json, server_url...).
    """
    out: dict[str, Any] = {name: inputs[name] for name in _DIRECT if name in inputs}
    model = inputs.get("model")
    if isinstance(model, dict):  # the in-memory form: the dynamic combo as one dict
        out["model"] = model.get("model")
        nested = {f"model.{k}": v for k, v in model.items() if k not in ("model", "images")}
        nested |= {f"model.images.{k}": v for k, v in (model.get("images") or {}).items()}
        inputs = {**inputs, **nested}
    elif model is not None:
        out["model"] = model
    for name in _PER_MODEL:
        key = f"model.{name}"
        if key in inputs:
            out[name] = inputs[key]
    for key, value in inputs.items():
        match = _IMAGE_KEY.match(key)
        if match and value is not None and 1 <= int(match.group(1)) <= V2_MAX_IMAGES:
            out[f"image_{int(match.group(1))}"] = value
    return out


def convert_workflow(prompt: Mapping[str, Any], *, target: str = "ImagegenGenerate") -> dict[str, Any]:
    """A copy of a ComfyUI API-format workflow with every stock V2 node replaced by imagegen Generate.

    Node ids stay the same, so links from other nodes to the replaced node (its IMAGE output is output 0
    on both) still hold.
    """
    converted = copy.deepcopy(dict(prompt))
    for node in converted.values():
        if isinstance(node, dict) and node.get("class_type") == V2_CLASS:
            node["class_type"] = target
            node["inputs"] = from_v2_inputs(node.get("inputs") or {})
    return converted
