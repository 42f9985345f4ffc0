"""The planning engine: prompt -> plan -> render -> verify -> refine, on a CPU, with exact text.

``PlanningEngine.generate`` reads as the recipe it runs (numbered steps). The stages it calls are plain
functions in their own packages (planner, render, verify, refine); this module only sequences them,
spends the quality budget and reports what happened (plan, verification report, timings, partials).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PIL import Image
from pydantic import ValidationError

from imagegen.contract.errors import EngineFailure, ImagegenError, InvalidValue, JobCancelled
from imagegen.contract.limits import limits_for
from imagegen.contract.specs import Background, EditSpec, GenerateSpec, Quality
from imagegen.engines.base import (
    Capabilities,
    EngineImage,
    EngineResult,
    PartialImage,
    Progress,
    ResolvedBackground,
)
from imagegen.engines.painter import Painter
from imagegen.engines.planning import ENGINE_NAME, ENGINE_VERSION
from imagegen.engines.planning.budget import Budget, budget_for, resolve_quality
from imagegen.engines.planning.painting import Painting, paint_plan
from imagegen.engines.planning.plan import Plan
from imagegen.engines.planning.refine import refine
from imagegen.engines.planning.render.illustrations import warm as warm_illustrations
from imagegen.engines.planning.rendered import Rendering
from imagegen.engines.planning.report import Fix, VerifyReport
from imagegen.engines.planning.verify import verify

if TYPE_CHECKING:
    from imagegen.engines.planning.render.fonts import FontBook

#: ``(plan, scale, fonts) -> Rendering``
Renderer = Callable[[Plan, float, Any], Rendering]

#: the backend recorded in provenance: everything is drawn procedurally on this machine
BACKEND = "procedural"

#: OpenAI-style usage: the planning engine runs no language or image model, so it consumes no tokens and
#: reports zeros (docs/verification.md). Clients that sum usage see 0 for locally planned images.
ZERO_USAGE: dict[str, Any] = {
    "input_tokens": 0,
    "output_tokens": 0,
    "total_tokens": 0,
    "input_tokens_details": {"text_tokens": 0, "image_tokens": 0},
}


@dataclass
class Realized:
    """One plan carried through render -> verify -> refine."""

    #: the plan that produced ``rendering`` (after refinement): re-rendering it gives the same pixels
    plan: Plan
    rendering: Rendering
    report: VerifyReport
    #: seconds per stage (render, verify, refine), summed over passes
    timings: dict[str, float] = field(default_factory=dict)


def render_sha256(image: Image.Image) -> str:
    """sha256 of the raw RGBA bytes: the identity of a render, independent of any file encoding."""
    return hashlib.sha256(image.convert("RGBA").tobytes()).hexdigest()


def _checkpoint(cancelled: Callable[[], bool] | None) -> None:
    if cancelled is not None and cancelled():
        raise JobCancelled("The job was cancelled.")


class PlanningEngine:
    """The default engine (implements ``imagegen.engines.base.Engine``)."""

    name = ENGINE_NAME
    version = ENGINE_VERSION

    def __init__(self, *, fonts: FontBook | None = None, renderer: Renderer | None = None,
                 painter: Painter | None = None, picture_model: str = "") -> None:
        self._fonts = fonts
        #: the one seam to the renderer (tests pass a small fake; default: ``render.render``)
        self._renderer = renderer
        #: the picture backend (``IMAGEGEN_PICTURE_MODEL``) that paints picture regions; None: offline art
        self._painter = painter
        self.picture_model = picture_model or getattr(painter, "model", "")

    def warm(self) -> None:
        """Load what the first request would otherwise pay for (font cmaps of every script, the
        illustration index and its embedding model)."""
        self.fonts.warm()
        warm_illustrations()

    # -- identity -----------------------------------------------------------------------------------
    def capabilities(self) -> Capabilities:
        return Capabilities(
            generate=True, edit=True, mask_edit=True, transparent=True, max_n=10, partial_images=True
        )

    @property
    def fonts(self) -> FontBook:
        """The font book every stage shares (one cache of fonts and cmaps per process)."""
        if self._fonts is None:
            from imagegen.engines.planning.render.fonts import default_fontbook

            self._fonts = default_fontbook()
        return self._fonts

    # -- the recipe ---------------------------------------------------------------------------------
    def generate(self, spec: GenerateSpec, progress: Progress) -> EngineResult:
        """Make ``spec.n`` images; see the numbered steps."""
        try:
            return self._generate(spec, progress)
        except ImagegenError:
            raise
        except Exception as exc:  # a bug in a stage must reach the client as an error envelope, not a 500
            raise EngineFailure.from_exception("The planning engine failed", exc) from exc

    def _generate(self, spec: GenerateSpec, progress: Progress,
                  references: Sequence[Image.Image] = ()) -> EngineResult:
        started = time.perf_counter()
        timings: dict[str, float] = {}

        # 1. resolve quality (-> the budget: passes, checks, supersampling) and background
        budget = budget_for(spec.quality)
        _checkpoint(progress.cancelled)

        # 2. plan: the client's plan, or one compiled plan per variant (same theme, varied composition)
        t = time.perf_counter()
        plans = [self._background(p, resolved_background(spec)) for p in self.plans_for(spec)]
        timings["plan"] = time.perf_counter() - t
        progress.progress(0.05, "planned")

        # 2b. picture regions painted by the picture backend, when one is configured (texts stay ours)
        paintings = [self._paint(plan, budget.quality, progress.cancelled) for plan in plans]
        if self._painter is not None:
            timings["paint"] = sum(p.seconds for p in paintings)

        images: list[EngineImage] = []
        for index, plan in enumerate(plans):
            _checkpoint(progress.cancelled)
            partials = 0
            mode = "RGBA" if plan.canvas.background.kind == "transparent" else "RGB"

            # 6. partial images are real intermediate renders: the first render, then each refined pass
            def on_stage(image: Image.Image, _index: int = index, _mode: str = mode) -> None:
                nonlocal partials
                if partials < spec.partial_images:
                    pixels = image.convert(_mode)  # same mode as the final image (convert copies)
                    progress.partial(PartialImage(index=partials, image_index=_index, pixels=pixels))
                    partials += 1

            def on_step(fraction: float, message: str, _index: int = index) -> None:
                progress.progress(
                    0.05 + 0.95 * (_index + fraction) / len(plans), f"image {_index + 1}: {message}"
                )

            # 3. render  4. verify  5. refine (bounded by the budget)
            realized = self.realize(
                plan, budget=budget, on_stage=on_stage, on_step=on_step, cancelled=progress.cancelled,
                node_images=paintings[index].images, references=references,
            )
            for stage, seconds in realized.timings.items():
                timings[stage] = timings.get(stage, 0.0) + seconds
            images.append(self._painted(self._image(realized, budget), paintings[index], spec.model))

        # 7. the result: pixels + plan + report + identity, timings and usage
        timings["total"] = time.perf_counter() - started
        first = plans[0]
        background: ResolvedBackground = (
            "transparent" if first.canvas.background.kind == "transparent" else "opaque"
        )
        return EngineResult(
            images=images,
            width=first.canvas.width,
            height=first.canvas.height,
            quality=budget.quality,
            background=background,
            engine=self.name,
            engine_version=self.version,
            backend=BACKEND,
            seed=spec.seed,
            timings={k: round(v, 4) for k, v in timings.items()},
            usage=dict(ZERO_USAGE),
            upstream_cost=_painting_cost(paintings),
        )

    def edit(self, spec: EditSpec, progress: Progress) -> EngineResult:
        """Masked and plan-level edits (``engines/planning/edits``), wrapped into an ``EngineResult``.
        With a client plan, the plan is rendered as given with the input images as its references
        (``Background(kind="image")``, reference image nodes): e.g. exact text set over a picture."""
        from imagegen.engines.planning.edits import apply_edit

        if spec.plan is not None:
            return self.generate_with(spec, progress, references=[im.image for im in spec.images])

        started = time.perf_counter()
        budget = budget_for(spec.quality)
        _checkpoint(progress.cancelled)
        try:
            images = apply_edit(spec, progress, engine=self)
        except ImagegenError:
            raise
        except Exception as exc:
            raise EngineFailure.from_exception("The planning engine failed to edit", exc) from exc
        _checkpoint(progress.cancelled)
        if not images:
            raise EngineFailure("The edit produced no image.")
        first = images[0].pixels
        has_alpha = False
        if first.mode in ("RGBA", "LA"):
            low, _high = first.getchannel("A").getextrema()
            has_alpha = float(low) < 255  # type: ignore[arg-type]
        return EngineResult(
            images=images,
            width=first.width,
            height=first.height,
            quality=budget.quality,
            background="transparent" if spec.background == "transparent" or has_alpha else "opaque",
            engine=self.name,
            engine_version=self.version,
            backend=BACKEND,
            seed=spec.seed,
            timings={
                "edit": round(time.perf_counter() - started, 4),
                "total": round(time.perf_counter() - started, 4),
            },
            usage=dict(ZERO_USAGE),
        )

    def generate_with(self, spec: GenerateSpec, progress: Progress,
                      references: Sequence[Image.Image]) -> EngineResult:
        """``generate`` with the request's input images as the plan's references."""
        try:
            return self._generate(spec, progress, references)
        except ImagegenError:
            raise
        except Exception as exc:
            raise EngineFailure.from_exception("The planning engine failed", exc) from exc

    # -- stages other parts reuse (edits, reproduce) --------------------------------------------------
    def check_plan(self, plan_json: dict[str, Any]) -> Plan:
        """A client plan as this engine reads it, or ``400 invalid_value`` naming the first problem. The
        service calls it when a job is submitted: a bad plan is refused at the door, not as a failed job."""
        try:
            return Plan.from_json(plan_json)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first.get("loc", ()))
            raise InvalidValue(f"Invalid plan: {where}: {first.get('msg')}", param="plan") from exc

    def plans_for(self, spec: GenerateSpec) -> list[Plan]:
        """The n plans of a request: the client's plan (validated) or the compiled prompt, per variant."""
        if spec.plan is not None:
            base = self.check_plan(spec.plan)
            if spec.width is not None and (spec.width, spec.height) != (
                base.canvas.width,
                base.canvas.height,
            ):
                canvas = f"{base.canvas.width}x{base.canvas.height}"
                raise InvalidValue(
                    f"Invalid size '{spec.size}': the plan's canvas is {canvas}.", param="size"
                )
            if "seed" not in spec.plan:
                base.seed = spec.seed
            # a client plan is rendered as given; n copies differ only in their variant number
            return [
                base.model_copy(update={"variant": i, "variants": spec.n}, deep=True) for i in range(spec.n)
            ]
        # the compiler, or a model planner in front of it when IMAGEGEN_PLANNER_URL is set (planner/llm.py)
        from imagegen.engines.planning.planner.llm import plan_prompt

        return [
            plan_prompt(
                spec.prompt,
                width=spec.width,
                height=spec.height,
                seed=spec.seed,
                variant=i,
                variants=spec.n,
                background=resolved_background(spec),
                # size=auto chooses among what the model's contract allows (one rule: contract/sizes.py)
                sizes=limits_for(spec.model).sizes,
            )
            for i in range(spec.n)
        ]

    def render(self, plan: Plan, *, quality: str = "medium", scale: float | None = None,
               node_images: dict[str, Image.Image] | None = None,
               references: Sequence[Image.Image] = ()) -> Rendering:
        """Draw a plan at the budget's supersampling (or an explicit ``scale``); ``node_images``: pictures
        a backend painted for ``source="backend"`` image nodes, by node id."""
        scale = _scale_for(plan, budget_for(quality)) if scale is None else scale
        if self._renderer is not None:
            return self._renderer(plan, scale, self._fonts)
        from imagegen.engines.planning.render import render

        return render(plan, scale=scale, fonts=self.fonts, node_images=node_images, references=references)

    def verify(self, plan: Plan, rendering: Rendering, *, quality: str = "medium") -> VerifyReport:
        """The budget's checks on one rendering (no refinement)."""
        return verify(plan, rendering, checks=budget_for(quality).checks, fonts=self._coverage())

    def realize(
        self,
        plan: Plan,
        *,
        budget: Budget | None = None,
        quality: str = "medium",
        on_stage: Callable[[Image.Image], None] | None = None,
        on_step: Callable[[float, str], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
        node_images: dict[str, Image.Image] | None = None,
        references: Sequence[Image.Image] = (),
    ) -> Realized:
        """Render -> verify -> refine until every check passes or the budget is spent.

        The best render is kept (fewest failed checks, then the closest OCR readings; the earlier, less
        changed one on a tie): a refinement that makes things worse never replaces a better render.
        ``on_stage`` receives each render's pixels.
        """
        budget = budget or budget_for(quality)
        timings = {"render": 0.0, "verify": 0.0, "refine": 0.0}
        step = on_step or (lambda fraction, message: None)
        total_steps = 1 + budget.max_refine_passes
        history: list[Fix] = []
        ocr_cache: dict[Any, str] = {}
        best: tuple[tuple[int, float], int, Plan, Rendering, VerifyReport] | None = None
        current = plan
        for pass_index in range(total_steps):
            _checkpoint(cancelled)
            t = time.perf_counter()
            rendering = self.render(current, scale=_scale_for(current, budget), node_images=node_images,
                                    references=references)
            timings["render"] += time.perf_counter() - t
            if on_stage is not None:
                on_stage(rendering.image)
            step((pass_index + 0.5) / total_steps, f"verifying pass {pass_index + 1}")
            _checkpoint(cancelled)
            t = time.perf_counter()
            report = verify(
                current, rendering, checks=budget.checks, fonts=self._coverage(), ocr_cache=ocr_cache
            )
            timings["verify"] += time.perf_counter() - t
            failed = len(report.failures())
            score = _score(report)
            if best is None or score < best[0]:
                best = (score, pass_index, current, rendering, report)
            if failed == 0 or pass_index == total_steps - 1:
                break
            t = time.perf_counter()
            current, fixes = refine(current, rendering, report, pass_index=pass_index + 1, history=history)
            timings["refine"] += time.perf_counter() - t
            if not fixes:
                break  # nothing left to try
            history.extend(fixes)
            step((pass_index + 1) / total_steps, f"refined: {len(fixes)} fixes")
        assert best is not None
        _, chosen, final_plan, rendering, report = best
        report.fixes = [f for f in history if f.pass_index <= chosen]
        report.passes = chosen
        report.unresolved = [
            f"{c.kind} {c.node_id}: {c.detail}" if c.node_id else f"{c.kind}: {c.detail}"
            for c in report.failures()
        ]
        if report.unresolved and len(history) and chosen < max(f.pass_index for f in history):
            report.unresolved.append(f"later refinement passes did not improve on pass {chosen}; kept it")
        step(1.0, "done")
        return Realized(plan=final_plan, rendering=rendering, report=report, timings=timings)

    def render_plan(self, plan_json: dict[str, Any], *, quality: str) -> tuple[Image.Image, str]:
        """Re-render a stored plan (``imagegen reproduce``): pixels and their ``render_sha256``.

        The stored plan is the refined one, so no refinement runs: the same plan, seed, engine version and
        fonts give the same pixels as the original render.
        """
        try:
            plan = Plan.from_json(plan_json)
        except ValidationError as exc:
            raise InvalidValue(f"Invalid plan: {exc.errors()[0].get('msg')}", param="plan") from exc
        rendering = self.render(plan, quality=resolve_quality(quality))
        return rendering.image, render_sha256(rendering.image)

    # -- helpers ------------------------------------------------------------------------------------
    def _coverage(self) -> Any:
        # with a fake renderer (tests) there may be no font book: the verifier reads cmaps itself
        return self._fonts if self._renderer is not None else self.fonts

    def _background(self, plan: Plan, requested: str) -> Plan:
        """Apply ``background``: transparent keeps alpha; opaque never leaves a transparent canvas."""
        bg = plan.canvas.background
        if requested == "transparent" and bg.kind != "transparent":
            plan.canvas.background = bg.model_copy(update={"kind": "transparent"})
        elif requested == "opaque" and bg.kind == "transparent":
            color = plan.theme.palette.background
            plan.canvas.background = bg.model_copy(update={"kind": "solid", "colors": [color]})
        return plan

    def _paint(self, plan: Plan, quality: Quality, cancelled: Callable[[], bool]) -> Painting:
        """The plan's picture regions from the painter (nothing without one)."""
        if self._painter is None:
            return Painting()
        return paint_plan(plan, self._painter, model=self.picture_model, quality=quality, cancelled=cancelled)

    def _painted(self, image: EngineImage, painting: Painting, requested: str) -> EngineImage:
        """Record who painted what (catalog ``contributors``, report ``painter``, C2PA sources)."""
        if self._painter is None:
            return image
        image.extra["contributors"] = [
            {"engine": self.name, "backend": BACKEND, "model": requested, "region": "layout, text and codes"},
            *painting.contributors,
        ]
        image.extra["picture_backend"] = {"model": self.picture_model, "fallback": painting.fell_back,
                                          "regions": painting.regions}
        if image.report is not None:
            image.report["painter"] = image.extra["picture_backend"]
        image.sources.extend(painting.sources)
        return image

    def _image(self, realized: Realized, budget: Budget) -> EngineImage:
        pixels = realized.rendering.image
        transparent = realized.plan.canvas.background.kind == "transparent"
        pixels = pixels.convert("RGBA") if transparent else pixels.convert("RGB")
        report = realized.report.to_json()
        report["quality"] = budget.quality
        report["checks_run"] = sorted(budget.checks)
        report["supersampling"] = _scale_for(realized.plan, budget)
        return EngineImage(
            pixels=pixels,
            revised_prompt=_summary(realized.plan),
            plan=realized.plan.to_json(),
            report=report,
            render_sha256=render_sha256(realized.rendering.image),
        )


def resolved_background(spec: GenerateSpec) -> Background:
    """The background a request gets: ``auto`` is opaque for a model whose contract has no transparency
    (gpt-image-2, SPEC §4), whatever the prompt asks; otherwise the prompt may choose."""
    if spec.background == "auto" and not limits_for(spec.model).transparent:
        return "opaque"
    return spec.background


def _scale_for(plan: Plan, budget: Budget) -> float:
    """The budget's supersampling, capped by what the renderer recommends for the canvas size (a 4K
    canvas at 2x would draw 33 MP; the renderer bounds the drawing surface)."""
    try:
        from imagegen.engines.planning.render import supersample_for
    except ImportError:
        return budget.scale
    recommended = supersample_for(plan.canvas.width, plan.canvas.height, budget.quality)
    return min(budget.scale, recommended) if budget.scale > 1 else 1.0


def _painting_cost(paintings: list[Painting]) -> dict[str, Any] | None:
    """What the picture backend charged for every region of the request (tokens, USD), or None."""
    costs = [c for p in paintings for c in p.costs]
    if not costs:
        return None
    total: dict[str, Any] = {"upstream": "picture backend", "regions": len(costs)}
    for key in ("input_tokens", "output_tokens", "total_tokens"):
        total[key] = sum(int(c.get(key) or 0) for c in costs)
    if any("usd" in c for c in costs):
        total["usd"] = round(sum(float(c.get("usd") or 0) for c in costs), 8)
    return total


def _score(report: VerifyReport) -> tuple[int, float]:
    """Lower is better: failed checks, then how far the failing OCR readings are from the text."""
    failures = report.failures()
    distance = sum(1.0 - (c.value or 0.0) if c.kind == "ocr" else 1.0 for c in failures)
    return len(failures), round(distance, 6)


def _summary(plan: Plan) -> str:
    try:
        from imagegen.engines.planning.planner import summarize
    except ImportError:
        return plan.summary()
    return str(summarize(plan))
