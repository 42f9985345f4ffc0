"""Fixtures for the edits area: deterministic inputs, masks, a hand-made poster plan and its render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from edits_helpers import textured
from PIL import Image

from imagegen.contract.specs import EditSpec, InputImage
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


@pytest.fixture(scope="session")
def photo() -> Image.Image:
    return Image.fromarray(textured(), "RGB")


@pytest.fixture
def make_spec() -> Callable[..., EditSpec]:
    def _make(
        prompt: str,
        image: Image.Image,
        *,
        mask: Image.Image | None = None,
        plan: dict[str, Any] | None = None,
        **kw: Any,
    ) -> EditSpec:
        kw.setdefault("quality", "medium")
        kw.setdefault("seed", 11)
        return EditSpec(
            prompt=prompt,
            model="gpt-image-2",
            images=(InputImage(image=image, data=b"", sha256="", plan=plan),),
            mask=mask,
            **kw,
        )

    return _make


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


@pytest.fixture(scope="session")
def poster() -> tuple[Plan, Image.Image]:
    """The poster plan and its render as an RGB input image (as a stored imagegen asset would be)."""
    from imagegen.engines.planning.render import render

    plan = poster_plan()
    return plan, render(plan).image.convert("RGB")
