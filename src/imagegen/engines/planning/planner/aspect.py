"""Aspect hints -> a canvas size valid for gpt-image-2, used only when the request's size is ``auto``.

Rules (SPEC §4): both edges multiples of 16, longest edge <= 3840, long:short <= 3, 655,360 <= W*H <=
8,294,400. A preset is chosen when its ratio matches the hint; otherwise the nearest valid size at the
requested scale.
"""

from __future__ import annotations

import math
import re

PRESETS: tuple[tuple[int, int], ...] = (
    (1024, 1024),
    (1536, 1024),
    (1024, 1536),
    (2048, 2048),
    (2048, 1152),
    (1152, 2048),
    (3840, 2160),
    (2160, 3840),
)
MIN_PIXELS = 655_360
MAX_PIXELS = 8_294_400
MAX_EDGE = 3840
MAX_RATIO = 3.0

_NAMED = {
    "square": 1.0,
    "portrait": 2 / 3,
    "vertical": 2 / 3,
    "tall": 2 / 3,
    "landscape": 3 / 2,
    "horizontal": 3 / 2,
    "wide": 16 / 9,
    "widescreen": 16 / 9,
    "panoramic": 3.0,
    "banner": 3.0,
    "story": 9 / 16,
    "stories": 9 / 16,
    "reel": 9 / 16,
}


def is_valid_size(width: int, height: int) -> bool:
    """Whether a size passes the gpt-image-2 rules."""
    return (
        width % 16 == 0
        and height % 16 == 0
        and max(width, height) <= MAX_EDGE
        and max(width, height) / min(width, height) <= MAX_RATIO
        and MIN_PIXELS <= width * height <= MAX_PIXELS
    )


def parse_aspect(text: str) -> tuple[float | None, int | None, str | None]:
    """(ratio w/h, long edge, the words that said so) from a prompt; Nones where nothing was said.

    ``"16:9"``, ``"3:1"``, ``"4x5"`` -> ratio; ``"portrait"``, ``"landscape"``, ``"square"`` -> ratio;
    ``"2K"`` / ``"4K"`` -> long edge 2048 / 3840 ("8K detail" is a quality word, not a size).
    """
    low = text.lower()
    ratio: float | None = None
    words: list[str] = []
    m = re.search(
        r"\b(\d{1,2}(?:\.\d+)?)\s*[:x×/]\s*(\d{1,2}(?:\.\d+)?)\b(?!\s*(?:cm|mm|in\b|inch|m\b|ft|px|%))"
        r"(?:\s*(?:aspect|ratio|format|crop))?",
        low,
    )
    if m and float(m.group(1)) > 0 and float(m.group(2)) > 0:
        # only small numbers: "1024x1536" or "1 of 8" are not aspect hints
        a, b = float(m.group(1)), float(m.group(2))
        if a <= 32 and b <= 32:
            ratio = a / b
            words.append(m.group(0).strip())
    if ratio is None:
        for word, r in _NAMED.items():
            if re.search(rf"\b{word}\b(?:\s+(?:format|orientation|aspect|ratio|image|poster|layout))?", low):
                ratio = r
                words.append(word)
                break
    long_edge = None
    # "8K detail" is a quality adjective, and no valid size is 8K: only 2K and 4K set the scale
    k = re.search(r"\b([24])\s?k\b(?:\s+(?:resolution|res|output|image))?", low)
    if k:
        long_edge = {2: 2048, 4: 3840}[int(k.group(1))]
        words.append(k.group(0).strip())
    return ratio, long_edge, (", ".join(words) or None)


def _round16(v: float) -> int:
    return max(16, round(v / 16) * 16)


def choose_size(ratio: float, long_edge: int | None = None) -> tuple[int, int]:
    """A valid size for a ratio: a matching preset if one exists, else computed.

    Without a long edge the default scale is the 1536x1024 family (~1.5 MP), which renders fast on CPU.
    """
    ratio = min(max(ratio, 1 / MAX_RATIO), MAX_RATIO)
    for pw, ph in PRESETS:
        if abs(pw / ph - ratio) < 0.02 and (long_edge is None or max(pw, ph) == long_edge):
            if long_edge is None and max(pw, ph) > 2048:
                continue
            return pw, ph
    w: float
    h: float
    if long_edge is None:
        area = 1536 * 1024
        w = math.sqrt(area * ratio)
        h = w / ratio
    elif ratio >= 1:
        w, h = long_edge, long_edge / ratio
    else:
        w, h = long_edge * ratio, long_edge
    width, height = _round16(w), _round16(h)
    # nudge into the valid region (area bounds first, then the ratio cap)
    while width * height < MIN_PIXELS:
        width, height = _round16(width * 1.05), _round16(height * 1.05)
    while width * height > MAX_PIXELS or max(width, height) > MAX_EDGE:
        width, height = _round16(width * 0.95), _round16(height * 0.95)
    while max(width, height) / min(width, height) > MAX_RATIO:
        if width > height:
            height += 16
        else:
            width += 16
    return width, height
