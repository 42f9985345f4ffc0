"""WCAG 2.x contrast of each text line against the pixels actually behind it.

The plan says which color a text sits on, but gradients, procedural art and images make the real
background vary, so the background is *sampled*: a thin ring of pixels around each line's tight ink box
(skipping a couple of antialiased pixels and the node's other lines). The ratio reported is a low
percentile over that ring, so one dark corner of a busy background counts, but a single stray pixel
does not. A text drawn on its own plate (a badge's pill, a button) is sampled on the plate only: the
ring is clipped to the plate's rounded box, since a pill is often only a little taller than its letters
and the page around it is not behind the text.
"""

from __future__ import annotations

import numpy as np

from imagegen.engines.planning.plan import Plan, TextNode
from imagegen.engines.planning.rendered import RenderedText, Rendering
from imagegen.engines.planning.report import Check
from imagegen.engines.planning.rules.contrast import (
    BODY_MIN,
    LARGE_MIN,
    hex_to_rgb,
    is_large,
    ratio,
    relative_luminance,
    rgb_to_hex,
)

#: which percentile of the ring's contrast ratios is reported (low = strict)
_PERCENTILE = 10


def contrast_ratio(a: str | tuple[int, int, int], b: str | tuple[int, int, int]) -> float:
    """WCAG contrast ratio between two colors (hex strings or RGB tuples), 1..21."""
    la = relative_luminance(np.array(hex_to_rgb(a) if isinstance(a, str) else a))
    lb = relative_luminance(np.array(hex_to_rgb(b) if isinstance(b, str) else b))
    return float(ratio(la, lb))


def background_samples(rendering: Rendering, text: RenderedText, line_index: int) -> np.ndarray:
    """Opaque RGB pixels (N x 3) in the ring around one line, excluding the node's other lines."""
    image = rendering.image
    width, height = image.size
    line = text.lines[line_index]
    gap = 2.0
    ring = float(np.clip(0.25 * line.box.h, 3, 16))
    x0 = max(0, int(np.floor(line.box.x - gap - ring)))
    y0 = max(0, int(np.floor(line.box.y - gap - ring)))
    x1 = min(width, int(np.ceil(line.box.right + gap + ring)))
    y1 = min(height, int(np.ceil(line.box.bottom + gap + ring)))
    if x1 <= x0 or y1 <= y0:
        return np.zeros((0, 3))
    region = np.asarray(image.crop((x0, y0, x1, y1)).convert("RGBA"))
    keep = np.ones(region.shape[:2], dtype=bool)
    for other in text.lines:
        # the line's own ink box (+ antialiasing gap), and the node's other lines, are not background
        pad = gap
        ox0 = int(np.floor(other.box.x - pad)) - x0
        oy0 = int(np.floor(other.box.y - pad)) - y0
        ox1 = int(np.ceil(other.box.right + pad)) - x0
        oy1 = int(np.ceil(other.box.bottom + pad)) - y0
        keep[max(0, oy0) : max(0, oy1), max(0, ox0) : max(0, ox1)] = False
    if text.plate_box is not None:
        keep &= _inside_plate(text, x0, y0, x1, y1, gap)
        if not keep.any() and text.background_color:
            # letters that fill their plate to the rim: the plate's own colour is what is behind them
            return np.array([hex_to_rgb(text.background_color)], dtype=float)
    # transparent pixels have no color of their own: whatever the image is placed on shows through
    keep &= region[..., 3] >= 250
    return region[..., :3][keep].reshape(-1, 3)


def _inside_plate(text: RenderedText, x0: int, y0: int, x1: int, y1: int, inset: float) -> np.ndarray:
    """Which pixels of the region (x0, y0)-(x1, y1) lie on the text's plate: inside its rounded box, the
    antialiased rim (``inset`` px) left out."""
    plate = text.plate_box
    assert plate is not None
    ys, xs = np.mgrid[y0:y1, x0:x1]
    cx, cy = xs + 0.5, ys + 0.5
    left, top = plate.x + inset, plate.y + inset
    right, bottom = plate.right - inset, plate.bottom - inset
    r = max(0.0, min(text.plate_radius - inset, (right - left) / 2, (bottom - top) / 2))
    # distance outside the rounded rectangle: clamp to the inner rectangle, then compare with the radius
    nx = np.clip(cx, left + r, right - r)
    ny = np.clip(cy, top + r, bottom - r)
    inside_box = (cx >= left) & (cx <= right) & (cy >= top) & (cy <= bottom)
    return inside_box & ((cx - nx) ** 2 + (cy - ny) ** 2 <= r * r + 1e-9)


def check_contrast(plan: Plan, rendering: Rendering) -> list[Check]:
    """One ``contrast`` check per text: the worst line's ratio against its threshold."""
    checks: list[Check] = []
    for node_id, text in rendering.texts.items():
        node = plan.find(node_id)
        weight = node.font.weight if isinstance(node, TextNode) else 400
        threshold = LARGE_MIN if is_large(text.font_size, weight) else BODY_MIN
        text_lum = float(relative_luminance(np.array(hex_to_rgb(text.color))))
        worst: tuple[float, str] | None = None
        for index in range(len(text.lines)):
            samples = background_samples(rendering, text, index)
            if len(samples) == 0:
                continue
            lum = relative_luminance(samples)
            ratios = (np.maximum(lum, text_lum) + 0.05) / (np.minimum(lum, text_lum) + 0.05)
            ratio = float(np.percentile(ratios, _PERCENTILE))
            if worst is None or ratio < worst[0]:
                background = rgb_to_hex(np.median(samples[ratios <= ratio + 1e-9], axis=0))
                worst = (ratio, background)
        if worst is None:
            checks.append(
                Check(
                    kind="contrast",
                    node_id=node_id,
                    passed=True,
                    detail="transparent background: contrast depends on where the image is placed",
                )
            )
            continue
        ratio, background = worst
        checks.append(
            Check(
                kind="contrast",
                node_id=node_id,
                passed=ratio >= threshold,
                detail=f"{text.color} on {background}: {ratio:.2f}:1 (needs {threshold}:1)",
                expected=f">= {threshold}",
                observed=background,
                value=round(ratio, 3),
            )
        )
    return checks
