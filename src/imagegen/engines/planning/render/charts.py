"""Charts from real numbers: bar, hbar, donut, line and progress; a chart with no numbers is an empty
frame (gridlines and "No data"), never a made-up series.

Every number and category label is drawn as text through the same shaping path as text nodes and is
reported in ``Rendering.texts`` under a derived id (``<chart>.value.<i>``, ``<chart>.label.<i>``), so the
verifier reads it back like any other text.
"""

from __future__ import annotations

from typing import Literal

from PIL import ImageDraw

from imagegen.engines.planning.plan import Box, ChartNode, FontRef, TextNode
from imagegen.engines.planning.render.context import RenderContext
from imagegen.engines.planning.render.paint import mix, readable_on, shape_mask
from imagegen.engines.planning.rules.contrast import contrast_ratio

_CURRENCY = ("$", "€", "£", "¥", "₹")


def _box(x: float, y: float, w: float, h: float) -> Box:
    """A box that tolerates the negative sizes tiny charts produce (clamped to 1 px)."""
    return Box(x=x, y=y, w=max(1.0, w), h=max(1.0, h))


def format_value(value: float, unit: str = "") -> str:
    """'78%', '$12.5', '1,204 kcal': integers without decimals, others with one."""
    num = f"{int(value):,}" if float(value).is_integer() else f"{value:,.1f}"
    if not unit:
        return num
    if unit in _CURRENCY:
        return f"{unit}{num}"
    if unit in ("%", "°", "‰") or len(unit) == 1:
        return f"{num}{unit}"
    return f"{num} {unit}"


def _colors(ctx: RenderContext, node: ChartNode) -> list[str]:
    pal = ctx.plan.theme.palette
    return list(node.colors) or [pal.accent, *pal.extra, pal.primary, pal.secondary, pal.muted]


def _bar_colors(ctx: RenderContext, node: ChartNode) -> list[str]:
    """One series reads as one color: bars cycle colors only when the plan lists several."""
    return list(node.colors) or [ctx.plan.theme.palette.accent]


def _label(
    ctx: RenderContext,
    node: ChartNode,
    suffix: str,
    text: str,
    box: Box,
    size: float,
    align: Literal["left", "center", "right"] = "center",
    weight: int = 500,
    color: str | None = None,
    valign: Literal["top", "middle", "bottom"] = "middle",
) -> None:
    if not text:
        # an empty label draws nothing (a planner that sets the words itself leaves the chart's label empty)
        return
    pal = ctx.plan.theme.palette
    ink = color or pal.text
    # derived labels are verified like any text: a muted tint that misses WCAG AA on what lies under the
    # label gives way to the theme's text color (or black/white, whichever reads)
    under = ctx.sample(*ctx.sbox(box))
    if contrast_ratio(ink, under) < 4.5:
        ink = pal.text if contrast_ratio(pal.text, under) >= 4.5 else readable_on(under)
    tn = TextNode(
        id=f"{node.id}.{suffix}",
        text=text,
        role="label",
        font=FontRef(family=ctx.plan.theme.body_font.family, weight=weight),
        size=max(1.0, size),
        min_size=max(1.0, min(size, 8.0)),
        color=ink,
        align=align,
        valign=valign,
        max_lines=1,
        line_height=1.1,
        box=box,
    )
    ctx.draw_text(tn, parent_id=node.id, report_id=tn.id)


def _value(
    ctx: RenderContext,
    node: ChartNode,
    i: int,
    value: float,
    box: Box,
    size: float,
    align: Literal["left", "center", "right"] = "center",
) -> None:
    """The bold value label of data point ``i`` (``<chart>.value.<i>``, in the chart's unit)."""
    _label(ctx, node, f"value.{i}", format_value(value, node.unit), box, size, align=align, weight=700)


def draw_chart(ctx: RenderContext, node: ChartNode, parent_id: str | None) -> None:
    """Draw a chart node and its labels; record the chart box."""
    kind = node.chart
    if node.series:
        {"bar": _bar, "hbar": _hbar, "donut": _donut, "line": _line, "progress": _progress}[kind](ctx, node)
    else:
        _empty(ctx, node)
    ctx.record(node.id, "chart", node.box, parent_id)


#: what an empty chart says (a chart the brief named without giving numbers)
EMPTY_LABEL = "No data"


def _empty(ctx: RenderContext, node: ChartNode) -> None:
    """A chart with no numbers: faint gridlines and a baseline, and "No data" in the middle; no series
    (a line or bars drawn from nothing would be invented content)."""
    b = node.box
    if b.w < 24 or b.h < 24:
        return
    pal = ctx.plan.theme.palette
    x, y, w, h = ctx.sbox(b)
    lw = max(1, round(ctx.s(1.5)))
    rows = 5  # odd: the middle of the frame is between two gridlines, where the label goes

    def grid(dr: ImageDraw.ImageDraw, k: int) -> None:
        for i in range(rows + 1):
            gy = (h - lw) * i / rows
            dr.line((0, gy * k, w * k, gy * k), fill=255, width=(lw * 2 if i == rows else lw) * k)

    ctx.fill(shape_mask(w, h, grid, ctx.ss), pal.muted, x, y, 0.35)
    size = max(9.0, min(b.h * 0.08, 24.0))
    band = b.h / rows
    _label(
        ctx,
        node,
        "empty",
        EMPTY_LABEL,
        _box(x=b.x, y=b.y + band * (rows // 2), w=b.w, h=band),
        size,
        color=pal.muted,
    )


def _bar(ctx: RenderContext, node: ChartNode) -> None:
    b = node.box
    n = len(node.series)
    colors = _bar_colors(ctx, node)
    size = max(9.0, min(b.h * 0.08, b.w / n * 0.28, 30.0))
    label_h = size * 1.6
    top_pad = label_h if node.show_values else size * 0.3
    plot_h = max(1.0, b.h - label_h - top_pad)
    vmax = max((p.value for p in node.series), default=1.0) or 1.0
    slot = b.w / n
    bw = slot * 0.62
    for i, p in enumerate(node.series):
        frac = max(0.0, p.value) / vmax
        bh = plot_h * frac
        x0 = b.x + i * slot + (slot - bw) / 2
        y1 = b.y + top_pad + plot_h
        if bh > 0:
            x, y, w, h = ctx.sbox(_box(x=x0, y=y1 - bh, w=bw, h=bh))
            ctx.rect(x, y, w, h, colors[i % len(colors)], min(w * 0.18, ctx.s(10)))
        if node.show_values:
            _value(
                ctx, node, i, p.value, _box(x=b.x + i * slot, y=y1 - bh - label_h, w=slot, h=label_h), size
            )
        _label(
            ctx,
            node,
            f"label.{i}",
            p.label,
            _box(x=b.x + i * slot, y=y1, w=slot, h=label_h),
            size * 0.9,
            color=ctx.plan.theme.palette.muted,
        )


def _hbar(ctx: RenderContext, node: ChartNode) -> None:
    b = node.box
    n = len(node.series)
    colors = _bar_colors(ctx, node)
    row = b.h / n
    size = max(9.0, min(row * 0.38, 30.0))
    label_w = b.w * 0.28
    value_w = b.w * 0.16 if node.show_values else 0
    track_w = max(1.0, b.w - label_w - value_w)
    vmax = max((p.value for p in node.series), default=1.0) or 1.0
    for i, p in enumerate(node.series):
        y = b.y + i * row
        _label(
            ctx, node, f"label.{i}", p.label, _box(x=b.x, y=y, w=label_w * 0.94, h=row), size, align="left"
        )
        bar_h = row * 0.5
        w = track_w * max(0.0, p.value) / vmax
        if w > 0:
            x0, y0, ww, hh = ctx.sbox(_box(x=b.x + label_w, y=y + (row - bar_h) / 2, w=w, h=bar_h))
            ctx.rect(x0, y0, ww, hh, colors[i % len(colors)], hh / 2)
        if node.show_values:
            _value(
                ctx,
                node,
                i,
                p.value,
                _box(x=b.x + label_w + w + 4, y=y, w=max(value_w, 1.0), h=row),
                size,
                align="left",
            )


def _donut(ctx: RenderContext, node: ChartNode) -> None:
    b = node.box
    colors = _colors(ctx, node)
    pal = ctx.plan.theme.palette
    legend = len(node.series) > 1
    side = b.w > b.h * 1.5
    if legend and side:
        d = min(b.h, b.w * 0.55)
        ring = _box(x=b.x, y=b.y + (b.h - d) / 2, w=d, h=d)
    elif legend:
        d = min(b.w, b.h * 0.7)
        ring = _box(x=b.x + (b.w - d) / 2, y=b.y, w=d, h=d)
    else:
        d = min(b.w, b.h)
        ring = _box(x=b.x + (b.w - d) / 2, y=b.y + (b.h - d) / 2, w=d, h=d)
    x, y, w, h = ctx.sbox(ring)
    thick = max(2, round(w * 0.14))
    values = [max(0.0, p.value) for p in node.series]
    total = sum(values)
    single_pct = len(values) == 1 and (node.unit == "%" or values[0] <= 100)
    if single_pct:
        segs = [(values[0] / 100.0, colors[0])]
        track = True
    else:
        segs = [(v / total if total else 0.0, colors[i % len(colors)]) for i, v in enumerate(values)]
        track = False
    if track:
        track_color = mix(pal.surface, pal.muted, 0.25)
        ctx.fill(
            shape_mask(
                w,
                h,
                lambda dr, k: dr.ellipse((0, 0, w * k - 1, h * k - 1), outline=255, width=thick * k),
                ctx.ss,
            ),
            track_color,
            x,
            y,
        )
    start = -90.0
    for frac, color in segs:
        extent = 360.0 * min(1.0, frac)
        if extent <= 0:
            continue

        def arc(dr: ImageDraw.ImageDraw, k: int, s: float = start, e: float = start + extent) -> None:
            dr.arc((0, 0, w * k - 1, h * k - 1), s, e, fill=255, width=thick * k)

        ctx.fill(shape_mask(w, h, arc, ctx.ss), color, x, y)
        start += extent
    if node.show_values:
        inner = ring.w * 0.62
        # the center names the first (highlighted) segment; a total of percentages would be meaningless
        value = node.series[0].value
        _value(
            ctx,
            node,
            0,
            value,
            Box(
                x=ring.x + (ring.w - inner) / 2, y=ring.y + (ring.h - inner * 0.5) / 2, w=inner, h=inner * 0.5
            ),
            inner * 0.32,
        )
    if legend:
        n = len(node.series)
        if side:
            lx, ly, lw, lh = ring.right + b.w * 0.05, b.y, b.right - ring.right - b.w * 0.05, b.h
        else:
            lx, ly, lw, lh = b.x, ring.bottom + b.h * 0.04, b.w, b.bottom - ring.bottom - b.h * 0.04
        row = lh / n
        size = max(9.0, min(row * 0.5, 28.0))
        # with values on, each legend row also states its slice's value (right-aligned): a pie of several
        # slices is read from its legend, not guessed from arc lengths
        value_w = (lw * 0.3) if node.show_values and any(p.label for p in node.series) else 0.0
        for i, p in enumerate(node.series):
            dot = size * 0.7
            dx, dy, dw, dh = ctx.sbox(_box(x=lx, y=ly + i * row + (row - dot) / 2, w=dot, h=dot))
            ctx.rect(dx, dy, dw, dh, colors[i % len(colors)], dw / 2)
            _label(
                ctx,
                node,
                f"label.{i}",
                p.label,
                _box(x=lx + dot * 1.6, y=ly + i * row, w=lw - dot * 1.6 - value_w, h=row),
                size,
                align="left",
            )
            if value_w and i > 0:
                _value(
                    ctx,
                    node,
                    i,
                    p.value,
                    _box(x=lx + lw - value_w, y=ly + i * row, w=value_w, h=row),
                    size,
                    align="right",
                )


def _line(ctx: RenderContext, node: ChartNode) -> None:
    b = node.box
    colors = _colors(ctx, node)
    n = len(node.series)
    size = max(9.0, min(b.h * 0.07, b.w / max(n, 1) * 0.3, 26.0))
    label_h = size * 1.6
    top = b.y + (label_h if node.show_values else size)
    plot_h = max(1.0, b.h - label_h - (top - b.y))
    vals = [p.value for p in node.series]
    vmin, vmax = min(0.0, *vals), max(vals)
    span = (vmax - vmin) or 1.0
    slot = b.w / n
    pts = [(b.x + slot * (i + 0.5), top + plot_h * (1 - (v - vmin) / span)) for i, v in enumerate(vals)]
    x, y, w, h = ctx.sbox(b)
    sp = [(ctx.s(px) - x, ctx.s(py) - y) for px, py in pts]
    base_y = ctx.s(top + plot_h) - y
    color = colors[0]

    def area(dr: ImageDraw.ImageDraw, k: int) -> None:
        dr.polygon(
            [(sp[0][0] * k, base_y * k), *[(px * k, py * k) for px, py in sp], (sp[-1][0] * k, base_y * k)],
            fill=255,
        )

    ctx.fill(shape_mask(w, h, area, ctx.ss), color, x, y, 0.14)
    lw = max(2, round(ctx.s(3)))

    def stroke(dr: ImageDraw.ImageDraw, k: int) -> None:
        if len(sp) > 1:
            dr.line([(px * k, py * k) for px, py in sp], fill=255, width=lw * k, joint="curve")
        for px, py in sp:
            r = lw * 1.6 * k
            dr.ellipse((px * k - r, py * k - r, px * k + r, py * k + r), fill=255)

    ctx.fill(shape_mask(w, h, stroke, ctx.ss), color, x, y)
    for i, p in enumerate(node.series):
        px, py = pts[i]
        if node.show_values and n <= 12:
            _value(
                ctx,
                node,
                i,
                p.value,
                _box(x=px - slot / 2, y=py - label_h - size * 0.5, w=slot, h=label_h),
                size * 0.9,
            )
        _label(
            ctx,
            node,
            f"label.{i}",
            p.label,
            _box(x=b.x + i * slot, y=top + plot_h, w=slot, h=label_h),
            size * 0.85,
            color=ctx.plan.theme.palette.muted,
        )


def _progress(ctx: RenderContext, node: ChartNode) -> None:
    b = node.box
    colors = _colors(ctx, node)
    pal = ctx.plan.theme.palette
    n = len(node.series)
    row = b.h / n
    for i, p in enumerate(node.series):
        y = b.y + i * row
        size = max(9.0, min(row * 0.32, 28.0))
        text_h = size * 1.5
        label_w = b.w * 0.7
        _label(ctx, node, f"label.{i}", p.label, _box(x=b.x, y=y, w=label_w, h=text_h), size, align="left")
        frac = p.value / 100.0 if node.unit == "%" or p.value > 1 else p.value
        frac = max(0.0, min(1.0, frac))
        if node.show_values:
            _value(
                ctx,
                node,
                i,
                p.value,
                _box(x=b.x + label_w, y=y, w=b.w - label_w, h=text_h),
                size,
                align="right",
            )
        track_h = max(2.0, min(row - text_h - 2, size * 0.8))
        tx, ty, tw, th = ctx.sbox(
            _box(x=b.x, y=y + text_h + (row - text_h - track_h) * 0.3, w=b.w, h=track_h)
        )
        ctx.rect(tx, ty, tw, th, mix(pal.surface, pal.muted, 0.2), th / 2)
        fw = round(tw * frac)
        if fw > 0:
            ctx.rect(tx, ty, max(fw, th), th, colors[i % len(colors)], th / 2)
