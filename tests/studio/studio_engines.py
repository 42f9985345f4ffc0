"""The studio tests' engine (routed in with IMAGEGEN_ROUTES): quick pictures, and masked edits that repaint
exactly the transparent part of the mask, so a test can see where the mask it drew in the browser landed."""

from __future__ import annotations

import hashlib
import time

import numpy as np
from PIL import Image, ImageDraw

from imagegen.contract.specs import EditSpec, GenerateSpec
from imagegen.engines.base import Capabilities, EngineImage, EngineResult, Progress

EDIT_COLOUR = (255, 45, 120)


def _colours(seed: int, prompt: str) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    d = hashlib.sha256(f"{seed}|{prompt}".encode()).digest()
    return (d[0] // 2, d[1] // 2, 60 + d[2] // 2), (155 + d[3] // 3, 155 + d[4] // 3, 155 + d[5] // 3)


def picture(width: int, height: int, seed: int, prompt: str) -> Image.Image:
    bg, fg = _colours(seed, prompt)
    img = Image.new("RGB", (width, height), bg)
    d = ImageDraw.Draw(img)
    d.ellipse([width * 0.2, height * 0.15, width * 0.8, height * 0.75], fill=fg)
    d.rectangle([0, int(height * 0.82), width, height], fill=tuple(c // 2 for c in bg))
    d.text((16, int(height * 0.86)), prompt[:48], fill=(255, 255, 255))
    return img


def _result(spec: GenerateSpec, images: list[Image.Image], *,
            regions: list[Image.Image | None] | None = None) -> EngineResult:
    return EngineResult(
        images=[EngineImage(pixels=im, revised_prompt=f"studio test render: {spec.prompt[:60]}",
                            report={"ok": True, "checks": 3, "text_exact": True},
                            editable_region=(regions[i] if regions else None))
                for i, im in enumerate(images)],
        width=images[0].width, height=images[0].height, quality="medium", background="opaque",
        engine="studio-test", engine_version="1", backend="procedural", seed=spec.seed,
        timings={"render": 0.01}, usage={"total_tokens": 0})


class StudioEngine:
    name = "studio-test"
    version = "1"

    def capabilities(self) -> Capabilities:
        return Capabilities()

    def generate(self, spec: GenerateSpec, progress: Progress) -> EngineResult:
        w, h = spec.width or 512, spec.height or 512
        for step in range(4):  # a little time so the page shows progress
            progress.progress((step + 1) / 5, f"pass {step + 1} of 4")
            time.sleep(0.1)
        return _result(spec, [picture(w, h, spec.seed + i, spec.prompt) for i in range(spec.n)])

    def edit(self, spec: EditSpec, progress: Progress) -> EngineResult:
        base = spec.images[0].image.convert("RGB")
        for step in range(4):
            progress.progress((step + 1) / 5, f"edit pass {step + 1} of 4")
            time.sleep(0.1)
        out = np.array(base)
        region = None
        if spec.mask is not None:
            alpha = np.array(spec.mask.convert("RGBA").resize(base.size))[:, :, 3]
            inside = alpha < 128
            out[inside] = EDIT_COLOUR
            # the mask's editable pixels: the watermark goes there, every other pixel stays untouched
            region = Image.fromarray((inside * 255).astype(np.uint8), "L")
        return _result(spec, [Image.fromarray(out)] * spec.n, regions=[region] * spec.n)
