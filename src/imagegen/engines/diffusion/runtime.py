"""torch and diffusers, imported only when a diffusion model is used, and the device they run on.

The package ``imagegen.engines.diffusion`` imports without torch (the default install has none); the first
request that needs a pipeline imports it here, and a missing extra is a 503 saying what to install.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from imagegen.contract.errors import EngineUnavailable, InvalidValue

INSTALL_HINT = ("Install the diffusion extra on the server: scripts/setup --diffusion "
                "(or pip install 'imagegen[diffusion]').")


def extra_installed() -> bool:
    """Whether torch and diffusers are installed, without importing them (a few milliseconds)."""
    return all(importlib.util.find_spec(name) is not None for name in ("torch", "diffusers"))


def require_torch() -> ModuleType:
    """``torch``, with ``diffusers`` importable too; 503 ``engine_unavailable`` when the extra is missing."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach a model hub at request time
    try:
        import diffusers  # noqa: F401
        import torch
    except ImportError as exc:
        raise EngineUnavailable(f"The diffusion engine needs torch and diffusers ({exc}). {INSTALL_HINT}") \
            from exc
    return torch


@dataclass(frozen=True)
class Placement:
    """Where a pipeline runs: ``cuda``, ``mps`` or ``cpu``, and its weights' dtype name."""

    device: str
    dtype: str

    def torch_dtype(self, torch: ModuleType) -> Any:
        return getattr(torch, self.dtype)


def place(torch: ModuleType, gpu_dtype: str, *, device: str | None = None) -> Placement:
    """CUDA, then MPS, then CPU (or the operator's ``IMAGEGEN_DIFFUSION_DEVICE``); half precision on GPUs
    (``gpu_dtype``: float16, or bfloat16 for families that overflow in float16), float32 on the CPU."""
    if device:
        wanted = device.split(":")[0]
        if wanted not in ("cuda", "mps", "cpu"):
            raise InvalidValue(f"IMAGEGEN_DIFFUSION_DEVICE must be cuda, mps or cpu, got {device!r}.",
                               param="diffusion_device")
        available = {"cpu": True, "cuda": torch.cuda.is_available(),
                     "mps": bool(getattr(torch.backends, "mps", None) and torch.backends.mps.is_available())}
        if not available[wanted]:
            raise EngineUnavailable(f"IMAGEGEN_DIFFUSION_DEVICE={device} but this server has no {wanted} "
                                    "device.")
        chosen = device
    elif torch.cuda.is_available():
        chosen = "cuda"
    elif getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        chosen = "mps"
    else:
        chosen = "cpu"
    if chosen.startswith("cpu"):
        return Placement(chosen, "float32")
    if chosen.startswith("mps"):
        return Placement(chosen, "float16")  # bfloat16 support on MPS depends on the macOS version
    return Placement(chosen, gpu_dtype)
