"""The upscale operation as an engine: ``model=imagegen-upscale`` edits (SPEC §10, docs/backends.md).

``edit``: one input image, the prompt says how much ("upscale to 4K", "upscale 2x"; ``targets``), or the
request's ``size`` does (a ``size`` equal to what ``auto`` resolves to for the input counts as ``auto``).
The input is read as the client sent it (``InputImage.data``), not as the front door sized it.
Real-ESRGAN runs in tiles with progress and cancellation (``tiles.upscale_to``)
and the result has exactly the contract size. The input's asset is the parent of the new one (the job
records the lineage, as for every edit). ``generate`` is refused: there is nothing to upscale.
"""

from __future__ import annotations

import hashlib
import time

from PIL import Image

from imagegen.config import Settings
from imagegen.contract.errors import EngineFailure, ImagegenError, InvalidValue
from imagegen.contract.images import open_image
from imagegen.contract.limits import limits_for
from imagegen.contract.specs import EditSpec, GenerateSpec, InputImage
from imagegen.engines.base import Capabilities, EngineImage, EngineResult, Progress
from imagegen.engines.upscale.base import Upscaler
from imagegen.engines.upscale.realesrgan import model_for, realesrgan
from imagegen.engines.upscale.targets import target_size
from imagegen.engines.upscale.tiles import DEFAULT_TILE, upscale_to

ENGINE_NAME = "imagegen-upscale"
ENGINE_VERSION = "0.1.0"
MODEL_ID = "imagegen-upscale"


class UpscaleEngine:
    """Real-ESRGAN super-resolution (implements ``imagegen.engines.base.Engine``)."""

    name = ENGINE_NAME
    version = ENGINE_VERSION

    def __init__(self, *, settings: Settings | None = None, upscaler: Upscaler | None = None) -> None:
        extra = settings.extra if settings is not None else {}
        self._gpuid = _int(extra.get("upscale_gpu"), -1, "upscale_gpu")
        self._tile = _int(extra.get("upscale_tile"), DEFAULT_TILE, "upscale_tile")
        #: a fixed upscaler (tests, pipeline steps); None: Real-ESRGAN chosen per request
        self._upscaler = upscaler

    def capabilities(self) -> Capabilities:
        return Capabilities(generate=False, edit=True, mask_edit=False, transparent=True, max_n=1,
                            partial_images=False)

    def generate(self, spec: GenerateSpec, progress: Progress) -> EngineResult:
        raise InvalidValue(f"The model '{spec.model}' upscales an image: send one to /v1/images/edits with a "
                           "prompt such as 'upscale to 4K' or 'upscale 2x'.", param="model")

    def edit(self, spec: EditSpec, progress: Progress) -> EngineResult:
        started = time.perf_counter()
        if len(spec.images) != 1:
            raise InvalidValue(f"The model '{spec.model}' upscales one image per request; "
                               f"{len(spec.images)} were sent.", param="image")
        if spec.mask is not None:
            raise InvalidValue(f"The model '{spec.model}' upscales the whole image and takes no mask.",
                               param="mask")
        if spec.n != 1:
            raise InvalidValue(f"The model '{spec.model}' makes one image per request (n=1): the upscale "
                               "of an image is deterministic.", param="n")
        source = _as_sent(spec.images[0])
        rule = limits_for(spec.model).sizes
        requested = (spec.width, spec.height) if spec.width and spec.height else None
        if requested == rule.fit(*source.size):
            requested = None  # what size=auto resolves to for this input: the prompt says how much
        size, how = target_size(spec.prompt, source.size, rule, requested)
        quality = "medium" if spec.quality == "auto" else spec.quality
        factor = max(size[0] / source.width, size[1] / source.height)
        upscaler = self._upscaler or realesrgan(model_for(quality, factor), gpuid=self._gpuid)
        progress.progress(0.0, f"upscaling {source.width}x{source.height} to {size[0]}x{size[1]} "
                               f"with {upscaler.name}")
        try:
            pixels, report = upscale_to(source, size, upscaler, tile=self._tile,
                                        on_progress=progress.progress, cancelled=progress.cancelled)
        except ImagegenError:
            raise
        except Exception as exc:
            raise EngineFailure(f"The upscaler failed: {type(exc).__name__}: {exc}") from exc
        if source.mode != "RGBA":
            pixels = pixels.convert("RGB")
        has_alpha = pixels.mode == "RGBA" and pixels.getchannel("A").getextrema() != (255, 255)
        facts = dict(report.to_json(), read_as=how)
        image = EngineImage(pixels=pixels, revised_prompt=f"Upscaled to {size[0]}x{size[1]} ({how}) with "
                                                          f"{upscaler.name}.",
                            render_sha256=hashlib.sha256(pixels.convert("RGBA").tobytes()).hexdigest(),
                            report={"upscale": facts}, extra={"upscale": facts})
        return EngineResult(
            images=[image], width=size[0], height=size[1], quality=quality,
            background="transparent" if has_alpha else "opaque", engine=self.name,
            engine_version=self.version, backend=f"realesrgan:{upscaler.name}", seed=spec.seed,
            timings={"upscale": round(report.seconds, 4), "total": round(time.perf_counter() - started, 4)},
            usage={})


def upscale_image(image: Image.Image, size: tuple[int, int], *, quality: str = "medium",
                  upscaler: Upscaler | None = None) -> Image.Image:
    """``image`` at exactly ``size`` with Real-ESRGAN: the call a pipeline step makes."""
    factor = max(size[0] / image.width, size[1] / image.height)
    out, _report = upscale_to(image, size, upscaler or realesrgan(model_for(quality, factor)))
    return out


def _as_sent(item: InputImage) -> Image.Image:
    """The input's pixels as the client sent them: front doors bring an edit's first image to the working
    size (the contract's ``auto`` size), which for an upscale would be a plain Lanczos enlargement."""
    if not item.data:
        return item.image
    try:
        image, _fmt = open_image(item.data, param="image", formats=())
    except ImagegenError:
        return item.image
    mode = "RGBA" if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info else "RGB"
    return image.convert(mode)


def _int(raw: str | None, default: int, name: str) -> int:
    if raw in (None, ""):
        return default
    try:
        return int(str(raw))
    except ValueError as exc:
        raise InvalidValue(f"IMAGEGEN_{name.upper()} must be an integer, got {raw!r}.") from exc
