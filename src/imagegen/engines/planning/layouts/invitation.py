"""Invitation: a printed card -- card stock filling the frame, a ruled border, a drawn botanical ornament and
one centred, symmetric column of type with generous whitespace.

- **Formal** (a wedding, an engagement, a gala, a garden party ... anything not playful): ivory stock (the
  theme's own background when the brief made it dark: a dark card with gold rules), a double-ruled
  border, a laurel garland over the names (the second arrangement: sprays in the corners), the names large
  in the heading face (script or serif: ``reading/typography.py`` maps wedding/elegant words), a sprig
  divider, then the date, time and venue small in a serif, the reply line at the foot. The leaves are sage
  and the rules and berries gold, unless the brief named colours (then its accent and primary).
- **Playful** (a birthday, a kids' party, "fun", "bright"): a rounded card with a thick accent border, the
  brief's picture (balloons, a cake) at the head, the same centred column under it.

Nothing here adds words: every text is the brief's own, set once (small caps would re-case the text, so the
details are set in a lighter, smaller serif instead).
"""

from __future__ import annotations

import random
import re
from dataclasses import replace

from ..plan import Box, Node
from ..reading.colors import design_colors
from ..reading.content import TextItem
from ..rules.contrast import BODY_MIN, ensure_contrast, is_dark, mix
from .kit import Ctx, Region, StackEntry, stack

#: briefs that want a party card rather than a formal one
_PLAYFUL = re.compile(
    r"\bbirthday\b|\bkids?\b|\bchildren'?s?\b|\bplayful\b|\bfun\b|\bcartoon\b|\bbaby shower\b|"
    r"\bbright colou?rs?\b|\bballoons?\b|\bconfetti\b|\bpool party\b|\bsleepover\b"
)
_FORMAL = re.compile(r"\bwedding\b|\bengagement\b|\belegant\b|\bformal\b|\bgala\b|\bbridal\b|\bluxur")
#: card stock, sage leaves, gold rules and berries (a formal card's defaults)
IVORY = "#fbf6ec"
SAGE = "#8a9a7b"
SAGE_DARK = "#5f6f55"
GOLD = "#b08d57"
_NAME_ROLES = ("title", "headline", "masthead", "sign")
#: detail lines set after the divider, in this order (then anything else, in the brief's order)
_DETAIL_ORDER = {"date": 0, "venue": 1, "subhead": 2, "body": 3, "offer": 3, "item": 4, "row": 4}
_FOOT_ROLES = ("contact", "caption", "source", "footer")
#: confetti keeps this far (reference px) from every text and the picture
CONFETTI_CLEARANCE = 28


def is_playful(ctx: Ctx) -> bool:
    """Whether the invitation is a party card (birthday, kids, fun) rather than a formal one."""
    low = ctx.content.masked.lower()
    return bool(_PLAYFUL.search(low)) and not _FORMAL.search(low)


def layout_invitation(ctx: Ctx) -> list[Node]:
    """Place an invitation card."""
    pal = ctx.theme.palette
    playful = is_playful(ctx)
    named = bool(design_colors(ctx.content.masked.lower()))
    if is_dark(pal.background):
        card = pal.background
    elif playful:
        card = mix(pal.background, "#ffffff", 0.5)
    else:
        card = IVORY if not named else mix(pal.background, IVORY, 0.5)
    rule = pal.accent if (named or playful) else GOLD
    leaf = [pal.accent, pal.primary, pal.secondary] if named else [SAGE, SAGE_DARK, GOLD]

    nodes: list[Node] = [ctx.shape(ctx.grid.canvas, "rect", fill=card, z=0, stem="card")]
    u = ctx.unit
    inset = ctx.grid.margin * 0.5
    outer = ctx.grid.canvas.inset(inset)
    if playful:
        nodes.append(
            ctx.shape(
                outer,
                "rounded_rect",
                stroke=rule,
                stroke_width=max(4.0, 12 * u),
                radius=40 * u,
                z=1,
                stem="border",
            )
        )
        inner = outer.inset(12 * u)
    else:
        inner = outer.inset(14 * u)
        nodes.append(ctx.shape(outer, "rect", stroke=rule, stroke_width=max(2.0, 4 * u), z=1, stem="border"))
        nodes.append(
            ctx.shape(inner, "rect", stroke=rule, stroke_width=max(1.0, 1.6 * u), z=1, stem="border-inner")
        )
    content = inner.inset(inner.w * 0.09, inner.h * 0.05)

    items = [_serif(ctx, i) if not playful else i for i in ctx.items]
    names = [i for i in items if i.role in _NAME_ROLES][:1]
    foot = [i for i in items if i.role in _FOOT_ROLES and i not in names]
    rest = [i for i in items if i not in names and i not in foot]
    name_at = names[0].order if names else -1
    lead = [i for i in rest if i.role in ("subhead", "body") and i.order < name_at]
    details = sorted(
        (i for i in rest if i not in lead), key=lambda i: (_DETAIL_ORDER.get(i.role or "body", 5), i.order)
    )
    if not names and details:
        # no names given: the first detail (the party's date) carries the card
        names, details = [details[0]], details[1:]

    text_color = ensure_contrast(pal.primary, card, BODY_MIN)
    soft = ensure_contrast(mix(pal.primary, card, 0.25), card, BODY_MIN)

    foot_nodes: list[Node] = []
    if foot:
        entries = [
            StackEntry(i, i.role or "contact", ctx.role_size("contact", 0.5), 2, color=soft) for i in foot
        ]
        foot_h = sum(e.size * 1.5 for e in entries) + ctx.gap
        foot_nodes, used = stack(
            ctx, entries, content.bottom_part(foot_h), align="center", valign="bottom", on=card, z=3
        )
        content = content.above(used, ctx.gap * 3)

    if playful:
        nodes.extend(_playful_column(ctx, content, lead, names, details, card, text_color, soft))
    else:
        nodes.extend(_formal_column(ctx, content, lead, names, details, card, text_color, soft, leaf))
    nodes.extend(foot_nodes)
    return nodes


def _serif(ctx: Ctx, item: TextItem) -> TextItem:
    """A formal card sets its words in serif faces when neither the brief nor the theme chose one: the names
    in the theme's heading face when it is script or serif, the details in Garamond."""
    if item.font.family or ctx.content.global_font.family:
        return item
    heading = ctx.theme.heading_font.family
    if item.role in _NAME_ROLES:
        family = heading if heading in ("script", "garamond", "serif") else "garamond"
    else:
        body = ctx.theme.body_font.family
        family = body if body in ("garamond", "serif") else "garamond"
    return replace(item, font=replace(item.font, family=family))


def _entries(
    ctx: Ctx, lead: list[TextItem], names: list[TextItem], details: list[TextItem], color: str, soft: str
) -> tuple[list[StackEntry], list[StackEntry], list[StackEntry]]:
    lead_e = [StackEntry(i, i.role or "subhead", ctx.role_size("body", 0.5), 2, color=soft) for i in lead]
    name_e = [
        StackEntry(
            i,
            "title" if i.role in _NAME_ROLES else (i.role or "title"),
            ctx.role_size("title", 4.0 + i.font.size_step)
            if i.role in _NAME_ROLES
            else ctx.role_size("date", 1),
            # a couple's names stay on one line ("Anna & Ben" is never broken after the ampersand)
            max_lines=1 if len(i.text.split()) <= 3 else 2,
            color=color,
        )
        for i in names
    ]
    detail_e = []
    for k, i in enumerate(details):
        step = 1.1 if k == 0 else 0.6
        detail_e.append(
            StackEntry(i, i.role or "body", ctx.role_size("body", step + i.font.size_step), 3, color=soft)
        )
    return lead_e, name_e, detail_e


def _formal_column(
    ctx: Ctx,
    area: Region,
    lead: list[TextItem],
    names: list[TextItem],
    details: list[TextItem],
    card: str,
    color: str,
    soft: str,
    leaf: list[str],
) -> list[Node]:
    """Garland (or corner sprays), names, sprig, details: one centred column, optically centred."""
    u = ctx.unit
    nodes: list[Node] = []
    lead_e, name_e, detail_e = _entries(ctx, lead, names, details, color, soft)
    corners = ctx.alt
    g_w = min(area.w * 0.7, 620 * u)
    g_h = g_w * 0.42 if not corners else 0.0
    sprig_w, sprig_h = min(area.w * 0.46, 380 * u), 46 * u
    gap = ctx.gap * 2.2
    # measure the column (texts fitted to the width), then place it centred in what the ornaments leave
    saved = dict(ctx._ids)
    budget = area.h - g_h - sprig_h - gap * 4
    name_h = _measure(ctx, name_e, area.w, budget * 0.45)
    lead_h = _measure(ctx, lead_e, area.w, budget * 0.15)
    detail_h = _measure(ctx, detail_e, area.w, budget * 0.4)
    ctx._ids.clear()
    ctx._ids.update(saved)
    parts = [g_h, lead_h, name_h, sprig_h if detail_e else 0.0, detail_h]
    total = sum(parts) + gap * (sum(1 for p in parts if p > 0) - 1)
    y = area.y + max(0.0, (area.h - total) * 0.44)
    if g_h:
        nodes.append(_ornament(ctx, Region(area.cx - g_w / 2, y, g_w, g_h), "garland", leaf))
        y += g_h + gap
    for entries, h in ((lead_e, lead_h), (name_e, name_h)):
        if entries:
            placed, used = stack(ctx, entries, Region(area.x, y, area.w, h), align="center", on=card, z=3)
            nodes.extend(placed)
            y += used + gap
    if detail_e:
        nodes.append(_ornament(ctx, Region(area.cx - sprig_w / 2, y, sprig_w, sprig_h), "sprig", leaf))
        y += sprig_h + gap
        placed, _ = stack(ctx, detail_e, Region(area.x, y, area.w, detail_h), align="center", on=card, z=3)
        nodes.extend(placed)
    if corners:
        side = min(area.w * 0.42, 380 * u)
        frame = area.inset(-area.w * 0.07, -area.h * 0.035)
        spots = [("corner-tl", frame.x, frame.y), ("corner-br", frame.right - side, frame.bottom - side)]
        if ctx.mirrored:
            spots = [("corner-tr", frame.right - side, frame.y), ("corner-bl", frame.x, frame.bottom - side)]
        for style, x, yy in spots:
            nodes.append(_ornament(ctx, Region(x, yy, side, side), style, leaf))
    elif ctx.mirrored and area.bottom - y > g_h * 0.6:
        # the mirror hangs a second garland under the column
        h2 = g_h * 0.7
        nodes.append(
            _ornament(
                ctx, Region(area.cx - g_w * 0.35, area.bottom - h2, g_w * 0.7, h2), "garland-down", leaf
            )
        )
    return nodes


def _playful_column(
    ctx: Ctx,
    area: Region,
    lead: list[TextItem],
    names: list[TextItem],
    details: list[TextItem],
    card: str,
    color: str,
    soft: str,
) -> list[Node]:
    """The brief's picture at the head of the card, the centred column of type under it."""
    nodes: list[Node] = []
    lead_e, name_e, detail_e = _entries(ctx, lead, names, details, color, soft)
    entries = [*lead_e, *name_e, *detail_e]
    for e in name_e:
        # the names, or (a party card with none) its first detail, the date, set as the card's big line
        step = 1.5 if e.role == "title" else 0.3
        e.size = ctx.role_size("title", step + e.item.font.size_step)
        # a short line (a date and time) is never broken before its last word
        e.max_lines = 1 if len(e.item.text.split()) <= 6 else 2
        e.gap_after = ctx.gap * 2
    text_h = area.h * (0.46 if ctx.image_prompt else 1.0)
    text_region = area.bottom_part(text_h) if not ctx.mirrored else area.top(text_h)
    placed, _ = stack(ctx, entries, text_region, align="center", valign="middle", on=card, z=3)
    nodes.extend(placed)
    keep_clear = [n.box for n in placed]
    if ctx.image_prompt:
        art = area.above(text_h, ctx.gap * 2) if not ctx.mirrored else area.below(text_h, ctx.gap * 2)
        art = art.inset(art.w * 0.04, 0)
        nodes.append(ctx.image(art, radius=ctx.theme.corner_radius * ctx.unit * 1.5, z=2, stem="art"))
        keep_clear.append(art.box())
    nodes.extend(_confetti(ctx, area.inset(-area.w * 0.06, -area.h * 0.02), keep_clear))
    return nodes


def _confetti(ctx: Ctx, region: Region, keep_clear: list[Box]) -> list[Node]:
    """Seeded dots and short strips in the palette, scattered where the card is empty (never within
    ``CONFETTI_CLEARANCE`` of a text or the picture)."""
    pal = ctx.theme.palette
    named = [c for _, c in design_colors(ctx.content.masked.lower())]
    colors = named or [pal.accent, "#ffc93c", "#2ec4b6", mix(pal.accent, "#ffffff", 0.35)]
    rng = random.Random(ctx.seed * 31 + ctx.variant)
    pad = CONFETTI_CLEARANCE * ctx.unit
    out: list[Node] = []
    placed: list[Region] = []
    for _ in range(400):
        if len(out) >= 30:
            break
        d = rng.uniform(14, 30) * ctx.unit
        strip = rng.random() < 0.4
        w, h = (d * 1.9, d * 0.6) if strip else (d, d)
        x = rng.uniform(region.x, region.right - w)
        y = rng.uniform(region.y, region.bottom - h)
        spot = Region(x, y, w, h)
        grown = spot.inset(-pad).box()
        if any(grown.intersects(b) for b in keep_clear) or any(
            spot.inset(-d).box().intersects(p.box()) for p in placed
        ):
            continue
        placed.append(spot)
        out.append(
            ctx.shape(
                spot,
                "rounded_rect" if strip else "ellipse",
                fill=colors[len(out) % len(colors)],
                radius=h / 2,
                z=1,
                opacity=0.85,
                stem="confetti",
            )
        )
    return out


def _measure(ctx: Ctx, entries: list[StackEntry], width: float, height: float) -> float:
    if not entries:
        return 0.0
    _, used = stack(ctx, entries, Region(0, 0, width, max(1.0, height)))
    return used


def _ornament(ctx: Ctx, region: Region, style: str, colors: list[str]) -> Node:
    """A drawn botanical (``render/ornaments.py``), never text; it sits beside the type, not under it."""
    return ctx.image(region, style=style, prompt="", z=2, stem="ornament").model_copy(
        update={"colors": colors, "note": f"drawn {style} ornament"}
    )
