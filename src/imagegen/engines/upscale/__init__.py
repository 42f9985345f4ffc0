"""Upscaling: Real-ESRGAN behind a small ``Upscaler`` protocol, tiled to bounded memory (docs/backends.md).

``UpscaleEngine`` serves ``model=imagegen-upscale`` edits; ``upscale_image`` is the entry point for a
pipeline step.
"""

from imagegen.engines.upscale.base import Upscaler, UpscaleReport
from imagegen.engines.upscale.engine import (
           ENGINE_NAME,
           ENGINE_VERSION,
           MODEL_ID,
           UpscaleEngine,
           upscale_image,
)

__all__ = ["ENGINE_NAME", "ENGINE_VERSION", "MODEL_ID", "UpscaleEngine", "UpscaleReport", "Upscaler",
           "upscale_image"]
