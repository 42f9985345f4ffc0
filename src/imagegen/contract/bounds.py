"""Bounds on what a client sends: strings, JSON values, client plans (the numbers are in ``limits``).

One place for every front door: the HTTP routes read JSON bodies with ``loads_json``, the field parser
checks every string with ``check_string`` and every JSON-valued field (``plan``, ``extra``) with
``check_json_value``, and a client ``plan`` is judged at the door by ``check_plan``, so a hostile value is
a 400 before any work is queued, never a 500 or a failed job.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from imagegen.contract.errors import InvalidValue
from imagegen.contract.limits import REQUEST_LIMITS, ModelLimits


def _unencodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate ("\ud800"), which JSON can spell but UTF-8 cannot
        return True
    return False


def check_string(value: str, name: str, *, cap: int | None = None, param: str | None = None) -> str:
    """``value`` if it is valid Unicode and at most ``cap`` (default: the field ``name``'s cap) characters.
    ``param``: where the field sits in the request, when that is not ``name`` (``images[0].image_url``)."""
    limit = REQUEST_LIMITS.chars_for(name) if cap is None else cap
    param = param or name
    if len(value) > limit:
        raise InvalidValue(
            f"Invalid '{param}': it has {len(value):,} characters; at most {limit:,} are accepted.",
            param=param,
        )
    if _unencodable(value):
        raise InvalidValue(
            f"Invalid '{param}': it contains a lone surrogate code point, which is not valid Unicode text.",
            param=param,
        )
    return value


def check_json_value(value: Any, param: str | None) -> None:
    """Refuse nesting deeper than ``json_depth`` and strings (values or keys) that are not valid Unicode;
    the error names where (``prompt``, ``plan.nodes[3].text``).

    Iterative, so a hostile depth never reaches Python's recursion limit here."""
    max_depth = REQUEST_LIMITS.json_depth
    stack: list[tuple[Any, int, str | None]] = [(value, 0, param)]
    while stack:
        item, depth, where = stack.pop()
        if isinstance(item, str):
            if _unencodable(item):
                raise InvalidValue(
                    f"Invalid {_where(where)}: it contains a lone surrogate code point, which is not valid "
                    "Unicode text.",
                    param=where,
                )
            continue
        if isinstance(item, dict | list):
            if depth >= max_depth:
                raise InvalidValue(
                    f"Invalid {_where(where)}: JSON nested deeper than {max_depth} levels.", param=where
                )
            if isinstance(item, list):
                stack.extend((child, depth + 1, f"{where or ''}[{i}]") for i, child in enumerate(item))
                continue
            for key, child in item.items():
                if isinstance(key, str) and _unencodable(key):
                    raise InvalidValue(
                        f"Invalid {_where(where)}: a key contains a lone surrogate code point.", param=where
                    )
                stack.append((child, depth + 1, f"{where}.{key}" if where else str(key)))


def _where(param: str | None) -> str:
    return f"'{param}'" if param else "request body"


def loads_json(raw: bytes | str, *, param: str | None = None) -> Any:
    """Parse JSON text a client sent and bound it (``check_json_value``); 400 ``invalid_value`` otherwise."""
    what = f"'{param}'" if param else "the JSON body of your request"
    try:
        value = json.loads(raw)
    except RecursionError as exc:
        raise InvalidValue(
            f"Invalid {what}: JSON nested deeper than {REQUEST_LIMITS.json_depth} levels.", param=param
        ) from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidValue(f"We could not parse {what}. Send valid JSON.", param=param) from exc
    check_json_value(value, param)
    return value


def check_plan(plan: Mapping[str, Any], limits: ModelLimits) -> tuple[int, int]:
    """Judge a client ``plan`` at the door: its canvas obeys the model's size rule, its node count and its
    text stay under the caps. Returns the canvas size. (The full schema is the engine's to check.)"""
    canvas = plan.get("canvas")
    width = canvas.get("width") if isinstance(canvas, Mapping) else None
    height = canvas.get("height") if isinstance(canvas, Mapping) else None
    if type(width) is not int or type(height) is not int:
        raise InvalidValue(
            "Invalid 'plan': 'canvas' must be an object with integer 'width' and 'height'.", param="plan"
        )
    try:
        limits.sizes.check(width, height, f"{width}x{height}", param="plan")
    except InvalidValue as exc:
        raise InvalidValue(f"Invalid 'plan': canvas {exc.message}", param="plan") from exc
    nodes, chars = 0, 0
    pending = list(plan.get("nodes") or []) if isinstance(plan.get("nodes"), list) else []
    while pending:
        node = pending.pop()
        if not isinstance(node, Mapping):
            continue
        nodes += 1
        if nodes > REQUEST_LIMITS.plan_nodes:
            raise InvalidValue(
                f"Invalid 'plan': it has more than {REQUEST_LIMITS.plan_nodes} nodes.", param="plan"
            )
        for key in ("text", "label", "data", "unit"):
            if isinstance(node.get(key), str):
                chars += len(node[key])
        series = node.get("series")
        if isinstance(series, list):
            chars += sum(len(p["label"]) for p in series if isinstance(p, Mapping) and isinstance(
                p.get("label"), str))
        children = node.get("children")
        if isinstance(children, list):
            pending.extend(children)
    if chars > REQUEST_LIMITS.plan_text_chars:
        raise InvalidValue(
            f"Invalid 'plan': its texts have {chars:,} characters together; at most "
            f"{REQUEST_LIMITS.plan_text_chars:,} are accepted.",
            param="plan",
        )
    return width, height
