"""The diffusion engine: ``diffusers/<name>`` pipelines from local folders (SPEC §10, docs/backends.md).

Importing this package needs no torch: torch and diffusers are imported when a model is first used, and a
server without them answers 503 ``engine_unavailable`` naming the extra to install.
"""

from imagegen.engines.diffusion.engine import ENGINE_NAME, ENGINE_VERSION, DiffusionEngine

__all__ = ["ENGINE_NAME", "ENGINE_VERSION", "DiffusionEngine"]
