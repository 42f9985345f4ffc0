"""Subject styles for procedural art: product shots, people/characters, scenes (storefront, skyline), food.

Placeholders standing in for an image backend (see docs/rendering.md): simple shaded silhouettes composed
from the prompt's words, varied per node by its seed so that frames of a storyboard differ.
"""

from __future__ import annotations

import math
import re

import numpy as np
from PIL import Image, ImageDraw

from imagegen.engines.planning.plan import Theme
from imagegen.engines.planning.render.fields import (
    linear_gradient,
    over,
    pick,
    radial_gradient,
    shade,
    soft,
    studio,
)
from imagegen.engines.planning.render.paint import hex_rgba, luminance, mix


def product(
    w: int, h: int, colors: list[str], theme: Theme, rng: np.random.Generator, subject: str = ""
) -> Image.Image:
    """Studio shot of a simple product silhouette chosen from the subject words."""
    # each take (seed) places the product a little off center and lights it from its own side
    place = 0.5 + float(rng.uniform(-0.08, 0.08))
    light = float(rng.uniform(0.22, 0.4))
    s = subject.lower()
    white = re.search(r"white (?:studio|background|backdrop|sweep)|(?:light|bright) (?:studio|background)", s)
    if white and colors and luminance(colors[0]) < 0.5:
        # the prompt's studio is white: the dark colours are the product's, not the backdrop's
        colors = ["#f1f1f3", *colors]
    img = studio(w, h, colors, theme, rng, subject_x=place)
    body = pick(colors, 2, theme.palette.accent)
    cap = pick(colors, 3, theme.palette.primary)
    m = min(w, h)
    cx, floor = w * place, h * 0.80
    mask = Image.new("L", (w, h), 0)
    d = ImageDraw.Draw(mask)
    parts: list[tuple[Image.Image, str]] = []
    if any(k in s for k in ("earbud", "airpod", "headphone", "in-ear")) or re.search(r"\bbuds?\b", s):
        # the charging case low and to one side, two buds floating above it (what "earbuds" means)
        bw, bh = m * 0.34, m * 0.25
        ccx = cx - m * 0.1
        d.rounded_rectangle((ccx - bw / 2, floor - bh, ccx + bw / 2, floor), radius=bh * 0.45, fill=255)
        parts.append((mask, body))
        seam = Image.new("L", (w, h), 0)
        ImageDraw.Draw(seam).line(
            (ccx - bw / 2, floor - bh * 0.62, ccx + bw / 2, floor - bh * 0.62),
            fill=140,
            width=max(1, int(m * 0.004)),
        )
        parts.append((seam, mix(body, "#000000", 0.45)))
        back = pick(colors, 0)
        bud_color = "#1f2023" if luminance(back) > 0.45 else "#e8eaee"
        if re.search(r"black", s) and luminance(back) > 0.45:
            bud_color = "#1f2023"
        tip = mix(bud_color, "#000000" if luminance(bud_color) > 0.4 else "#ffffff", 0.35)
        for bx, by, angle, size in (
            (cx + m * 0.12, floor - m * 0.46, -24.0, 1.0),
            (cx + m * 0.28, floor - m * 0.3, 18.0, 0.92),
        ):
            jitter = float(rng.uniform(-0.02, 0.02)) * m
            part, nub = _bud_masks(w, h, bx + jitter, by, m * 0.085 * size, angle)
            parts.append((part, bud_color))
            parts.append((nub, tip))
    elif any(k in s for k in ("phone", "device", "tablet", "watch", "speaker", "gadget")):
        bw, bh = m * 0.30, m * 0.58
        d.rounded_rectangle((cx - bw / 2, floor - bh, cx + bw / 2, floor), radius=bw * 0.16, fill=255)
        parts.append((mask, cap))
        screen = Image.new("L", (w, h), 0)
        inset = bw * 0.06
        ImageDraw.Draw(screen).rounded_rectangle(
            (cx - bw / 2 + inset, floor - bh + inset, cx + bw / 2 - inset, floor - inset),
            radius=bw * 0.12,
            fill=255,
        )
        parts.append((screen, body))
    elif any(k in s for k in ("can", "soda", "drink", "beer")):
        bw, bh = m * 0.24, m * 0.44
        d.rounded_rectangle((cx - bw / 2, floor - bh, cx + bw / 2, floor), radius=bw * 0.12, fill=255)
        parts.append((mask, body))
    elif any(k in s for k in ("box", "package", "book", "cereal")):
        bw, bh = m * 0.36, m * 0.48
        d.rectangle((cx - bw / 2, floor - bh, cx + bw / 2, floor), fill=255)
        parts.append((mask, body))
    elif any(k in s for k in ("jar", "cream", "candle", "cup", "mug")):
        bw, bh = m * 0.36, m * 0.30
        d.rounded_rectangle((cx - bw / 2, floor - bh, cx + bw / 2, floor), radius=bw * 0.08, fill=255)
        parts.append((mask, body))
        lid = Image.new("L", (w, h), 0)
        ImageDraw.Draw(lid).rounded_rectangle(
            (cx - bw * 0.52, floor - bh * 1.22, cx + bw * 0.52, floor - bh * 0.95), radius=bw * 0.05, fill=255
        )
        parts.append((lid, cap))
    else:  # bottle: the generic product
        bw, bh = m * 0.22, m * 0.46
        d.rounded_rectangle((cx - bw / 2, floor - bh, cx + bw / 2, floor), radius=bw * 0.28, fill=255)
        d.rectangle((cx - bw * 0.18, floor - bh * 1.22, cx + bw * 0.18, floor - bh * 0.9), fill=255)
        parts.append((mask, body))
        capm = Image.new("L", (w, h), 0)
        ImageDraw.Draw(capm).rounded_rectangle(
            (cx - bw * 0.22, floor - bh * 1.36, cx + bw * 0.22, floor - bh * 1.16), radius=bw * 0.04, fill=255
        )
        parts.append((capm, cap))
    for part, color in parts:
        shade(img, color, part, light)
    return img


def _bud_masks(w: int, h: int, x: float, y: float, r: float, angle: float) -> tuple[Image.Image, Image.Image]:
    """Masks of one earbud (round head with a stem) and its ear tip, rotated by ``angle``, centred at x, y."""
    size = int(r * 4.2) | 1
    body = Image.new("L", (size, size), 0)
    tipm = Image.new("L", (size, size), 0)
    c = size / 2
    bd = ImageDraw.Draw(body)
    bd.ellipse((c - r, c - r * 1.4, c + r, c + r * 0.6), fill=255)
    bd.rounded_rectangle((c - r * 0.32, c, c + r * 0.32, c + r * 1.9), radius=r * 0.3, fill=255)
    ImageDraw.Draw(tipm).ellipse((c - r * 0.95, c - r * 1.25, c - r * 0.25, c - r * 0.35), fill=255)
    out = []
    for mask in (body, tipm):
        rot = mask.rotate(angle, resample=Image.Resampling.BILINEAR)
        full = Image.new("L", (w, h), 0)
        full.paste(rot, (int(x - c), int(y - c)))
        out.append(full)
    return out[0], out[1]


#: plain color words a prompt may attach to a subject ("a courier with a yellow backpack")
COLOR_WORDS = {
    "red": "#dc2626",
    "orange": "#f97316",
    "yellow": "#facc15",
    "green": "#16a34a",
    "teal": "#0d9488",
    "blue": "#2563eb",
    "navy": "#1e3a8a",
    "purple": "#7c3aed",
    "pink": "#ec4899",
    "brown": "#92400e",
    "black": "#111827",
    "white": "#f8fafc",
    "gray": "#6b7280",
    "grey": "#6b7280",
    "gold": "#d4a017",
    "beige": "#d6c3a5",
    "cream": "#f3e9d2",
}
_SKIN = ("#f1d3bd", "#e0b48f", "#c68e64", "#8d5a3b", "#5c3a24")
_HAIR = ("#2b2118", "#4a2f1b", "#1a1a1a", "#8a5a2b", "#c9a36a")


def color_before(subject: str, noun: str) -> str | None:
    """The color a prompt gives a noun ("yellow backpack" -> yellow), or None."""
    m = re.search(r"\b([a-z]+)\s+" + noun, subject)
    return COLOR_WORDS.get(m.group(1)) if m else None


def portrait(
    w: int, h: int, colors: list[str], theme: Theme, rng: np.random.Generator, subject: str = ""
) -> Image.Image:
    """A centered head-and-shoulders figure (a placeholder for a person in a portrait)."""
    return figure(w, h, colors, theme, rng, subject, vary=False)


def character(
    w: int, h: int, colors: list[str], theme: Theme, rng: np.random.Generator, subject: str = ""
) -> Image.Image:
    """A figure whose framing (camera distance, position) varies with the node's seed, so that the frames
    of a storyboard or the panels of a comic do not repeat one picture."""
    return figure(w, h, colors, theme, rng, subject, vary=True)


def figure(
    w: int,
    h: int,
    colors: list[str],
    theme: Theme,
    rng: np.random.Generator,
    subject: str = "",
    *,
    vary: bool = False,
) -> Image.Image:
    """Rounded shoulders, neck, head and hair cap with cylinder shading on a soft backdrop; color words
    in the subject dress the figure ("red jacket") and add a backpack when one is named."""
    img = studio(w, h, colors[:1] or [theme.palette.surface], theme, rng, floor_shadow=False)
    m = min(w, h)
    zoom = float(rng.uniform(0.7, 1.25)) if vary else 1.0
    cx = w * (float(rng.uniform(0.32, 0.68)) if vary else 0.5)
    body = color_before(subject, r"(?:jacket|coat|shirt|dress|hoodie|suit|uniform)") or pick(
        colors, 2, theme.palette.accent
    )
    skin = _SKIN[int(rng.integers(0, len(_SKIN)))]
    hair_color = _HAIR[int(rng.integers(0, len(_HAIR)))]
    k = m * zoom
    head_r = k * 0.15
    head_bottom = h * 0.5 + (m * 0.5 - k * 0.5) * 0.6
    top = head_bottom + k * 0.05
    bag = color_before(subject, r"(?:backpack|bag|rucksack)")
    if bag is None and re.search(r"backpack|rucksack", subject):
        bag = COLOR_WORDS["yellow"] if "yellow" in subject else pick(colors, 3, theme.palette.secondary)
    if bag:
        pack = Image.new("L", (w, h), 0)
        side = 1 if cx < w / 2 else -1
        ImageDraw.Draw(pack).rounded_rectangle(
            (cx + side * k * 0.2 - k * 0.22, top - k * 0.02, cx + side * k * 0.2 + k * 0.22, top + k * 0.62),
            radius=k * 0.08,
            fill=255,
        )
        shade(img, bag, pack, 0.3)
    shoulders = Image.new("L", (w, h), 0)
    sd = ImageDraw.Draw(shoulders)
    # a dome wider than tall, continued straight down: shoulders, not a ball
    sd.ellipse((cx - k * 0.38, top, cx + k * 0.38, top + k * 0.5), fill=255)
    sd.rectangle((cx - k * 0.38, top + k * 0.25, cx + k * 0.38, h), fill=255)
    neck = Image.new("L", (w, h), 0)
    ImageDraw.Draw(neck).rounded_rectangle(
        (cx - head_r * 0.42, head_bottom - head_r * 0.4, cx + head_r * 0.42, head_bottom + k * 0.1),
        radius=head_r * 0.2,
        fill=255,
    )
    head = Image.new("L", (w, h), 0)
    ImageDraw.Draw(head).ellipse(
        (cx - head_r, head_bottom - head_r * 2.3, cx + head_r, head_bottom), fill=255
    )
    hair = Image.new("L", (w, h), 0)
    ImageDraw.Draw(hair).chord(
        (cx - head_r * 1.08, head_bottom - head_r * 2.42, cx + head_r * 1.08, head_bottom - head_r * 0.7),
        170,
        370,
        fill=255,
    )
    shade(img, mix(skin, "#000000", 0.12), neck, 0.35)
    shade(img, body, shoulders, 0.35)
    if bag:
        strap = Image.new("L", (w, h), 0)
        sx = cx + (k * 0.16 if cx < w / 2 else -k * 0.16)
        ImageDraw.Draw(strap).line(
            (sx, top + k * 0.02, sx, top + k * 0.45), fill=255, width=max(2, int(k * 0.035))
        )
        shade(img, mix(bag, "#000000", 0.25), strap, 0.3)
    shade(img, skin, head, 0.35)
    shade(img, hair_color, hair, 0.35)
    return img


def scene(
    w: int, h: int, colors: list[str], theme: Theme, rng: np.random.Generator, subject: str = ""
) -> Image.Image:
    """A place chosen by the words: a teahouse still life (tea shop), a market street with stalls and
    bunting (market, bazaar), an arched facade (Arabic/Moorish words, or some seeds of a plain shop), a
    storefront (shop, cafe, bakery), an interior, or a city skyline (default)."""
    from imagegen.engines.planning.render.scenes import arched_facade, market, teahouse

    if re.search(r"tea ?shop|teahouse|tea house|tea room|\btea\b", subject):
        return teahouse(w, h, colors, theme, rng, subject)
    if re.search(r"market|bazaar|\bstalls?\b|\bfair\b|festival|souk", subject):
        return market(w, h, colors, theme, rng, subject)
    if re.search(r"arab|cairo|egypt|morocc|moorish|persian|istanbul|riad|mosque|dubai", subject):
        return arched_facade(w, h, colors, theme, rng, subject)
    if re.search(
        r"storefront|\bshop\b|\bstore\b|\bcafe\b|café|bakery|boutique|restaurant|bar\b|sign", subject
    ):
        if not re.search(r"cafe|café|coffee|bakery|tokyo|japan", subject) and rng.random() < 0.35:
            return arched_facade(w, h, colors, theme, rng, subject)
        return storefront(w, h, colors, theme, rng, subject)
    if re.search(r"interior|\broom\b|inside|living|kitchen|office", subject):
        return interior(w, h, colors, theme, rng, subject)
    return skyline(w, h, colors, theme, rng, subject)


def _sky(w: int, h: int, subject: str) -> Image.Image:
    if re.search(r"night|midnight|neon", subject):
        return linear_gradient(w, h, ["#0b1026", "#1b2452", "#3b2d6b"], 90)
    if re.search(r"dusk|sunset|evening|twilight|golden", subject):
        return linear_gradient(w, h, ["#2a2f6b", "#b4537a", "#f6a76b"], 90)
    return linear_gradient(w, h, ["#8ec5ff", "#dbeafe"], 90)


def skyline(
    w: int, h: int, colors: list[str], theme: Theme, rng: np.random.Generator, subject: str = ""
) -> Image.Image:
    """City blocks against the sky with lit windows (more lit at dusk and night)."""
    img = _sky(w, h, subject)
    d = ImageDraw.Draw(img)
    dark = bool(re.search(r"night|dusk|sunset|evening|twilight|neon", subject))
    base = pick(colors, 2, "#334155") if not dark else "#1f2340"
    x = -float(rng.uniform(0, w * 0.05))
    while x < w:
        bw = w * float(rng.uniform(0.08, 0.18))
        bh = h * float(rng.uniform(0.3, 0.75))
        tone = mix(base, "#000000", float(rng.uniform(0.0, 0.35)))
        d.rectangle((x, h - bh, x + bw, h), fill=hex_rgba(tone)[:3])
        win = max(3.0, bw * 0.12)
        lit = "#ffd58a" if dark else mix(tone, "#ffffff", 0.35)
        for wy in np.arange(h - bh + win, h - win, win * 1.8):
            for wx in np.arange(x + win * 0.7, x + bw - win, win * 1.6):
                if rng.random() < (0.55 if dark else 0.8):
                    d.rectangle((wx, wy, wx + win * 0.8, wy + win), fill=hex_rgba(lit)[:3])
        x += bw + w * float(rng.uniform(0.0, 0.02))
    return img


def storefront(
    w: int, h: int, colors: list[str], theme: Theme, rng: np.random.Generator, subject: str = ""
) -> Image.Image:
    """A shop facade: a blank fascia band (text belongs to the plan), a striped awning, a warmly lit
    window, a door and the pavement; dusk words dim the sky and brighten the window."""
    img = _sky(w, h, subject)
    d = ImageDraw.Draw(img)
    wall = mix(
        pick(colors, 1, "#e7dccb"), ["#e7dccb", "#f1e3c6", "#dfe7e2", "#eadbd3"][int(rng.integers(0, 4))], 0.4
    )
    accent = pick(colors, 0, theme.palette.accent)
    fx0, fx1 = w * 0.06, w * 0.94
    fy0 = h * 0.12
    ground = h * 0.9
    d.rectangle((fx0, fy0, fx1, ground), fill=hex_rgba(wall)[:3])
    d.rectangle((fx0, fy0, fx1, fy0 + h * 0.1), fill=hex_rgba(mix(accent, "#000000", 0.35))[:3])
    # awning: alternating stripes with a scalloped edge
    ay0, ay1 = fy0 + h * 0.12, fy0 + h * 0.22
    stripes = int(rng.integers(7, 12))
    sw = (fx1 - fx0) / stripes
    for i in range(stripes):
        c = accent if i % 2 == 0 else "#f8fafc"
        d.polygon(
            [(fx0 + i * sw, ay0), (fx0 + (i + 1) * sw, ay0), (fx0 + (i + 1) * sw, ay1), (fx0 + i * sw, ay1)],
            fill=hex_rgba(c)[:3],
        )
        d.pieslice(
            (fx0 + i * sw, ay1 - sw * 0.5, fx0 + (i + 1) * sw, ay1 + sw * 0.5), 0, 180, fill=hex_rgba(c)[:3]
        )
    warm = bool(re.search(r"dusk|night|evening|warm|cozy|glow", subject))
    glass = radial_gradient(
        max(2, int(w * 0.5)),
        max(2, int(h * 0.42)),
        ["#ffe2a8", "#f3b562", "#8a5a2b"] if warm else ["#e0f2fe", "#9cc9e6", "#4b7796"],
        0.5,
        0.7,
    )
    img.paste(glass, (int(w * 0.1), int(ay1 + h * 0.08)))
    d.rectangle(
        (w * 0.1, ay1 + h * 0.08, w * 0.6, ay1 + h * 0.5),
        outline=hex_rgba("#3f2a1d")[:3],
        width=max(2, int(m_of(w, h) * 0.012)),
    )
    door = mix(accent, "#000000", 0.45)
    d.rectangle((w * 0.68, ay1 + h * 0.1, w * 0.86, ground), fill=hex_rgba(door)[:3])
    d.ellipse((w * 0.83, h * 0.62, w * 0.845, h * 0.635), fill=hex_rgba("#d4a017")[:3])
    d.rectangle((0, ground, w, h), fill=hex_rgba("#9ca3af" if not warm else "#4b5563")[:3])
    return img


def interior(
    w: int, h: int, colors: list[str], theme: Theme, rng: np.random.Generator, subject: str = ""
) -> Image.Image:
    """A room: a wall with a window onto the sky, a table, a pendant lamp's warm pool of light."""
    wall = pick(colors, 1, "#efe6da")
    img = linear_gradient(w, h, [mix(wall, "#ffffff", 0.2), mix(wall, "#000000", 0.15)], 90)
    sky = _sky(int(w * 0.34), int(h * 0.36), subject)
    img.paste(sky, (int(w * 0.58), int(h * 0.14)))
    d = ImageDraw.Draw(img)
    frame = hex_rgba("#f8fafc")[:3]
    lw = max(2, int(m_of(w, h) * 0.015))
    d.rectangle((w * 0.58, h * 0.14, w * 0.92, h * 0.5), outline=frame, width=lw)
    d.line((w * 0.75, h * 0.14, w * 0.75, h * 0.5), fill=frame, width=lw)
    d.rectangle((0, h * 0.78, w, h), fill=hex_rgba(mix(wall, "#000000", 0.35))[:3])
    top = pick(colors, 0, theme.palette.accent)
    d.rectangle((w * 0.12, h * 0.62, w * 0.52, h * 0.66), fill=hex_rgba(mix(top, "#000000", 0.2))[:3])
    d.rectangle((w * 0.15, h * 0.66, w * 0.17, h * 0.86), fill=hex_rgba(mix(top, "#000000", 0.4))[:3])
    d.rectangle((w * 0.47, h * 0.66, w * 0.49, h * 0.86), fill=hex_rgba(mix(top, "#000000", 0.4))[:3])
    d.line((w * 0.32, 0, w * 0.32, h * 0.3), fill=(40, 40, 40), width=max(1, lw // 2))
    d.pieslice((w * 0.26, h * 0.26, w * 0.38, h * 0.36), 180, 360, fill=hex_rgba(top)[:3])
    glow = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    ImageDraw.Draw(glow).ellipse((w * 0.14, h * 0.3, w * 0.5, h * 0.7), fill=(255, 214, 140, 70))
    over(img, soft(glow, m_of(w, h) * 0.08))
    return img


def food(
    w: int, h: int, colors: list[str], theme: Theme, rng: np.random.Generator, subject: str = ""
) -> Image.Image:
    """Food and drink on a studio sweep: a cup with steam (coffee, tea, latte), a cake slice, fruit, or a
    plate with a colorful dish."""
    img = studio(w, h, colors[:1] or [theme.palette.surface], theme, rng)
    m = m_of(w, h)
    cx, floor = w / 2, h * 0.8
    accent = pick(colors, 2, theme.palette.accent)
    d = ImageDraw.Draw(img)
    if re.search(r"coffee|tea|latte|espresso|cup|mug|matcha|drink", subject):
        saucer = Image.new("L", (w, h), 0)
        ImageDraw.Draw(saucer).ellipse(
            (cx - m * 0.3, floor - m * 0.05, cx + m * 0.3, floor + m * 0.03), fill=255
        )
        shade(img, "#f5f5f4", saucer)
        cup = Image.new("L", (w, h), 0)
        cd = ImageDraw.Draw(cup)
        cd.rounded_rectangle(
            (cx - m * 0.17, floor - m * 0.3, cx + m * 0.17, floor - m * 0.02), radius=m * 0.08, fill=255
        )
        cd.ellipse(
            (cx + m * 0.12, floor - m * 0.25, cx + m * 0.26, floor - m * 0.1),
            outline=255,
            width=max(2, int(m * 0.03)),
        )
        shade(img, accent, cup)
        liquid = (
            "#3b2416"
            if re.search(r"coffee|espresso|latte", subject)
            else ("#7fa650" if "matcha" in subject else "#b7791f")
        )
        d.ellipse(
            (cx - m * 0.16, floor - m * 0.32, cx + m * 0.16, floor - m * 0.27), fill=hex_rgba(liquid)[:3]
        )
        steam = Image.new("RGBA", (w, h), (0, 0, 0, 0))
        sd = ImageDraw.Draw(steam)
        for i in (-1, 0, 1):
            pts = [
                (cx + i * m * 0.06 + math.sin(t * 0.9 + i) * m * 0.02, floor - m * 0.34 - t * m * 0.03)
                for t in range(9)
            ]
            sd.line(pts, fill=(255, 255, 255, 150), width=max(2, int(m * 0.015)), joint="curve")
        over(img, soft(steam, m * 0.01))
    elif re.search(r"cake|pastry|dessert|pie", subject):
        slice_ = Image.new("L", (w, h), 0)
        ImageDraw.Draw(slice_).polygon(
            [
                (cx - m * 0.28, floor),
                (cx + m * 0.28, floor),
                (cx + m * 0.28, floor - m * 0.22),
                (cx - m * 0.28, floor - m * 0.36),
            ],
            fill=255,
        )
        shade(img, "#f3e2c7", slice_)
        d.polygon(
            [
                (cx - m * 0.28, floor - m * 0.36),
                (cx + m * 0.28, floor - m * 0.22),
                (cx + m * 0.28, floor - m * 0.18),
                (cx - m * 0.28, floor - m * 0.32),
            ],
            fill=hex_rgba(accent)[:3],
        )
        d.ellipse((cx - m * 0.05, floor - m * 0.42, cx + m * 0.05, floor - m * 0.32), fill=(200, 30, 50))
    else:
        plate = Image.new("L", (w, h), 0)
        ImageDraw.Draw(plate).ellipse(
            (cx - m * 0.36, floor - m * 0.16, cx + m * 0.36, floor + m * 0.04), fill=255
        )
        shade(img, "#fafaf9", plate)
        for _ in range(7):
            bx = cx + float(rng.uniform(-0.2, 0.2)) * m
            by = floor - m * 0.06 + float(rng.uniform(-0.05, 0.03)) * m
            r = m * float(rng.uniform(0.04, 0.08))
            c = [accent, "#16a34a", "#f59e0b", "#dc2626", "#a16207"][int(rng.integers(0, 5))]
            blob = Image.new("L", (w, h), 0)
            ImageDraw.Draw(blob).ellipse((bx - r, by - r * 0.7, bx + r, by + r * 0.7), fill=255)
            shade(img, c, blob)
    return img


def m_of(w: int, h: int) -> int:
    """The short edge: every subject is sized from it so art keeps its proportions in any box."""
    return min(w, h)
