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
        images = tuple(_with_pixels(im, working_pixels(im.image, target, first=i == 0))
                       for i, im in enumerate(self.images))
        if any(new is not old for new, old in zip(images, self.images, strict=True)):
            object.__setattr__(self, "images", images)
        if self.mask is not None:
            object.__setattr__(self, "mask", working_pixels(self.mask, target, first=True, mask=True))


def _with_pixels(item: InputImage, pixels: Image.Image) -> InputImage:
    return item if pixels is item.image else replace(item, image=pixels)


#: shrink by a whole factor first (a box filter) while the ratio left stays above this, then Lanczos:
#: an 8192² input comes to 2880² in about 0.5 s instead of 4 s, with no visible difference
_GAP = 1.4


def working_pixels(
    image: Image.Image, size: tuple[int, int], *, first: bool, mask: bool = False
) -> Image.Image:
    """An edit input at the working ``size`` (``image`` itself when nothing changes): the first image and
    the mask exactly, scaled to cover it and centre-cropped (no distortion); other inputs only shrunk to
    fit within it, never enlarged. Front doors call it right after decoding each input, so a request never
    holds more than one input at its full size."""
    (w, h), (tw, th) = image.size, size
    if first:
        if (w, h) == size:
            return image
        scale = max(tw / w, th / h)
        cw, ch = min(w, tw / scale), min(h, th / scale)  # min(): float noise must not leave the image
        box = ((w - cw) / 2, (h - ch) / 2, (w + cw) / 2, (h + ch) / 2)
        method = Image.Resampling.NEAREST if mask else Image.Resampling.LANCZOS
        return image.resize(size, method, box=box, reducing_gap=_GAP if scale < 1 and not mask else None)
    if w <= tw and h <= th:
        return image
    scale = min(tw / w, th / h)
    return image.resize((max(1, round(w * scale)), max(1, round(h * scale))), Image.Resampling.LANCZOS,
                        reducing_gap=_GAP)
