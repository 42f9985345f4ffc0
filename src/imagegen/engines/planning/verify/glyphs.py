"""Glyph coverage: every codepoint of every text line has a glyph in the font that drew it.

The renderer reports, per line, the font runs it used (after fallback). A codepoint drawn with a font
that has no glyph for it shows up as a tofu box; OCR may even miss that, so coverage is checked from the
font's cmap, not from pixels.
"""

from __future__ import annotations

import threading
import unicodedata
from functools import lru_cache
from typing import Protocol

from fontTools.ttLib import TTFont

from imagegen.engines.planning.rendered import RenderedText, Rendering
from imagegen.engines.planning.report import Check


class GlyphCoverage(Protocol):
    """What the verifier needs from the renderer's font book (``render.fonts.FontBook`` has it)."""

    def covers(self, path: str, index: int, char: str) -> bool: ...


_cmap_lock = threading.Lock()


@lru_cache(maxsize=256)
def _cmap(path: str, index: int) -> frozenset[int]:
    with _cmap_lock:
        font = TTFont(path, fontNumber=index, lazy=True)
        try:
            return frozenset(font.getBestCmap() or {})
        finally:
            font.close()


class CmapCoverage:
    """Coverage straight from a font file's cmap (fontTools), cached per (path, face index).

    Used when the caller has no font book at hand (tests, tools); it answers the same question.
    """

    def covers(self, path: str, index: int, char: str) -> bool:
        return ord(char) in _cmap(path, index)


def needs_glyph(char: str) -> bool:
    """Whether a codepoint must be drawn by a glyph.

    Whitespace, controls and format characters (ZWJ/ZWNJ, bidi marks, variation selectors) are handled
    by shaping and need no visible glyph of their own.
    """
    if char.isspace():
        return False
    category = unicodedata.category(char)
    if category in ("Cc", "Cf", "Zs", "Zl", "Zp"):
        return False
    return not (0xFE00 <= ord(char) <= 0xFE0F or 0xE0100 <= ord(char) <= 0xE01EF)


def _text_missing(text: RenderedText, fonts: GlyphCoverage) -> list[str]:
    missing: list[str] = list(text.missing_glyphs)
    for line in text.lines:
        runs = line.runs or [(line.font_path, line.font_index, line.text)]
        for path, index, run_text in runs:
            for char in run_text:
                if needs_glyph(char) and not fonts.covers(path, index, char) and char not in missing:
                    missing.append(char)
    return missing


def check_glyphs(rendering: Rendering, fonts: GlyphCoverage) -> list[Check]:
    """One ``glyphs`` check per rendered text: passes when no codepoint lacks a glyph."""
    checks: list[Check] = []
    for node_id, text in rendering.texts.items():
        missing = _text_missing(text, fonts)
        detail = (
            "every codepoint has a glyph"
            if not missing
            else "no glyph for " + ", ".join(f"U+{ord(c):04X} {c!r}" for c in missing)
        )
        checks.append(
            Check(
                kind="glyphs",
                node_id=node_id,
                passed=not missing,
                detail=detail,
                observed="".join(missing) or None,
                value=float(len(missing)),
            )
        )
    return checks
