"""The render context: the scaled canvas, the font book and text engine, and what was drawn where.

Drawers (shapes, charts, icons, images, text) receive this object; geometry in the plan is canvas px,
drawing happens at ``scale`` x, and everything reported back is converted to canvas px here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageFilter

from imagegen.engines.planning.plan import Box, Plan, TextNode
from imagegen.engines.planning.render.fonts import FontBook
from imagegen.engines.planning.render.paint import ClipRect, fill_mask, hex_rgba, rgb_hex, shape_mask
from imagegen.engines.planning.render.text import TextEngine
from imagegen.engines.planning.rendered import RenderedLine, RenderedNode, RenderedText


@dataclass
class RenderContext:
    """State shared by the drawers while one plan is rendered."""

    plan: Plan
    scale: float
    fonts: FontBook
    engine: TextEngine
    canvas: Image.Image
    nodes: dict[str, RenderedNode] = field(default_factory=dict)
    texts: dict[str, RenderedText] = field(default_factory=dict)
    clip: ClipRect | None = None
    #: an icon glyph was drawn (the icon font then counts among the fonts used)
    icons_drawn: bool = False
    #: the innermost clipping group's box and corner radius (canvas px) when it is rounded
    round_clip: tuple[Box, float] | None = None

    # -- geometry ---------------------------------------------------------------------------------------
    def s(self, v: float) -> float:
        """Canvas px -> drawing px."""
        return v * self.scale

    def sbox(self, box: Box) -> tuple[int, int, int, int]:
        """A plan box as integer drawing-px (x, y, w, h), edges rounded outward-stable."""
        x0, y0 = round(box.x * self.scale), round(box.y * self.scale)
        x1, y1 = round(box.right * self.scale), round(box.bottom * self.scale)
        return x0, y0, max(1, x1 - x0), max(1, y1 - y0)

    def to_canvas(self, x0: float, y0: float, x1: float, y1: float) -> Box:
        """Drawing-px corners -> a canvas-px Box."""
        k = 1 / self.scale
        return Box(x=x0 * k, y=y0 * k, w=max(0.0, (x1 - x0) * k), h=max(0.0, (y1 - y0) * k))

    def record(self, node_id: str, kind: str, box: Box, parent_id: str | None) -> None:
        """Report the painted box of a node."""
        self.nodes[node_id] = RenderedNode(node_id=node_id, kind=kind, box=box, parent_id=parent_id)

    @property
    def glow(self) -> bool:
        """Whether text gets a neon halo (the theme's style or mood says neon)."""
        return "neon" in f"{self.plan.theme.style} {self.plan.theme.mood}".lower()

    @property
    def ss(self) -> int:
        """Local oversampling for curved masks: the render is already supersampled at scale >= 2."""
        return 1 if self.scale >= 2 else 3

    # -- painting ---------------------------------------------------------------------------------------
    def fill(self, mask: Image.Image, color: str, x: int, y: int, opacity: float = 1.0) -> None:
        """Paint a hex color through a coverage mask at drawing px (x, y), honoring the clip."""
        fill_mask(self.canvas, mask, hex_rgba(color, opacity), x, y, self.clip)

    def rect(
        self,
        x: int,
        y: int,
        w: int,
        h: int,
        color: str,
        radius: float = 0,
        opacity: float = 1.0,
        outline: str | None = None,
        width: float = 0,
    ) -> None:
        """A (rounded) rectangle in drawing px, filled and/or outlined."""
        r = max(0.0, min(radius, w / 2, h / 2))
        ss = self.ss if r > 0 else 1
        if color:
            mask = shape_mask(
                w,
                h,
                lambda d, k: d.rounded_rectangle((0, 0, w * k - 1, h * k - 1), radius=r * k, fill=255),
                ss,
            )
            self.fill(mask, color, x, y, opacity)
        if outline and width > 0:
            lw = max(1, round(width))
            mask = shape_mask(
                w,
                h,
                lambda d, k: d.rounded_rectangle(
                    (0, 0, w * k - 1, h * k - 1), radius=r * k, outline=255, width=lw * k
                ),
                ss,
            )
            self.fill(mask, outline, x, y, opacity)

    def sample(self, x: int, y: int, w: int, h: int) -> str:
        """Mean color of the canvas under a drawing-px rect (what text will sit on)."""
        x0, y0 = max(0, x), max(0, y)
        x1, y1 = min(self.canvas.width, x + w), min(self.canvas.height, y + h)
        if x1 <= x0 or y1 <= y0:
            return self.plan.theme.palette.background
        region = self.canvas.crop((x0, y0, x1, y1))
        # the mean survives a box downsample; sampling a thumbnail keeps this cheap on big canvases
        region = region.resize((min(32, region.width), min(32, region.height)), Image.Resampling.BOX)
        crop = np.asarray(region, dtype=np.float32)
        if crop.shape[-1] == 3:
            return rgb_hex(tuple(crop.reshape(-1, 3).mean(axis=0).tolist()))
        alpha = crop[..., 3:4] / 255
        if float(alpha.mean()) < 0.05:
            # transparent canvas: the text sits on whatever the client composites it over; report the theme
            return self.plan.theme.palette.background
        rgb = (crop[..., :3] * alpha).sum(axis=(0, 1)) / max(float(alpha.sum()), 1e-6)
        return rgb_hex(tuple(rgb.tolist()))

    # -- text -------------------------------------------------------------------------------------------
    def draw_text(
        self,
        node: TextNode,
        parent_id: str | None = None,
        report_id: str | None = None,
        box: Box | None = None,
    ) -> RenderedText:
        """Fit, draw and report one text node (its plate first, when it has one)."""
        box = box or node.box
        x, y, w, h = self.sbox(box)
        background: str
        plate_box: Box | None = None
        radius = 0.0
        if node.plate:
            radius = min(self.s(self.plan.theme.corner_radius), h / 2)
            self.rect(x, y, w, h, node.plate, radius)
            background = node.plate[:7]
            plate_box = self.to_canvas(x, y, x + w, y + h)
            # inset the text inside its plate: buttons and tags need breathing room
            pad_x = round(min(h * 0.45, w * 0.1))
            pad_y = round(h * 0.12)
            x, y, w, h = x + pad_x, y + pad_y, max(1, w - 2 * pad_x), max(1, h - 2 * pad_y)
        else:
            background = self.sample(x, y, w, h)
        layout = self.engine.layout(
            node.text,
            node.font,
            size=self.s(node.size),
            min_size=self.s(min(node.min_size, node.size)),
            max_lines=node.max_lines,
            line_height=node.line_height,
            width=w,
            height=h,
            direction=node.direction,
            lang=node.lang,
        )
        mask, (ox, oy), drawn = self.engine.draw(layout, x, y, w, h, node.align, node.valign)
        if self.glow and not node.plate:
            # neon themes: the letters' own color, blurred, under the letters (a tube's halo)
            radius = max(2.0, layout.size * 0.12)
            halo = mask.filter(ImageFilter.GaussianBlur(radius))
            self.fill(halo, node.color, ox, oy, 0.9)
        self.fill(mask, node.color, ox, oy)
        lines = []
        for dl in drawn:
            primary = max(dl.line.runs, key=lambda r: len(r.text)) if dl.line.runs else None
            face = primary.face if primary else (layout.faces[0] if layout.faces else None)
            lines.append(
                RenderedLine(
                    text=dl.line.text,
                    box=self.to_canvas(*dl.ink),
                    font_path=face.path if face else "",
                    font_index=face.index if face else 0,
                    font_size=layout.size / self.scale,
                    runs=[(r.face.path, r.face.index, r.text) for r in dl.line.runs],
                    direction="rtl" if dl.line.rtl else "ltr",
                    run_boxes=[self.to_canvas(*ri) for ri in dl.run_inks],
                )
            )
        ink = [ln.box for ln in lines if ln.box.w > 0]
        painted = _union(ink) if ink else box
        rid = report_id or node.id
        self.record(rid, "text", painted, parent_id)
        rendered = RenderedText(
            node_id=rid,
            text=node.text,
            lines=lines,
            font_size=layout.size / self.scale,
            color=node.color,
            background_color=background,
            overflow=layout.overflow or _outside(lines, box),
            missing_glyphs=layout.missing,
            lang=node.lang,
            plate_box=plate_box,
            plate_radius=radius / self.scale,
        )
        self.texts[rid] = rendered
        return rendered


def _union(boxes: list[Box]) -> Box:
    x0 = min(b.x for b in boxes)
    y0 = min(b.y for b in boxes)
    x1 = max(b.right for b in boxes)
    y1 = max(b.bottom for b in boxes)
    return Box(x=x0, y=y0, w=x1 - x0, h=y1 - y0)


def _outside(lines: list[RenderedLine], box: Box, tol: float = 1.5) -> bool:
    """Ink escaping the node box (e.g. a tall Devanagari stack at the fitted size) counts as overflow."""
    return any(ln.box.w > 0 and not box.contains(ln.box, tol) for ln in lines)
