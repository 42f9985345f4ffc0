"""The edit recipe: ``apply_edit(spec, progress, engine=...) -> list[EngineImage]``; ``engine`` is any
:class:`~.stages.EditStages` (the planning engine passes itself), or None for the module-level stages.

1. read the inputs (first image, mask, stored plan) and parse the prompt into operations;
2. route: a mask -> in-region edit (bit-identical outside the mask); no mask and a known plan -> plan edit
   (re-render, composite only the damage region); neither -> the whole image is the region (relight,
   recolor, text/code overlay), said so in the answer;
3. per output image (n): run the operations, composite exactly, verify, and describe what was done.
"""

from __future__ import annotations

import copy

from imagegen.contract.errors import InvalidValue, JobCancelled, MissingParameter
from imagegen.contract.specs import EditSpec
from imagegen.engines.base import EngineImage, PartialImage, Progress
from imagegen.engines.planning.budget import budget_for
from imagegen.engines.planning.edits import instructions
from imagegen.engines.planning.edits.plan_apply import plan_edit, plan_edit_in_mask, render_edited_plan
from imagegen.engines.planning.edits.region_edit import SUPPORTED, procedural_art, region_edit
from imagegen.engines.planning.edits.stages import EditStages


def apply_edit(spec: EditSpec, progress: Progress, *, engine: EditStages | None) -> list[EngineImage]:
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
                image = plan_edit_in_mask(first.image, first.plan, spec.mask, parsed, budget, engine)
            if image is None:
                image = region_edit(first.image, spec.mask, parsed, spec.seed + i, budget, inputs)
        elif first.plan is not None and outputs and outputs[0].extra.get("edit_mode") in ("plan", "replan"):
            # A plan edit is deterministic and has nothing procedural to vary: the n images are the same.
            image = copy.deepcopy(outputs[0])
        elif first.plan is not None:
            image = plan_edit(first.image, first.plan, parsed, spec, budget, engine, variant=i)
        else:
            image = region_edit(first.image, None, parsed, spec.seed + i, budget, inputs)
        stages = image.extra.pop("_stages", [])
        # Partial images are real stages: the cleared region of a masked edit, then the finished image.
        for k, stage in enumerate([*stages, image.pixels][: spec.partial_images]):
            progress.partial(PartialImage(index=k, image_index=i, pixels=stage.copy()))
        outputs.append(image)
    progress.progress(1.0, "edit done")
    return outputs


__all__ = ["SUPPORTED", "apply_edit", "procedural_art", "render_edited_plan"]
