"""Dashboard family: a web/SaaS dashboard, laid out the way such products look.

- a sidebar (left on landscape and square canvases, a top bar on portrait ones) with one row per nav label,
  each led by an icon for its word, the first one highlighted on an accent plate;
- a header: the title (and subhead) top left;
- one KPI card per label/value pair the brief listed (label small and muted over the value set large), as
  many cards as the brief counted ("three KPI cards": empty cards when it counted more than it listed --
  never invented numbers);
- the charts the brief asked for: with its data (labelled bars/points/slices drawn from the numbers) or,
  without data, an empty frame that says "No data" (no series is invented);
- anything else (buttons, badges, dates, body) in a strip under the cards; codes in the footer.
"""

from __future__ import annotations

import colorsys
import re

from ..plan import ChartNode, DataPoint, GroupNode, Node
from ..reading.content import TextItem
from ..reading.listed import ChartSpec
from ..rules.contrast import LARGE_MIN, ensure_contrast
from .common import block_order, entries_for, footer
from .kit import Ctx, Region, stack

#: nav words -> Material Symbols names (the first match wins; ``chevron_right`` otherwise)
NAV_ICONS: tuple[tuple[str, str], ...] = (
    (r"overview|dashboard|home|summary", "dashboard"),
    (r"job|task|queue|pipeline|run", "work"),
    (r"asset|file|document|media|librar", "folder"),
    (r"setting|preference|config", "settings"),
    (r"report|analytic|insight|stat|metric", "bar_chart"),
    (r"user|team|member|people|customer|contact", "group"),
    (r"billing|payment|invoice|revenue|finance", "payments"),
    (r"message|inbox|mail|chat", "mail"),
    (r"calendar|schedule|event", "calendar_month"),
    (r"project|workspace", "folder"),
    (r"order|sale|shop|product|inventory", "inventory_2"),
    (r"alert|notification", "notifications"),
    (r"search|explore", "search"),
    (r"help|support|doc", "help"),
    (r"profile|account", "person"),
    (r"log ?out|sign ?out", "logout"),
)
_HEAD = ("title", "headline", "masthead", "subhead")


def nav_icon(label: str) -> str:
    low = label.lower()
    return next((name for pat, name in NAV_ICONS if re.search(pat, low)), "chevron_right")


def kpi_pairs(items: list[TextItem]) -> list[tuple[TextItem | None, TextItem | None]]:
    """(label, value) per KPI card, in the brief's order."""
    by_at = {i.at: i for i in items}
    pairs: list[tuple[TextItem | None, TextItem | None]] = []
    seen: set[int] = set()
    for it in sorted(items, key=lambda i: i.order):
        if it.role not in ("kpi_label", "kpi_value", "stat_value") or it.at in seen:
            continue
        partner = by_at.get(it.partner) if it.partner is not None else None
        seen.add(it.at)
        if partner is not None:
            seen.add(partner.at)
        label, value = (it, partner) if it.role == "kpi_label" else (partner, it)
        pairs.append((label, value))
    return pairs


def counted(ctx: Ctx, role: str) -> int:
    """How many of ``role`` the brief counted (0 when it gave no count)."""
    return max((c.n for c in ctx.content.counts if c.role == role), default=0)


def layout_dashboard(ctx: Ctx) -> list[Node]:
    """Place a dashboard."""
    pal = ctx.theme.palette
    nodes: list[Node] = []
    canvas = ctx.grid.canvas
    navs = [i for i in ctx.items if i.role == "nav"]
    pairs = kpi_pairs(ctx.items)
    in_pairs = {id(x) for p in pairs for x in p if x is not None}
    heads = [i for i in ctx.items if i.role in _HEAD]
    rest = [i for i in ctx.items if i not in navs and i not in heads and id(i) not in in_pairs]
    side = ctx.w >= ctx.h
    unit = ctx.unit
    pad = ctx.grid.margin
    if side:
        bar_w = max(canvas.w * 0.2, 260 * unit)
        bar = (
            Region(canvas.right - bar_w, 0, bar_w, canvas.h)
            if ctx.mirrored
            else Region(0, 0, bar_w, canvas.h)
        )
        main = (
            Region(0, 0, canvas.w - bar.w, canvas.h)
            if ctx.mirrored
            else Region(bar.right, 0, canvas.w - bar.w, canvas.h)
        ).inset(pad, pad)
    else:
        bar = Region(0, 0, canvas.w, max(canvas.h * 0.09, pad * 2 + 40 * unit))
        main = Region(0, bar.bottom, canvas.w, canvas.h - bar.h).inset(pad, pad * 0.5)
    bar_fill = pal.primary if not ctx.theme.dark else pal.surface
    nodes.append(ctx.shape(bar, "rect", fill=bar_fill, z=0, stem="sidebar"))
    if side:
        # the outer edge keeps the safe margin; the edge toward the content half of it
        left = pad * 0.5 if ctx.mirrored else pad
        nav_area = Region(bar.x + left, bar.y + pad, bar.w - pad * 1.5, bar.h - 2 * pad)
    else:
        nav_area = bar.inset(pad, pad)
    nodes.extend(_nav(ctx, navs, nav_area, side, bar_fill))
    foot_nodes, foot_h = footer(ctx, [], ctx.codes, main)
    nodes.extend(foot_nodes)
    area = main.above(foot_h, ctx.gap * 2) if foot_h else main
    y = area.y
    if heads:
        head_nodes, used = stack(
            ctx, entries_for(ctx, heads), Region(area.x, y, area.w * 0.75, area.h * 0.14), align="left"
        )
        nodes.extend(head_nodes)
        y += used + ctx.gap * 2
    n_cards = max(len(pairs), counted(ctx, "kpi"))
    if n_cards:
        card_h = min(area.h * 0.22, 210 * unit)
        row = Region(area.x, y, area.w, card_h)
        for k, cell in enumerate(row.cols(n_cards, ctx.gap * 1.5)):
            pair = pairs[k] if k < len(pairs) else (None, None)
            nodes.append(kpi_card(ctx, cell, *pair))
        y += card_h + ctx.gap * 2
    rest_h = 0.0
    if rest:
        rest_h = min(area.h * 0.2, sum(ctx.role_size(i.role or "body") * 2.2 for i in rest))
    charts = list(ctx.content.charts)
    chart_area = Region(area.x, y, area.w, area.bottom - y - (rest_h + ctx.gap * 2 if rest else 0))
    if charts and chart_area.h > 120 * unit:
        cells = chart_area.cols(len(charts), ctx.gap * 2)
        for spec, cell in zip(charts, cells, strict=True):
            nodes.append(ctx.card(cell, z=1))
            nodes.append(chart_node(ctx, spec, cell.inset(28 * unit)))
    if rest:
        rest_nodes, _ = stack(
            ctx,
            entries_for(ctx, block_order(rest)),
            Region(area.x, area.bottom - rest_h, area.w, rest_h),
            align="left",
            valign="top",
        )
        nodes.extend(rest_nodes)
    return nodes


def _nav(ctx: Ctx, navs: list[TextItem], inner: Region, side: bool, fill: str) -> list[Node]:
    pal = ctx.theme.palette
    if not navs:
        return []
    out: list[Node] = []
    unit = ctx.unit
    if side:
        row_h = min(inner.h / max(len(navs), 1), 76 * unit)
        top = inner.y + 40 * unit
        cells = [Region(inner.x, top + k * row_h, inner.w, row_h * 0.84) for k in range(len(navs))]
    else:
        cells = inner.cols(len(navs), ctx.gap)
    for k, (item, cell) in enumerate(zip(block_order(navs), cells, strict=True)):
        on = fill
        if k == 0:
            out.append(
                ctx.shape(cell, "rounded_rect", fill=pal.accent, radius=10 * unit, z=1, stem="nav-active")
            )
            on = pal.accent
        icon_side = min(cell.h * 0.5, 34 * unit)
        icon = Region(cell.x + 10 * unit, cell.cy - icon_side / 2, icon_side, icon_side)
        text_r = Region(icon.right + 10 * unit, cell.y, cell.right - icon.right - 14 * unit, cell.h)
        node = ctx.text(
            item, text_r, role="nav", size=ctx.role_size("body"), valign="middle", on=on, max_lines=1
        )
        out.append(ctx.icon(icon, nav_icon(item.text), node.color, z=2))
        out.append(node)
    return out


def kpi_card(ctx: Ctx, cell: Region, label: TextItem | None, value: TextItem | None) -> GroupNode:
    pal = ctx.theme.palette
    unit = ctx.unit
    children: list[Node] = [ctx.card(cell, z=1)]
    inner = cell.inset(24 * unit, 20 * unit)
    if label is not None:
        children.append(
            ctx.text(
                label,
                Region(inner.x, inner.y, inner.w, inner.h * 0.34),
                role="kpi_label",
                size=ctx.role_size("caption", 0.5),
                on=pal.surface,
                color=pal.muted,
                max_lines=1,
                valign="top",
            )
        )
    if value is not None:
        children.append(
            ctx.text(
                value,
                Region(inner.x, inner.y + inner.h * 0.38, inner.w, inner.h * 0.62),
                role="kpi_value",
                size=ctx.role_size("stat_value", 0.5),
                on=pal.surface,
                color=pal.primary,
                max_lines=1,
                valign="middle",
            )
        )
    return GroupNode(id=ctx.new_id("kpi"), box=cell.box(), role="kpi", z=1, children=children)


def chart_node(ctx: Ctx, spec: ChartSpec, region: Region) -> ChartNode:
    """A chart of the brief's numbers (labels and values drawn), or an empty frame when it gave none."""
    pal = ctx.theme.palette
    colors = series_colors(ctx, len(spec.points)) if spec.kind == "donut" else [pal.accent]
    if spec.points:
        return ChartNode(
            id=ctx.new_id("chart"),
            box=region.box(),
            z=2,
            chart=spec.kind,
            series=[DataPoint(label=p.label, value=p.value) for p in spec.points],
            unit=spec.unit,
            colors=colors,
            show_values=True,
            note=f"data: {', '.join(f'{p.label} {p.text}' for p in spec.points)}",
        )
    # no numbers were given: an empty chart frame saying so (a made-up series would be invented content)
    return ChartNode(
        id=ctx.new_id("chart"),
        box=region.box(),
        z=2,
        chart=spec.kind,
        series=[],
        unit="",
        colors=colors,
        show_values=False,
        note=f"the brief names a {spec.kind} chart but gives no numbers: an empty frame, no series drawn",
    )


def series_colors(ctx: Ctx, n: int) -> list[str]:
    """``n`` distinct slice colours: the theme's accent and extras, then the accent's hue turned in even
    steps, each kept at 3:1 on the page (slices read as different things)."""
    pal = ctx.theme.palette
    out: list[str] = []
    for c in [pal.accent, *pal.extra]:
        if c.lower() not in out:
            out.append(c.lower())
    r, g, b = (int(pal.accent[i : i + 2], 16) / 255 for i in (1, 3, 5))
    h, s, v = colorsys.rgb_to_hsv(r, g, b)
    k = 1
    while len(out) < n:
        rr, gg, bb = colorsys.hsv_to_rgb((h + k * 0.618034) % 1.0, max(s, 0.45), max(min(v, 0.85), 0.45))
        c = ensure_contrast(
            f"#{round(rr * 255):02x}{round(gg * 255):02x}{round(bb * 255):02x}", pal.background, LARGE_MIN
        )
        if c not in out:
            out.append(c)
        k += 1
    return out[: max(n, 1)]
