"""Text metrics by estimate: advance widths, greedy line wrapping, and the largest size that fits a box.

The planner never measures glyphs (the renderer does, with real fonts, and shrinks to fit); these estimates
only need to size boxes generously enough that shrinking is rarely needed.
"""

from __future__ import annotations

from ..plan import FontRef
from ..reading.typography import is_condensed, is_mono
from ..rules.scripts import is_wide_script, text_em


def em_width(text: str, font: FontRef) -> float:
    """Estimated width of one line of ``text`` in em for this font (condensed, mono and bold aware)."""
    return text_em(
        text, condensed=is_condensed(font.family), mono=is_mono(font.family), bold=font.weight >= 600
    )


def wrap_lines(text: str, width_px: float, size: float, font: FontRef) -> int:
    """Greedy line count for ``text`` at ``size`` in ``width_px`` (hard breaks respected).

    Returns a large number when a single word cannot fit, so callers shrink the size.
    """
    if size <= 0 or width_px <= 0:
        return 10**6
    cap = width_px / size  # line capacity in em
    total = 0
    for para in text.split("\n"):
        tokens = list(para) if is_wide_script(para) else para.split(" ")
        sep = 0.0 if is_wide_script(para) else em_width(" ", font)
        line = 0.0
        lines = 1
        for tok in tokens:
            w = em_width(tok, font)
            if w > cap:
                return 10**6
            if line == 0:
                line = w
            elif line + sep + w <= cap:
                line += sep + w
            else:
                lines += 1
                line = w
        total += lines
    return total


def fit_size(
    text: str,
    box_w: float,
    box_h: float,
    preferred: float,
    font: FontRef,
    max_lines: int,
    line_height: float = 1.2,
) -> float:
    """The largest size <= preferred at which the text fits the box in <= max_lines lines (estimate)."""
    size = preferred
    for _ in range(60):
        lines = wrap_lines(text, box_w * 0.96, size, font)
        if lines <= max_lines and lines * size * line_height <= box_h:
            return size
        size *= 0.93
        if size < 6:
            break
    return max(size, 6.0)


def text_height(
    text: str, width: float, size: float, font: FontRef, max_lines: int, line_height: float = 1.2
) -> float:
    """Height a text needs at a size (lines capped at max_lines)."""
    lines = min(max(1, wrap_lines(text, width * 0.96, size, font)), max_lines)
    return lines * size * line_height
