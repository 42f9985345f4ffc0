"""The output size of an upscale, from the request: its ``size`` when sent, else the edit prompt.

The prompt is read for (first match wins):
- an explicit size: ``upscale to 2048x1280``;
- a named resolution, fitted to the input's aspect ratio: ``4K`` / ``UHD`` / ``2160p`` / ``8K`` (the
  contract's largest: long edge <= 3840 and <= 8,294,400 pixels, so a 16:9 input gives 3840x2160 and a
  square one 2880x2880), ``2K`` / ``1440p`` (long edge 2048), ``1080p`` / ``Full HD`` (long edge 1920);
- a factor: ``2x``, ``x4``, ``3×``, ``double`` / ``twice`` (2), ``triple`` (3), ``quadruple`` (4);
- nothing of these: 2x.
The wanted size is then brought to the nearest size the model id's contract allows (``SizeRule.fit``:
multiples of 16, the edge, pixel and ratio caps; a result under the minimum is raised to it).
"""

from __future__ import annotations

import re

from imagegen.contract.sizes import SizeRule, parse_size

_EXPLICIT = re.compile(r"\b(\d{2,5})\s*[xX×*]\s*(\d{2,5})\b")
_FACTOR = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s*[xX×](?!\s*\d)|(?<![\w.])[xX×]\s*(\d+(?:\.\d+)?)\b")
_WORDS = {"double": 2.0, "twice": 2.0, "triple": 3.0, "quadruple": 4.0}
#: named resolutions -> the long edge they ask for (None: the contract's largest)
_NAMED: tuple[tuple[re.Pattern[str], int | None], ...] = (
    (re.compile(r"\b(?:4k|8k|uhd|2160p)\b"), None),
    (re.compile(r"\b(?:2k|1440p|qhd)\b"), 2048),
    (re.compile(r"\b(?:1080p|full ?hd|fhd)\b"), 1920),
)
DEFAULT_FACTOR = 2.0
#: wanted sizes are expressed with this headroom for "the largest allowed" before the rule trims them
_HUGE = 1_000_000


def wanted_size(prompt: str, source: tuple[int, int]) -> tuple[tuple[int, int], str]:
    """The size the prompt asks for (before the contract's rules) and how it was read."""
    w, h = source
    low = prompt.lower()
    explicit = _EXPLICIT.search(low)
    if explicit:
        parsed = parse_size(f"{explicit.group(1)}x{explicit.group(2)}", param="prompt")
        if parsed is not None:
            return parsed, f"size {parsed[0]}x{parsed[1]}"
    for pattern, edge in _NAMED:
        named = pattern.search(low)
        if named:
            long_edge = edge or _HUGE
            scale = long_edge / max(w, h)
            return (round(w * scale), round(h * scale)), named.group(0)
    factor = DEFAULT_FACTOR
    how = "default 2x"
    match = _FACTOR.search(low)
    if match:
        factor = float(match.group(1) or match.group(2))
        how = f"{factor:g}x"
    else:
        word = next((word for word in _WORDS if word in low), None)
        if word:
            factor, how = _WORDS[word], word
    factor = min(max(factor, 1.0), 64.0)
    return (round(w * factor), round(h * factor)), how


def target_size(prompt: str, source: tuple[int, int], rule: SizeRule,
                requested: tuple[int, int] | None = None) -> tuple[tuple[int, int], str]:
    """The exact output size (see the module docstring) and how it was chosen."""
    if requested is not None:
        return requested, "size"
    wanted, how = wanted_size(prompt, source)
    return rule.fit(*wanted), how
