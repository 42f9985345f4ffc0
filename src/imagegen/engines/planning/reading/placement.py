"""Placement words -> an anchor on a 3x3 grid plus composition flags.

``"top-right"``, ``"bottom left"``, ``"at the top"``, ``"centered"``, ``"left aligned"``, ``"below"``,
``"rule of thirds"``. The result is advisory: layouts honor it where the archetype has room for choice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

H = Literal["left", "center", "right"]
V = Literal["top", "middle", "bottom"]


@dataclass(frozen=True)
class Placement:
    """Where something should go. None fields were not specified."""

    h: H | None = None
    v: V | None = None
    #: "below" / "above" another element (relative to the previous quote)
    relative: Literal["below", "above"] | None = None
    thirds: bool = False

    @property
    def empty(self) -> bool:
        return self == Placement()


_CORNER = re.compile(
    r"\b(top|upper|bottom|lower)[- ]?(left|right|center|centre|middle)\b|\b(left|right)[- ](top|bottom)\b"
)


def parse_placement(phrase: str) -> Placement:
    """Read placement words from one phrase."""
    # writing direction is not placement ("written right to left")
    low = re.sub(r"\b(?:right[- ]to[- ]left|left[- ]to[- ]right|rtl|ltr)\b", " ", phrase.lower())
    h: H | None = None
    v: V | None = None
    m = _CORNER.search(low)
    if m:
        vert = m.group(1) or m.group(4)
        hor = m.group(2) or m.group(3)
        v = "top" if vert in ("top", "upper") else "bottom"
        h = "center" if hor in ("center", "centre", "middle") else hor  # type: ignore[assignment]
    else:
        if re.search(
            r"\b(?:at|along|across|on|to) the top\b|\b(?:at|to) top\b|\btop of\b|\bheader\b|\bupper\b", low
        ):
            v = "top"
        elif re.search(
            r"\b(?:at|along|across|on|to) the bottom\b|\b(?:at|to) bottom\b|\bbottom of\b|\bfooter\b", low
        ):
            v = "bottom"
        if re.search(r"\bleft[- ]?(?:aligned|align|side)?\b|\bflush left\b", low):
            h = "left"
        elif re.search(r"\bright[- ]?(?:aligned|align|side)?\b|\bflush right\b", low):
            h = "right"
        if re.search(r"\bcent(?:er|re)(?:ed|d)?\b|\bin the middle\b|\bmiddle\b", low):
            h = h or "center"
            if v is None and re.search(
                r"\b(?:dead |perfectly )?cent(?:er|re)d? (?:of|on) the (?:image|canvas)", low
            ):
                v = "middle"
    relative: Literal["below", "above"] | None = None
    if re.search(r"\bbelow\b|\bunder(?:neath)?\b|\bbeneath\b", low):
        relative = "below"
    elif re.search(r"\babove\b|\bover it\b", low):
        relative = "above"
    thirds = bool(re.search(r"rule of thirds|\bthirds\b|off-?cent(?:er|re)", low))
    return Placement(h=h, v=v, relative=relative, thirds=thirds)
