"""``pipeline/<recipe>``: a recipe's steps run as one job, each step on whichever engine it names.

The engine is a conductor: it owns no pixels of its own. Every step calls an engine through the router
(``resolve``: the router's ``engine_for``) with an ordinary ``GenerateSpec``/``EditSpec``, so each step gets
that engine's contract, verification and cancellation. Every image a step makes is one image of the result,
in order, and names the image it was made from (``EngineImage.derived_from``): provenance records each as an
asset with a lineage edge and a C2PA ingredient to its input, the recipe's name, version and sha256, and the
step. Nothing is recorded until the last step finished: a cancelled pipeline produces no asset.

Steps, in order (``recipe.py`` describes the recipe format):
1. capture  - the request's input images are the starting images (recorded as the job's parents)
2. generate - ``n`` images on the step's model (default: the server's default model)
3. edit     - each image edited on the step's model; a planned image is edited at plan level
4. stylize  - image-to-image on the step's model or ``IMAGEGEN_STYLIZE_MODEL``, then the plan's exact text
              set again over the picture by the planning engine; skipped (and reported) with no backend
5. upscale  - the upscale engine to an exact size
6. review   - a review state and comment recorded with each image
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PIL import Image

from imagegen.config import Settings
from imagegen.contract.errors import InvalidValue, JobCancelled
from imagegen.contract.sizes import parse_size
from imagegen.contract.specs import EditSpec, GenerateSpec, InputImage, Quality
from imagegen.engines.base import (
    Capabilities,
    Engine,
    EngineImage,
    EngineResult,
    PartialImage,
    Progress,
)
from imagegen.engines.pipeline.recipe import (
    PREFIX,
    CaptureStep,
    EditStep,
    GenerateStep,
    LoadedRecipe,
    ReviewStep,
    Step,
    StylizeStep,
    UpscaleStep,
    load_recipe,
)
from imagegen.engines.pipeline.text_layer import text_layer_plan

Resolve = Callable[[str], Engine]

VERSION = "1"
#: the model id of the upscale operation (``engines/upscale``)
UPSCALE_MODEL = "imagegen-upscale"
#: the planning engine's own id: it sets exact text over a stylized picture
PLANNING_MODEL = "imagegen-design"


@dataclass
class _Item:
    """An image flowing between steps: its pixels, its plan, and its index among the result's images
    (None for a request input, which provenance already records as the job's parent)."""

    pixels: Image.Image
    plan: dict[str, Any] | None
    index: int | None
    data: bytes | None = None
    asset_id: str | None = None

    def as_input(self) -> InputImage:
        data = self.data
        if data is None:
            buf = io.BytesIO()
            self.pixels.save(buf, format="PNG", compress_level=1)
            data = self.data = buf.getvalue()
        return InputImage(image=self.pixels, data=data, sha256=hashlib.sha256(data).hexdigest(),
                          asset_id=self.asset_id, plan=self.plan)


class _StepProgress:
    """One step's share of the pipeline's progress (step i of n), passing cancellation through."""

    def __init__(self, parent: Progress, index: int, total: int, label: str) -> None:
        self.parent, self.index, self.total, self.label = parent, index, total, label

    def progress(self, fraction: float, message: str = "") -> None:
        overall = (self.index + max(0.0, min(1.0, fraction))) / self.total
        text = f"step {self.index + 1}/{self.total} {self.label}" + (f": {message}" if message else "")
        self.parent.progress(overall, text)

    def partial(self, partial: PartialImage) -> None:
        return None  # a step's partials are not the pipeline's

    def cancelled(self) -> bool:
        return self.parent.cancelled()


class PipelineEngine:
    """The engine of ``pipeline/<recipe>`` (see the module docstring)."""

    name = "imagegen-pipeline"
    version = VERSION

    def __init__(self, settings: Settings, model: str, resolve: Resolve) -> None:
        self.settings = settings
        self.model = model
        self.resolve = resolve
        self.loaded: LoadedRecipe = load_recipe(model.removeprefix(PREFIX), settings.home)

    def capabilities(self) -> Capabilities:
        starts_from_image = self.loaded.recipe.starts_from_image
        return Capabilities(generate=not starts_from_image, edit=starts_from_image, mask_edit=False,
                            transparent=False, partial_images=False)

    # -- the two doors ---------------------------------------------------------------------------------

    def generate(self, spec: GenerateSpec, progress: Progress) -> EngineResult:
        if self.loaded.recipe.starts_from_image:
            raise InvalidValue(f"The recipe '{self.loaded.recipe.name}' starts from an image: send it to "
                               "/v1/images/edits with the image.", param="model")
        return self._run(spec, (), progress)

    def edit(self, spec: EditSpec, progress: Progress) -> EngineResult:
        if not self.loaded.recipe.starts_from_image:
            raise InvalidValue(f"The recipe '{self.loaded.recipe.name}' starts by generating: send it to "
                               "/v1/images/generations.", param="model")
        if spec.mask is not None:
            raise InvalidValue("Pipelines take no mask; a recipe's edit steps say what to change.",
                               param="mask")
        return self._run(spec, spec.images, progress)

    # -- the run ---------------------------------------------------------------------------------------

    def _run(self, spec: GenerateSpec, inputs: tuple[InputImage, ...], progress: Progress) -> EngineResult:
        recipe = self.loaded.recipe
        outputs: list[EngineImage] = []
        by_step: dict[str, list[_Item]] = {}
        current: list[_Item] = []
        timings: dict[str, float] = {}
        notes: list[str] = []
        steps_done: list[dict[str, Any]] = []
        total = len(recipe.steps)
        for i, step in enumerate(recipe.steps):
            if progress.cancelled():
                raise JobCancelled("The pipeline was cancelled between steps.")
            sub = _StepProgress(progress, i, total, f"{step.kind} '{step.id}'")
            source = by_step[step.source] if step.source else current
            started = time.monotonic()
            items, note = self._step(step, spec, inputs, source, outputs, sub)
            timings[f"{i + 1}.{step.id}"] = round(time.monotonic() - started, 4)
            if note:
                notes.append(note)
            steps_done.append({"id": step.id, "kind": step.kind, "images": len(items),
                               **({"skipped": note} if note else {})})
            by_step[step.id] = current = items
            sub.progress(1.0)
        if not outputs:
            raise InvalidValue(f"The recipe '{recipe.name}' made no new image.", param="model")
        report = {"pipeline": self.loaded.provenance() | {"steps": steps_done, "notes": notes}}
        last = outputs[-1]
        last.report = {**(last.report or {}), **report}
        return EngineResult(
            images=outputs, width=last.pixels.width, height=last.pixels.height,
            quality=_resolved_quality(spec.quality), background="opaque", engine=self.name,
            engine_version=self.version,
            backend=f"{PREFIX}{recipe.name}@{recipe.version}", seed=spec.seed, timings=timings,
            usage={"input_tokens": 0, "output_tokens": 0, "total_tokens": 0,
                   "input_tokens_details": {"text_tokens": 0, "image_tokens": 0}})

    def _step(self, step: Step, spec: GenerateSpec, inputs: tuple[InputImage, ...], source: list[_Item],
              outputs: list[EngineImage], progress: Progress) -> tuple[list[_Item], str | None]:
        """Run one step on ``source``; new images are appended to ``outputs``. Returns the step's images
        and a note when the step was skipped."""
        if isinstance(step, CaptureStep):
            return [_Item(im.image, im.plan, None, im.data, im.asset_id) for im in inputs], None
        if isinstance(step, ReviewStep):
            for item in source:
                if item.index is not None:
                    outputs[item.index].review = (step.state, step.comment)
            return source, None
        if isinstance(step, GenerateStep):
            model = step.model or self.settings.default_model
            width, height = _size(step.size, spec.width, spec.height)
            sub = dataclasses.replace(
                _plain(spec), prompt=_prompt(step.prompt, spec.prompt), model=model, width=width,
                height=height, n=step.n or spec.n, quality=step.quality or spec.quality)
            result = self.resolve(model).generate(sub, progress)
            return [self._add(outputs, img, None, step, result) for img in result.images], None
        if isinstance(step, StylizeStep):
            model = step.model or (self.settings.extra.get("stylize_model") or "").strip()
            if not model:
                return source, (f"stylize '{step.id}' skipped: no image-to-image backend is configured "
                                "(set IMAGEGEN_STYLIZE_MODEL or the step's model)")
            out = []
            for item in source:
                styled = self._edit_one(model, item, _prompt(step.prompt, spec.prompt), spec, progress,
                                        fidelity=step.fidelity)
                if step.keep_text and item.plan:
                    styled = self._set_text(styled, item.plan, spec, progress)
                out.append(self._add(outputs, styled[0], item, step, styled[1]))
            return out, None
        if isinstance(step, EditStep):
            model = step.model or self.settings.default_model
            out = []
            for item in source:
                img, result = self._edit_one(model, item, _prompt(step.prompt, spec.prompt), spec, progress)
                out.append(self._add(outputs, img, item, step, result))
            return out, None
        assert isinstance(step, UpscaleStep)
        out = []
        for item in source:
            w, h = item.pixels.size
            tw, th = _size(step.size, None, None) if step.size else (w * int(step.scale or 2),
                                                                     h * int(step.scale or 2))
            upscale = dataclasses.replace(self._edit_spec(UPSCALE_MODEL, item, "upscale", spec), width=tw,
                                          height=th)
            result = self.resolve(UPSCALE_MODEL).edit(upscale, progress)
            out.append(self._add(outputs, result.images[0], item, step, result))
        return out, None

    def _edit_spec(self, model: str, item: _Item, prompt: str, spec: GenerateSpec,
                   fidelity: str | None = None) -> EditSpec:
        return EditSpec(**_plain_fields(spec) | {"model": model, "prompt": prompt, "n": 1,
                                                 "width": item.pixels.width, "height": item.pixels.height},
                        images=(item.as_input(),), input_fidelity=fidelity)  # type: ignore[arg-type]

    def _edit_one(self, model: str, item: _Item, prompt: str, spec: GenerateSpec, progress: Progress, *,
                  fidelity: str | None = None) -> tuple[EngineImage, EngineResult]:
        result = self.resolve(model).edit(self._edit_spec(model, item, prompt, spec, fidelity), progress)
        return result.images[0], result

    def _set_text(self, styled: tuple[EngineImage, EngineResult], plan: dict[str, Any], spec: GenerateSpec,
                  progress: Progress) -> tuple[EngineImage, EngineResult]:
        """The plan's exact text and codes drawn again over a stylized picture, by the planning engine
        (which verifies them as it does for any render)."""
        picture = _Item(styled[0].pixels, None, None)
        layer = text_layer_plan(plan, picture.pixels.size)
        edit = dataclasses.replace(self._edit_spec(PLANNING_MODEL, picture, "set the plan's text over the "
                                                   "stylized picture", spec), plan=layer)
        result = self.resolve(PLANNING_MODEL).edit(edit, progress)
        img = result.images[0]
        img.extra = {**styled[0].extra, **img.extra, "stylized_by": styled[1].backend}
        return img, result

    def _add(self, outputs: list[EngineImage], img: EngineImage, parent: _Item | None, step: Step,
             result: EngineResult) -> _Item:
        img.derived_from = parent.index if parent is not None else None
        img.extra = {**img.extra, "pipeline": self.loaded.provenance()
                     | {"step": step.id, "kind": step.kind, "engine": result.engine,
                        "backend": result.backend}}
        outputs.append(img)
        return _Item(img.pixels, img.plan, len(outputs) - 1)


def _plain_fields(spec: GenerateSpec) -> dict[str, Any]:
    """The request's scalar fields for a step (no stream, no partials, no client plan)."""
    fields = {f.name: getattr(spec, f.name) for f in dataclasses.fields(GenerateSpec)}
    return fields | {"stream": False, "partial_images": 0, "plan": None}


def _plain(spec: GenerateSpec) -> GenerateSpec:
    """The request as a plain generation spec for a step."""
    return GenerateSpec(**_plain_fields(spec))


def _prompt(template: str, prompt: str) -> str:
    return template.replace("{prompt}", prompt)


def _size(text: str | None, width: int | None, height: int | None) -> tuple[int | None, int | None]:
    if text is None:
        return width, height
    parsed = parse_size(text)
    return (None, None) if parsed is None else parsed


def _resolved_quality(quality: str) -> Quality:
    return quality if quality in ("low", "medium", "high") else "medium"  # type: ignore[return-value]
