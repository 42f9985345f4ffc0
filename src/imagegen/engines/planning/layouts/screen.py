"""Screen family: app screens.

A phone frame (when the prompt asks for a device/frame; otherwise the screen is the whole canvas) holding a
status-bar strip (shapes only: no invented clock or carrier text), the screen title when one is quoted,
one card per displayed value (icon of the metric + the value exactly as written), other texts, buttons
on accent plates, and the bottom navigation bar (an icon over each quoted label).
"""

from __future__ import annotations

import re

from ..plan import GroupNode, Node
from ..reading.content import TextItem
from ..reading.icons import icon_for
from ..rules.contrast import mix
from .common import block_order, entries_for, footer
from .kit import Ctx, Region, stack


def layout_app(ctx: Ctx) -> list[Node]:
    """Place an app screen."""
    pal = ctx.theme.palette
    safe = ctx.grid.safe
    low = ctx.content.masked.lower()
    framed = bool(re.search(r"\bframe\b|smartphone|\bphone\b|\bdevice\b|mock-?up|iphone|\bbezel\b", low))
    outer: list[Node] = []
    foot_nodes, foot_h = footer(ctx, [], ctx.codes, safe)
    outer.extend(foot_nodes)
    area = safe.above(foot_h, ctx.gap * 2) if foot_h else safe
    if framed:
        ratio = 9 / 19.5
        h = area.h
        w = h * ratio
        if w > area.w:
            w, h = area.w, area.w / ratio
        body = Region(area.cx - w / 2, area.cy - h / 2, w, h)
        bezel = max(10.0, w * 0.035)
        screen = body.inset(bezel)
        radius = w * 0.12
    else:
        body = ctx.grid.canvas
        screen = body
        bezel = 0.0
        radius = 0.0
    children: list[Node] = []
    if framed:
        children.append(
            ctx.shape(
                body,
                "phone_frame",
                fill="#0a0a0c" if ctx.theme.dark else "#1f2329",
                stroke="#8a8f98",
                stroke_width=max(2.0, 3 * ctx.unit),
                radius=radius,
                z=1,
                stem="bezel",
            )
        )
        children.append(
            ctx.shape(screen, "rounded_rect", fill=pal.background, radius=radius * 0.85, z=2, stem="screen")
        )
    unit = screen.w / 390  # iOS points: a 390 pt wide screen
    pad = 20 * unit
    content = Region(screen.x + pad, screen.y, screen.w - 2 * pad, screen.h)
    # status bar: a pill where the dynamic island sits; no invented clock or carrier text
    status_h = 54 * unit
    if framed:
        pill = Region(screen.cx - 62 * unit, screen.y + 12 * unit, 124 * unit, 34 * unit)
        children.append(ctx.shape(pill, "rounded_rect", fill="#000000", radius=17 * unit, z=3, stem="island"))
    y = screen.y + status_h
    navs = [i for i in ctx.items if i.role == "nav"]
    values = [i for i in ctx.items if i.role == "stat_value" or (i.stat is not None and i.role == "stat")]
    buttons = [i for i in ctx.items if i.role == "button"]
    heads = [i for i in ctx.items if i.role in ("title", "headline", "masthead")]
    rest = [i for i in ctx.items if i not in navs and i not in values and i not in buttons and i not in heads]
    nav_h = 84 * unit if navs else 0.0
    bottom = screen.bottom - nav_h - 12 * unit
    if heads:
        head_region = Region(content.x, y + 8 * unit, content.w, 90 * unit)
        head_nodes, used = stack(
            ctx, entries_for(ctx, heads), head_region, align="left", on=pal.background, z=4
        )
        children.extend(head_nodes)
        y += used + 24 * unit
    else:
        y += 16 * unit
    if values:
        n = len(values)
        # the second variant of a screen sets its values as a 2-up grid instead of a list
        cols = 2 if n >= 4 or (ctx.mirrored and n >= 2) else 1
        rows_n = (n + cols - 1) // cols
        avail = bottom - y - (140 * unit if rest or buttons else 0)
        card_h = min(132 * unit, (avail - 14 * unit * (rows_n - 1)) / rows_n)
        col_regions = Region(content.x, y, content.w, card_h).cols(cols, 14 * unit)
        for k, item in enumerate(values):
            r, c = divmod(k, cols)
            cell = Region(col_regions[c].x, y + r * (card_h + 14 * unit), col_regions[c].w, card_h)
            children.extend(_value_card(ctx, item, cell, unit))
        y += rows_n * card_h + 14 * unit * (rows_n - 1) + 24 * unit
    if rest:
        region = Region(content.x, y, content.w, max(0.0, bottom - y - (64 * unit if buttons else 0)))
        rest_nodes, used = stack(ctx, entries_for(ctx, rest), region, align="left", on=pal.background, z=4)
        children.extend(rest_nodes)
        y += used + 20 * unit
    player = not values and bool(_PLAYER.search(low))
    # a player sets its buttons side by side in one row, under its transport
    button_rows = (1 if player else len(buttons)) if buttons else 0
    reserve = button_rows * 68 * unit + 12 * unit if buttons else 0.0
    if player:
        reserve += _TRANSPORT_H * unit
    free = bottom - reserve - y
    if player and free > 160 * unit:
        side = min(content.w, free - 28 * unit)
        art = Region(content.cx - side / 2, y + (free - 28 * unit - side) * 0.45, side, side)
        children.extend(_player(ctx, art, content, unit))
        y = art.bottom + 28 * unit + _TRANSPORT_H * unit
    elif not values and free > 220 * unit:
        # a screen with no figures to list (a player, a feed, a product page): its media card fills the
        # space between the heading and the calls to action, as the artwork does on a real screen
        side = min(content.w, free - 28 * unit)
        art = Region(content.cx - side / 2, y + (free - 28 * unit - side) * 0.4, side, side)
        children.append(
            ctx.image(
                art, style=ctx.fill_style or None, prompt=ctx.fill_prompt, radius=18 * unit, z=3, stem="media"
            )
        )
        y = art.bottom + 28 * unit
    if buttons and player:
        # a player's calls to action: one row of pills, the first on the accent, the others outlined
        bgap = 12 * unit
        bh = min(56 * unit, bottom - y)
        by = max(y, bottom - bh - 12 * unit)
        cells = Region(content.x, by, content.w, bh).cols(len(buttons), bgap)
        for k, (item, cell) in enumerate(zip(block_order(buttons), cells, strict=True)):
            if k:
                children.append(
                    ctx.shape(
                        cell,
                        "rounded_rect",
                        fill=pal.background,
                        stroke=pal.accent,
                        stroke_width=max(2.0, 2 * unit),
                        radius=bh / 2,
                        z=4,
                        stem="button-outline",
                    )
                )
            children.append(
                ctx.text(
                    item,
                    cell,
                    role="button",
                    size=min(20 * unit, bh * 0.5),
                    align="center",
                    valign="middle",
                    plate=None if k else pal.accent,
                    on=pal.background,
                    color=pal.accent if k else pal.on_accent,
                    max_lines=1,
                    z=5,
                )
            )
    elif buttons:
        # calls to action sit at the bottom of the content, above the nav bar, as on real screens
        bgap = 12 * unit
        bh = min(56 * unit, (bottom - y - bgap * (len(buttons) - 1)) / len(buttons))
        by = max(y, bottom - len(buttons) * bh - (len(buttons) - 1) * bgap - 12 * unit)
        for item in block_order(buttons):
            children.append(
                ctx.text(
                    item,
                    Region(content.x, by, content.w, bh),
                    role="button",
                    size=min(20 * unit, bh * 0.5),
                    align="center",
                    valign="middle",
                    plate=pal.accent,
                    color=pal.on_accent,
                    max_lines=1,
                    z=4,
                )
            )
            by += bh + bgap
    if navs:
        nav_region = Region(screen.x, screen.bottom - nav_h, screen.w, nav_h)
        children.append(ctx.shape(nav_region, "rect", fill=pal.surface, z=3, stem="navbar-bg"))
        children.append(
            ctx.shape(
                Region(nav_region.x, nav_region.y, nav_region.w, max(1.0, unit)),
                "divider",
                fill=pal.muted,
                z=4,
                stem="divider",
            )
        )
        nav_children: list[Node] = []
        cells = nav_region.inset(pad, 8 * unit).cols(len(navs), 8 * unit)
        for k, (item, cell) in enumerate(zip(navs, cells, strict=True)):
            icon_r = Region(cell.x, cell.y, cell.w, cell.h * 0.5)
            color = pal.accent if k == 0 else pal.muted
            nav_children.append(ctx.icon(icon_r, icon_for(item.text, "circle"), color, z=5))
            label_r = Region(cell.x, cell.y + cell.h * 0.56, cell.w, cell.h * 0.44)
            nav_children.append(
                ctx.text(
                    item,
                    label_r,
                    role="nav",
                    size=ctx.role_size("nav") * 1.0,
                    align="center",
                    valign="top",
                    on=pal.surface,
                    max_lines=1,
                    z=5,
                )
            )
        children.append(
            GroupNode(
                id=ctx.new_id("navbar"),
                box=nav_region.box(),
                z=4,
                role="navbar",
                children=nav_children,
                clip=False,
            )
        )
    group = GroupNode(
        id=ctx.new_id("phone" if framed else "screen"),
        box=body.box(),
        z=1,
        role="phone" if framed else "screen",
        radius=radius,
        children=children,
        clip=False,
        note="device frame" if framed else None,
    )
    return [*outer, group]


#: a screen that plays something: its media card is the cover art, with a progress bar and transport under it
_PLAYER = re.compile(
    r"now playing|\b(?:music|songs?|podcasts?|album|playlists?|radio)\b|\b(?:audio|media|mp3|video) player\b"
)
#: the picture a player's brief names for its cover ("album art of a lighthouse at dusk")
_COVER_OF = re.compile(
    r"\b(?:album|cover|artwork|art)\s+(?:art\s+|artwork\s+)?(?:of|showing|with)\s+([^,.;:]+)", re.I
)
#: the height (iOS points) of a player's progress bar and transport row under its cover
_TRANSPORT_H = 112.0


def _player(ctx: Ctx, art: Region, content: Region, unit: float) -> list[Node]:
    """A music player's cover (the illustrator's picture of what the brief names, else a soft gradient
    cover), then the progress bar (track, played part, knob; no invented times) and the transport row:
    shuffle, previous, a large play button, next, repeat (Material icons)."""
    pal = ctx.theme.palette
    named = _COVER_OF.search(ctx.content.masked)
    if named:
        cover = ctx.image(art, style="abstract", prompt=named.group(1), radius=18 * unit, z=3, stem="media")
    else:
        # nothing pictured by name: a soft gradient cover in the theme's colours (not the app's tab words
        # drawn as things in a room)
        cover = ctx.image(
            art, style="gradient", prompt="album cover", radius=18 * unit, z=3, stem="media"
        ).model_copy(
            update={
                "colors": [
                    mix(pal.accent, "#000000", 0.35),
                    pal.accent,
                    mix(pal.accent, "#ffffff", 0.45),
                    pal.primary,
                    mix(pal.secondary, pal.accent, 0.5),
                ]
            }
        )
    nodes: list[Node] = [cover]
    y = art.bottom + 28 * unit
    track_h = max(3.0, 5 * unit)
    played = 0.38
    track = Region(content.x, y, content.w, track_h)
    nodes.append(
        ctx.shape(
            track,
            "rounded_rect",
            fill=mix(pal.background, pal.muted, 0.45),
            radius=track_h / 2,
            z=4,
            stem="progress-track",
        )
    )
    nodes.append(
        ctx.shape(
            Region(track.x, track.y, track.w * played, track_h),
            "rounded_rect",
            fill=pal.accent,
            radius=track_h / 2,
            z=5,
            stem="progress",
        )
    )
    knob = 16 * unit
    nodes.append(
        ctx.shape(
            Region(track.x + track.w * played - knob / 2, track.y + track_h / 2 - knob / 2, knob, knob),
            "ellipse",
            fill=pal.accent,
            z=6,
            stem="progress-knob",
        )
    )
    row = Region(content.x, y + 26 * unit, content.w, 64 * unit)
    cells = row.cols(5, 8 * unit)
    names = ("shuffle", "skip_previous", "play_circle_filled", "skip_next", "repeat")
    sizes = (0.42, 0.62, 1.0, 0.62, 0.42)
    for cell, name, k in zip(cells, names, sizes, strict=True):
        side = row.h * k
        color = pal.accent if name == "play_circle_filled" else (pal.text if k > 0.5 else pal.muted)
        nodes.append(ctx.icon(Region(cell.cx - side / 2, row.cy - side / 2, side, side), name, color, z=5))
    return nodes


def _value_card(ctx: Ctx, item: TextItem, cell: Region, unit: float) -> list[Node]:
    pal = ctx.theme.palette
    nodes: list[Node] = [ctx.card(cell, z=3, radius=20 * unit)]
    inner = cell.inset(18 * unit)
    icon_side = min(inner.h, 56 * unit)
    name = item.metric.icon if item.metric else icon_for(item.text)
    # the second arrangement puts the icon after the value
    icon_x = inner.right - icon_side if ctx.alt else inner.x
    nodes.append(
        ctx.icon(Region(icon_x, inner.cy - icon_side / 2, icon_side, icon_side), name, pal.accent, z=4)
    )
    text_x = inner.x if ctx.alt else inner.x + icon_side + 16 * unit
    text_r = Region(text_x, inner.y, inner.w - icon_side - 16 * unit, inner.h)
    nodes.append(
        ctx.text(
            item,
            text_r,
            role="stat_value",
            size=44 * unit,
            valign="middle",
            on=pal.surface,
            max_lines=1,
            z=4,
            color=pal.text,
            note=f"{item.metric.metric} value" if item.metric else None,
        )
    )
    return nodes
