"""The text layer of a plan: its text and code nodes over a picture (the request's first input image).

A stylized picture smears lettering; the planning engine draws the plan's exact text and codes again over
it, and verifies them as it verifies any render. Everything else the plan drew (shapes, icons, art, charts)
is in the stylized picture already, so only text and codes are kept; groups stay only to hold them.
"""

from __future__ import annotations

import copy
from typing import Any

#: node kinds that carry content the verifier reads back exactly
_EXACT_KINDS = ("text", "code")


def _keep(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    kept = []
    for node in nodes:
        if node.get("kind") in _EXACT_KINDS:
            kept.append(node)
        elif node.get("kind") == "group":
            children = _keep(node.get("children") or [])
            if children:
                # the group's own fill/stroke is in the picture already: keep only its box and clip
                kept.append({**node, "children": children, "fill": None, "stroke": None, "stroke_width": 0})
    return kept


def text_layer_plan(plan: dict[str, Any], size: tuple[int, int]) -> dict[str, Any]:
    """A copy of ``plan`` that draws only its text and codes, over input image 0 at ``size``."""
    layer = copy.deepcopy(plan)
    width, height = size
    old_w = float(layer["canvas"]["width"])
    old_h = float(layer["canvas"]["height"])
    if (old_w, old_h) != (width, height):
        raise ValueError(f"the picture is {width}x{height} but the plan's canvas is {old_w:g}x{old_h:g}")
    background = dict(layer["canvas"].get("background") or {})
    layer["canvas"]["background"] = {**background, "kind": "image", "reference": 0}
    layer["nodes"] = _keep(layer.get("nodes") or [])
    layer["asks"] = []  # the pictures, charts and colours the brief asked for are in the stylized image
    return layer
