"""A shop's brief is drawn as its shop front: the facade fills the picture, the sign sits on its board."""

from __future__ import annotations

import numpy as np
import pytest

from imagegen.contract.specs import GenerateSpec
from imagegen.engines.base import NullProgress
from imagegen.engines.planning.engine import PlanningEngine
from imagegen.engines.planning.plan import Box, ImageNode, Palette, ShapeNode, TextNode, Theme
from imagegen.engines.planning.planner import compile_prompt
from imagegen.engines.planning.render.illustrations.illustrate import illustrate
from imagegen.engines.planning.render.illustrations.index import index
from imagegen.engines.planning.render.illustrations.storefront import Box as FBox
from imagegen.engines.planning.render.illustrations.storefront import (
    facade,
    is_shop_front,
    shop_brief,
    shop_kind,
)
from imagegen.engines.planning.render.illustrations.words import read_brief

TOKYO = (
    'A small Tokyo cafe storefront at dusk, warm interior glow, the sign reads "コーヒー" in bold Japanese '
    "kana on a wooden plaque, shallow depth of field, rule of thirds, cinematic"
)
CAIRO = 'A shop sign with the Arabic text "قهوة عربية" written right to left, centered, warm colors'
BAKERY = "A wooden shop sign that reads Open Daily above a bakery door"
BANNER = "A web banner for a summer sale: Up to 50% off, button Shop now, coral and teal"


def test_shops_are_told_apart_from_markets_rooms_and_drinks() -> None:
    for brief in (TOKYO, CAIRO, BAKERY, "a florist's storefront"):
        assert shop_brief(brief), brief
    for brief in (
        "a bright market banner",
        "A tea shop poster",
        "a cat on a sofa",
        'a sign that reads "Shop"',
    ):
        assert not shop_brief(brief), brief
    idx = index()
    for brief in (TOKYO, CAIRO, BAKERY, BANNER, "a barista in front of a cafe"):
        assert is_shop_front(read_brief(brief, idx), idx.lib), brief
    for brief in (
        # the drink is the picture
        "Cafe menu titled Morning Brew with items (Espresso $3.50; Croissant $2.80)",
        "A cat detective chases a mouse across rooftops above a bakery",
        "a night bazaar with lanterns",
        "a cozy teahouse with a teapot",
    ):
        assert not is_shop_front(read_brief(brief, idx), idx.lib), brief
    assert shop_kind(read_brief(TOKYO, idx).words) == "cafe"
    assert shop_kind(read_brief(BAKERY, idx).words) == "bakery"
    assert shop_kind(read_brief(CAIRO, idx).words) == "shop"
    assert shop_kind(read_brief("a neon sign on a ramen shop at night", idx).words) == "restaurant"


@pytest.mark.parametrize(
    ("brief", "size"), [(TOKYO, (1536, 1024)), (CAIRO, (1536, 1024)), (BAKERY, (1024, 1024))]
)
def test_the_sign_is_set_on_the_fascia_board_of_every_variant(brief: str, size: tuple[int, int]) -> None:
    w, h = size
    boards = set()
    for v in range(4):
        plan = compile_prompt(brief, width=w, height=h, seed=3, variant=v, variants=4)
        board = facade(w, h, v).board
        boards.add((round(board.x0), round(board.y0), round(board.w)))
        scene = next(n for n in plan.walk() if isinstance(n, ImageNode))
        # the picture is told it is the shop's front, with a sign on its board
        assert "storefront" in scene.prompt and "sign" in scene.prompt
        plaque = next(n for n in plan.walk() if isinstance(n, ShapeNode) and n.id == "plaque")
        assert (plaque.box.x, plaque.box.y) == pytest.approx((board.x0, board.y0), abs=0.05)
        assert (plaque.box.w, plaque.box.h) == pytest.approx((board.w, board.h), abs=0.05)
        texts = [n for n in plan.walk() if isinstance(n, TextNode)]
        assert texts
        for t in texts:
            box = FBox(t.box.x, t.box.y, t.box.x + t.box.w, t.box.y + t.box.h)
            assert box.inside(board), (t.text, box, board)
    # mirrored and second arrangements are four compositions, each drawn by the scene itself
    assert len(boards) == 4


def _scene(prompt: str, w: int, h: int, seed: int = 5):  # type: ignore[no-untyped-def]
    node = ImageNode(id="art", style="scene", prompt=prompt, box=Box(x=0, y=0, w=w, h=h))
    theme = Theme(palette=Palette(accent="#c2410c", surface="#fde6cc"))
    img = illustrate(node, theme, w, h, seed)
    assert img is not None
    return np.asarray(img.convert("RGB")).astype(int)


def test_the_facade_fills_the_picture_and_leaves_the_board_plain() -> None:
    w, h = 480, 320
    day = _scene("a cafe storefront at noon with its sign", w, h)
    front = facade(w, h)
    assert front.wall.w * front.wall.h >= 0.6 * w * h
    # little sky: a street of houses was mostly sky and road
    sky = (day[:, :, 2] - day[:, :, 0] > 40) & (day[:, :, 2] > 150)
    assert sky.mean() < 0.25
    # the board is one flat fill (the sign layout's plaque covers exactly this rectangle)
    b = front.board
    inner = day[int(b.y0) + 2 : int(b.y1) - 2, int(b.x0) + 2 : int(b.x1) - 2].reshape(-1, 3)
    assert np.ptp(inner, axis=0).max() <= 2
    # with no sign to carry, the board is painted with the shop's emblem
    bare = _scene("a cafe storefront at noon", w, h)
    inner = bare[int(b.y0) + 2 : int(b.y1) - 2, int(b.x0) + 2 : int(b.x1) - 2].reshape(-1, 3)
    assert np.ptp(inner, axis=0).max() > 60
    # at dusk the shop window glows warm, brighter than the dimmed wall around it
    dusk = _scene("a cafe storefront at dusk", w, h)
    window = dusk[int(h * 0.55) : int(h * 0.7), int(front.opening.x0) + 20 : int(w * 0.5)].reshape(-1, 3)
    wall = dusk[int(front.wall.y0) + 12 : int(b.y0) - 12, int(front.wall.x0) + 4 : int(b.x0) - 4]
    assert window.mean(axis=0)[0] > window.mean(axis=0)[2] + 40  # warm light
    assert window.mean() > wall.reshape(-1, 3).mean()


def test_a_shop_front_is_the_same_for_a_seed() -> None:
    a = _scene("a bakery storefront", 320, 320, seed=9)
    b = _scene("a bakery storefront", 320, 320, seed=9)
    assert np.array_equal(a, b)


def test_a_bakery_sign_reads_back_on_its_board() -> None:
    """End to end: the sign text is found by OCR and passes the one contrast rule on the board."""
    spec = GenerateSpec(prompt=BAKERY, model="gpt-image-2", n=1, width=768, height=768, seed=11)
    image = PlanningEngine().generate(spec, NullProgress()).images[0]
    report = image.report or {}
    assert report["passed"], report.get("unresolved")
    assert image.plan is not None
    sign = next(n for n in image.plan["nodes"] if n.get("text") == "Open Daily")
    kinds = {c["kind"] for c in report["checks"] if c.get("node_id") == sign["id"]}
    assert {"ocr", "contrast"} <= kinds
    assert all(c["passed"] for c in report["checks"] if c.get("node_id") == sign["id"])
    board = facade(768, 768).board
    box = sign["box"]
    assert FBox(box["x"], box["y"], box["x"] + box["w"], box["y"] + box["h"]).inside(board)
