"""More places for procedural art, so a set of signs and banners is not one storefront over and over:
a market street (stalls with striped canopies, crates of produce, bunting), a teahouse still life (teapot,
cups, steam, a lattice window and lanterns) and an arched facade (arched door and windows, tiles, hanging
lanterns). Each varies with the seed (colours, counts, positions). Placeholders standing in for an image
backend (see docs/rendering.md); drawn at 2x and reduced so curves are smooth.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw

from imagegen.engines.planning.plan import Theme
from imagegen.engines.planning.render.fields import linear_gradient, pick
from imagegen.engines.planning.render.paint import hex_rgba, luminance, mix

_FESTIVE = ("#e11d48", "#f59e0b", "#0891b2", "#16a34a", "#7c3aed", "#ea580c", "#db2777", "#facc15")
_PRODUCE = ("#dc2626", "#f97316", "#facc15", "#65a30d", "#7c2d12", "#a21caf")


def _rgb(c: str) -> tuple[int, int, int]:
    r, g, b, _ = hex_rgba(c)
    return r, g, b


def _glow(
    img: Image.Image, box: tuple[float, float, float, float], fill: tuple[int, int, int, int], radius: float
) -> None:
    """A soft ellipse of light: a few nested translucent ellipses (no blur pass, so it costs nothing)."""
    d = ImageDraw.Draw(img, "RGBA")
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    rx, ry = (box[2] - box[0]) / 2, (box[3] - box[1]) / 2
    steps = 6
    for i in range(steps):
        k = 1 - i / steps * 0.7
        d.ellipse(
            (cx - rx * k, cy - ry * k, cx + rx * k, cy + ry * k), fill=(*fill[:3], fill[3] // steps + 4)
        )


def _bunting(
    d: ImageDraw.ImageDraw, w: int, y: float, sag: float, n: int, colors: list[str], size: float
) -> None:
    """A string of triangular flags hanging in a shallow curve across the width."""
    pts = [(w * t / 40, y + sag * math.sin(math.pi * t / 40)) for t in range(41)]
    d.line(pts, fill=(60, 50, 40), width=max(1, int(size * 0.06)))
    for i in range(n):
        t = (i + 0.5) / n
        x = w * t
        yy = y + sag * math.sin(math.pi * t)
        d.polygon(
            [(x - size * 0.5, yy), (x + size * 0.5, yy), (x, yy + size * 1.1)],
            fill=_rgb(colors[i % len(colors)]),
        )


def market(
    w: int, h: int, colors: list[str], theme: Theme, rng: np.random.Generator, subject: str = ""
) -> Image.Image:
    """A bright market street: sky, a far row of buildings, two to four stalls with striped canopies and
    produce crates, and bunting across the top."""
    ss = 2
    W, H = w * ss, h * ss
    img = linear_gradient(W, H, ["#9fd3ff", "#e8f4ff"], 90)
    d = ImageDraw.Draw(img)
    m = min(W, H)
    wall = pick(colors, 1, "#ffe7a3")
    x = 0.0
    while x < W:
        bw = W * float(rng.uniform(0.12, 0.22))
        bh = H * float(rng.uniform(0.35, 0.55))
        tone = mix(wall, ["#f4a261", "#e9c46a", "#f1faee", "#e76f51"][int(rng.integers(0, 4))], 0.45)
        d.rectangle((x, H * 0.62 - bh, x + bw, H * 0.62), fill=_rgb(tone))
        for wy in np.arange(H * 0.62 - bh + m * 0.05, H * 0.62 - m * 0.06, m * 0.1):
            for wx in np.arange(x + bw * 0.15, x + bw - bw * 0.2, bw * 0.3):
                d.rectangle((wx, wy, wx + bw * 0.14, wy + m * 0.05), fill=_rgb(mix(tone, "#1f2937", 0.35)))
        x += bw
    d.rectangle((0, H * 0.62, W, H), fill=_rgb("#d6c7ae"))
    festive = [c for c in colors if 0.05 < luminance(c) < 0.6] + list(_FESTIVE)
    order = rng.permutation(len(festive))
    hues = [festive[i] for i in order]
    n = int(rng.integers(2, 5)) if W > H else int(rng.integers(2, 4))
    gap = W * 0.03
    sw = (W - gap * (n + 1)) / n
    for i in range(n):
        x0 = gap + i * (sw + gap)
        x1 = x0 + sw
        top, eave = H * 0.34, H * 0.5
        c = hues[i % len(hues)]
        # poles, counter, canopy with stripes and a scalloped edge
        pw = max(2, sw * 0.03)
        for px in (x0 + sw * 0.05, x1 - sw * 0.05 - pw):
            d.rectangle((px, eave, px + pw, H * 0.9), fill=_rgb("#5b4636"))
        stripes = int(rng.integers(4, 7))
        sx = sw / stripes
        for k in range(stripes):
            col = c if k % 2 == 0 else "#fff7ed"
            d.polygon(
                [
                    (x0 + k * sx + sx * 0.1, top),
                    (x0 + (k + 1) * sx - sx * 0.1 + 0.5, top),
                    (x0 + (k + 1) * sx, eave),
                    (x0 + k * sx, eave),
                ],
                fill=_rgb(col),
            )
            d.pieslice(
                (x0 + k * sx, eave - sx * 0.4, x0 + (k + 1) * sx, eave + sx * 0.4), 0, 180, fill=_rgb(col)
            )
        d.rectangle((x0, H * 0.7, x1, H * 0.9), fill=_rgb(mix(c, "#3f2a1d", 0.55)))
        d.rectangle((x0, H * 0.68, x1, H * 0.72), fill=_rgb(mix(c, "#3f2a1d", 0.3)))
        # crates of produce on the counter
        crates = int(rng.integers(2, 4))
        cw = sw / crates
        for k in range(crates):
            cx0 = x0 + k * cw + cw * 0.08
            cx1 = cx0 + cw * 0.84
            d.rectangle((cx0, H * 0.6, cx1, H * 0.68), fill=_rgb("#a16207"))
            fruit = _PRODUCE[int(rng.integers(0, len(_PRODUCE)))]
            r = cw * 0.1
            for fx in np.arange(cx0 + r, cx1 - r * 0.5, r * 1.7):
                d.ellipse((fx - r, H * 0.6 - r * 1.2, fx + r, H * 0.6 + r * 0.8), fill=_rgb(fruit))
    _bunting(d, W, H * 0.04, H * 0.1, int(W / (m * 0.09)), hues, m * 0.07)
    _bunting(d, W, H * 0.16, H * 0.08, int(W / (m * 0.11)), hues[::-1], m * 0.06)
    return img.reduce(ss)


def teahouse(
    w: int, h: int, colors: list[str], theme: Theme, rng: np.random.Generator, subject: str = ""
) -> Image.Image:
    """A teahouse still life: a lattice window and hanging lanterns behind, a table with a teapot, cups
    and steam."""
    ss = 2
    W, H = w * ss, h * ss
    m = min(W, H)
    accent = next((c for c in colors if 0.04 < luminance(c) < 0.4), "#b91c1c")
    wall = mix(pick(colors, 1, "#f3e9d2"), "#e9dcc3", 0.6)
    img = linear_gradient(W, H, [mix(wall, "#ffffff", 0.3), mix(wall, "#000000", 0.08)], 90)
    d = ImageDraw.Draw(img)
    table_y = H * float(rng.uniform(0.62, 0.7))
    # a round (moon) or square lattice window
    wx, wy, wr = W * float(rng.uniform(0.35, 0.65)), table_y * 0.45, min(W * 0.32, table_y * 0.36)
    round_window = rng.random() < 0.6
    box = (wx - wr, wy - wr, wx + wr, wy + wr)
    frame = _rgb("#5b3a24")
    glass = linear_gradient(int(2 * wr), int(2 * wr), ["#cfe8d6", "#f5f1e3"], 90)
    mask = Image.new("L", glass.size, 0)
    md = ImageDraw.Draw(mask)
    (md.ellipse if round_window else md.rectangle)((0, 0, glass.size[0] - 1, glass.size[1] - 1), fill=255)
    img.paste(glass, (int(wx - wr), int(wy - wr)), mask)
    lw = max(2, int(m * 0.012))
    step = wr / 3
    for k in range(-2, 3):
        if round_window:
            half = math.sqrt(max(0.0, wr * wr - (k * step) ** 2))
            d.line((wx + k * step, wy - half, wx + k * step, wy + half), fill=frame, width=lw // 2 + 1)
            d.line((wx - half, wy + k * step, wx + half, wy + k * step), fill=frame, width=lw // 2 + 1)
        else:
            d.line((wx + k * step, wy - wr, wx + k * step, wy + wr), fill=frame, width=lw // 2 + 1)
            d.line((wx - wr, wy + k * step, wx + wr, wy + k * step), fill=frame, width=lw // 2 + 1)
    (d.ellipse if round_window else d.rectangle)(box, outline=frame, width=lw * 2)
    # lanterns on cords
    for lx in (W * 0.13, W * 0.87):
        ly = H * float(rng.uniform(0.16, 0.26))
        d.line((lx, 0, lx, ly), fill=(60, 40, 30), width=max(1, lw // 2))
        lr = m * 0.07
        _glow(img, (lx - lr * 2, ly - lr * 1.2, lx + lr * 2, ly + lr * 2.8), (255, 190, 110, 90), lr * 0.6)
        d.ellipse((lx - lr, ly, lx + lr, ly + lr * 1.6), fill=_rgb(accent))
        d.rectangle((lx - lr * 0.45, ly - lr * 0.1, lx + lr * 0.45, ly + lr * 0.12), fill=_rgb("#d4a017"))
        d.rectangle((lx - lr * 0.45, ly + lr * 1.5, lx + lr * 0.45, ly + lr * 1.7), fill=_rgb("#d4a017"))
        d.line((lx, ly + lr * 1.7, lx, ly + lr * 2.3), fill=_rgb(accent), width=max(1, lw // 2))
    # table
    wood = "#7c4a2a"
    d.rectangle((0, table_y, W, H), fill=_rgb(mix(wood, "#000000", 0.15)))
    d.rectangle((0, table_y, W, table_y + H * 0.025), fill=_rgb(mix(wood, "#ffffff", 0.12)))
    # teapot: body, lid, knob, spout, handle
    pot = "#2f5d50" if rng.random() < 0.5 else mix(accent, "#1c1917", 0.25)
    px = W * float(rng.uniform(0.3, 0.42))
    pr = min(W * 0.17, H * 0.13)
    py = table_y - pr * 0.95
    d.polygon(
        [
            (px + pr * 0.7, py),
            (px + pr * 1.6, py - pr * 0.75),
            (px + pr * 1.72, py - pr * 0.65),
            (px + pr * 0.85, py + pr * 0.45),
        ],
        fill=_rgb(pot),
    )
    d.arc(
        (px - pr * 1.45, py - pr * 0.6, px - pr * 0.55, py + pr * 0.55),
        90,
        270,
        fill=_rgb(pot),
        width=int(pr * 0.16),
    )
    d.ellipse((px - pr, py - pr * 0.85, px + pr, py + pr * 0.95), fill=_rgb(pot))
    d.chord(
        (px - pr * 0.55, py - pr * 1.12, px + pr * 0.55, py - pr * 0.55),
        180,
        360,
        fill=_rgb(mix(pot, "#000000", 0.2)),
    )
    d.ellipse(
        (px - pr * 0.14, py - pr * 1.3, px + pr * 0.14, py - pr * 1.02), fill=_rgb(mix(pot, "#000000", 0.3))
    )
    d.arc(
        (px - pr * 0.8, py - pr * 0.7, px + pr * 0.2, py + pr * 0.6),
        200,
        250,
        fill=(255, 255, 255),
        width=max(2, int(pr * 0.06)),
    )
    # cups with tea
    for k in range(int(rng.integers(2, 4))):
        cx = px + pr * (2.1 + 1.15 * k)
        if cx + pr * 0.5 > W:
            break
        cr = pr * 0.42
        d.chord((cx - cr, table_y - cr * 1.6, cx + cr, table_y + cr * 0.2), 0, 180, fill=_rgb("#f5f5f4"))
        d.rectangle((cx - cr, table_y - cr * 0.75, cx + cr, table_y - cr * 0.68), fill=_rgb(accent))
        d.ellipse((cx - cr, table_y - cr * 0.86, cx + cr, table_y - cr * 0.62), fill=_rgb("#b7791f"))
        pts = [(cx + math.sin(t * 0.9 + k) * cr * 0.3, table_y - cr - t * cr * 0.25) for t in range(8)]
        d.line(pts, fill=(250, 246, 240), width=max(2, int(cr * 0.1)), joint="curve")
    return img.reduce(ss)


def arched_facade(
    w: int, h: int, colors: list[str], theme: Theme, rng: np.random.Generator, subject: str = ""
) -> Image.Image:
    """A facade with an arched door between arched windows, a tiled band and hanging lanterns; the middle
    band is left calm for the sign the plan puts there."""
    ss = 2
    W, H = w * ss, h * ss
    m = min(W, H)
    warm = ["#e9c9a0", "#e4b98a", "#f0d9b5", "#d9a77a"][int(rng.integers(0, 4))]
    wall = mix(pick(colors, 1, warm), warm, 0.5)
    accent = next((c for c in colors if 0.04 < luminance(c) < 0.45), "#b4410f")
    img = linear_gradient(W, H, [mix(wall, "#ffffff", 0.15), mix(wall, "#000000", 0.12)], 90)
    d = ImageDraw.Draw(img)
    ground = H * 0.9
    # tiled band at the foot of the wall
    tile = m * 0.06
    tiles = [accent, "#0e7490", "#f8fafc", "#ca8a04"]
    for i, x in enumerate(np.arange(0, W, tile)):
        for j, y in enumerate(np.arange(ground - tile * 2, ground, tile)):
            c = tiles[(i + j * 2) % len(tiles)]
            d.polygon(
                [(x + tile / 2, y), (x + tile, y + tile / 2), (x + tile / 2, y + tile), (x, y + tile / 2)],
                fill=_rgb(c),
            )
    d.rectangle((0, ground, W, H), fill=_rgb(mix(wall, "#57534e", 0.6)))
    # arches: a door in the middle-ish, windows either side (glow at dusk/night)
    n = 3 if W > H else 2
    aw = W / (n * 1.8)
    dark = _rgb(mix(accent, "#1c1917", 0.55))
    glow = "#ffd08a"
    door_i = int(rng.integers(0, n))
    for i in range(n):
        cx = W * (i + 0.5) / n
        is_door = i == door_i
        top = H * (0.52 if is_door else 0.58)
        bottom = ground - (0 if is_door else tile * 2.6)
        x0, x1 = cx - aw / 2, cx + aw / 2
        frame = max(3, int(m * 0.014))
        fill = _rgb(mix(accent, "#1c1917", 0.35)) if is_door else _rgb(glow)
        d.rectangle((x0 - frame, top + aw / 2, x1 + frame, bottom), fill=dark)
        d.pieslice((x0 - frame, top - frame, x1 + frame, top + aw + frame), 180, 360, fill=dark)
        d.rectangle((x0, top + aw / 2, x1, bottom), fill=fill)
        d.pieslice((x0, top, x1, top + aw), 180, 360, fill=fill)
        if not is_door:
            for k in range(1, 4):
                d.line(
                    (x0 + aw * k / 4, top + aw * 0.2, x0 + aw * k / 4, bottom),
                    fill=dark,
                    width=frame // 2 + 1,
                )
        else:
            d.line((cx, top + aw * 0.1, cx, bottom), fill=dark, width=frame)
            d.ellipse(
                (cx + aw * 0.08, (top + bottom) / 2, cx + aw * 0.14, (top + bottom) / 2 + aw * 0.06),
                fill=_rgb("#d4a017"),
            )
    # lanterns hanging from the top edge
    for lx in np.linspace(W * 0.06, W * 0.94, 2 + int(rng.integers(0, 2)) * 2):
        ly = H * 0.12
        d.line((lx, 0, lx, ly), fill=(60, 40, 30), width=max(1, int(m * 0.004)))
        lr = m * 0.035
        _glow(img, (lx - lr * 3, ly - lr * 2, lx + lr * 3, ly + lr * 4), (255, 200, 120, 80), lr)
        d.polygon(
            [
                (lx, ly),
                (lx + lr, ly + lr * 0.8),
                (lx + lr * 0.7, ly + lr * 2.2),
                (lx - lr * 0.7, ly + lr * 2.2),
                (lx - lr, ly + lr * 0.8),
            ],
            fill=_rgb("#b45309"),
        )
        d.polygon(
            [
                (lx, ly + lr * 0.4),
                (lx + lr * 0.6, ly + lr * 0.9),
                (lx + lr * 0.4, ly + lr * 1.9),
                (lx - lr * 0.4, ly + lr * 1.9),
                (lx - lr * 0.6, ly + lr * 0.9),
            ],
            fill=_rgb("#fde68a"),
        )
    return img.reduce(ss)
