"""Invitations, packaging fronts and menus without dishes: each looks like the thing it is.

- an invitation is its own archetype: card stock, a ruled border, drawn botanical ornaments that never
  touch the text, the names large in a script/serif face, the details centred under them;
- a packaging front is the pack's face filling the frame, the product name on it, the badges as seals
  whose words read, the net weight in the face's bottom-left corner;
- a menu that names no dishes invents none, and its count ask says so instead of failing.
"""

from __future__ import annotations

import pytest
from planner_geometry import problems

from imagegen.engines.planning.layouts.packaging import PACK_H, PACK_W
from imagegen.engines.planning.plan import ImageNode, Plan, ShapeNode, TextNode
from imagegen.engines.planning.planner import compile_prompt
from imagegen.engines.planning.rules.contrast import contrast_ratio

WEDDING = (
    "Elegant watercolour wedding invitation titled Anna & Ben, Saturday, June 12, 2027 at 4 pm, "
    "Rosewood Gardens"
)
BIRTHDAY = "Birthday party invitation for Mia turning 7, Saturday 3 July at 2 pm, 12 Oak Lane, balloons"
GRANOLA = (
    "Packaging front titled Oat Crunch Granola with badges (Vegan, Gluten free, High fibre), net weight 500 g"
)


def plan_of(prompt: str, variant: int = 0, size: str = "1024x1536") -> Plan:
    w, h = (int(x) for x in size.split("x"))
    return compile_prompt(prompt, width=w, height=h, seed=20260422, variant=variant, variants=4)


def _texts(plan: Plan) -> dict[str, TextNode]:
    return {t.text: t for t in plan.texts()}


@pytest.mark.parametrize("variant", range(4))
def test_a_wedding_invitation_is_a_card_with_ornaments_clear_of_the_text(variant: int) -> None:
    plan = plan_of(WEDDING, variant)
    assert plan.archetype == "invitation"
    assert not problems(plan), problems(plan)
    ornaments = [
        n
        for n in plan.walk()
        if isinstance(n, ImageNode) and n.style.startswith(("garland", "sprig", "corner"))
    ]
    assert ornaments, "a formal card carries a drawn botanical"
    # never the illustration library's cartoon (no picture ask, no emoji church)
    assert not any(isinstance(n, ImageNode) and n.prompt for n in plan.walk())
    for orn in ornaments:
        for t in plan.texts():
            assert not orn.box.intersects(t.box), (orn.id, t.text)
    # card stock filling the frame, and a ruled border
    shapes = [n for n in plan.walk() if isinstance(n, ShapeNode)]
    card = next(s for s in shapes if s.id == "card")
    assert card.box.w == plan.canvas.width and card.box.h == plan.canvas.height
    assert contrast_ratio(card.fill or "#000000", "#ffffff") < 1.15, "ivory, not a coloured slab"
    assert sum(1 for s in shapes if s.id.startswith("border") and s.stroke) == 2
    t = _texts(plan)
    names, date, venue = t["Anna & Ben"], t["Saturday, June 12, 2027 at 4 pm"], t["Rosewood Gardens"]
    assert names.font.family == "script"
    assert date.font.family == venue.font.family == "garamond"
    assert names.size > 2.5 * date.size
    assert names.box.bottom <= date.box.y <= venue.box.y
    # centred and symmetric
    for node in (names, date, venue):
        assert node.align == "center"
        assert abs((node.box.x + node.box.w / 2) - plan.canvas.width / 2) < 2


def test_a_birthday_invitation_is_a_playful_card_with_its_picture() -> None:
    plan = plan_of(BIRTHDAY)
    assert plan.archetype == "invitation"
    assert not problems(plan), problems(plan)
    border = next(n for n in plan.walk() if isinstance(n, ShapeNode) and n.id == "border")
    assert border.shape == "rounded_rect" and border.stroke_width >= 8
    art = [n for n in plan.walk() if isinstance(n, ImageNode) and n.prompt]
    assert art and all(not a.box.intersects(t.box) for a in art for t in plan.texts())
    # confetti where the card is empty, never on a text
    confetti = [n for n in plan.walk() if isinstance(n, ShapeNode) and n.id.startswith("confetti")]
    assert len(confetti) >= 10
    assert not any(c.box.intersects(t.box) for c in confetti for t in plan.texts())
    # the lead line, whose party it is in the brief's own words ("for Mia turning 7"), is big and kept
    # whole, the date under it
    lead, date = _texts(plan)["Mia turning 7"], _texts(plan)["Saturday 3 July at 2 pm"]
    assert lead.max_lines == 1 and lead.size > 1.5 * date.size and lead.box.bottom <= date.box.y
    # a party card with no names: its date is the lead line, never broken before "pm"
    plan = plan_of(BIRTHDAY.replace(" for Mia turning 7", ""))
    date = _texts(plan)["Saturday 3 July at 2 pm"]
    assert date.max_lines == 1 and date.size > 1.5 * _texts(plan)["12 Oak Lane"].size


def test_invitation_and_greeting_cards_are_told_apart() -> None:
    assert plan_of("Instagram post for our podcast episode 31: The Quiet Studio").archetype == "social_card"
    assert plan_of("Save the date card for Lena & Tom, 4 May 2028").archetype == "invitation"


@pytest.mark.parametrize("variant", range(4))
def test_a_packaging_front_is_the_pack_filling_the_frame(variant: int) -> None:
    plan = plan_of(GRANOLA, variant)
    assert plan.archetype == "packaging"
    assert not problems(plan), problems(plan)
    pack = next(n for n in plan.walk() if isinstance(n, ShapeNode) and n.id == "pack")
    area = pack.box.w * pack.box.h / (plan.canvas.width * plan.canvas.height)
    assert area >= PACK_W * PACK_H * 0.95 > 0.55
    t = _texts(plan)
    # every text sits on the pack's face
    for node in t.values():
        assert pack.box.contains(node.box, tol=1.0), node.text
    title = t["Oat Crunch Granola"]
    assert title.size >= max(n.size for n in t.values())
    # the product is pictured in a window on the face, below the name; its picture is the granola, not the
    # design's words
    (window,) = [n for n in plan.walk() if isinstance(n, ImageNode)]
    assert window.box.y >= title.box.bottom and "Granola" in window.prompt and "badges" not in window.prompt
    # the badges are seals whose words read on them
    seals = {n.id: n for n in plan.walk() if isinstance(n, ShapeNode) and n.id.startswith("seal")}
    for word in ("Vegan", "Gluten free", "High fibre"):
        badge = t[word]
        holder = next(s for s in seals.values() if s.box.contains(badge.box, tol=1.0))
        assert contrast_ratio(badge.color, holder.fill or "#ffffff") >= 4.5
        assert holder.shape == "ellipse"
    # the net weight in the face's bottom-left corner
    weight = t["net weight 500 g"]
    assert weight.align == "left" and weight.box.x - pack.box.x < pack.box.w * 0.15
    assert pack.box.bottom - weight.box.bottom < pack.box.h * 0.08


def test_a_coffee_bag_is_a_pouch_and_pictures_coffee_not_a_money_bag() -> None:
    from imagegen.engines.planning.render.illustrations.index import index
    from imagegen.engines.planning.render.illustrations.words import read_brief

    plan = plan_of("Coffee bag label titled Highland Roast, net weight 250 g")
    assert plan.archetype == "packaging"
    assert any(isinstance(n, ShapeNode) and n.id == "hang-hole" for n in plan.walk())
    (window,) = [n for n in plan.walk() if isinstance(n, ImageNode)]
    names = [t.name for t in read_brief(window.prompt, index()).things]
    assert "money-bag" not in names and "hot-beverage" in names
    # a bag a person carries is still a bag
    assert read_brief("a courier with a yellow bag", index()).things


def test_a_menu_that_names_no_dishes_invents_none_and_says_so() -> None:
    plan = plan_of("A cafe menu titled Luna Cafe with six dishes and prices, warm brown tones")
    assert plan.archetype == "menu"
    assert [t.text for t in plan.texts()] == ["Luna Cafe"]
    (count,) = [a for a in plan.asks if a.kind == "count"]
    assert count.value == "item" and count.n == 0
    assert "six dishes" in count.detail and "none named" in count.detail
    # the menu is its cover: the name over the fare, not a name over an empty page
    art = [n for n in plan.walk() if isinstance(n, ImageNode)]
    assert art and art[0].box.h > plan.canvas.height * 0.4
    # a menu that gives its dishes is still held to its count
    given = plan_of("Cafe menu titled Morning Brew with 2 items (Espresso $3.50; Latte $4.75)")
    (count,) = [a for a in given.asks if a.kind == "count"]
    assert count.n == 2


def test_a_menu_sets_the_sections_it_names_and_says_no_dishes_were_given() -> None:
    plan = plan_of("Restaurant menu titled Trattoria Luna, sections: Antipasti; Primi; Secondi; Dolci")
    assert plan.archetype == "menu"
    t = _texts(plan)
    assert list(t) == ["Trattoria Luna", "Antipasti", "Primi", "Secondi", "Dolci"]
    # the sections in order down the page under the name, centred
    ys = [t[s].box.y for s in ("Antipasti", "Primi", "Secondi", "Dolci")]
    assert ys == sorted(ys) and ys[0] > t["Trattoria Luna"].box.bottom
    assert all(t[s].align == "center" for s in ("Antipasti", "Dolci"))
    (count,) = [a for a in plan.asks if a.kind == "count"]
    assert count.value == "item" and count.n == 0 and "none named" in count.detail
    # the fare is pictured under them; when the words name no food, a plate (never the street)
    (art,) = [n for n in plan.walk() if isinstance(n, ImageNode)]
    assert art.box.y > t["Dolci"].box.bottom and art.prompt.startswith("On a table") and "plate" in art.prompt
    # with dishes, the sections are one row under the name and every dish keeps its price line
    both = plan_of(
        "Cafe menu titled Morning Brew with sections (Coffee, Bakes) and items "
        "(Espresso $3.50; Croissant $2.80)"
    )
    b = _texts(both)
    assert abs(b["Coffee"].box.y - b["Bakes"].box.y) < 1 and b["Coffee"].box.bottom <= b["Espresso"].box.y
    assert not [a for a in both.asks if a.kind == "count"]


def test_a_menu_with_no_words_at_all_has_no_blank_lines_waiting_for_dishes() -> None:
    from imagegen.engines.planning.render.illustrations.index import index
    from imagegen.engines.planning.render.illustrations.words import read_brief

    plan = plan_of("A cafe menu with six dishes and prices, warm brown tones")
    assert plan.archetype == "menu" and not plan.texts()
    assert not [n for n in plan.walk() if isinstance(n, ShapeNode) and n.shape == "divider"]
    (count,) = [a for a in plan.asks if a.kind == "count"]
    assert count.n == 0 and "six dishes" in count.detail
    (art,) = [n for n in plan.walk() if isinstance(n, ImageNode)]
    # "dishes" on a menu is a plate of food, not a petri dish
    assert [x.name for x in read_brief(art.prompt, index()).things] == ["fork-and-knife-with-plate"]
