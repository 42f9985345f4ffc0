"""Tricky phrasing: quotes of every kind, nested labels, colons, scripts, empty and long text, many quotes,
codes (valid and not), prices, ranges, placement and aspect words."""

from __future__ import annotations

from collections import Counter

import pytest
from planner_geometry import problems

from imagegen.contract.errors import InvalidValue
from imagegen.engines.planning.plan import Plan
from imagegen.engines.planning.planner import compile_prompt, summarize


def plan_of(prompt: str, w: int | None = 1024, h: int | None = 1024, **kw: object) -> Plan:
    plan = compile_prompt(prompt, width=w, height=h, seed=3, **kw)  # type: ignore[arg-type]
    assert problems(plan) == [], problems(plan)
    return plan


def texts(plan: Plan) -> list[str]:
    return sorted(t.text for t in plan.texts())


def roles(plan: Plan) -> dict[str, str]:
    return {t.text: t.role for t in plan.texts()}


def test_curly_double_and_single_quotes() -> None:
    plan = plan_of("A poster with the headline “Hello World” and the subhead ‘Stay curious’")
    assert roles(plan) == {"Hello World": "headline", "Stay curious": "subhead"}


def test_apostrophes_inside_quotes_are_kept() -> None:
    plan = plan_of("Headline \"Don't Stop Believin'\" and a caption ‘Rock’n’roll’s back’")
    assert texts(plan) == sorted(["Don't Stop Believin'", "Rock’n’roll’s back"])


def test_straight_single_quotes_but_not_apostrophes() -> None:
    plan = plan_of("It's a poster that's bold with the title 'Summer Nights' at the top")
    assert texts(plan) == ["Summer Nights"]


def test_corner_brackets_and_guillemets() -> None:
    plan = plan_of("A shop sign that reads 「本日のおすすめ」, and below it «Ouvert»")
    assert texts(plan) == sorted(["本日のおすすめ", "Ouvert"])
    assert {t.lang for t in plan.texts()} == {"ja", "en"}


def test_nested_labels_inside_a_text_segment() -> None:
    plan = plan_of(
        'Goal: promote the sale. Text: Headline: "Big Sale" Subhead: "50% off everything". Style: bold.'
    )
    assert roles(plan) == {"Big Sale": "headline", "50% off everything": "subhead"}
    assert plan.brief.goal == "promote the sale."


def test_quote_containing_a_colon_is_one_text_not_a_label() -> None:
    plan = plan_of('Headline "Note: read me first" in serif')
    assert texts(plan) == ["Note: read me first"]
    assert plan.texts()[0].font.family == "serif"


def test_mixed_scripts_keep_exact_text_and_language() -> None:
    plan = plan_of('A poster with the headline "こんにちは" and "안녕하세요" below, plus "مرحبا"')
    got = {t.text: (t.lang, t.direction) for t in plan.texts()}
    assert got == {"こんにちは": ("ja", "ltr"), "안녕하세요": ("ko", "ltr"), "مرحبا": ("ar", "rtl")}


def test_empty_quote_draws_nothing_and_drops_nothing_else() -> None:
    plan = plan_of('A poster with the headline "" and the subhead "Hello"')
    assert texts(plan) == ["Hello"]
    assert all(t.text.strip() for t in plan.texts())


def test_whitespace_and_case_inside_quotes_are_untouched() -> None:
    plan = plan_of('Headline "iPhone  16   PRO max" centered')
    assert texts(plan) == ["iPhone  16   PRO max"]


def test_very_long_quote_fits_the_canvas() -> None:
    long = " ".join(["Exactness matters when every word is promised to the reader."] * 7)
    plan = plan_of(f'A poster with the body text "{long}" and the headline "Read This"')
    assert texts(plan) == sorted([long, "Read This"])
    body = next(t for t in plan.texts() if t.text == long)
    assert body.max_lines >= 3 and body.box.w > 500


def test_ten_quoted_strings_all_appear_once() -> None:
    words = [f"Point {i}" for i in range(1, 11)]
    quoted = ", ".join(f'"{w}"' for w in words)
    plan = plan_of(f'A slide titled "Ten Things" with bullets {quoted}', 1536, 1024)
    counts = Counter(t.text for t in plan.texts())
    assert all(counts[w] == 1 for w in words) and counts["Ten Things"] == 1
    assert {roles(plan)[w] for w in words} == {"bullet"}


def test_unquoted_words_and_numbers_are_never_drawn() -> None:
    plan = plan_of("A calm mountain landscape poster about 3 cats and 2 dogs, sunset colors")
    assert plan.texts() == []
    assert any(n.kind == "image" for n in plan.walk())


def test_displayed_values_are_drawn_exactly_and_labels_become_icons() -> None:
    plan = plan_of(
        "Mobile app dashboard showing distance 5.2 km, sleep 7 h and water 1,250 ml. Exact numbers.",
        1024,
        1536,
    )
    assert texts(plan) == sorted(["5.2 km", "7 h", "1,250 ml"])
    icons = {n.name for n in plan.walk() if n.kind == "icon"}
    assert {"directions_run", "bedtime", "water_drop"} <= icons


def test_qr_link_unquoted_strips_sentence_punctuation() -> None:
    plan = plan_of('A flyer with a QR code linking to https://example.com/join?x=1. Headline "Join us"')
    assert [(c.symbology, c.data) for c in plan.codes()] == [("qr", "https://example.com/join?x=1")]
    assert texts(plan) == ["Join us"]


@pytest.mark.parametrize(
    ("prompt", "want"),
    [
        ("Train ticket from Paris to Lyon, QR code TGV-8842, seat 14A, 9 May 2027", [("qr", "TGV-8842")]),
        ("Boarding pass with QR code AB12-XY", [("qr", "AB12-XY")]),
        ("A flyer with a QR code: 12345 in the corner", [("qr", "12345")]),
        # sizes, counts and links are not token payloads (a link is read once, by the link reader)
        ("A poster with a QR code 3 cm wide in the corner", []),
        ("A QR code of 20 modules on a card", []),
        ("A poster with a QR code linking to https://example.com/tix2", [("qr", "https://example.com/tix2")]),
    ],
)
def test_qr_token_unquoted(prompt: str, want: list[tuple[str, str]]) -> None:
    plan = plan_of(prompt, 1024, 1536)
    assert [(c.symbology, c.data) for c in plan.codes()] == want


def test_ean13_with_a_bad_check_digit_is_refused() -> None:
    with pytest.raises(InvalidValue) as err:
        compile_prompt(
            'A product label with an EAN-13 barcode "5901234123458"', width=None, height=None, seed=1
        )
    assert "check digit" in err.value.message and err.value.code == "invalid_value"


def test_ean13_with_twelve_digits_is_refused_with_the_full_code() -> None:
    with pytest.raises(InvalidValue) as err:
        compile_prompt("Wine label, EAN-13 590123412345", width=None, height=None, seed=1)
    assert "5901234123457" in err.value.message


def test_code128_unquoted_and_barcode_placement() -> None:
    plan = plan_of('Shipping label titled "Parcel" with Code 128 ABC-123 at the top right', 1024, 1536)
    code = plan.codes()[0]
    assert (code.symbology, code.data) == ("code128", "ABC-123")
    # right-aligned on the card (row layouts honor the horizontal part of a code's placement)
    assert code.box.right > plan.canvas.width * 0.8 and code.box.x > plan.canvas.margin + 100


def test_bare_barcode_picks_the_symbology_from_the_payload() -> None:
    plan = plan_of('Ticket titled "Gate 7" with a barcode "4006381333931" and a barcode "GATE-7"', 1536, 768)
    assert sorted((c.symbology, c.data) for c in plan.codes()) == [
        ("code128", "GATE-7"),
        ("ean13", "4006381333931"),
    ]


def test_menu_items_with_prices() -> None:
    plan = plan_of(
        'Cafe menu titled "Morning" with items "Espresso" $3.50, "Latte" $4.75 and "Mocha" $5', 1024, 1536
    )
    assert plan.archetype == "menu"
    assert texts(plan) == sorted(["Morning", "Espresso", "$3.50", "Latte", "$4.75", "Mocha", "$5"])
    price = next(t for t in plan.texts() if t.text == "$3.50")
    item = next(t for t in plan.texts() if t.text == "Espresso")
    assert price.role == "price" and price.align == "right" and abs(price.box.y - item.box.y) < 1


def test_buttons_sit_on_accent_plates() -> None:
    plan = plan_of(
        'iOS app screen titled "Welcome" with a button "Sign up" and a button "Log in"', 1024, 1536
    )
    buttons = [t for t in plan.texts() if t.role == "button"]
    assert [b.text for b in buttons] == ["Sign up", "Log in"]
    assert all(b.plate == plan.theme.palette.accent for b in buttons)


def test_zero_padded_range_expands() -> None:
    plan = plan_of('Storyboard with frames captioned "Shot 01" through "Shot 04"', 1536, 1024)
    assert texts(plan) == ["Shot 01", "Shot 02", "Shot 03", "Shot 04"]


def test_comic_bubbles_without_panel_numbers_fill_panels_in_order() -> None:
    plan = plan_of('A 3-panel comic strip: speech bubbles "Hi!", "Hello.", "Bye!"', 1536, 1024)
    panels = [n for n in plan.nodes if n.kind == "group"]
    assert [[c.text for c in p.children if c.kind == "text"] for p in panels] == [
        ["Hi!"],
        ["Hello."],
        ["Bye!"],
    ]


def test_ticket_and_spec_sheet_and_slide_archetypes() -> None:
    ticket = plan_of('Concert ticket titled "Night Owls Live" with a QR code for "TICKET-42"', 1536, 768)
    assert ticket.archetype == "ticket" and ticket.codes()[0].data == "TICKET-42"
    spec = plan_of(
        'Spec sheet titled "X1 Drone" with rows "Weight: 249 g", "Range: 10 km", "Battery: 34 min"',
        1024,
        1536,
    )
    assert spec.archetype == "spec_sheet" and {t.role for t in spec.texts()} == {"title", "row"}
    slide = plan_of(
        'Presentation slide titled "Q3 Results" with bullets "Revenue up", "Costs down"', None, None
    )
    assert slide.archetype == "slide" and slide.canvas.width > slide.canvas.height


def test_placement_words() -> None:
    from imagegen.engines.planning.reading.placement import parse_placement

    assert (parse_placement("top-right").h, parse_placement("top-right").v) == ("right", "top")
    assert (parse_placement("bottom left").h, parse_placement("bottom left").v) == ("left", "bottom")
    assert parse_placement("bottom-center").h == "center"
    assert parse_placement("at the top").v == "top"
    assert parse_placement("left aligned").h == "left"
    assert parse_placement("written right to left").h is None
    assert parse_placement("rule of thirds").thirds
    assert parse_placement("and one below").relative == "below"


@pytest.mark.parametrize(
    ("words", "size"),
    [
        ("16:9", (2048, 1152)),
        ("3:1 banner", None),
        ("portrait", (1024, 1536)),
        ("landscape", (1536, 1024)),
        ("square", (1024, 1024)),
        ("square at 2K", (2048, 2048)),
        ("9:16 story", (1152, 2048)),
    ],
)
def test_aspect_hints_choose_valid_sizes(words: str, size: tuple[int, int] | None) -> None:
    from imagegen.engines.planning.planner.aspect import is_valid_size

    plan = plan_of(f'A poster, {words}, headline "Hi"', None, None)
    got = (plan.canvas.width, plan.canvas.height)
    assert is_valid_size(*got)
    if size:
        assert got == size
    else:
        assert abs(got[0] / got[1] - 3.0) < 0.05


def test_aspect_hint_ignored_when_size_given() -> None:
    plan = plan_of('A poster, 16:9, headline "Hi"', 1024, 1536)
    assert (plan.canvas.width, plan.canvas.height) == (1024, 1536)


def test_transparent_background() -> None:
    plan = plan_of('A sticker with the word "YES"', 1024, 1024, background="transparent")
    assert plan.canvas.background.kind == "transparent"
    auto = plan_of('A logo "ACME" on a transparent background', 1024, 1024)
    assert auto.canvas.background.kind == "transparent"
    opaque = plan_of('A logo "ACME" on a transparent background', 1024, 1024, background="opaque")
    assert opaque.canvas.background.kind != "transparent"


def test_named_fonts_map_to_open_families() -> None:
    plan = plan_of(
        'Poster: headline "A" in Helvetica Bold, subhead "B" in Times New Roman italic, '
        'caption "C" in Courier'
    )
    fonts = {t.text: (t.font.family, t.font.weight, t.font.style) for t in plan.texts()}
    assert fonts["A"] == ("Inter", 700, "normal")
    assert fonts["B"][0] == "Noto Serif" and fonts["B"][2] == "italic"
    assert fonts["C"][0] == "JetBrains Mono"


def test_empty_prompt_and_bad_variant_are_refused() -> None:
    with pytest.raises(InvalidValue):
        compile_prompt("   ", width=None, height=None, seed=0)
    with pytest.raises(InvalidValue):
        compile_prompt("x", width=None, height=None, seed=0, variant=2, variants=2)


def test_summary_names_every_text_and_code() -> None:
    plan = plan_of('Label titled "Batch 7" with a QR code for "https://e.x/7"', 1024, 1536)
    s = summarize(plan)
    assert '"Batch 7"' in s and "https://e.x/7" in s and "1024x1536" in s


def test_too_many_texts_are_refused_quickly() -> None:
    import time

    # CPU time, not wall-clock: it measures the work, however busy the machine (a blow-up shows in both)
    started = time.process_time()
    with pytest.raises(InvalidValue) as err:
        compile_prompt('"a" ' * 8000, width=None, height=None, seed=0)
    assert "at most 200" in err.value.message
    assert time.process_time() - started < 5


def test_two_hundred_texts_compile_fast_and_clean() -> None:
    import time

    prompt = "A poster. " + " ".join(f'Bullet "Item {i}"' + (". " if i % 5 == 0 else ",") for i in range(200))
    # CPU time, not wall-clock: it measures the work, however busy the machine (a blow-up shows in both)
    started = time.process_time()
    plan = plan_of(prompt, 1024, 1536)
    assert len(plan.texts()) == 200 and time.process_time() - started < 5


def test_text_colors_asked_for_are_kept_when_legible() -> None:
    plan = plan_of('Poster with headline "SALE" in bold red and a caption "Ends Sunday" in a red box')
    colors = {t.text: t.color for t in plan.texts()}
    assert colors["SALE"] == "#d62828"  # asked, and it reads on white
    assert colors["Ends Sunday"] != "#d62828"  # "in a red box" is not the text's color
    white = plan_of('Poster with headline "Snow" in white')
    from imagegen.engines.planning.rules.contrast import contrast_ratio

    head = white.texts()[0]
    assert head.color != "#ffffff" and contrast_ratio(head.color, white.theme.palette.background) >= 3.0
