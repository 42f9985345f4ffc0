"""Event art: the drawn band of a ticket or an event card, for events the illustration set has no picture of.

- ``aurora``: the northern lights, green and violet curtains over a starry night, a ridge and a line of
  pines dark against them;
- ``stage``: a concert stage, coloured spotlight beams from the rig over a lit stage, the crowd's heads
  dark in the foreground.

Smooth fields are computed at a reduced size and upscaled (like ``procedural.py``); seeded, so the same
seed draws the same pixels.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw

from imagegen.engines.planning.plan import Theme
from imagegen.engines.planning.render.fields import (
    linear_gradient,
    over,
    pick,
    rgb_array,
    small_size,
    soft,
    to_image,
    upscale,
    uv_grid,
)
from imagegen.engines.planning.render.paint import hex_rgba, luminance, mix


def aurora(
    w: int, h: int, colors: list[str], theme: Theme, rng: np.random.Generator, subject: str = ""
) -> Image.Image:
    """Northern lights: curtains of green fading up into violet over a night sky, stars, a dark ridge."""
    sw, sh = small_size(w, h, 384)
    u, v = uv_grid(sw, sh)
    sky = np.asarray(linear_gradient(sw, sh, ["#040a1c", "#0a1f3c", "#123a4a"], 90), dtype=np.float32)
    arr = sky.copy()
    green, teal, violet = rgb_array("#3ef2a2"), rgb_array("#2dd4bf"), rgb_array("#a78bfa")
    for k in range(3):
        phase = float(rng.uniform(0, math.tau))
        base = 0.42 + 0.1 * k + float(rng.uniform(-0.04, 0.04))
        edge = (
            base
            + 0.09 * np.sin(u * math.tau * (0.9 + 0.35 * k) + phase)
            + 0.03 * np.sin(u * math.tau * 4.1 + phase * 1.7)
        )
        # the curtain: bright at its lower edge, fading up; fine vertical rays ripple its brightness
        above = edge - v
        curtain = np.where(above > 0, np.exp(-above / (0.16 + 0.05 * k)), 0.55 * np.exp(above / 0.05))
        rays = 0.75 + 0.25 * np.sin(u * math.tau * (38 + 9 * k) + phase * 3) ** 2
        strength = curtain * rays * (0.85 - 0.2 * k)
        hue = np.clip(above / 0.35, 0, 1)[..., None]
        color = (teal if k == 1 else green) * (1 - hue) + violet * hue
        arr = arr + color * strength[..., None] * 0.9
    img = upscale(to_image(arr), w, h)
    # stars, sparse and above the lights
    px = np.asarray(img, dtype=np.float32).copy()
    count = int(w * h / 1400)
    ys = rng.integers(0, int(h * 0.55), count)
    xs = rng.integers(0, w, count)
    px[ys, xs] = np.maximum(px[ys, xs], rng.uniform(120, 255, count).astype(np.float32)[:, None])
    img = to_image(px)
    # a ridge, then a line of pines, dark against the glow
    d = ImageDraw.Draw(img)
    xs_line = np.linspace(0, w, 48)
    ph = float(rng.uniform(0, math.tau))
    ridge = h * 0.8 + h * 0.05 * np.sin(xs_line / w * math.tau * 0.8 + ph)
    d.polygon(
        [(0.0, float(h)), *zip(xs_line.tolist(), ridge.tolist(), strict=True), (float(w), float(h))],
        fill="#0b1626",
    )
    x = float(rng.uniform(0, w * 0.03))
    while x < w:
        tree_h = h * float(rng.uniform(0.07, 0.14))
        tree_w = tree_h * 0.42
        ground = h * 0.9 + h * 0.02 * math.sin(x / w * math.tau * 1.3 + ph)
        d.polygon([(x - tree_w / 2, ground), (x + tree_w / 2, ground), (x, ground - tree_h)], fill="#050b14")
        x += tree_w * float(rng.uniform(0.55, 1.3))
    d.rectangle((0, int(h * 0.9), w, h), fill="#050b14")
    return img


def stage(
    w: int, h: int, colors: list[str], theme: Theme, rng: np.random.Generator, subject: str = ""
) -> Image.Image:
    """A concert stage: beams from the lighting rig in the theme's colours, haze, a lit stage edge and the
    crowd's raised heads and hands in silhouette."""
    m = min(w, h)
    img = linear_gradient(w, h, ["#07060d", "#120d24", "#1c1233"], 90)
    hues = [c for c in colors if luminance(c) > 0.12 and c.lower() not in ("#ffffff",)] or ["#f472b6"]
    hues = [hues[0], "#60a5fa", pick(hues, 1, "#fbbf24")]
    beams = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(beams)
    lights = 7
    for k in range(lights):
        sx = w * (k + 0.5) / lights
        tx = sx + w * float(rng.uniform(-0.25, 0.25))
        spread = w * float(rng.uniform(0.05, 0.09))
        c = hex_rgba(hues[k % len(hues)])
        d.polygon(
            [(sx - 3, h * 0.04), (sx + 3, h * 0.04), (tx + spread, h * 0.78), (tx - spread, h * 0.78)],
            fill=(c[0], c[1], c[2], 70),
        )
    over(img, soft(beams, m * 0.02))
    lamps = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(lamps)
    r = m * 0.018
    for k in range(lights):
        sx = w * (k + 0.5) / lights
        d.ellipse((sx - r, h * 0.04 - r, sx + r, h * 0.04 + r), fill=(255, 246, 220, 255))
    over(img, soft(lamps, m * 0.012))
    over(img, lamps)
    d = ImageDraw.Draw(img)
    # the rig's truss and the stage's lit edge
    d.rectangle((0, int(h * 0.02), w, int(h * 0.035)), fill="#2a2540")
    glow = mix(hues[0], "#ffffff", 0.35)
    d.rectangle((0, int(h * 0.74), w, int(h * 0.78)), fill=mix(glow, "#1c1233", 0.45))
    # the crowd: rows of heads and shoulders, the nearest darkest, a few hands raised
    for row, (y0, tone) in enumerate(((0.84, "#120c1e"), (0.93, "#06040b"))):
        x = float(rng.uniform(-m * 0.02, m * 0.03))
        while x < w + m * 0.05:
            hr = m * float(rng.uniform(0.035, 0.05)) * (1 + row * 0.25)
            cy = h * y0 + float(rng.uniform(-1, 1)) * hr * 0.4
            d.ellipse((x - hr, cy - hr, x + hr, cy + hr), fill=tone)
            d.rounded_rectangle((x - hr * 2, cy + hr * 0.7, x + hr * 2, h + hr), radius=hr, fill=tone)
            if rng.uniform() < 0.22:
                hx = x + hr * float(rng.uniform(-1.5, 1.5))
                d.line((hx, cy, hx + hr * 0.4, cy - hr * 3), fill=tone, width=max(2, int(hr * 0.45)))
                d.ellipse((hx + hr * 0.1, cy - hr * 3.5, hx + hr * 0.8, cy - hr * 2.8), fill=tone)
            x += hr * float(rng.uniform(1.8, 2.6))
    return img
