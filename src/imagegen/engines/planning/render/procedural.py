"""Procedural art: backgrounds, patterns and abstract picture areas, and the door to the illustrations.

Backgrounds (gradient, radial, patterns) and abstract ImageNode art (bokeh, waves, geometric, night skies,
ink screentone for manga, neon glow, data and cover art ...) built from numpy fields and simple shapes,
keyed to the plan's palette and mood, seeded from the plan seed and the node id. A picture whose words name
things (a cat, a compass, lanterns, a cyclist at dawn) is composed from the illustration library instead
(``render/illustrations``); the abstract styles draw only what names nothing (see docs/rendering.md).

Smooth fields are computed at a reduced resolution and upscaled (cheap and invisible); line work is drawn
at full resolution.
"""

from __future__ import annotations

import math
import re

import numpy as np
from PIL import Image, ImageDraw

from imagegen.engines.planning.plan import Background, ImageNode, Plan, Theme
from imagegen.engines.planning.render.cover_picture import COVER_PICTURE, cover_picture
from imagegen.engines.planning.render.editorial import cover_art, data_art
from imagegen.engines.planning.render.event_art import aurora, stage
from imagegen.engines.planning.render.fields import (
    Array,
    linear_gradient,
    over,
    pick,
    radial_gradient,
    ramp,
    rgb_array,
    seed_for,
    small_size,
    soft,
    studio,
    to_image,
    upscale,
    uv_grid,
    value_noise,
)
from imagegen.engines.planning.render.illustrations.illustrate import illustrate
from imagegen.engines.planning.render.illustrations.words import word_set
from imagegen.engines.planning.render.ornaments import ORNAMENTS, draw_ornament
from imagegen.engines.planning.render.paint import hex_rgba, luminance, mix


# -- backgrounds ---------------------------------------------------------------------------------------------
def _palette(colors: list[str], theme: Theme) -> list[str]:
    p = theme.palette
    return list(colors) or [p.background, p.surface, p.accent, p.primary, p.secondary]


def background_image(bg: Background, theme: Theme, w: int, h: int, seed: int) -> Image.Image | None:
    """The canvas background as RGBA at w x h, or None for transparent."""
    colors = bg.colors or [theme.palette.background]
    if bg.kind == "transparent":
        return None
    if bg.kind == "solid" or (bg.kind == "image" and bg.reference is None):
        return Image.new("RGB", (w, h), hex_rgba(colors[0])[:3])
    if bg.kind == "gradient":
        return linear_gradient(
            w, h, colors if len(colors) > 1 else [colors[0], mix(colors[0], "#000000", 0.25)], bg.angle
        )
    if bg.kind == "radial":
        return radial_gradient(
            w, h, colors if len(colors) > 1 else [mix(colors[0], "#ffffff", 0.3), colors[0]]
        )
    style = bg.pattern or ("studio" if bg.kind == "procedural" else "dots")
    pal = colors if len(colors) > 1 else [colors[0], *_palette([], theme)[1:]]
    return draw_style(style, w, h, pal, theme, seed_for(seed, "background"))


# -- styles ------------------------------------------------------------------------------------------------
def draw_style(
    style: str,
    w: int,
    h: int,
    colors: list[str],
    theme: Theme,
    seed: int,
    subject: str = "",
) -> Image.Image:
    """Draw a named abstract or pattern style at w x h (opaque). A subject style (``product``,
    ``character``, ``scene`` ...) names a picture for the illustrations; here it draws its stand-in."""
    rng = np.random.default_rng(seed)
    key = style.lower().strip()
    key = _SUBJECT_STANDIN.get(key, key)
    fn = _STYLES.get(key)
    if fn is None:
        fn = next((f for name, f in _STYLES.items() if name in key), _abstract)
    return fn(w, h, colors, theme, rng, subject)


def _bokeh(
    w: int, h: int, colors: list[str], theme: Theme, rng: np.random.Generator, subject: str = ""
) -> Image.Image:
    back = pick(colors, 0)
    img = linear_gradient(w, h, [mix(back, "#000000", 0.1), mix(back, "#000000", 0.45)], 100)
    glow = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(glow)
    m = min(w, h)
    for _ in range(28):
        r = m * float(rng.uniform(0.02, 0.09))
        x, y = float(rng.uniform(0, w)), float(rng.uniform(0, h))
        c = hex_rgba(colors[int(rng.integers(1, max(2, len(colors))))] if len(colors) > 1 else "#ffffff")
        d.ellipse((x - r, y - r, x + r, y + r), fill=(c[0], c[1], c[2], int(rng.uniform(50, 130))))
    over(img, soft(glow, m * 0.006 + 1))
    return img


def _waves(
    w: int, h: int, colors: list[str], theme: Theme, rng: np.random.Generator, subject: str = ""
) -> Image.Image:
    sw, sh = small_size(w, h, 512)
    u, v = uv_grid(sw, sh)
    phase = float(rng.uniform(0, math.tau))
    t = v + 0.06 * np.sin(u * math.tau * 1.5 + phase) + 0.03 * np.sin(u * math.tau * 3.7 + phase * 2)
    bands = np.floor(t * 6) / 6
    blend = 0.65 * bands + 0.35 * t
    return upscale(to_image(ramp(blend, colors[:4] or ["#ffffff"])), w, h)


def _geometric(
    w: int, h: int, colors: list[str], theme: Theme, rng: np.random.Generator, subject: str = ""
) -> Image.Image:
    img = Image.new("RGB", (w, h), hex_rgba(pick(colors, 0))[:3])
    d = ImageDraw.Draw(img)
    m = min(w, h)
    for _ in range(14):
        c = hex_rgba(colors[int(rng.integers(0, len(colors)))] if colors else "#888888")
        x, y = float(rng.uniform(-0.1, 1.1) * w), float(rng.uniform(-0.1, 1.1) * h)
        r = m * float(rng.uniform(0.06, 0.28))
        kind = int(rng.integers(0, 3))
        if kind == 0:
            d.ellipse((x - r, y - r, x + r, y + r), fill=c)
        elif kind == 1:
            d.rectangle((x - r, y - r * 0.6, x + r, y + r * 0.6), fill=c)
        else:
            d.polygon([(x, y - r), (x + r, y + r), (x - r, y + r)], fill=c)
    return img


def _dots(
    w: int, h: int, colors: list[str], theme: Theme, rng: np.random.Generator, subject: str = ""
) -> Image.Image:
    back = pick(colors, 0)
    dot = mix(back, readable_dot(back), 0.12)
    img = Image.new("RGB", (w, h), hex_rgba(back)[:3])
    d = ImageDraw.Draw(img)
    step = max(8, min(w, h) // 32)
    r = max(1.0, step * 0.12)
    for y in range(step // 2, h, step):
        off = step // 2 if (y // step) % 2 else 0
        for x in range(off, w + step, step):
            d.ellipse((x - r, y - r, x + r, y + r), fill=hex_rgba(dot))
    return img


def readable_dot(back: str) -> str:
    """A pattern ink that stays subtle on ``back`` (dark ink on light grounds, light on dark)."""
    return "#000000" if luminance(back) > 0.35 else "#ffffff"


def _grid_pattern(
    w: int, h: int, colors: list[str], theme: Theme, rng: np.random.Generator, subject: str = ""
) -> Image.Image:
    back = pick(colors, 0)
    img = Image.new("RGB", (w, h), hex_rgba(back)[:3])
    d = ImageDraw.Draw(img)
    step = max(8, min(w, h) // 16)
    ink = hex_rgba(mix(back, readable_dot(back), 0.1))
    for x in range(0, w, step):
        d.line((x, 0, x, h), fill=ink, width=1)
    for y in range(0, h, step):
        d.line((0, y, w, y), fill=ink, width=1)
    return img


def _stripes(
    w: int, h: int, colors: list[str], theme: Theme, rng: np.random.Generator, subject: str = ""
) -> Image.Image:
    u, v = uv_grid(w, h)
    k = (u * w + v * h) / max(8, min(w, h) / 20)
    t = (np.floor(k) % 2).astype(np.float32)
    return to_image(ramp(t * 0.12, [pick(colors, 0), readable_dot(pick(colors, 0))]))


def _brick(
    w: int, h: int, colors: list[str], theme: Theme, rng: np.random.Generator, subject: str = ""
) -> Image.Image:
    brick = pick(colors, 0) if len(colors) < 2 or luminance(pick(colors, 0)) < 0.5 else "#9a4a32"
    mortar = "#d8d0c4"
    img = Image.new("RGB", (w, h), hex_rgba(mortar)[:3])
    d = ImageDraw.Draw(img)
    bh = max(8, min(w, h) // 18)
    bw = bh * 2.6
    gap = max(1, bh // 8)
    for row, y in enumerate(range(0, h + bh, bh)):
        off = (bw / 2) if row % 2 else 0
        x = -off
        while x < w:
            tint = float(rng.uniform(-0.12, 0.12))
            c = mix(brick, "#000000", tint) if tint > 0 else mix(brick, "#ffffff", -tint)
            d.rectangle((x + gap, y + gap, x + bw - gap, y + bh - gap), fill=hex_rgba(c))
            x += bw
    noise = value_noise(w, h, max(4, w // 6), rng)
    arr = np.asarray(img.convert("RGB"), dtype=np.float32) * (0.9 + 0.2 * noise[..., None])
    return to_image(arr)


def _wood(
    w: int, h: int, colors: list[str], theme: Theme, rng: np.random.Generator, subject: str = ""
) -> Image.Image:
    # boards, not waves: horizontal planks of one width, each its own tone and grain phase, a fine grain
    # that runs along the board, and a thin dark seam between boards
    sw, sh = small_size(w, h, 768)
    u, v = uv_grid(sw, sh)
    n = value_noise(sw, sh, 6, rng)
    boards = int(rng.integers(6, 9))
    pos = v * boards
    board = np.minimum(np.floor(pos), boards - 1).astype(np.int32)
    tone = rng.uniform(-0.1, 0.1, boards).astype(np.float32)[board]
    phase = rng.uniform(0, 6, boards).astype(np.float32)[board]
    streak = value_noise(sw, sh, 3, rng)
    grain = np.sin((pos * 9 + phase + streak * 2.5 + 0.15 * np.sin(u * 5 + phase)) * math.pi)
    t = 0.55 + tone + 0.07 * grain + 0.1 * (n - 0.5)
    seam = (pos - np.floor(pos)) < max(1.2 / max(sh / boards, 1.0), 0.012)
    t = np.where(seam, 0.08, t)
    base = pick(colors, 0) if len(colors) > 0 and luminance(pick(colors, 0)) < 0.4 else "#8b5a2b"
    return upscale(to_image(ramp(t, [mix(base, "#000000", 0.35), base, mix(base, "#ffffff", 0.25)])), w, h)


def _linen(
    w: int, h: int, colors: list[str], theme: Theme, rng: np.random.Generator, subject: str = ""
) -> Image.Image:
    back = pick(colors, 0)
    noise_x = rng.random((1, w)).astype(np.float32)
    noise_y = rng.random((h, 1)).astype(np.float32)
    fine = 0.5 * noise_x + 0.5 * noise_y
    arr = rgb_array(back)[None, None, :] * (0.94 + 0.08 * fine[..., None])
    return to_image(np.broadcast_to(arr, (h, w, 3)))


def _night(
    w: int, h: int, colors: list[str], theme: Theme, rng: np.random.Generator, subject: str = ""
) -> Image.Image:
    img = linear_gradient(w, h, ["#050816", "#0b1a3a", pick(colors, 2, "#3b2a6b")], 90)
    arr = np.asarray(img.convert("RGB"), dtype=np.float32).copy()
    count = int(w * h / 900)
    ys = rng.integers(0, h, count)
    xs = rng.integers(0, w, count)
    bright = rng.uniform(90, 255, count).astype(np.float32)
    arr[ys, xs] = np.maximum(arr[ys, xs], bright[:, None])
    img = to_image(arr)
    glow = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    m = min(w, h)
    cx, cy, r = w * 0.78, h * 0.2, m * 0.07
    ImageDraw.Draw(glow).ellipse((cx - r, cy - r, cx + r, cy + r), fill=(245, 240, 220, 255))
    over(img, soft(glow, m * 0.01))
    return img


def _ink(
    w: int, h: int, colors: list[str], theme: Theme, rng: np.random.Generator, subject: str = ""
) -> Image.Image:
    """Manga ink: white paper, a screentone band, hatching in a low corner, speed lines, and for a
    character an outlined figure. Kept light so lettering in bubbles stays the loudest black."""
    img = Image.new("RGB", (w, h), (255, 255, 255))
    d = ImageDraw.Draw(img)
    m = min(w, h)
    # screentone: dots shrinking downwards over the top quarter (a printed gradient)
    tone = max(5, m // 40)
    band = h * 0.28
    for y in range(0, int(band), tone):
        r = tone * 0.32 * (1 - y / band)
        if r < 0.6:
            continue
        for x in range((y // tone % 2) * tone // 2, w, tone):
            d.ellipse((x - r, y - r, x + r, y + r), fill=(0, 0, 0))
    # hatching in the lower-left corner only
    step = max(5, m // 45)
    for k in range(0, int(w * 0.45), step):
        d.line((0, h - k * 0.8, k, h), fill=(0, 0, 0), width=max(1, m // 500))
    # speed lines: a thin ring of rays toward the edges, the middle left clean
    cx, cy = w * 0.5, h * 0.55
    for i in range(40):
        a = i / 40 * math.tau + float(rng.uniform(-0.04, 0.04))
        r0 = m * float(rng.uniform(0.42, 0.5))
        d.line(
            (cx + math.cos(a) * r0, cy + math.sin(a) * r0, cx + math.cos(a) * m, cy + math.sin(a) * m),
            fill=(0, 0, 0),
            width=max(1, m // 500),
        )
    return img


def _neon(
    w: int, h: int, colors: list[str], theme: Theme, rng: np.random.Generator, subject: str = ""
) -> Image.Image:
    img = linear_gradient(w, h, ["#07060f", "#140b2a"], 90)
    glow = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(glow)
    m = min(w, h)
    hues = [c for c in colors[1:] if luminance(c) > 0.15] or ["#ff2bd6", "#22d3ee"]
    for i in range(3):
        c = hex_rgba(hues[i % len(hues)])
        inset = m * (0.08 + 0.07 * i)
        d.rounded_rectangle(
            (inset, inset, w - inset, h - inset), radius=m * 0.06, outline=c, width=max(2, m // 160)
        )
    over(img, soft(glow, m * 0.02))
    over(img, soft(glow, m * 0.005))
    over(img, glow)
    return img


def _landscape(
    w: int, h: int, colors: list[str], theme: Theme, rng: np.random.Generator, subject: str = ""
) -> Image.Image:
    sky = [pick(colors, 1, "#bfdbfe"), pick(colors, 0, "#fde68a")]
    img = linear_gradient(w, h, sky, 90)
    m = min(w, h)
    sun = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    r = m * 0.09
    ImageDraw.Draw(sun).ellipse(
        (w * 0.7 - r, h * 0.3 - r, w * 0.7 + r, h * 0.3 + r), fill=(255, 244, 214, 235)
    )
    over(img, soft(sun, m * 0.004 + 0.5))
    hill = pick(colors, 2, "#4d7c5b")
    xs = np.arange(w + 1, dtype=np.float32)
    for layer in range(4):
        base_y = h * (0.52 + 0.12 * layer)
        ph = float(rng.uniform(0, math.tau))
        amp = h * (0.06 - 0.01 * layer)
        ys = (
            base_y
            + amp * np.sin(xs / w * math.tau * (0.8 + 0.5 * layer) + ph)
            + amp * 0.4 * np.sin(xs / w * math.tau * 2.7 + ph * 1.7)
        )
        poly = [(0.0, float(h))] + [(float(x), float(y)) for x, y in zip(xs[::4], ys[::4], strict=False)]
        poly.append((float(w), float(h)))
        c = mix(hill, "#0b1320", layer * 0.18)
        c = mix(c, sky[0], 0.35 * (3 - layer) / 3)
        ImageDraw.Draw(img).polygon(poly, fill=hex_rgba(c))
    return img


def _abstract(
    w: int, h: int, colors: list[str], theme: Theme, rng: np.random.Generator, subject: str = ""
) -> Image.Image:
    """Soft color fields: a few gaussian blobs in palette colors over the first color (mesh-like)."""
    sw, sh = small_size(w, h, 256)
    u, v = uv_grid(sw, sh)
    arr: Array = np.broadcast_to(rgb_array(pick(colors, 0)), (sh, sw, 3)).astype(np.float32).copy()
    for i in range(5):
        c = rgb_array(colors[(i + 1) % len(colors)] if colors else "#888888")
        cx, cy = float(rng.uniform(0, 1)), float(rng.uniform(0, 1))
        s = float(rng.uniform(0.18, 0.4))
        wgt = np.exp(-(((u - cx) * w / max(w, h)) ** 2 + ((v - cy) * h / max(w, h)) ** 2) / (2 * s * s))
        arr = arr * (1 - 0.8 * wgt[..., None]) + c * 0.8 * wgt[..., None]
    return upscale(to_image(arr), w, h)


def _grain(
    w: int, h: int, colors: list[str], theme: Theme, rng: np.random.Generator, subject: str = ""
) -> Image.Image:
    back = pick(colors, 0)
    n = rng.random((h, w), dtype=np.float32)
    arr = rgb_array(back)[None, None, :] * (0.95 + 0.1 * n[..., None])
    return to_image(arr)


_STYLES = {
    "studio": studio,
    "bokeh": _bokeh,
    "waves": _waves,
    "wave": _waves,
    "geometric": _geometric,
    "memphis": _geometric,
    "dots": _dots,
    "polka": _dots,
    "grid": _grid_pattern,
    "stripes": _stripes,
    "brick": _brick,
    "wood": _wood,
    "plaque": _wood,
    "linen": _linen,
    "paper": _linen,
    "texture": _linen,
    "night": _night,
    "stars": _night,
    "sky": _night,
    "ink": _ink,
    "manga": _ink,
    "hatch": _ink,
    "comic": _ink,
    "neon": _neon,
    "cyberpunk": _neon,
    "landscape": _landscape,
    "mountain": _landscape,
    "nature": _landscape,
    "abstract": _abstract,
    "gradient": _abstract,
    "mesh": _abstract,
    "grain": _grain,
    "noise": _grain,
    "data": data_art,
    "infographic": data_art,
    "chart": data_art,
    "network": data_art,
    "cover": cover_art,
    "editorial": cover_art,
    "magazine": cover_art,
    "aurora": aurora,
    "stage": stage,
}

#: subject styles the planner and edits name ("product", "character", "scene" ...): the illustrations draw
#: them; when the words name nothing drawable, or no library is installed, they draw this stand-in
_SUBJECT_STANDIN: dict[str, str] = {
    "product": "studio",
    "scene": "landscape",
    "city": "landscape",
    "skyline": "landscape",
    "street": "landscape",
    **dict.fromkeys(
        (
            "portrait",
            "character",
            "person",
            "storefront",
            "shop",
            "interior",
            "room",
            "food",
            "drink",
            "cup",
            "cake",
            "market",
            "bazaar",
            "teahouse",
            "facade",
        ),
        "abstract",
    ),
}

#: the style names :func:`draw_style` knows (others fall back to the closest name or "abstract")
STYLES = frozenset(_STYLES) | frozenset(_SUBJECT_STANDIN)

#: styles that are abstract by intent (a pattern, data or cover art): never illustrated
_ABSTRACT_ONLY = word_set(
    """
    data infographic chart network cover editorial magazine dots polka grid stripes brick wood
    plaque linen paper texture grain noise neon cyberpunk bokeh waves wave mesh gradient aurora stage
    """
)
_GENERIC = ("abstract", "", "photo", "illustration", "image", "art")
_INK = ("manga", "ink", "black-and-white", "b&w")


def image_art(
    node: ImageNode, theme: Theme, w: int, h: int, seed: int, *, plan: Plan | None = None
) -> Image.Image:
    """The picture for an ImageNode at w x h: the illustrations draw what its words name (the node's prompt,
    else the plan's brief); abstract styles and briefs that name nothing get abstract art.

    ``seed`` is the variant's art seed; ``plan``, when given, supplies the brief (for a node whose prompt
    names nothing, and for a storyboard's per-frame beats) and the variant (one identity across frames).
    """
    colors = list(node.colors) or [
        theme.palette.surface,
        theme.palette.background,
        theme.palette.accent,
        theme.palette.primary,
        theme.palette.secondary,
    ]
    style = node.style.lower().strip()
    if style in ORNAMENTS:
        # a drawn botanical (an invitation's garland, a sprig divider): line work on a transparent ground
        return draw_ornament(style, w, h, list(node.colors), seed_for(seed, node.id))
    words = f"{node.style} {node.prompt}".lower()
    if plan is not None and not node.prompt.strip():
        brief = plan.brief
        words = f"{words} {plan.archetype.replace('_', ' ')} {brief.subject or ''} {brief.prompt}".lower()
    abstract_brief = style in _GENERIC and any(re.search(pat, words) for pat, _ in _ABSTRACT_WORDS)
    art_seed = seed_for(seed, node.id)
    if style.partition(":")[0] == COVER_PICTURE:
        # a cover's art: what its described picture or its cover lines name (render/cover_picture.py)
        picture = cover_picture(node, theme, w, h, art_seed, plan=plan)
        fallback = "ink" if any(k in f"{theme.style} {theme.mood}".lower() for k in _INK) else ""
        fallback = fallback or style.partition(":")[2] or "cover"
        return picture or draw_style(fallback, w, h, colors, theme, art_seed, subject=words)
    if style not in _ABSTRACT_ONLY and not abstract_brief:
        picture = illustrate(node, theme, w, h, art_seed, plan=plan)
        if picture is not None:
            return picture
    if any(k in f"{theme.style} {theme.mood}".lower() for k in _INK):
        style = "ink"
    elif style in _GENERIC:
        style = next((s for pat, s in _ABSTRACT_WORDS if re.search(pat, words)), style)
    return draw_style(style, w, h, colors, theme, art_seed, subject=words)


#: words of briefs that name no thing but a kind of abstract picture
_ABSTRACT_WORDS: tuple[tuple[str, str], ...] = (
    (
        r"robot|\bai\b|tech|data|digital|circuit|network|statistic|infographic|analytics|growth|dashboard",
        "data",
    ),
    (r"magazine|\bcover\b|editorial|fashion", "cover"),
    (r"night sky|galaxy", "night"),
    (r"neon", "neon"),
)
