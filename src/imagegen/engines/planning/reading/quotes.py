"""Quoted exact text: find every quoted span in a prompt, byte-exact, and expand numbered ranges.

Quote styles: straight double quotes, curly double quotes “…” (and „…“), corner brackets 「…」 and
『…』, guillemets «…», curly single quotes ‘…’ and -- only where they cannot be apostrophes -- straight
single quotes. The text between the marks is kept exactly as written: never trimmed, re-cased or
normalized, because the whole product promise is that quoted text reads back exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: opening mark -> closing mark, for the unambiguous pairs
_PAIRS = {"“": "”", "„": "“", "「": "」", "『": "』", "«": "»", "‹": "›"}


@dataclass(frozen=True)
class Quote:
    """One quoted span. ``start``/``end`` cover the marks; ``text`` is what lies between them."""

    text: str
    start: int
    end: int
    #: index of the range this quote was expanded from ("Frame 1" to "Frame 8"), else None
    range_of: int | None = None

    @property
    def inner_start(self) -> int:
        return self.start + 1

    @property
    def inner_end(self) -> int:
        return self.end - 1


def _scan_double(prompt: str) -> list[Quote]:
    """Straight double quotes pair in order; curly and bracket pairs match their own closers."""
    quotes: list[Quote] = []
    i = 0
    n = len(prompt)
    while i < n:
        ch = prompt[i]
        close: str | None = None
        if ch == '"':
            close = '"'
        elif ch in _PAIRS:
            close = _PAIRS[ch]
        if close is None:
            i += 1
            continue
        j = prompt.find(close, i + 1)
        if j < 0:
            # an unmatched mark (e.g. 40" screen) is not a quote; skip it rather than swallow the rest
            i += 1
            continue
        quotes.append(Quote(prompt[i + 1 : j], i, j + 1))
        i = j + 1
    return quotes


def _masked(prompt: str, quotes: list[Quote]) -> str:
    chars = list(prompt)
    for q in quotes:
        for k in range(q.start, q.end):
            chars[k] = "\x00"
    return "".join(chars)


def _scan_single(masked: str, prompt: str) -> list[Quote]:
    """Single-quoted spans outside double quotes.

    Curly ‘…’: the closer is the first ’ not followed by a letter (so ‘Don’t stop’ stays whole).
    Straight '…': the opener must follow a space/start/bracket/colon and the closer must be followed by a
    space, punctuation or the end -- so apostrophes in "it's" or "rock'n'roll" never open a quote.
    """
    quotes: list[Quote] = []
    for m in re.finditer(r"‘", masked):
        i = m.start()
        k = i + 1
        while k < len(masked):
            if masked[k] == "\x00":
                break
            if masked[k] == "’" and not (k + 1 < len(masked) and masked[k + 1].isalpha()):
                quotes.append(Quote(prompt[i + 1 : k], i, k + 1))
                break
            k += 1
    taken = [(q.start, q.end) for q in quotes]
    pattern = re.compile(r"(?:(?<=^)|(?<=[\s(\[:]))'([^'\n\x00]+?)'(?=$|[\s.,;:!?)\]])")
    for m in pattern.finditer(masked):
        if any(a <= m.start() < b for a, b in taken):
            continue
        quotes.append(Quote(prompt[m.start() + 1 : m.end() - 1], m.start(), m.end()))
    return quotes


_RANGE_JOIN = re.compile(r"^\s*(?:to|through|thru|until|-|–|—|\.\.\.?|…)\s*$", re.IGNORECASE)
_NUMBERED = re.compile(r"^(.*?)(\d+)(\D*)$", re.DOTALL)
MAX_RANGE = 64


def _expand_ranges(prompt: str, quotes: list[Quote]) -> list[Quote]:
    """``"Frame 1" to "Frame 8"`` -> Frame 1 .. Frame 8 (same prefix/suffix, ascending integers)."""
    out: list[Quote] = []
    i = 0
    range_id = 0
    while i < len(quotes):
        q = quotes[i]
        if i + 1 < len(quotes):
            nxt = quotes[i + 1]
            a, b = _NUMBERED.match(q.text), _NUMBERED.match(nxt.text)
            if (
                a
                and b
                and _RANGE_JOIN.match(prompt[q.end : nxt.start])
                and a.group(1) == b.group(1)
                and a.group(3) == b.group(3)
            ):
                lo, hi = int(a.group(2)), int(b.group(2))
                if lo < hi and hi - lo < MAX_RANGE:
                    width = len(a.group(2)) if a.group(2).startswith("0") else 0
                    for k in range(lo, hi + 1):
                        num = str(k).zfill(width)
                        # expanded members keep the span of the endpoint they sit nearest, so role and
                        # style context is read from the same place for all of them
                        span = q if k < hi else nxt
                        out.append(
                            Quote(f"{a.group(1)}{num}{a.group(3)}", span.start, span.end, range_of=range_id)
                        )
                    range_id += 1
                    i += 2
                    continue
        out.append(q)
        i += 1
    return out


def quoted_spans(prompt: str) -> list[Quote]:
    """Every quoted span of ``prompt`` in reading order, as written (no range expansion): what an edit
    instruction quotes (``change "Frame 1" to "Frame 2"`` is two texts, not a range)."""
    doubles = _scan_double(prompt)
    singles = _scan_single(_masked(prompt, doubles), prompt)
    return sorted(doubles + singles, key=lambda q: q.start)


def find_quotes(prompt: str) -> list[Quote]:
    """Every quoted span of ``prompt`` in reading order, numbered ranges expanded."""
    return _expand_ranges(prompt, quoted_spans(prompt))


def mask_quotes(prompt: str, quotes: list[Quote] | None = None, fill: str = "\x00") -> str:
    """The prompt with every quoted span (marks included) replaced by ``fill`` characters.

    Same length as the prompt, so offsets stay valid; lets the other parsers ignore quoted text.
    """
    quotes = find_quotes(prompt) if quotes is None else quotes
    chars = list(prompt)
    for q in quotes:
        for k in range(q.start, q.end):
            chars[k] = fill
    return "".join(chars)


def strip_quotes(prompt: str, quotes: list[Quote] | None = None) -> str:
    """The prompt with quoted spans removed (for image prompts, which must not draw the exact text)."""
    quotes = find_quotes(prompt) if quotes is None else quotes
    out = []
    last = 0
    for q in sorted({(q.start, q.end) for q in quotes}):
        out.append(prompt[last : q[0]])
        last = q[1]
    out.append(prompt[last:])
    return re.sub(r"\s{2,}", " ", "".join(out)).strip()
