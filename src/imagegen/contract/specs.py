"""The one typed request every engine receives, after the contract has validated it.

The API (JSON / multipart / queue), the CLI and the ComfyUI node all parse their input through
``imagegen.contract.limits`` into one of these. Engines never see raw client input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from PIL import Image

Quality = Literal["low", "medium", "high"]
Background = Literal["auto", "opaque", "transparent"]
OutputFormat = Literal["png", "jpeg", "webp"]


@dataclass(frozen=True)
class InputImage:
    """An input image for an edit: decoded pixels plus what we know of where it came from."""

    image: Image.Image
    #: the bytes as received (for hashing / C2PA ingredients)
    data: bytes
    #: sha256 hex of ``data``
    sha256: str
    #: the catalog asset id when the client referenced one (``file_id``) or the bytes match a known asset
    asset_id: str | None = None
    #: the plan of that asset when it was made by the planning engine (enables plan-level edits)
    plan: dict[str, Any] | None = None
    filename: str | None = None


@dataclass(frozen=True)
class GenerateSpec:
    prompt: str
    #: the model id the client asked for (recorded in provenance as such)
    model: str
    n: int = 1
    #: None means ``size=auto``: the engine (the plan) chooses and reports the size it used
    width: int | None = None
    height: int | None = None
    #: ``auto`` is resolved by the engine; it reports the resolved value
    quality: Quality | Literal["auto"] = "auto"
    background: Background = "auto"
    output_format: OutputFormat = "png"
    output_compression: int = 100
    moderation: Literal["auto", "low"] = "auto"
    #: always set: the contract draws one when the client sends none, and it is recorded
    seed: int = 0
    user: str | None = None
    partial_images: int = 0
    stream: bool = False
    #: a client-supplied plan (JSON) used instead of compiling the prompt
    plan: dict[str, Any] | None = None
    #: fields beyond the contract that a specific engine understands (e.g. diffusion steps)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def size(self) -> str:
        return "auto" if self.width is None or self.height is None else f"{self.width}x{self.height}"


@dataclass(frozen=True)
class EditSpec(GenerateSpec):
    images: tuple[InputImage, ...] = ()
    #: RGBA mask, same size as ``images[0]``; alpha 0 marks the region to edit
    mask: Image.Image | None = None
    input_fidelity: Literal["low", "high"] | None = None
