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


def test_an_edit_reads_a_valid_ean13_as_ean_and_other_numbers_as_code128() -> None:
    [op] = instructions.parse("add a barcode 5901234123457").ops
    assert op.symbology == "ean13"
    [op] = instructions.parse("add a barcode 5901234123458").ops
    assert op.symbology == "code128"


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
