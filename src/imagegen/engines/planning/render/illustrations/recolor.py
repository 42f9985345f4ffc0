"""Palette harmony for drawings: recolour a drawing's main hues, or tint it toward a colour.

Drawings are flat fills, so recolouring is a map from each '#rrggbb' fill to a new one, applied to the SVG
text before rasterising (:meth:`IllustrationSet.svg`). ``recolor_fills`` groups the drawing's saturated
fills into hue families weighted by the area they visibly paint (pixels of a 64 px raster) and moves the
largest families to the asked colours, keeping each fill's lightness relative to its family, so shading
survives. Skin tones of people stay as drawn. ``tint_fills`` mixes every fill toward one colour (backdrop
depth, night, haze).
"""

from __future__ import annotations

import colorsys
from functools import lru_cache

import numpy as np

from imagegen.engines.planning.render.illustrations.library import IllustrationSet
from imagegen.engines.planning.render.illustrations.raster import rasterize
from imagegen.engines.planning.render.paint import mix

#: the raster size at which a drawing's colour areas are measured
_PROBE = 64


def _hls(color: str) -> tuple[float, float, float]:
    c = color.lstrip("#")
    r, g, b = (int(c[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return colorsys.rgb_to_hls(r, g, b)


def _hex(h: float, lum: float, s: float) -> str:
    r, g, b = colorsys.hls_to_rgb(h % 1.0, min(1.0, max(0.0, lum)), min(1.0, max(0.0, s)))
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


@lru_cache(maxsize=2048)
def _weights(lib_root: str, name: str) -> tuple[tuple[str, float], ...]:
    from imagegen.engines.planning.render.illustrations.library import library_at

    lib = library_at(lib_root)
    arr = np.asarray(rasterize(lib, name, _PROBE))
    solid = arr[..., 3] == 255
    rgb = arr[..., :3][solid].astype(np.int32)
    packed = (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]
    out = []
    for color in lib.colors(name):
        value = int(color[1:], 16)
        out.append((color, float((packed == value).sum())))
    return tuple(out)


def fill_weights(lib: IllustrationSet, name: str) -> dict[str, float]:
    """Each fill colour of the drawing with the area it visibly paints (pixels of a small raster)."""
    return dict(_weights(str(lib.root), name))


def _is_skin(color: str) -> bool:
    h, lum, s = _hls(color)
    return 0.07 <= h <= 0.14 and s > 0.6 and 0.45 <= lum <= 0.8


def recolor_fills(
    lib: IllustrationSet, name: str, targets: list[str], *, person: bool = False
) -> dict[str, str]:
    """A fill map moving the drawing's largest hue families to ``targets`` (in order)."""
    if not targets:
        return {}
    families: dict[int, list[str]] = {}
    weight: dict[int, float] = {}
    for color, wgt in fill_weights(lib, name).items():
        h, lum, s = _hls(color)
        if s < 0.25 or lum < 0.12 or lum > 0.94 or (person and _is_skin(color)):
            continue
        key = round(h * 12) % 12
        families.setdefault(key, []).append(color)
        weight[key] = weight.get(key, 0.0) + wgt
    fills: dict[str, str] = {}
    ranked = sorted(families, key=lambda k: -weight[k])
    for key, target in zip(ranked, targets, strict=False):
        th, tl, ts = _hls(target)
        mean_l = sum(_hls(c)[1] for c in families[key]) / len(families[key])
        for color in families[key]:
            _, lum, s = _hls(color)
            fills[color] = _hex(th, tl + (lum - mean_l), max(ts, 0.35) if s > 0.3 else ts)
    return fills


def tint_fills(lib: IllustrationSet, name: str, color: str, amount: float) -> dict[str, str]:
    """A fill map mixing every fill ``amount`` of the way toward ``color``."""
    return {c: mix(c, color, amount) for c in lib.colors(name)} if amount > 0 else {}
