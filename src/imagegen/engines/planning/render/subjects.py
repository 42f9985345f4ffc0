"""Subject styles for procedural art: product shots, people/characters, scenes (storefront, skyline), food.

Placeholders standing in for an image backend (see docs/rendering.md): simple shaded silhouettes composed
from the prompt's words, varied per node by its seed so that frames of a storyboard differ.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from imagegen.engines.planning.plan import Theme
from imagegen.engines.planning.render.fields import pick, shade, studio
from imagegen.engines.planning.render.paint import mix


def product(
    w: int, h: int, colors: list[str], theme: Theme, rng: np.random.Generator, subject: str = ""
) -> Image.Image:
    """Studio shot of a simple product silhouette chosen from the subject words."""
    img = studio(w, h, colors, theme, rng)
    s = subject.lower()
    body = pick(colors, 2, theme.palette.accent)
    cap = pick(colors, 3, theme.palette.primary)
    m = min(w, h)
    cx, floor = w / 2, h * 0.80
    mask = Image.new("L", (w, h), 0)
    d = ImageDraw.Draw(mask)
    parts: list[tuple[Image.Image, str]] = []
    if any(k in s for k in ("earbud", "airpod", "case", "headphone")):
        bw, bh = m * 0.42, m * 0.30
        d.rounded_rectangle((cx - bw / 2, floor - bh, cx + bw / 2, floor), radius=bh * 0.45, fill=255)
        parts.append((mask, body))
        seam = Image.new("L", (w, h), 0)
        ImageDraw.Draw(seam).line(
            (cx - bw / 2, floor - bh * 0.62, cx + bw / 2, floor - bh * 0.62),
            fill=140,
            width=max(1, int(m * 0.004)),
        )
        parts.append((seam, mix(body, "#000000", 0.45)))
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
        shade(img, color, part)
    return img


def portrait(
    w: int, h: int, colors: list[str], theme: Theme, rng: np.random.Generator, subject: str = ""
) -> Image.Image:
    """A head-and-shoulders figure on a soft backdrop (a placeholder for a person or character):
    rounded shoulders, a neck, a head and a darker hair cap, each with cylinder shading."""
    img = studio(w, h, colors[:1] or [theme.palette.surface], theme, rng, floor_shadow=False)
    m = min(w, h)
    cx = w / 2
    body = pick(colors, 2, theme.palette.accent)
    skin = pick(colors, 1, "#e8c4a8")
    head_r = m * 0.15
    head_bottom = h * 0.5
    shoulders = Image.new("L", (w, h), 0)
    top = head_bottom + m * 0.05
    sd = ImageDraw.Draw(shoulders)
    # a dome wider than tall, continued straight down: shoulders, not a ball
    sd.ellipse((cx - m * 0.38, top, cx + m * 0.38, top + m * 0.5), fill=255)
    sd.rectangle((cx - m * 0.38, top + m * 0.25, cx + m * 0.38, h), fill=255)
    neck = Image.new("L", (w, h), 0)
    ImageDraw.Draw(neck).rounded_rectangle(
        (cx - head_r * 0.42, head_bottom - head_r * 0.4, cx + head_r * 0.42, head_bottom + m * 0.1),
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
    shade(img, skin, head, 0.35)
    shade(img, colors[3] if len(colors) > 3 else "#2b2118", hair, 0.35)
    return img
