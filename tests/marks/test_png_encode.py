"""The provenance PNG writer (provenance/marks/png_encode.py): lossless, readable by two independent decoders
(Pillow and libpng through OpenCV), text chunks intact, deterministic, and split deflate streams valid."""

from __future__ import annotations

import io
import zlib

import cv2
import numpy as np
import pytest
from PIL import Image

from imagegen.provenance.marks import png_encode
from imagegen.provenance.marks import watermark as wm
from imagegen.provenance.marks.png_encode import deflate, encode_png, filter_rows


def _image(mode: str, size: tuple[int, int], seed: int = 3) -> Image.Image:
    rng = np.random.default_rng(seed)
    w, h = size
    bands = len(mode)
    # a gradient with noise and a flat patch: both filters win somewhere
    base = (np.add.outer(np.arange(h), np.arange(w)) % 256).astype(np.int16)
    arr = np.stack([base + 40 * b for b in range(bands)], axis=-1) + rng.integers(-3, 4, (h, w, bands))
    arr[: h // 3, : w // 3] = 200
    arr = np.clip(arr, 0, 255).astype(np.uint8)
    return Image.fromarray(arr[:, :, 0] if bands == 1 else arr, mode)


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L", "LA"])
@pytest.mark.parametrize("size", [(1, 1), (37, 5), (301, 190)])
def test_round_trip_is_lossless(mode: str, size: tuple[int, int]) -> None:
    img = _image(mode, size)
    data = encode_png(img, [("XML:com.adobe.xmp", "<x:xmpmeta/>"), ("imagegen", '{"prompt": "café 東京"}')])
    back = Image.open(io.BytesIO(data))
    back.load()
    assert back.mode == mode and back.size == size
    assert np.array_equal(np.asarray(back), np.asarray(img))
    assert back.text == {"XML:com.adobe.xmp": "<x:xmpmeta/>", "imagegen": '{"prompt": "café 東京"}'}
    # libpng (OpenCV) reads it too; it returns BGR(A)
    decoded = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    expected = np.asarray(img.convert("RGBA" if "A" in mode else "RGB" if mode != "L" else "L"))
    if mode == "RGB":
        decoded = decoded[:, :, ::-1]
    elif mode in ("RGBA", "LA"):
        decoded = cv2.cvtColor(decoded, cv2.COLOR_BGRA2RGBA) if decoded.ndim == 3 else decoded
        if mode == "LA":
            expected = np.asarray(img)[:, :, 0] if decoded.ndim == 2 else np.asarray(img.convert("RGBA"))
    assert np.array_equal(decoded.reshape(expected.shape), expected)


def test_split_deflate_is_one_valid_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(png_encode, "MIN_PIECE", 1000)
    monkeypatch.setattr(png_encode, "_pieces_max", lambda: 4)
    data = np.random.default_rng(1).integers(0, 8, 100_003, dtype=np.uint8).tobytes()
    stream = deflate(data)
    assert zlib.decompress(stream) == data
    img = _image("RGB", (400, 300))
    back = Image.open(io.BytesIO(encode_png(img, [])))
    assert np.array_equal(np.asarray(back), np.asarray(img))


def test_deterministic_and_close_to_pillow_in_size(poster_1024: Image.Image) -> None:
    # a watermarked poster, as the writer gets them (Sub/Up filters: within a few % of Pillow's adaptive
    # choice of all five at the same level)
    img = wm.embed(poster_1024.convert("RGB"), 0x1234)
    first, second = encode_png(img, [("k", "v")]), encode_png(img, [("k", "v")])
    assert first == second
    buf = io.BytesIO()
    img.save(buf, "PNG", compress_level=png_encode.LEVEL)
    assert len(first) <= 1.05 * len(buf.getvalue())


def test_rows_take_the_cheaper_filter() -> None:
    # rows that are ramps shifted by 17 each: Sub leaves ones; rows of a random pattern rising by one: Up does
    rows = np.arange(8)[:, None]
    horizontal = (np.arange(64)[None, :] + 17 * rows).astype(np.uint8)
    pattern = np.random.default_rng(2).integers(0, 200, 64)
    vertical = (pattern[None, :] + rows).astype(np.uint8)
    assert set(filter_rows(horizontal)[:, 0]) == {1}
    assert set(filter_rows(vertical)[1:, 0]) == {2}


def test_other_modes_fall_back_to_pillow() -> None:
    img = _image("RGB", (40, 30)).convert("P")
    back = Image.open(io.BytesIO(encode_png(img, [("imagegen", "x")])))
    back.load()
    assert back.mode == "P" and back.text["imagegen"] == "x"
    assert np.array_equal(np.asarray(back.convert("RGB")), np.asarray(img.convert("RGB")))


def test_preview_level_is_lossless(poster_1024: Image.Image) -> None:
    img = wm.embed(poster_1024.convert("RGB"), 7)
    fast, default = encode_png(img, [], level=1), encode_png(img, [])
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(fast))), np.asarray(img))
    assert len(fast) > len(default)  # level 1 trades size for time
