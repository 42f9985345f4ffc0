"""What happens between denoising steps (``callback_on_step_end``): cancellation, progress and partials.

- Cancellation: the job's cancel flag is read after every step; a cancelled run stops there (the
  callback raises, the pipeline unwinds; no final decode is paid for).
- Progress: the fraction of steps done across the whole request (all batches of ``n``).
- Partial images: real intermediate results. At ``partial_images`` evenly spaced steps the current
  latents are decoded with the pipeline's own VAE (the same decode the final image gets) and sent on,
  resized to the output size. At most ``partial_images`` decodes per batch: that is the throttle.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PIL import Image

from imagegen.engines.base import PartialImage, Progress


class Cancelled(Exception):
    """Raised inside the pipeline to stop it between steps."""


def partial_steps(total: int, count: int) -> set[int]:
    """The step indices (0-based) after which a partial is decoded: ``count`` evenly spaced, none last."""
    if count <= 0 or total <= 1:
        return set()
    return {min(total - 2, max(0, round(total * (i + 1) / (count + 1)) - 1)) for i in range(count)}


def decode_latents(pipe: Any, latents: Any, *, packed_size: tuple[int, int] | None) -> list[Image.Image]:
    """Latents -> PIL images with the pipeline's VAE (un-scaling and shifting as the pipeline does).

    ``packed_size`` (render width, height) for FLUX, whose latents are packed 2x2 patches."""
    import torch

    with torch.no_grad():
        if packed_size is not None:
            latents = pipe._unpack_latents(latents, packed_size[1], packed_size[0], pipe.vae_scale_factor)
        vae = pipe.vae
        # SDXL's VAE overflows in float16 (its config says force_upcast): decode in float32, as the
        # pipeline's own final decode does, and put it back
        upcast = vae.dtype == torch.float16 and bool(getattr(vae.config, "force_upcast", False))
        if upcast:
            vae.to(torch.float32)
        try:
            shift = getattr(vae.config, "shift_factor", None) or 0.0
            latents = latents.to(vae.dtype) / vae.config.scaling_factor + shift
            decoded = vae.decode(latents, return_dict=False)[0]
        finally:
            if upcast:
                vae.to(torch.float16)
        if not torch.isfinite(decoded).all():
            return []  # a preview that overflowed anyway is skipped; the final image is unaffected
        images: list[Image.Image] = pipe.image_processor.postprocess(decoded, output_type="pil")
        return images


class StepHook:
    """The ``callback_on_step_end`` of one pipeline call (one batch of a request)."""

    def __init__(self, progress: Progress, *, steps: int, done_before: int, steps_total: int,
                 image_offset: int, partials: int, finish: Callable[[Image.Image], Image.Image],
                 packed_size: tuple[int, int] | None) -> None:
        self.progress = progress
        self.steps = steps
        self.done_before = done_before
        self.steps_total = max(1, steps_total)
        self.image_offset = image_offset
        self.partial_at = partial_steps(steps, partials)
        self.finish = finish
        self.packed_size = packed_size
        self.partials_sent = 0

    def __call__(self, pipe: Any, step: int, timestep: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
        if self.progress.cancelled():
            raise Cancelled
        done = self.done_before + step + 1
        self.progress.progress(min(0.99, done / self.steps_total),
                               f"denoising step {done}/{self.steps_total}")
        if step in self.partial_at and "latents" in kwargs:
            decoded = decode_latents(pipe, kwargs["latents"], packed_size=self.packed_size)
            for i, image in enumerate(decoded):
                self.progress.partial(PartialImage(index=self.partials_sent,
                                                   image_index=self.image_offset + i,
                                                   pixels=self.finish(image)))
            self.partials_sent += 1
        return kwargs
