"""A conference badge looks like a badge: a card hanging from a lanyard.

"Conference badge titled DevSummit 2027 in #1e3a8a and #f59e0b" is read as a poster by the archetype
registry; its brief says *badge*, so the hero layout hands it here. The design:

- a portrait card centred on the page (the page in the theme's background, the event's first colour);
- a lanyard strap in the accent colour (the event's second colour) from the top edge down to the card, a
  clip, and the slot punched through the card's header;
- the header band in the accent colour carrying the event title (first in the hierarchy);
- the name area: the attendee's name and role when the brief gives them, else a photo disc and two
  blank lines where a name is written (no invented name);
- a thin footer stripe in the accent colour.
"""

from __future__ import annotations

import re

from ..plan import Node
from ..reading.content import TextItem
from ..rules.contrast import BODY_MIN, ensure_contrast, hex_to_rgb, is_dark, readable_on
from .common import block_order
from .kit import Ctx, Region, StackEntry, stack

_BADGE = re.compile(
    r"\b(?:conference|event|name|attendee|speaker|delegate|visitor|guest|staff|press|vip|summit|expo|"
    r"convention|meetup|hackathon)\s+(?:badge|pass)\b|\blanyard\b|\bname\s?tag\b",
    re.I,
)
_HEAD_ROLES = ("title", "headline", "sign", "masthead")


def is_badge(ctx: Ctx) -> bool:
    """The brief asks for a conference (event, name, speaker ...) badge or a lanyard."""
    return ctx.archetype in ("poster", "social_card") and bool(_BADGE.search(ctx.content.prompt))


def layout_badge(ctx: Ctx, body: list[TextItem], area: Region) -> list[Node]:
    """The badge on its lanyard, the event title in the header, the rest in the name area."""
    pal = ctx.theme.palette
    dark = is_dark(pal.background)
    card_fill = "#ffffff" if dark else pal.surface
    band = event_color(ctx)
    # the card: portrait, as tall as the page allows under the strap's first stretch
    top_room = area.h * 0.14
    card_h = area.h - top_room
    card_w = min(area.w * 0.9, card_h * 0.68)
    card = Region(area.cx - card_w / 2, area.y + top_room, card_w, card_h)
    radius = max(12.0, 28 * ctx.unit)
    strap_w = card_w * 0.14
    nodes: list[Node] = [
        # the strap runs from the top edge of the page into the slot
        ctx.shape(
            Region(card.cx - strap_w / 2, 0, strap_w, card.y + card_h * 0.06),
            "rect",
            fill=band,
            z=0,
            stem="lanyard",
        ),
        ctx.shape(
            card,
            "rounded_rect",
            fill=card_fill,
            stroke=None if dark else pal.secondary,
            stroke_width=0 if dark else max(2.0, 3 * ctx.unit),
            radius=radius,
            z=1,
            stem="badge",
        ),
    ]
    head_h = card_h * 0.34
    nodes.append(
        ctx.shape(
            Region(card.x, card.y, card_w, head_h),
            "rounded_rect",
            fill=band,
            radius=radius,
            z=1,
            stem="badge-header",
        )
    )
    # the header's lower corners are square: a strip over the rounded ones
    nodes.append(
        ctx.shape(
            Region(card.x, card.y + head_h - radius, card_w, radius),
            "rect",
            fill=band,
            z=1,
            stem="header-foot",
        )
    )
    slot_w, slot_h = card_w * 0.24, max(10.0, card_h * 0.028)
    slot = Region(card.cx - slot_w / 2, card.y + card_h * 0.04, slot_w, slot_h)
    nodes.append(ctx.shape(slot, "rounded_rect", fill=pal.background, radius=slot_h / 2, z=2, stem="slot"))
    clip_w = strap_w * 1.25
    nodes.append(
        ctx.shape(
            Region(card.cx - clip_w / 2, slot.y - slot_h * 2.2, clip_w, slot_h * 3.2),
            "rounded_rect",
            fill="#9ca3af",
            stroke="#4b5563",
            stroke_width=max(1.5, 2 * ctx.unit),
            radius=slot_h * 0.6,
            z=3,
            stem="clip",
        )
    )
    heads = [i for i in block_order(body) if i.role in _HEAD_ROLES][:1]
    rest = [i for i in block_order(body) if i not in heads]
    on_band = readable_on(band)
    if heads:
        title_region = Region(card.x, slot.bottom, card_w, card.y + head_h - slot.bottom).inset(
            card_w * 0.08, card_h * 0.02
        )
        entries = [
            StackEntry(h, h.role or "title", ctx.role_size("title", 0.5), 2, color=on_band) for h in heads
        ]
        head_nodes, _ = stack(ctx, entries, title_region, align="center", valign="middle", on=band, z=3)
        nodes.extend(head_nodes)
    stripe_h = card_h * 0.05
    nodes.append(
        ctx.shape(
            Region(card.x, card.bottom - stripe_h - radius, card_w, radius),
            "rect",
            fill=band,
            z=1,
            stem="stripe-top",
        )
    )
    nodes.append(
        ctx.shape(
            Region(card.x, card.bottom - stripe_h - radius * 0.5, card_w, stripe_h + radius * 0.5),
            "rounded_rect",
            fill=band,
            radius=radius,
            z=1,
            stem="badge-stripe",
        )
    )
    name_area = Region(card.x, card.y + head_h, card_w, card_h - head_h - stripe_h - radius).inset(
        card_w * 0.1, card_h * 0.05
    )
    ink = ensure_contrast(pal.text if not dark else "#0b0f19", card_fill, BODY_MIN)
    if rest:
        # the attendee's name is the badge's biggest text when no event title heads it
        first = ctx.role_size("title", -0.5) if not heads else ctx.role_size("subhead", 1.5)
        entries = [
            StackEntry(
                it,
                ("title" if not heads else "subhead") if k == 0 else (it.role or "body"),
                first if k == 0 else ctx.role_size("body", 1.0),
                3,
                color=ink,
            )
            for k, it in enumerate(rest)
        ]
        text_nodes, _ = stack(ctx, entries, name_area, align="center", valign="middle", on=card_fill, z=3)
        nodes.extend(text_nodes)
        return nodes
    # no name given: a photo disc and the lines a name and role are written on
    line = ensure_contrast(pal.muted, card_fill, 1.6)
    disc = min(name_area.w * 0.42, name_area.h * 0.46)
    photo = Region(name_area.cx - disc / 2, name_area.y, disc, disc)
    photo_fill = "#e5e7eb" if dark else pal.background
    nodes.append(ctx.shape(photo, "ellipse", fill=photo_fill, z=2, stem="photo"))
    nodes.append(ctx.icon(photo.inset(disc * 0.18), "person", line, z=3))
    rule_h = max(2.0, 3 * ctx.unit)
    for k, share in enumerate((0.78, 0.52)):
        y = photo.bottom + (name_area.bottom - photo.bottom) * (0.42 + 0.34 * k)
        w = name_area.w * share
        nodes.append(
            ctx.shape(Region(name_area.cx - w / 2, y, w, rule_h), "rect", fill=line, z=2, stem="name-line")
        )
    return nodes


def event_color(ctx: Ctx) -> str:
    """The event's colour for the strap, header and stripe: the most colourful of the accent, the extra
    colours and the primary (a grey accent gives way to the teal the brief named)."""
    pal = ctx.theme.palette

    def chroma(color: str) -> int:
        rgb = hex_to_rgb(color)
        return max(rgb) - min(rgb)

    best = max([pal.accent, *pal.extra, pal.primary], key=chroma)
    return pal.accent if chroma(pal.accent) >= chroma(best) * 0.8 else best
