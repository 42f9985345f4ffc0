"""WCAG 2.x contrast, the one home: relative luminance (of a hex colour or of pixel arrays), contrast
ratio, and nudging a colour until a pair is legible. The planner, the layouts, the renderer, the
verifier, the refiner and the edits all compute contrast here.

The sRGB linearization threshold is 0.04045 (IEC 61966-2-1); WCAG 2.x prints 0.03928. No 8-bit value
lies between the two, so both give the same luminance for every colour a plan or an image can hold.
"""

from __future__ import annotations

import colorsys

import numpy as np

#: WCAG AA thresholds
BODY_MIN = 4.5
LARGE_MIN = 3.0


def is_large(font_size: float, weight: int) -> bool:
    """WCAG "large scale" text (held to ``LARGE_MIN``): >= 24 px, or >= 18.66 px bold."""
    return font_size >= 24 or (font_size >= 18.66 and weight >= 700)


def hex_to_rgb(color: str) -> tuple[int, int, int]:
    """``#rrggbb`` or ``#rrggbbaa`` (alpha ignored) -> (r, g, b) in 0..255: the one hex reader."""
    c = color.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def rgb_to_hex(rgb: tuple[float, float, float] | np.ndarray) -> str:
    """(r, g, b) in 0..255 (a tuple or an array, e.g. a median pixel) -> ``#rrggbb``, clamped."""
    return "#" + "".join(f"{max(0, min(255, round(float(v)))):02x}" for v in rgb)


def _channel(v: int) -> float:
    s = v / 255
    return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4


def luminance(color: str) -> float:
    """WCAG relative luminance of a color (0 black .. 1 white)."""
    r, g, b = hex_to_rgb(color)
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def relative_luminance(rgb: np.ndarray) -> np.ndarray:
    """WCAG relative luminance of sRGB values in 0..255 (any shape ending in 3): pixels, rings, medians."""
    c = np.asarray(rgb, dtype=np.float64) / 255.0
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return linear @ np.array([0.2126, 0.7152, 0.0722])


def ratio(l1: np.ndarray | float, l2: np.ndarray | float) -> np.ndarray:
    """WCAG contrast ratio between luminances (scalars or arrays), 1..21."""
    hi, lo = np.maximum(l1, l2), np.minimum(l1, l2)
    return (hi + 0.05) / (lo + 0.05)


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio between two colors, 1..21."""
    la, lb = luminance(a), luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def is_dark(color: str) -> bool:
    """True when white text reads better on this color than black text."""
    return contrast_ratio(color, "#ffffff") >= contrast_ratio(color, "#000000")


def mix(a: str, b: str, t: float) -> str:
    """Linear blend in sRGB: ``t=0`` gives ``a``, ``t=1`` gives ``b``."""
    ra, rb = hex_to_rgb(a), hex_to_rgb(b)
    return rgb_to_hex(tuple(x + (y - x) * t for x, y in zip(ra, rb, strict=True)))  # type: ignore[arg-type]


def ensure_contrast(fg: str, bg: str, minimum: float = BODY_MIN) -> str:
    """``fg`` moved toward black or white (keeping its hue) just far enough to reach ``minimum`` on ``bg``.

    Keeps the designer's color when it already passes; otherwise darkens or lightens in HLS steps, and
    as a last resort returns black or white (one of them always reaches 4.5:1 on any background... except
    mid-greys, where the better of the two is returned).
    """
    if contrast_ratio(fg, bg) >= minimum:
        return fg
    r, g, b = (v / 255 for v in hex_to_rgb(fg))
    h, lightness, s = colorsys.rgb_to_hls(r, g, b)
    go_dark = not is_dark(bg)
    for step in range(1, 41):
        lt = lightness - step * 0.025 if go_dark else lightness + step * 0.025
        lt = max(0.0, min(1.0, lt))
        cand = rgb_to_hex(tuple(v * 255 for v in colorsys.hls_to_rgb(h, lt, s)))  # type: ignore[arg-type]
        if contrast_ratio(cand, bg) >= minimum:
            return cand
    black, white = "#000000", "#ffffff"
    return black if contrast_ratio(black, bg) >= contrast_ratio(white, bg) else white


def readable_on(bg: str) -> str:
    """Near-black or near-white, whichever reads on ``bg``."""
    return "#0b0f19" if not is_dark(bg) else "#f8fafc"
