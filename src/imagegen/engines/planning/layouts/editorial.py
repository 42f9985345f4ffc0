"""Editorial family: magazine cover.

Masthead across the top of the safe area (the biggest type on the page), the issue/volume line in a
thin strip above it, cover art in 7 of 12 columns under the masthead (odd variants mirror), cover lines
stacked in the other 5 columns with accent rules between them, and a bottom band for the barcode (bottom
left unless the prompt says otherwise) and any caption. Every text sits on the page color, not on the art.
"""

from __future__ import annotations

import itertools

from ..plan import ImageNode, Node
from ..reading.content import TextItem
from .common import FOOTER_ROLES, block_order, footer
from .kit import Ctx, Region, StackEntry, stack

#: the renderer's style for a cover picture chosen from the cover's words (the same name as
#: ``render.cover_picture.COVER_PICTURE``; layouts import nothing from the renderer)
COVER_PICTURE = "cover-picture"
#: styles that say nothing about the picture: the cover's own words choose it instead
_OPEN_STYLES = frozenset({"", "abstract", "geometric", "cover", "editorial", "magazine"})
#: the planner's stand-in prompt for a cover that describes no picture
_NO_PICTURE = "editorial cover art"


def layout_magazine(ctx: Ctx) -> list[Node]:
    """Place a magazine cover."""
    nodes: list[Node] = []
    safe = ctx.grid.safe
    masts = [i for i in ctx.items if i.role == "masthead"]
    if not masts:
        heads = [i for i in ctx.items if i.role in ("title", "headline")]
        masts = heads[:1]
    vols = [i for i in ctx.items if i.role in ("volume", "date") and i not in masts]
    captions = [i for i in ctx.items if i.role in FOOTER_ROLES and i not in vols]
    lines = [i for i in ctx.items if i not in masts and i not in vols and i not in captions]

    foot_nodes, foot_h = footer(ctx, captions, ctx.codes, safe, default_code_side="left")
    nodes.extend(foot_nodes)
    area = safe.above(foot_h, ctx.gap * 2) if foot_h else safe

    y = area.y
    if vols:
        strip_h = ctx.role_size("volume") * 1.5 * len(vols)
        entries = [
            StackEntry(v, v.role or "volume", ctx.role_size("volume", v.font.size_step), 1) for v in vols
        ]
        vol_nodes, used = stack(
            ctx, entries, Region(area.x, y, area.w, strip_h), align="left" if ctx.mirrored else "right"
        )
        nodes.extend(vol_nodes)
        y += used + ctx.gap
    if masts:
        mast_h = (area.bottom - y) * 0.2
        entries = [StackEntry(m, "masthead", ctx.role_size("masthead", m.font.size_step), 1) for m in masts]
        mast_nodes, used = stack(
            ctx, entries, Region(area.x, y, area.w, mast_h), align="center", gap=ctx.gap * 0.5
        )
        nodes.extend(mast_nodes)
        y += used + ctx.gap * 1.5
        rule_h = max(3.0, 5 * ctx.unit)
        nodes.append(
            ctx.shape(Region(area.x, y, area.w, rule_h), "rect", fill=ctx.theme.palette.accent, stem="rule")
        )
        y += rule_h + ctx.gap * 1.5
    main = Region(area.x, y, area.w, area.bottom - y)
    radius = ctx.theme.corner_radius * ctx.unit
    ordered = block_order(lines)
    if not lines:
        nodes.append(_cover_art(ctx, main, radius, ordered))
        return nodes
    art_left = ctx.mirrored
    art = ctx.grid.span(0 if art_left else 5, 7, main)
    col = ctx.grid.span(7 if art_left else 0, 5, main).inset(ctx.gap * 0.5, 0)
    nodes.append(_cover_art(ctx, art, radius, ordered))
    entries = []
    for k, it in enumerate(ordered):
        role = it.role or "cover_line"
        size = ctx.role_size(role, it.font.size_step + (0.5 if k == 0 else 0))
        color = ctx.theme.palette.primary if k == 0 else ctx.theme.palette.text
        entries.append(StackEntry(it, role, size, max_lines=4, gap_after=ctx.gap * 3, color=color))
    line_nodes, _ = stack(
        ctx, entries, col, align="right" if art_left else "left", valign="top" if ctx.alt else "middle"
    )
    nodes.extend(line_nodes)
    # short accent rules in the gaps between cover lines
    for a, b in itertools.pairwise(line_nodes):
        space = b.box.y - a.box.bottom
        if space > 10 * ctx.unit:
            w = min(col.w * 0.2, 90 * ctx.unit)
            h = max(3.0, 4 * ctx.unit)
            x = col.right - w if art_left else col.x
            nodes.append(
                ctx.shape(
                    Region(x, a.box.bottom + (space - h) / 2, w, h),
                    "rect",
                    fill=ctx.theme.palette.accent,
                    stem="rule",
                )
            )
    return nodes


def _cover_art(ctx: Ctx, region: Region, radius: float, lines: list[TextItem]) -> ImageNode:
    """The cover picture: what the brief described, else what the cover lines name ("Living on Mars": a
    planet), chosen by the renderer from the prompt's lines (the described picture, then ``- line`` for
    each cover line); a style the brief asked for (neon, a night sky ...) keeps the planner's art."""
    if ctx.image_style.lower() not in _OPEN_STYLES:
        return ctx.image(region, z=0, radius=radius, stem="cover-art")
    described = "" if ctx.image_prompt == _NO_PICTURE else ctx.image_prompt
    prompt = "\n".join([described, *(f"- {it.text}" for it in lines)]).strip()
    return ctx.image(region, z=0, radius=radius, stem="cover-art", style=COVER_PICTURE, prompt=prompt)
