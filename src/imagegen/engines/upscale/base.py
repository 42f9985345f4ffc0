"""The seam for super-resolution: an ``Upscaler`` enlarges one tile by its fixed factor.

Everything around it (choosing passes, tiling with overlap, progress, cancellation, the exact output size)
is ``tiles.upscale_to``, the one entry point the upscale engine and any later pipeline step call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from PIL import Image


class Upscaler(Protocol):
    """A super-resolution model: RGB tile in, RGB tile ``scale`` times larger out."""

    #: what provenance records as the backend, e.g. ``realesrgan-x4plus``
    name: str
    scale: int

    def upscale_tile(self, tile: Image.Image) -> Image.Image: ...


@dataclass
class UpscaleReport:
    """What one ``upscale_to`` call did (recorded in provenance)."""

    model: str
    input_size: tuple[int, int]
    output_size: tuple[int, int]
    #: the model's passes, as (input width, input height) per pass
    passes: list[tuple[int, int]] = field(default_factory=list)
    tiles: int = 0
    seconds: float = 0.0

    def to_json(self) -> dict[str, object]:
        return {"model": self.model, "input_size": list(self.input_size),
                "output_size": list(self.output_size), "passes": [list(p) for p in self.passes],
                "tiles": self.tiles, "seconds": round(self.seconds, 3)}
