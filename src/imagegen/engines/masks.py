"""Mask handling for edits on every engine: which pixels may change, the exact composite, and the
unmasked-region hash (one definition for the planning engine's masked edits and the backends' composites).

OpenAI semantics: alpha 0 in the mask marks the region to edit, and the mask applies to the first image.
Everything here works on exact ``uint8`` arrays so that "bit-identical outside the mask" is a property of
the code (``np.where``), not of a lossy image round trip.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
from PIL import Image

from imagegen.contract.errors import InvalidMask


def working_mode(image: Image.Image) -> str:
    """The mode an edit works (and answers) in: RGBA when the input carries alpha, else RGB.

    Both conversions from the usual inputs (L, LA, P, RGB, RGBA) are lossless, so the pixel values a client
    sees in ``image.convert(mode)`` are exactly the input's.
    """
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        return "RGBA"
    if image.mode == "P" and "transparency" in image.info:
        return "RGBA"
    return "RGB"


def to_array(image: Image.Image, mode: str | None = None) -> np.ndarray:
    """The image as a writable ``uint8`` array of shape (H, W, C) in ``mode`` (default: its working mode)."""
    return np.array(image.convert(mode or working_mode(image)), dtype=np.uint8)


def editable_from_mask(mask: Image.Image, size: tuple[int, int]) -> np.ndarray:
    """Boolean (H, W) array, True where the mask allows editing (alpha == 0).

    A mask without an alpha channel (L, 1, RGB) is read as if its gray value were the alpha, so black marks
    the editable region: the same picture a user painted, just without transparency.
    """
    if mask.size != size:
        raise InvalidMask(
            f"The mask is {mask.size[0]}x{mask.size[1]} but the image is {size[0]}x{size[1]}; "
            "they must match.",
            param="mask",
        )
    if mask.mode in ("RGBA", "LA", "PA") or (mask.mode == "P" and "transparency" in mask.info):
        alpha = np.asarray(mask.convert("RGBA"))[:, :, 3]
    else:
        alpha = np.asarray(mask.convert("L"))
    return alpha == 0


def whole_image(size: tuple[int, int]) -> np.ndarray:
    """An all-editable region (edits without a mask treat the whole image as editable)."""
    return np.ones((size[1], size[0]), dtype=bool)


def unmasked_sha256(pixels: np.ndarray, editable: np.ndarray) -> str:
    """sha256 (hex) of the raw bytes of every pixel outside the editable region.

    Definition (docs/edits.md): take the image in the edit's working mode (RGB, or RGBA when the input had
    alpha) as an (H, W, C) uint8 array, keep the pixels where the mask alpha is not 0, in row-major order,
    and hash their channel bytes: ``sha256(arr[alpha != 0].tobytes())``.
    """
    return hashlib.sha256(np.ascontiguousarray(pixels[~editable]).tobytes()).hexdigest()


def composite(original: np.ndarray, edited: np.ndarray, editable: np.ndarray) -> np.ndarray:
    """``edited`` inside the editable region, ``original`` (byte for byte) everywhere else."""
    if original.shape != edited.shape:
        raise ValueError(f"shape mismatch: {original.shape} vs {edited.shape}")
    out = np.array(original, dtype=np.uint8, copy=True)
    box = bounding_region(editable)
    if box is None:
        return out
    # Only the editable bounding box can differ, so the per-pixel select runs there (same result, less work).
    ys, xs = box.slices()
    out[ys, xs] = np.where(editable[ys, xs][:, :, None], edited[ys, xs], original[ys, xs])
    return out


def region_image(editable: np.ndarray) -> Image.Image:
    """The editable region as a mode "L" image (255 = editable), for provenance's watermark placement."""
    return Image.fromarray(np.where(editable, 255, 0).astype(np.uint8), mode="L")


@dataclass(frozen=True)
class Region:
    """The bounding box of an editable region, half-open: x0 <= x < x1, y0 <= y < y1."""

    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        return self.y1 - self.y0

    def slices(self) -> tuple[slice, slice]:
        """Numpy (rows, cols) slices of the box."""
        return slice(self.y0, self.y1), slice(self.x0, self.x1)

    def as_list(self) -> list[int]:
        """[x, y, w, h] as reported in ``extra``."""
        return [self.x0, self.y0, self.width, self.height]


def bounding_region(editable: np.ndarray) -> Region | None:
    """The tight bounding box of the editable pixels, or None when nothing is editable."""
    rows = np.flatnonzero(editable.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(editable.any(axis=0))
    return Region(int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1)


def inner_region(editable: np.ndarray, region: Region) -> Region:
    """A large axis-aligned box fully inside the editable pixels, for placing text/codes in odd-shaped masks.

    Starts from the bounding box and trims the edge with the most non-editable pixels until the box is fully
    editable; exact for rectangles and good enough for blobs (a true maximal rectangle is not needed: text is
    then also checked pixel by pixel before compositing).
    """
    x0, y0, x1, y1 = region.x0, region.y0, region.x1, region.y1
    # Only the four edges are inspected per step (O(perimeter)), so blobs of any size trim quickly; holes
    # inside the box are tolerated here and caught by the per-pixel ink check of the drawers.
    while x1 - x0 > 2 and y1 - y0 > 2:
        bad = {
            "top": float((~editable[y0, x0:x1]).mean()),
            "bottom": float((~editable[y1 - 1, x0:x1]).mean()),
            "left": float((~editable[y0:y1, x0]).mean()),
            "right": float((~editable[y0:y1, x1 - 1]).mean()),
        }
        worst = max(bad, key=lambda k: bad[k])
        if bad[worst] == 0:
            break
        if worst == "top":
            y0 += 1
        elif worst == "bottom":
            y1 -= 1
        elif worst == "left":
            x0 += 1
        else:
            x1 -= 1
    return Region(x0, y0, x1, y1)
