"""Numeric building blocks for procedural art: seeded fields, color ramps, gradients, soft glows, shading.

Shared by the pattern styles (``procedural.py``) and the editorial art (``editorial.py``). Smooth fields
are computed at a reduced resolution and upscaled (cheap and invisible); nothing here draws a subject.
"""

from __future__ import annotations

import math
import zlib

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from imagegen.engines.planning.plan import Theme
from imagegen.engines.planning.render.paint import hex_rgba, mix

Array = np.ndarray


def seed_for(seed: int, key: str) -> int:
    """A stable per-element seed (crc32 of the key; Python's hash() is salted per process)."""
    return (seed * 1_000_003 + zlib.crc32(key.encode())) & 0xFFFFFFFF


def rgb_array(color: str) -> Array:
    """A hex color as a float32 RGB array."""
    return np.array(hex_rgba(color)[:3], dtype=np.float32)


def to_image(arr: Array) -> Image.Image:
    """A float RGB array (clipped to 0..255) as an RGB image."""
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")


def uv_grid(w: int, h: int) -> tuple[Array, Array]:
    """Normalized coordinates u, v in [0, 1] (float32)."""
    u = np.linspace(0, 1, w, dtype=np.float32)[None, :]
    v = np.linspace(0, 1, h, dtype=np.float32)[:, None]
    return u, v


def ramp(t: Array, colors: list[str]) -> Array:
    """Map t in [0, 1] through evenly spaced color stops; returns (..., 3) float32."""
    stops = np.stack([rgb_array(c) for c in colors]) if colors else np.array([[255, 255, 255]], np.float32)
    if len(stops) == 1:
        return np.broadcast_to(stops[0], (*t.shape, 3)).astype(np.float32)
    xp = np.linspace(0, 1, len(stops), dtype=np.float32)
    tc = np.clip(t, 0, 1)
    return np.stack([np.interp(tc, xp, stops[:, c]).astype(np.float32) for c in range(3)], axis=-1)


def small_size(w: int, h: int, target: int = 256) -> tuple[int, int]:
    """A reduced working size (longest edge about ``target``) for smooth fields."""
    k = max(1, max(w, h) // target)
    return max(2, w // k), max(2, h // k)


def upscale(img: Image.Image, w: int, h: int) -> Image.Image:
    """Resize a smooth field to w x h (bilinear, RGB)."""
    # bilinear on RGB: the fields are smooth, and this is the costliest step on 4096² supersampled canvases
    if img.mode != "RGB":
        img = img.convert("RGB")
    return img if img.size == (w, h) else img.resize((w, h), Image.Resampling.BILINEAR)


def over(img: Image.Image, layer: Image.Image) -> None:
    """Paint an RGBA layer over an opaque image in place (a masked paste is "over" on opaque pixels)."""
    img.paste(layer, (0, 0), layer)


def soft(layer: Image.Image, radius: float) -> Image.Image:
    """Gaussian-blur an RGBA layer at quarter size: glows are soft, and blurring 16x fewer pixels is cheap."""
    # the quarter-size trick only for wide blurs: a small radius on a quarter image looks blocky
    q = max(1, min(4, int(radius / 3))) if min(layer.size) >= 64 else 1
    w, h = layer.size
    small = layer.resize((max(1, w // q), max(1, h // q)), Image.Resampling.BOX) if q > 1 else layer
    small = small.filter(ImageFilter.GaussianBlur(max(0.3, radius / q)))
    return small.resize((w, h), Image.Resampling.BILINEAR) if q > 1 else small


def value_noise(w: int, h: int, cells: int, rng: np.random.Generator) -> Array:
    """Smooth noise in [0, 1]: a random grid of ``cells`` across, bicubically upscaled."""
    gw, gh = max(2, cells), max(2, int(cells * h / max(w, 1)) + 1)
    grid = (rng.random((gh, gw)) * 255).astype(np.uint8)
    img = Image.fromarray(grid, "L").resize((w, h), Image.Resampling.BICUBIC)
    return np.asarray(img, dtype=np.float32) / 255


def linear_gradient(w: int, h: int, colors: list[str], angle: float = 90) -> Image.Image:
    """Linear gradient; angle 90 runs top to bottom, 0 left to right (CSS-like, degrees)."""
    if angle % 180 == 90 or angle % 180 == 0:
        # axis-aligned (the common case): one full-resolution line of colors, stretched without filtering
        vertical = angle % 180 == 90
        n = h if vertical else w
        pos = np.linspace(0, 1, n, dtype=np.float32)
        if angle % 360 in (180, 270):
            pos = pos[::-1]
        line = np.clip(ramp(pos, colors), 0, 255).astype(np.uint8)
        strip = Image.fromarray(line[:, None, :] if vertical else line[None, :, :], "RGB")
        return strip.resize((w, h), Image.Resampling.NEAREST)
    sw, sh = small_size(w, h)
    u, v = uv_grid(sw, sh)
    a = math.radians(angle)
    dx, dy = math.cos(a), math.sin(a)
    t: Array = (u - 0.5) * dx + (v - 0.5) * dy
    span = abs(dx) * 0.5 + abs(dy) * 0.5
    t = (t / (2 * span) + 0.5) if span else t * 0
    return upscale(to_image(ramp(t, colors)), w, h)


def radial_gradient(w: int, h: int, colors: list[str], cx: float = 0.5, cy: float = 0.4) -> Image.Image:
    """Radial gradient from the first color at (cx, cy) outwards."""
    sw, sh = small_size(w, h)
    u, v = uv_grid(sw, sh)
    aspect = w / max(h, 1)
    d = np.sqrt(((u - cx) * aspect) ** 2 + (v - cy) ** 2) / math.hypot(
        max(cx, 1 - cx) * aspect, max(cy, 1 - cy)
    )
    return upscale(to_image(ramp(d, colors)), w, h)


def pick(colors: list[str], i: int, fallback: str = "#ffffff") -> str:
    """The i-th color, else the last one, else ``fallback``."""
    return colors[i] if len(colors) > i else (colors[-1] if colors else fallback)


def studio(
    w: int,
    h: int,
    colors: list[str],
    theme: Theme,
    rng: np.random.Generator,
    subject: str = "",
    floor_shadow: bool = True,
    subject_x: float = 0.5,
) -> Image.Image:
    """Soft studio sweep: a key light whose position varies with the seed (another take, another light),
    a floor horizon and a soft contact shadow under ``subject_x`` (fraction of the width)."""
    back = pick(colors, 0)
    light_x = float(rng.uniform(0.35, 0.65))
    img = radial_gradient(w, h, [mix(back, "#ffffff", 0.35), back, mix(back, "#000000", 0.18)], light_x, 0.35)
    if floor_shadow:
        # blurred at quarter size: a soft shadow has no detail to lose and the blur is 16x cheaper
        q = 4
        shadow = Image.new("L", (max(1, w // q), max(1, h // q)), 0)
        d = ImageDraw.Draw(shadow)
        cx, cy = w * subject_x / q, h * 0.80 / q
        d.ellipse((cx - w * 0.24 / q, cy - h * 0.025 / q, cx + w * 0.24 / q, cy + h * 0.025 / q), fill=110)
        shadow = shadow.filter(ImageFilter.GaussianBlur(max(1.0, min(w, h) * 0.02 / q))).resize(
            (w, h), Image.Resampling.BILINEAR
        )
        img.paste(hex_rgba(mix(back, "#000000", 0.6))[:3], (0, 0, w, h), shadow)
    return img


def shade(img: Image.Image, color: str, mask: Image.Image, light_from: float = 0.3) -> None:
    """Paint a silhouette onto ``img`` with cylinder-like shading across its own width and a soft
    specular streak; only the silhouette's bounding box is touched."""
    box = mask.getbbox()
    if box is None:
        return
    x0, y0, x1, y1 = box
    bw = max(1, x1 - x0)
    u = np.arange(bw, dtype=np.float32) / bw
    lit = 0.55 + 0.45 * np.cos((u - light_from) * math.pi * 1.1)
    spec = np.exp(-(((u - light_from + 0.05) / 0.09) ** 2)) * 45
    row = rgb_array(color)[None, :] * (0.55 + 0.55 * lit[:, None]) + spec[:, None]
    strip = Image.fromarray(np.clip(row, 0, 255).astype(np.uint8)[None, :, :], "RGB")
    layer = strip.resize((bw, y1 - y0), Image.Resampling.NEAREST)
    img.paste(layer, (x0, y0), mask.crop(box))
