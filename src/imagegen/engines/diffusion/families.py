"""Which kind of pipeline a folder holds, read from its own files (no torch needed), and what that implies.

``detect(folder)`` reads ``model_index.json`` (the pipeline class diffusers saved) and the component configs
beside it: the family (Stable Diffusion 1.x / 2.x, SDXL, SD3, FLUX, FLUX schnell, or ``generic`` for any
other pipeline ``DiffusionPipeline`` can load), the VAE scale factor, the native size the model was trained
at, and whether the folder is an inpainting model.

``QUALITY`` is the one table that turns ``quality`` into denoising steps and guidance per family. A folder
of an unknown family uses its pipeline's own defaults x 0.5 / 1 / 1.5 (``steps_for``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from imagegen.contract.errors import EngineUnavailable

#: family -> quality -> (denoising steps, guidance scale). The one place these numbers live.
QUALITY: dict[str, dict[str, tuple[int, float]]] = {
    "sd1": {"low": (20, 7.5), "medium": (30, 7.5), "high": (50, 7.5)},
    "sd2": {"low": (20, 7.5), "medium": (30, 7.5), "high": (50, 7.5)},
    "sdxl": {"low": (20, 5.0), "medium": (30, 5.0), "high": (50, 5.0)},
    "sd3": {"low": (20, 7.0), "medium": (28, 7.0), "high": (40, 7.0)},
    "flux": {"low": (20, 3.5), "medium": (28, 3.5), "high": (50, 3.5)},
    # timestep-distilled FLUX (guidance_embeds false): few steps, no classifier-free guidance
    "flux-schnell": {"low": (2, 0.0), "medium": (4, 0.0), "high": (8, 0.0)},
}

#: an unknown family: its pipeline's own default steps times these factors
GENERIC_STEP_FACTORS: dict[str, float] = {"low": 0.5, "medium": 1.0, "high": 1.5}


@dataclass(frozen=True)
class FamilyTraits:
    #: the edge the family's reference checkpoints were trained at
    native: int
    #: the longest edge it is asked to render (beyond it subjects repeat); scaled with the folder's native
    max_edge: int
    #: render sizes are multiples of the VAE scale factor times this (2 for 2x2-patch transformers)
    patch: int
    #: half precision used on CUDA (FLUX and SD3 overflow in float16: bfloat16)
    gpu_dtype: str


TRAITS: dict[str, FamilyTraits] = {
    "sd1": FamilyTraits(native=512, max_edge=768, patch=1, gpu_dtype="float16"),
    "sd2": FamilyTraits(native=768, max_edge=1024, patch=1, gpu_dtype="float16"),
    "sdxl": FamilyTraits(native=1024, max_edge=1536, patch=1, gpu_dtype="float16"),
    "sd3": FamilyTraits(native=1024, max_edge=1536, patch=2, gpu_dtype="bfloat16"),
    "flux": FamilyTraits(native=1024, max_edge=2048, patch=2, gpu_dtype="bfloat16"),
    "flux-schnell": FamilyTraits(native=1024, max_edge=2048, patch=2, gpu_dtype="bfloat16"),
    "generic": FamilyTraits(native=1024, max_edge=1024, patch=1, gpu_dtype="float16"),
}

_LABELS = {"sd1": "Stable Diffusion 1.x", "sd2": "Stable Diffusion 2.x", "sdxl": "Stable Diffusion XL",
           "sd3": "Stable Diffusion 3", "flux": "FLUX", "flux-schnell": "FLUX schnell",
           "generic": "generic diffusers pipeline"}


@dataclass(frozen=True)
class ModelInfo:
    """What the engine needs to know about a folder before loading any weights."""

    folder: Path
    pipeline_class: str
    family: str
    #: 2 ** (VAE down blocks - 1): latents are this many times smaller than pixels
    vae_scale: int
    #: the native edge of this folder (its denoiser's sample size x the VAE scale factor)
    native: int
    #: the folder is an inpainting model (9-channel UNet or an ``*InpaintPipeline`` class)
    inpainting: bool

    @property
    def label(self) -> str:
        return _LABELS[self.family]

    @property
    def traits(self) -> FamilyTraits:
        return TRAITS[self.family]

    @property
    def multiple(self) -> int:
        """Render sizes are multiples of this many pixels."""
        return self.vae_scale * self.traits.patch

    @property
    def max_edge(self) -> int:
        """The family's maximum, scaled to this folder's native size, as a multiple of ``multiple``."""
        edge = self.traits.max_edge * self.native / self.traits.native
        return max(self.multiple, int(edge) // self.multiple * self.multiple)


def _json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise EngineUnavailable(f"The model file {path} cannot be read: {exc}") from exc
    return data if isinstance(data, dict) else {}


def family_of(pipeline_class: str, folder: Path) -> str:
    """The family name of a ``model_index.json`` class name (``generic`` for any other pipeline)."""
    name = pipeline_class
    if name.startswith("StableDiffusionXL"):
        return "sdxl"
    if name.startswith("StableDiffusion3"):
        return "sd3"
    if name in ("FluxPipeline", "FluxImg2ImgPipeline", "FluxInpaintPipeline"):
        guidance = _json(folder / "transformer" / "config.json").get("guidance_embeds", True)
        return "flux" if guidance else "flux-schnell"
    if name in ("StableDiffusionPipeline", "StableDiffusionImg2ImgPipeline",
                "StableDiffusionInpaintPipeline"):
        # SD 2.x conditions on OpenCLIP ViT-H (1024-wide); SD 1.x on CLIP ViT-L (768)
        cross = _json(folder / "unet" / "config.json").get("cross_attention_dim")
        return "sd2" if cross == 1024 else "sd1"
    return "generic"


def detect(folder: Path) -> ModelInfo:
    """Read a diffusers folder's family and geometry (``EngineUnavailable`` when it is not one)."""
    index = _json(folder / "model_index.json")
    pipeline_class = index.get("_class_name")
    if not isinstance(pipeline_class, str):
        raise EngineUnavailable(
            f"The folder {folder} is not a diffusers pipeline: it has no model_index.json naming the "
            "pipeline. Save the model with pipeline.save_pretrained(folder) or copy a diffusers repository "
            "there.")
    family = family_of(pipeline_class, folder)
    vae = _json(folder / "vae" / "config.json")
    blocks = vae.get("block_out_channels")
    vae_scale = 2 ** (len(blocks) - 1) if isinstance(blocks, list) and blocks else 8
    denoiser = _json(folder / "unet" / "config.json") or _json(folder / "transformer" / "config.json")
    sample = denoiser.get("sample_size")
    native = int(sample) * vae_scale if isinstance(sample, int) and sample > 0 else TRAITS[family].native
    inpainting = "Inpaint" in pipeline_class or denoiser.get("in_channels") == 9
    return ModelInfo(folder=folder, pipeline_class=pipeline_class, family=family, vae_scale=vae_scale,
                     native=native, inpainting=inpainting)


def steps_for(family: str, quality: str,
              pipeline_defaults: tuple[int, float | None]) -> tuple[int, float | None]:
    """(steps, guidance) for a resolved quality; ``pipeline_defaults`` serve the generic family."""
    table = QUALITY.get(family)
    if table is not None:
        return table[quality]
    steps, guidance = pipeline_defaults
    return max(1, round(steps * GENERIC_STEP_FACTORS[quality])), guidance
