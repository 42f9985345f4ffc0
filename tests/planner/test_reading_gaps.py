"""Unquoted texts that briefs write and the readers used to miss: whose party it is (``for Mia turning 7``),
a restaurant's name (``a menu for Trattoria Luna``), a menu's courses without ``sections (…)``, a time's own
label (``doors 7:30 pm``), and a venue after an event (``a jazz night at Blue Lantern Hall``).

Each is read once, in the reader the rule belongs to (``reading/cued.py`` for one-off names,
``reading/listed.py`` for lists and times), becomes a ``text`` ask, and lands where a designer sets it. The
negative prose is as important: descriptive words, days, times of day and ``for kids`` are never text."""

from __future__ import annotations

import pytest
from PIL import Image
from planner_geometry import problems

from imagegen.engines.planning.plan import Plan, TextNode
from imagegen.engines.planning.planner import compile_prompt
from imagegen.engines.planning.reading.content import extract
from imagegen.engines.planning.rendered import Rendering
from imagegen.engines.planning.verify.asks import check_asks


def found(prompt: str) -> dict[str, str | None]:
    return {t.text: t.role for t in extract(prompt).texts}


def plan_of(prompt: str, size: str | None = None) -> Plan:
    w, h = (int(x) for x in size.split("x")) if size else (None, None)
    return compile_prompt(prompt, width=w, height=h, seed=9, variant=0, variants=1)


def nodes(plan: Plan) -> dict[str, TextNode]:
    return {t.text: t for t in plan.texts()}


@pytest.mark.parametrize(
    ("prompt", "want"),
    [
        # 1. whose party it is, with the age when given: one line, the brief's own words
        ("A birthday party invitation for Mia turning 7", {"Mia turning 7": "title"}),
        ("Mia turns 7! party invitation, balloons", {"Mia turns 7": "title"}),
        ("Invitation to Mia's 7th birthday party, 12 Oak Lane", {"Mia's 7th birthday party": "title"}),
        ("Party invite: Tom is turning 40, Saturday 3 July at 8 pm", {"Tom is turning 40": "title"}),
        ("a birthday party for Mia and Leo turning 7", {"Mia and Leo turning 7": "title"}),
        ("A birthday party invitation for Mia, who is turning 7", {"Mia": "title", "Turning 7": "subhead"}),
        ("Elegant wedding invitation for Anna & Ben, 12 June 2027", {"Anna & Ben": "title"}),
        ("A retirement party invitation for Joan Smith", {"Joan Smith": "title"}),
        # 2. the restaurant after "menu for / of", the act after "ticket for"
        ("A menu for Trattoria Luna", {"Trattoria Luna": "title"}),
        ("The menu of The Ivy, candlelit", {"The Ivy": "title"}),
        ("A concert ticket for The Lumens, Row F Seat 12", {"The Lumens": "title", "Row F Seat 12": "seat"}),
        # a journey's route on a ticket, in the brief's words (not the first city alone)
        ("Train ticket from Paris to Lyon, seat 14A", {"Paris to Lyon": "title", "seat 14A": "seat"}),
        ("Flight from Tokyo to Osaka boarding pass", {"Tokyo to Osaka": "title"}),
        # 3. a menu's courses, written without "sections (…)"
        (
            "A menu with starters, mains and desserts",
            {"Starters": "label", "Mains": "label", "Desserts": "label"},
        ),
        (
            "Menu for Trattoria Luna: antipasti, primi, secondi, dolci",
            {"Trattoria Luna": "title", "Antipasti": "label", "Primi": "label", "Dolci": "label"},
        ),
        ("A brunch menu (Breakfast, Lunch, Drinks)", {"Breakfast": "label", "Drinks": "label"}),
        # 4. a time keeps its own label
        ("Concert ticket, Saturday 9 May 2027, doors 7:30 pm", {"Doors 7:30 pm": "date"}),
        ("Club night flyer, doors open at 10 pm", {"Doors open at 10 pm": "date"}),
        (
            "Wedding card, ceremony 3 pm, reception at 6 pm",
            {"Ceremony 3 pm": "date", "Reception at 6 pm": "date"},
        ),
        # 5. a named place after an event
        ("A poster for a jazz night at Blue Lantern Hall, Friday 3 May 2027", {"Blue Lantern Hall": "venue"}),
        ("Save the date: wedding at Rosewood Gardens.", {"Rosewood Gardens": "venue"}),
        ("Christmas party at The Old Mill on Friday", {"The Old Mill": "venue"}),
        ("A retirement party invitation for Joan Smith at The Old Mill", {"The Old Mill": "venue"}),
    ],
)
def test_read(prompt: str, want: dict[str, str]) -> None:
    got = found(prompt)
    for text, role in want.items():
        assert got.get(text) == role, (text, got)


def test_read_texts_are_the_briefs_words() -> None:
    """Every text is a slice of the brief; only a lower-case label's first letter is set as a capital."""
    for prompt in (
        "A birthday party invitation for Mia turning 7 at Jumpy Land",
        "A menu for Trattoria Luna with starters, mains and desserts",
        "Concert ticket for The Lumens, doors 7:30 pm",
    ):
        for t in extract(prompt).texts:
            assert prompt[t.at : t.at + len(t.text)] in (t.text, t.text[:1].lower() + t.text[1:])


@pytest.mark.parametrize(
    "prompt",
    [
        "A birthday party invitation for kids turning 7",  # no name: nothing invented
        "A birthday party invitation for kids, bright colours",
        "A party invitation for Saturday",  # a day is no one's name
        "A wedding invitation for June",
        "A menu for kids",
        "A menu for Valentine's Day",  # an occasion, not a restaurant
        "The menu of the day",
        "a ticket for two",
        "A picnic party at dawn at the beach",  # a time of day and a common noun are no venue
        "A party at 7 pm",
        "A party at Christmas",
        "A road trip from dawn to dusk, a car on a highway",  # times of day are no route
        "A photo of a cat at Central Park",  # no event: a scene, not a venue
        "A poster with starters and mains",  # course words outside a menu are not sections
        "A menu with pasta, wine and candles",  # not every item is a course: a description
        "A menu with olives and bread on a wooden table",
        "A birthday cake with seven candles, the child is turning 7",
        "A party for kids who turn 7",
        "Doors and windows at 7 pm light",  # "doors" not before the time: only the time is read
    ],
)
def test_descriptions_stay_out(prompt: str) -> None:
    got = found(prompt)
    assert not [t for t, r in got.items() if r in ("title", "venue", "label")], got
    assert not any(t.startswith(("Doors", "doors")) for t in got), got


def _rendering(plan: Plan) -> Rendering:
    drawn = {t.id: None for t in plan.texts()}
    image = Image.new("RGB", (plan.canvas.width, plan.canvas.height), "#ffffff")
    return Rendering(image=image, scale=1.0, texts=drawn)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("prompt", "size", "texts"),
    [
        ("A birthday party invitation for Mia turning 7, balloons", None, ["Mia turning 7"]),
        (
            "A menu for Trattoria Luna with starters, mains and desserts",
            None,
            ["Trattoria Luna", "Starters", "Mains", "Desserts"],
        ),
        (
            "A concert ticket for The Lumens, Saturday 9 May 2027, doors 7:30 pm, Row F Seat 12",
            "1536x1024",
            ["The Lumens", "Doors 7:30 pm", "Row F Seat 12"],
        ),
        (
            "A poster for a jazz night at Blue Lantern Hall, Friday 3 May 2027 at 8 pm",
            None,
            ["Blue Lantern Hall", "Friday 3 May 2027 at 8 pm"],
        ),
    ],
)
def test_read_texts_are_asks_drawn_once_and_a_dropped_one_fails(
    prompt: str, size: str | None, texts: list[str]
) -> None:
    plan = plan_of(prompt, size)
    assert not problems(plan), problems(plan)
    asked = {a.value for a in plan.asks if a.kind == "text"}
    assert set(texts) <= asked
    drawn = [t.text for t in plan.texts()]
    assert all(drawn.count(t) == 1 for t in texts), drawn
    assert all(c.passed for c in check_asks(plan, _rendering(plan)) if "colour" not in (c.expected or ""))
    dropped = plan.model_copy(deep=True)
    for n in dropped.walk():
        if isinstance(n, TextNode) and n.text == texts[0]:
            n.text = texts[0][:-1]
    failed = [c.expected for c in check_asks(dropped, _rendering(dropped)) if not c.passed]
    assert len(failed) == 1 and repr(texts[0]) in (failed[0] or "")


def test_the_name_and_age_are_the_cards_big_line() -> None:
    t = nodes(plan_of("A birthday party invitation for Mia turning 7, Saturday 3 July at 2 pm, balloons"))
    lead, date = t["Mia turning 7"], t["Saturday 3 July at 2 pm"]
    assert lead.size > 1.5 * date.size and lead.box.bottom <= date.box.y and lead.max_lines == 1


def test_the_restaurant_heads_its_menu_and_the_courses_follow() -> None:
    t = nodes(plan_of("A menu for Trattoria Luna with starters, mains and desserts"))
    name, courses = t["Trattoria Luna"], [t["Starters"], t["Mains"], t["Desserts"]]
    assert all(name.size > c.size and name.box.bottom <= c.box.y for c in courses)
    # in the brief's order, down the page
    assert courses[0].box.y <= courses[1].box.y <= courses[2].box.y


def test_the_venue_sits_with_the_date() -> None:
    t = nodes(plan_of("Elegant wedding invitation for Anna & Ben, 12 June 2027, wedding at Rosewood Gardens"))
    names, date, venue = t["Anna & Ben"], t["12 June 2027"], t["Rosewood Gardens"]
    assert names.size > 2 * date.size and names.box.bottom <= date.box.y <= venue.box.y
