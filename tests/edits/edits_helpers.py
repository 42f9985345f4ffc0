"""Plain helpers shared by the edits tests (imported by name: pytest puts this folder on sys.path)."""

from __future__ import annotations

import numpy as np
from PIL import Image

from imagegen.engines.planning.plan import (
    Background,
    Box,
    Brief,
    Canvas,
    CodeNode,
    FontRef,
    ImageNode,
    Plan,
    TextNode,
)


def textured(width: int = 640, height: int = 448, seed: int = 1) -> np.ndarray:
    """A busy, deterministic RGB picture: gradients, stripes and noise (no flat areas to hide behind)."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width]
    base = np.dstack([xx * 255 / width, yy * 255 / height, 128 + 60 * np.sin(xx / 23.0)]).astype(np.float32)
    base += rng.normal(0, 10, base.shape)
    return np.clip(base, 0, 255).astype(np.uint8)


def rect_mask(size: tuple[int, int], box: tuple[int, int, int, int]) -> Image.Image:
    """An RGBA mask, opaque everywhere except ``box`` (x0, y0, x1, y1) where alpha is 0."""
    alpha = np.full((size[1], size[0]), 255, dtype=np.uint8)
    x0, y0, x1, y1 = box
    alpha[y0:y1, x0:x1] = 0
    rgba = np.zeros((size[1], size[0], 4), dtype=np.uint8)
    rgba[:, :, 3] = alpha
    return Image.fromarray(rgba, "RGBA")


def poster_plan() -> Plan:
    """A small poster with a headline, subhead, art, price and QR code (the planner is not needed)."""
    return Plan(
        canvas=Canvas(
            width=768,
            height=768,
            background=Background(kind="gradient", colors=["#fef3c7", "#fde68a"]),
            margin=48,
        ),
        nodes=[
            TextNode(
                id="headline",
                box=Box(x=48, y=56, w=672, h=120),
                text="Summer Jazz Night",
                role="headline",
                size=72,
                font=FontRef(weight=800),
                color="#1f2937",
                align="center",
            ),
            TextNode(
                id="subhead",
                box=Box(x=48, y=190, w=672, h=48),
                text="Live at the Old Harbor",
                role="subhead",
                size=32,
                color="#374151",
                align="center",
            ),
            ImageNode(id="art", box=Box(x=160, y=260, w=448, h=280), style="landscape"),
            TextNode(
                id="price",
                box=Box(x=48, y=600, w=300, h=64),
                text="$25",
                role="price",
                size=44,
                color="#111827",
            ),
            CodeNode(
                id="qr", box=Box(x=584, y=584, w=136, h=136), symbology="qr", data="https://example.com/jazz"
            ),
        ],
        brief=Brief(prompt='A poster for a summer jazz night, headline "Summer Jazz Night"'),
        seed=3,
    )
