"""Stand-in engines for the steps whose real backends need a GPU or are slow on a CPU: a stylize backend
(a colour grade with grain, which smears lettering as a real image-to-image model does), an upscaler
(Lanczos to the exact size asked), and a slow step to cancel during. Real planning-engine steps run as is."""

from __future__ import annotations

import threading
import time

import numpy as np
from PIL import Image, ImageFilter

from imagegen.contract.specs import EditSpec, GenerateSpec
from imagegen.engines.base import Capabilities, EngineImage, EngineResult, Progress


def _result(engine: str, images: list[Image.Image], spec: GenerateSpec) -> EngineResult:
    w, h = images[0].size
    return EngineResult(images=[EngineImage(pixels=im, revised_prompt=spec.prompt) for im in images], width=w,
                        height=h, quality="medium", background="opaque", engine=engine, engine_version="0",
                        backend=f"{engine}:fake", seed=spec.seed)


class _Base:
    version = "0"

    def capabilities(self) -> Capabilities:
        return Capabilities(transparent=False, partial_images=False)

    def generate(self, spec: GenerateSpec, progress: Progress) -> EngineResult:
        raise NotImplementedError


class StylizeEngine(_Base):
    """Image-to-image stand-in: a warm grade, a blur and grain (lettering comes out unreadable)."""

    name = "test-stylize"

    def edit(self, spec: EditSpec, progress: Progress) -> EngineResult:
        src = spec.images[0].image.convert("RGB").filter(ImageFilter.GaussianBlur(6))
        arr = np.asarray(src).astype(np.float32)
        arr = arr * np.array([1.08, 0.97, 0.85]) + np.random.default_rng(spec.seed).normal(0, 6, arr.shape)
        return _result(self.name, [Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))], spec)


class ResizeUpscaler(_Base):
    """Upscale stand-in: Lanczos to the exact size of the spec."""

    name = "test-upscale"

    def edit(self, spec: EditSpec, progress: Progress) -> EngineResult:
        assert spec.width and spec.height
        progress.progress(0.5, "tiles")
        src = spec.images[0].image.convert("RGB")
        return _result(self.name, [src.resize((spec.width, spec.height), Image.Resampling.LANCZOS)], spec)


class SlowUpscaler(ResizeUpscaler):
    """Takes its time, so a test can cancel the pipeline while it runs; honours cancellation."""

    started = threading.Event()

    def edit(self, spec: EditSpec, progress: Progress) -> EngineResult:
        SlowUpscaler.started.set()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if progress.cancelled():
                from imagegen.contract.errors import JobCancelled

                raise JobCancelled("cancelled")
            time.sleep(0.05)
        return super().edit(spec, progress)
