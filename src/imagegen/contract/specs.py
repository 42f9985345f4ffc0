"""The one typed request every engine receives, after the contract has validated it.

The API (JSON / multipart / queue), the CLI and the ComfyUI node all parse their input through
``imagegen.contract.limits`` into one of these. Engines never see raw client input.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
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
    """An edit. With ``width``/``height`` set (the contract always sets them: ``auto`` resolves to the
    model's size for the first input), ``images[0]`` and ``mask`` are brought to exactly that working size
    and other inputs down within it, whoever builds the spec (front door, job store after a restart, CLI):
    engines never see an input bigger than the output, and never make an output the size of an input the
    model's rules refuse."""

    images: tuple[InputImage, ...] = ()
    #: RGBA mask, same size as ``images[0]``; alpha 0 marks the region to edit
    mask: Image.Image | None = None
    input_fidelity: Literal["low", "high"] | None = None

    def __post_init__(self) -> None:
        if self.width is None or self.height is None or not self.images:
            return
        target = (self.width, self.height)
        images = tuple(
            _cover(im, target) if i == 0 else _within(im, target) for i, im in enumerate(self.images)
        )
        if any(new is not old for new, old in zip(images, self.images, strict=True)):
            object.__setattr__(self, "images", images)
        if self.mask is not None and self.mask.size != target:
            object.__setattr__(self, "mask", _cover_pixels(self.mask, target, Image.Resampling.NEAREST))


def _cover_pixels(image: Image.Image, size: tuple[int, int], method: Image.Resampling) -> Image.Image:
    """``image`` scaled to cover ``size`` and centre-cropped to it (no distortion)."""
    (w, h), (tw, th) = image.size, size
    scale = max(tw / w, th / h)
    cw, ch = min(w, tw / scale), min(h, th / scale)  # min(): float noise must not leave the image
    box = ((w - cw) / 2, (h - ch) / 2, (w + cw) / 2, (h + ch) / 2)
    return image.resize(size, method, box=box, reducing_gap=3.0 if scale < 1 else None)


def _cover(item: InputImage, size: tuple[int, int]) -> InputImage:
    if item.image.size == size:
        return item
    return replace(item, image=_cover_pixels(item.image, size, Image.Resampling.LANCZOS))


def _within(item: InputImage, size: tuple[int, int]) -> InputImage:
    (w, h), (tw, th) = item.image.size, size
    if w <= tw and h <= th:
        return item
    scale = min(tw / w, th / h)
    shrunk = item.image.resize((max(1, round(w * scale)), max(1, round(h * scale))),
                               Image.Resampling.LANCZOS, reducing_gap=3.0)
    return replace(item, image=shrunk)
