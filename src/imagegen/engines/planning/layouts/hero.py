"""Hero family: poster, product hero, banner, social card, slide.

One image region (when the prompt describes something to show) and one text block, on the grid:
landscape canvases split by columns (image 7 of 12, text 5; odd variants mirror), portrait and square
canvases split by rows (image over text; odd variants, or a headline asked "at the top", swap). Without
an image the text block is set large in the safe area (centered when asked, or for cards and banners).
Text a product wears ("the word "AQUA+" on the label") is set on a label plate on the product art.
"""

from __future__ import annotations

import re
from typing import Literal

from ..plan import ImageNode, Node
from ..reading.content import TextItem
from .badge import is_badge, layout_badge
from .common import FOOTER_ROLES, entries_for, footer
from .dashboard import chart_node
from .figures import layout_figures, wants_figures
from .kit import Ctx, Region, stack
from .lists import mark_lists


def layout_hero(ctx: Ctx) -> list[Node]:
    """Place a poster-like design."""
    nodes: list[Node] = []
    safe = ctx.grid.safe
    has_image = bool(ctx.image_prompt)
    on_product: list[TextItem] = []
    if has_image and ctx.archetype == "product_hero":
        on_product = [i for i in ctx.items if i.role == "label"][:2]
    captions = [i for i in ctx.items if i.role in FOOTER_ROLES]
    body = [i for i in ctx.items if i not in on_product and i not in captions]

    foot_nodes, foot_h = footer(ctx, captions, ctx.codes, safe, centered=not has_image)
    nodes.extend(foot_nodes)
    area = safe.above(foot_h, ctx.gap * 2) if foot_h else safe

    if is_badge(ctx):
        nodes.extend(layout_badge(ctx, body, area))
        return nodes
    bullets = [i for i in body if i.role == "bullet"]
    if wants_figures(ctx, bullets):
        # a results slide: its bullets' figures are the art (layouts/figures.py)
        nodes.extend(layout_figures(ctx, [i for i in body if i not in bullets], bullets, area))
        return nodes

    # the prompt's own alignment word wins; otherwise cards, banners and type-only designs center
    centered = ctx.placement.h == "center" or (
        ctx.placement.h is None and (ctx.archetype in ("social_card", "banner") or not has_image)
    )
    align: Literal["left", "center", "right"] = "center" if centered else "left"
    if ctx.placement.h in ("left", "right") and not centered:
        align = ctx.placement.h
    head_top = any(i.placement.v == "top" for i in body if i.role in ("headline", "title"))

    if not has_image:
        valign: Literal["top", "middle", "bottom"] = "middle"
        heads = [i for i in body if i.role in ("headline", "title", "sign")]
        if heads and heads[0].placement.v in ("top", "bottom"):
            valign = heads[0].placement.v
        block = area.inset(area.w * 0.04, 0)
        if valign == "middle":
            # variants move the block on the vertical axis only (the alignment was the prompt's or the
            # archetype's): the middle, lower, the optical center (a little above the middle), higher.
            # Decorations (a frame, a band) were tried for the mirror: they made the whole-page OCR split
            # short headlines in up to 4 of 6 seeds, so variants add no shapes here.
            top, bottom = ((0.0, 1.0), (0.16, 1.0), (0.0, 0.84), (0.0, 0.7))[ctx.variant % 4]
            block = Region(block.x, block.y + block.h * top, block.w, block.h * (bottom - top))
        text_nodes, _ = stack(
            ctx, entries_for(ctx, body, boost=1.0, type_only=True), block, align=align, valign=valign
        )
        nodes.extend(text_nodes)
        nodes.extend(_accent_rule(ctx, text_nodes, align))
        return mark_lists(ctx, nodes)

    landscape = ctx.w / ctx.h >= 1.25
    if not body:
        # art alone: variants float it at different scales (full bleed in the safe area, then inset cards)
        image_region, text_region = area.inset(area.w * 0.04 * (2 * ctx.alt + ctx.mirrored)), None
    elif landscape and not (ctx.placement.h == "center" and ctx.archetype != "slide"):
        # a product ad gives its copy half the width: the headline sells, it cannot be a footnote
        if ctx.archetype == "product_hero":
            img_cols = 7 if ctx.alt else 6
        else:
            img_cols = 5 if ctx.archetype == "slide" else (6 if ctx.alt else 7)
        left_image = not ctx.mirrored if ctx.archetype != "slide" else ctx.mirrored
        if left_image:
            image_region = ctx.grid.span(0, img_cols, area)
            text_region = ctx.grid.span(img_cols, 12 - img_cols, area)
        else:
            text_region = ctx.grid.span(0, 12 - img_cols, area)
            image_region = ctx.grid.span(12 - img_cols, img_cols, area)
        text_region = text_region.inset(ctx.gap, 0)
    else:
        # stacked: set the text first (at most ~45% of the height), then the art takes all that is left,
        # so there is no dead band between them
        text_first = head_top or ctx.mirrored
        cap = 1 - (0.58 if ctx.archetype == "product_hero" else 0.55) - (0.08 if ctx.alt else 0.0)
        if sum(1 for i in body if i.role in ("step", "bullet", "row", "badge")) >= 3:
            # a list (a recipe's steps, a flyer's key points) needs the room more than the art does
            cap = max(cap, 0.6)
        if ctx.alt and ctx.placement.h is None:
            align = "center" if align == "left" else align
        text_region = area.top(area.h * cap) if text_first else area.bottom_part(area.h * cap)
        boost = 1.0 if ctx.archetype in ("poster", "banner", "social_card") else 0.0
        stacked, used = stack(
            ctx,
            entries_for(ctx, body, boost=boost),
            text_region,
            align=align,
            valign="top" if text_first else "bottom",
        )
        gap = ctx.gap * 3
        image_region = area.below(used, gap) if text_first else area.above(used, gap)
        if ctx.alt:
            image_region = image_region.inset(image_region.w * 0.08, 0)
        if ctx.mirrored and head_top:
            # the headline was asked at the top, so the mirror cannot swap the stack: it lowers the art
            image_region = image_region.bottom_part(image_region.h * 0.85)
        nodes.extend(stacked)
        nodes.extend(_accent_rule(ctx, stacked, align))
        text_region = None

    radius = ctx.theme.corner_radius * ctx.unit * (2 if ctx.archetype == "product_hero" else 1)
    if ctx.content.charts:
        # the chart the brief names is the picture: its data drawn, or an empty frame when it gave no
        # numbers (as on a dashboard); never an illustration of the word "bar"
        nodes.append(ctx.card(image_region, z=0, radius=radius))
        nodes.append(chart_node(ctx, ctx.content.charts[0], image_region.inset(40 * ctx.unit)))
    else:
        nodes.append(_art(ctx, image_region, radius, body))
    for k, item in enumerate(on_product):
        # a plate about as wide as its words (a short brand name is not a wide banner across the product)
        w = image_region.w * min(0.42, max(0.22, 0.045 * len(item.text) + 0.04))
        h = max(ctx.role_size("label", 2) * 1.6, image_region.h * 0.1)
        y = image_region.y + image_region.h * (0.56 + 0.16 * k)
        plate = ctx.theme.palette.surface
        label_region = Region(image_region.cx - w / 2, y, w, h)
        nodes.append(
            ctx.text(
                item,
                label_region,
                role="label",
                size=ctx.role_size("label", 3),
                align="center",
                valign="middle",
                plate=plate,
                max_lines=1,
                z=3,
                note="on the product's label (deliberately over the product art)",
            )
        )
    if text_region is not None:
        valign = "top" if head_top else "middle"
        boost = 1.0 if ctx.archetype in ("poster", "banner", "social_card") else 0.0
        # a narrow column sets a long headline on three lines rather than shrinking it
        text_nodes, _ = stack(
            ctx, entries_for(ctx, body, boost=boost, head_lines=3), text_region, align=align, valign=valign
        )
        nodes.extend(text_nodes)
        nodes.extend(_accent_rule(ctx, text_nodes, align))
    return mark_lists(ctx, nodes)


#: the renderer's style for a picture chosen from the design's words, then its fallback (the same name as
#: ``render.cover_picture.COVER_PICTURE``; layouts import nothing from the renderer)
WORDS_PICTURE = "cover-picture:geometric"
_ABSTRACT_ASK = re.compile(r"\b(?:abstract|geometric|bauhaus|pattern|shapes)\b", re.I)


def _art(ctx: Ctx, region: Region, radius: float, body: list[TextItem]) -> ImageNode:
    """The design's picture. A poster whose brief describes nothing drawable (the planner's geometric
    stand-in) lets the renderer look further: the occasion its brief names ("a launch poster": a
    rocket), then what its headline names ("Year of the Horse"); geometry only when neither names
    anything, or when the brief asked for abstract art."""
    if (
        ctx.archetype != "poster"
        or ctx.image_style != "geometric"
        or _ABSTRACT_ASK.search(ctx.content.prompt)
    ):
        return ctx.image(region, radius=radius, z=0)
    heads = [f"- {i.text}" for i in body if i.role in ("headline", "title")]
    return ctx.image(
        region, radius=radius, z=0, style=WORDS_PICTURE, prompt="\n".join([ctx.image_prompt, *heads])
    )


def _accent_rule(ctx: Ctx, text_nodes: list[Node], align: str) -> list[Node]:
    """A short accent rule between the headline and the next text: hierarchy without more words."""
    heads = [n for n in text_nodes if getattr(n, "role", "") in ("headline", "title", "sign")]
    if not heads or len(text_nodes) < 2:
        return []
    head = heads[0]
    after = [n for n in text_nodes if n.box.y > head.box.y]
    if not after:
        return []
    nxt = min(after, key=lambda n: n.box.y)
    space = nxt.box.y - head.box.bottom
    if space < 6 * ctx.unit:
        return []
    w = min(head.box.w * 0.25, 120 * ctx.unit)
    h = max(3.0, 4 * ctx.unit)
    x = (
        head.box.x
        if align == "left"
        else (head.box.right - w if align == "right" else head.box.x + (head.box.w - w) / 2)
    )
    y = head.box.bottom + (space - h) / 2
    return [ctx.shape(Region(x, y, w, h), "rect", fill=ctx.theme.palette.accent, radius=h / 2, stem="rule")]
