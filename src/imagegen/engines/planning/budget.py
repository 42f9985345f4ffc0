"""The quality budget: what ``quality`` buys in renders, checks and supersampling.

| quality | renders                | checks                                   | supersampling |
|---------|------------------------|------------------------------------------|---------------|
| low     | 1 (no refinement)      | glyphs, overflow, bounds, overlap, code  | 1x            |
| medium  | up to 3 (2 refines)    | all: + contrast + OCR read-back          | 1x            |
| high    | up to 4 (3 refines)    | all                                      | up to 2x (*)  |

(*) capped by the renderer's ``supersample_for``, which bounds the drawing surface (3840x2160 -> 1.25x).

``auto`` resolves to ``medium``: every text is read back by OCR at a latency that suits interactive use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from imagegen.contract.limits import QUALITY_ALIASES
from imagegen.engines.planning.verify import ALL_CHECKS, CHEAP_CHECKS

Quality = Literal["low", "medium", "high"]

#: what ``quality=auto`` becomes (reported back to the client as the resolved quality)
AUTO_QUALITY: Quality = "medium"


@dataclass(frozen=True)
class Budget:
    """How much work one image may take."""

    quality: Quality
    #: refine passes after the first render (each is one more render + verify)
    max_refine_passes: int
    #: check families the verifier runs
    checks: frozenset[str]
    #: largest render supersampling factor (draw at scale x, downsample to the canvas)
    scale: float


_BUDGETS: dict[str, Budget] = {
    "low": Budget("low", 0, CHEAP_CHECKS, 1.0),
    "medium": Budget("medium", 2, ALL_CHECKS, 1.0),
    "high": Budget("high", 3, ALL_CHECKS, 2.0),
}


def resolve_quality(quality: str | None) -> Quality:
    """Contract quality (``auto``/None, and the DALL-E aliases) -> low/medium/high."""
    resolved = AUTO_QUALITY if quality in (None, "auto") else QUALITY_ALIASES.get(quality, quality)
    if resolved not in _BUDGETS:
        raise ValueError(f"unknown quality {quality!r}")
    return resolved  # type: ignore[return-value]


def budget_for(quality: str | None) -> Budget:
    """The budget of a (possibly ``auto``) quality."""
    return _BUDGETS[resolve_quality(quality)]
