"""Codes decode with zxing-cpp at the rendered size and after JPEG q80; quiet zones are clean."""

from __future__ import annotations

import io

import numpy as np
import pytest
import zxingcpp
from PIL import Image
from pydantic import ValidationError

from imagegen.engines.planning.plan import Box, CodeNode
from imagegen.engines.planning.render import CodeDataError, render, validate_code

CODES = [
    ("qr", "https://example.com/menu?table=12", zxingcpp.BarcodeFormat.QRCode, (40, 40, 200, 200)),
    ("ean13", "5901234123457", zxingcpp.BarcodeFormat.EAN13, (20, 300, 300, 120)),
    ("code128", "TICKET-2026-0042", zxingcpp.BarcodeFormat.Code128, (20, 300, 460, 120)),
]


def _jpeg(img: Image.Image, quality: int = 80) -> Image.Image:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=quality)
    buf.seek(0)
    return Image.open(buf).convert("RGB")


@pytest.mark.parametrize(("sym", "data", "fmt", "box"), CODES, ids=[c[0] for c in CODES])
@pytest.mark.parametrize("scale", [1.0, 2.0])
def test_codes_decode_at_size_and_after_jpeg(
    plan_of, sym: str, data: str, fmt: object, box: tuple[int, int, int, int], scale: float
) -> None:
    x, y, w, h = box
    node = CodeNode(id="c", symbology=sym, data=data, box=Box(x=x, y=y, w=w, h=h))  # type: ignore[arg-type]
    r = render(plan_of([node]), scale=scale)
    for img in (r.image, _jpeg(r.image)):
        found = [(b.format, b.text) for b in zxingcpp.read_barcodes(img)]
        assert (fmt, data) in found
    painted = r.nodes["c"].box
    assert painted.w <= w + 0.5 and painted.h <= h + 0.5


def test_qr_has_four_module_quiet_zone_and_crisp_modules(plan_of) -> None:
    node = CodeNode(id="q", symbology="qr", data="hello", box=Box(x=10, y=10, w=250, h=250))
    r = render(plan_of([node], background=None))
    b = r.nodes["q"].box
    arr = np.asarray(r.image.convert("L"))[int(b.y) : int(b.bottom), int(b.x) : int(b.right)]
    # only pure black and white: modules are whole pixels, never resampled
    assert set(np.unique(arr).tolist()) <= {0, 255}
    modules = 21 + 8
    module = int(b.w) // modules
    assert module * modules == int(b.w)
    quiet = arr[: 4 * module, :]
    assert (quiet == 255).all()


def test_linear_code_prints_human_readable_digits(plan_of) -> None:
    node = CodeNode(id="e", symbology="ean13", data="5901234123457", box=Box(x=20, y=20, w=300, h=140))
    r = render(plan_of([node]))
    found = [b.text for b in zxingcpp.read_barcodes(r.image)]
    assert found == ["5901234123457"]


def test_twelve_digit_ean13_is_refused_with_the_full_code(plan_of) -> None:
    # one EAN-13 policy (rules/ean13.py): 13 digits with the right check digit, never completed silently
    reason = validate_code("ean13", "590123412345")
    assert reason is not None and "'5901234123457'" in reason
    with pytest.raises(ValidationError, match="13 digits"):  # a plan carrying it is refused when read
        CodeNode(id="e", symbology="ean13", data="590123412345", box=Box(x=20, y=20, w=300, h=140))


def test_invalid_payloads_are_refused_loudly(plan_of) -> None:
    assert validate_code("ean13", "5901234123458") is not None
    assert validate_code("ean13", "12ab") is not None
    assert validate_code("code128", "naïve ☃") is not None
    assert validate_code("qr", "x" * 8000) is not None
    assert validate_code("ean13", "5901234123457") is None
    with pytest.raises(ValidationError, match="check digit"):
        CodeNode(id="e", symbology="ean13", data="5901234123458", box=Box(x=0, y=0, w=300, h=100))
    node = CodeNode(id="c", symbology="code128", data="naïve ☃", box=Box(x=0, y=0, w=300, h=100))
    with pytest.raises(CodeDataError):
        render(plan_of([node]))
