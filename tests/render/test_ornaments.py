"""Botanical ornaments (``render/ornaments.py``): drawn leaves on a transparent ground, in the node's colours,
routed from ``image_art`` before the illustration library (an invitation's garland is never an emoji)."""

from __future__ import annotations

import numpy as np
import pytest

from imagegen.engines.planning.plan import Box, ImageNode, Theme
from imagegen.engines.planning.render.ornaments import ORNAMENTS, draw_ornament
from imagegen.engines.planning.render.procedural import image_art

SAGE, DARK, GOLD = "#8a9a7b", "#5f6f55", "#b08d57"


@pytest.mark.parametrize("style", sorted(ORNAMENTS))
def test_every_ornament_draws_leaves_on_a_transparent_ground(style: str) -> None:
    img = draw_ornament(style, 420, 200, [SAGE, DARK, GOLD], seed=5)
    assert img.mode == "RGBA" and img.size == (420, 200)
    a = np.asarray(img)
    painted = a[..., 3] > 200
    share = painted.mean()
    assert 0.03 < share < 0.6, share  # line work, not a filled block
    # the painted pixels are the leaf tones (greenish: green channel above red and blue)
    rgb = a[painted][:, :3].astype(int)
    greenish = (rgb[:, 1] >= rgb[:, 0]) & (rgb[:, 1] >= rgb[:, 2])
    assert greenish.mean() > 0.6


def test_ornaments_are_deterministic_and_corners_mirror() -> None:
    a = np.asarray(draw_ornament("corner", 200, 200, [SAGE], seed=3))
    assert np.array_equal(a, np.asarray(draw_ornament("corner", 200, 200, [SAGE], seed=3)))
    br = np.asarray(draw_ornament("corner-br", 200, 200, [SAGE], seed=3))
    assert np.array_equal(br, a[::-1, ::-1])


def test_image_art_draws_an_ornament_node_without_the_illustrations() -> None:
    node = ImageNode(
        id="ornament", box=Box(x=0, y=0, w=300, h=130), style="garland", colors=[SAGE, DARK, GOLD]
    )
    img = image_art(node, Theme(), 300, 130, seed=1)
    alpha = np.asarray(img)[..., 3]
    # transparent corners (the card shows through), painted leaves
    assert alpha[-3:, :3].max() == 0 and alpha[-3:, -3:].max() == 0
    assert (alpha > 200).mean() > 0.03
