"""Images and masks between ComfyUI and imagegen.

ComfyUI's ``IMAGE`` is a float32 tensor ``[B, H, W, C]`` in 0..1 (C = 3, sometimes 4); its ``MASK`` is
``[B, H, W]`` or ``[H, W]`` in 0..1 where **1 marks the region to change**. imagegen (like OpenAI) takes
encoded files and a PNG mask whose **alpha 0 marks the editable region**.

torch is an optional extra that is never required here: when it is importable (always, inside ComfyUI),
batches come back as ``torch.from_numpy`` tensors; otherwise as numpy arrays of the same shape and dtype.
Inputs may be either (or anything ``numpy.asarray`` takes). numpy and Pillow are imported on first use.

Conversions are exact on the 8-bit grid: ``uint8 -> v / 255 -> rint(v * 255)`` gives back the same byte,
so a pixel that went through ComfyUI unchanged comes back bit-identical (ComfyUI's own SaveImage truncates
instead of rounding, which can turn 255 into 254: we round).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

#: a ComfyUI mask value at or above this marks the pixel editable (soft edges: the inner half is edited)
MASK_THRESHOLD = 0.5


def is_torch(value: object) -> bool:
    """Whether ``value`` is a torch tensor (checked without importing torch)."""
    return type(value).__module__.split(".", 1)[0] == "torch"


def to_numpy(value: Any) -> np.ndarray:
    """A float32 numpy copy of a torch tensor, numpy array or nested sequence (CPU, detached)."""
    import numpy as np

    if is_torch(value):
        value = value.detach().cpu().float().numpy()
    return np.asarray(value, dtype=np.float32)


def from_numpy(array: np.ndarray) -> Any:
    """``torch.from_numpy(array)`` when torch is importable, else ``array`` unchanged."""
    try:
        import torch
    except ImportError:
        return array
    return torch.from_numpy(array)


def to_uint8(array: np.ndarray) -> np.ndarray:
    """0..1 floats to bytes, rounding to the nearest step (values outside 0..1 are clipped)."""
    import numpy as np

    return np.rint(np.clip(array, 0.0, 1.0) * 255.0).astype(np.uint8)


def images_to_batch(images: Sequence[Image.Image]) -> Any:
    """Decoded images (one size) to a ComfyUI ``IMAGE``: ``[B, H, W, 3]`` float32 in 0..1.

    Alpha is dropped, as ComfyUI's LoadImage does for its IMAGE output (the stored asset keeps it).
    """
    import numpy as np

    if not images:
        raise ValueError("imagegen returned no images.")
    sizes = {im.size for im in images}
    if len(sizes) != 1:
        raise ValueError(f"imagegen returned images of different sizes {sorted(sizes)}; a batch needs one.")
    arrays = [np.asarray(im.convert("RGB"), dtype=np.uint8) for im in images]
    batch = np.stack(arrays).astype(np.float32) / 255.0
    return from_numpy(batch)


def decode_images(files: Sequence[bytes]) -> Any:
    """Encoded image files (png/jpeg/webp) to a ComfyUI ``IMAGE`` batch (see ``images_to_batch``)."""
    from PIL import Image

    decoded = []
    for data in files:
        with Image.open(io.BytesIO(data)) as im:
            im.load()
            decoded.append(im.copy())
    return images_to_batch(decoded)


def _png(array: np.ndarray) -> bytes:
    """PNG bytes of an ``[H, W, 3|4]`` uint8 array (RGB or RGBA, from the shape)."""
    from PIL import Image

    buf = io.BytesIO()
    # low compression: these bytes only travel to the engine, and speed matters more than size here
    Image.fromarray(array).save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def batch_to_pngs(batch: Any) -> list[bytes]:
    """A ComfyUI ``IMAGE`` (``[B, H, W, C]`` or one ``[H, W, C]``; C = 1, 3 or 4) to one PNG per image."""
    import numpy as np

    array = to_numpy(batch)
    if array.ndim == 3:
        array = array[None]
    if array.ndim != 4 or array.shape[-1] not in (1, 3, 4) or 0 in array.shape:
        raise ValueError(f"Expected a ComfyUI IMAGE [B, H, W, C] with C in 1, 3, 4; got shape {array.shape}.")
    pixels = to_uint8(array)
    if pixels.shape[-1] == 1:
        pixels = np.repeat(pixels, 3, axis=-1)
    return [_png(np.ascontiguousarray(image)) for image in pixels]


def mask_to_png(mask: Any) -> bytes:
    """A ComfyUI ``MASK`` (``[B, H, W]``: the first is used, or ``[H, W]``) to an OpenAI mask PNG.

    ComfyUI's 1 (editable, at or above ``MASK_THRESHOLD``) becomes alpha 0; everything else alpha 255. The
    mask keeps its own size: a mask that does not match the image is refused by the contract, by name.
    """
    import numpy as np

    array = to_numpy(mask)
    if array.ndim == 3:
        array = array[0]
    if array.ndim != 2 or 0 in array.shape:
        raise ValueError(f"Expected a ComfyUI MASK [B, H, W] or [H, W]; got shape {to_numpy(mask).shape}.")
    rgba = np.zeros((*array.shape, 4), dtype=np.uint8)
    rgba[..., 3] = np.where(array >= MASK_THRESHOLD, 0, 255).astype(np.uint8)
    return _png(rgba)


def png_to_mask(data: bytes) -> Any:
    """An OpenAI mask PNG (alpha 0 = editable) to a ComfyUI ``MASK`` ``[1, H, W]`` (1 = editable)."""
    import numpy as np
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        alpha = np.asarray(im.convert("RGBA"))[..., 3]
    return from_numpy((alpha == 0).astype(np.float32)[None])
