"""Writing-system facts about a string: language hint, direction, and a rough advance-width estimate.

The one table of script ranges: the planner (language hints), the verifier (which recognizer reads a
line, ``verify/scripts.py``) and the edits (which font sets a string, ``edits/typeset.py``) all read it
through :func:`char_lang`. The renderer's per-character font runs (``render/scripts.py``) keep their own,
finer table (Latin/Greek/Cyrillic/kana/Han ... as the font book names them).

The planner never measures glyphs (that is the renderer's job, with real fonts); it only needs a width
estimate good enough to size boxes generously, so the renderer's shrink-to-fit rarely has to act.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Literal

Direction = Literal["auto", "ltr", "rtl"]

# (first, last, language hint) -- order matters only for readability; ranges do not overlap.
_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x3040, 0x30FF, "ja"),  # Hiragana + Katakana
    (0x31F0, 0x31FF, "ja"),  # Katakana phonetic extensions
    (0xFF66, 0xFF9F, "ja"),  # half-width Katakana
    (0x1100, 0x11FF, "ko"),  # Hangul Jamo
    (0x3130, 0x318F, "ko"),  # Hangul compatibility Jamo
    (0xAC00, 0xD7AF, "ko"),  # Hangul syllables
    (0x4E00, 0x9FFF, "zh"),  # CJK unified ideographs
    (0x3400, 0x4DBF, "zh"),  # CJK extension A
    (0x0900, 0x097F, "hi"),  # Devanagari
    (0x0980, 0x09FF, "bn"),  # Bengali
    (0x0600, 0x06FF, "ar"),  # Arabic
    (0x0750, 0x077F, "ar"),  # Arabic supplement
    (0xFB50, 0xFDFF, "ar"),  # Arabic presentation forms A
    (0xFE70, 0xFEFF, "ar"),  # Arabic presentation forms B
    (0x0590, 0x05FF, "he"),  # Hebrew
    (0x0E00, 0x0E7F, "th"),  # Thai
    (0x0400, 0x04FF, "ru"),  # Cyrillic
    (0x0370, 0x03FF, "el"),  # Greek
    (0x0B80, 0x0BFF, "ta"),  # Tamil
)

_RTL = {"ar", "he"}
_WIDE = {"ja", "ko", "zh"}


@lru_cache(maxsize=65536)
def char_lang(ch: str) -> str | None:
    """The language hint of one character, or None for Latin, digits, punctuation and spaces."""
    cp = ord(ch)
    for first, last, lang in _RANGES:
        if first <= cp <= last:
            return lang
    return None


def langs_in(text: str) -> set[str]:
    """The language hints of every character of ``text`` (Latin, digits, punctuation and spaces give none)."""
    return {lang for ch in text if (lang := char_lang(ch))}


def detect_lang(text: str, *, traditional_chinese: bool = False) -> str:
    """A BCP-47-ish hint for shaping and OCR: the dominant non-Latin script, Japanese if any kana.

    Han characters alone mean Chinese; with kana they are Japanese (kanji). Latin text is "en".
    """
    counts: dict[str, int] = {}
    for ch in text:
        lang = char_lang(ch)
        if lang:
            counts[lang] = counts.get(lang, 0) + 1
    if not counts:
        return "en"
    if "ja" in counts:
        return "ja"
    best = max(sorted(counts), key=lambda k: counts[k])
    if best == "zh":
        return "zh-Hant" if traditional_chinese else "zh-Hans"
    return best


def direction_of(lang: str) -> Direction:
    """Right-to-left for Arabic and Hebrew; otherwise left-to-right."""
    return "rtl" if lang in _RTL else "ltr"


@lru_cache(maxsize=65536)
def char_em(ch: str) -> float:
    """Approximate advance of one character in em for a regular-width sans face."""
    lang = char_lang(ch)
    if lang in _WIDE or unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1.0
    if lang in ("hi", "bn", "ta", "th"):
        return 0.62
    if lang in ("ar", "he"):
        return 0.5
    if ch == " ":
        return 0.28
    if ch.isupper():
        return 0.68
    if ch.isdigit():
        return 0.58
    if ch in "il.,:;'!|":
        return 0.3
    if ch in "mwMW@%":
        return 0.9
    return 0.55


@lru_cache(maxsize=65536)
def text_em(text: str, *, condensed: bool = False, mono: bool = False, bold: bool = False) -> float:
    """Width of a single line in em (the widest line if the text has hard breaks)."""
    widest = 0.0
    for line in text.split("\n") or [""]:
        em = sum(1.0 if char_em(c) >= 1.0 else 0.6 for c in line) if mono else sum(char_em(c) for c in line)
        if condensed:
            em *= 0.8
        if bold:
            em *= 1.06
        widest = max(widest, em)
    return widest


@lru_cache(maxsize=65536)
def is_wide_script(text: str) -> bool:
    """True when the text is mostly CJK (each glyph one em, lines break between any two glyphs)."""
    wide = sum(1 for c in text if char_lang(c) in _WIDE)
    return wide > len(text.replace(" ", "")) / 2
