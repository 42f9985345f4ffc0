"""The plan's polygon shape (a dense outline draws a curve) and the map's coast drawn with it: one smooth
shoreline instead of ellipses meeting a straight band at corners."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pydantic import ValidationError

from imagegen.engines.planning.plan import Box, ShapeNode
from imagegen.engines.planning.planner import compile_prompt
from imagegen.engines.planning.render import render

MAP = "A tourist map of the old port with labelled places (Harbor, Old Town, Central Station, Lighthouse)"


def test_a_polygon_fills_its_outline_and_nothing_else(plan_of) -> None:  # type: ignore[no-untyped-def]
    triangle = [(100.0, 100.0), (400.0, 100.0), (100.0, 400.0)]
    node = ShapeNode(
        id="tri", shape="polygon", points=triangle, fill="#ff0000", box=Box(x=100, y=100, w=300, h=300)
    )
    px = np.asarray(render(plan_of([node]), scale=2).image.convert("RGB")).astype(int)
    assert tuple(px[150, 150]) == (255, 0, 0)  # inside, near the right angle
    assert tuple(px[350, 350]) == (255, 255, 255)  # the other side of the hypotenuse
    assert tuple(px[50, 50]) == (255, 255, 255)  # outside the box
    edge = px[249, 240:260, 1]  # across the hypotenuse: antialiased, not a hard step
    assert ((edge > 10) & (edge < 245)).any()


def test_polygon_points_are_bounded() -> None:
    with pytest.raises(ValidationError):
        ShapeNode(id="p", shape="polygon", points=[(0.0, 0.0)] * 257, box=Box(x=0, y=0, w=1, h=1))
    with pytest.raises(ValidationError):
        ShapeNode(id="p", shape="polygon", points=[(0.0, 0.0), (1.0, 1.0)], box=Box(x=0, y=0, w=1, h=1))


@pytest.mark.parametrize("variant", [0, 1])
def test_the_map_coast_is_one_smooth_shoreline(variant: int) -> None:
    plan = compile_prompt(MAP, width=1536, height=1024, seed=20260422, variant=variant, variants=2)
    seas = [n for n in plan.walk() if n.kind == "shape" and n.shape == "polygon"]
    assert len(seas) == 1 and seas[0].points
    sea = seas[0]
    assert not [n for n in plan.walk() if n.id.startswith(("headland", "bay"))]  # no ellipse patchwork
    # the outline stays on the canvas and its box is its bounding box
    xs, ys = [p[0] for p in sea.points], [p[1] for p in sea.points]
    assert min(xs) >= 0 and max(xs) <= 1536 and min(ys) >= 0 and max(ys) <= 1024
    assert sea.box.x == pytest.approx(min(xs), abs=0.5) and sea.box.right == pytest.approx(max(xs), abs=0.5)
    # the shoreline (all but the two sea-side corners) turns gently at every point: no corners
    shore = sea.points[:-2]
    turns = []
    for (ax, ay), (bx, by), (cx, cy) in zip(shore, shore[1:], shore[2:], strict=False):
        a1, a2 = math.atan2(by - ay, bx - ax), math.atan2(cy - by, cx - bx)
        turns.append(abs((a2 - a1 + math.pi) % math.tau - math.pi))
    assert max(turns) < math.radians(25)
    # it is a coast, not a ruler line: the shore moves across at least a tenth of the sea's width
    assert max(p[0] for p in shore) - min(p[0] for p in shore) > 0.1 * sea.box.w
    # and the sea is drawn: the far edge of the picture is water, the near side land
    image = render(plan).image.convert("RGB")
    far_x = 1530 if variant == 0 else 5
    near_x = 5 if variant == 0 else 1530
    assert image.getpixel((far_x, 512)) != image.getpixel((near_x, 512))
