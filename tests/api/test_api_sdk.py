"""End to end with the official openai SDK against a real server: generations, edits, streaming."""

from __future__ import annotations

import base64
import hashlib

import numpy as np
import pytest
from api_server import Server, decode, encode, pattern, png_bytes
from openai import OpenAI


def images_of(response) -> list:  # type: ignore[no-untyped-def]
    return [decode(base64.b64decode(item.b64_json)) for item in response.data]


def test_generate_one(client: OpenAI, server: Server) -> None:
    r = client.images.generate(
        model="gpt-image-2", prompt='A poster that says "OPEN DAY"', size="1024x1024", quality="low"
    )
    assert len(r.data) == 1
    (image,) = images_of(r)
    assert image.format == "PNG" and image.size == (1024, 1024)
    assert r.size == "1024x1024" and r.quality == "low" and r.output_format == "png"
    assert r.background in ("opaque", "transparent")
    assert r.usage is not None and r.usage.total_tokens >= 0
    assert r.data[0].revised_prompt
    extra = r.data[0].model_extra or {}
    assert str(extra.get("asset_id", "")).startswith("img_")


def test_generate_three(client: OpenAI) -> None:
    r = client.images.generate(
        model="gpt-image-2",
        prompt="A product hero card for a tea brand",
        n=3,
        size="1024x1024",
        quality="low",
    )
    assert len(r.data) == 3
    ids = {(item.model_extra or {})["asset_id"] for item in r.data}
    assert len(ids) == 3
    assert all(image.size == (1024, 1024) for image in images_of(r))


@pytest.mark.parametrize("size", ["1536x1024", "2048x1152", "3840x2160", "1440x480"])
def test_sizes(client: OpenAI, size: str) -> None:
    r = client.images.generate(
        model="gpt-image-2",
        prompt=f'Banner "SIZE {size}"',
        size=size,
        quality="low",
        output_format="jpeg",
        output_compression=80,
    )
    width, height = (int(v) for v in size.split("x"))
    (image,) = images_of(r)
    assert image.size == (width, height)
    assert r.size == size


def test_size_auto_is_resolved(client: OpenAI) -> None:
    r = client.images.generate(model="gpt-image-2", prompt="A square sign that says HELLO", quality="low")
    (image,) = images_of(r)
    assert r.size == f"{image.width}x{image.height}"
    assert r.quality in ("low", "medium", "high")


@pytest.mark.parametrize(("fmt", "pil"), [("png", "PNG"), ("jpeg", "JPEG"), ("webp", "WEBP")])
def test_formats(client: OpenAI, fmt: str, pil: str) -> None:
    r = client.images.generate(
        model="gpt-image-2", prompt='Label "FORMAT"', size="1024x1536", quality="low", output_format=fmt
    )  # type: ignore[arg-type]
    (image,) = images_of(r)
    assert image.format == pil and image.size == (1024, 1536)
    assert r.output_format == fmt


def test_gpt_image_1_and_aliases(client: OpenAI) -> None:
    r = client.images.generate(model="gpt-image-1", prompt="Menu card", size="1536x1024", quality="standard")
    assert r.size == "1536x1024" and r.quality == "medium"


def test_transparent_with_imagegen_id(client: OpenAI) -> None:
    r = client.images.generate(
        model="imagegen-design",
        prompt='Sticker "HI"',
        size="1024x1024",
        quality="low",
        background="transparent",
    )
    (image,) = images_of(r)
    assert r.background == "transparent"
    assert image.mode in ("RGBA", "LA")


def test_response_format_url_for_imagegen_ids(client: OpenAI, server: Server) -> None:
    import httpx

    r = client.images.generate(
        model="imagegen-design", prompt="Ticket", size="1024x1024", quality="low", response_format="url"
    )
    url = r.data[0].url
    assert url and url.startswith(server.url) and r.data[0].b64_json is None
    fetched = httpx.get(url, headers=server.headers(), timeout=30)
    assert fetched.status_code == 200
    assert decode(fetched.content).size == (1024, 1024)
    # the asset is the tenant's own: another key cannot read it
    assert httpx.get(url, headers=server.headers(server.other_key), timeout=30).status_code == 404


def test_edit_one_image(client: OpenAI) -> None:
    source = png_bytes(pattern((1024, 1024)))
    r = client.images.edit(
        model="gpt-image-2",
        image=("in.png", source, "image/png"),
        prompt='Add the caption "EDITED"',
        quality="low",
    )
    (image,) = images_of(r)
    assert image.size == (1024, 1024)
    assert r.size == "1024x1024"


def test_edit_three_images(client: OpenAI) -> None:
    files = [
        ("a.png", png_bytes(pattern((1024, 1536))), "image/png"),
        ("b.jpg", encode((640, 480), fmt="JPEG"), "image/jpeg"),
        ("c.webp", encode((512, 512), fmt="WEBP"), "image/webp"),
    ]
    r = client.images.edit(
        model="gpt-image-2", image=files, prompt="Make the light warmer", quality="low", n=2
    )
    assert len(r.data) == 2
    assert all(image.size == (1024, 1536) for image in images_of(r))


def test_edit_with_mask_keeps_pixels_outside(client: OpenAI) -> None:
    source_image = pattern((1024, 1024))
    mask = Image_rgba_mask((1024, 1024), box=(256, 256, 768, 512))
    r = client.images.edit(
        model="gpt-image-2",
        image=("in.png", png_bytes(source_image), "image/png"),
        mask=("mask.png", png_bytes(mask), "image/png"),
        prompt='Write "SALE" in the box',
        quality="low",
        output_format="png",
    )
    (image,) = images_of(r)
    assert image.size == (1024, 1024)
    out = np.asarray(image.convert("RGB"))
    src = np.asarray(source_image)
    keep = np.asarray(mask.getchannel("A")) > 0
    assert np.array_equal(out[keep], src[keep]), "pixels outside the mask changed"
    # the answer carries the proof (the SDK keeps unknown keys): the hash of the untouched pixels, computed
    # as docs/edits.md defines it, is the same before and after, and a client can recompute it
    proof = r.data[0].model_extra["edit"]  # type: ignore[index]
    assert proof["unchanged"] is True
    recomputed = hashlib.sha256(np.ascontiguousarray(out[keep]).tobytes()).hexdigest()
    assert proof["unchanged_sha256_after"] == recomputed


def Image_rgba_mask(size: tuple[int, int], box: tuple[int, int, int, int]):  # type: ignore[no-untyped-def]
    """An RGBA mask: opaque everywhere except ``box`` (alpha 0 = edit here)."""
    from PIL import Image, ImageDraw

    mask = Image.new("RGBA", size, (0, 0, 0, 255))
    ImageDraw.Draw(mask).rectangle(box, fill=(0, 0, 0, 0))
    return mask


def test_mask_with_several_images_applies_to_the_first(client: OpenAI) -> None:
    mask = Image_rgba_mask((1024, 1024), box=(0, 0, 100, 100))
    r = client.images.edit(
        model="gpt-image-2",
        image=[
            ("a.png", png_bytes(pattern((1024, 1024))), "image/png"),
            ("b.png", encode((512, 512)), "image/png"),
        ],
        mask=("mask.png", png_bytes(mask), "image/png"),
        prompt="Recolor it red",
        quality="low",
    )
    (image,) = images_of(r)
    assert image.size == (1024, 1024)


def test_stream_generation_partials(client: OpenAI) -> None:
    stream = client.images.generate(
        model="gpt-image-2",
        prompt='Poster "STREAM"',
        size="1024x1024",
        quality="medium",
        stream=True,
        partial_images=2,
    )
    events = list(stream)
    kinds = [event.type for event in events]
    partials = [e for e in events if e.type == "image_generation.partial_image"]
    completed = [e for e in events if e.type == "image_generation.completed"]
    assert 1 <= len(partials) <= 2, kinds
    assert len(completed) == 1 and kinds[-1] == "image_generation.completed"
    assert [p.partial_image_index for p in partials] == list(range(len(partials)))
    for p in partials:
        assert decode(base64.b64decode(p.b64_json)).size == (1024, 1024)
    final = decode(base64.b64decode(completed[0].b64_json))
    assert final.size == (1024, 1024)
    assert completed[0].usage is not None and completed[0].size == "1024x1024"


def test_stream_edit_events(client: OpenAI) -> None:
    stream = client.images.edit(
        model="gpt-image-2",
        image=("in.png", png_bytes(pattern((1024, 1024))), "image/png"),
        prompt="Make it black and white",
        quality="low",
        stream=True,
        partial_images=1,
    )
    kinds = [event.type for event in stream]
    assert kinds[-1] == "image_edit.completed"
    assert set(kinds) <= {"image_edit.partial_image", "image_edit.completed"}


def test_models(client: OpenAI) -> None:
    ids = [m.id for m in client.models.list()]
    assert "gpt-image-2" in ids and "gpt-image-1" in ids
    model = client.models.retrieve("gpt-image-2")
    assert model.id == "gpt-image-2"
    assert (model.model_extra or {})["limits"]["sizes"]["max_edge"] == 3840
