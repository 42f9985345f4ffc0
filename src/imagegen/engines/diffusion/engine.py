"""The diffusion engine: ``diffusers/<name>`` models from a local folder, behind the one ``Engine`` protocol.

``generate`` and ``edit`` read as the recipe they run:

1. refuse what the engine cannot make (``background=transparent``: 400 naming the engine);
2. resolve quality -> steps and guidance (``families.QUALITY``), the exact output size -> the render size
   (``sizes``), the device (``runtime``);
3. take the folder's pipeline from the bounded cache (``pipelines``) in the form the request needs:
   text-to-image, image-to-image (an edit with an image), inpainting (an edit with a mask: the inpainting
   form of the same components);
4. run it in batches of ``n`` with one seeded generator per image (image i of a request has seed + i, on
   the CPU generator, so the same request and seed give the same pixels on every run and device type);
   between steps: cancellation, progress, partial images (``steps.StepHook``);
5. bring every image to the exact output size; a mask edit is composited so that every pixel outside the
   mask is the input's, byte for byte (``unmasked_sha256`` before = after).
"""

from __future__ import annotations

import hashlib
import inspect
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from PIL import Image, ImageFilter

from imagegen.config import Settings
from imagegen.contract.errors import (
    EngineFailure,
    EngineUnavailable,
    ImagegenError,
    InvalidMask,
    InvalidValue,
    JobCancelled,
)
from imagegen.contract.specs import EditSpec, GenerateSpec
from imagegen.engines.base import Capabilities, EngineImage, EngineResult, Progress
from imagegen.engines.diffusion.families import ModelInfo, detect, steps_for
from imagegen.engines.diffusion.locate import locate, model_name
from imagegen.engines.diffusion.pipelines import SHARED, Form, Loaded, PipelineCache
from imagegen.engines.diffusion.runtime import INSTALL_HINT, Placement, extra_installed, place, require_torch
from imagegen.engines.diffusion.sizes import fit, render_size
from imagegen.engines.diffusion.steps import Cancelled, StepHook
from imagegen.engines.masks import (
    composite,
    editable_from_mask,
    region_image,
    to_array,
    unmasked_sha256,
    working_mode,
)

ENGINE_NAME = "imagegen-diffusion"
#: bump when the same folder, request and seed can give other pixels (sizes, compositing, schedules)
ENGINE_VERSION = "0.1.0"

#: ``size=auto``: the contract's square preset
AUTO_SIZE = (1024, 1024)

#: how much of the input an edit re-noises, by ``input_fidelity`` (None: not sent)
STRENGTH: dict[str, dict[str | None, float]] = {
    "img2img": {None: 0.6, "low": 0.75, "high": 0.4},
    "inpaint": {None: 1.0, "low": 1.0, "high": 0.85},
}


def render_sha256(image: Image.Image) -> str:
    return hashlib.sha256(image.convert("RGBA").tobytes()).hexdigest()


def _quality(spec: GenerateSpec) -> str:
    return "medium" if spec.quality == "auto" else spec.quality


class DiffusionEngine:
    """A local diffusers pipeline (implements ``imagegen.engines.base.Engine``)."""

    name = ENGINE_NAME
    version = ENGINE_VERSION

    def __init__(self, *, settings: Settings, model: str, cache: PipelineCache | None = None) -> None:
        self.model = model
        self.model_name = model_name(model)
        try:  # where the weights are first: it needs no torch, so a missing folder answers at once
            folder = locate(settings.home, self.model_name)
        except EngineUnavailable as exc:
            if not extra_installed():
                raise EngineUnavailable(f"{exc.message} {INSTALL_HINT}") from exc
            raise
        self._torch = require_torch()
        self.info: ModelInfo = detect(folder)
        self.backend = f"diffusers:{self.model_name}"
        self._device = settings.extra.get("diffusion_device") or None
        self._max_batch = _positive_int(settings, "diffusion_max_batch", 4)
        if settings.extra.get("diffusion_threads"):
            # CPU threads of torch (process-wide). On a shared or small CPU, 1 avoids threads that wait for
            # each other: measured 1.2 s against 5-45 s for the same 20 steps on a loaded 2-core machine
            self._torch.set_num_threads(_positive_int(settings, "diffusion_threads", 1))
        self._cache = cache if cache is not None else SHARED
        if cache is None and settings.extra.get("diffusion_cache"):
            SHARED.resize(_positive_int(settings, "diffusion_cache", SHARED.capacity))

    def capabilities(self) -> Capabilities:
        return Capabilities(generate=not self.info.inpainting, edit=True, mask_edit=True, transparent=False,
                            max_n=10, partial_images=True, requires=("torch", "diffusers"))

    def placement(self) -> Placement:
        return place(self._torch, self.info.traits.gpu_dtype, device=self._device)

    # -- the recipe -----------------------------------------------------------------------------------
    def generate(self, spec: GenerateSpec, progress: Progress) -> EngineResult:
        return self._guarded(lambda: self._generate(spec, progress))

    def edit(self, spec: EditSpec, progress: Progress) -> EngineResult:
        return self._guarded(lambda: self._edit(spec, progress))

    def _generate(self, spec: GenerateSpec, progress: Progress) -> EngineResult:
        started = time.perf_counter()
        self._refuse(spec)
        width, height = (spec.width, spec.height) if spec.width and spec.height else AUTO_SIZE
        rw, rh = render_size(width, height, multiple=self.info.multiple, max_edge=self.info.max_edge)
        loaded, load_s = self._loaded()
        with loaded.lock:
            pipe = loaded.form("text2img", self.model)
            steps, guidance = self._steps(pipe, _quality(spec))
            images, facts = self._run(pipe, spec, progress, dict(prompt=spec.prompt, width=rw, height=rh),
                                      steps=steps, guidance=guidance, strength=1.0, render=(rw, rh),
                                      finish=lambda im: fit(im, width, height).convert("RGB"))
        out = [EngineImage(pixels=im, revised_prompt=spec.prompt, render_sha256=render_sha256(im),
                           extra=dict(facts)) for im in images]
        return self._result(spec, out, width, height, started, load_s)

    def _edit(self, spec: EditSpec, progress: Progress) -> EngineResult:
        started = time.perf_counter()
        self._refuse(spec)
        if not spec.images:
            raise InvalidValue("An edit needs an image.", param="image")
        if len(spec.images) > 1:
            raise InvalidValue(f"The diffusion engine ({self.model}) edits one image at a time; "
                               f"{len(spec.images)} were sent.", param="image")
        source = spec.images[0].image
        width, height = (spec.width, spec.height) if spec.width and spec.height else source.size
        mode = working_mode(source)
        base = source.convert(mode)
        mask = spec.mask
        if base.size != (width, height):
            base = base.resize((width, height), Image.Resampling.LANCZOS)
            if mask is not None:
                mask = mask.resize((width, height), Image.Resampling.NEAREST)
        rw, rh = render_size(width, height, multiple=self.info.multiple, max_edge=self.info.max_edge)
        init = base.convert("RGB").resize((rw, rh), Image.Resampling.LANCZOS)
        fidelity = spec.input_fidelity
        loaded, load_s = self._loaded()
        if mask is None:
            kind: Form = "img2img"
            kwargs: dict[str, Any] = dict(prompt=spec.prompt, image=init, width=rw, height=rh)

            def finish(im: Image.Image) -> Image.Image:
                return fit(im, width, height).convert(mode)
            editable = None
        else:
            kind = "inpaint"
            editable = editable_from_mask(mask, (width, height))
            if not editable.any():
                raise InvalidMask("The mask has no fully transparent (alpha 0) pixels: there is nothing "
                                  "to edit.", param="mask")
            original = to_array(base, mode)
            kwargs = dict(prompt=spec.prompt, image=init, width=rw, height=rh,
                          mask_image=_pipeline_mask(editable, (rw, rh), self.info))

            def finish(im: Image.Image) -> Image.Image:
                edited = to_array(fit(im, width, height), mode)
                return Image.fromarray(composite(original, edited, editable), mode=mode)
        strength = STRENGTH[kind][fidelity]
        with loaded.lock:
            pipe = loaded.form(kind, self.model)
            steps, guidance = self._steps(pipe, _quality(spec))
            images, facts = self._run(pipe, spec, progress, kwargs, steps=steps, guidance=guidance,
                                      strength=strength, render=(rw, rh), finish=finish)
        out = []
        for im in images:
            extra = dict(facts)
            if editable is not None:
                extra["unmasked_sha256_before"] = unmasked_sha256(original, editable)
                extra["unmasked_sha256_after"] = unmasked_sha256(np.asarray(im), editable)
            out.append(EngineImage(pixels=im, revised_prompt=spec.prompt, render_sha256=render_sha256(im),
                                   editable_region=region_image(editable) if editable is not None else None,
                                   extra=extra))
        return self._result(spec, out, width, height, started, load_s)

    # -- stages ---------------------------------------------------------------------------------------
    def _refuse(self, spec: GenerateSpec) -> None:
        if spec.background == "transparent":
            raise InvalidValue(f"Transparent background is not supported by the diffusion engine "
                               f"({self.model}): its pipelines paint opaque pixels. Use background=opaque "
                               "or auto.",
                               param="background")

    def _loaded(self) -> tuple[Loaded, float]:
        t = time.perf_counter()
        loaded = self._cache.get(self.info, self.placement())
        return loaded, time.perf_counter() - t

    def _steps(self, pipe: Any, quality: str) -> tuple[int, float | None]:
        params = inspect.signature(pipe.__call__).parameters
        steps_p, guidance_p = params.get("num_inference_steps"), params.get("guidance_scale")
        default_steps = steps_p.default if steps_p is not None and isinstance(steps_p.default, int) else 30
        default_guidance = guidance_p.default if guidance_p is not None \
            and isinstance(guidance_p.default, int | float) else None
        return steps_for(self.info.family, quality, (default_steps, default_guidance))

    def _run(self, pipe: Any, spec: GenerateSpec, progress: Progress, kwargs: dict[str, Any], *, steps: int,
             guidance: float | None, strength: float, render: tuple[int, int],
             finish: Callable[[Image.Image], Image.Image]) -> tuple[list[Image.Image], dict[str, Any]]:
        """Run ``pipe`` over ``spec.n`` images in batches; returns the finished images and the run's facts."""
        torch = self._torch
        params = inspect.signature(pipe.__call__).parameters
        takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
        call: dict[str, Any] = dict(kwargs, num_inference_steps=steps, output_type="pil")
        if guidance is not None:
            call["guidance_scale"] = guidance
        if strength < 1.0 or "mask_image" in kwargs:
            call["strength"] = strength
        call = {k: v for k, v in call.items() if takes_any or k in params}
        hooks = "callback_on_step_end" in params
        # a pipeline without these runs one image per call (still seeded when it takes a generator)
        batch = self._max_batch if takes_any or "num_images_per_prompt" in params else 1
        seeded = takes_any or "generator" in params
        effective = max(1, min(steps, int(steps * strength))) if "strength" in call else steps
        batches = [(o, min(batch, spec.n - o)) for o in range(0, spec.n, batch)]
        packed = render if self.info.family.startswith("flux") else None
        images: list[Image.Image] = []
        started = time.perf_counter()
        for offset, count in batches:
            if progress.cancelled():
                raise JobCancelled("The job was cancelled.")
            if seeded:
                call["generator"] = [torch.Generator("cpu").manual_seed(spec.seed + offset + i)
                                     for i in range(count)]
            if batch > 1:
                call["num_images_per_prompt"] = count
            if hooks:
                call["callback_on_step_end"] = StepHook(
                    progress, steps=effective, done_before=offset * effective, steps_total=spec.n * effective,
                    image_offset=offset, partials=spec.partial_images if spec.stream else 0, finish=finish,
                    packed_size=packed)
            try:
                with torch.inference_mode():
                    result = pipe(**call)
            except Cancelled:
                raise JobCancelled("The job was cancelled.") from None
            images.extend(finish(im) for im in result.images[:count])
            progress.progress(min(0.99, (offset + count) / spec.n), f"{offset + count}/{spec.n} images")
        placement = self.placement()
        facts = {"family": self.info.family, "pipeline": type(pipe).__name__, "steps": effective,
                 "guidance": guidance, "strength": strength if "strength" in call else None,
                 "render_size": f"{render[0]}x{render[1]}", "device": placement.device,
                 "dtype": placement.dtype}
        facts["denoise_s"] = round(time.perf_counter() - started, 4)
        return images, facts

    def _result(self, spec: GenerateSpec, images: list[EngineImage], width: int, height: int,
                started: float, load_s: float) -> EngineResult:
        has_alpha = any(im.pixels.mode == "RGBA" and int(np.asarray(im.pixels.getchannel("A")).min()) < 255
                        for im in images)
        total = time.perf_counter() - started
        return EngineResult(
            images=images, width=width, height=height, quality=_quality(spec),  # type: ignore[arg-type]
            background="transparent" if has_alpha else "opaque", engine=self.name,
            engine_version=self.version, backend=self.backend, seed=spec.seed,
            timings={"load": round(load_s, 4), "total": round(total, 4)},
            # no token model: the API estimates usage from the prompt and the pixels (docs/contract.md)
            usage={})

    def _guarded(self, run: Callable[[], EngineResult]) -> EngineResult:
        try:
            return run()
        except ImagegenError:
            raise
        except Exception as exc:  # out of memory, a broken folder...: an error envelope, never a 500
            raise EngineFailure(f"The diffusion engine failed on {self.model}: {type(exc).__name__}: {exc}") \
                from exc


def _pipeline_mask(editable: np.ndarray, size: tuple[int, int], info: ModelInfo) -> Image.Image:
    """The mask the pipeline sees at render size (white = repaint), grown by one latent cell so that the
    painted content reaches past the mask edge where the exact composite cuts it."""
    mask = region_image(editable).resize(size, Image.Resampling.BILINEAR).point(lambda v: 255 if v else 0)
    grow = info.vae_scale + 1
    return mask.filter(ImageFilter.MaxFilter(grow if grow % 2 else grow + 1))


def _positive_int(settings: Settings, name: str, default: int) -> int:
    raw = settings.extra.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(str(raw))
    except ValueError as exc:
        raise InvalidValue(f"IMAGEGEN_{name.upper()} must be a positive integer, got {raw!r}.") from exc
    if value < 1:
        raise InvalidValue(f"IMAGEGEN_{name.upper()} must be a positive integer, got {raw!r}.")
    return value
