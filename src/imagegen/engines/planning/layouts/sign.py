"""Sign family: a sign in its setting (storefront, brick wall, market stall).

A shop's sign (a cafe storefront, a shop sign, a bakery's board) is set on the fascia board of the shop
front the scene draws (render/illustrations/storefront.py: one geometry for both).

The setting is the background (procedural scene art, or a brick/wood pattern when that is all the prompt
describes); the sign is a plaque sized to its text and placed where the prompt says (centered by default,
on a third with "rule of thirds": odd variants take the other third). The sign text sits on the plaque,
so it reads whatever the scene behind it does.
"""

from __future__ import annotations

import re

from ..plan import Node
from ..reading.placement import Placement
from ..render.illustrations.storefront import facade, shop_brief
from ..rules.contrast import BODY_MIN, ensure_contrast, is_dark, mix
from .common import FOOTER_ROLES, block_order, footer
from .kit import Ctx, Region, StackEntry, stack
from .metrics import em_width


def layout_sign(ctx: Ctx) -> list[Node]:
    """Place a sign design."""
    nodes: list[Node] = []
    palette = ctx.theme.palette
    low = ctx.content.masked.lower()
    neon = ctx.theme.mood == "neon" or "neon" in low
    wood = bool(re.search(r"\bwood(?:en)?\b", low))
    # a shop's sign hangs on its shop front: the scene draws the front and leaves its fascia board for the
    # sign (the node's prompt says "storefront" and "sign", so the picture is that front with its board
    # plain, whatever else the brief names)
    front = facade(ctx.w, ctx.h, ctx.variant) if ctx.image_prompt and shop_brief(ctx.content.prompt) else None
    if ctx.image_prompt:
        prompt = ctx.image_prompt
        if front is not None and not re.search(r"\b(?:store|shop) ?fronts?\b", prompt.lower()):
            prompt = f"{prompt}, storefront"
        if front is not None and not re.search(r"\bsign(?:s|age|board)?\b|\bplaque\b", prompt.lower()):
            prompt = f"{prompt}, shop sign"
        nodes.append(ctx.image(ctx.grid.canvas, z=0, stem="scene", prompt=prompt))

    captions = [i for i in ctx.items if i.role in FOOTER_ROLES]
    signs = [i for i in ctx.items if i not in captions]
    safe = ctx.grid.safe
    foot_nodes, foot_h = footer(ctx, captions, ctx.codes, safe)
    nodes.extend(foot_nodes)
    area = safe.above(foot_h, ctx.gap * 2) if foot_h else safe

    if neon:
        fill, stroke, text_color = "#120c24", palette.accent, palette.accent
    elif wood:
        fill, stroke, text_color = "#6b4423", "#4a2e16", "#fbf3e4"
    else:
        fill, stroke, text_color = palette.surface, palette.accent, palette.primary
    text_color = ensure_contrast(text_color, fill, BODY_MIN)

    ordered = block_order(signs)
    entries = []
    widest = 0.0
    for k, it in enumerate(ordered):
        role = it.role or ("sign" if k == 0 else "subhead")
        if k == 0 and role not in ("sign", "headline", "title"):
            role = "sign"
        size = ctx.role_size(role, it.font.size_step)
        font = ctx.font_for(it, role)
        widest = max(widest, em_width(it.text, font) * size)
        entries.append(StackEntry(it, role, size, max_lines=2, color=text_color, gap_after=ctx.gap))
    if not entries:
        return nodes
    pad = 40 * ctx.unit
    # mirrored variants give the plaque more air around its text
    plaque_w = min(area.w * 0.86, max(widest * 1.1 + 2 * pad, area.w * 0.4) * (1.15 if ctx.mirrored else 1.0))
    est_h = sum(e.size * 1.35 for e in entries) + ctx.gap * (len(entries) - 1)
    plaque_h = min(area.h * 0.7, est_h + 2 * pad)
    place = ctx.content.global_placement
    if front is not None:
        # the fascia's board, exactly: the text is set on it, a little tighter than on a free plaque
        board = front.board
        plaque = Region(board.x0, board.y0, board.w, board.h)
        pad = min(pad, board.h * 0.14)
    elif place.thirds and not place.h:
        # the plaque's center on a vertical third line; variants alternate thirds
        third_x = ctx.w / 3 if not ctx.mirrored else 2 * ctx.w / 3
        x = min(max(area.x, third_x - plaque_w / 2), area.right - plaque_w)
        y = area.y + (area.h - plaque_h) * (0.25 if ctx.alt else 0.4)
        plaque = Region(x, y, plaque_w, plaque_h)
    else:
        plaque = area.anchored(plaque_w, plaque_h, Placement(h=place.h, v=place.v))
        if place.v is None and ctx.alt:
            # second arrangement: the plaque hangs higher (an upper third), still where it was asked across
            plaque = Region(plaque.x, area.y + (area.h - plaque_h) * 0.3, plaque.w, plaque.h)
    radius = 18 * ctx.unit if not wood else 8 * ctx.unit
    if front is not None:
        radius = 4 * ctx.unit
    nodes.append(
        ctx.shape(
            plaque,
            "rounded_rect",
            fill=fill,
            stroke=stroke,
            stroke_width=max(3.0, 6 * ctx.unit),
            radius=radius,
            z=1,
            stem="plaque",
        )
    )
    if neon:
        glow = Region(
            plaque.x - 12 * ctx.unit,
            plaque.y - 12 * ctx.unit,
            plaque.w + 24 * ctx.unit,
            plaque.h + 24 * ctx.unit,
        )
        nodes.append(
            ctx.shape(
                glow,
                "rounded_rect",
                stroke=mix(palette.accent, "#ffffff", 0.3),
                stroke_width=max(2.0, 3 * ctx.unit),
                radius=radius * 1.5,
                z=1,
                opacity=0.6,
                stem="glow",
            )
        )
    text_nodes, _ = stack(ctx, entries, plaque.inset(pad), align="center", valign="middle", on=fill, z=3)
    nodes.extend(text_nodes)
    if not ctx.image_prompt and not is_dark(fill):
        ctx.background.setdefault("kind", "solid")
    return nodes
