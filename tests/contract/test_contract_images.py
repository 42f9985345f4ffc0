"""Edit inputs: image decoding, upload caps, and the mask rules (SPEC §3)."""

from __future__ import annotations

import io

import pytest
from contract_images_helper import encode
from PIL import Image

from imagegen.contract.errors import (
    InvalidImage,
    InvalidImageFormat,
    InvalidMask,
    InvalidValue,
    MissingParameter,
)
from imagegen.contract.images import ImageUpload, load_input_image, load_mask
from imagegen.contract.limits import UploadLimits
from imagegen.contract.parse import parse_edit_request, spec_from_params

KNOWN = {"gpt-image-2", "imagegen-design"}.__contains__


def edit(images, mask=None, **fields):  # type: ignore[no-untyped-def]
    return parse_edit_request(
        {"prompt": "change it", **fields}, images, mask, default_model="gpt-image-2", known_model=KNOWN
    ).spec


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_accepted_formats(fmt: str) -> None:
    image = load_input_image(encode((64, 48), fmt=fmt))
    assert image.image.size == (64, 48)
    assert image.image.mode == "RGB"
    assert len(image.sha256) == 64


def test_modes_are_normalized_losslessly() -> None:
    assert load_input_image(encode((8, 8), mode="RGBA", color=(1, 2, 3, 4))).image.mode == "RGBA"
    assert load_input_image(encode((8, 8), mode="L", color=7)).image.mode == "RGB"
    assert load_input_image(encode((8, 8), mode="LA", color=(7, 0))).image.mode == "RGBA"
    palette = Image.new("P", (8, 8), 3)
    palette.info["transparency"] = 3
    buf = io.BytesIO()
    palette.save(buf, "PNG", transparency=3)
    assert load_input_image(buf.getvalue()).image.mode == "RGBA"


def test_garbage_is_invalid_image() -> None:
    with pytest.raises(InvalidImage) as err:
        load_input_image(ImageUpload(data=b"not an image at all", param="image[2]"))
    assert err.value.param == "image[2]" and err.value.code == "invalid_image"


def test_unsupported_format() -> None:
    with pytest.raises(InvalidImageFormat) as err:
        load_input_image(encode((8, 8), fmt="GIF"))
    assert err.value.code == "invalid_image_format" and "'gif'" in err.value.message
    with pytest.raises(InvalidImageFormat):
        load_input_image(encode((8, 8), fmt="BMP"))


def test_truncated_png() -> None:
    data = encode((256, 256), color=None)  # type: ignore[arg-type]
    noisy = Image.effect_noise((256, 256), 50).convert("RGB")
    buf = io.BytesIO()
    noisy.save(buf, "PNG")
    data = buf.getvalue()
    with pytest.raises(InvalidImage):
        load_input_image(data[: len(data) // 2])


def test_caps() -> None:
    small = UploadLimits(max_image_bytes=100)
    with pytest.raises(InvalidImage, match="at most"):
        load_input_image(encode((64, 64)), limits=small)
    tiny_pixels = UploadLimits(max_image_pixels=100)
    with pytest.raises(InvalidImage, match="pixels"):
        load_input_image(encode((64, 64)), limits=tiny_pixels)
    with pytest.raises(InvalidImage, match="empty"):
        load_input_image(b"")


def test_mask_rules(png_1024: bytes, mask_1024: bytes) -> None:
    mask = load_mask(mask_1024, first_image_size=(1024, 1024))
    assert mask.mode == "RGBA" and mask.size == (1024, 1024)
    with pytest.raises(InvalidMask) as err:
        load_mask(png_1024, first_image_size=(1024, 1024))
    assert "no alpha channel" in err.value.message and err.value.param == "mask"
    with pytest.raises(InvalidMask, match="same width and height"):
        load_mask(encode((512, 512), mode="RGBA"), first_image_size=(1024, 1024))
    with pytest.raises(InvalidMask, match="PNG"):
        load_mask(encode((64, 64), mode="RGBA", fmt="WEBP"), first_image_size=(64, 64))
    with pytest.raises(InvalidMask):
        load_mask(b"garbage", first_image_size=(64, 64))


def test_edit_spec(png_1024: bytes, mask_1024: bytes) -> None:
    spec = edit([("a.png", png_1024)], ("m.png", mask_1024), input_fidelity="high", size="1536x1024")
    assert len(spec.images) == 1 and spec.images[0].filename == "a.png"
    # the engine works at the output size: the first image and the mask are brought to it together
    assert spec.mask is not None
    assert spec.images[0].image.size == spec.mask.size == (1536, 1024)
    assert spec.input_fidelity == "high" and spec.size == "1536x1024"
    # ``auto`` resolves to the input's own size when the model's rules allow it
    assert edit([png_1024]).size == "1024x1024"


def test_mask_applies_to_the_first_image(png_1024: bytes, mask_1024: bytes) -> None:
    spec = edit([png_1024, encode((512, 768)), encode((300, 200), fmt="JPEG")], mask_1024)
    assert [im.image.size for im in spec.images] == [(1024, 1024), (512, 768), (300, 200)]
    assert spec.mask is not None
    with pytest.raises(InvalidMask):
        edit([encode((512, 768)), png_1024], mask_1024)


def test_image_count(png_1024: bytes, mask_1024: bytes) -> None:
    with pytest.raises(MissingParameter) as err:
        edit([])
    assert err.value.param == "image"
    with pytest.raises(MissingParameter) as err:
        edit([], mask_1024)
    assert "mask" in err.value.message
    small = encode((16, 16))
    edit([small] * 16)
    with pytest.raises(InvalidValue) as too_many:
        edit([small] * 17)
    assert too_many.value.param == "image"


def test_param_names_point_at_the_bad_image(png_1024: bytes) -> None:
    with pytest.raises(InvalidImage) as err:
        edit([png_1024, b"junk"])
    assert err.value.param == "image[1]"


def test_edit_params_roundtrip(png_1024: bytes, mask_1024: bytes) -> None:
    parsed = parse_edit_request(
        {"prompt": "x", "size": "1024x1024"},
        [png_1024],
        mask_1024,
        default_model="gpt-image-2",
        known_model=KNOWN,
    )
    assert parsed.params["operation"] == "edit" and parsed.params["mask"] is True
    assert parsed.params["images"][0]["sha256"] == parsed.spec.images[0].sha256  # type: ignore[attr-defined]
    restored = spec_from_params(parsed.params, images=[png_1024], mask=mask_1024)
    assert restored.prompt == parsed.spec.prompt and restored.seed == parsed.spec.seed
    assert restored.images[0].sha256 == parsed.spec.images[0].sha256  # type: ignore[attr-defined]
