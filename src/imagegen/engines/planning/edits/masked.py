"""In-region operations: text, logo, code, recolor/relight, removal and procedural fill.

Each operation writes into a working copy of the pixels; only the editable region is ever kept (the caller
composites exactly with ``mask.composite``). Every drawn text is checked for contrast against the pixels
actually behind it and read back by OCR; every code is decoded; the results land in the VerifyReport.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
from PIL import Image, ImageDraw

from imagegen.contract.errors import InvalidValue
from imagegen.engines.planning.edits import code_marks, relight, typeset
from imagegen.engines.planning.edits.inpaint import inpaint
from imagegen.engines.planning.edits.instructions import ANCHORS, Op
from imagegen.engines.planning.edits.mask import Region, inner_region
from imagegen.engines.planning.plan import Box, Canvas, Plan
from imagegen.engines.planning.rendered import RenderedLine, RenderedText, Rendering
from imagegen.engines.planning.report import Check
from imagegen.engines.planning.rules.contrast import (
    BODY_MIN,
    LARGE_MIN,
    hex_to_rgb,
    luminance,
    ratio,
    relative_luminance,
)

_DARK, _LIGHT = "#111111", "#ffffff"


@dataclass
class RegionEdit:
    """The state of one masked edit while its operations run."""

    pixels: np.ndarray
    editable: np.ndarray
    region: Region
    seed: int
    #: OCR read-back runs unless the quality budget is "low"
    ocr: bool = True
    #: True when there was no mask: the whole image is the region, placements pick a part of it
    whole_image: bool = False
    checks: list[Check] = field(default_factory=list)
    done: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    cleared: bool = False
    #: the color of the content the clearing removed (replacement text reuses it when it reads)
    old_ink: str | None = None
    #: procedural art for "fill": (subject, width, height, seed, colors) -> RGBA image; None if unavailable
    art: Callable[[str, int, int, int, list[str]], Image.Image | None] | None = None


# --------------------------------------------------------------------------- colors and contrast


def _hex(rgb: np.ndarray | tuple[int, ...]) -> str:
    r, g, b = (int(v) for v in list(rgb)[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


def _rgb_array(color: str) -> np.ndarray:
    return np.array(hex_to_rgb(color), dtype=np.float32)


def accent_color(pixels: np.ndarray) -> str:
    """The image's most saturated frequent color (a logo's brand color), or a safe blue."""
    small = Image.fromarray(np.ascontiguousarray(pixels[:, :, :3])).resize((64, 64), Image.Resampling.BOX)
    quant = small.quantize(colors=8, method=Image.Quantize.MEDIANCUT)
    palette = quant.getpalette() or []
    best, best_score = "#2563eb", 0.0
    for count, index in _indexed_colors(quant):
        at = index * 3
        r, g, b = palette[at : at + 3]
        hi, lo = max(r, g, b), min(r, g, b)
        sat = (hi - lo) / hi if hi else 0.0
        score = sat * (count**0.5) * (0.4 + 0.6 * min(hi, 220) / 220)
        if sat > 0.3 and score > best_score:
            best, best_score = _hex((r, g, b)), score
    return best


def _pick_text_color(behind: np.ndarray, large: bool, wanted: str | None) -> tuple[str, float]:
    """The text color with the best worst-case contrast against the pixels behind the glyphs."""
    lum = relative_luminance(behind.reshape(-1, 3)) if behind.size else np.array([1.0], dtype=np.float32)
    threshold = LARGE_MIN if large else BODY_MIN
    scores: dict[str, float] = {}
    for color in ([wanted] if wanted else []) + [_DARK, _LIGHT]:
        ratios = ratio(luminance(color), lum)
        scores[color] = float(np.percentile(ratios, 5))
    if wanted and scores[wanted] >= threshold:
        return wanted, scores[wanted]
    best = max((c for c in scores if c != wanted), key=lambda c: scores[c])
    return best, scores[best]


# --------------------------------------------------------------------------- blending


def _blend(pixels: np.ndarray, y: slice, x: slice, coverage: np.ndarray, color: str) -> None:
    """Paint ``color`` with per-pixel ``coverage`` (0..1) into pixels[y, x] (RGB or RGBA)."""
    dst = pixels[y, x]
    a = coverage[:, :, None]
    rgb = dst[:, :, :3].astype(np.float32) * (1 - a) + _rgb_array(color)[None, None, :] * a
    dst[:, :, :3] = np.clip(np.rint(rgb), 0, 255).astype(np.uint8)
    if dst.shape[2] == 4:
        alpha = dst[:, :, 3].astype(np.float32) / 255.0
        dst[:, :, 3] = np.clip(np.rint((coverage + alpha * (1 - coverage)) * 255), 0, 255).astype(np.uint8)


def _rounded_rect(w: int, h: int, box: tuple[int, int, int, int], radius: int) -> np.ndarray:
    """Anti-aliased rounded-rectangle coverage (drawn at 4x, box-filtered down)."""
    s = 4
    layer = Image.new("L", (w * s, h * s), 0)
    x0, y0, x1, y1 = box
    ImageDraw.Draw(layer).rounded_rectangle((x0 * s, y0 * s, x1 * s - 1, y1 * s - 1), radius * s, fill=255)
    return np.asarray(layer.resize((w, h), Image.Resampling.BOX), dtype=np.float32) / 255.0


def _ellipse(w: int, h: int, box: tuple[int, int, int, int]) -> np.ndarray:
    s = 4
    layer = Image.new("L", (w * s, h * s), 0)
    x0, y0, x1, y1 = box
    ImageDraw.Draw(layer).ellipse((x0 * s, y0 * s, x1 * s - 1, y1 * s - 1), fill=255)
    return np.asarray(layer.resize((w, h), Image.Resampling.BOX), dtype=np.float32) / 255.0


# --------------------------------------------------------------------------- placement


def slots(ctx: RegionEdit, ops: list[Op]) -> dict[int, Region]:
    """A box for every op that places content (text, logo, code, fill), keyed by its index in ``ops``.

    With a mask, the content ops share the mask's inner box (split along its long side). Without a mask the
    whole image is the region, so each op gets a band or corner at its placement (text: bottom band, codes:
    bottom-right corner by default), inside a margin.
    """
    placing = [
        i
        for i, op in enumerate(ops)
        if op.kind in ("add_text", "set_text", "replace_text", "logo", "code", "fill", "paste")
    ]
    if not placing:
        return {}
    out: dict[int, Region] = {}
    if ctx.whole_image:
        h, w = ctx.editable.shape
        margin = round(min(w, h) * 0.05)
        for i in placing:
            op = ops[i]
            if op.kind == "paste":
                bw = bh = round(min(w, h) * 0.4)
                ax, ay = ANCHORS[op.placement or "center"]
            elif op.kind in ("code", "logo"):
                side = round(min(w, h) * (0.24 if op.kind == "code" else 0.18))
                if op.kind == "code" and op.symbology != "qr":
                    bw, bh = round(w * 0.36), round(min(w, h) * 0.2)
                else:
                    bw = bh = side
                ax, ay = ANCHORS[op.placement or ("bottom-right" if op.kind == "code" else "top-left")]
            else:
                bw, bh = w - 2 * margin, round(h * 0.16)
                ax, ay = ANCHORS[op.placement or "bottom-center"]
                bw = w - 2 * margin if ax == 0.5 else round(w * 0.5)
            x = round(margin + ax * (w - 2 * margin - bw))
            y = round(margin + ay * (h - 2 * margin - bh))
            out[i] = Region(x, y, x + bw, y + bh)
        return out
    inner = inner_region(ctx.editable, ctx.region)
    k = len(placing)
    for j, i in enumerate(placing):
        if inner.width >= inner.height:
            x0 = inner.x0 + inner.width * j // k
            x1 = inner.x0 + inner.width * (j + 1) // k
            out[i] = Region(x0, inner.y0, x1, inner.y1)
        else:
            y0 = inner.y0 + inner.height * j // k
            y1 = inner.y0 + inner.height * (j + 1) // k
            out[i] = Region(inner.x0, y0, inner.x1, y1)
    return out


# --------------------------------------------------------------------------- operations


def clear(ctx: RegionEdit) -> None:
    """Remove what is in the region (classical inpainting), once per edit."""
    if ctx.cleared:
        return
    if ctx.whole_image:
        raise InvalidValue(
            "Removing something needs a mask that marks it (alpha 0), "
            "or an imagegen asset whose plan is known.",
            param="mask",
        )
    before = ctx.pixels
    ctx.pixels = inpaint(ctx.pixels, ctx.editable, ctx.region, seed=ctx.seed)
    ctx.cleared = True
    ctx.old_ink = _ink_color(before, ctx.pixels, ctx.editable, ctx.region)


def _ink_color(before: np.ndarray, after: np.ndarray, editable: np.ndarray, region: Region) -> str | None:
    """The color of what was just removed (old text's ink), so replacement text can keep its look.

    Ink = the pixels that inpainting changed most; None when nothing stands out (a photo, a flat area).
    """
    ys, xs = region.slices()
    inside = editable[ys, xs]
    old = before[ys, xs][:, :, :3].astype(np.int32)
    diff = np.abs(old - after[ys, xs][:, :, :3].astype(np.int32)).sum(axis=2)
    strong = (diff > 90) & inside
    share = strong.sum() / max(1, int(inside.sum()))
    if not 0.005 <= share <= 0.6:
        return None
    cutoff = np.percentile(diff[strong], 70)
    core = old[strong & (diff >= cutoff)]
    return _hex(np.median(core, axis=0).round().astype(int))


def tone(ctx: RegionEdit, op: Op) -> None:
    """Recolor/relight the editable pixels."""
    ys, xs = ctx.region.slices()
    block = ctx.pixels[ys, xs]
    graded = relight.apply_tone(block[:, :, :3], op.tone or "warm", op.color)
    sub = ctx.editable[ys, xs][:, :, None]
    block[:, :, :3] = np.where(sub, graded, block[:, :, :3])
    ctx.done.append(relight.describe(op.tone or "warm", op.color))


def draw_text(
    ctx: RegionEdit,
    box: Region,
    text: str,
    *,
    label: str,
    family: str = "sans",
    weight: int = 700,
    color: str | None = None,
    plate: bool | None = None,
) -> None:
    """Fit ``text`` (exact) into ``box``, legible on what is behind it; read it back."""
    if not text.strip():
        raise InvalidValue("The quoted text to draw is empty.", param="prompt")
    before = ctx.pixels.copy()
    use_plate = bool(plate)
    color = color or ctx.old_ink
    for attempt in range(2):
        placed = _place_text(ctx, box, text, family=family, weight=weight, color=color, plate=use_plate)
        if not ctx.ocr:
            break
        check = _read_back(ctx, label, text, placed)
        if check.passed or attempt == 1 or use_plate:
            check.detail += f" (attempt {attempt + 1})"
            ctx.checks.append(check)
            break
        # A busy background is the usual reason OCR misreads: retry once on a plate.
        ctx.pixels[...] = before
        use_plate = True
    ctx.checks.append(
        Check(
            "contrast",
            label,
            placed["contrast"] >= placed["threshold"],
            f"text {placed['color']} vs pixels behind it (5th percentile)",
            value=placed["contrast"],
        )
    )
    where = f"{box.width}x{box.height} at ({box.x0},{box.y0})"
    ctx.done.append(
        f'text "{text}" ({placed["size"]} px, {placed["color"]}'
        f"{' on a plate' if placed['plate'] else ''}, {where})"
    )


def _read_back(ctx: RegionEdit, label: str, text: str, placed: dict[str, Any]) -> Check:
    """OCR every drawn line with the verifier's own line reader (same crops, engines and comparison)."""
    from imagegen.engines.planning.verify.ocr import check_ocr

    h, w = ctx.pixels.shape[:2]
    lines = [
        RenderedLine(
            text=line,
            box=Box(x=x0, y=y0, w=x1 - x0, h=y1 - y0),
            font_path=placed["font"].path,
            font_index=placed["font"].index,
            font_size=placed["size"],
        )
        for line, (x0, y0, x1, y1) in zip(placed["lines"], placed["line_boxes"], strict=True)
    ]
    rendered = RenderedText(
        node_id=label,
        text=text,
        lines=lines,
        font_size=placed["size"],
        color=placed["color"],
        background_color=None,
        lang=None if placed["lang"] == "en" else placed["lang"],
    )
    image = Image.fromarray(np.ascontiguousarray(ctx.pixels[:, :, :3]), mode="RGB")
    rendering = Rendering(image=image, scale=1.0, texts={label: rendered})
    checks = check_ocr(Plan(canvas=Canvas(width=w, height=h)), rendering)
    check = (
        checks[0]
        if checks
        else Check("ocr", label, False, "nothing was read back", expected=text, observed="")
    )
    check.detail = "read back inside the edited region"
    return check


def _place_text(
    ctx: RegionEdit, box: Region, text: str, *, family: str, weight: int, color: str | None, plate: bool
) -> dict[str, Any]:
    pad = max(2, round(min(box.width, box.height) * (0.1 if plate else 0.06)))
    bw, bh = box.width - 2 * pad, box.height - 2 * pad
    choice = typeset.choose_font(text, family, weight)
    editable = ctx.editable[box.y0 + pad : box.y0 + pad + bh, box.x0 + pad : box.x0 + pad + bw]
    ink = None
    layout = None
    for _ in range(12):
        layout = typeset.fit(text, choice, bw, bh, max_lines=max(1, min(6, bh // 24)))
        if layout is None:
            break
        ink = typeset.draw_ink(layout, bw, bh)
        if not ((ink > 0) & ~editable).any():
            break
        # Ink would land on protected pixels (an odd-shaped mask): shrink the fitting box and retry.
        bw, bh = round(bw * 0.9), round(bh * 0.9)
        editable = ctx.editable[box.y0 + pad : box.y0 + pad + bh, box.x0 + pad : box.x0 + pad + bw]
        ink = None
    if layout is None or ink is None:
        raise InvalidValue(
            f'The masked region ({box.width}x{box.height}) is too small for the text "{text}".', param="mask"
        )
    ys = slice(box.y0 + pad, box.y0 + pad + bh)
    xs = slice(box.x0 + pad, box.x0 + pad + bw)
    rows, cols = np.nonzero(ink > 0.02)
    ink_box = (int(cols.min()), int(rows.min()), int(cols.max()) + 1, int(rows.max()) + 1)
    large = layout.size >= 24
    threshold = LARGE_MIN if large else BODY_MIN
    halo = _dilate(ink > 0.02, max(2, layout.size // 10))
    behind = ctx.pixels[ys, xs][:, :, :3][halo]
    fill, score = _pick_text_color(behind, large, color)
    if score < threshold:
        plate = True
    if plate:
        # The plate color comes from the local background, pushed far toward the opposite of the text.
        mean = ctx.pixels[ys, xs][:, :, :3].reshape(-1, 3).mean(axis=0)
        dark_text = fill == _DARK or luminance(fill) < 0.2
        target = np.array([255.0, 255.0, 255.0]) if dark_text else np.array([12.0, 14.0, 20.0])
        plate_color = _hex(np.rint(mean * 0.12 + target * 0.88))
        ppad = max(3, layout.size // 4)
        pbox = (
            max(0, ink_box[0] - ppad),
            max(0, ink_box[1] - ppad),
            min(bw, ink_box[2] + ppad),
            min(bh, ink_box[3] + ppad),
        )
        coverage = _rounded_rect(bw, bh, pbox, radius=max(2, layout.size // 4)) * editable
        _blend(ctx.pixels, ys, xs, coverage, plate_color)
        fill, score = _pick_text_color(np.repeat(_rgb_array(plate_color)[None, :], 4, axis=0), large, color)
    _blend(ctx.pixels, ys, xs, ink * editable, fill)
    abs_box = Region(
        xs.start + ink_box[0], ys.start + ink_box[1], xs.start + ink_box[2], ys.start + ink_box[3]
    )
    boxes = [
        (xs.start + b[0], ys.start + b[1], xs.start + b[2], ys.start + b[3])
        for b in typeset.line_boxes(layout, ink)
        if b is not None
    ]
    lines = [
        line for line, b in zip(layout.lines, typeset.line_boxes(layout, ink), strict=True) if b is not None
    ]
    return {
        "size": layout.size,
        "color": fill,
        "contrast": score,
        "threshold": threshold,
        "plate": plate,
        "ink_box": abs_box,
        "lang": choice.lang,
        "lines": lines,
        "line_boxes": boxes,
        "font": choice,
    }


def _dilate(mask: np.ndarray, r: int) -> np.ndarray:
    import cv2

    kernel = np.ones((2 * r + 1, 2 * r + 1), np.uint8)
    return cv2.dilate(mask.astype(np.uint8), kernel).astype(bool)


def _crop(pixels: np.ndarray, box: Region, margin: int) -> np.ndarray:
    h, w = pixels.shape[:2]
    return np.ascontiguousarray(
        pixels[
            max(0, box.y0 - margin) : min(h, box.y1 + margin),
            max(0, box.x0 - margin) : min(w, box.x1 + margin),
            :3,
        ]
    )


def draw_logo(ctx: RegionEdit, box: Region, text: str, *, label: str) -> None:
    """A monogram (<= 3 characters: a filled badge with the letters) or a wordmark (bold accent type)."""
    if not text.strip():
        raise InvalidValue("The quoted logo text is empty.", param="prompt")
    if min(box.width, box.height) < 16:
        raise InvalidValue(
            f"The masked region ({box.width}x{box.height}) is too small for a logo.", param="mask"
        )
    accent = accent_color(ctx.pixels)
    compact = text.replace(" ", "")
    if len(compact) <= 3:
        d = min(box.width, box.height)
        x0, y0 = box.x0 + (box.width - d) // 2, box.y0 + (box.height - d) // 2
        ys, xs = slice(y0, y0 + d), slice(x0, x0 + d)
        inset = max(1, d // 40)
        coverage = _ellipse(d, d, (inset, inset, d - inset, d - inset)) * ctx.editable[ys, xs]
        _blend(ctx.pixels, ys, xs, coverage, accent)
        inner = round(d * 0.68)
        off = (d - inner) // 2
        sub = Region(x0 + off, y0 + off, x0 + off + inner, y0 + off + inner)
        draw_text(ctx, sub, text, label=label, weight=800, plate=False)
        ctx.done[-1] = f'monogram logo "{text}" on a {accent} badge ({d} px)'
        return
    draw_text(ctx, box, text, label=label, weight=800, color=accent)
    placed_color = ctx.done[-1]
    ctx.done[-1] = f'wordmark logo "{text}" ({placed_color.split("(", 1)[1]}'


def draw_code(ctx: RegionEdit, box: Region, op: Op, *, label: str) -> None:
    """A QR / EAN-13 / Code 128 with its quiet zone, decoded back with zxing-cpp."""
    symbology = op.symbology or "qr"
    data = code_marks.validate_payload(symbology, op.data or "")
    drawing = code_marks.layout_code(symbology, data, box.width, box.height)
    ax, ay, aw, ah = drawing.area
    ys, xs = slice(box.y0 + ay, box.y0 + ay + ah), slice(box.x0 + ax, box.x0 + ax + aw)
    if not ctx.editable[ys, xs].all():
        raise InvalidValue(
            "The code's quiet zone would cross the mask edge; use a rectangular mask region.", param="mask"
        )
    area = np.ones((ah, aw), dtype=np.float32)
    _blend(ctx.pixels, ys, xs, area, "#ffffff")
    dark = drawing.dark[ay : ay + ah, ax : ax + aw].astype(np.float32)
    _blend(ctx.pixels, ys, xs, dark, "#000000")
    if drawing.human_readable:
        bars_bottom = int(np.nonzero(drawing.dark.any(axis=1))[0].max()) + 1
        strip = Region(box.x0 + ax, box.y0 + bars_bottom, box.x0 + ax + aw, box.y0 + ay + ah)
        choice = typeset.choose_font(drawing.human_readable, "mono", 400)
        layout = typeset.fit(
            drawing.human_readable, choice, strip.width - 4 * drawing.module_px, strip.height, max_lines=1
        )
        if layout is not None:
            ink = typeset.draw_ink(layout, strip.width, strip.height)
            _blend(ctx.pixels, slice(strip.y0, strip.y1), slice(strip.x0, strip.x1), ink, "#000000")
    margin = drawing.module_px * 2
    decoded = code_marks.decode(
        _crop(ctx.pixels, Region(xs.start, ys.start, xs.stop, ys.stop), margin), symbology
    )
    ok = data in decoded
    ctx.checks.append(
        Check(
            "code",
            label,
            ok,
            f"{symbology} decoded with zxing-cpp",
            expected=data,
            observed=decoded[0] if decoded else None,
        )
    )
    ctx.done.append(
        f"{symbology} code {data!r} ({drawing.module_px} px modules, {aw}x{ah} at ({xs.start},{ys.start}))"
    )


def fill(ctx: RegionEdit, box: Region, op: Op) -> None:
    """Paint what the prompt describes with procedural art (standing in for an image backend)."""
    subject = op.subject or "abstract"
    art = ctx.art(subject, box.width, box.height, ctx.seed, _palette(ctx.pixels)) if ctx.art else None
    if art is None:
        clear(ctx)
        ctx.notes.append(
            f'"{op.clause}": no image backend or procedural art available; the region was inpainted instead'
        )
        ctx.done.append("inpainted the region (fallback)")
        return
    if not ctx.cleared and not ctx.whole_image:
        # Start from a clean region so the art's transparent parts show surroundings, not the old content.
        clear(ctx)
    rgba = np.asarray(art.convert("RGBA").resize((box.width, box.height)), dtype=np.float32)
    ys, xs = slice(box.y0, box.y1), slice(box.x0, box.x1)
    coverage = rgba[:, :, 3] / 255.0 * ctx.editable[ys, xs]
    dst = ctx.pixels[ys, xs]
    a = coverage[:, :, None]
    dst[:, :, :3] = np.clip(np.rint(dst[:, :, :3] * (1 - a) + rgba[:, :, :3] * a), 0, 255).astype(np.uint8)
    if dst.shape[2] == 4:
        dst[:, :, 3] = np.clip(
            np.rint((coverage + dst[:, :, 3] / 255.0 * (1 - coverage)) * 255), 0, 255
        ).astype(np.uint8)
    ctx.done.append(f'procedural art for "{subject}" ({box.width}x{box.height})')
    ctx.notes.append("procedural art stands in for an image backend (none runs offline)")


def _palette(pixels: np.ndarray) -> list[str]:
    small = Image.fromarray(np.ascontiguousarray(pixels[:, :, :3])).resize((48, 48), Image.Resampling.BOX)
    quant = small.quantize(colors=4, method=Image.Quantize.MEDIANCUT)
    pal = quant.getpalette() or []
    counts = sorted(_indexed_colors(quant), reverse=True)
    return [_hex(tuple(pal[i * 3 : i * 3 + 3])) for _, i in counts]


def _indexed_colors(quant: Image.Image) -> list[tuple[int, int]]:
    """(count, palette index) pairs of a "P" image (Pillow types them loosely)."""
    return [(int(count), int(cast(int, index))) for count, index in quant.getcolors() or []]


def paste(ctx: RegionEdit, box: Region, picture: Image.Image, *, what: str) -> None:
    """Another request image, scaled to fit the box (aspect kept, centered), over what is there."""
    rgba = picture.convert("RGBA")
    scale = min(box.width / rgba.width, box.height / rgba.height)
    w, h = max(1, round(rgba.width * scale)), max(1, round(rgba.height * scale))
    fitted = np.asarray(rgba.resize((w, h), Image.Resampling.LANCZOS), dtype=np.float32)
    x0, y0 = box.x0 + (box.width - w) // 2, box.y0 + (box.height - h) // 2
    ys, xs = slice(y0, y0 + h), slice(x0, x0 + w)
    coverage = fitted[:, :, 3] / 255.0 * ctx.editable[ys, xs]
    dst = ctx.pixels[ys, xs]
    a = coverage[:, :, None]
    dst[:, :, :3] = np.clip(np.rint(dst[:, :, :3] * (1 - a) + fitted[:, :, :3] * a), 0, 255).astype(np.uint8)
    if dst.shape[2] == 4:
        alpha = dst[:, :, 3] / 255.0
        dst[:, :, 3] = np.clip(np.rint((coverage + alpha * (1 - coverage)) * 255), 0, 255).astype(np.uint8)
    ctx.done.append(f"{what} placed at {w}x{h} ({x0},{y0})")
