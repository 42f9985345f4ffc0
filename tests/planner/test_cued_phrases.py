"""Issue 8, items 1 and 4: one-off phrases a brief names by a cue word, without quotes (``reading/cued.py``).

Mastheads, taglines, offers, buttons, issue numbers, seats, barcodes, net weights, web addresses, venues
and handles are drawn exactly as written, become asks (so a missing one fails verification), and
descriptive words around them stay out of the image. Prompts of our own, with tricky punctuation.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from imagegen.contract.errors import InvalidValue
from imagegen.engines.planning.plan import Plan, TextNode
from imagegen.engines.planning.planner import compile_prompt
from imagegen.engines.planning.reading.content import extract
from imagegen.engines.planning.rendered import Rendering
from imagegen.engines.planning.verify.asks import check_asks

BRIEFS = Path(__file__).resolve().parents[2] / "bench" / "archetype_briefs.json"


def found(prompt: str) -> dict[str, str | None]:
    """text -> role of everything the reader asks to draw."""
    return {t.text: t.role for t in extract(prompt).texts}


def codes(prompt: str) -> list[tuple[str, str]]:
    return [(c.symbology, c.data) for c in extract(prompt).codes]


def plan_of(prompt: str, size: str = "1024x1536") -> Plan:
    w, h = (int(x) for x in size.split("x"))
    return compile_prompt(prompt, width=w, height=h, seed=11)


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        # mastheads and cover lines
        (
            "Magazine cover with masthead ORBIT, cover lines: The New Space Race; Living on Mars; "
            "10 Telescopes to Watch, issue 42",
            {
                "ORBIT": "masthead",
                "The New Space Race": "cover_line",
                "Living on Mars": "cover_line",
                "10 Telescopes to Watch": "cover_line",
                "issue 42": "volume",
            },
        ),
        ("A cover (masthead: NOVA) in bold serif.", {"NOVA": "masthead"}),
        # taglines: the sentence's period and a following "in" clause are not part of it
        ("A mug on a table with the tagline Slow Mornings.", {"Slow Mornings": "subhead"}),
        ("Poster, slogan: Brewed — not rushed; warm light", {"Brewed — not rushed": "subhead"}),
        ("Shoe ad with the strapline Run Further in italic serif", {"Run Further": "subhead"}),
        # a tagline or button may hold "at" / "for"; how or where it is set ends it
        ("Tea tin with the tagline Picked at Dawn, net weight 100 g", {"Picked at Dawn": "subhead"}),
        ("Sign-up card, a button Sign up for free below the form", {"Sign up for free": "button"}),
        # offers and buttons
        (
            "A web banner for a summer sale: Up to 50% off, button Shop now, coral and teal",
            {"Up to 50% off": "offer", "Shop now": "button"},
        ),
        ("Email header (Save $20!) with a CTA: Book today.", {"Save $20": "offer", "Book today": "button"}),
        (
            "Flyer: 30% off everything; free shipping",
            {"30% off everything": "offer", "free shipping": "offer"},
        ),
        # a series number and the title after its colon
        (
            "Instagram post announcing our new podcast episode 12: Designing for Trust, pastel colours",
            {"episode 12": "volume", "Designing for Trust": "title"},
        ),
        # seats on a ticket (a comma or a middle dot between parts keeps them one line)
        ("Concert ticket, Row F, Seat 12, doors 7:30 pm", {"Row F, Seat 12": "seat"}),
        ("Boarding pass: Gate B22 · Seat 4A", {"Gate B22 · Seat 4A": "seat"}),
        # quantities
        (
            "Packaging front titled Oat Crunch, net weight 500 g",
            {"Oat Crunch": "title", "net weight 500 g": "caption"},
        ),
        ("Jar label (Net wt. 12 oz) with a lid", {"Net wt. 12 oz": "caption"}),
        # web addresses without a scheme; handles and hashtags
        ("Hiring flyer, apply at jobs.example.com.", {"jobs.example.com": "contact"}),
        ("Poster: visit orbit.io/join!", {"orbit.io/join": "contact"}),
        (
            "Social card, follow @orbit_mag. Tag #SlowMornings, mail hi@orbit.io",
            {"@orbit_mag": "contact", "#SlowMornings": "contact", "hi@orbit.io": "contact"},
        ),
        # venues and addresses
        (
            "Elegant wedding invitation titled Anna & Ben, Saturday, June 12, 2027 at 4 pm, Rosewood Gardens",
            {"Anna & Ben": "title", "Saturday, June 12, 2027 at 4 pm": "date", "Rosewood Gardens": "venue"},
        ),
        ("Gala invitation; venue: The Old Mill; dress code formal", {"The Old Mill": "venue"}),
        ("Open house flyer, 12 Baker Street, London", {"12 Baker Street": "venue"}),
        # a caption named without quotes
        ("A 4-panel comic page: a robot wakes up; caption Monday", {"Monday": "caption"}),
    ],
)
def test_cued_phrases_are_read_exactly(prompt: str, expected: dict[str, str]) -> None:
    got = found(prompt)
    for text, role in expected.items():
        assert got.get(text) == role, (text, got)
        assert text in prompt  # a slice of the prompt, byte-exact


@pytest.mark.parametrize(
    "prompt",
    [
        "A banner with a button in the corner and a caption below each panel",
        "A magazine cover; the masthead in bold serif, cover lines on the left",
        "A tagline under the logo, a slogan in script",
        "A row of houses on a hill, seat cushions in teal",  # no ticket: seat words describe
        "A speaker at 4 pm, bright colours and a warm mood",  # lowercase after a time is no venue
        "Neon sign, #1e3a8a and #fff background, a #abc stripe",  # hex colours are no hashtags
        "Spec sheet, volume 330 ml",  # a volume with a unit is a quantity, not an issue number
        "Product shot, Node.js and 4.2 kg weights, file logo.png",  # no known top-level domain
        "A barcode of 13 digits at the bottom",  # no payload
    ],
)
def test_descriptions_stay_out(prompt: str) -> None:
    got = found(prompt)
    assert not [
        t
        for t, r in got.items()
        if r in ("masthead", "subhead", "button", "caption", "seat", "venue", "volume", "contact", "offer")
    ], got
    assert not codes(prompt)


def test_quoted_text_is_not_read_twice() -> None:
    got = extract('Magazine cover, masthead "ORBIT", tagline "Slow Mornings", button "Shop now"').texts
    assert sorted(t.text for t in got) == ["ORBIT", "Shop now", "Slow Mornings"]
    assert all(not t.unquoted for t in got)


def test_bare_barcodes_take_their_symbology_from_the_payload() -> None:
    assert codes("Concert ticket, barcode NL2027F12.") == [("code128", "NL2027F12")]
    assert codes("Price tag with a barcode: 4006381333931") == [("ean13", "4006381333931")]
    # the named symbology reads it once, not twice
    assert codes("Pack with an EAN-13 barcode 4006381333931") == [("ean13", "4006381333931")]
    assert codes("Code 128 barcode AST-1592") == [("code128", "AST-1592")]
    with pytest.raises(InvalidValue):
        extract("Label with a barcode 4006381333932")  # wrong EAN-13 check digit: refused, never corrected


def _rendering(plan: Plan) -> Rendering:
    from PIL import Image

    drawn = {t.id: None for t in plan.texts()}
    image = Image.new("RGB", (plan.canvas.width, plan.canvas.height), "#ffffff")
    return Rendering(image=image, scale=1.0, texts=drawn)  # type: ignore[arg-type]


def test_found_items_are_asks_and_a_missing_one_fails() -> None:
    plan = plan_of(
        "Concert ticket titled Northern Lights Live, Row F Seat 12, barcode NL2027F12", "1536x1024"
    )
    asked = {(a.kind, a.value) for a in plan.asks}
    assert {("text", "Row F Seat 12"), ("code", "NL2027F12"), ("text", "Northern Lights Live")} <= asked
    assert all(
        c.passed for c in check_asks(plan, _rendering(plan)) if c.expected and "colour" not in c.expected
    )
    dropped = plan.model_copy(deep=True)
    for n in list(dropped.walk()):
        if isinstance(n, TextNode) and n.text == "Row F Seat 12":
            n.text = "Row F"
    failed = [c.expected for c in check_asks(dropped, _rendering(dropped)) if not c.passed]
    assert failed == ["text 'Row F Seat 12' (seat)"]


def test_hierarchy_of_found_items() -> None:
    cover = plan_of("Magazine cover with masthead ORBIT, cover lines: Living on Mars; Deep Fields, issue 42")
    size = {t.text: t.size for t in cover.texts()}
    assert size["ORBIT"] > size["Living on Mars"] > size["issue 42"]
    banner = plan_of("A web banner for a summer sale: Up to 50% off, button Shop now", "1536x1024")
    by = {t.text: t for t in banner.texts()}
    assert by["Up to 50% off"].size > by["Shop now"].size
    assert by["Shop now"].plate == banner.theme.palette.accent  # a button, not a loose line
    # a tagline alone is the product shot's headline, not a caption-sized line
    hero = plan_of("A product hero shot of a mug with the tagline Slow Mornings", "1536x1024")
    (tag,) = hero.texts()
    assert tag.text == "Slow Mornings" and tag.role in ("headline", "title")


def test_every_archetype_brief_asks_for_its_text() -> None:
    cases = {c["id"]: c for c in json.loads(BRIEFS.read_text(encoding="utf-8"))["cases"]}
    wanted = {
        "magazine-cover": ["ORBIT", "The New Space Race", "issue 42"],
        "banner": ["Up to 50% off", "Shop now"],
        "social-card": ["episode 12", "Designing for Trust"],
        "ticket": ["Row F Seat 12", "NL2027F12"],
        "product-hero": ["Slow Mornings"],
        "packaging": ["net weight 500 g"],
        "flyer": ["jobs.example.com"],
        "invitation": ["Rosewood Gardens"],
        "poster": ["Riverside Park"],
    }
    for cid, texts in wanted.items():
        case = cases[cid]
        plan = plan_of(case["prompt"], case["size"])
        values = {a.value for a in plan.asks if a.kind in ("text", "code")}
        assert set(texts) <= values, (cid, values)
