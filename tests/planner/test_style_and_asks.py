"""Issue 8, items 2 and 4: style words obeyed (colours, backgrounds, type), hierarchy by meaning, every
archetype's look, and the typed ``asks`` list that the verifier holds the canvas to."""

from __future__ import annotations

import colorsys

import pytest
from planner_geometry import problems

from imagegen.engines.planning.plan import Ask, GroupNode, IconNode, Plan, ShapeNode, TextNode
from imagegen.engines.planning.planner import compile_prompt
from imagegen.engines.planning.reading.colors import design_colors, named_colors_in
from imagegen.engines.planning.reading.typography import parse_font, typographic_intent
from imagegen.engines.planning.rendered import Rendering
from imagegen.engines.planning.rules.contrast import contrast_ratio
from imagegen.engines.planning.verify.asks import check_asks, color_share


def plan_of(prompt: str, size: str | None = None, variant: int = 0) -> Plan:
    w, h = (int(x) for x in size.split("x")) if size else (None, None)
    return compile_prompt(prompt, width=w, height=h, seed=9, variant=variant, variants=2)


def hue(color: str) -> float:
    r, g, b = (int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return colorsys.rgb_to_hsv(r, g, b)[0] * 360


# -- colours ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("red and gold, lanterns", ["red", "gold"]),
        ("in navy and cream", ["navy", "cream"]),
        ("neon purple and pink", ["purple", "pink"]),
        ("a tomato color scheme", ["tomato"]),
        ("brand colours #1E3A8A and #f59e0b", ["#1e3a8a", "#f59e0b"]),
        ("a red and gold lantern", []),  # the colour of a thing: the art's, not the design's
    ],
)
def test_design_colours(text: str, expected: list[str]) -> None:
    assert [w for w, _ in design_colors(text.lower())] == expected


def test_css_names_and_hex_codes() -> None:
    assert named_colors_in("rebeccapurple and #abc") == [("rebeccapurple", "#663399"), ("#abc", "#aabbcc")]


def test_red_and_gold_is_gold_on_red() -> None:
    plan = plan_of("Lunar New Year poster titled Year of the Horse, red and gold, lanterns")
    pal = plan.theme.palette
    assert abs(hue(pal.background) - hue("#d62828")) < 12 and plan.theme.dark
    assert abs(hue(pal.accent) - hue("#d4af37")) < 12
    assert {a.detail for a in plan.asks if a.kind == "color"} == {"red", "gold"}


@pytest.mark.parametrize(
    ("prompt", "page", "head"),
    [
        ("Jazz festival poster titled Blue Notes, navy and gold", "#14213d", "#d4af37"),  # a deep muted hue
        ("Gala poster titled Midsummer, burgundy and cream", "#7a1f3d", None),
    ],
)
def test_a_deep_first_colour_is_the_page(prompt: str, page: str, head: str | None) -> None:
    plan = plan_of(prompt)
    pal = plan.theme.palette
    assert plan.theme.dark and abs(hue(pal.background) - hue(page)) < 12
    if head:
        assert abs(hue(pal.primary) - hue(head)) < 12  # the headline in the second colour


@pytest.mark.parametrize(
    "prompt", ["Poster titled Mono, black and white", "Poster titled Slate, charcoal and orange"]
)
def test_a_grey_or_black_first_colour_stays_ink(prompt: str) -> None:
    # black, charcoal: no hue, so they are the type's colour on a light page, as before
    assert not plan_of(prompt).theme.dark


def test_neon_colours_give_a_dark_neon_design_in_those_colours() -> None:
    plan = plan_of('Club night flyer "Afterglow" in neon purple and pink')
    assert plan.theme.dark and plan.theme.mood == "neon"
    assert abs(hue(plan.theme.palette.accent) - hue("#7c3aed")) < 12


@pytest.mark.parametrize(
    ("prompt", "bg"),
    [
        ('Product card "Linen Shirt" on a neutral background', "#ece8e1"),
        ('Poster "Gala" on a midnightblue background', "#191970"),
    ],
)
def test_background_words(prompt: str, bg: str) -> None:
    assert plan_of(prompt).theme.palette.background == bg


def test_wedding_is_light_and_script_over_garamond() -> None:
    plan = plan_of(
        "Elegant watercolour wedding invitation titled Anna & Ben, Saturday, June 12, 2027 at 4 pm"
    )
    assert not plan.theme.dark and plan.theme.heading_font.family == "script"
    assert plan.theme.body_font.family == "garamond"
    texts = {t.text: t for t in plan.texts()}
    assert texts["Anna & Ben"].font.family == "script"
    # the date is part of the invitation's main block, under the names, not a footer line
    assert texts["Saturday, June 12, 2027 at 4 pm"].box.y > texts["Anna & Ben"].box.y
    assert texts["Saturday, June 12, 2027 at 4 pm"].size > 20


@pytest.mark.parametrize(
    ("words", "heading"),
    [
        ("a tech startup launch poster", "sans"),
        ("a playful kids birthday card", "geometric"),
        ("a rustic farmhouse market sign", "slab"),
        ("a hand-lettered chalkboard menu", "handwriting"),
        ("an elegant gala programme", "garamond"),
        ("a condensed sports headline", "brush"),
    ],
)
def test_typographic_intent(words: str, heading: str) -> None:
    intent = typographic_intent(words)
    assert intent is not None and intent[0] == heading


@pytest.mark.parametrize(
    ("phrase", "family"),
    [
        ("in Dancing Script", "script"),
        ("set in Rockwell", "slab"),
        ("Poppins Bold", "League Spartan"),
        ("in Comic Sans", "handwriting"),
        ("slab serif", "slab"),
        ("in EB Garamond", "garamond"),
    ],
)
def test_named_fonts_map_to_installed_open_faces(phrase: str, family: str) -> None:
    assert parse_font(phrase).family == family


def test_a_named_font_beats_the_intent() -> None:
    plan = plan_of('Wedding invitation "Anna & Ben", all text in Inter')
    assert plan.texts()[0].font.family == "Inter"


# -- hierarchy -------------------------------------------------------------------------------------------


def test_price_and_address_outrank_the_agent_whatever_the_quote_order() -> None:
    plan = plan_of('Real-estate flyer: agent "Jane Doe", "12 Elm Street", "$1,250,000"')
    t = {n.text: n for n in plan.texts()}
    assert t["12 Elm Street"].role == "headline" and t["$1,250,000"].role == "offer"
    assert t["Jane Doe"].role == "contact"
    assert t["12 Elm Street"].size > t["$1,250,000"].size > t["Jane Doe"].size


# -- archetypes and their looks --------------------------------------------------------------------------

ARCHETYPE_BRIEFS = {
    "dashboard": (
        "A SaaS dashboard titled Ops with a sidebar (Home, Runs), two KPI cards (Runs 12; Errors 0)",
        "1536x1024",
    ),
    "map": ("A tourist map with labelled places (Harbor, Old Town, Central Station)", None),
    "menu": ("Cafe menu with items (Espresso $3.50; Latte $4.75)", None),
    "label": ("Wine label with rows: Region: Rioja; Vintage: 2019; ABV: 14%", None),
    "infographic": ("A bar chart of sales Jan 10, Feb 14, Mar 9", None),
    "product_hero": ("Product shot of a water bottle titled Aqua with badges (Vegan, Organic)", None),
    "packaging": ("Packaging front titled Oat Crunch with badges (Vegan, Organic)", None),
    "invitation": ("Elegant wedding invitation card titled Anna & Ben, June 12, 2027", None),
    "social_card": ("Instagram post for our podcast episode 31: The Quiet Studio", None),
    "poster": ("Hiring poster titled We are hiring, key points: Remote first; Four-day week", None),
    "ticket": ("Concert ticket titled Northern Lights, Saturday 9 May 2027, Code 128 value NL-9", None),
    "app_screen": ("Music app screen titled Now Playing with tabs: Home, Search, Library", None),
}


@pytest.mark.parametrize("archetype", sorted(ARCHETYPE_BRIEFS))
@pytest.mark.parametrize("variant", [0, 1])
def test_every_archetype_places_every_ask(archetype: str, variant: int) -> None:
    prompt, size = ARCHETYPE_BRIEFS[archetype]
    plan = plan_of(prompt, size, variant)
    assert plan.archetype == archetype
    drawn = [t.text for t in plan.texts()]
    for ask in plan.asks:
        if ask.kind == "text":
            assert ask.value in drawn, (ask, drawn)
    assert not problems(plan), problems(plan)


def test_map_pins_each_place_with_an_icon_for_its_kind() -> None:
    plan = plan_of(ARCHETYPE_BRIEFS["map"][0])
    icons = {n.name for n in plan.walk() if isinstance(n, IconNode)}
    assert {"anchor", "castle", "train"} <= icons
    assert any(isinstance(n, ShapeNode) and n.id.startswith("water") for n in plan.walk())


def test_steps_are_numbered_and_badges_are_pills() -> None:
    plan = plan_of("Recipe card titled Toast with steps: 1. Slice bread 2. Toast it 3. Butter it")
    numbers = [t.text for t in plan.texts() if t.role == "step_no"]
    assert numbers == ["1", "2", "3"]
    pack = plan_of(ARCHETYPE_BRIEFS["product_hero"][0])
    badges = [t for t in pack.texts() if t.role == "badge"]
    assert len(badges) == 2 and all(b.plate == pack.theme.palette.accent for b in badges)
    assert all(contrast_ratio(b.color, b.plate or "#ffffff") >= 4.5 for b in badges)


# -- asks ------------------------------------------------------------------------------------------------


def test_asks_list_every_requested_element() -> None:
    plan = plan_of(
        "Museum label titled Astrolabe, rows: Maker: Georg Hartmann; Date: 1592; Material: Brass, "
        "a Code 128 barcode AST159207, navy and cream, 3 rows"
    )
    kinds = {(a.kind, a.value) for a in plan.asks}
    assert ("text", "Maker: Georg Hartmann") in kinds and ("code", "AST159207") in kinds
    assert ("color", "#14213d") in kinds and ("count", "row") in kinds
    chart = plan_of("A bar chart of sales Jan 10, Feb 14, Mar 9")
    (ask,) = [a for a in chart.asks if a.kind == "chart"]
    assert [(p.label, p.value) for p in ask.points] == [("Jan", 10), ("Feb", 14), ("Mar", 9)]


def _rendering(plan: Plan, color: str = "#ffffff") -> Rendering:
    from PIL import Image

    drawn = {t.id: None for t in plan.texts()}
    image = Image.new("RGB", (plan.canvas.width, plan.canvas.height), color)
    return Rendering(image=image, scale=1.0, texts=drawn)  # type: ignore[arg-type]


def test_a_dropped_element_fails_its_ask_check() -> None:
    plan = plan_of("Spec sheet titled Lamp, rows: Height: 40 cm; Weight: 1 kg, EAN-13 4006381333931")
    assert all(
        c.passed for c in check_asks(plan, _rendering(plan)) if c.expected and "colour" not in c.expected
    )
    # drop a row and substitute the code: both are reported, so the report cannot pass
    dropped = plan.model_copy(deep=True)
    for n in list(dropped.walk()):
        if isinstance(n, TextNode) and n.text == "Weight: 1 kg":
            n.text = "Weight: 1kg"
    for c in dropped.codes():
        c.data = "4006381333948"
    failed = [c for c in check_asks(dropped, _rendering(dropped)) if not c.passed]
    assert {c.expected for c in failed} == {"text 'Weight: 1 kg' (row)", "ean13 code '4006381333931'"}


def test_counts_and_colours_are_checked() -> None:
    plan = Plan(
        canvas={"width": 64, "height": 64},  # type: ignore[arg-type]
        asks=[
            Ask(kind="count", value="kpi", n=3, detail="three KPI cards"),
            Ask(kind="color", value="#d62828", detail="red"),
        ],
        nodes=[GroupNode(id="kpi", role="kpi", box={"x": 0, "y": 0, "w": 10, "h": 10})],  # type: ignore[arg-type]
    )
    white = {c.expected: c.passed for c in check_asks(plan, _rendering(plan))}
    assert white == {"'three KPI cards': 3 kpi": False, "colour red (#d62828)": False}
    red = {c.expected: c.passed for c in check_asks(plan, _rendering(plan, "#b01e1e"))}
    assert red["colour red (#d62828)"] is True


def test_colour_share_reads_hue_not_exact_values() -> None:
    import numpy as np

    # a contrast-nudged darker gold still counts as gold; blue does not
    hsv_gold = np.array([[colorsys.rgb_to_hsv(0.6, 0.48, 0.15)[0], 0.75, 0.6]] * 10, dtype=np.float32)
    assert color_share(hsv_gold, "#d4af37") == 1.0
    hsv_blue = np.array([[0.6, 0.8, 0.8]] * 10, dtype=np.float32)
    assert color_share(hsv_blue, "#d4af37") == 0.0
