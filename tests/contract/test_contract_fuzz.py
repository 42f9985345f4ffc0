"""Property: whatever a client sends, parsing either succeeds or raises an error of the tree (never a bug).

A 500 is a bug by contract (SPEC §5); the parser is where hostile input lands first.
"""

from __future__ import annotations

from typing import Any

from contract_images_helper import encode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imagegen.contract.errors import ImagegenError
from imagegen.contract.parse import EDIT_FIELDS, parse_edit_request, parse_generate_request

KNOWN = {"gpt-image-2", "gpt-image-1", "imagegen-design"}.__contains__

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(
        [
            "auto",
            "1024x1024",
            "2048_1152",
            "low",
            "hd",
            "png",
            "webp",
            "transparent",
            "url",
            "b64_json",
            "true",
            "0",
            "gpt-image-2",
            "imagegen-design",
            "gpt-image-1",
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)
field_names = st.sampled_from(sorted(EDIT_FIELDS | {"style", "images", "bogus"}))
bodies = st.dictionaries(field_names, values, max_size=8)


def _parse(body: dict[str, Any], form: bool) -> None:
    try:
        parse_generate_request(body, default_model="gpt-image-2", known_model=KNOWN, form=form)
    except ImagegenError as err:
        assert err.status in (400, 404) and err.code


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bodies, st.booleans())
def test_generate_never_crashes(body: dict[str, Any], form: bool) -> None:
    _parse(body, form)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(field_names, st.text(max_size=12), max_size=8))
def test_form_strings_never_crash(body: dict[str, str]) -> None:
    _parse(body, True)


IMAGE = encode((32, 32))


@settings(max_examples=40, deadline=None)
@given(
    bodies,
    st.lists(st.sampled_from([IMAGE, b"", b"junk", encode((16, 16), fmt="GIF")]), max_size=3),
    st.sampled_from([None, IMAGE, encode((32, 32), mode="RGBA"), b"junk"]),
)
def test_edit_never_crashes(body: dict[str, Any], images: list[bytes], mask: bytes | None) -> None:
    try:
        parse_edit_request(body, images, mask, default_model="gpt-image-2", known_model=KNOWN)
    except ImagegenError as err:
        assert err.status in (400, 404) and err.code
