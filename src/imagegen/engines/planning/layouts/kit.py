"""The layout toolkit every archetype family uses: regions on a 12-column grid, a type scale, text
fitting by estimate, vertical stacks of text, and node builders that keep ids unique.

Geometry is plain floats in canvas pixels. Layout functions are pure: same context -> same nodes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

from ..plan import (
    Box,
    ChartNode,
    CodeNode,
    Color,
    DataPoint,
    FontRef,
    IconNode,
    ImageNode,
    Node,
    ShapeNode,
    TextNode,
    Theme,
)
from ..reading.codes import CodeSpec
from ..reading.content import Content, TextItem
from ..reading.placement import Placement
from ..rules.contrast import BODY_MIN, LARGE_MIN, ensure_contrast
from ..rules.sizes import MIN_LEGIBLE
from .metrics import fit_size, text_height, wrap_lines

#: type-scale steps per role (size = base * ratio ** step)
ROLE_STEP: dict[str, float] = {
    "masthead": 7.0,
    "sign": 6.0,
    "headline": 5.0,
    "title": 4.0,
    "stat": 2.5,
    "stat_value": 3.0,
    "subhead": 2.0,
    "cover_line": 2.0,
    "item": 0.5,
    "bubble": 0.5,
    "row": 0.0,
    "body": 0.0,
    "bullet": 0.0,
    "price": 0.5,
    "offer": 3.5,
    "step": 0.5,
    "place": -0.5,
    "badge": -0.5,
    "contact": -1.0,
    "kpi_label": -0.5,
    "kpi_value": 3.0,
    "button": 1.0,
    "label": 0.0,
    "date": 1.5,
    "seat": 1.5,
    "venue": 1.0,
    "caption": -1.0,
    "volume": -0.5,
    "nav": -1.0,
    "source": -1.5,
}
LARGE_TEXT_PX = 24.0

#: The largest display type, as a share of the canvas's short edge (~225 px at 1024): a one-to-three word
#: headline alone on a poster is set this big, as a designer would. There used to be an OCR-driven cap
#: (90 px, 78 px for scripts read by Tesseract) because the benchmark's whole-page OCR split or misread
#: very large words ("Fresha / and / clean"); the readers now normalize large type instead (the verifier
#: area-averages each line crop down to the recognizer's line height, the benchmark detects text on the
#: page at 1x and 0.5x), so the size is a design decision again.
DISPLAY_MAX_SHARE = 0.22
#: the headline of a type-only design (no art): share of the short edge by word count, before fitting
#: the box (1-3 words, 4-6, more); the stack and ``fit_size`` shrink it to the block's width and lines
TYPE_ONLY_HEAD_SHARE = (0.22, 0.17, 0.13)


def size_cap(lang: str | None, role: str, unit: float) -> float:
    """The largest size (canvas px) a text of this language and role is set at (every script alike)."""
    del lang, role
    return DISPLAY_MAX_SHARE * 1024 * unit


def type_only_head_size(text: str, unit: float) -> float:
    """The preferred size of the headline of a design that is type only (the box then shrinks it)."""
    words = len(text.split()) if " " in text.strip() else max(1, round(len(text) / 6))
    share = TYPE_ONLY_HEAD_SHARE[0 if words <= 3 else (1 if words <= 6 else 2)]
    return share * 1024 * unit


@dataclass(frozen=True)
class Region:
    """An axis-aligned rectangle in canvas pixels."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    def box(self) -> Box:
        """The plan Box, rounded to 1/100 px *inward* (so touching regions never overlap after rounding)."""
        x0 = math.ceil(self.x * 100) / 100
        y0 = math.ceil(self.y * 100) / 100
        x1 = max(x0, math.floor((self.x + max(self.w, 0)) * 100) / 100)
        y1 = max(y0, math.floor((self.y + max(self.h, 0)) * 100) / 100)
        return Box(x=x0, y=y0, w=round(x1 - x0, 2), h=round(y1 - y0, 2))

    def inset(self, dx: float, dy: float | None = None) -> Region:
        dy = dx if dy is None else dy
        return Region(self.x + dx, self.y + dy, max(0.0, self.w - 2 * dx), max(0.0, self.h - 2 * dy))

    def top(self, h: float) -> Region:
        return Region(self.x, self.y, self.w, min(h, self.h))

    def bottom_part(self, h: float) -> Region:
        h = min(h, self.h)
        return Region(self.x, self.bottom - h, self.w, h)

    def below(self, h: float, gap: float = 0) -> Region:
        """What is left under the top ``h`` px (minus a gap)."""
        return Region(self.x, self.y + h + gap, self.w, max(0.0, self.h - h - gap))

    def above(self, h: float, gap: float = 0) -> Region:
        """What is left over the bottom ``h`` px (minus a gap)."""
        return Region(self.x, self.y, self.w, max(0.0, self.h - h - gap))

    def split_v(self, fraction: float, gap: float) -> tuple[Region, Region]:
        """Top and bottom parts; ``fraction`` of the height (after the gap) goes to the top."""
        top_h = (self.h - gap) * fraction
        return Region(self.x, self.y, self.w, top_h), Region(
            self.x, self.y + top_h + gap, self.w, self.h - top_h - gap
        )

    def split_h(self, fraction: float, gap: float) -> tuple[Region, Region]:
        """Left and right parts; ``fraction`` of the width (after the gap) goes to the left."""
        left_w = (self.w - gap) * fraction
        return Region(self.x, self.y, left_w, self.h), Region(
            self.x + left_w + gap, self.y, self.w - left_w - gap, self.h
        )

    def rows(self, n: int, gap: float) -> list[Region]:
        h = (self.h - gap * (n - 1)) / n if n else 0
        return [Region(self.x, self.y + i * (h + gap), self.w, h) for i in range(n)]

    def cols(self, n: int, gap: float) -> list[Region]:
        w = (self.w - gap * (n - 1)) / n if n else 0
        return [Region(self.x + i * (w + gap), self.y, w, self.h) for i in range(n)]

    def anchored(
        self, w: float, h: float, place: Placement, default_h: str = "center", default_v: str = "middle"
    ) -> Region:
        """A w x h region inside this one at a 3x3 anchor."""
        hh = place.h or default_h
        vv = place.v or default_v
        x = self.x if hh == "left" else (self.right - w if hh == "right" else self.cx - w / 2)
        y = self.y if vv == "top" else (self.bottom - h if vv == "bottom" else self.cy - h / 2)
        return Region(x, y, w, h)


@dataclass
class Grid:
    """A 12-column grid inside the safe margins."""

    canvas_w: int
    canvas_h: int
    margin: float
    columns: int = 12

    @property
    def gutter(self) -> float:
        return round(min(self.canvas_w, self.canvas_h) * 0.024, 1)

    @property
    def safe(self) -> Region:
        return Region(
            self.margin, self.margin, self.canvas_w - 2 * self.margin, self.canvas_h - 2 * self.margin
        )

    @property
    def canvas(self) -> Region:
        return Region(0, 0, self.canvas_w, self.canvas_h)

    def span(self, start: int, count: int, region: Region | None = None) -> Region:
        """Columns [start, start+count) (0-based) of a region (default: the safe area), gutters respected."""
        r = region or self.safe
        col = (r.w - self.gutter * (self.columns - 1)) / self.columns
        x = r.x + start * (col + self.gutter)
        return Region(x, r.y, count * col + (count - 1) * self.gutter, r.h)


@dataclass
class Ctx:
    """What a layout function receives."""

    archetype: str
    grid: Grid
    theme: Theme
    content: Content
    items: list[TextItem]
    codes: list[CodeSpec]
    variant: int
    variants: int
    seed: int
    #: global placement words (e.g. "centered")
    placement: Placement
    image_prompt: str
    image_style: str
    art_colors: list[str]
    #: art for a design that has no text to set (no quotes, codes or values): what to picture and its style,
    #: decided even when ``image_prompt`` is empty, so no prompt renders a blank canvas
    fill_prompt: str = ""
    fill_style: str = ""
    #: an archetype may ask for a background treatment (set by the layout)
    background: dict[str, Any] = field(default_factory=dict)
    _ids: dict[str, int] = field(default_factory=dict)

    @property
    def w(self) -> int:
        return self.grid.canvas_w

    @property
    def h(self) -> int:
        return self.grid.canvas_h

    @property
    def short(self) -> float:
        return float(min(self.w, self.h))

    @property
    def unit(self) -> float:
        """Pixels per reference pixel (the type scale is written for a 1024 px short edge)."""
        return self.short / 1024

    @property
    def mirrored(self) -> bool:
        """Odd variants mirror the composition."""
        return self.variant % 2 == 1

    @property
    def alt(self) -> bool:
        """Variants 2-3 (6-7 ...) take the family's second arrangement, so four variants are four designs."""
        return (self.variant // 2) % 2 == 1

    @property
    def gap(self) -> float:
        return self.grid.gutter

    def new_id(self, stem: str) -> str:
        n = self._ids.get(stem, 0) + 1
        self._ids[stem] = n
        return stem if n == 1 else f"{stem}-{n}"

    def role_size(self, role: str, step_delta: float = 0) -> float:
        step = ROLE_STEP.get(role, 0.0) + step_delta
        return self.theme.base_size * self.unit * self.theme.type_scale**step

    # ---- node builders -------------------------------------------------------------------------------

    def font_for(self, item: TextItem, role: str) -> FontRef:
        """The item's font: its own words over the prompt's global words over the theme's defaults."""
        heading = role in (
            "masthead",
            "sign",
            "headline",
            "title",
            "stat",
            "stat_value",
            "cover_line",
            "subhead",
            "offer",
        )
        default = self.theme.heading_font if heading else self.theme.body_font
        if role == "subhead":
            default = FontRef(family=self.theme.heading_font.family, weight=500)
        spec = self.content.global_font.merged(item.font)
        return spec.to_ref(default)

    def text(
        self,
        item: TextItem,
        region: Region,
        *,
        role: str | None = None,
        size: float | None = None,
        align: Literal["left", "center", "right"] = "left",
        valign: Literal["top", "middle", "bottom"] = "top",
        color: Color | None = None,
        on: Color | None = None,
        plate: Color | None = None,
        max_lines: int = 3,
        z: int = 2,
        font: FontRef | None = None,
        note: str | None = None,
    ) -> TextNode:
        """A text node for one item, sized to fit ``region`` and colored to read on ``on`` (or ``plate``)."""
        role = role or item.role or "body"
        font = font or self.font_for(item, role)
        preferred = size or min(
            self.role_size(role, item.font.size_step), size_cap(item.lang, role, self.unit)
        )
        fitted = fit_size(item.text, region.w, region.h, preferred, font, max_lines, 1.2)
        ground = plate or on or self.theme.palette.background
        # a color the prompt asked for this text wins over the layout's choice (contrast still applies)
        color = item.color or color
        if color is None:
            color = (
                self.theme.palette.text
                if role not in ("headline", "masthead", "title", "sign")
                else (self.theme.palette.primary)
            )
        color = ensure_contrast(
            color, ground, BODY_MIN if fitted < LARGE_TEXT_PX * self.unit * 1.5 else LARGE_MIN
        )
        # text the renderer can always shrink to: readable, and never above the fitted size
        min_size = round(min(fitted, max(MIN_LEGIBLE, 12 * self.unit)), 1)
        return TextNode(
            id=self.new_id(role.replace("_", "-")),
            box=region.box(),
            z=z,
            text=item.text,
            role=role,
            font=font,
            size=round(fitted, 1),
            min_size=min_size,
            color=color,
            align="right" if align == "left" and item.direction == "rtl" else align,
            valign=valign,
            max_lines=max_lines,
            direction=item.direction,
            lang=item.lang,
            plate=plate,
            note=note,
        )

    def image(
        self,
        region: Region,
        *,
        style: str | None = None,
        prompt: str | None = None,
        z: int = 0,
        radius: float = 0,
        fit: Literal["cover", "contain"] = "cover",
        stem: str = "image",
    ) -> ImageNode:
        """Procedural art for the prompt's subject/scene."""
        return ImageNode(
            id=self.new_id(stem),
            box=region.box(),
            z=z,
            source="procedural",
            prompt=prompt if prompt is not None else self.image_prompt,
            style=style or self.image_style,
            fit=fit,
            corner_radius=radius,
            colors=self.art_colors or [self.theme.palette.accent, self.theme.palette.surface],
        )

    def shape(
        self,
        region: Region,
        shape: Any = "rect",
        *,
        fill: Color | None = None,
        stroke: Color | None = None,
        stroke_width: float = 0,
        radius: float = 0,
        z: int = 1,
        tail: tuple[float, float] | None = None,
        opacity: float = 1.0,
        stem: str = "shape",
        points: list[tuple[float, float]] | None = None,
    ) -> ShapeNode:
        return ShapeNode(
            id=self.new_id(stem),
            box=region.box(),
            z=z,
            shape=shape,
            fill=fill,
            stroke=stroke,
            stroke_width=stroke_width,
            radius=radius,
            tail=tail,
            opacity=opacity,
            points=points,
        )

    def card(
        self, region: Region, *, z: int = 1, bordered: bool = False, radius: float | None = None
    ) -> ShapeNode:
        """A surface card with the theme's corner radius (``radius`` overrides it), optionally outlined."""
        pal = self.theme.palette
        return self.shape(
            region,
            "rounded_rect",
            fill=pal.surface,
            stroke=pal.secondary if bordered else None,
            stroke_width=max(2.0, 3 * self.unit) if bordered else 0,
            radius=self.theme.corner_radius * self.unit if radius is None else radius,
            z=z,
            stem="card",
        )

    def ticket_frame(self, region: Region) -> ShapeNode:
        """A ticket's body: a surface card outlined in the accent colour, behind everything."""
        pal = self.theme.palette
        return self.shape(
            region,
            "rounded_rect",
            fill=pal.surface,
            stroke=pal.accent,
            stroke_width=max(2.0, 4 * self.unit),
            radius=self.theme.corner_radius * self.unit,
            z=0,
            stem="ticket",
        )

    def divider(self, x: float, y: float, w: float, *, z: int = 1) -> ShapeNode:
        """A horizontal rule in the muted colour, 2 units (at least 1 px) thick, its top at ``y``."""
        return self.shape(
            Region(x, y, w, max(1.0, 2 * self.unit)),
            "divider",
            fill=self.theme.palette.muted,
            z=z,
            stem="divider",
        )

    def icon(self, region: Region, name: str, color: Color | None = None, z: int = 2) -> IconNode:
        side = min(region.w, region.h)
        sq = Region(region.cx - side / 2, region.cy - side / 2, side, side)
        return IconNode(
            id=self.new_id("icon"), box=sq.box(), z=z, name=name, color=color or self.theme.palette.accent
        )

    def code(self, spec: CodeSpec, region: Region, z: int = 2) -> CodeNode:
        """A code node; dark modules on white with the symbology's quiet zone, whatever the theme."""
        return CodeNode(
            id=self.new_id(spec.symbology),
            box=region.box(),
            z=z,
            symbology=spec.symbology,
            data=spec.data,
            quiet_zone=4 if spec.symbology == "qr" else 10,
            fg="#000000",
            bg="#ffffff",
            human_readable=spec.symbology != "qr",
            error_correction="M",
        )

    def chart(
        self,
        region: Region,
        label: str,
        value: float,
        maximum: float,
        unit: str,
        z: int = 2,
    ) -> ChartNode:
        """A progress bar for one figure, drawing no text (see ``_figure``)."""
        return self._figure("progress", region, label, value, maximum, unit, z)

    def ring(
        self, region: Region, label: str, value: float, maximum: float, unit: str, z: int = 2
    ) -> ChartNode:
        """A ring (single-value donut) for one figure, drawing no text: room for an icon in its middle."""
        return self._figure("donut", region, label, value, maximum, unit, z)

    def _figure(
        self,
        chart: Literal["progress", "donut"],
        region: Region,
        label: str,
        value: float,
        maximum: float,
        unit: str,
        z: int,
    ) -> ChartNode:
        # The exact quoted text beside the chart carries the words and the number, so the chart draws none:
        # values off, and the series label left empty (the renderer draws nothing for an empty label). A
        # drawn label would be a second, smaller copy -- unrequested text the verifier must also read back.
        # The label and figure are kept in the node's note.
        # the renderer reads a single value as a percentage: normalize n-of-m figures to one
        pct = value / maximum * 100 if maximum else value
        series = [DataPoint(label="", value=round(pct, 3))]
        palette = self.theme.palette
        return ChartNode(
            id=self.new_id("chart" if chart == "progress" else "ring"),
            box=region.box(),
            z=z,
            chart=chart,
            series=series,
            unit="%",
            colors=[palette.accent, *palette.extra[1:2], palette.surface],
            show_values=False,
            note=f"{label}: {value:g}{unit} of {maximum:g}{unit}",
        )


@dataclass
class StackEntry:
    """One text in a vertical stack."""

    item: TextItem
    role: str
    size: float
    max_lines: int = 3
    gap_after: float | None = None
    align: Literal["left", "center", "right"] | None = None
    color: Color | None = None


def stack(
    ctx: Ctx,
    entries: list[StackEntry],
    region: Region,
    *,
    align: Literal["left", "center", "right"] = "left",
    valign: Literal["top", "middle", "bottom"] = "top",
    on: Color | None = None,
    gap: float | None = None,
    z: int = 2,
) -> tuple[list[Node], float]:
    """Texts one under another in ``region``, shrunk together until they fit; returns (nodes, used height)."""
    if not entries:
        return [], 0.0
    gap = ctx.gap * 1.2 if gap is None else gap
    base_gaps = [(e.gap_after if e.gap_after is not None else gap) for e in entries[:-1]] + [0.0]
    scale = 1.0
    heights: list[float] = []
    sizes: list[float] = []
    gaps_list = base_gaps
    for _ in range(40):
        sizes = []
        heights = []
        for e in entries:
            font = ctx.font_for(e.item, e.role)
            want = min(e.size, size_cap(e.item.lang, e.role, ctx.unit)) * scale
            s = fit_size(e.item.text, region.w, region.h, want, font, e.max_lines)
            if e.max_lines > 1 and len(e.item.text.split()) <= 4:
                # a short line kept whole reads better, and page OCR keeps it whole: give up to 25% of
                # the size before breaking it
                one = fit_size(e.item.text, region.w, region.h, want, font, 1)
                if one >= s * 0.75 and wrap_lines(e.item.text, region.w * 0.96, one, font) == 1:
                    s = one
            sizes.append(s)
            heights.append(text_height(e.item.text, region.w, s, font, e.max_lines) + s * 0.15)
        # gaps shrink with the type (a tight block keeps its proportions)
        gaps_list = [g * max(scale, 0.3) for g in base_gaps]
        if sum(heights) + sum(gaps_list) <= region.h or scale < 0.2:
            break
        scale *= 0.92
    head = next((k for k, e in enumerate(entries) if e.role in ("headline", "title", "sign")), None)
    if head is not None:
        # a subhead never outgrows its share of the headline as fitted (a long headline set smaller to fit
        # its box keeps its subhead below it in the hierarchy)
        for k, e in enumerate(entries):
            if e.role == "subhead" and k > head and sizes[k] > sizes[head] * 0.66:
                sizes[k] = sizes[head] * 0.66
                font = ctx.font_for(e.item, e.role)
                heights[k] = text_height(e.item.text, region.w, sizes[k], font, e.max_lines) + sizes[k] * 0.15
    if sum(heights) + sum(gaps_list) > region.h:
        # still too much for the region: equal shares, each text fitted to its share (never an empty box)
        gaps_list = [min(g, 2.0) for g in gaps_list]
        share = max(1.0, (region.h - sum(gaps_list)) / len(entries))
        sizes = [
            fit_size(e.item.text, region.w, share, e.size, ctx.font_for(e.item, e.role), e.max_lines)
            for e in entries
        ]
        heights = [share] * len(entries)
    used = sum(heights) + sum(gaps_list)
    y = (
        region.y
        if valign == "top"
        else (region.bottom - used if valign == "bottom" else region.cy - used / 2)
    )
    y = max(region.y, y)
    nodes: list[Node] = []
    for e, s, hgt, g in zip(entries, sizes, heights, gaps_list, strict=True):
        box = Region(region.x, y, region.w, min(hgt, region.bottom - y))
        nodes.append(
            ctx.text(
                e.item,
                box,
                role=e.role,
                size=s,
                align=e.align or align,
                color=e.color,
                on=on,
                max_lines=e.max_lines,
                z=z,
            )
        )
        y += hgt + g
    return nodes, used


def code_region(spec: CodeSpec, area: Region, unit: float, scale: float = 1.0) -> tuple[float, float]:
    """The (w, h) a code needs: QR square; linear codes wide with room for the digits."""
    if spec.symbology == "qr":
        side = max(176 * unit, 200 * unit * scale)
        return side, side
    w = max(300 * unit, 340 * unit * scale)
    return w, w * 0.5
