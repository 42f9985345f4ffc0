"""Response shapes (SPEC §2, §6) built from plain values, and how ``usage`` is computed.

The contract layer sits below engines and provenance, so these builders take plain numbers and strings;
the API converts an ``EngineResult`` + stored assets into them.

Usage (documented in docs/contract.md): OpenAI bills GPT Image models in tokens; imagegen's local
engines have none, yet clients (and the published schema) expect ``usage``. When an engine reports
complete OpenAI-style numbers they are passed through unchanged (the planning engine reports zeros: it runs
no token model; an upstream engine relays OpenAI's). Otherwise they are *estimated* so that budgets written
against OpenAI stay meaningful:

- text tokens: ``ceil(utf-8 bytes of the prompt / 4)`` (the usual bytes-per-token rule of thumb);
- image tokens (edits): per input image ``ceil(272 x pixels / 1024²)`` (OpenAI's low-fidelity count
  for a 1024² input);
- output tokens: per output image ``ceil(T x pixels / 1024²)`` with T = 272 / 1056 / 4160 for
  low / medium / high (OpenAI's published gpt-image-1 counts for a 1024² image).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: output tokens for one 1024x1024 image, by resolved quality
OUTPUT_TOKENS_PER_MEGAPIXEL: dict[str, int] = {"low": 272, "medium": 1056, "high": 4160}
INPUT_IMAGE_TOKENS_PER_MEGAPIXEL = 272
_MEGAPIXEL = 1024 * 1024
_USAGE_KEYS = ("input_tokens", "output_tokens", "total_tokens", "input_tokens_details")


def estimate_usage(
    prompt: str,
    *,
    quality: str,
    output_sizes: Iterable[tuple[int, int]],
    input_sizes: Iterable[tuple[int, int]] = (),
) -> dict[str, Any]:
    """Token-like usage numbers for a local engine (see the module docstring for the formula)."""
    text_tokens = math.ceil(len(prompt.encode("utf-8")) / 4)
    per_input = INPUT_IMAGE_TOKENS_PER_MEGAPIXEL
    image_tokens = sum(math.ceil(per_input * w * h / _MEGAPIXEL) for w, h in input_sizes)
    per_mp = OUTPUT_TOKENS_PER_MEGAPIXEL.get(quality, OUTPUT_TOKENS_PER_MEGAPIXEL["medium"])
    output_tokens = sum(math.ceil(per_mp * w * h / _MEGAPIXEL) for w, h in output_sizes)
    input_tokens = text_tokens + image_tokens
    return {
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "total_tokens": input_tokens + output_tokens,
        "input_tokens_details": {"text_tokens": text_tokens, "image_tokens": image_tokens},
    }


def usage_from_engine(reported: Mapping[str, Any] | None, estimate: dict[str, Any]) -> dict[str, Any]:
    """The engine's own numbers when complete and well-typed, else the estimate."""
    if not reported or not all(key in reported for key in _USAGE_KEYS):
        return estimate
    details = reported.get("input_tokens_details")
    numbers_ok = all(type(reported[k]) is int for k in _USAGE_KEYS[:3])
    if (
        not numbers_ok
        or not isinstance(details, Mapping)
        or not all(isinstance(details.get(k), int) for k in ("text_tokens", "image_tokens"))
    ):
        return estimate
    return {key: reported[key] for key in _USAGE_KEYS} | {
        "input_tokens_details": {k: details[k] for k in ("text_tokens", "image_tokens")}
    }


@dataclass(frozen=True)
class ImageItem:
    """One entry of ``data[]``."""

    revised_prompt: str
    asset_id: str
    b64_json: str | None = None
    url: str | None = None
    #: imagegen extension: what the verifier found (``verification_summary``); None for engines without one
    verification: dict[str, Any] | None = None
    #: imagegen extension, edits only: the proof that pixels outside the edit are untouched (``edit_proof``)
    edit: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        item: dict[str, Any] = {}
        if self.url is not None:
            item["url"] = self.url
        else:
            item["b64_json"] = self.b64_json or ""
        item["revised_prompt"] = self.revised_prompt
        item["asset_id"] = self.asset_id
        if self.verification is not None:
            item["verification"] = self.verification
        if self.edit is not None:
            item["edit"] = self.edit
        return item


def edit_proof(extra: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """For an edit (masked, plan-level or through any backend): the sha256 of every pixel outside the
    edited region before and after (docs/edits.md defines it), and whether they are equal. None otherwise."""
    if not extra or not extra.get("unmasked_sha256_before"):
        return None
    before, after = extra.get("unmasked_sha256_before"), extra.get("unmasked_sha256_after")
    return {"unchanged_sha256_before": before, "unchanged_sha256_after": after,
            "unchanged": bool(after) and before == after}


def verification_summary(report: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The part of an engine's verification report a client acts on: ``passed``, what is unresolved, and
    every element the brief asked for that is not on the canvas (``missing``)."""
    if not report:
        return None
    # an engine's report is its own: fields of another shape (a count of checks) are read as absent
    raw_checks, unresolved = report.get("checks"), report.get("unresolved")
    checks = [c for c in raw_checks if isinstance(c, Mapping)] if isinstance(raw_checks, list | tuple) else []
    asks = [c for c in checks if c.get("kind") == "ask"]
    return {
        "passed": bool(report.get("passed")),
        "unresolved": list(unresolved) if isinstance(unresolved, list | tuple) else [],
        "asked": len(asks),
        "missing": [str(c.get("detail", "")) for c in asks if not c.get("passed")],
    }


def images_response(
    items: Sequence[ImageItem],
    *,
    background: str,
    output_format: str,
    quality: str,
    size: str,
    usage: dict[str, Any],
    created: int | None = None,
    job_id: str | None = None,
) -> dict[str, Any]:
    """The body of a 200 answer to generations/edits (SPEC §2): resolved values, never ``auto``."""
    body: dict[str, Any] = {
        "created": int(time.time()) if created is None else created,
        "data": [item.to_json() for item in items],
        "background": background,
        "output_format": output_format,
        "quality": quality,
        "size": size,
        "usage": usage,
    }
    if job_id is not None:
        body["job_id"] = job_id
    return body


def stream_event_prefix(operation: str) -> str:
    """``image_generation`` or ``image_edit`` (SPEC §6)."""
    return "image_edit" if operation == "edit" else "image_generation"


def partial_image_event(
    operation: str,
    *,
    b64_json: str,
    size: str,
    quality: str,
    background: str,
    output_format: str,
    partial_image_index: int,
    created_at: int | None = None,
) -> dict[str, Any]:
    """A ``*.partial_image`` event payload."""
    return {
        "type": f"{stream_event_prefix(operation)}.partial_image",
        "b64_json": b64_json,
        "created_at": int(time.time()) if created_at is None else created_at,
        "size": size,
        "quality": quality,
        "background": background,
        "output_format": output_format,
        "partial_image_index": partial_image_index,
    }


def completed_event(
    operation: str,
    *,
    b64_json: str,
    size: str,
    quality: str,
    background: str,
    output_format: str,
    usage: dict[str, Any],
    asset_id: str | None = None,
    revised_prompt: str | None = None,
    created_at: int | None = None,
) -> dict[str, Any]:
    """A ``*.completed`` event payload (one per output image)."""
    event: dict[str, Any] = {
        "type": f"{stream_event_prefix(operation)}.completed",
        "b64_json": b64_json,
        "created_at": int(time.time()) if created_at is None else created_at,
        "size": size,
        "quality": quality,
        "background": background,
        "output_format": output_format,
        "usage": usage,
    }
    if asset_id is not None:
        event["asset_id"] = asset_id
    if revised_prompt is not None:
        event["revised_prompt"] = revised_prompt
    return event


def error_event(error: Mapping[str, Any]) -> dict[str, Any]:
    """An ``error`` event payload: the OpenAI envelope plus ``type`` (the SDK raises ``APIError``)."""
    return {"type": "error", **error}
