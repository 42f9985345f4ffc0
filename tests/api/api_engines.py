"""A small test engine for the API tests, routed in with IMAGEGEN_ROUTES (this folder on PYTHONPATH).

Used only when the real planning engine cannot run yet (``IMAGEGEN_TEST_API_ENGINE=staged`` forces it).
It draws real pixels in stages (a coarse draft, then sharper passes) and reports each stage as a
partial image, like the planning engine's render -> refine passes. Masked edits keep every pixel outside
the mask (alpha > 0) bit-identical and report the editable region, as the contract requires.
"""

from __future__ import annotations

import hashlib

from PIL import Image, ImageChops, ImageDraw

from imagegen.contract.errors import JobCancelled
from imagegen.contract.specs import EditSpec, GenerateSpec
from imagegen.engines.base import Capabilities, EngineImage, EngineResult, PartialImage, Progress

STAGES = 3


def _palette(seed: int, prompt: str) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    d = hashlib.sha256(f"{seed}|{prompt}".encode()).digest()
    return (d[0], d[1], d[2]), (d[3], d[4], d[5])


def _draw(width: int, height: int, seed: int, prompt: str, variant: int, transparent: bool) -> Image.Image:
    bg, fg = _palette(seed, prompt)
    image = Image.new("RGBA", (width, height), (*bg, 0 if transparent else 255))
    draw = ImageDraw.Draw(image)
    step = max(16, width // (6 + variant))
    for x in range(0, width, step):
        draw.rectangle([x, 0, x + step // 2, height], fill=(*fg, 255))
    draw.text((16, 16), prompt[:40], fill=(255, 255, 255, 255))
    return image if transparent else image.convert("RGB")


def _stage(final: Image.Image, stage: int) -> Image.Image:
    # a coarser version of the final image: what an earlier pass would have shown
    factor = 2 ** (STAGES - stage)
    small = final.resize(
        (max(1, final.width // factor), max(1, final.height // factor)), Image.Resampling.BOX
    )
    return small.resize(final.size, Image.Resampling.NEAREST)


class StagedEngine:
    """Generate and edit with real staged partials."""

    name = "test-staged"
    version = "1"

    def capabilities(self) -> Capabilities:
        return Capabilities()

    def _emit(self, final: Image.Image, image_index: int, spec: GenerateSpec, progress: Progress) -> None:
        for stage in range(min(spec.partial_images, STAGES - 1)):
            if progress.cancelled():
                raise JobCancelled("The job was cancelled.")
            progress.partial(
                PartialImage(index=stage, image_index=image_index, pixels=_stage(final, stage + 1))
            )

    def _result(self, spec: GenerateSpec, images: list[EngineImage], transparent: bool) -> EngineResult:
        first = images[0].pixels
        return EngineResult(
            images=images,
            width=first.width,
            height=first.height,
            quality="medium" if spec.quality == "auto" else spec.quality,
            background="transparent" if transparent else "opaque",
            engine=self.name,
            engine_version=self.version,
            backend="procedural",
            seed=spec.seed,
            timings={"render": 0.0},
            usage={},
        )

    def generate(self, spec: GenerateSpec, progress: Progress) -> EngineResult:
        width, height = spec.width or 1024, spec.height or 1024
        transparent = spec.background == "transparent"
        images = []
        for index in range(spec.n):
            final = _draw(width, height, spec.seed, spec.prompt, index, transparent)
            self._emit(final, index, spec, progress)
            images.append(EngineImage(pixels=final, revised_prompt=f"Stripes for: {spec.prompt[:60]}"))
        return self._result(spec, images, transparent)

    def edit(self, spec: EditSpec, progress: Progress) -> EngineResult:
        source = spec.images[0].image
        width, height = source.size
        images = []
        for index in range(spec.n):
            drawn = _draw(width, height, spec.seed, spec.prompt, index, False).convert(source.mode)
            if spec.mask is not None:
                editable = spec.mask.getchannel("A").point(lambda a: 255 if a == 0 else 0)
                out = Image.composite(drawn, source, editable)
                region = editable
            else:
                out = ImageChops.blend(source.convert(drawn.mode), drawn, 0.5)
                region = Image.new("L", source.size, 255)
            self._emit(out, index, spec, progress)
            images.append(
                EngineImage(pixels=out, revised_prompt=f"Edited: {spec.prompt[:60]}", editable_region=region)
            )
        return self._result(spec, images, False)
