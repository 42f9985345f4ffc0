"""Classical removal: fill the editable region from its surroundings with OpenCV inpainting (Telea).

Telea's fast-marching method is sharp for thin things (text strokes, a thin logo) but smears wide holes into
visible streaks and "X" seams; for those a push-pull fill (a masked image pyramid: average the known pixels
down to a coarse level, then interpolate back up, keeping every known pixel exact) gives a smooth membrane
that continues gradients and colors from all sides. A deterministic grain matched to the surroundings is
added so the patch does not look plastic. Only pixels inside the region are ever written (the caller
composites exactly).
"""

from __future__ import annotations

import cv2
import numpy as np

from imagegen.engines.planning.edits.mask import Region

#: holes whose short side is above this (px) are filled at a reduced scale first
_WIDE_HOLE = 48
#: relaxation sweeps per pyramid level of the push-pull fill
_SWEEPS = 24


def inpaint(pixels: np.ndarray, editable: np.ndarray, region: Region, *, seed: int = 0) -> np.ndarray:
    """A copy of ``pixels`` (H, W, 3|4 uint8) with the editable region filled from its surroundings."""
    out = pixels.copy()
    h, w = editable.shape
    pad = max(8, min(64, max(region.width, region.height) // 4))
    x0, y0 = max(0, region.x0 - pad), max(0, region.y0 - pad)
    x1, y1 = min(w, region.x1 + pad), min(h, region.y1 + pad)
    crop = np.ascontiguousarray(pixels[y0:y1, x0:x1])
    hole = editable[y0:y1, x0:x1]
    hole_u8 = np.where(hole, 255, 0).astype(np.uint8)
    if not hole.all():
        filled = _fill(crop, hole_u8, min(region.width, region.height))
    else:
        # Nothing around to learn from (the whole crop is editable): a flat mean is the honest answer.
        filled = np.empty_like(crop)
        filled[...] = np.rint(crop.reshape(-1, crop.shape[-1]).mean(axis=0)).astype(np.uint8)
    filled = _grain(filled, crop, hole, seed)
    out[y0:y1, x0:x1] = np.where(hole[:, :, None], filled, crop)
    return out


def _fill(crop: np.ndarray, hole: np.ndarray, short_side: int) -> np.ndarray:
    if short_side > _WIDE_HOLE:
        return push_pull(crop, hole == 0)
    color = np.ascontiguousarray(crop[:, :, :3][:, :, ::-1])  # OpenCV wants BGR
    rgb = cv2.inpaint(color, hole, 5, cv2.INPAINT_TELEA)[:, :, ::-1]
    if crop.shape[-1] == 4:
        alpha = cv2.inpaint(np.ascontiguousarray(crop[:, :, 3]), hole, 5, cv2.INPAINT_TELEA)
        return np.dstack([rgb, alpha]).astype(np.uint8)
    return np.ascontiguousarray(rgb).astype(np.uint8)


def push_pull(pixels: np.ndarray, known: np.ndarray) -> np.ndarray:
    """Fill the unknown pixels by masked pyramid interpolation; known pixels come back unchanged."""
    weight = known.astype(np.float32)
    values = pixels.astype(np.float32) * weight[:, :, None]
    levels: list[tuple[np.ndarray, np.ndarray]] = [(values, weight)]
    while min(levels[-1][1].shape) > 4:
        v, w = levels[-1]
        levels.append((cv2.pyrDown(v), cv2.pyrDown(w)))
    v, w = levels[-1]
    # Coarsest level: any cell without support takes the global mean of the known pixels.
    mean = values.reshape(-1, values.shape[-1]).sum(axis=0) / max(float(weight.sum()), 1.0)
    current = np.where(w[:, :, None] > 1e-6, v / np.maximum(w, 1e-6)[:, :, None], mean[None, None, :])
    for depth, (v, w) in reversed(list(enumerate(levels[:-1]))):
        up = cv2.pyrUp(current.astype(np.float32), dstsize=(w.shape[1], w.shape[0]))
        if up.ndim == 2:
            up = up[:, :, None]
        own = v / np.maximum(w, 1e-6)[:, :, None]
        # Trust this level's own average where it has full support, the coarser estimate where it has none.
        trust = np.clip(w, 0.0, 1.0)[:, :, None]
        current = trust * own + (1.0 - trust) * up
        # A few Jacobi sweeps of the Laplace equation per level (a multigrid harmonic fill): the hole then
        # continues what its nearest edges show (stripes stay stripes) instead of a pyramid-wide average.
        fixed = w > 0.98
        for _ in range(min(_SWEEPS << depth, 400)):
            relaxed = cv2.blur(current, (3, 3), borderType=cv2.BORDER_REFLECT)
            if relaxed.ndim == 2:
                relaxed = relaxed[:, :, None]
            current = np.where(fixed[:, :, None], current, relaxed)
    out = np.where(known[:, :, None], pixels.astype(np.float32), current)
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def _grain(filled: np.ndarray, crop: np.ndarray, hole: np.ndarray, seed: int) -> np.ndarray:
    known = crop[~hole][:, :3].astype(np.float32)
    if known.shape[0] < 16:
        return filled
    # High-frequency energy of the surroundings: std of the difference to a blurred copy.
    blurred = cv2.GaussianBlur(crop[:, :, :3].astype(np.float32), (0, 0), 2.0)
    residual = (crop[:, :, :3].astype(np.float32) - blurred)[~hole]
    sigma = float(np.clip(residual.std(), 0.0, 12.0))
    if sigma < 0.75:
        return filled
    rng = np.random.default_rng(seed)
    noise = rng.normal(0.0, sigma, size=filled.shape[:2]).astype(np.float32)[:, :, None]
    out = filled.astype(np.float32)
    out[:, :, :3] += noise
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)
