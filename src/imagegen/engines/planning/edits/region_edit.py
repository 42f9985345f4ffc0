"""Region edits: the operations of a prompt run inside a mask (or the whole image when there is none).

Every operation writes into a working copy; the output is the exact composite (``mask.composite``), so the
pixels outside the region are the input's bytes. ``procedural_art`` is the renderer-backed fill.
"""

from __future__ import annotations

import hashlib
from typing import Any

from PIL import Image

from imagegen.contract.errors import InvalidMask, InvalidValue
from imagegen.engines.base import EngineImage
from imagegen.engines.planning.budget import Budget
from imagegen.engines.planning.edits import instructions, masked
from imagegen.engines.planning.edits.instructions import Op
from imagegen.engines.planning.edits.mask import (
    bounding_region,
    composite,
    editable_from_mask,
    region_image,
    to_array,
    unmasked_sha256,
    whole_image,
    working_mode,
)
from imagegen.engines.planning.plan import Background, Box, Canvas, ImageNode, Plan
from imagegen.engines.planning.report import VerifyReport

SUPPORTED = (
    'text (change the headline to "X", add "SALE" at the top), codes (add a QR code for https://...), '
    'logos (add a logo "AQ"), recolor/relight (warmer light, black and white, make it red, brighter), '
    "removal with a mask (remove the logo), procedural fill with a mask (add a red balloon), for imagegen "
    "assets: move/font/background/remove/add-caption instructions"
)


def rgba_sha256(image: Image.Image) -> str:
    """sha256 of the raw RGBA bytes (``EngineImage.render_sha256``)."""
    return hashlib.sha256(image.convert("RGBA").tobytes()).hexdigest()


def region_edit(
    image: Image.Image,
    mask: Image.Image | None,
    parsed: instructions.Parsed,
    seed: int,
    budget: Budget,
    inputs: tuple[Image.Image, ...] = (),
) -> EngineImage:
    mode = working_mode(image)
    original = to_array(image, mode)
    editable = editable_from_mask(mask, image.size) if mask is not None else whole_image(image.size)
    region = bounding_region(editable)
    if region is None:
        raise InvalidMask(
            "The mask has no fully transparent (alpha 0) pixels: there is nothing to edit.", param="mask"
        )
    ctx = masked.RegionEdit(
        pixels=original.copy(),
        editable=editable,
        region=region,
        seed=seed,
        ocr="ocr" in budget.checks,
        whole_image=mask is None,
        art=procedural_art,
    )
    if mask is None:
        ctx.notes.append("no mask and no known plan: the whole image was treated as the editable region")
    ops = _region_ops(parsed.ops, ctx)
    stages: list[Image.Image] = []
    boxes = masked.slots(ctx, ops)
    if (
        any(op.clears and op.kind in ("set_text", "replace_text", "remove", "logo") for op in ops)
        and mask is not None
    ):
        masked.clear(ctx)
        ctx.done.append("cleared the region (inpainting)")
        stages.append(Image.fromarray(composite(original, ctx.pixels, editable), mode=mode))
    for index, op in enumerate(ops):
        label = f"edit.{index}"
        if op.kind in ("set_text", "replace_text", "add_text"):
            if mask is None and op.kind != "add_text":
                ctx.notes.append(
                    f'"{op.clause}": without a mask or plan the old text cannot be located; overlaid instead'
                )
            masked.draw_text(
                ctx, boxes[index], op.text or "", label=label, color=op.color, weight=op.weight or 700
            )
        elif op.kind == "logo":
            masked.draw_logo(ctx, boxes[index], op.text or "", label=label)
        elif op.kind == "code":
            masked.draw_code(ctx, boxes[index], op, label=label)
        elif op.kind == "tone":
            masked.tone(ctx, op)
        elif op.kind == "remove":
            masked.clear(ctx)
            ctx.done.append(f"removed the {op.target or 'content'} (inpainting)")
        elif op.kind == "fill":
            masked.fill(ctx, boxes[index], op)
        elif op.kind == "paste":
            which = op.image_index or 1
            if which >= len(inputs):
                raise InvalidValue(
                    f"The prompt refers to image {which + 1}, but the request has {len(inputs)} image(s).",
                    param="image",
                )
            masked.paste(ctx, boxes[index], inputs[which], what=f"image {which + 1}")
    if not ctx.done:
        raise InvalidValue(
            f"Nothing in the prompt could be done offline. Supported: {SUPPORTED}.", param="prompt"
        )
    # 3. exact composite + facts a client can check
    out = composite(original, ctx.pixels, editable)
    pixels = Image.fromarray(out, mode=mode)
    report = VerifyReport(checks=ctx.checks, passes=1, skipped=[] if ctx.ocr else ["ocr"])
    where = f"{region.width}x{region.height} at ({region.x0},{region.y0})"
    summary = (
        f"Edited {'the masked region ' + where if mask is not None else 'the whole image'} of the "
        f"{image.width}x{image.height} input: " + "; ".join(ctx.done) + "."
    )
    if ctx.notes:
        summary += " Notes: " + "; ".join(dict.fromkeys(ctx.notes)) + "."
    extra: dict[str, Any] = {
        "edit_mode": "mask" if mask is not None else "whole_image",
        "unmasked_sha256_before": unmasked_sha256(original, editable),
        "unmasked_sha256_after": unmasked_sha256(out, editable),
        "mask_pixels": int(editable.sum()),
        "mask_bbox": region.as_list(),
        "operations": ctx.done,
        "notes": list(dict.fromkeys(ctx.notes)),
        # taken out again by apply_edit (streamed as partial images), never returned
        "_stages": stages,
    }
    return EngineImage(
        pixels=pixels,
        revised_prompt=summary,
        plan=None,
        report=report.to_json(),
        render_sha256=rgba_sha256(pixels),
        editable_region=region_image(editable),
        extra=extra,
    )


def _region_ops(ops: list[Op], ctx: masked.RegionEdit) -> list[Op]:
    """Map plan-only instructions onto what pixels allow, saying so.

    Unknown words become a procedural fill (with a mask) or a note (without one).
    """
    out: list[Op] = []
    for op in ops:
        if op.kind in ("background", "color"):
            out.append(Op("tone", op.clause, tone="tint", color=op.color))
            ctx.notes.append(f'"{op.clause}": no plan to edit, so the region was recolored toward {op.color}')
        elif op.kind in ("move", "font", "size"):
            ctx.notes.append(
                f'"{op.clause}": moving elements or changing fonts needs an imagegen asset '
                f"with its plan; skipped"
            )
        elif op.kind == "unknown":
            if ctx.whole_image:
                ctx.notes.append(f'"{op.clause}": not understood and no mask to paint into; skipped')
            else:
                out.append(Op("fill", op.clause, subject=op.subject))
                ctx.notes.append(
                    f'"{op.clause}": not a recognized instruction; painted procedural art for it in the mask'
                )
        elif op.kind == "fill" and ctx.whole_image:
            ctx.notes.append(f'"{op.clause}": painting a new object needs a mask marking where; skipped')
        else:
            out.append(op)
    return out


def procedural_art(subject: str, width: int, height: int, seed: int, colors: list[str]) -> Image.Image | None:
    """Procedural art for ``subject`` from the renderer (a one-node plan), or None when it is unavailable."""
    if width < 16 or height < 16:
        return None
    try:
        from imagegen.engines.planning.render import render
    except ImportError:
        return None
    words = subject.lower()
    style = next((s for s, keys in _ART_STYLES if any(k in words for k in keys)), "abstract")
    plan = Plan(
        archetype="fill",
        canvas=Canvas(
            width=width,
            height=height,
            background=Background(kind="transparent", colors=["#ffffff"]),
            margin=0,
        ),
        nodes=[
            ImageNode(
                id="fill",
                box=Box(x=0, y=0, w=width, h=height),
                prompt=subject,
                style=style,
                colors=colors[:4],
            )
        ],
        seed=seed,
    )
    return render(plan).image


_ART_STYLES: list[tuple[str, tuple[str, ...]]] = [
    (
        "landscape",
        ("landscape", "mountain", "sky", "sea", "beach", "field", "forest", "sunset", "hill", "lake"),
    ),
    (
        "character",
        ("person", "man", "woman", "cat", "dog", "character", "kid", "girl", "boy", "bird", "animal"),
    ),
    (
        "product",
        ("bottle", "product", "phone", "can", "box", "jar", "cup", "mug", "shoe", "watch", "balloon"),
    ),
    ("studio", ("studio", "backdrop", "spotlight")),
]
