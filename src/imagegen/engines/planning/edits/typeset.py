"""Set a string into a box for in-mask text: pick a font that covers it, fit the largest size, draw the ink.

The renderer's font book covers whole plans; an in-mask edit needs one string in one box, drawn into a
layer we composite ourselves (the exact-composite rule), so this module keeps a small, deterministic font
table of the Debian-installed files and shapes with Pillow's raqm layout (HarfBuzz + FriBiDi).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from fontTools.ttLib import TTCollection, TTFont
from PIL import Image, ImageDraw, ImageFont, features

from imagegen.contract.errors import EngineUnavailable

_NOTO = Path("/usr/share/fonts/truetype/noto")
_CJK = Path("/usr/share/fonts/opentype/noto")
_JB = Path("/usr/share/fonts/truetype/jetbrains-mono")
_INTER = (
    Path("/usr/share/fonts/opentype/inter/Inter-Regular.otf"),
    Path("/usr/share/fonts/opentype/inter/Inter-Bold.otf"),
)

#: generic family -> (regular, bold) files (Noto for Latin because it also covers Greek/Cyrillic/Vietnamese)
_FAMILY_FILES: dict[str, tuple[Path, Path]] = {
    "sans": (_NOTO / "NotoSans-Regular.ttf", _NOTO / "NotoSans-Bold.ttf"),
    "serif": (_NOTO / "NotoSerif-Regular.ttf", _NOTO / "NotoSerif-Bold.ttf"),
    "mono": (_JB / "JetBrainsMono-Regular.ttf", _JB / "JetBrainsMono-Bold.ttf"),
    "condensed": (_NOTO / "NotoSans-Condensed.ttf", _NOTO / "NotoSans-CondensedBold.ttf"),
}
#: script -> (regular, bold, face index) for text the Latin families cannot draw
_SCRIPT_FILES: dict[str, tuple[Path, Path, int]] = {
    "ja": (_CJK / "NotoSansCJK-Regular.ttc", _CJK / "NotoSansCJK-Bold.ttc", 0),
    "ko": (_CJK / "NotoSansCJK-Regular.ttc", _CJK / "NotoSansCJK-Bold.ttc", 1),
    "zh": (_CJK / "NotoSansCJK-Regular.ttc", _CJK / "NotoSansCJK-Bold.ttc", 2),
    "hi": (_NOTO / "NotoSansDevanagari-Regular.ttf", _NOTO / "NotoSansDevanagari-Bold.ttf", 0),
    "bn": (_NOTO / "NotoSansBengali-Regular.ttf", _NOTO / "NotoSansBengali-Bold.ttf", 0),
    "ar": (_NOTO / "NotoNaskhArabic-Regular.ttf", _NOTO / "NotoNaskhArabic-Bold.ttf", 0),
}
_SCRIPT_RES: list[tuple[str, re.Pattern[str]]] = [
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("ko", re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")),
    ("zh", re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")),
    ("hi", re.compile(r"[\u0900-\u097f]")),
    ("bn", re.compile(r"[\u0980-\u09ff]")),
    ("ar", re.compile(r"[\u0600-\u06ff\u0750-\u077f]")),
]


@dataclass(frozen=True)
class FontChoice:
    """A font file (+ face index) that covers the whole string."""

    path: str
    index: int
    #: "en" for Latin-like text, else ja/ko/zh/hi/bn/ar
    lang: str


def script_of(text: str) -> str:
    """The script tag that decides the font (and the OCR engine): ja, ko, zh, hi, bn, ar, or en."""
    for tag, pattern in _SCRIPT_RES:
        if pattern.search(text):
            return tag
    return "en"


@lru_cache(maxsize=64)
def _cmap(path: str, index: int) -> frozenset[int]:
    font = TTCollection(path, lazy=True).fonts[index] if path.endswith(".ttc") else TTFont(path, lazy=True)
    return frozenset(font.getBestCmap() or {})


def covers(choice: FontChoice, text: str) -> bool:
    """Every non-space codepoint of ``text`` has a glyph in the chosen font."""
    cmap = _cmap(choice.path, choice.index)
    return all(ord(c) in cmap for c in text if not c.isspace())


def choose_font(text: str, family: str = "sans", weight: int = 700) -> FontChoice:
    """The font for ``text``: the requested family if it covers the string, else the script's Noto."""
    if not features.check("raqm"):
        raise EngineUnavailable(
            "Pillow was built without raqm (libraqm/libfribidi): complex scripts would be broken."
        )
    bold = weight >= 600
    lang = script_of(text)
    candidates: list[FontChoice] = []
    if lang == "en":
        if family == "sans":
            # Inter is the renderer's sans for Latin (docs/fonts.md); Noto Sans backs it up for rarer letters.
            candidates.append(FontChoice(str(_INTER[1] if bold else _INTER[0]), 0, "en"))
        regular, heavy = _FAMILY_FILES.get(family, _FAMILY_FILES["sans"])
        candidates.append(FontChoice(str(heavy if bold else regular), 0, "en"))
    else:
        regular, heavy, index = _SCRIPT_FILES[lang]
        candidates.append(FontChoice(str(heavy if bold else regular), index, lang))
    # Mixed strings (a Latin word in a CJK line, an emoji-free symbol) fall back to the widest fonts.
    candidates += [
        FontChoice(str(_SCRIPT_FILES["zh"][1 if bold else 0]), 2, lang),
        FontChoice(str(_FAMILY_FILES["sans"][0]), 0, lang),
    ]
    for choice in candidates:
        if Path(choice.path).exists() and covers(choice, text):
            return choice
    first = candidates[0]
    if not Path(first.path).exists():
        raise EngineUnavailable(f"Font file {first.path} is missing; install the Debian Noto fonts.")
    return first


@lru_cache(maxsize=256)
def _font(path: str, index: int, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size, index=index, layout_engine=ImageFont.Layout.RAQM)


@dataclass
class TextLayout:
    """Lines of one string fitted into a box, at one size."""

    font: FontChoice
    size: int
    lines: list[str]
    #: ascent + descent of the face at this size, and the gap between lines
    line_height: int
    gap: int
    width: int
    height: int


def _wrap(text: str, font: ImageFont.FreeTypeFont, max_w: float, spaced: bool) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        units = paragraph.split(" ") if spaced else list(paragraph)
        joiner = " " if spaced else ""
        current = ""
        for unit in units:
            trial = unit if not current else current + joiner + unit
            if font.getlength(trial) <= max_w or not current:
                current = trial
            else:
                lines.append(current)
                current = unit
        lines.append(current)
    return lines


def fit(
    text: str, choice: FontChoice, box_w: int, box_h: int, *, max_lines: int = 4, min_size: int = 8
) -> TextLayout | None:
    """The largest size (<= box height) that fits ``box_w`` x ``box_h`` (None: not even at min)."""
    spaced = choice.lang not in ("ja", "zh") or " " in text
    best: TextLayout | None = None
    lo, hi = min_size, max(min_size, int(box_h))
    while lo <= hi:
        size = (lo + hi) // 2
        layout = _layout(text, choice, size, box_w, spaced)
        if len(layout.lines) <= max_lines and layout.width <= box_w and layout.height <= box_h:
            best, lo = layout, size + 1
        else:
            hi = size - 1
    return best


def _layout(text: str, choice: FontChoice, size: int, box_w: int, spaced: bool) -> TextLayout:
    font = _font(choice.path, choice.index, size)
    lines = _wrap(text, font, box_w, spaced)
    ascent, descent = font.getmetrics()
    gap = round(size * 0.15)
    width = max((int(np.ceil(font.getlength(line))) for line in lines), default=0)
    height = len(lines) * (ascent + descent) + (len(lines) - 1) * gap
    return TextLayout(choice, size, lines, ascent + descent, gap, width, height)


def draw_ink(layout: TextLayout, box_w: int, box_h: int, *, align: str = "center") -> np.ndarray:
    """The text's coverage (float32 0..1, shape box_h x box_w), block centered vertically in the box."""
    layer = Image.new("L", (box_w, box_h), 0)
    draw = ImageDraw.Draw(layer)
    font = _font(layout.font.path, layout.font.index, layout.size)
    ascent, _ = font.getmetrics()
    lang = {"en": None, "zh": "zh-Hans"}.get(layout.font.lang, layout.font.lang)
    for i, line in enumerate(layout.lines):
        baseline = _top(layout, box_h) + ascent + i * (layout.line_height + layout.gap)
        if align == "left":
            x, anchor = 0.0, "ls"
        elif align == "right":
            x, anchor = float(box_w), "rs"
        else:
            x, anchor = box_w / 2, "ms"
        draw.text((x, baseline), line, font=font, fill=255, anchor=anchor, language=lang)
    return np.asarray(layer, dtype=np.float32) / 255.0


def _top(layout: TextLayout, box_h: int) -> float:
    return (box_h - layout.height) / 2


def line_boxes(layout: TextLayout, ink: np.ndarray) -> list[tuple[int, int, int, int] | None]:
    """Each line's tight ink box (x0, y0, x1, y1), box-local, found in that line's band of the coverage."""
    boxes: list[tuple[int, int, int, int] | None] = []
    top = _top(layout, ink.shape[0])
    for i in range(len(layout.lines)):
        y0 = max(0, int(top + i * (layout.line_height + layout.gap)) - layout.gap // 2)
        y1 = min(ink.shape[0], int(top + (i + 1) * (layout.line_height + layout.gap)))
        rows, cols = np.nonzero(ink[y0:y1] > 0.02)
        if rows.size == 0:
            boxes.append(None)
            continue
        boxes.append((int(cols.min()), y0 + int(rows.min()), int(cols.max()) + 1, y0 + int(rows.max()) + 1))
    return boxes
