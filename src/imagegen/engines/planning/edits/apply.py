"""The edit recipe: ``apply_edit(spec, progress, engine=...) -> list[EngineImage]``.

1. read the inputs (first image, mask, stored plan) and parse the prompt into operations;
2. route: a mask -> in-region edit (bit-identical outside the mask); no mask and a known plan -> plan edit
   (re-render, composite only the damage region); neither -> the whole image is the region (relight,
   recolor, text/code overlay), said so in the answer;
3. per output image (n): run the operations, composite exactly, verify, and describe what was done.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from PIL import Image

from imagegen.contract.errors import (
    EngineUnavailable,
    InvalidMask,
    InvalidValue,
    JobCancelled,
    MissingParameter,
)
from imagegen.contract.specs import EditSpec, GenerateSpec
from imagegen.engines.base import EngineImage, PartialImage, Progress
from imagegen.engines.planning.budget import Budget, budget_for
from imagegen.engines.planning.edits import instructions, masked, relight
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
from imagegen.engines.planning.edits.plan_edit import damage_mask, edit_plan, nodes_under, touched_nodes
from imagegen.engines.planning.plan import Background, Box, Canvas, ImageNode, Plan, TextNode
from imagegen.engines.planning.rendered import Rendering
from imagegen.engines.planning.report import VerifyReport

if TYPE_CHECKING:
    from imagegen.engines.planning.engine import PlanningEngine

RenderFn = Callable[[Plan], Rendering]
VerifyFn = Callable[[Plan, Rendering], VerifyReport]

SUPPORTED = (
    'text (change the headline to "X", add "SALE" at the top), codes (add a QR code for https://...), '
    'logos (add a logo "AQ"), recolor/relight (warmer light, black and white, make it red, brighter), '
    "removal with a mask (remove the logo), procedural fill with a mask (add a red balloon), for imagegen "
    "assets: move/font/background/remove/add-caption instructions"
)


def apply_edit(spec: EditSpec, progress: Progress, *, engine: PlanningEngine | None) -> list[EngineImage]:
    """Edit ``spec.images[0]`` as the prompt asks; one EngineImage per ``spec.n`` (see module docstring)."""
    # 1. inputs
    if not spec.images:
        raise MissingParameter("An edit needs at least one image.", param="image")
    first = spec.images[0]
    parsed = instructions.parse(spec.prompt)
    if not parsed.ops:
        raise InvalidValue("The edit prompt is empty.", param="prompt")
    budget = budget_for(spec.quality)
    # 2. route
    outputs: list[EngineImage] = []
    for i in range(max(1, spec.n)):
        if progress.cancelled():
            raise JobCancelled("The edit was cancelled.")
        progress.progress(i / max(1, spec.n), f"editing image {i + 1} of {spec.n}")
        inputs = tuple(extra.image for extra in spec.images)
        if spec.mask is not None:
            image = None
            if first.plan is not None:
                image = _plan_edit_in_mask(first.image, first.plan, spec.mask, parsed, budget, engine)
            if image is None:
                image = _region_edit(first.image, spec.mask, parsed, spec.seed + i, budget, inputs)
        elif first.plan is not None and outputs and outputs[0].extra.get("edit_mode") in ("plan", "replan"):
            # A plan edit is deterministic and has nothing procedural to vary: the n images are the same.
            image = copy.deepcopy(outputs[0])
        elif first.plan is not None:
            image = _plan_edit(first.image, first.plan, parsed, spec, budget, engine, variant=i)
        else:
            image = _region_edit(first.image, None, parsed, spec.seed + i, budget, inputs)
        stages = image.extra.pop("_stages", [])
        # Partial images are real stages: the cleared region of a masked edit, then the finished image.
        for k, stage in enumerate([*stages, image.pixels][: spec.partial_images]):
            progress.partial(PartialImage(index=k, image_index=i, pixels=stage.copy()))
        outputs.append(image)
    progress.progress(1.0, "edit done")
    return outputs


def _sha_rgba(image: Image.Image) -> str:
    return hashlib.sha256(image.convert("RGBA").tobytes()).hexdigest()


# ----------------------------------------------------------------- region edits (mask or whole image)


def _region_edit(
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
        render_sha256=_sha_rgba(pixels),
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


# --------------------------------------------------------------------------- plan edits


def _renderer(budget: Budget, engine: PlanningEngine | None = None) -> RenderFn:
    """The engine's renderer (its font book and supersampling) when there is an engine, else the module's."""
    if engine is not None and hasattr(engine, "render"):
        return lambda plan: engine.render(plan, quality=budget.quality)
    try:
        from imagegen.engines.planning.render import render
    except ImportError as exc:  # the renderer is part of the engine; without it nothing can be drawn
        raise EngineUnavailable("The planning renderer is not available.") from exc
    return lambda plan: render(plan, scale=budget.scale)


def _verifier(budget: Budget, engine: PlanningEngine | None = None) -> VerifyFn:
    """The engine's verifier for this budget when there is an engine, else the module's."""
    if engine is not None and hasattr(engine, "verify"):
        return lambda plan, rendering: engine.verify(plan, rendering, quality=budget.quality)
    from imagegen.engines.planning.verify import verify

    try:
        from imagegen.engines.planning.render.fonts import default_fontbook

        fonts: Any = default_fontbook()
    except ImportError:
        fonts = None
    return lambda plan, rendering: verify(plan, rendering, checks=budget.checks, fonts=fonts)


def render_edited_plan(
    old: Plan, new: Plan, budget: Budget, render: RenderFn, verify: VerifyFn
) -> tuple[Plan, Rendering, Rendering, VerifyReport]:
    """Render both plans, then verify and refine the new one, fixing only failures of touched nodes.

    Failures of nodes the edit did not touch are left alone (and stay in the report): fixing them would
    repaint parts of the image the user did not ask to change.
    """
    from imagegen.engines.planning.refine import refine

    old_r = render(old)
    new_r = render(new)
    report = verify(new, new_r)
    history: list[Any] = []
    for pass_index in range(1, budget.max_refine_passes + 1):
        touched, _ = touched_nodes(old, new)
        relevant = [c for c in report.failures() if c.node_id in touched]
        if not relevant:
            break
        candidate, fixes = refine(
            new, new_r, VerifyReport(checks=relevant), pass_index=pass_index, history=history
        )
        if not fixes:
            break
        history.extend(fixes)
        new, new_r = candidate, render(candidate)
        report = verify(new, new_r)
        report.fixes = list(history)
        report.passes = pass_index
    return new, old_r, new_r, report


def _plan_edit(
    image: Image.Image,
    plan_json: dict[str, Any],
    parsed: instructions.Parsed,
    spec: EditSpec,
    budget: Budget,
    engine: PlanningEngine | None,
    *,
    variant: int,
) -> EngineImage:
    try:
        plan = Plan.from_json(plan_json)
    except Exception as exc:  # a stored plan from an older engine may not validate any more
        raise InvalidValue(f"The input image's stored plan is not valid: {exc}", param="image") from exc
    edit = edit_plan(plan, parsed.ops)
    tones = [op for op in edit.unmapped if op.kind == "tone"]
    pastes = [op for op in edit.unmapped if op.kind == "paste"]
    others = [op for op in edit.unmapped if op.kind not in ("tone", "paste")]
    if pastes and not others and not edit.done and not tones:
        # Only "put image 2 here": without a mask the whole image is the region, as for unplanned inputs.
        return _region_edit(
            image, None, parsed, spec.seed + variant, budget, tuple(i.image for i in spec.images)
        )
    if others:
        return _replan(image, plan, spec, budget, engine, others + pastes, tones, variant)
    mode = working_mode(image)
    original = to_array(image, mode)
    notes = list(edit.notes)
    if edit.done:
        new_plan, old_r, new_r, report = render_edited_plan(
            plan, edit.plan, budget, _renderer(budget, engine), _verifier(budget, engine)
        )
        damage = damage_mask(plan, new_plan, old_r, new_r)
        new_arr = to_array(new_r.image, mode)
        if new_arr.shape != original.shape:
            notes.append(
                f"the input is {image.width}x{image.height} but its plan is {plan.canvas.width}x"
                f"{plan.canvas.height}: returned the full re-render"
            )
            out, editable = new_arr, np.ones(new_arr.shape[:2], dtype=bool)
        else:
            out, editable = composite(original, new_arr, damage.mask), damage.mask
        damage_info: dict[str, Any] = {
            "damage_boxes": damage.boxes,
            "touched_nodes": damage.touched,
            "global_change": damage.global_change,
            "render_diff_px": damage.changed_px,
        }
    else:
        # Nothing in the plan changed (only a look, or a no-op): no re-render, the input is the start.
        new_plan, report = edit.plan, VerifyReport(skipped=["the plan did not change: nothing re-rendered"])
        out, editable = original.copy(), np.zeros(original.shape[:2], dtype=bool)
        damage_info = {"damage_boxes": []}
    done = list(edit.done)
    notes.extend(
        f'"{op.clause}": placing another image needs a mask when other edits come with it; skipped'
        for op in pastes
    )
    for op in tones:
        out[:, :, :3] = relight.apply_tone(out[:, :, :3], op.tone or "warm", op.color)
        editable = np.ones(out.shape[:2], dtype=bool)
        done.append(relight.describe(op.tone or "warm", op.color) + " (whole image)")
        notes.append(f'"{op.clause}": a look, not a plan element: graded the whole image')
    pixels = Image.fromarray(out, mode="RGBA" if out.shape[2] == 4 else "RGB")
    summary = (
        f"Plan edit of the {image.width}x{image.height} asset: "
        + ("; ".join(done) or "no change")
        + ". "
        + new_plan.summary()
    )
    if notes:
        summary += " Notes: " + "; ".join(notes) + "."
    extra = {
        "edit_mode": "plan",
        **damage_info,
        "damage_pixels": int(editable.sum()),
        "unmasked_sha256_before": unmasked_sha256(original, editable)
        if out.shape == original.shape
        else None,
        "unmasked_sha256_after": unmasked_sha256(out, editable) if out.shape == original.shape else None,
        "operations": done,
        "notes": notes,
    }
    return EngineImage(
        pixels=pixels,
        revised_prompt=summary,
        plan=new_plan.to_json(),
        report=report.to_json(),
        render_sha256=_sha_rgba(pixels),
        editable_region=region_image(editable),
        extra=extra,
    )


#: instructions a masked edit of a known plan can carry out by re-rendering the plan
_PLAN_IN_MASK = frozenset({"set_text", "replace_text", "remove", "color", "font", "code"})


def _plan_edit_in_mask(
    image: Image.Image,
    plan_json: dict[str, Any],
    mask: Image.Image,
    parsed: instructions.Parsed,
    budget: Budget,
    engine: PlanningEngine | None,
) -> EngineImage | None:
    """A masked edit of an imagegen asset done on its plan: the re-render knows what is behind the old
    content (a gradient, a pattern), where inpainting can only guess.

    Used only when every instruction maps onto nodes under the mask and the re-render's changes stay
    inside the mask; otherwise None, and the pixel path runs. The output is the input outside
    (mask AND damage), exactly as for any masked edit.
    """
    if not parsed.ops or any(op.kind not in _PLAN_IN_MASK for op in parsed.ops):
        return None
    try:
        plan = Plan.from_json(plan_json)
    except Exception:
        return None
    editable = editable_from_mask(mask, image.size)
    if (plan.canvas.width, plan.canvas.height) != image.size:
        return None
    under = nodes_under(plan, editable)
    if not under:
        return None
    ids = "#" + ",".join(n.id for n in under)
    text_ids = "#" + ",".join(n.id for n in under if isinstance(n, TextNode))
    ops: list[Op] = []
    for op in parsed.ops:
        if op.kind in ("set_text", "color", "font") and op.target in (None, "text", "object"):
            op = dataclasses.replace(op, target=text_ids if text_ids != "#" else None)
        elif op.kind == "remove" and op.target in (None, "text", "object", "logo", "image"):
            op = dataclasses.replace(op, target=ids)
        ops.append(op)
    edit = edit_plan(plan, ops)
    if edit.unmapped or not edit.done:
        return None
    new_plan, old_r, new_r, report = render_edited_plan(
        plan, edit.plan, budget, _renderer(budget, engine), _verifier(budget, engine)
    )
    damage = damage_mask(plan, new_plan, old_r, new_r, pad=2)
    changed = (np.asarray(old_r.image.convert("RGBA")) != np.asarray(new_r.image.convert("RGBA"))).any(axis=2)
    if (changed & ~editable).any():
        return None  # the new content would spill out of the mask: the pixel path fits it inside instead
    mode = working_mode(image)
    original = to_array(image, mode)
    region = editable & damage.mask
    out = composite(original, to_array(new_r.image, mode), region)
    pixels = Image.fromarray(out, mode=mode)
    summary = (
        f"Edited the masked region of the {image.width}x{image.height} asset through its plan: "
        + "; ".join(edit.done)
        + ". "
        + new_plan.summary()
    )
    extra: dict[str, Any] = {
        "edit_mode": "mask_plan",
        "unmasked_sha256_before": unmasked_sha256(original, editable),
        "unmasked_sha256_after": unmasked_sha256(out, editable),
        "mask_pixels": int(editable.sum()),
        "touched_nodes": damage.touched,
        "damage_boxes": damage.boxes,
        "operations": list(edit.done),
        "notes": list(edit.notes),
    }
    return EngineImage(
        pixels=pixels,
        revised_prompt=summary,
        plan=new_plan.to_json(),
        report=report.to_json(),
        render_sha256=_sha_rgba(pixels),
        editable_region=region_image(editable),
        extra=extra,
    )


def _replan(
    image: Image.Image,
    plan: Plan,
    spec: EditSpec,
    budget: Budget,
    engine: PlanningEngine | None,
    unmapped: list[Op],
    tones: list[Op],
    variant: int,
) -> EngineImage:
    """Fallback: the instruction does not map onto the plan, so re-plan from the brief + instruction."""
    brief = plan.brief.prompt or plan.summary()
    prompt = f"{brief}\n{spec.prompt}"
    why = "; ".join(f'"{op.clause}"' for op in unmapped)
    size = (plan.canvas.width, plan.canvas.height)
    if engine is not None and hasattr(engine, "generate"):
        from imagegen.engines.base import NullProgress

        result = engine.generate(
            GenerateSpec(
                prompt=prompt,
                model=spec.model,
                n=1,
                width=size[0],
                height=size[1],
                quality=budget.quality,
                background=spec.background,
                seed=plan.seed,
                user=spec.user,
            ),
            NullProgress(),
        )
        generated = result.images[0]
        new_pixels, new_plan_json, report_json = generated.pixels, generated.plan, generated.report
    else:
        from imagegen.engines.planning.planner import compile_prompt

        new_plan = compile_prompt(
            prompt,
            width=size[0],
            height=size[1],
            seed=plan.seed,
            variant=plan.variant,
            variants=plan.variants,
        )
        rendering = _renderer(budget)(new_plan)
        new_pixels, new_plan_json = rendering.image, new_plan.to_json()
        report_json = _verifier(budget)(new_plan, rendering).to_json()
    mode = working_mode(image)
    out = to_array(new_pixels, mode)
    for op in tones:
        out[:, :, :3] = relight.apply_tone(out[:, :, :3], op.tone or "warm", op.color)
    pixels = Image.fromarray(out, mode=mode)
    note = (
        f"could not map {why} onto the plan: re-planned from the original brief plus the instruction "
        "(full re-render)"
    )
    summary = (
        f"Re-planned edit: {note}. " + Plan.from_json(new_plan_json).summary() if new_plan_json else note
    )
    full = np.ones(out.shape[:2], dtype=bool)
    extra = {
        "edit_mode": "replan",
        "damage_boxes": [[0, 0, out.shape[1], out.shape[0]]],
        "notes": [note],
        "operations": [],
        "unmapped": [op.clause for op in unmapped],
    }
    return EngineImage(
        pixels=pixels,
        revised_prompt=summary,
        plan=new_plan_json,
        report=report_json,
        render_sha256=_sha_rgba(pixels),
        editable_region=region_image(full),
        extra=extra,
    )


__all__ = ["SUPPORTED", "apply_edit", "procedural_art", "render_edited_plan"]
