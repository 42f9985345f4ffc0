"""What the art-director pass fixed in the illustrations (docs/gallery.md): products drawn as the product,
named cities as settings, design words never drawn, and an unscripted storyboard that acts."""

from __future__ import annotations

from imagegen.engines.planning.plan import Box, Brief, Canvas, ImageNode, Plan
from imagegen.engines.planning.render.illustrations.illustrate import reading_for
from imagegen.engines.planning.render.illustrations.index import index
from imagegen.engines.planning.render.illustrations.words import read_brief


def _names(prompt: str) -> list[str]:
    return [t.name for t in read_brief(prompt, index()).things]


def test_products_without_a_drawing_get_a_clean_product_silhouette() -> None:
    assert _names("A matte ceramic water bottle on warm linen")[0] == "product-bottle"
    assert _names("Modern wireless earbuds in matte black and silver")[0] == "product-earbuds"
    assert _names("a ceramic coffee mug on a wooden table")[0] == "product-mug"
    # the set's own drawing wins when it is exactly what was named
    assert _names("a baby bottle")[0] == "baby-bottle"
    # the silhouettes are never offered by the embedding index (only a product word picks one)
    assert not any(n.startswith("product-") for n in index().names)


def test_a_named_city_is_the_setting_not_the_subject() -> None:
    reading = read_brief("A small Tokyo cafe storefront at dusk, warm interior glow", index())
    assert reading.landmark == "tokyo-tower" and reading.setting == "city" and reading.time == "dusk"
    assert "tokyo-tower" not in [t.name for t in reading.things]
    assert "glowing-star" not in [t.name for t in reading.things]


def test_design_words_are_never_drawn() -> None:
    assert _names("A presentation slide titled Q3 Results with bullets: Revenue up 18%") == []
    assert _names("Hiring flyer titled We are hiring, key points: Remote first") == ["handshake"]
    assert _names("a coffee mug with the tagline Slow Mornings") == ["product-mug"]
    assert _names("A web banner for a summer sale") == []


def test_an_unscripted_storyboard_of_a_person_acts_it_out() -> None:
    brief = "Eight storyboard frames of the same courier character with a yellow backpack"
    idx = index()
    poses, places = [], []
    for v in range(8):
        node = ImageNode(id="art", style="character", prompt="", box=Box(x=0, y=0, w=256, h=256))
        plan = Plan(
            canvas=Canvas(width=256, height=256),
            nodes=[node],
            brief=Brief(prompt=brief),
            seed=3,
            variant=v,
            variants=8,
        )
        r = reading_for(node, plan, idx)
        poses.append(r.things[0].name)
        places.append((r.setting, r.time))
        # the same courier every time: the parcel and the yellow backpack stay
        assert r.things[0].attribute == "package" and r.things[0].carried
    assert len(set(poses)) >= 4 and len(set(places)) >= 4
