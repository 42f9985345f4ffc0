"""What ComfyUI does with a node class, without ComfyUI: validate a prompt's inputs against ``INPUT_TYPES``
(required inputs present, combo values listed, INT values in range, then the node's ``VALIDATE_INPUTS``),
then call ``FUNCTION`` with the widget values, the linked outputs and the hidden inputs it declares.

Written from ComfyUI's ``execution.validate_inputs`` and ``get_input_data`` (the legacy node interface).
Tensors are torch tensors when torch is importable, as inside ComfyUI, else numpy arrays of the same shape.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

import numpy as np

HIDDEN_VALUES = {"PROMPT": "prompt", "EXTRA_PNGINFO": "extra_pnginfo", "UNIQUE_ID": "unique_id"}


def tensor(array: np.ndarray) -> Any:
    """A ComfyUI tensor: ``torch.from_numpy`` where torch exists."""
    try:
        import torch
    except ImportError:
        return np.ascontiguousarray(array, dtype=np.float32)
    return torch.from_numpy(np.ascontiguousarray(array, dtype=np.float32))


def is_link(value: object) -> bool:
    return isinstance(value, list) and len(value) == 2 and isinstance(value[0], str | int)


def validate(cls: type, inputs: Mapping[str, Any]) -> list[str]:
    """The errors ComfyUI would report for a node of ``cls`` with these saved ``inputs`` (links allowed)."""
    spec = cls.INPUT_TYPES()  # type: ignore[attr-defined]
    errors: list[str] = []
    declared = {**spec.get("required", {}), **spec.get("optional", {})}
    for name in spec.get("required", {}):
        if name not in inputs:
            errors.append(f"required input missing: {name}")
    for name, value in inputs.items():
        if name not in declared:
            continue  # ComfyUI ignores inputs the node does not declare
        kind, options = declared[name]
        if is_link(value):
            continue
        if isinstance(kind, list):
            if value not in kind:
                errors.append(f"value not in list: {name}: {value!r}")
        elif kind == "INT":
            low, high = options.get("min", value), options.get("max", value)
            if not isinstance(value, int) or not low <= value <= high:
                errors.append(f"value out of range: {name}: {value!r}")
        elif kind == "STRING" and not isinstance(value, str):
            errors.append(f"not a string: {name}")
    check = getattr(cls, "VALIDATE_INPUTS", None)
    if check is not None and not errors:
        params = inspect.signature(check).parameters
        widget_values = {k: v for k, v in inputs.items() if k in params and not is_link(v)}
        answer = check(**widget_values)
        if answer is not True:
            errors.append(str(answer))
    return errors


def execute(cls: type, inputs: Mapping[str, Any], outputs: Mapping[str, Any] | None = None, *,
            prompt: dict[str, Any] | None = None, extra_pnginfo: dict[str, Any] | None = None,
            unique_id: str = "1") -> Any:
    """Run a node as ComfyUI does: links resolved from ``outputs`` (``node_id -> value``), hidden inputs
    added for what ``INPUT_TYPES()['hidden']`` declares."""
    outputs = outputs or {}
    kwargs = {k: (outputs[str(v[0])] if is_link(v) else v) for k, v in inputs.items()}
    hidden = cls.INPUT_TYPES().get("hidden", {})  # type: ignore[attr-defined]
    values = {"prompt": prompt or {}, "extra_pnginfo": extra_pnginfo or {}, "unique_id": unique_id}
    for name, (kind, *_rest) in hidden.items():
        kwargs[name] = values[HIDDEN_VALUES[kind]]
    return getattr(cls(), cls.FUNCTION)(**kwargs)  # type: ignore[attr-defined]
