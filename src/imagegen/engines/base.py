"""The engine protocol: one seam between the service and whatever makes pixels.

An engine receives a validated ``GenerateSpec``/``EditSpec`` and returns ``EngineResult``: raw pixels
(not encoded: encoding, watermarking and signing belong to provenance, the single save point) plus
everything provenance must record (plan, verification report, seed, timings, backend).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

from PIL import Image

from imagegen.contract.specs import EditSpec, GenerateSpec, Quality

ResolvedBackground = Literal["opaque", "transparent"]


@dataclass(frozen=True)
class Capabilities:
    generate: bool = True
    edit: bool = True
    mask_edit: bool = True
    #: whether ``background=transparent`` can be produced
    transparent: bool = True
    #: max images per request
    max_n: int = 10
    #: the engine emits real intermediate renders for streaming
    partial_images: bool = True
    #: needs optional heavy dependencies (torch, network) that may be missing
    requires: tuple[str, ...] = ()


@dataclass(frozen=True)
class SourceFile:
    """A file another service made that an image is built from (an upstream's output, with its own C2PA
    manifest): provenance keeps it as an ingredient of ours."""

    data: bytes
    #: "png" | "jpeg" | "webp"
    format: str
    title: str


@dataclass
class EngineImage:
    """One output image before encoding."""

    pixels: Image.Image
    #: the plan summary (returned as ``revised_prompt``)
    revised_prompt: str
    #: the full plan as JSON (planning engine), or None for engines without one
    plan: dict[str, Any] | None = None
    #: the verification report as JSON
    report: dict[str, Any] | None = None
    #: sha256 of the raw RGBA pixels as rendered, before any watermark (determinism / reproduce)
    render_sha256: str | None = None
    #: for masked edits: which pixels must stay untouched (mode "L", 255 = editable); provenance must not
    #: alter pixels outside it (the watermark goes inside it, or nowhere)
    editable_region: Image.Image | None = None
    #: extra per-image facts for provenance and the response (e.g. unmasked sha256 before/after)
    extra: dict[str, Any] = field(default_factory=dict)
    #: files from other services these pixels were made from (C2PA ingredients, ``componentOf``)
    sources: list[SourceFile] = field(default_factory=list)
    #: index of an earlier image of the same result these pixels were made from (a pipeline step's
    #: input): provenance records it as this image's parent and C2PA ingredient instead of the request's
    derived_from: int | None = None
    #: a review decision to record with the image (a pipeline's review step): ``(state, comment)``
    review: tuple[str, str] | None = None


@dataclass
class EngineResult:
    images: list[EngineImage]
    width: int
    height: int
    quality: Quality
    background: ResolvedBackground
    #: engine identity as recorded in provenance
    engine: str
    engine_version: str
    #: what produced the pixels inside the engine: "procedural", "diffusers:<repo>", "openai:<model>" ...
    backend: str
    seed: int
    #: seconds per stage (plan, render, verify, refine, ...)
    timings: dict[str, float] = field(default_factory=dict)
    #: OpenAI-style usage numbers; engines without tokens report 0s and document it
    usage: dict[str, Any] = field(default_factory=dict)
    #: upstream cost of the whole request when a backend reports one (tokens, and ``usd`` from the upstream's
    #: price table); provenance records each image's share
    upstream_cost: dict[str, Any] | None = None


@dataclass
class PartialImage:
    index: int
    #: which image of n it belongs to
    image_index: int
    pixels: Image.Image


class Progress(Protocol):
    """What an engine may report while it works. The job worker and the SSE stream implement it."""

    def progress(self, fraction: float, message: str = "") -> None: ...

    def partial(self, partial: PartialImage) -> None: ...

    def cancelled(self) -> bool: ...


class NullProgress:
    def progress(self, fraction: float, message: str = "") -> None:
        return None

    def partial(self, partial: PartialImage) -> None:
        return None

    def cancelled(self) -> bool:
        return False


@dataclass
class CallbackProgress:
    on_progress: Callable[[float, str], None] | None = None
    on_partial: Callable[[PartialImage], None] | None = None
    is_cancelled: Callable[[], bool] | None = None

    def progress(self, fraction: float, message: str = "") -> None:
        if self.on_progress:
            self.on_progress(fraction, message)

    def partial(self, partial: PartialImage) -> None:
        if self.on_partial:
            self.on_partial(partial)

    def cancelled(self) -> bool:
        return bool(self.is_cancelled and self.is_cancelled())


@runtime_checkable
class Engine(Protocol):
    name: str
    version: str

    def capabilities(self) -> Capabilities: ...

    def generate(self, spec: GenerateSpec, progress: Progress) -> EngineResult: ...

    def edit(self, spec: EditSpec, progress: Progress) -> EngineResult: ...
