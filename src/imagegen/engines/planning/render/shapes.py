"""Shapes and UI chrome: rectangles, ellipses, dividers, speech bubbles with tails, comic panels, cards,
and a phone frame with status bar and home indicator for app screens."""

from __future__ import annotations

import math

from PIL import Image, ImageDraw, ImageFilter

from imagegen.engines.planning.plan import Box, GroupNode, ShapeNode
from imagegen.engines.planning.render.context import RenderContext
from imagegen.engines.planning.render.icons import icon_mask
from imagegen.engines.planning.render.paint import luminance, mix, readable_on, shape_mask


def draw_shadow(
    ctx: RenderContext, x: int, y: int, w: int, h: int, radius: float, strength: float = 0.16
) -> None:
    """A soft drop shadow under a (rounded) rectangle, offset downwards like an overhead light."""
    blur = max(2, int(min(w, h) * 0.04 + ctx.s(6)))
    pad = blur * 3
    q = 4  # blurred at quarter size: nothing sharp to lose, 16x fewer pixels to blur
    mw, mh = (w + 2 * pad) // q + 1, (h + 2 * pad) // q + 1
    small = Image.new("L", (mw, mh), 0)
    ImageDraw.Draw(small).rounded_rectangle(
        (pad / q, pad / q, (pad + w) / q, (pad + h) / q), radius=radius / q, fill=255
    )
    mask = small.filter(ImageFilter.GaussianBlur(blur / q)).resize(
        (mw * q, mh * q), Image.Resampling.BILINEAR
    )
    ctx.fill(mask, "#000000", x - pad, y - pad + blur // 2, strength)


def draw_shape(ctx: RenderContext, node: ShapeNode, parent_id: str | None) -> None:
    """Draw a ShapeNode and record its painted box."""
    x, y, w, h = ctx.sbox(node.box)
    sw = ctx.s(node.stroke_width)
    painted = node.box
    if node.shape in ("rect", "rounded_rect"):
        radius = ctx.s(node.radius or (ctx.plan.theme.corner_radius if node.shape == "rounded_rect" else 0))
        ctx.rect(x, y, w, h, node.fill or "", radius, node.opacity, node.stroke, sw)
    elif node.shape == "ellipse":
        _ellipse(ctx, x, y, w, h, node.fill, node.stroke, sw, node.opacity)
    elif node.shape in ("line", "divider"):
        color = node.stroke or node.fill or ctx.plan.theme.palette.muted
        thick = max(1, round(sw or ctx.s(2)))
        if w >= h:  # horizontal rule through the box's middle
            ctx.rect(x, y + (h - thick) // 2, w, thick, color, opacity=node.opacity)
        else:
            ctx.rect(x + (w - thick) // 2, y, thick, h, color, opacity=node.opacity)
    elif node.shape == "polygon" and node.points:
        _polygon(ctx, x, y, w, h, [(ctx.s(px) - x, ctx.s(py) - y) for px, py in node.points], node)
    elif node.shape == "bubble":
        painted = draw_bubble(ctx, node)
    elif node.shape == "phone_frame":
        # a phone_frame shape: fill is the bezel, stroke the rim line around it
        draw_phone(
            ctx, node.box, bezel=node.fill, rim=node.stroke, rim_width=node.stroke_width, radius=node.radius
        )
    ctx.record(node.id, "shape", painted, parent_id)


def _polygon(
    ctx: RenderContext, x: int, y: int, w: int, h: int, pts: list[tuple[float, float]], node: ShapeNode
) -> None:
    """A closed outline through ``pts`` (relative to the box's corner, scaled px), antialiased."""
    if node.fill:
        mask = shape_mask(
            w, h, lambda d, k: d.polygon([(px * k, py * k) for px, py in pts], fill=255), ctx.ss
        )
        ctx.fill(mask, node.fill, x, y, node.opacity)
    sw = ctx.s(node.stroke_width)
    if node.stroke and sw > 0:
        lw = max(1, round(sw))
        mask = shape_mask(
            w, h, lambda d, k: d.line([(px * k, py * k) for px, py in [*pts, pts[0]]], fill=255, width=lw * k,
                                      joint="curve"),
            ctx.ss,
        )
        ctx.fill(mask, node.stroke, x, y, node.opacity)


def _ellipse(
    ctx: RenderContext,
    x: int,
    y: int,
    w: int,
    h: int,
    fill: str | None,
    stroke: str | None,
    sw: float,
    opacity: float,
) -> None:
    if fill:
        ctx.fill(
            shape_mask(w, h, lambda d, k: d.ellipse((0, 0, w * k - 1, h * k - 1), fill=255), ctx.ss),
            fill,
            x,
            y,
            opacity,
        )
    if stroke and sw > 0:
        lw = max(1, round(sw))
        ctx.fill(
            shape_mask(
                w, h, lambda d, k: d.ellipse((0, 0, w * k - 1, h * k - 1), outline=255, width=lw * k), ctx.ss
            ),
            stroke,
            x,
            y,
            opacity,
        )


def draw_bubble(ctx: RenderContext, node: ShapeNode) -> Box:
    """A speech bubble: an ellipse (or rounded rect when radius is set) with a tail toward ``node.tail``.

    The outline is drawn as a grown copy under the fill, so the tail joins the body without a seam.
    """
    x, y, w, h = ctx.sbox(node.box)
    fill = node.fill or "#ffffff"
    stroke = node.stroke or "#111111"
    sw = max(1.0, ctx.s(node.stroke_width or 3))
    cx, cy = x + w / 2, y + h / 2
    tail = (ctx.s(node.tail[0]), ctx.s(node.tail[1])) if node.tail else (x + w * 0.3, y + h * 1.25)
    # the mask area covers the body and the tail tip
    pad = int(sw * 2 + 2)
    mx0 = int(min(x, tail[0])) - pad
    my0 = int(min(y, tail[1])) - pad
    mx1 = int(max(x + w, tail[0])) + pad
    my1 = int(max(y + h, tail[1])) + pad
    mw, mh = mx1 - mx0, my1 - my0
    ang = math.atan2(tail[1] - cy, tail[0] - cx)
    # tail base: two points inside the body, a fraction of the body's size apart
    half = min(w, h) * 0.14
    bx, by = cx + math.cos(ang) * w * 0.3, cy + math.sin(ang) * h * 0.3
    px, py = -math.sin(ang) * half, math.cos(ang) * half
    tri = [(bx + px, by + py), (bx - px, by - py), tail]

    def body(d: ImageDraw.ImageDraw, k: int, grow: float) -> None:
        box = ((x - mx0 - grow) * k, (y - my0 - grow) * k, (x - mx0 + w + grow) * k, (y - my0 + h + grow) * k)
        if node.radius:
            d.rounded_rectangle(box, radius=ctx.s(node.radius) * k, fill=255)
        else:
            d.ellipse(box, fill=255)
        pts = [((px_ - mx0) * k, (py_ - my0) * k) for px_, py_ in tri]
        d.polygon(pts, fill=255)
        if grow:
            d.line([*pts, pts[0]], fill=255, width=max(1, int(grow * 2 * k)), joint="curve")

    ss = ctx.ss
    ctx.fill(shape_mask(mw, mh, lambda d, k: body(d, k, sw), ss), stroke, mx0, my0, node.opacity)
    ctx.fill(shape_mask(mw, mh, lambda d, k: body(d, k, 0), ss), fill, mx0, my0, node.opacity)
    return ctx.to_canvas(mx0 + pad, my0 + pad, mx1 - pad, my1 - pad)


def draw_phone(
    ctx: RenderContext,
    box: Box,
    *,
    screen: str | None = None,
    bezel: str | None = None,
    rim: str | None = None,
    rim_width: float = 0,
    radius: float = 0,
) -> None:
    """A phone: bezel (with an optional rim line), screen, dynamic-island pill, status-bar icons (signal,
    wifi, battery) and the home indicator.

    No clock or carrier text: invented text would be read back by the verifier as content nobody asked
    for. A planner that draws its own screen on top simply covers the inner chrome.
    """
    x, y, w, h = ctx.sbox(box)
    pal = ctx.plan.theme.palette
    bezel = bezel or "#111318"
    screen = screen or (pal.background if not ctx.plan.theme.dark else "#0b0b0f")
    radius = ctx.s(radius) if radius else min(w, h) * 0.13
    if min(w, h) < ctx.s(48):
        # too small for chrome: a bezel-colored rounded slab keeps the layout honest
        ctx.rect(x, y, w, h, bezel, radius)
        return
    draw_shadow(ctx, x, y, w, h, radius, 0.22)
    ctx.rect(x, y, w, h, bezel, radius, outline=rim, width=ctx.s(rim_width) if rim else 0)
    inset = max(2, round(w * 0.035))
    sx, sy, swd, sh = x + inset, y + inset, w - 2 * inset, h - 2 * inset
    ctx.rect(sx, sy, swd, sh, screen, max(0.0, radius - inset))
    ink = readable_on(screen)
    # dynamic island
    pill_w, pill_h = round(swd * 0.3), max(2, round(swd * 0.075))
    ctx.rect(sx + (swd - pill_w) // 2, sy + round(sh * 0.012), pill_w, pill_h, "#000000", pill_h / 2)
    bar_h = pill_h + round(sh * 0.024)
    icon = round(bar_h * 0.5)
    ix = sx + swd - round(swd * 0.08)
    for name in ("battery_full", "wifi", "signal_cellular_alt"):
        ix -= icon + round(icon * 0.2)
        ctx.fill(icon_mask(name, icon, icon), ink, ix, sy + (bar_h - icon) // 2)
        ctx.icons_drawn = True
    # home indicator
    hw, hh = round(swd * 0.35), max(2, round(sh * 0.006))
    ctx.rect(sx + (swd - hw) // 2, sy + sh - round(sh * 0.018) - hh, hw, hh, ink, hh / 2)


def group_radius(ctx: RenderContext, node: GroupNode) -> float:
    """The corner radius a group is drawn with (canvas px): its own, else the theme's for cards, else
    the phone's screen rounding."""
    if node.radius:
        return node.radius
    role = node.role.lower()
    if role == "card":
        return ctx.plan.theme.corner_radius
    if role == "phone":
        return min(node.box.w, node.box.h) * 0.13
    return 0.0


def draw_group_chrome(ctx: RenderContext, node: GroupNode) -> None:
    """What a group paints before its children, by role (panel, card, phone, navbar, frame ...)."""
    x, y, w, h = ctx.sbox(node.box)
    role = node.role.lower()
    pal = ctx.plan.theme.palette
    radius = ctx.s(node.radius)
    sw = ctx.s(node.stroke_width)
    if role == "phone":
        # a phone group: fill is the screen, stroke the bezel; when the plan draws its own frame (a
        # phone_frame child) the group is only a container, or the chrome would be drawn twice
        if not any(isinstance(c, ShapeNode) and c.shape == "phone_frame" for c in node.children):
            draw_phone(ctx, node.box, screen=node.fill, bezel=node.stroke, radius=node.radius)
        return
    if role == "panel":
        # comic panels: white ground, strong black border (ink style) unless the plan says otherwise
        ctx.rect(
            x,
            y,
            w,
            h,
            node.fill or "#ffffff",
            radius,
            outline=node.stroke or "#111111",
            width=sw or max(2.0, ctx.s(4)),
        )
        return
    if role == "card":
        fill = node.fill or (mix(pal.surface, "#000000", 0.2) if ctx.plan.theme.dark else pal.surface)
        r = radius or ctx.s(ctx.plan.theme.corner_radius)
        if not ctx.plan.theme.dark and luminance(fill) > 0.5:
            draw_shadow(ctx, x, y, w, h, r)
        ctx.rect(x, y, w, h, fill, r, outline=node.stroke, width=sw)
        return
    if role in ("navbar", "tabbar", "nav"):
        fill = node.fill or pal.surface
        ctx.rect(x, y, w, h, fill, radius)
        ctx.rect(x, y, w, max(1, round(ctx.s(1))), node.stroke or mix(fill, readable_on(fill), 0.15))
        return
    if node.fill or (node.stroke and sw > 0):
        ctx.rect(x, y, w, h, node.fill or "", radius, outline=node.stroke, width=sw)


def draw_group_border(ctx: RenderContext, node: GroupNode) -> None:
    """What a group paints over its children: the ink border of comic panels and storyboard frames."""
    role = node.role.lower()
    if role not in ("panel", "frame"):
        return
    x, y, w, h = ctx.sbox(node.box)
    default = 4 if role == "panel" else 2
    width = ctx.s(node.stroke_width) or max(2.0, ctx.s(default))
    saved, ctx.clip = ctx.clip, None
    ctx.rect(x, y, w, h, "", ctx.s(node.radius), outline=node.stroke or "#111111", width=width)
    ctx.clip = saved
