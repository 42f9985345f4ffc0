"""Decoding edit inputs: images and masks, with the upload caps of the limits table (SPEC §3).

Kept apart from field parsing because every front door (multipart, JSON data URLs, remote URLs, the
CLI, the queue API, the job store after a restart) ends up here with raw bytes.

Decisions where SPEC is silent (also in docs/contract.md):

- Garbage bytes are ``invalid_image``; a real image in a format we do not take (GIF, BMP, TIFF, ...) is
  ``invalid_image_format``.
- Pixels are kept as decoded: no EXIF rotation is applied, because a mask is drawn against the stored
  pixel grid and "every pixel outside the mask is bit-identical" must hold on that grid.
- Modes other than RGB/RGBA are converted losslessly where possible (``P``/``L``/``LA`` → RGB or RGBA;
  CMYK JPEG → RGB), so engines see only RGB or RGBA.
- The mask must be a PNG with an alpha channel (OpenAI's rule). A mask without alpha is refused with
  ``invalid_mask`` rather than guessed from luminance: guessing would silently invert some clients' masks.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageFile, PngImagePlugin

from imagegen.contract.errors import InvalidImage, InvalidImageFormat, InvalidMask
from imagegen.contract.limits import REQUEST_LIMITS, UploadLimits
from imagegen.contract.specs import InputImage

#: Pillow's format names for what the contract calls png/jpeg/webp (MPO is a camera JPEG)
_FORMAT_NAMES = {"PNG": "png", "JPEG": "jpeg", "MPO": "jpeg", "WEBP": "webp"}


@dataclass(frozen=True)
class ImageUpload:
    """Raw bytes of one edit input as a front door received them."""

    data: bytes
    #: the request field it came from, used as ``param`` in errors (``image``, ``image[1]``, ``images[0]``)
    param: str = "image"
    filename: str | None = None
    #: the catalog asset it names (``file_id``), if any
    asset_id: str | None = None
    #: the plan of that asset, when the caller already knows it
    plan: dict | None = None


def _configure_pillow() -> None:
    """Pillow's own guards, set deliberately from the limits table (not left at library defaults)."""
    requests = REQUEST_LIMITS
    # Pillow warns above MAX_IMAGE_PIXELS and refuses above twice it; open_image refuses above it first
    Image.MAX_IMAGE_PIXELS = UploadLimits().max_image_pixels
    PngImagePlugin.MAX_TEXT_CHUNK = requests.text_chunk_bytes
    PngImagePlugin.MAX_TEXT_MEMORY = requests.text_memory_bytes
    ImageFile.LOAD_TRUNCATED_IMAGES = False


_configure_pillow()


def open_image(
    data: bytes,
    *,
    param: str,
    what: str = "image",
    limits: UploadLimits | None = None,
    formats: tuple[str, ...] | None = None,
) -> tuple[Image.Image, str]:
    """THE way any route opens image bytes a client sent: (decoded pixels, contract format name).

    In order: byte cap; header parse (text chunks over Pillow's caps refused); format among ``formats``
    (default: the upload formats; ``()`` takes any format Pillow reads, reported as Pillow names it);
    the header's pixel count against ``max_image_pixels`` BEFORE any pixel is decoded (a 200 KB PNG can
    declare 8192x8192, a 400 KB one 12000x12000); then the decode. Every failure is ``InvalidImage``
    (400) or ``InvalidImageFormat``; nothing Pillow raises leaks out as a 500.
    """
    limits = limits or UploadLimits()
    allowed = limits.formats if formats is None else formats
    if not data:
        raise InvalidImage(f"The {what} '{param}' is empty.", param=param)
    if len(data) > limits.max_image_bytes:
        raise InvalidImage(
            f"The {what} '{param}' is {len(data):,} bytes; each must be at most "
            f"{limits.max_image_bytes // (1024 * 1024)} MB.",
            param=param,
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise InvalidImage(_too_many_pixels(what, param, None, limits), param=param) from exc
    except ValueError as exc:  # Pillow's text-chunk caps ("Decompressed data too large", "Too much memory")
        raise InvalidImage(
            f"The {what} '{param}' carries metadata (text chunks) larger than this server reads "
            f"({REQUEST_LIMITS.text_chunk_bytes // 1024} KB per chunk).",
            param=param,
        ) from exc
    except Exception as exc:  # UnidentifiedImageError and the zoo Pillow raises on hostile headers
        raise InvalidImage(f"The {what} '{param}' could not be decoded as an image.", param=param) from exc
    fmt = _FORMAT_NAMES.get(image.format or "", (image.format or "unknown").lower())
    if allowed and fmt not in allowed:
        listed = ", ".join(allowed)
        raise InvalidImageFormat(
            f"Invalid image format '{fmt}' for '{param}'. Supported formats: {listed}.", param=param
        )
    width, height = image.size
    # Checked on the header before decoding: a small file can declare billions of pixels.
    if width <= 0 or height <= 0 or width * height > limits.max_image_pixels:
        raise InvalidImage(_too_many_pixels(what, param, (width, height), limits), param=param)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
    except ValueError as exc:  # a text chunk after the pixels over Pillow's caps
        raise InvalidImage(
            f"The {what} '{param}' carries metadata (text chunks) larger than this server reads.", param=param
        ) from exc
    except Exception as exc:  # truncated or corrupt pixel data
        raise InvalidImage(f"The {what} '{param}' is truncated or corrupt.", param=param) from exc
    return image, fmt


def _too_many_pixels(what: str, param: str, size: tuple[int, int] | None, limits: UploadLimits) -> str:
    declared = f"is {size[0]}x{size[1]}" if size else "declares more pixels than this server decodes"
    return (f"The {what} '{param}' {declared}; inputs may have at most {limits.max_image_pixels:,} pixels "
            f"(checked before decoding).")



def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info


def normalize_mode(image: Image.Image) -> Image.Image:
    """RGB or RGBA pixels, as engines expect (``P``/``L``/``LA``/CMYK converted; alpha kept where present)."""
    if image.mode in ("RGB", "RGBA"):
        return image
    return image.convert("RGBA" if _has_alpha(image) else "RGB")


def load_input_image(upload: ImageUpload | bytes, *, limits: UploadLimits | None = None) -> InputImage:
    """Decode one edit input into an ``InputImage`` (RGB or RGBA pixels, sha256 of the bytes)."""
    if isinstance(upload, bytes | bytearray):
        upload = ImageUpload(data=bytes(upload))
    limits = limits or UploadLimits()
    image, _fmt = open_image(upload.data, param=upload.param, what="image", limits=limits)
    return InputImage(
        image=normalize_mode(image),
        data=upload.data,
        sha256=hashlib.sha256(upload.data).hexdigest(),
        asset_id=upload.asset_id,
        plan=upload.plan,
        filename=upload.filename,
    )


def load_mask(
    upload: ImageUpload | bytes, *, first_image_size: tuple[int, int], limits: UploadLimits | None = None
) -> Image.Image:
    """Decode a mask: PNG with alpha, same size as the first image. Returns RGBA pixels."""
    if isinstance(upload, bytes | bytearray):
        upload = ImageUpload(data=bytes(upload), param="mask")
    limits = limits or UploadLimits()
    param = upload.param
    try:
        image, fmt = open_image(upload.data, param=param, what="mask", limits=limits)
    except (InvalidImage, InvalidImageFormat) as exc:
        raise InvalidMask(exc.message, param=param) from exc
    if fmt not in limits.mask_formats:
        raise InvalidMask(
            f"Invalid mask format '{fmt}'. The mask must be a PNG with an alpha channel "
            "(alpha 0 marks the region to edit).",
            param=param,
        )
    if not _has_alpha(image):
        raise InvalidMask(
            "Invalid mask: it has no alpha channel. The mask must be a PNG with an alpha channel "
            "(alpha 0 marks the region to edit).",
            param=param,
        )
    if image.size != first_image_size:
        (mw, mh), (iw, ih) = image.size, first_image_size
        raise InvalidMask(
            f"Invalid mask: it is {mw}x{mh} but the first image is {iw}x{ih}; "
            "the mask must have the same width and height as the first image.",
            param=param,
        )
    return image.convert("RGBA")
