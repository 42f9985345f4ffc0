"""The edit-prompt parser: quoted text verbatim, one operation per clause, nothing dropped."""

from __future__ import annotations

import pytest

from imagegen.engines.planning.edits.instructions import parse, parse_color, parse_placement
from imagegen.engines.planning.reading.colors import color_value


def _one(prompt: str) -> dict[str, object]:
    ops = parse(prompt).ops
    assert len(ops) == 1, ops
    return {k: v for k, v in ops[0].__dict__.items() if v not in (None, False) and k != "clause"}


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        (
            'change the headline to "Autumn Jazz"',
            {"kind": "set_text", "target": "headline", "text": "Autumn Jazz"},
        ),
        ('replace "A" with "B"', {"kind": "replace_text", "old": "A", "text": "B"}),
        ('make the subhead "Y"', {"kind": "set_text", "target": "subhead", "text": "Y"}),
        (
            "move the headline to bottom-center",
            {"kind": "move", "target": "headline", "placement": "bottom-center"},
        ),
        ("make the background dark blue", {"kind": "background", "color": "#184099"}),
        ("use a serif font for the title", {"kind": "font", "target": "title", "family": "serif"}),
        ("remove the QR code", {"kind": "remove", "target": "qr"}),
        ('add a caption "Z"', {"kind": "add_text", "target": "caption", "text": "Z"}),
        ('change the price to "$99"', {"kind": "set_text", "target": "price", "text": "$99"}),
        ("warmer light", {"kind": "tone", "tone": "warm"}),
        ("make it black and white", {"kind": "tone", "tone": "grayscale"}),
        ("make it red", {"kind": "tone", "tone": "tint", "color": "#d62828"}),
        ("brighter", {"kind": "tone", "tone": "brighter"}),
        ("darker", {"kind": "tone", "tone": "darker"}),
        ("remove the logo", {"kind": "remove", "target": "logo"}),
        ("add a red balloon", {"kind": "fill", "subject": "a red balloon"}),
        (
            'add an EAN-13 barcode "5901234123457"',
            {"kind": "code", "symbology": "ean13", "data": "5901234123457"},
        ),
        ('Code 128 value "NUM-0001"', {"kind": "code", "symbology": "code128", "data": "NUM-0001"}),
        (
            "add a QR code linking to https://example.com/a?b=1.",
            {"kind": "code", "symbology": "qr", "data": "https://example.com/a?b=1"},
        ),
        ('add a logo "AQ"', {"kind": "logo", "target": "logo", "text": "AQ"}),
        ("make the headline red", {"kind": "color", "target": "headline", "color": "#d62828"}),
        ('add the text "SALE" at the top', {"kind": "add_text", "text": "SALE", "placement": "top-center"}),
        ('Write "Happy Birthday" in bold gold', {"kind": "add_text", "color": "#d4af37", "weight": 700}),
        ("Replace the sky with a sunset", {"kind": "fill", "subject": "a sunset"}),
        ("make the title bigger", {"kind": "size", "target": "title", "factor": 1.3}),
        ("add a barcode 5901234123457", {"kind": "code", "symbology": "ean13"}),
        ("put the logo from image 2 here", {"kind": "paste", "image_index": 1}),
    ],
)
def test_single_instructions(prompt: str, expected: dict[str, object]) -> None:
    got = _one(prompt)
    for key, value in expected.items():
        assert got.get(key) == value, (prompt, got)


def test_quotes_are_verbatim_and_never_split() -> None:
    # Separators, verbs, curly quotes and case inside quotes must survive untouched.
    parsed = parse("change the headline to “Rock; and REMOVE the QR. Now!” and make it warmer")
    assert [op.kind for op in parsed.ops] == ["set_text", "tone"]
    assert parsed.ops[0].text == "Rock; and REMOVE the QR. Now!"


def test_several_clauses_in_order() -> None:
    kinds = [op.kind for op in parse('cooler; add a QR code for "hello" then remove the logo').ops]
    assert kinds == ["tone", "code", "remove"]


def test_unknown_is_kept_not_dropped() -> None:
    ops = parse("a cat sleeping on the sofa").ops
    assert [op.kind for op in ops] == ["unknown"]
    assert ops[0].clause == "a cat sleeping on the sofa"


def test_colors_and_placements() -> None:
    # one colour table (reading.colors): the planner's design meaning of a name, CSS for the rest
    assert parse_color("deep red") == color_value("deep red") == "#761616"
    assert parse_color("tomato") == "#ff6347"
    assert parse_color("#1E3A8A please") == "#1e3a8a"
    assert parse_color("nothing here") is None
    assert parse_placement("top right") == "top-right"
    assert parse_placement("in the bottom left corner") == "bottom-left"
    assert parse_placement("centered") == "center"
