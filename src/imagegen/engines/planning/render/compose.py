"""The renderer's entry point: draw a Plan into pixels and report where everything landed.

Steps (see docs/rendering.md):

1. background at canvas size (smooth fields need no supersampling), scaled up to the drawing size;
2. nodes in (z, document) order at ``scale`` x: group chrome, then children clipped to the group;
   images, shapes, icons, charts and text (fitted, shaped, measured);
3. downsample to the canvas size (box filter: ``reduce`` for integer scales, area-average resize otherwise);
4. codes painted last on the final pixel grid with integer modules (never resampled);
5. the image is RGBA with real alpha for transparent canvases, RGB otherwise.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

from PIL import Image, ImageChops, ImageDraw

from imagegen.engines.planning.plan import (
    ChartNode,
    CodeNode,
    FontRef,
    GroupNode,
    IconNode,
    ImageNode,
    Node,
    Plan,
    ShapeNode,
    TextNode,
)
from imagegen.engines.planning.render.charts import draw_chart
from imagegen.engines.planning.render.codes import draw_code
from imagegen.engines.planning.render.context import RenderContext
from imagegen.engines.planning.render.fonts import FontBook, default_fontbook, require_raqm
from imagegen.engines.planning.render.icons import ICON_FONT_PATH, icon_mask
from imagegen.engines.planning.render.paint import ClipRect, composite
from imagegen.engines.planning.render.procedural import background_image, image_art
from imagegen.engines.planning.render.shapes import (
    draw_group_border,
    draw_group_chrome,
    draw_shape,
    group_radius,
)
from imagegen.engines.planning.render.text import TextEngine
from imagegen.engines.planning.rendered import Rendering

#: supersampling beyond 4x buys nothing visible and costs memory quadratically
MAX_SCALE = 4.0

#: drawing-surface budget for "high": 2x up to 2048² (a 4096² surface, ~0.3 s CPU for a busy poster),
#: less above (3840x2160 draws at 1.25x)
HIGH_DRAW_PIXELS = 17_000_000

_engines: dict[int, TextEngine] = {}


def supersample_for(width: int, height: int, quality: str) -> float:
    """The render scale the renderer recommends for a canvas and a request quality.

    Text is already antialiased by FreeType and curved shapes are oversampled locally, so ``low`` and
    ``medium`` draw at 1x; ``high`` supersamples at 2x while the drawing surface stays under
    :data:`HIGH_DRAW_PIXELS` and at the largest quarter step that fits above that.
    """
    if quality != "high":
        return 1.0
    fit = (HIGH_DRAW_PIXELS / max(1, width * height)) ** 0.5
    return max(1.0, min(2.0, int(fit * 4) / 4))


def _text_engine(fonts: FontBook) -> TextEngine:
    # one engine per font book so measured widths are reused across renders (refine loops re-render often)
    eng = _engines.get(id(fonts))
    if eng is None or eng.fonts is not fonts:
        eng = TextEngine(fonts)
        _engines[id(fonts)] = eng
    return eng


def render(
    plan: Plan,
    *,
    scale: float = 1.0,
    fonts: FontBook | None = None,
    references: Sequence[Image.Image] = (),
    node_images: Mapping[str, Image.Image] | None = None,
) -> Rendering:
    """Render ``plan``; ``scale`` > 1 supersamples. All geometry in the result is in canvas px.

    ``references`` are the request's input images (for ``Background(kind="image")`` and ImageNodes with
    ``source="reference"``); ``node_images`` are pictures an image backend made for ImageNodes with
    ``source="backend"``, by node id. A backend node without a picture gets procedural art.
    """
    t0 = time.perf_counter()
    require_raqm()
    fonts = fonts or default_fontbook()
    scale = max(1.0, min(MAX_SCALE, float(scale)))
    cw, ch = plan.canvas.width, plan.canvas.height
    dw, dh = round(cw * scale), round(ch * scale)
    timings: dict[str, float] = {}

    # 1. background
    bg = plan.canvas.background
    # drawn straight at the drawing size: smooth fields are computed small and upscaled once inside
    base = background_image(bg, plan.theme, dw, dh, art_seed(plan))
    if bg.kind == "image" and bg.reference is not None and 0 <= bg.reference < len(references):
        base = _fit(references[bg.reference], dw, dh, "cover")
    # opaque canvases are drawn in RGB (masked pastes, no alpha to keep); transparent ones in RGBA
    if base is None:
        canvas = Image.new("RGBA", (dw, dh), (0, 0, 0, 0))
    else:
        canvas = base if base.mode == "RGB" else base.convert("RGB")
    t1 = time.perf_counter()
    timings["background"] = t1 - t0

    # 2. nodes
    ctx = RenderContext(plan=plan, scale=scale, fonts=fonts, engine=_text_engine(fonts), canvas=canvas)
    codes: list[tuple[CodeNode, str | None]] = []
    _draw_nodes(ctx, plan.nodes, None, codes, references, node_images or {})
    t2 = time.perf_counter()
    timings["nodes"] = t2 - t1

    # 3. downsample
    image = ctx.canvas
    if (dw, dh) != (cw, ch):
        if float(scale).is_integer():
            image = image.reduce(int(scale))
        else:
            # area averaging: the supersampling filter proper, and ~3x cheaper than Lanczos at 3072²
            image = image.resize((cw, ch), Image.Resampling.BOX)
    t3 = time.perf_counter()
    timings["downsample"] = t3 - t2

    # 4. codes on the final grid (then 5: the image is already RGB when opaque, RGBA when transparent)
    for node, parent in codes:
        painted = draw_code(image, node, fonts)
        ctx.record(node.id, "code", painted, parent)
    t4 = time.perf_counter()
    timings["codes"] = t4 - t3

    timings["total"] = time.perf_counter() - t0
    used = sorted({(path, index) for t in ctx.texts.values() for ln in t.lines for path, index, _ in ln.runs})
    if ctx.icons_drawn:
        used.append((ICON_FONT_PATH, 0))
    if codes and any(n.human_readable and n.symbology != "qr" for n, _ in codes):
        face = fonts.resolve(FontRef(family="mono", weight=500))
        used.append((face.path, face.index))
    return Rendering(
        image=image,
        scale=scale,
        nodes=ctx.nodes,
        texts=ctx.texts,
        timings=timings,
        fonts_used=sorted(set(used)),
    )


def art_seed(plan: Plan) -> int:
    """The seed procedural art draws from: the plan seed, and for variants after the first the variant
    number too, so the n images of one request are different takes even where their plans coincide."""
    return plan.seed if plan.variant == 0 else (plan.seed * 7919 + plan.variant) & 0x7FFFFFFF


def _draw_nodes(
    ctx: RenderContext,
    nodes: Sequence[Node],
    parent: str | None,
    codes: list[tuple[CodeNode, str | None]],
    references: Sequence[Image.Image],
    node_images: Mapping[str, Image.Image],
) -> None:
    for node in sorted(nodes, key=lambda n: n.z) if nodes else []:
        if isinstance(node, GroupNode):
            draw_group_chrome(ctx, node)
            ctx.record(node.id, "group", node.box, parent)
            saved = ctx.clip
            if node.clip:
                x, y, w, h = ctx.sbox(node.box)
                clip: ClipRect = (x, y, x + w, y + h)
                if saved is not None:
                    clip = (
                        max(clip[0], saved[0]),
                        max(clip[1], saved[1]),
                        min(clip[2], saved[2]),
                        min(clip[3], saved[3]),
                    )
                ctx.clip = clip
            saved_round = ctx.round_clip
            radius = group_radius(ctx, node)
            if node.clip and radius > 0:
                ctx.round_clip = (node.box, radius)
            _draw_nodes(ctx, node.children, node.id, codes, references, node_images)
            ctx.clip = saved
            ctx.round_clip = saved_round
            draw_group_border(ctx, node)
        elif isinstance(node, TextNode):
            ctx.draw_text(node, parent_id=parent)
        elif isinstance(node, ShapeNode):
            draw_shape(ctx, node, parent)
        elif isinstance(node, ImageNode):
            _draw_image(ctx, node, parent, references, node_images)
        elif isinstance(node, IconNode):
            _draw_icon(ctx, node, parent)
        elif isinstance(node, ChartNode):
            draw_chart(ctx, node, parent)
        elif isinstance(node, CodeNode):
            codes.append((node, parent))


def _fit(img: Image.Image, w: int, h: int, fit: str) -> Image.Image:
    """Scale an input picture to w x h by cover (crop) or contain (letterbox, transparent bars)."""
    img = img.convert("RGBA")
    sw, sh = img.size
    if fit == "contain":
        k = min(w / sw, h / sh)
        scaled = img.resize((max(1, round(sw * k)), max(1, round(sh * k))), Image.Resampling.LANCZOS)
        out = Image.new("RGBA", (w, h), (0, 0, 0, 0))
        out.alpha_composite(scaled, ((w - scaled.width) // 2, (h - scaled.height) // 2))
        return out
    k = max(w / sw, h / sh)
    scaled = img.resize((max(w, round(sw * k)), max(h, round(sh * k))), Image.Resampling.LANCZOS)
    left, top = (scaled.width - w) // 2, (scaled.height - h) // 2
    return scaled.crop((left, top, left + w, top + h))


def _draw_image(
    ctx: RenderContext,
    node: ImageNode,
    parent: str | None,
    references: Sequence[Image.Image],
    node_images: Mapping[str, Image.Image],
) -> None:
    x, y, w, h = ctx.sbox(node.box)
    picture: Image.Image | None = None
    if node.source == "reference" and node.reference is not None and 0 <= node.reference < len(references):
        picture = _fit(references[node.reference], w, h, node.fit)
    elif node.source == "backend" and node.id in node_images:
        picture = _fit(node_images[node.id], w, h, node.fit)
    if picture is None:
        picture = image_art(node, ctx.plan.theme, w, h, art_seed(ctx.plan), plan=ctx.plan)
    if picture.mode != "RGBA":
        picture = picture.convert("RGBA")
    radius, corners = node.corner_radius, (True, True, True, True)
    if radius <= 0 and ctx.round_clip is not None:
        # a picture flush with a corner of its rounded card/phone takes that corner's rounding, so it does
        # not poke square corners out of the card (the clip itself is rectangular)
        gbox, radius = ctx.round_clip
        b, tol = node.box, 1.0
        left, right = abs(b.x - gbox.x) <= tol, abs(b.right - gbox.right) <= tol
        top, bottom = abs(b.y - gbox.y) <= tol, abs(b.bottom - gbox.bottom) <= tol
        corners = (top and left, top and right, bottom and right, bottom and left)
        if not any(corners):
            radius = 0
    if radius > 0:
        r = ctx.s(radius)
        mask = Image.new("L", (w * ctx.ss, h * ctx.ss), 0)
        ImageDraw.Draw(mask).rounded_rectangle(
            (0, 0, w * ctx.ss - 1, h * ctx.ss - 1), radius=r * ctx.ss, fill=255, corners=corners
        )
        if ctx.ss > 1:
            mask = mask.reduce(ctx.ss)
        alpha = picture.getchannel("A")
        picture.putalpha(ImageChops.multiply(alpha, mask))
    composite(ctx.canvas, picture, x, y, ctx.clip)
    ctx.record(node.id, "image", node.box, parent)


def _draw_icon(ctx: RenderContext, node: IconNode, parent: str | None) -> None:
    x, y, w, h = ctx.sbox(node.box)
    try:
        mask = icon_mask(node.name, w, h)
    except KeyError:
        # an unknown name draws a neutral dot rather than failing the whole image; the planner only
        # emits names from available_icons(), so this is a plan bug the node record makes visible
        mask = Image.new("L", (w, h), 0)
        r = min(w, h) * 0.2
        ImageDraw.Draw(mask).ellipse((w / 2 - r, h / 2 - r, w / 2 + r, h / 2 + r), fill=255)
    ctx.fill(mask, node.color, x, y)
    ctx.icons_drawn = True
    ctx.record(node.id, "icon", node.box, parent)
