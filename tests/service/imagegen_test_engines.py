"""Engines used only by the service and queue tests, routed in through EngineRouter.register or
IMAGEGEN_ROUTES (``imagegen_test_engines:SlowEngine`` with this folder on PYTHONPATH).

The prompt steers them: ``"sleep 2.5"`` makes SlowEngine work 2.5 s (checking cancellation every 50 ms).
They produce real pixels, so the real save point can encode, mark and sign them.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time

from PIL import Image

from imagegen.contract.errors import EngineFailure, JobCancelled
from imagegen.contract.specs import EditSpec, GenerateSpec
from imagegen.engines.base import Capabilities, EngineImage, EngineResult, PartialImage, Progress


def _color(seed: int, prompt: str) -> tuple[int, int, int]:
    digest = hashlib.sha256(f"{seed}:{prompt}".encode()).digest()
    return digest[0], digest[1], digest[2]


def _result(engine: QuickEngine, spec: GenerateSpec, images: list[Image.Image]) -> EngineResult:
    return EngineResult(
        images=[EngineImage(pixels=im, revised_prompt=f"test render of: {spec.prompt[:40]}")
                for im in images],
        width=images[0].width, height=images[0].height,
        quality="low" if spec.quality == "auto" else spec.quality,
        background="opaque", engine=engine.name, engine_version=engine.version, backend="procedural",
        seed=spec.seed, timings={"render": 0.0}, usage={"input_tokens": 0, "output_tokens": 0,
                                                        "total_tokens": 0})


def _sleep_seconds(prompt: str) -> float:
    m = re.search(r"sleep\s+([0-9.]+)", prompt)
    return float(m.group(1)) if m else 0.0


class QuickEngine:
    """Solid-colour images at the requested size (256x256 for ``auto``)."""

    name = "test-quick"
    version = "1"

    def capabilities(self) -> Capabilities:
        return Capabilities()

    def _images(self, spec: GenerateSpec) -> list[Image.Image]:
        w, h = (spec.width or 256), (spec.height or 256)
        return [Image.new("RGB", (w, h), _color(spec.seed + i, spec.prompt)) for i in range(spec.n)]

    def _work(self, spec: GenerateSpec, progress: Progress) -> None:
        total = _sleep_seconds(spec.prompt)
        end = time.monotonic() + total
        while time.monotonic() < end:
            if progress.cancelled():
                raise JobCancelled("The job was cancelled.")
            left = end - time.monotonic()
            progress.progress(1.0 - max(0.0, left) / total, "working")
            time.sleep(min(0.05, max(0.0, left)))

    def generate(self, spec: GenerateSpec, progress: Progress) -> EngineResult:
        images = self._images(spec)
        progress.partial(PartialImage(index=0, image_index=0, pixels=images[0].copy()))
        self._work(spec, progress)
        progress.progress(1.0, "done")
        return _result(self, spec, images)

    def edit(self, spec: EditSpec, progress: Progress) -> EngineResult:
        self._work(spec, progress)
        base = spec.images[0].image.convert("RGB")
        out = Image.new("RGB", base.size, _color(spec.seed, spec.prompt))
        out.paste(base.resize((max(1, base.width // 2), max(1, base.height // 2))))
        return _result(self, spec, [out] * spec.n)


class SlowEngine(QuickEngine):
    """Like QuickEngine, but works 1.5 s unless the prompt says ``sleep N``."""

    name = "test-slow"

    def _work(self, spec: GenerateSpec, progress: Progress) -> None:
        if not _sleep_seconds(spec.prompt):
            spec = GenerateSpec(**{**spec.__dict__, "prompt": spec.prompt + " sleep 1.5"})
        super()._work(spec, progress)


class DeafEngine(QuickEngine):
    """Never checks cancellation (the commit point alone must keep a cancelled job from recording). It works
    until ``release`` is set (a test sets it once it has acted on the running job: the job cannot end before
    that, however slow the machine) or ``sleep N`` seconds pass (1 s by default)."""

    name = "test-deaf"
    release = threading.Event()  # never set here: the service conftest's ``deaf_release`` gives each test one

    def _work(self, spec: GenerateSpec, progress: Progress) -> None:
        type(self).release.wait(_sleep_seconds(spec.prompt) or 1.0)


class FailingEngine(QuickEngine):
    """Fails: ``crash`` in the prompt raises a bare RuntimeError (an engine bug), else EngineFailure."""

    name = "test-fail"

    def generate(self, spec: GenerateSpec, progress: Progress) -> EngineResult:
        if "crash" in spec.prompt:
            raise RuntimeError("boom: the test engine crashed")
        raise EngineFailure("The test engine refused this prompt.", code="engine_failure")

    edit = generate  # type: ignore[assignment]


class CountingFactory:
    """A factory that counts how many engines it built (lazy creation and caching)."""

    built = 0

    def __call__(self) -> QuickEngine:
        type(self).built += 1
        return QuickEngine()
