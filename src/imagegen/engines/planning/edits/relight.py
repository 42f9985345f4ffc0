"""Recolor and relight pixels: warmer, cooler, black and white, sepia, tint, brighter, darker, contrast.

Every operation is a pure, deterministic numpy function of the RGB values (float32 math, rounded once), so
the same input and prompt always give the same bytes. Alpha is never touched here.
"""

from __future__ import annotations

import numpy as np

from imagegen.engines.planning.rules.contrast import hex_to_rgb

_LUMA = np.array([0.2126, 0.7152, 0.0722], dtype=np.float32)


def _luma(rgb: np.ndarray) -> np.ndarray:
    return rgb @ _LUMA


def _saturation(rgb: np.ndarray, amount: float) -> np.ndarray:
    gray = _luma(rgb)[..., None]
    return gray + (rgb - gray) * amount


def apply_tone(rgb: np.ndarray, tone: str, color: str | None = None) -> np.ndarray:
    """Return a recolored copy of ``rgb`` (H, W, 3 uint8).

    ``tint`` recolors toward ``color`` while keeping each pixel's lightness (so texture and shading survive
    "make it red"); the others are global grading curves chosen to be visible but not garish.
    """
    x = rgb.astype(np.float32)
    if tone == "warm":
        # Warmer light: lift reds, a touch of yellow, pull blues; then a slight saturation boost.
        out = x * np.array([1.10, 1.03, 0.86], dtype=np.float32) + np.array([8, 3, 0], dtype=np.float32)
        out = _saturation(out, 1.06)
    elif tone == "cool":
        out = x * np.array([0.88, 0.98, 1.10], dtype=np.float32) + np.array([0, 2, 8], dtype=np.float32)
    elif tone == "grayscale":
        out = np.repeat(_luma(x)[..., None], 3, axis=-1)
    elif tone == "sepia":
        m = np.array([[0.393, 0.769, 0.189], [0.349, 0.686, 0.168], [0.272, 0.534, 0.131]], dtype=np.float32)
        out = x @ m.T
    elif tone == "tint":
        target = np.array(hex_to_rgb(color or "#ff0000"), dtype=np.float32)
        lum = _luma(x)[..., None] / 255.0
        target_lum = float(_luma(target[None, :])[0]) / 255.0
        # Map luminance onto a ramp black -> target -> white so dark stays dark and highlights stay light.
        low = target * np.clip(lum / max(target_lum, 1e-3), 0, 1)
        high = target + (255 - target) * np.clip((lum - target_lum) / max(1 - target_lum, 1e-3), 0, 1)
        out = np.where(lum <= target_lum, low, high)
    elif tone == "brighter":
        out = 255.0 * np.power(x / 255.0, 0.75) * 1.04
    elif tone == "darker":
        out = 255.0 * np.power(x / 255.0, 1.35) * 0.92
    elif tone == "contrast":
        out = (x - 128.0) * 1.25 + 128.0
    elif tone == "soften":
        out = (x - 128.0) * 0.8 + 128.0
    elif tone == "saturate":
        out = _saturation(x, 1.35)
    elif tone == "desaturate":
        out = _saturation(x, 0.55)
    elif tone == "invert":
        out = 255.0 - x
    else:
        raise ValueError(f"unknown tone {tone!r}")
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def describe(tone: str, color: str | None = None) -> str:
    """Words for the revised prompt."""
    return {
        "warm": "warmer light",
        "cool": "cooler light",
        "grayscale": "black and white",
        "sepia": "sepia tone",
        "tint": f"recolored to {color}",
        "brighter": "brighter",
        "darker": "darker",
        "contrast": "more contrast",
        "soften": "less contrast",
        "saturate": "more saturated",
        "desaturate": "less saturated",
        "invert": "inverted colors",
    }.get(tone, tone)
