"""Labeled segments: ``Goal: … Scene: … Subject: … Style: … Text: …`` and any other ``Word:`` label.

Structured prompts are written as a run of labeled parts. A label is one to three words, the first
capitalized, at the start of the prompt or of a sentence/line, followed by a colon and a space. Colons
inside quotes never start a label (``"Enterprises using AI: 78%"`` stays one quote), and lower-case
``steps: 12,458`` inside a sentence is data, not a label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .quotes import Quote, mask_quotes

_LABEL = re.compile(
    r"(?:^|(?<=[.!?;\n])|(?<=[.!?;]\s)|(?<=\n\s))\s*"
    r"(?P<label>[A-Z][A-Za-z0-9/&+-]*(?: [A-Za-z0-9/&+-]+){0,2}):(?=\s|$)"
)

#: label spellings -> the canonical key the planner reads
_CANON = {
    "goal": "goal",
    "objective": "goal",
    "purpose": "goal",
    "scene": "scene",
    "setting": "scene",
    "background": "scene",
    "environment": "scene",
    "subject": "subject",
    "subjects": "subject",
    "product": "subject",
    "character": "subject",
    "consistent character": "subject",
    "style": "style",
    "look": "style",
    "aesthetic": "style",
    "details": "details",
    "detail": "details",
    "constraints": "constraints",
    "constraint": "constraints",
    "rules": "constraints",
    "avoid": "constraints",
    "text": "text",
    "copy": "text",
    "typography": "typography",
    "font": "typography",
    "fonts": "typography",
    "screen": "screen",
    "ui elements": "ui",
    "ui": "ui",
    "layout": "layout",
    "composition": "layout",
    "color palette": "palette",
    "colour palette": "palette",
    "palette": "palette",
    "colors": "palette",
    "colours": "palette",
    "format": "format",
    "aspect ratio": "format",
}


@dataclass(frozen=True)
class Segment:
    """A labeled part of the prompt. ``label`` is the label as written, ``key`` its canonical name."""

    label: str | None
    key: str | None
    text: str
    start: int
    end: int


def canonical(label: str) -> str:
    """The canonical key of a label (``"UI Elements"`` -> ``"ui"``); unknown labels are lower-cased."""
    low = label.strip().lower()
    if low in _CANON:
        return _CANON[low]
    m = re.fullmatch(r"(panel|frame|slide|page|scene|shot) (\d+)", low)
    if m:
        return f"{m.group(1)} {m.group(2)}"
    return low


def split_segments(prompt: str, quotes: list[Quote]) -> list[Segment]:
    """The prompt cut at its labels. Text before the first label is a segment with ``label=None``."""
    masked = mask_quotes(prompt, quotes)
    marks = [(m.start("label"), m.end(), m.group("label")) for m in _LABEL.finditer(masked)]
    segments: list[Segment] = []
    first = marks[0][0] if marks else len(prompt)
    if prompt[:first].strip():
        segments.append(Segment(None, None, prompt[:first].strip(), 0, first))
    for i, (start, body, label) in enumerate(marks):
        end = marks[i + 1][0] if i + 1 < len(marks) else len(prompt)
        segments.append(Segment(label, canonical(label), prompt[body:end].strip(), start, end))
    return segments


def first_of(segments: list[Segment], key: str) -> str | None:
    """The text of the first segment with this canonical key, or None."""
    return next((s.text for s in segments if s.key == key and s.text), None)
