"""Size parsing and the two size rules (SPEC §4)."""

from __future__ import annotations

import pytest

from imagegen.contract.errors import InvalidValue
from imagegen.contract.sizes import FixedSizes, FlexibleSizes, format_size, parse_size


@pytest.mark.parametrize(
    "text", ["1024x1024", "1024X1024", "1024_1024", "1024*1024", " 1024 x 1024 ", "1024×1024"]
)
def test_parse_spellings(text: str) -> None:
    assert parse_size(text) == (1024, 1024)


@pytest.mark.parametrize("text", ["auto", "AUTO", None])
def test_auto_is_none(text: str | None) -> None:
    assert parse_size(text) is None


@pytest.mark.parametrize("text", ["big", "1024", "1024x", "x1024", "10.5x20", "-16x16", "1024x1024x3", ""])
def test_unparseable(text: str) -> None:
    with pytest.raises(InvalidValue) as err:
        parse_size(text)
    assert err.value.param == "size"
    assert "WIDTHxHEIGHT" in err.value.message


def test_wrong_type() -> None:
    with pytest.raises(InvalidValue, match="expected a string"):
        parse_size(1024)


def test_format() -> None:
    assert format_size(1536, 1024) == "1536x1024"


FLEX = FlexibleSizes()


@pytest.mark.parametrize(
    "size",
    [
        "1024x1024",
        "1536x1024",
        "1024x1536",
        "2048x2048",
        "2048x1152",
        "1152x2048",
        "3840x2160",
        "2160x3840",
        "1440x480",
        "480x1440",
        "816x816",
    ],
)
def test_flexible_accepts(size: str) -> None:
    w, h = parse_size(size)  # type: ignore[misc]
    FLEX.check(w, h, size)


@pytest.mark.parametrize(
    ("size", "rule"),
    [
        ("1792x936", "Width and height must both be divisible by 16."),
        ("1000x1024", "divisible by 16"),
        ("3856x2160", "longest edge must be at most 3840"),
        ("1536x496", "at most 3:1"),
        ("2400x784", "at most 3:1"),
        ("800x800", "at least 655,360 pixels"),
        ("3840x2176", "at most 8,294,400 pixels"),
        ("0x1024", "positive"),
    ],
)
def test_flexible_refuses_naming_the_rule(size: str, rule: str) -> None:
    w, h = parse_size(size)  # type: ignore[misc]
    with pytest.raises(InvalidValue) as err:
        FLEX.check(w, h, size)
    assert err.value.param == "size"
    assert err.value.code == "invalid_value"
    assert err.value.message.startswith(f"Invalid size '{size}'.")
    assert rule in err.value.message


def test_exact_message_of_the_spec() -> None:
    with pytest.raises(InvalidValue) as err:
        FLEX.check(1792, 936, "1792x936")
    assert err.value.message == "Invalid size '1792x936'. Width and height must both be divisible by 16."


def test_boundaries_are_inclusive() -> None:
    FLEX.check(1440, 480, "1440x480")  # exactly 3:1, 691,200 px
    FLEX.check(1024, 640, "1024x640")  # exactly 655,360 px
    FLEX.check(3840, 2160, "3840x2160")  # exactly 8,294,400 px and the longest edge


def test_fixed_sizes() -> None:
    rule = FixedSizes(allowed=((1024, 1024), (1536, 1024), (1024, 1536)), label="gpt-image-1")
    rule.check(1536, 1024, "1536x1024")
    with pytest.raises(InvalidValue) as err:
        rule.check(2048, 2048, "2048x2048")
    assert (
        "Supported sizes for gpt-image-1 are 'auto', '1024x1024', '1536x1024', '1024x1536'"
        in err.value.message
    )
    assert rule.describe()["allowed"] == ["auto", "1024x1024", "1536x1024", "1024x1536"]
