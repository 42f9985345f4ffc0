"""Masked edits: every pixel outside the mask is bit-identical; what is drawn inside reads back."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
import zxingcpp
from edits_helpers import rect_mask, textured
from PIL import Image

from imagegen.contract.errors import InvalidMask, InvalidValue
from imagegen.engines.base import NullProgress
from imagegen.engines.planning.edits import apply_edit
from imagegen.engines.planning.verify.ocr import RECOGNIZERS, same_text

BOX = (120, 96, 520, 256)


def _edit(make_spec, photo: Image.Image, prompt: str, mask: Image.Image | None = None, **kw):
    mask = rect_mask(photo.size, BOX) if mask is None else mask
    return apply_edit(make_spec(prompt, photo, mask=mask, **kw), NullProgress(), engine=None)


def _outside(mask: Image.Image) -> np.ndarray:
    return np.asarray(mask)[:, :, 3] != 0


def _assert_untouched_outside(out: Image.Image, photo: Image.Image, mask: Image.Image) -> None:
    keep = _outside(mask)
    before = np.asarray(photo.convert(out.mode))
    after = np.asarray(out)
    assert after.shape == before.shape
    assert np.array_equal(after[keep], before[keep])


def _recomputed_hash(image: Image.Image, mask: Image.Image) -> str:
    # The definition in docs/edits.md, written independently of the engine's helper.
    arr = np.asarray(image)
    return hashlib.sha256(arr[np.asarray(mask)[:, :, 3] != 0].tobytes()).hexdigest()


@pytest.mark.parametrize(
    "prompt",
    [
        'replace the text with "Grand Opening"',
        "add a QR code for https://example.com/menu?table=12",
        "make it black and white",
        "warmer light",
        "remove the logo",
        "add a red balloon",
    ],
)
def test_outside_mask_is_bit_identical_and_hashes_match(make_spec, photo, prompt: str) -> None:
    mask = rect_mask(photo.size, BOX)
    [image] = _edit(make_spec, photo, prompt, mask)
    _assert_untouched_outside(image.pixels, photo, mask)
    extra = image.extra
    assert extra["unmasked_sha256_before"] == extra["unmasked_sha256_after"] == _recomputed_hash(photo, mask)
    assert _recomputed_hash(image.pixels, mask) == extra["unmasked_sha256_after"]
    assert extra["mask_pixels"] == (BOX[2] - BOX[0]) * (BOX[3] - BOX[1])
    region = np.asarray(image.editable_region)
    assert image.editable_region.mode == "L" and np.array_equal(region == 255, ~_outside(mask))
    # Something really changed inside, and the report/revised prompt say what.
    inside = ~_outside(mask)
    assert (np.asarray(image.pixels)[inside] != np.asarray(photo)[inside]).any()
    assert image.revised_prompt.startswith("Edited the masked region")


def test_text_is_exact_and_readable(make_spec, photo) -> None:
    [image] = _edit(make_spec, photo, 'change the text to "Grand Opening 2026"')
    checks = {c["kind"]: c for c in image.report["checks"]}
    assert checks["ocr"]["passed"], checks["ocr"]
    assert checks["contrast"]["passed"]
    # An independent read: full-page detection + recognition on the edited region only.
    x0, y0, x1, y1 = BOX
    page = RECOGNIZERS.read_page_rapid(image.pixels.crop((x0, y0, x1, y1)))
    assert same_text("Grand Opening 2026", " ".join(t for t, _, _ in page))[0], page


@pytest.mark.parametrize(
    ("prompt", "fmt", "payload"),
    [
        (
            "add a QR code for https://example.com/q?x=1",
            zxingcpp.BarcodeFormat.QRCode,
            "https://example.com/q?x=1",
        ),
        ('add an EAN-13 barcode "5901234123457"', zxingcpp.BarcodeFormat.EAN13, "5901234123457"),
        ('add a Code 128 barcode "NUM-0001"', zxingcpp.BarcodeFormat.Code128, "NUM-0001"),
    ],
)
def test_codes_decode(make_spec, photo, prompt: str, fmt, payload: str) -> None:
    [image] = _edit(make_spec, photo, prompt)
    found = zxingcpp.read_barcodes(np.asarray(image.pixels), formats=fmt)
    assert [r.text for r in found] == [payload]
    assert image.report["checks"][0]["kind"] == "code" and image.report["checks"][0]["passed"]


def test_wrong_ean_check_digit_is_refused(make_spec, photo) -> None:
    with pytest.raises(InvalidValue, match="check digit"):
        _edit(make_spec, photo, 'add an EAN-13 barcode "5901234123458"')


def test_rgba_input_keeps_alpha_outside(make_spec) -> None:
    rgba = np.dstack(
        [textured(320, 240, seed=4), np.tile(np.linspace(0, 255, 320, dtype=np.uint8), (240, 1))]
    )
    photo = Image.fromarray(rgba, "RGBA")
    mask = rect_mask(photo.size, (40, 40, 280, 150))
    [image] = _edit(make_spec, photo, 'add the text "Hello"', mask)
    assert image.pixels.mode == "RGBA"
    _assert_untouched_outside(image.pixels, photo, mask)
    assert image.extra["unmasked_sha256_after"] == _recomputed_hash(photo, mask)


def test_odd_shaped_mask_keeps_ink_inside(make_spec, photo) -> None:
    yy, xx = np.mgrid[0 : photo.height, 0 : photo.width]
    alpha = np.where((xx - 320) ** 2 / 200**2 + (yy - 220) ** 2 / 110**2 <= 1, 0, 255).astype(np.uint8)
    mask = Image.fromarray(np.dstack([np.zeros_like(alpha)] * 3 + [alpha]), "RGBA")
    [image] = _edit(make_spec, photo, 'add the text "Ellipse"', mask)
    _assert_untouched_outside(image.pixels, photo, mask)
    assert {c["kind"]: c["passed"] for c in image.report["checks"]}["ocr"]


def test_logo_monogram(make_spec, photo) -> None:
    [image] = _edit(make_spec, photo, 'add a logo "AQ"')
    assert "monogram" in image.revised_prompt
    assert all(c["passed"] for c in image.report["checks"])


def test_deterministic_and_n_variants(make_spec, photo) -> None:
    first = _edit(make_spec, photo, "add a glowing lantern", n=2)
    again = _edit(make_spec, photo, "add a glowing lantern", n=2)
    assert [i.render_sha256 for i in first] == [i.render_sha256 for i in again]
    assert len(first) == 2
    # The procedural part varies between the n images; the outside stays identical in all.
    assert first[0].render_sha256 != first[1].render_sha256
    for image in first:
        _assert_untouched_outside(image.pixels, photo, rect_mask(photo.size, BOX))


def test_unknown_instruction_is_said_not_silent(make_spec, photo) -> None:
    [image] = _edit(make_spec, photo, "a cat sleeping on a sofa")
    assert "not a recognized instruction" in image.revised_prompt


def test_bad_masks(make_spec, photo) -> None:
    with pytest.raises(InvalidMask):
        _edit(make_spec, photo, "warmer", Image.new("RGBA", (10, 10), (0, 0, 0, 0)))
    with pytest.raises(InvalidMask, match="nothing to edit"):
        _edit(make_spec, photo, "warmer", Image.new("RGBA", photo.size, (0, 0, 0, 255)))


def test_whole_image_without_mask_or_plan(make_spec, photo) -> None:
    [image] = apply_edit(
        make_spec('make it black and white and add "SOLD OUT" at the top', photo), NullProgress(), engine=None
    )
    assert image.extra["edit_mode"] == "whole_image"
    assert "whole image" in image.revised_prompt
    assert {c["kind"]: c["passed"] for c in image.report["checks"]}["ocr"]
    with pytest.raises(InvalidValue, match="mask"):
        apply_edit(make_spec("remove the logo", photo), NullProgress(), engine=None)


def test_replacement_text_keeps_the_old_ink_color(make_spec, poster) -> None:
    plan, image = poster
    head = plan.find("headline").box
    mask = rect_mask(image.size, (int(head.x), int(head.y), int(head.right), int(head.bottom)))
    [out] = apply_edit(
        make_spec('change the text to "Autumn Jazz"', image, mask=mask), NullProgress(), engine=None
    )
    color = out.extra["operations"][-1].split("px, ")[1][:7]
    want = np.array([int(plan.find("headline").color[i : i + 2], 16) for i in (1, 3, 5)])
    got = np.array([int(color[i : i + 2], 16) for i in (1, 3, 5)])
    assert np.abs(want - got).max() <= 24, (color, plan.find("headline").color)
    assert {c["kind"]: c["passed"] for c in out.report["checks"]} == {"ocr": True, "contrast": True}


def test_paste_another_input_image_into_the_mask(photo) -> None:
    from imagegen.contract.specs import EditSpec, InputImage

    logo = Image.new("RGBA", (60, 30), (0, 0, 0, 0))
    logo.paste((220, 20, 20, 255), (5, 5, 55, 25))
    mask = rect_mask(photo.size, BOX)
    images = (InputImage(image=photo, data=b"", sha256=""), InputImage(image=logo, data=b"", sha256=""))
    spec = EditSpec(
        prompt="put the logo from image 2 here", model="gpt-image-2", images=images, mask=mask, seed=1
    )
    [out] = apply_edit(spec, NullProgress(), engine=None)
    _assert_untouched_outside(out.pixels, photo, mask)
    x0, y0, x1, y1 = BOX
    inside = np.asarray(out.pixels)[y0:y1, x0:x1].reshape(-1, 3).astype(int)
    red = (inside[:, 0] == 220) & (inside[:, 1] == 20) & (inside[:, 2] == 20)
    assert red.mean() > 0.3  # the logo is scaled up to fill the mask (aspect kept)
    with pytest.raises(InvalidValue, match="image 3"):
        apply_edit(
            EditSpec(prompt="use image 3", model="gpt-image-2", images=images, mask=mask),
            NullProgress(),
            engine=None,
        )


def test_partial_images_are_real_stages(make_spec, photo) -> None:
    from imagegen.engines.base import CallbackProgress

    partials = []
    spec = make_spec('change the text to "New"', photo, mask=rect_mask(photo.size, BOX), partial_images=2)
    [image] = apply_edit(spec, CallbackProgress(on_partial=partials.append), engine=None)
    assert [p.index for p in partials] == [0, 1]
    # First the cleared region (no text yet), then the finished edit.
    assert partials[0].pixels.tobytes() != image.pixels.tobytes()
    assert partials[1].pixels.tobytes() == image.pixels.tobytes()
    assert "_stages" not in image.extra


def test_mask_over_a_known_plan_edits_through_the_plan(make_spec, poster) -> None:
    from imagegen.engines.planning.render import render

    plan, image = poster
    qr = plan.find("qr").box
    mask = rect_mask(image.size, (int(qr.x) - 6, int(qr.y) - 6, int(qr.right) + 6, int(qr.bottom) + 6))
    [out] = apply_edit(
        make_spec("remove the QR code", image, mask=mask, plan=plan.to_json()), NullProgress(), engine=None
    )
    assert out.extra["edit_mode"] == "mask_plan"
    _assert_untouched_outside(out.pixels, photo=image, mask=mask)
    assert not zxingcpp.read_barcodes(np.asarray(out.pixels), formats=zxingcpp.BarcodeFormat.QRCode)
    # What is behind the code comes from the re-render (the real gradient), not from inpainting.
    without = plan.model_copy(deep=True)
    without.nodes = [n for n in without.nodes if n.id != "qr"]
    expected = np.asarray(render(without).image.convert("RGB"))
    inside = ~_outside(mask)
    assert np.array_equal(np.asarray(out.pixels)[inside], expected[inside])


def test_mask_over_a_known_plan_spilling_falls_back_to_pixels(make_spec, poster) -> None:
    plan, image = poster
    head = plan.find("headline").box
    # A mask over the left half of the headline only: the re-rendered line would spill out of it.
    mask = rect_mask(image.size, (int(head.x), int(head.y), int(head.x + head.w / 2), int(head.bottom)))
    spec = make_spec('change the text to "Jazz"', image, mask=mask, plan=plan.to_json())
    [out] = apply_edit(spec, NullProgress(), engine=None)
    assert out.extra["edit_mode"] == "mask"
    _assert_untouched_outside(out.pixels, image, mask)
