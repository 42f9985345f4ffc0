"""Script detection, grapheme clusters and a small bidi resolver for the text engine.

Python's ``unicodedata`` has no Script property, so scripts come from the Unicode block ranges the font
book has fonts for. Characters of no particular script (spaces, digits, punctuation) are ``"common"`` and
take the script of their neighbours, which keeps "Tokyo 2025年" in as few font runs as possible.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right

#: (first, last, script) in ascending order; only scripts the font book maps to a font
_RANGES: list[tuple[int, int, str]] = [
    (0x0041, 0x005A, "latin"),
    (0x0061, 0x007A, "latin"),
    (0x00C0, 0x024F, "latin"),
    (0x0250, 0x02AF, "latin"),
    (0x0370, 0x03FF, "greek"),
    (0x0400, 0x052F, "cyrillic"),
    (0x0590, 0x05FF, "hebrew"),
    (0x0600, 0x06FF, "arabic"),
    (0x0750, 0x077F, "arabic"),
    (0x08A0, 0x08FF, "arabic"),
    (0x0900, 0x097F, "devanagari"),
    (0x0980, 0x09FF, "bengali"),
    (0x0E00, 0x0E7F, "thai"),
    (0x1100, 0x11FF, "hangul"),
    (0x1E00, 0x1EFF, "latin"),
    (0x1F00, 0x1FFF, "greek"),
    (0x2E80, 0x2FDF, "han"),
    (0x3040, 0x309F, "kana"),
    (0x30A0, 0x30FF, "kana"),
    (0x3100, 0x312F, "han"),
    (0x3130, 0x318F, "hangul"),
    (0x31F0, 0x31FF, "kana"),
    (0x3400, 0x4DBF, "han"),
    (0x4E00, 0x9FFF, "han"),
    (0xA8E0, 0xA8FF, "devanagari"),
    (0xA960, 0xA97F, "hangul"),
    (0xAC00, 0xD7AF, "hangul"),
    (0xD7B0, 0xD7FF, "hangul"),
    (0xF900, 0xFAFF, "han"),
    (0xFB1D, 0xFB4F, "hebrew"),
    (0xFB50, 0xFDFF, "arabic"),
    (0xFE70, 0xFEFF, "arabic"),
    (0xFF21, 0xFF3A, "latin"),
    (0xFF41, 0xFF5A, "latin"),
    (0xFF66, 0xFF9F, "kana"),
    (0x20000, 0x3134F, "han"),
]
_STARTS = [r[0] for r in _RANGES]

#: scripts whose lines break between any two characters (Korean uses spaces and breaks at words)
CJK_BREAK_SCRIPTS = frozenset({"han", "kana"})
#: scripts drawn from the Noto Sans CJK collection
CJK_SCRIPTS = frozenset({"han", "kana", "hangul"})

#: no line may start with these (closing brackets, small kana, prolonged sound mark, CJK stops)
NO_BREAK_BEFORE = frozenset(
    "、。，．,.:;!?)]}」』】〕〉》）］｝〟’”ー々ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ・：；！？%‰℃"
)
#: no line may end with these (opening brackets)
NO_BREAK_AFTER = frozenset("([{「『【〔〈《（［｛〝‘“")

_VIRAMAS = frozenset({"\u094d", "\u09cd"})
_JOINERS = frozenset({"\u200c", "\u200d"})


def script_of(char: str) -> str:
    """The script of one character, or ``"common"`` (spaces, digits, punctuation, symbols)."""
    cp = ord(char)
    i = bisect_right(_STARTS, cp) - 1
    if i >= 0:
        first, last, script = _RANGES[i]
        if first <= cp <= last:
            return script
    return "common"


def dominant_script(text: str) -> str:
    """The script with most characters in ``text`` (``"latin"`` when there is none)."""
    counts: dict[str, int] = {}
    for ch in text:
        s = script_of(ch)
        if s != "common":
            counts[s] = counts.get(s, 0) + 1
    if not counts:
        return "latin"
    # dicts keep insertion order, and max() keeps the first of equals: ties go to the script seen first
    return max(counts, key=lambda s: counts[s])


def scripts_in(text: str) -> list[str]:
    """Scripts present in ``text``, in order of first appearance."""
    seen: list[str] = []
    for ch in text:
        s = script_of(ch)
        if s != "common" and s not in seen:
            seen.append(s)
    return seen


def cjk_index_for(text: str, lang: str | None) -> int:
    """Face index in NotoSansCJK .ttc: 0 Japanese, 1 Korean, 2 Simplified Chinese.

    The language hint wins; without one, kana means Japanese and hangul means Korean, and Han alone is
    taken as Simplified Chinese (the glyph shapes differ, so a guess must be deterministic).
    """
    if lang:
        low = lang.lower()
        if low.startswith("ja"):
            return 0
        if low.startswith("ko"):
            return 1
        if low.startswith("zh"):
            return 2
    present = set(scripts_in(text))
    if "kana" in present:
        return 0
    if "hangul" in present:
        return 1
    return 2


def is_mark(char: str) -> bool:
    """Combining marks and joiners stay glued to the character before them."""
    return unicodedata.category(char) in ("Mn", "Mc", "Me") or char in _JOINERS


def clusters(text: str) -> list[str]:
    """Split text into (approximate extended) grapheme clusters.

    A base character keeps its combining marks, joiners, and for Indic scripts the consonant after a
    virama (a conjunct such as क्ष must never be split across lines).
    """
    out: list[str] = []
    for ch in text:
        if (out and (is_mark(ch) or out[-1][-1] in _VIRAMAS or out[-1][-1] == "\u200d")) or (
            out and "\ud800" <= ch <= "\udfff"
        ):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def _bidi_class(char: str) -> str:
    bc = unicodedata.bidirectional(char)
    if bc in ("R", "AL"):
        return "R"
    if bc == "L":
        return "L"
    if bc in ("EN", "AN"):
        return "EN"
    if bc == "NSM":
        return "NSM"
    return "N"


def paragraph_rtl(text: str, direction: str = "auto") -> bool:
    """Paragraph direction: explicit, else the first strong character (UAX #9 rules P2-P3)."""
    if direction != "auto":
        return direction == "rtl"
    for ch in text:
        c = _bidi_class(ch)
        if c == "R":
            return True
        if c == "L":
            return False
    return False


def embedding_levels(text: str, rtl: bool) -> list[int]:
    """Resolved embedding level per character: a reduced UAX #9 without explicit embeddings.

    Covers what plans contain (no LRE/RLO controls): strong letters, numbers after RTL text (level +2 in
    an LTR paragraph, LTR inside RTL), neutrals taking the direction of equal strong neighbours, and
    non-spacing marks following their base. The whole line is also shaped by FriBiDi when one font
    covers it; this is used to order runs of different fonts.
    """
    base = 1 if rtl else 0
    classes = [_bidi_class(ch) for ch in text]
    # W1: a non-spacing mark takes the class of the character before it
    for i, c in enumerate(classes):
        if c == "NSM":
            classes[i] = classes[i - 1] if i else ("R" if rtl else "L")
    # W7-ish: numbers become L after L (or at the start of an LTR paragraph), else stay numeric
    last_strong = "R" if rtl else "L"
    resolved: list[str] = []
    for c in classes:
        if c in ("L", "R"):
            last_strong = c
            resolved.append(c)
        elif c == "EN":
            resolved.append("L" if last_strong == "L" else "EN")
        else:
            resolved.append("N")
    # N1/N2: neutrals between two equal directions take it, else the paragraph direction
    n = len(resolved)
    i = 0
    while i < n:
        if resolved[i] != "N":
            i += 1
            continue
        j = i
        while j < n and resolved[j] == "N":
            j += 1
        before = resolved[i - 1] if i > 0 else ("R" if rtl else "L")
        after = resolved[j] if j < n else ("R" if rtl else "L")
        before = "R" if before == "EN" else before
        after = "R" if after == "EN" else after
        fill = before if before == after else ("R" if rtl else "L")
        for k in range(i, j):
            resolved[k] = fill
        i = j
    levels = []
    for c in resolved:
        if base == 0:
            levels.append({"L": 0, "R": 1, "EN": 2}[c])
        else:
            levels.append({"L": 2, "R": 1, "EN": 2}[c])
    return levels


def visual_order(levels: list[int]) -> list[int]:
    """Indices of items (runs) in visual left-to-right order (UAX #9 rule L2)."""
    order = list(range(len(levels)))
    if not levels:
        return order
    top = max(levels)
    lowest_odd = min((lv for lv in levels if lv % 2 == 1), default=top + 1)
    for level in range(top, lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] >= level:
                j = i
                while j < len(order) and levels[order[j]] >= level:
                    j += 1
                order[i:j] = reversed(order[i:j])
                i = j
            else:
                i += 1
    return order
