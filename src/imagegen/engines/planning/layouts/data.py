"""Data family: infographic, spec sheet, label, menu, ticket -- designs made of rows and figures.

- infographic: title block, then one card per statistic (icon + the exact quoted text + a progress bar of
  its number), then any other text; codes and captions in the footer band.
- spec sheet / label: a bordered card; title, a ruled table of rows (each row one text node, exactly as
  quoted), then the codes side by side, then the caption.
- menu: title, then item rows with their prices right-aligned on the same line.
- ticket: a landscape card with a perforated stub holding the codes.
"""

from __future__ import annotations

import re

from ..plan import Node, TextNode
from ..reading.content import TextItem
from ..reading.icons import icon_for
from ..rules.contrast import LARGE_MIN, ensure_contrast, mix
from .common import FOOTER_ROLES, block_order, entries_for, footer, place_codes_row
from .dashboard import chart_node, counted, kpi_card, kpi_pairs
from .kit import Ctx, Region, StackEntry, code_region, stack
from .metrics import em_width

_HEAD_ROLES = ("masthead", "title", "headline", "subhead")


def layout_infographic(ctx: Ctx) -> list[Node]:
    """Place an infographic."""
    nodes: list[Node] = []
    safe = ctx.grid.safe
    pal = ctx.theme.palette
    heads = [i for i in ctx.items if i.role in _HEAD_ROLES]
    stats = [i for i in ctx.items if i.stat is not None and i not in heads]
    captions = [i for i in ctx.items if i.role in FOOTER_ROLES and i not in stats]
    pairs = kpi_pairs([i for i in ctx.items if i.role in ("kpi_label", "kpi_value")])
    in_pairs = {id(x) for p in pairs for x in p if x is not None}
    rest = [
        i
        for i in ctx.items
        if i not in heads and i not in stats and i not in captions and id(i) not in in_pairs
    ]
    foot_nodes, foot_h = footer(ctx, captions, ctx.codes, safe)
    nodes.extend(foot_nodes)
    area = safe.above(foot_h, ctx.gap * 2) if foot_h else safe
    y = area.y
    if heads:
        head_h = area.h * 0.24
        head_nodes, used = stack(
            ctx, entries_for(ctx, heads, boost=1.0), Region(area.x, y, area.w, head_h), align="left"
        )
        nodes.extend(head_nodes)
        y += used + ctx.gap * 2
        nodes.append(
            ctx.shape(
                Region(area.x, y, area.w * 0.18, max(4.0, 6 * ctx.unit)), "rect", fill=pal.accent, stem="rule"
            )
        )
        y += ctx.gap * 2
    n_kpi = max(len(pairs), counted(ctx, "kpi"))
    if n_kpi:
        # the brief's KPI cards (label over value), a row per three, before any chart or illustration
        per_row = min(n_kpi, 3)
        rows_n = (n_kpi + per_row - 1) // per_row
        card_h = min(240 * ctx.unit, (area.bottom - y) * 0.4 / rows_n)
        for r in range(rows_n):
            row = Region(area.x, y, area.w, card_h)
            for c, cell in enumerate(row.cols(per_row, ctx.gap * 1.5)):
                k = r * per_row + c
                if k < n_kpi:
                    nodes.append(kpi_card(ctx, cell, *(pairs[k] if k < len(pairs) else (None, None))))
            y += card_h + ctx.gap * 2
    body = Region(area.x, y, area.w, area.bottom - y)
    cards = stats
    rest_h = 0.0
    if rest:
        rest_h = min(body.h * 0.3, sum(ctx.role_size(i.role or "body") * 2.6 for i in rest))
    card_area = Region(body.x, body.y, body.w, body.h - (rest_h + ctx.gap * 2 if rest else 0))
    data_charts = [c for c in ctx.content.charts if c.points]
    if data_charts and not cards:
        # the brief's numbers: a chart per data set, labelled from them, on a card; no illustration beside
        # it (a decorative chart next to a real one would read as more data)
        cells = card_area.rows(len(data_charts), ctx.gap * 2)
        for spec, cell in zip(data_charts, cells, strict=True):
            nodes.append(ctx.card(cell, z=1))
            nodes.append(chart_node(ctx, spec, cell.inset(40 * ctx.unit)))
    elif len(cards) == 1:
        nodes.extend(_hero_stat(ctx, cards[0], card_area))
    elif cards:
        n = len(cards)
        cols = 2 if n >= 4 or (ctx.alt and n >= 2) else 1
        rows_n = (n + cols - 1) // cols
        card_h = min(
            (card_area.h - ctx.gap * 2 * (rows_n - 1)) / rows_n, (340 if rows_n == 1 else 300) * ctx.unit
        )
        grid_h = rows_n * card_h + ctx.gap * 2 * (rows_n - 1)
        top = card_area.y
        if card_area.h - grid_h > 0:
            # no decorative chart art under statistics (it would read as more data, with numbers nobody
            # gave): the sections share the room, a little more of it above them than below
            # a little room: the sections share it (no dead band under the last one)
            top = card_area.y + (card_area.h - grid_h) * 0.3
        col_regions = card_area.cols(cols, ctx.gap * 2)
        for k, item in enumerate(cards):
            r, c = divmod(k, cols)
            cell = Region(col_regions[c].x, top + r * (card_h + ctx.gap * 2), col_regions[c].w, card_h)
            nodes.extend(_stat_card(ctx, item, cell))
    elif card_area.h > 200 * ctx.unit:
        # no statistic at all: the subject's illustration holds the page
        nodes.append(_illustration(ctx, card_area))
    if rest:
        rest_region = Region(body.x, body.bottom - rest_h, body.w, rest_h)
        rest_nodes, _ = stack(ctx, entries_for(ctx, rest), rest_region, align="left", valign="top")
        nodes.extend(rest_nodes)
    return nodes


def _illustration(ctx: Ctx, art: Region) -> Node:
    """The data/subject illustration of an infographic (the renderer keys it to the brief's words)."""
    return ctx.image(
        art,
        style=ctx.fill_style or "data",
        prompt=ctx.fill_prompt,
        radius=ctx.theme.corner_radius * ctx.unit,
        z=0,
        stem="illustration",
    )


def _hero_stat(ctx: Ctx, item: TextItem, area: Region) -> list[Node]:
    """One statistic set as the page's hero: a card with a ring chart of its figure (its icon inside), the
    exact text large beside it and a bar under it; the illustration takes the rest of the page, so no
    panel is left dead. The second arrangement puts the illustration first."""
    pal = ctx.theme.palette
    if area.h > area.w * 1.1:
        return _hero_stat_tall(ctx, item, area)
    # no decorative chart art beside the figure (it would read as data nobody gave): the card is the page
    card = area
    nodes: list[Node] = [ctx.card(card, z=1)]
    inner = card.inset(36 * ctx.unit)
    bar_h = max(14.0, 22 * ctx.unit)
    body = Region(inner.x, inner.y, inner.w, inner.h - bar_h - ctx.gap * 2)
    ring_side = min(body.h, body.w * 0.4)
    right = ctx.mirrored
    ring_x = body.right - ring_side if right else body.x
    ring = Region(ring_x, body.cy - ring_side / 2, ring_side, ring_side)
    stat = item.stat
    if stat is not None:
        nodes.append(ctx.ring(ring, stat.label, stat.value, stat.maximum, stat.unit))
    name = icon_for(stat.label if stat else item.text, "insights")
    nodes.append(ctx.icon(ring.inset(ring_side * 0.3), name, pal.accent, z=3))
    text_x = body.x if right else ring.right + ctx.gap * 2
    text_region = Region(text_x, body.y, body.w - ring_side - ctx.gap * 2, body.h)
    nodes.append(
        ctx.text(
            item,
            text_region,
            role="stat",
            size=ctx.role_size("stat", 1.5 + item.font.size_step),
            align="right" if right else "left",
            valign="middle",
            on=pal.surface,
            max_lines=3,
            z=2,
        )
    )
    if stat is not None:
        bar = Region(inner.x, inner.bottom - bar_h, inner.w, bar_h)
        nodes.append(ctx.chart(bar, stat.label, stat.value, stat.maximum, stat.unit, z=2))
    return nodes


def _hero_stat_tall(ctx: Ctx, item: TextItem, area: Region) -> list[Node]:
    """One statistic on a tall page, the way a single-figure infographic is set: a large ring chart of the
    figure centred (its icon inside), the exact text centred with it, the bar across the card. The second
    arrangement sets the text above the ring; the mirrored one puts the bar at the head of the card."""
    pal = ctx.theme.palette
    nodes: list[Node] = [ctx.card(area, z=1)]
    inner = area.inset(48 * ctx.unit)
    bar_h = max(14.0, 22 * ctx.unit)
    ring_side = min(inner.w * 0.62, inner.h * 0.5)
    text_h = min(inner.h - ring_side - bar_h - ctx.gap * 6, ctx.role_size("stat", 2.0) * 4)
    block = ring_side + ctx.gap * 3 + text_h
    room = inner.h - bar_h - ctx.gap * 3
    top = inner.y + (bar_h + ctx.gap * 3 if ctx.mirrored else 0) + max(0.0, (room - block) * 0.45)
    text_first = ctx.alt
    ring_y = top + text_h + ctx.gap * 3 if text_first else top
    text_y = top if text_first else top + ring_side + ctx.gap * 3
    ring = Region(inner.cx - ring_side / 2, ring_y, ring_side, ring_side)
    stat = item.stat
    if stat is not None:
        nodes.append(ctx.ring(ring, stat.label, stat.value, stat.maximum, stat.unit))
    name = icon_for(stat.label if stat else item.text, "insights")
    nodes.append(ctx.icon(ring.inset(ring_side * 0.3), name, pal.accent, z=3))
    nodes.append(
        ctx.text(
            item,
            Region(inner.x, text_y, inner.w, text_h),
            role="stat",
            size=ctx.role_size("stat", 2.0 + item.font.size_step),
            align="center",
            valign="bottom" if text_first else "top",
            on=pal.surface,
            max_lines=3,
            z=2,
        )
    )
    if stat is not None:
        bar_y = inner.y if ctx.mirrored else inner.bottom - bar_h
        bar = Region(inner.x, bar_y, inner.w, bar_h)
        nodes.append(ctx.chart(bar, stat.label, stat.value, stat.maximum, stat.unit, z=2))
    return nodes


def _stat_card(ctx: Ctx, item: TextItem, cell: Region) -> list[Node]:
    pal = ctx.theme.palette
    nodes: list[Node] = [ctx.card(cell, z=1)]
    inner = cell.inset(28 * ctx.unit)
    icon_side = min(inner.h * 0.42, 96 * ctx.unit)
    # mirrored variants put the icon on the right and right-align the figure
    right = ctx.mirrored
    icon_x = inner.right - icon_side if right else inner.x
    icon_box = Region(icon_x, inner.y, icon_side, icon_side)
    nodes.append(
        ctx.icon(icon_box, icon_for(item.stat.label if item.stat else item.text, "insights"), pal.accent)
    )
    text_x = inner.x if right else inner.x + icon_side + ctx.gap
    text_region = Region(text_x, inner.y, inner.w - icon_side - ctx.gap, inner.h * 0.58)
    nodes.append(
        ctx.text(
            item,
            text_region,
            role="stat",
            align="right" if right else "left",
            valign="middle",
            on=pal.surface,
            max_lines=2,
            z=2,
        )
    )
    bar_h = max(14.0, inner.h * 0.14)
    bar = Region(inner.x, inner.bottom - bar_h, inner.w, bar_h)
    if item.stat:
        nodes.append(ctx.chart(bar, item.stat.label, item.stat.value, item.stat.maximum, item.stat.unit, z=2))
    return nodes


def layout_rows(ctx: Ctx) -> list[Node]:
    """Place a spec sheet or label: a ruled table of rows on a card, then codes, then the caption. A spec
    sheet that names its product is :func:`_spec_sheet` (the product pictured beside its rows)."""
    heads = [i for i in ctx.items if i.role in _HEAD_ROLES]
    if ctx.archetype == "spec_sheet" and (heads or ctx.fill_prompt):
        return _spec_sheet(ctx, heads)
    nodes: list[Node] = []
    pal = ctx.theme.palette
    safe = ctx.grid.safe
    # the second arrangement sets the label as a narrower card with more margin around it
    card = safe.inset(safe.w * 0.05, 0) if ctx.alt else safe
    nodes.append(ctx.card(card, z=0, bordered=True))
    inner = card.inset(48 * ctx.unit)
    heads = [i for i in ctx.items if i.role in _HEAD_ROLES]
    captions = [i for i in ctx.items if i.role in FOOTER_ROLES]
    rows = [i for i in ctx.items if i not in heads and i not in captions]
    y = inner.y
    if heads:
        head_nodes, used = stack(
            ctx,
            entries_for(ctx, heads),
            Region(inner.x, y, inner.w, inner.h * 0.2),
            align="left",
            on=pal.surface,
        )
        nodes.extend(head_nodes)
        y += used + ctx.gap * 2
    cap_h = 0.0
    if captions:
        cap_h = sum(ctx.role_size(c.role or "caption", c.font.size_step) * 1.6 for c in captions) + ctx.gap
    code_h = 0.0
    code_nodes: list[Node] = []
    bottom = inner.bottom - (cap_h + ctx.gap * 2 if captions else 0)
    if ctx.codes:
        code_band = Region(inner.x, y, inner.w, bottom - y)
        side = (
            ("left" if ctx.mirrored else "center")
            if len(ctx.codes) > 1
            else (ctx.codes[0].placement.h or ("right" if ctx.mirrored else "left"))
        )
        code_nodes, code_h, _ = place_codes_row(ctx, ctx.codes, code_band, align=side, scale=1.3)
        code_h = min(code_h, (bottom - y) * 0.4)
    table = Region(inner.x, y, inner.w, bottom - y - (code_h + ctx.gap * 3 if ctx.codes else 0))
    if rows:
        n = len(rows)
        # few rows are set larger: a 4-row label should not look like a 12-row data sheet
        size = ctx.role_size("row", 1.5 if n <= 4 else 1.0)
        row_h = min(table.h / n, size * 3.2)
        for k, item in enumerate(block_order(rows)):
            cell = Region(table.x, table.y + k * row_h, table.w, row_h)
            nodes.append(
                ctx.text(
                    item,
                    cell.inset(0, row_h * 0.14),
                    role=item.role or "row",
                    size=size,
                    valign="middle",
                    on=pal.surface,
                    max_lines=2,
                )
            )
            if k < n - 1:
                nodes.append(ctx.divider(cell.x, cell.bottom - 1, cell.w))
    nodes.extend(code_nodes)
    if captions:
        cap_region = Region(inner.x, inner.bottom - cap_h, inner.w, cap_h)
        entries = [
            StackEntry(c, c.role or "caption", ctx.role_size(c.role or "caption", c.font.size_step), 2)
            for c in captions
        ]
        cap_nodes, _ = stack(ctx, entries, cap_region, align="left", valign="bottom", on=pal.surface)
        nodes.extend(cap_nodes)
    return nodes


def _spec_sheet(ctx: Ctx, heads: list[TextItem]) -> list[Node]:
    """A product spec sheet, the way a catalogue sets one: the product's name on an accent title band, the
    product pictured on a panel (the illustrator's drawing of what the name names: "Arc Floor Lamp" is an
    arc floor lamp), the rows as a striped table beside it (landscape) or under it (portrait), then the
    codes, then a footer line with the caption. Each row stays one text node, exactly as quoted. With no
    name to set (the brief's name was not read as a title) the band is a slim accent strip and the panel
    pictures what the brief names."""
    nodes: list[Node] = []
    pal = ctx.theme.palette
    safe = ctx.grid.safe
    card = safe.inset(safe.w * 0.03, 0) if ctx.alt else safe
    nodes.append(ctx.card(card, z=0, bordered=True))
    pad = 44 * ctx.unit
    captions = [i for i in ctx.items if i.role in FOOTER_ROLES]
    rows = block_order([i for i in ctx.items if i not in heads and i not in captions])
    # the title band: the product's name on the accent, across the head of the card
    band_h = (
        max(
            ctx.role_size("title", heads[0].font.size_step) * 2.4
            + sum(ctx.role_size("subhead") * 1.5 for _ in heads[1:]),
            card.h * (0.1 if card.h > card.w else 0.16),
        )
        if heads
        else max(8.0, 16 * ctx.unit) + ctx.theme.corner_radius * ctx.unit
    )
    band = Region(card.x, card.y, card.w, band_h)
    nodes.append(
        ctx.shape(
            band,
            "rounded_rect",
            fill=pal.accent,
            radius=ctx.theme.corner_radius * ctx.unit,
            z=1,
            stem="title-band",
        )
    )
    # square off the band's lower corners where it meets the sheet
    corner = ctx.theme.corner_radius * ctx.unit
    if corner:
        nodes.append(
            ctx.shape(
                Region(band.x, band.bottom - corner, band.w, corner),
                "rect",
                fill=pal.accent,
                z=1,
                stem="title-band",
            )
        )
    head_nodes, _ = stack(
        ctx,
        entries_for(ctx, heads),
        band.inset(pad, pad * 0.5),
        align="left",
        valign="middle",
        on=pal.accent,
        z=2,
    )
    nodes.extend(
        n.model_copy(update={"color": ensure_contrast(pal.on_accent, pal.accent, LARGE_MIN)})
        if isinstance(n, TextNode)
        else n
        for n in head_nodes
    )
    inner = Region(card.x + pad, band.bottom + pad, card.w - 2 * pad, card.bottom - band.bottom - 2 * pad)
    # the footer line: a rule, then the caption (and the codes on its right when there are any)
    foot_h = 0.0
    if captions or ctx.codes:
        cap_h = sum(ctx.role_size(c.role or "caption", c.font.size_step) * 1.7 for c in captions)
        code_h = code_region(ctx.codes[0], inner, ctx.unit, 1.0)[1] if ctx.codes else 0.0
        foot_h = max(cap_h, min(code_h, inner.h * 0.22)) + ctx.gap
        foot = Region(inner.x, inner.bottom - foot_h, inner.w, foot_h)
        nodes.append(ctx.divider(inner.x, foot.y - ctx.gap, inner.w))
        text_w = inner.w * (0.5 if ctx.codes else 1.0)
        if captions:
            entries = [
                StackEntry(c, c.role or "caption", ctx.role_size(c.role or "caption", c.font.size_step), 2)
                for c in captions
            ]
            cap_nodes, _ = stack(
                ctx,
                entries,
                Region(foot.x, foot.y, text_w, foot.h),
                align="left",
                valign="middle",
                on=pal.surface,
            )
            nodes.extend(cap_nodes)
        if ctx.codes:
            code_band = Region(
                foot.x + (inner.w - text_w if captions else 0),
                foot.y,
                text_w if captions else inner.w,
                foot.h,
            )
            code_nodes, _, _ = place_codes_row(
                ctx, ctx.codes, code_band, align="right" if captions else "center"
            )
            nodes.extend(code_nodes)
        inner = Region(inner.x, inner.y, inner.w, inner.h - foot_h - ctx.gap * 3)
    portrait = inner.h > inner.w * 1.1
    n = max(1, len(rows))
    # few rows are set larger (a 3-row sheet should not look like a 12-row one)
    size = ctx.role_size("row", 1.5 if n <= 4 else 1.0 if n <= 6 else 0.5)
    row_h = size * 2.6
    if portrait:
        table_h = min(inner.h * 0.5, row_h * n)
        pic = Region(inner.x, inner.y, inner.w, inner.h - table_h - ctx.gap * 3)
        table = Region(inner.x, pic.bottom + ctx.gap * 3, inner.w, table_h)
    else:
        pic_w = inner.w * 0.44
        pic_x = inner.right - pic_w if ctx.mirrored else inner.x
        pic = Region(pic_x, inner.y, pic_w, inner.h)
        table_x = inner.x if ctx.mirrored else pic.right + ctx.gap * 3
        table_h = min(inner.h, row_h * n)
        table = Region(table_x, inner.y + (inner.h - table_h) * 0.4, inner.w - pic_w - ctx.gap * 3, table_h)
    # the product on its panel: a light ground, the drawing of what the title names
    nodes.append(
        ctx.image(
            pic,
            style="product",
            prompt=heads[0].text if heads else ctx.fill_prompt,
            radius=ctx.theme.corner_radius * ctx.unit,
            z=1,
            stem="product-picture",
        )
    )
    if rows:
        row_h = table.h / len(rows)
        stripe = mix(pal.surface, pal.accent, 0.07)
        for k, item in enumerate(rows):
            cell = Region(table.x, table.y + k * row_h, table.w, row_h)
            ground = stripe if k % 2 == 0 else pal.surface
            if k % 2 == 0:
                nodes.append(ctx.shape(cell, "rect", fill=stripe, z=1, stem="row-stripe"))
            nodes.append(
                ctx.text(
                    item,
                    cell.inset(pad * 0.5, row_h * 0.16),
                    role=item.role or "row",
                    size=size,
                    valign="middle",
                    on=ground,
                    color=pal.text,
                    max_lines=2,
                    z=2,
                )
            )
        nodes.append(ctx.divider(table.x, table.bottom, table.w))
    return nodes


def layout_menu(ctx: Ctx) -> list[Node]:
    """Place a menu: title, then items with prices on the same line, then notes."""
    nodes: list[Node] = []
    safe = ctx.grid.safe
    heads = [i for i in ctx.items if i.role in _HEAD_ROLES]
    captions = [i for i in ctx.items if i.role in FOOTER_ROLES]
    items = [i for i in ctx.items if i not in heads and i not in captions]
    foot_nodes, foot_h = footer(ctx, captions, ctx.codes, safe)
    nodes.extend(foot_nodes)
    area = safe.above(foot_h, ctx.gap * 2) if foot_h else safe
    y = area.y
    if heads:
        head_nodes, used = stack(
            ctx, entries_for(ctx, heads, boost=0.5), Region(area.x, y, area.w, area.h * 0.22), align="center"
        )
        nodes.extend(head_nodes)
        y += used + ctx.gap * 1.5
        # a short accent rule under the name, centred like it (the menu's one ornament)
        rule_w = area.w * 0.12
        nodes.append(
            ctx.shape(
                Region(area.cx - rule_w / 2, y, rule_w, max(3.0, 5 * ctx.unit)),
                "rect",
                fill=ctx.theme.palette.accent,
                stem="rule",
            )
        )
        y += ctx.gap * 3
    # the menu's sections the brief named ("sections (Breakfast, Lunch, Drinks)"): its structure, set under
    # the name; the brief does not say which dish is in which, so none is filed under one
    sections = [i for i in items if i.role == "label"]
    items = [i for i in items if i not in sections]
    if sections:
        sec_nodes, used = _menu_sections(ctx, sections, Region(area.x, y, area.w, area.bottom - y), not items)
        nodes.extend(sec_nodes)
        y += used + ctx.gap * 3
    table = Region(area.x, y, area.w, area.bottom - y).inset(area.w * 0.04, 0)
    if not items:
        # the brief named no dishes (none is invented: the plan's ask says so, ``planner/asks.py``): the menu
        # is its cover -- the name (and its sections) over a still life of the fare, not an empty page
        if ctx.fill_prompt and table.h > 200 * ctx.unit:
            nodes.append(
                ctx.image(
                    Region(area.x, table.y, area.w, table.h),
                    style=ctx.fill_style or None,
                    # the fare the brief's words name; when they name none, the next sentence's plate (the
                    # illustrations take things from the first sentence that names any)
                    prompt=f"On a table, {ctx.fill_prompt}. A plate",
                    radius=ctx.theme.corner_radius * ctx.unit,
                    z=0,
                    stem="menu-art",
                ).model_copy(update={"note": "no dishes given: the fare pictured, no names invented"})
            )
        return nodes
    prices = {i.price_for: i for i in items if i.price_for is not None}
    rows = [i for i in items if i.price_for is None or i.price_for not in {x.at for x in items}]
    size = ctx.role_size("item", 1.0)
    row_h = min(table.h / len(rows), size * 3.0)
    # the list sits in the optical center of what is left, rules between the lines; a short list on a tall
    # page follows the name and a picture of the fare takes the foot (not a void above and below it)
    list_h = row_h * len(rows)
    top = table.y + max(0.0, (table.h - list_h) * 0.4)
    if table.h - list_h > area.h * 0.3:
        top = table.y
        art_y = top + list_h + ctx.gap * 3
        art = Region(area.x, art_y, area.w, area.bottom - art_y)
        nodes.append(
            ctx.image(
                art,
                style=ctx.fill_style or None,
                # the fare on a table (a still life), not the street the cafe is on
                prompt=f"On a table, {ctx.fill_prompt}" if ctx.fill_prompt else None,
                radius=ctx.theme.corner_radius * ctx.unit,
                z=0,
                stem="menu-art",
            )
        )
    pal = ctx.theme.palette
    for k, item in enumerate(sorted(rows, key=lambda i: i.order)):
        cell = Region(table.x, top + k * row_h, table.w, row_h)
        price_item = prices.get(item.at)
        if price_item is not None:
            name_r = ctx.grid.span(0, 9, cell)
            price_r = ctx.grid.span(9, 3, cell)
            nodes.append(
                ctx.text(item, name_r, role=item.role or "item", size=size, valign="middle", max_lines=2)
            )
            nodes.append(
                ctx.text(
                    price_item,
                    price_r,
                    role="price",
                    size=size,
                    align="right",
                    valign="middle",
                    max_lines=1,
                    color=pal.primary,
                )
            )
        else:
            nodes.append(
                ctx.text(item, cell, role=item.role or "item", size=size, valign="middle", max_lines=2)
            )
        if k < len(rows) - 1:
            nodes.append(ctx.divider(cell.x, cell.bottom - 1, cell.w))
    return nodes


def _menu_sections(
    ctx: Ctx, sections: list[TextItem], region: Region, alone: bool
) -> tuple[list[Node], float]:
    """The sections' names: ``alone`` (no dishes), a centred column in the heading face with a small accent
    diamond between them, like a menu's contents; beside dishes, one centred row of small names. Returns
    (nodes, height used)."""
    pal = ctx.theme.palette
    nodes: list[Node] = []
    ordered = sorted(sections, key=lambda i: i.order)
    if alone:
        size = ctx.role_size("subhead", 0.5)
        line_h = size * 1.5
        mark = max(6.0, 10 * ctx.unit)
        step = line_h + mark + ctx.gap * 2
        height = min(region.h * 0.45, step * len(ordered) - mark - ctx.gap * 2)
        step = (height + mark + ctx.gap * 2) / len(ordered)
        line_h = min(line_h, step - mark - ctx.gap * 2)
        for k, item in enumerate(ordered):
            top = region.y + k * step
            nodes.append(
                ctx.text(
                    item,
                    Region(region.x, top, region.w, line_h),
                    role="subhead",
                    size=size,
                    align="center",
                    valign="middle",
                    max_lines=1,
                )
            )
            if k < len(ordered) - 1:
                cy = top + line_h + (step - line_h) / 2
                nodes.append(
                    ctx.shape(
                        Region(region.cx - mark / 2, cy - mark / 2, mark, mark),
                        "ellipse",
                        fill=pal.accent,
                        stem="section-mark",
                    )
                )
        return nodes, height
    # one centred row, each name as wide as its words, an accent dot between two
    size = ctx.role_size("item", 0.5)
    h = size * 1.6
    gap = ctx.gap * 3
    widths = [em_width(i.text, ctx.font_for(i, "label")) * size * 1.08 + 4 for i in ordered]
    shrink = min(1.0, region.w / (sum(widths) + gap * (len(widths) - 1)))
    x = region.cx - (sum(widths) + gap * (len(widths) - 1)) * shrink / 2
    dot = max(5.0, 8 * ctx.unit)
    for n, (item, w) in enumerate(zip(ordered, widths, strict=True)):
        cell = Region(x, region.y, w * shrink, h)
        nodes.append(
            ctx.text(item, cell, role="label", size=size, align="center", valign="middle", max_lines=1)
        )
        x += (w + gap) * shrink
        if n < len(ordered) - 1:
            nodes.append(
                ctx.shape(
                    Region(x - gap * shrink / 2 - dot / 2, region.y + h / 2 - dot / 2, dot, dot),
                    "ellipse",
                    fill=pal.accent,
                    stem="section-mark",
                )
            )
    return nodes, h


def layout_ticket(ctx: Ctx) -> list[Node]:
    """Place a ticket: main panel with the text, a stub with the codes."""
    nodes: list[Node] = []
    pal = ctx.theme.palette
    safe = ctx.grid.safe
    nodes.append(ctx.ticket_frame(safe))
    stub_cols = 4 if ctx.codes else 3
    main = ctx.grid.span(0, 12 - stub_cols, safe).inset(40 * ctx.unit)
    stub = ctx.grid.span(12 - stub_cols, stub_cols, safe).inset(32 * ctx.unit)
    if ctx.mirrored:
        main = ctx.grid.span(stub_cols, 12 - stub_cols, safe).inset(40 * ctx.unit)
        stub = ctx.grid.span(0, stub_cols, safe).inset(32 * ctx.unit)
    perf_x = (main.right + stub.x) / 2 if not ctx.mirrored else (stub.right + main.x) / 2
    if not ctx.codes:
        # nothing to print on the stub: it is the ticket's colour block (a real stub is rarely blank paper)
        band = (
            Region(perf_x, safe.y, safe.right - perf_x, safe.h)
            if not ctx.mirrored
            else Region(safe.x, safe.y, perf_x - safe.x, safe.h)
        )
        nodes.append(
            ctx.shape(
                band,
                "rounded_rect",
                fill=pal.accent,
                radius=ctx.theme.corner_radius * ctx.unit,
                z=0,
                stem="stub",
            )
        )
    # the tear line: a dashed perforation with a notch bitten out of each edge
    dash, step = max(3.0, 10 * ctx.unit), max(6.0, 22 * ctx.unit)
    thick = max(2.0, 3 * ctx.unit)
    notch = max(16.0, 56 * ctx.unit)
    y = safe.y + notch
    while y + dash <= safe.bottom - notch:
        nodes.append(
            ctx.shape(
                Region(perf_x - thick / 2, y, thick, dash), "rect", fill=pal.muted, z=1, stem="perforation"
            )
        )
        y += step
    for ny in (safe.y - notch / 2, safe.bottom - notch / 2):
        nodes.append(
            ctx.shape(
                Region(perf_x - notch / 2, max(0.0, ny), notch, notch),
                "ellipse",
                fill=pal.background,
                z=1,
                stem="notch",
            )
        )
    nodes.extend(_ticket_face(ctx, main, stub, perf_x))
    return nodes


#: words of a brief whose event the art band draws procedurally (the illustration set has no picture of it)
_AURORA = re.compile(r"northern lights|aurora|borealis")
_STAGE = re.compile(
    r"\b(?:concerts?|gigs?|live|band|music|festival|orchestra|symphony|dj|opera|jazz|choir|recital)\b"
)
_TIME = re.compile(r"\b\d{1,2}(?:[:.]\d{2})\s*(?:[ap]\.?m\.?)?(?!\d)|\b\d{1,2}\s*[ap]\.?m\b", re.I)


def _ticket_art(ctx: Ctx, region: Region) -> Node:
    """The ticket's art band: the event drawn (the northern lights for an aurora show, a lit stage and its
    crowd for a concert), else the illustrator's picture of what the brief names."""
    words = ctx.content.masked.lower()
    radius = ctx.theme.corner_radius * ctx.unit
    if _AURORA.search(words):
        return ctx.image(
            region, style="aurora", prompt="the northern lights", radius=radius, z=1, stem="art-band"
        )
    if _STAGE.search(words):
        return ctx.image(region, style="stage", prompt="a concert stage", radius=radius, z=1, stem="art-band")
    return ctx.image(
        region, style=ctx.fill_style or None, prompt=ctx.fill_prompt, radius=radius, z=1, stem="art-band"
    )


def _detail_icon(item: TextItem) -> str:
    """The icon that labels a ticket detail (no invented label text: an icon says what the field is)."""
    if item.role == "seat":
        return "event_seat"
    if _TIME.search(item.text):
        return "schedule"
    if item.role == "date":
        return "event"
    if item.role in ("venue", "place", "location", "address"):
        return "place"
    return icon_for(item.text, "confirmation_number")


def _ticket_face(ctx: Ctx, main: Region, stub: Region, perf_x: float) -> list[Node]:
    """The ticket's main part and stub: the art band across the top of the main part, the title large
    under it, the details in a grid (an icon over each), and on the stub the seat over the codes."""
    nodes: list[Node] = []
    pal = ctx.theme.palette
    safe = ctx.grid.safe
    heads = [i for i in ctx.items if i.role in _HEAD_ROLES]
    seats = [i for i in ctx.items if i.role == "seat"] if ctx.codes else []
    details = block_order([i for i in ctx.items if i not in heads and i not in seats])
    edge = 14 * ctx.unit
    art_x0 = safe.x + edge if not ctx.mirrored else perf_x + edge
    art_x1 = perf_x - edge if not ctx.mirrored else safe.right - edge
    art = Region(art_x0, safe.y + edge, art_x1 - art_x0, safe.h * (0.42 if ctx.alt else 0.46))
    nodes.append(_ticket_art(ctx, art))
    body = Region(main.x, art.bottom + ctx.gap * 2, main.w, main.bottom - art.bottom - ctx.gap * 2)
    y = body.y
    if heads:
        head_h = body.h * (0.42 if details else 1.0)
        head_nodes, used = stack(
            ctx,
            entries_for(ctx, heads, boost=0.8),
            Region(body.x, y, body.w, head_h),
            align="left",
            valign="top",
            on=pal.surface,
        )
        nodes.extend(head_nodes)
        y += used + ctx.gap * 2
    if details:
        cols = min(len(details), 3)
        rows_n = (len(details) + cols - 1) // cols
        grid = Region(body.x, y, body.w, body.bottom - y)
        detail_size = ctx.role_size("body", 1.0)
        icon_side = 40 * ctx.unit
        cell_h = min(grid.h / rows_n, detail_size * 2.8 + icon_side + ctx.gap)
        icon_side = min(icon_side, cell_h * 0.36)
        col_regions = grid.cols(cols, ctx.gap * 2)
        for k, item in enumerate(details):
            r, c = divmod(k, cols)
            cell = Region(col_regions[c].x, grid.y + r * cell_h, col_regions[c].w, cell_h)
            nodes.append(
                ctx.icon(Region(cell.x, cell.y, icon_side, icon_side), _detail_icon(item), pal.accent, z=2)
            )
            nodes.append(
                ctx.text(
                    item,
                    Region(cell.x, cell.y + icon_side + ctx.gap * 0.5, cell.w, cell_h - icon_side - ctx.gap),
                    role=item.role or "body",
                    size=detail_size,
                    valign="top",
                    on=pal.surface,
                    color=pal.text,
                    max_lines=2,
                )
            )
        y = grid.y + (rows_n - 1) * cell_h + icon_side + ctx.gap * 0.5 + detail_size * 1.3
    # the name and the details as one block, a little above the middle of the room under the art
    shift = max(0.0, (body.bottom - y) * 0.4)
    if shift:
        nodes[1:] = [
            n.model_copy(update={"box": n.box.model_copy(update={"y": n.box.y + shift})}) for n in nodes[1:]
        ]
    if ctx.codes:
        top = stub.y
        if seats:
            # the seat over the code, the pair centred on the stub
            code_h = code_region(ctx.codes[0], stub, ctx.unit)[1]
            seat_h = min(stub.h * 0.3, ctx.role_size("subhead") * 4.5)
            stub = Region(stub.x, stub.y, stub.w, stub.h).inset(
                0, max(0.0, (stub.h - seat_h - code_h - ctx.gap * 3) / 2)
            )
            for k, item in enumerate(seats):
                cell = Region(stub.x, stub.y + k * seat_h / len(seats), stub.w, seat_h / len(seats))
                nodes.append(ctx.icon(Region(cell.x, cell.y, cell.w, cell.h * 0.4), "event_seat", pal.accent))
                nodes.append(
                    ctx.text(
                        item,
                        Region(cell.x, cell.y + cell.h * 0.45, cell.w, cell.h * 0.55),
                        role=item.role or "seat",
                        size=ctx.role_size("subhead"),
                        align="center",
                        valign="top",
                        on=pal.surface,
                        max_lines=2,
                        font=ctx.font_for(item, "subhead"),
                    )
                )
            top = stub.y + seat_h + ctx.gap
        code_nodes, _, _ = place_codes_row(
            ctx, ctx.codes[:1], Region(stub.x, top, stub.w, stub.bottom - top), align="center"
        )
        nodes.extend(code_nodes)
        if len(ctx.codes) > 1:
            extra, _, _ = place_codes_row(
                ctx,
                ctx.codes[1:],
                Region(stub.x, top, stub.w, (stub.bottom - top) * 0.45),
                align="center",
                scale=0.7,
            )
            nodes.extend(extra)
    return nodes
