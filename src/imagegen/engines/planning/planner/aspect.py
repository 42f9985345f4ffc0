"""Aspect hints -> a canvas size the model's size rule allows, used only when the request's size is ``auto``.

The rule comes from the contract (``limits_for(model).sizes``, SPEC §4), never from a copy here:

- ``FlexibleSizes`` (gpt-image-2, imagegen's ids): both edges multiples of 16, longest edge <= 3840,
  long:short <= 3, 655,360 <= W*H <= 8,294,400. A preset is chosen when its ratio matches the hint;
  otherwise the nearest valid size at the requested scale.
- ``FixedSizes`` (gpt-image-1 family): the allowed size nearest the hint's aspect (1024x1024, 1536x1024 or
  1024x1536); a scale hint ("4K") cannot enlarge it.
"""

from __future__ import annotations

import math
import re

from imagegen.contract.limits import PRESETS_FLEXIBLE
from imagegen.contract.sizes import FixedSizes, FlexibleSizes, SizeRule, parse_size

#: the flexible rule set (gpt-image-2): what ``size=auto`` means when no rule is passed
FLEXIBLE = FlexibleSizes()
PRESETS: tuple[tuple[int, int], ...] = tuple(
    size for size in (parse_size(p) for p in PRESETS_FLEXIBLE) if size is not None
)

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
    """Whether a size passes the gpt-image-2 rules (the contract's ``FlexibleSizes``)."""
    return FLEXIBLE.allows(width, height)


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


def choose_size(ratio: float, long_edge: int | None = None, rule: SizeRule = FLEXIBLE) -> tuple[int, int]:
    """A size ``rule`` allows for a ratio: for a fixed list, the entry nearest the ratio; for the flexible
    rules, a matching preset if one exists, else computed.

    Without a long edge the default scale is the 1536x1024 family (~1.5 MP), which renders fast on CPU.
    """
    if isinstance(rule, FixedSizes):
        return rule.fit(max(1, round(ratio * 1024)), 1024)
    ratio = min(max(ratio, 1 / rule.max_ratio), rule.max_ratio)
    for pw, ph in PRESETS:
        if abs(pw / ph - ratio) < 0.02 and (long_edge is None or max(pw, ph) == long_edge):
            if long_edge is None and max(pw, ph) > 2048:
                continue
            if rule.allows(pw, ph):
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
    step = rule.multiple

    def snap(v: float) -> int:
        return max(step, round(v / step) * step)

    width, height = snap(w), snap(h)
    # nudge into the valid region (area bounds first, then the ratio cap)
    while width * height < rule.min_pixels:
        width, height = snap(width * 1.05), snap(height * 1.05)
    while width * height > rule.max_pixels or max(width, height) > rule.max_edge:
        width, height = snap(width * 0.95), snap(height * 0.95)
    while max(width, height) / min(width, height) > rule.max_ratio:
        if width > height:
            height += step
        else:
            width += step
    return (width, height) if rule.allows(width, height) else rule.fit(width, height)
