"""Running plan edits: render old and new plans, refine what the edit touched, composite the damage.

``plan_edit`` (no mask, known plan), ``plan_edit_in_mask`` (a mask over a known plan, when the change stays
inside it) and the re-plan fallback. The plan-level mapping itself lives in ``plan_edit.py``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np
from PIL import Image

from imagegen.contract.errors import InvalidValue
from imagegen.contract.specs import EditSpec, GenerateSpec
from imagegen.engines.base import EngineImage, NullProgress
from imagegen.engines.planning.budget import Budget
from imagegen.engines.planning.edits import instructions, relight
from imagegen.engines.planning.edits.asks_follow import follow_asks
from imagegen.engines.planning.edits.instructions import Op
from imagegen.engines.planning.edits.mask import (
    composite,
    editable_from_mask,
    region_image,
    to_array,
    unmasked_sha256,
    working_mode,
)
from imagegen.engines.planning.edits.plan_edit import damage_mask, edit_plan, nodes_under, touched_nodes
from imagegen.engines.planning.edits.region_edit import region_edit, rgba_sha256
from imagegen.engines.planning.edits.stages import EditStages
from imagegen.engines.planning.plan import Plan, TextNode
from imagegen.engines.planning.planner import compile_prompt
from imagegen.engines.planning.render import render
from imagegen.engines.planning.render.fonts import default_fontbook
from imagegen.engines.planning.rendered import Rendering
from imagegen.engines.planning.report import VerifyReport
from imagegen.engines.planning.verify import verify

RenderFn = Callable[[Plan], Rendering]
VerifyFn = Callable[[Plan, Rendering], VerifyReport]


def _renderer(budget: Budget, engine: EditStages | None = None) -> RenderFn:
    """The engine's renderer (its font book and supersampling) when there is an engine, else the module's."""
    if engine is not None:
        return lambda plan: engine.render(plan, quality=budget.quality)
    return lambda plan: render(plan, scale=budget.scale)


def _verifier(budget: Budget, engine: EditStages | None = None) -> VerifyFn:
    """The engine's verifier for this budget when there is an engine, else the module's."""
    if engine is not None:
        return lambda plan, rendering: engine.verify(plan, rendering, quality=budget.quality)
    fonts = default_fontbook()
    return lambda plan, rendering: verify(plan, rendering, checks=budget.checks, fonts=fonts)


def _edited(
    pixels: Image.Image,
    summary: str,
    plan_json: dict[str, Any] | None,
    report_json: dict[str, Any] | None,
    editable: np.ndarray,
    extra: dict[str, Any],
) -> EngineImage:
    """One edited image as the engine answers it (the region it may have changed, and what it did)."""
    return EngineImage(
        pixels=pixels,
        revised_prompt=summary,
        plan=plan_json,
        report=report_json,
        render_sha256=rgba_sha256(pixels),
        editable_region=region_image(editable),
        extra=extra,
    )


def render_edited_plan(
    old: Plan, new: Plan, budget: Budget, render: RenderFn, verify: VerifyFn
) -> tuple[Plan, Rendering, Rendering, VerifyReport]:
    """Render both plans, then verify and refine the new one, fixing only failures of touched nodes.

    Failures of nodes the edit did not touch are left alone (and stay in the report): fixing them would
    repaint parts of the image the user did not ask to change.
    """
    from imagegen.engines.planning.refine import refine

    new = follow_asks(old, new)
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


def plan_edit(
    image: Image.Image,
    plan_json: dict[str, Any],
    parsed: instructions.Parsed,
    spec: EditSpec,
    budget: Budget,
    engine: EditStages | None,
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
        return region_edit(
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
    return _edited(pixels, summary, new_plan.to_json(), report.to_json(), editable, extra)


#: instructions a masked edit of a known plan can carry out by re-rendering the plan
_PLAN_IN_MASK = frozenset({"set_text", "replace_text", "remove", "color", "font", "code"})


def plan_edit_in_mask(
    image: Image.Image,
    plan_json: dict[str, Any],
    mask: Image.Image,
    parsed: instructions.Parsed,
    budget: Budget,
    engine: EditStages | None,
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
    return _edited(pixels, summary, new_plan.to_json(), report.to_json(), editable, extra)


def _replan(
    image: Image.Image,
    plan: Plan,
    spec: EditSpec,
    budget: Budget,
    engine: EditStages | None,
    unmapped: list[Op],
    tones: list[Op],
    variant: int,
) -> EngineImage:
    """Fallback: the instruction does not map onto the plan, so re-plan from the brief + instruction."""
    brief = plan.brief.prompt or plan.summary()
    prompt = f"{brief}\n{spec.prompt}"
    why = "; ".join(f'"{op.clause}"' for op in unmapped)
    size = (plan.canvas.width, plan.canvas.height)
    if engine is not None:
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
    return _edited(pixels, summary, new_plan_json, report_json, full, extra)
