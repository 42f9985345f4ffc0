"""Colour names are read through the one colour table (``reading/colors.py``): CSS names written as a brief
writes them, with spaces or hyphens, are one colour; their single words inside ordinary prose are none."""

from __future__ import annotations

import pytest
from PIL import ImageColor

from imagegen.engines.planning.planner import compile_prompt
from imagegen.engines.planning.reading.colors import NAMED_COLORS, color_value, named_colors_in


@pytest.mark.parametrize(
    ("text", "css"),
    [
        ("a light sea green banner", "lightseagreen"),
        ("dark slate blue background", "darkslateblue"),
        ("medium violet red accents", "mediumvioletred"),
        ("in light-sea-green", "lightseagreen"),
        ("Cornflower Blue", "cornflowerblue"),
        ("deep sky blue", "deepskyblue"),
        ("light goldenrod yellow", "lightgoldenrodyellow"),
        ("hot pink", "hotpink"),
        ("dark olive green", "darkolivegreen"),
        ("rebecca purple", "rebeccapurple"),
    ],
)
def test_spaced_css_names_are_one_colour(text: str, css: str) -> None:
    assert [value for _, value in named_colors_in(text)] == [ImageColor.colormap[css]]


def test_every_spaced_name_is_a_css_name_and_every_css_name_is_read() -> None:
    for name, value in NAMED_COLORS.items():
        if " " in name and name != "sky blue":
            assert ImageColor.colormap[name.replace(" ", "")] == value
    for css, value in ImageColor.colormap.items():
        if isinstance(value, str):
            assert named_colors_in(f"the {css} one") == [(css, color_value(css))]


@pytest.mark.parametrize(
    "prose",
    [
        "a dark room",
        "a light sea breeze",
        "an old lace collar and a sea shell",
        "medium rare, deep water, pale moonlight",
        "a hot day in the forest",
        "the royal wedding",
    ],
)
def test_words_of_colour_names_in_prose_are_not_colours(prose: str) -> None:
    assert named_colors_in(prose) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a shade word on one colour is still the planner's colour, shaded
        ("dark red", [color_value("dark red")]),
        ("white smoke", ["#ffffff"]),
        # two colour words side by side stay two colours
        ("lime green", [NAMED_COLORS["lime"], NAMED_COLORS["green"]]),
        ("orange red", [NAMED_COLORS["orange"], NAMED_COLORS["red"]]),
    ],
)
def test_shades_and_colour_lists_keep_their_reading(text: str, expected: list[str]) -> None:
    assert [value for _, value in named_colors_in(text)] == expected
    assert color_value("dark red") not in (None, ImageColor.colormap["darkred"])


def test_a_brief_with_a_spaced_css_background_gets_it() -> None:
    plan = compile_prompt(
        'Poster "Open Day", dark slate blue background, text in white', width=1024, height=1024, seed=1
    )
    assert plan.canvas.background.colors[0] == ImageColor.colormap["darkslateblue"]
