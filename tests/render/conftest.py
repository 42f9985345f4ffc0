"""Fixtures for the renderer tests: the real font book over Debian's fonts and a plan builder."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from imagegen.engines.planning.plan import Background, Box, Canvas, Node, Plan, TextNode
from imagegen.engines.planning.render import FontBook, default_fontbook


@pytest.fixture(scope="session")
def fonts() -> FontBook:
    return default_fontbook()


@pytest.fixture(scope="session")
def plan_of():  # type: ignore[no-untyped-def]
    """The plan builder (see :func:`make_plan`)."""
    return make_plan


@pytest.fixture(scope="session")
def text_of():  # type: ignore[no-untyped-def]
    """The text node builder (see :func:`text_node`)."""
    return text_node


def make_plan(
    nodes: Sequence[Node], w: int = 512, h: int = 512, background: Background | None = None, seed: int = 1
) -> Plan:
    """A plan with the given nodes on a white (or given) canvas."""
    return Plan(
        canvas=Canvas(width=w, height=h, background=background or Background()), nodes=list(nodes), seed=seed
    )


def text_node(
    text: str, box: tuple[float, float, float, float] = (20, 20, 472, 120), **kw: object
) -> TextNode:
    """A text node with a box given as (x, y, w, h)."""
    x, y, w, h = box
    return TextNode(id=str(kw.pop("id", "t")), text=text, box=Box(x=x, y=y, w=w, h=h), **kw)  # type: ignore[arg-type]
