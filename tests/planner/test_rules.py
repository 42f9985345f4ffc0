"""The rule homes (``engines/planning/rules``): one policy each, applied the same way everywhere."""

from __future__ import annotations

import pytest

from imagegen.contract.errors import InvalidValue
from imagegen.engines.planning.edits import instructions
from imagegen.engines.planning.edits.code_marks import validate_payload
from imagegen.engines.planning.reading.codes import validate
from imagegen.engines.planning.render.codes import validate_code
from imagegen.engines.planning.rules import ean13

GOOD = ["5901234123457", "4006381333931", "0000000000000", "9780306406157"]
BAD_CHECK = ["5901234123458", "4006381333932", "9780306406158"]
TWELVE = ["590123412345", "400638133393"]
MALFORMED = ["", "12ab", "59012341234570", "5901 2341 2345 7", "５９０１２３４１２３４５７"]


@pytest.mark.parametrize("data", GOOD)
def test_a_valid_ean13_passes_everywhere(data: str) -> None:
    assert ean13.is_valid(data) and ean13.problem(data) is None
    assert validate("ean13", data) == data
    assert validate_code("ean13", data) is None
    assert validate_payload("ean13", data) == data


@pytest.mark.parametrize("data", BAD_CHECK + TWELVE + MALFORMED)
def test_every_part_refuses_the_same_payloads(data: str) -> None:
    assert not ean13.is_valid(data)
    with pytest.raises(InvalidValue):
        validate("ean13", data)
    assert validate_code("ean13", data) == ean13.problem(data)


@pytest.mark.parametrize("data", TWELVE)
def test_twelve_digits_are_refused_with_the_full_code_not_completed(data: str) -> None:
    full = data + str(ean13.check_digit(data))
    assert f"{full!r}" in (ean13.problem(data) or "")
    with pytest.raises(InvalidValue, match="13 digits"):
        validate_payload("ean13", data)  # the edits used to append the check digit silently


def test_edits_drop_the_spaces_and_dashes_typed_inside_a_number() -> None:
    assert validate_payload("ean13", "590-1234-12345 7") == "5901234123457"
    with pytest.raises(InvalidValue, match="check digit"):
        validate_payload("ean13", "590 1234 12345 8")


def test_check_digit_is_gs1() -> None:
    assert ean13.check_digit("590123412345") == 7
    assert ean13.check_digit("978030640615") == 7


# one table of script ranges (rules/scripts.py): the planner's language hint, the recognizer the verifier
# picks and the font the edits choose agree on every script they share
SCRIPT_SAMPLES = [
    ("Hello, world!", "en", "latin", "en"),
    ("上海咖啡", "zh-Hans", "han", "zh"),
    ("コーヒー", "ja", "ja", "ja"),
    ("東京のカフェ", "ja", "ja", "ja"),
    ("ｶﾌｪ", "ja", "ja", "ja"),  # half-width katakana
    ("서울", "ko", "ko", "ko"),
    ("ㅎㅎ", "ko", "ko", "ko"),  # compatibility jamo
    ("नमस्ते", "hi", "hi", "hi"),
    ("শুভ", "bn", "bn", "bn"),
    ("قهوة", "ar", "ar", "ar"),
    ("ﻗﻬﻮﺓ", "ar", "ar", "ar"),  # presentation forms
    ("Ünïcödé “quotes” — 2026", "en", "latin", "en"),
]


@pytest.mark.parametrize(("text", "hint", "recognizer", "font"), SCRIPT_SAMPLES)
def test_planner_verifier_and_edits_read_scripts_from_one_table(
    text: str, hint: str, recognizer: str, font: str
) -> None:
    from imagegen.engines.planning.edits.typeset import script_of as font_script
    from imagegen.engines.planning.rules.scripts import detect_lang
    from imagegen.engines.planning.verify.scripts import scripts_in

    assert detect_lang(text) == hint
    assert scripts_in(text) - {"latin"} == ({recognizer} - {"latin"})
    assert font_script(text) == font


# the edits read instructions with the planner's readers: quotes, colours, placement, fonts and codes
@pytest.mark.parametrize(
    "prompt",
    [
        'add "SALE" at the top',
        "add „Hallo Welt“ and 『東京』",
        "write ‘Rock’n’roll’ in gold",
        "it's time: add 'Open late' below",
        'change "Frame 1" to "Frame 2"',  # two texts, never a numbered range
        'add "5" x 2" tiles"',
    ],
)
def test_edit_quotes_are_the_planners_quotes(prompt: str) -> None:
    from imagegen.engines.planning.reading.quotes import quoted_spans

    _, quotes = instructions.extract_quotes(prompt)
    assert quotes == [q.text for q in quoted_spans(prompt)]


@pytest.mark.parametrize(
    "words", ["gold", "red", "dark blue", "deep red", "navy", "tomato", "#1E3A8A", "teal"]
)
def test_edit_colours_are_the_planners_colours(words: str) -> None:
    from imagegen.engines.planning.reading.colors import named_colors_in

    assert instructions.parse_color(f"make it {words}") == named_colors_in(words)[0][1]


def test_gold_means_the_design_gold_in_briefs_and_edits() -> None:
    from imagegen.engines.planning.reading.colors import color_value

    assert instructions.parse_color("in gold") == color_value("gold") == "#d4af37"


@pytest.mark.parametrize(
    ("words", "anchor"),
    [
        ("top right", "top-right"),
        ("in the bottom left corner", "bottom-left"),
        ("right top", "top-right"),
        ("move it to the top", "top-center"),
        ("at the bottom", "bottom-center"),
        ("centered", "center"),
        ("on the left side", "middle-left"),
        ("written right to left", None),  # writing direction is not placement
        ("somewhere nice", None),
    ],
)
def test_edit_placement_is_the_planners_placement(words: str, anchor: str | None) -> None:
    assert instructions.parse_placement(words) == anchor


@pytest.mark.parametrize(
    ("prompt", "family", "weight", "style"),
    [
        ("use a serif font for the title", "serif", None, None),
        ("change the font to Poppins", "League Spartan", None, None),
        ("make the headline bold", None, 700, None),
        ("make the caption italic", None, None, "italic"),
        ("set the title in a heavy condensed sans font", "condensed", 900, None),
        ("use a monospace font for the price", "mono", None, None),
    ],
)
def test_edit_fonts_are_the_planners_fonts(
    prompt: str, family: str | None, weight: int | None, style: str | None
) -> None:
    [op] = instructions.parse(prompt).ops
    assert (op.kind, op.family, op.weight, op.style) == ("font", family, weight, style)


@pytest.mark.parametrize(
    ("prompt", "symbology"),
    [
        ("add a barcode 5901234123457", "ean13"),
        ('add a barcode "5901234123457"', "ean13"),  # quoted or not, the same rule
        ("add a barcode 590123412345", "code128"),
        ('add a Code 128 barcode "5901234123457"', "code128"),
        ("add a UPC 5901234123457", "ean13"),
        ("add a QR code linking to https://example.com/a", "qr"),
    ],
)
def test_edit_codes_take_the_planners_symbology(prompt: str, symbology: str) -> None:
    [op] = instructions.parse(prompt).ops
    assert op.symbology == symbology


def test_a_bare_barcode_with_13_digits_and_a_wrong_check_digit_is_refused_like_a_brief() -> None:
    [op] = instructions.parse("add a barcode 5901234123458").ops
    assert op.symbology == "ean13"
    with pytest.raises(InvalidValue, match="check digit"):
        validate_payload("ean13", op.data or "")
    with pytest.raises(InvalidValue, match="check digit"):
        validate("ean13", "5901234123458")
