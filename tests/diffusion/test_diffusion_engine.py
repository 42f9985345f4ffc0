"""The diffusion engine on the tiny pipeline, below the HTTP layer: cancellation between denoising steps
(through the service's job), batches of n, the bounded pipeline cache, a generic pipeline."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from tiny_sd import need_torch

from imagegen.config import Settings
from imagegen.contract.errors import JobCancelled
from imagegen.contract.specs import GenerateSpec
from imagegen.engines.base import CallbackProgress, NullProgress
from imagegen.engines.diffusion import DiffusionEngine
from imagegen.engines.diffusion.pipelines import PipelineCache
from imagegen.service import Service

if TYPE_CHECKING:
    from PIL import Image

    from imagegen.engines.base import EngineImage

need_torch()

MODEL = "diffusers/tiny-sd"


def spec(**kw: object) -> GenerateSpec:
    base: dict[str, object] = dict(prompt="a harbour", model=MODEL, width=1024, height=1024, quality="low",
                                   seed=9)
    base.update(kw)
    return GenerateSpec(**base)  # type: ignore[arg-type]


def edit_inside(engine: DiffusionEngine, model: str, prompt: str, source: Image.Image,
                box: tuple[int, int, int, int]) -> EngineImage:
    """Mask-edit ``box`` of ``source`` at its own size (seed 2, low quality); asserts that no pixel outside
    the box changed and that some inside did, and returns the edited image."""
    import numpy as np
    from PIL import Image

    from imagegen.contract.specs import EditSpec, InputImage

    mask = Image.new("RGBA", source.size, (0, 0, 0, 255))
    mask.paste((0, 0, 0, 0), box)
    edit = EditSpec(prompt=prompt, model=model, quality="low", seed=2, width=source.width,
                    height=source.height, images=(InputImage(image=source, data=b"", sha256="0"),), mask=mask)
    edited = engine.edit(edit, NullProgress()).images[0]
    out, src = np.asarray(edited.pixels), np.asarray(source)
    outside = np.asarray(mask)[:, :, 3] != 0
    assert np.array_equal(out[outside], src[outside]) and (out[~outside] != src[~outside]).any()
    return edited


def test_cancel_stops_the_job_between_denoising_steps(settings: Settings) -> None:
    service = Service(settings, workers=1).start()
    try:
        service.tenants.ensure_tenant("acme")
        job_ids: list[str] = []
        seen: list[str] = []

        def on_progress(fraction: float, message: str) -> None:
            seen.append(message)
            if message.startswith("denoising step 3/") and job_ids:
                service.cancel("acme", job_ids[0])

        with pytest.raises(JobCancelled):
            service.run("acme", "generate", spec(), on_progress=on_progress, on_submitted=job_ids.append,
                        timeout=120)
        record = service.status("acme", job_ids[0])
        assert record.status == "cancelled" and not record.asset_ids
        steps = [m for m in seen if m.startswith("denoising step")]
        total = int(steps[0].split("/")[1])
        assert 3 <= len(steps) < total, steps  # stopped mid-denoise, a step or so after the cancel
    finally:
        service.stop(timeout=10)


def test_n_runs_in_seeded_batches_with_monotonic_progress(settings: Settings) -> None:
    engine = DiffusionEngine(settings=Settings(home=settings.home, database_url=settings.database_url,
                                               extra=dict(settings.extra, diffusion_max_batch="2")),
                             model=MODEL)
    fractions: list[float] = []
    result = engine.generate(spec(n=3), CallbackProgress(on_progress=lambda f, m: fractions.append(f)))
    hashes = [im.render_sha256 for im in result.images]
    assert len(set(hashes)) == 3
    assert result.backend == "diffusers:tiny-sd" and result.engine == "imagegen-diffusion"
    assert fractions == sorted(fractions) and fractions[-1] < 1.0
    again = engine.generate(spec(n=3), NullProgress())
    assert [im.render_sha256 for im in again.images] == hashes
    extra = result.images[0].extra
    assert extra["render_size"] == "192x192" and extra["family"] == "sd1" and extra["steps"] == 20


def test_the_pipeline_cache_is_bounded_lru(settings: Settings, tiny_sd: Path) -> None:
    models = settings.home / "models"
    shutil.copytree(tiny_sd, models / "second")  # another folder: another cache entry
    cache = PipelineCache(capacity=1)
    first = DiffusionEngine(settings=settings, model=MODEL, cache=cache)
    second = DiffusionEngine(settings=settings, model="diffusers/second", cache=cache)
    first.generate(spec(), NullProgress())
    first.generate(spec(), NullProgress())
    assert (cache.loads, len(cache)) == (1, 1)
    second.generate(spec(model="diffusers/second"), NullProgress())
    assert (cache.loads, len(cache)) == (2, 1)  # the first folder was dropped
    first.generate(spec(), NullProgress())
    assert cache.loads == 3


def test_concurrent_requests_share_one_pipeline(settings: Settings) -> None:
    cache = PipelineCache(capacity=2)
    engine = DiffusionEngine(settings=settings, model=MODEL, cache=cache)
    results: list[str] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(engine.generate(spec(), NullProgress()).images[0].render_sha256 or "")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors and len(results) == 2 and results[0] == results[1] and cache.loads == 1


def test_a_generic_pipeline_uses_its_own_defaults(settings: Settings, tiny_sd: Path) -> None:
    import json

    generic = settings.home / "models" / "generic"
    shutil.copytree(tiny_sd, generic)
    index = json.loads((generic / "model_index.json").read_text())
    index["_class_name"] = "StableDiffusionPAGPipeline"  # a pipeline outside the known families
    (generic / "model_index.json").write_text(json.dumps(index))
    engine = DiffusionEngine(settings=settings, model="diffusers/generic")
    assert engine.info.family == "generic"
    result = engine.generate(spec(model="diffusers/generic", quality="low"), NullProgress())
    assert result.images[0].extra["steps"] == 25  # its __call__ default of 50 steps x 0.5
    assert result.images[0].pixels.size == (1024, 1024)


def test_an_inpainting_folder_serves_mask_edits_only(settings: Settings, tiny_sd: Path) -> None:
    import numpy as np
    from PIL import Image
    from tiny_sd import build_tiny_inpaint

    from imagegen.contract.errors import InvalidValue

    build_tiny_inpaint(tiny_sd, settings.home / "models" / "inpaint")
    engine = DiffusionEngine(settings=settings, model="diffusers/inpaint")
    assert engine.info.inpainting and not engine.capabilities().generate
    with pytest.raises(InvalidValue, match="inpainting model"):
        engine.generate(spec(model="diffusers/inpaint"), NullProgress())
    source = Image.fromarray(np.random.default_rng(4).integers(0, 256, (320, 512, 3), dtype=np.uint8))
    edited = edit_inside(engine, "diffusers/inpaint", "a door", source, (100, 60, 300, 200))
    assert edited.extra["pipeline"] == "StableDiffusionInpaintPipeline"


def test_a_transformer_family_sd3_without_t5(settings: Settings) -> None:
    """SD3's path: 2x2 patches (render multiples of 16), a shifted 16-channel latent space decoded for the
    partials, the inpainting form of the same components, and a folder saved without its T5 encoder."""
    from tiny_sd import build_tiny_sd3


    build_tiny_sd3(settings.home / "models" / "tiny-sd3")
    engine = DiffusionEngine(settings=settings, model="diffusers/tiny-sd3")
    assert (engine.info.family, engine.info.multiple, engine.info.max_edge) == ("sd3", 16, 192)
    partials: list[object] = []
    result = engine.generate(spec(model="diffusers/tiny-sd3", width=1536, height=1024, stream=True,
                                  partial_images=2), CallbackProgress(on_partial=partials.append))
    assert result.images[0].pixels.size == (1536, 1024) and result.images[0].extra["render_size"] == "192x128"
    assert len(partials) == 2
    source = result.images[0].pixels
    edited = edit_inside(engine, "diffusers/tiny-sd3", "a sun", source, (400, 300, 1000, 700))
    assert edited.extra["pipeline"] == "StableDiffusion3InpaintPipeline"


def test_flux_packed_latents_partials_and_inpainting(settings: Settings) -> None:
    """FLUX's path: latents packed in 2x2 patches (unpacked to decode partials), guidance embeddings, the
    FLUX inpainting form. The tiny folder's native size is the family's, so the engine is asked for small
    sizes directly (the HTTP front door would hold them to the contract)."""
    from tiny_sd import build_tiny_flux


    build_tiny_flux(settings.home / "models" / "tiny-flux")
    engine = DiffusionEngine(settings=settings, model="diffusers/tiny-flux")
    assert (engine.info.family, engine.info.multiple) == ("flux", 16)
    partials: list[object] = []
    result = engine.generate(spec(model="diffusers/tiny-flux", width=160, height=128, stream=True,
                                  partial_images=1), CallbackProgress(on_partial=partials.append))
    assert result.images[0].pixels.size == (160, 128) and len(partials) == 1
    source = result.images[0].pixels
    edited = edit_inside(engine, "diffusers/tiny-flux", "a moon", source, (40, 30, 120, 100))
    assert edited.extra["pipeline"] == "FluxInpaintPipeline"
