"""The painter: the seam through which the planning engine asks an image backend for a picture region.

``Painter.paint(PictureRequest) -> Picture``. The planning engine only knows this protocol; which backend
paints is configuration (``IMAGEGEN_PICTURE_MODEL``, SPEC §10). ``EnginePainter`` adapts any ``Engine`` the
router resolves (an upstream, a diffusion pipeline) to it: the region is asked for at a size the contract
allows with the region's aspect, and the renderer fits the picture to the region.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from PIL import Image

from imagegen.contract.errors import EngineUnavailable
from imagegen.contract.sizes import FlexibleSizes
from imagegen.contract.specs import GenerateSpec, Quality
from imagegen.engines.base import CallbackProgress, Engine, SourceFile
from imagegen.engines.planning import ENGINE_NAME as PLANNING_ENGINE

#: what every picture prompt ends with, so a model does not invent lettering the verifier cannot vouch for
NEGATIVE = "no text, no lettering, no letters, no words, no logos, no watermark"
#: the pixel area a region is asked for (then fitted to the region): the gpt-image-2 1024² preset
TARGET_PIXELS = 1024 * 1024


@dataclass(frozen=True)
class PictureRequest:
    """One picture region of a plan, described for a backend."""

    #: the full prompt written from the plan (subject, setting, style, palette, the negative)
    prompt: str
    #: the region's size in canvas px
    width: int
    height: int
    seed: int
    #: hero photo, product, portrait, scene, comic panel art, storyboard frame
    region: str
    #: the shared subject description (identity across the n images of one request)
    subject: str = ""
    style: str = ""
    palette: tuple[str, ...] = ()
    negative: str = NEGATIVE
    quality: Quality = "medium"
    #: the plan node the picture fills
    node_id: str = ""
    #: the job's cancel flag: a backend stops (and its upstream call is aborted) when it turns true
    cancelled: Callable[[], bool] | None = field(default=None, compare=False, repr=False)


@dataclass
class Picture:
    image: Image.Image
    #: who painted it, as provenance records contributors
    engine: str
    backend: str
    model: str
    #: the backend's own files (C2PA ingredients), if any
    sources: list[SourceFile] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    #: what the backend charged for it (``EngineResult.upstream_cost``), if anything
    cost: dict[str, Any] | None = None


@runtime_checkable
class Painter(Protocol):
    def paint(self, request: PictureRequest) -> Picture: ...


def painter_size(width: int, height: int, rules: FlexibleSizes | None = None) -> tuple[int, int]:
    """A size the contract allows with (about) the aspect of ``width x height``, near 1024² pixels."""
    rules = rules or FlexibleSizes()
    ratio = max(1 / rules.max_ratio, min(rules.max_ratio, max(1, width) / max(1, height)))
    w = math.sqrt(TARGET_PIXELS * ratio)
    h = w / ratio
    m = rules.multiple
    size = (max(m, round(w / m) * m), max(m, round(h / m) * m))
    return size if rules.allows(*size) else (1024, 1024)


class EnginePainter:
    """Any ``Engine`` as a ``Painter``: ``resolve(model)`` is the router's ``engine_for``."""

    def __init__(self, model: str, resolve: Callable[[str], Engine]) -> None:
        self.model = model
        self._resolve = resolve

    def paint(self, request: PictureRequest) -> Picture:
        engine = self._resolve(self.model)
        if engine.name == PLANNING_ENGINE:
            # the planning engine would draw a layout (with lettering) into its own picture region
            raise EngineUnavailable(f"The picture model '{self.model}' routes back to the planning engine; "
                                    "set IMAGEGEN_PICTURE_MODEL to an upstream/ or diffusers/ model.")
        width, height = painter_size(request.width, request.height)
        spec = GenerateSpec(prompt=request.prompt, model=self.model, n=1, width=width, height=height,
                            quality=request.quality, background="opaque", seed=request.seed)
        result = engine.generate(spec, CallbackProgress(is_cancelled=request.cancelled))
        image = result.images[0]
        upstream = image.extra.get("upstream") if isinstance(image.extra.get("upstream"), dict) else None
        model = str(upstream.get("model")) if upstream else self.model
        return Picture(image=image.pixels, engine=result.engine, backend=result.backend, model=model,
                       sources=list(image.sources), extra={"upstream": upstream} if upstream else {},
                       cost=result.upstream_cost)
