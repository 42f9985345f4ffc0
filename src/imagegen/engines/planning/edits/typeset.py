"""Set a string into a box for in-mask text: pick a font that covers it, fit the largest size, draw the ink.

An in-mask edit needs one string in one box, drawn into a layer we composite ourselves (the
exact-composite rule). The font comes from the renderer's font book (one font lookup for the engine); the
string is shaped with Pillow's raqm layout (HarfBuzz + FriBiDi).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont, features

from imagegen.contract.errors import EngineUnavailable
from imagegen.engines.planning.plan import FontRef
from imagegen.engines.planning.render.fonts import default_fontbook
from imagegen.engines.planning.rules.scripts import langs_in

#: the language hints (``rules.scripts``) that choose a font, most specific first (kana before Han)
_FONT_SCRIPTS = ("ja", "ko", "zh", "hi", "bn", "ar")


@dataclass(frozen=True)
class FontChoice:
    """A font file (+ face index) that covers the whole string."""

    path: str
    index: int
    #: "en" for Latin-like text, else ja/ko/zh/hi/bn/ar
    lang: str


def script_of(text: str) -> str:
    """The script tag that decides the font (and the OCR engine): ja, ko, zh, hi, bn, ar, or en."""
    found = langs_in(text)
    return next((tag for tag in _FONT_SCRIPTS if tag in found), "en")


def choose_font(text: str, family: str = "sans", weight: int = 700) -> FontChoice:
    """The font for ``text``: the first face of the renderer's font book chain (the engine's one font
    lookup) for this family and weight that covers the whole string, else the chain's first face."""
    if not features.check("raqm"):
        raise EngineUnavailable(
            "Pillow was built without raqm (libraqm/libfribidi): complex scripts would be broken."
        )
    lang = script_of(text)
    book = default_fontbook()
    faces = book.chain(text, FontRef(family=family, weight=weight), None if lang == "en" else lang)
    drawn = [c for c in text if not c.isspace()]
    face = next((f for f in faces if all(book.covers(f.path, f.index, c) for c in drawn)), faces[0])
    return FontChoice(face.path, face.index, lang)


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
