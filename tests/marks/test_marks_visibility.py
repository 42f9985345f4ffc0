"""The watermark on flat colour: small, unclipped changes (perceptual mask), and marks made by the
pre-mask embed still decode."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from marks_helpers import canvas
from PIL import Image

from imagegen.provenance.marks import watermark as wm

WM_ID = 0x0123456789ABCDEF
FIXTURES = Path(__file__).parent / "fixtures"


def _jpeg(img: Image.Image, quality: int) -> Image.Image:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buf.getvalue()))


def _flat(img: Image.Image) -> np.ndarray:
    """Pixels whose 9×9 neighbourhood is one colour."""
    import cv2

    arr = np.asarray(img.convert("RGB"), np.float32)
    var = np.zeros(arr.shape[:2], np.float32)
    for c in range(3):
        mean = cv2.blur(arr[:, :, c], (9, 9))
        var = np.maximum(var, cv2.blur(arr[:, :, c] ** 2, (9, 9)) - mean * mean)
    return var < 0.05


def _change(
    bg: tuple[int, int, int], ink: tuple[int, int, int]
) -> tuple[Image.Image, np.ndarray, np.ndarray]:
    img = canvas(bg, ink)
    marked = wm.embed(img, WM_ID)
    diff = np.abs(np.asarray(marked, np.int16) - np.asarray(img, np.int16)).max(axis=2)
    flat = _flat(img)
    assert flat.mean() > 0.9
    assert wm.decode(marked).wm_id == WM_ID
    assert wm.decode(_jpeg(marked, 80)).wm_id == WM_ID
    return marked, diff, flat


def test_white_moves_by_a_level_or_two_and_stays_near_white() -> None:
    # the pre-mask embed (7cca725) on this canvas: p99 4 levels, 61.5 % of flat pixels within 2 levels,
    # white pushed to 248-254 (61.5 % of white pixels >= 253)
    img = canvas((255, 255, 255), (10, 10, 10))
    marked, diff, flat = _change((255, 255, 255), (10, 10, 10))
    assert np.percentile(diff[flat], 99) <= 3
    assert np.mean(diff[flat] <= 2) > 0.95
    assert np.mean(diff[flat] <= 3) > 0.999
    white = np.all(np.asarray(img) == 255, axis=2) & flat
    assert np.mean(np.asarray(marked, np.int16)[white].min(axis=1) >= 253) > 0.95


def test_dark_ui_moves_by_at_most_two_levels() -> None:
    _, diff, flat = _change((18, 18, 24), (230, 230, 240))
    assert np.percentile(diff[flat], 99) <= 2
    assert np.mean(diff[flat] <= 2) > 0.995


def test_saturated_red_moves_less_than_before() -> None:
    # pre-mask: p99 5 levels, max 19 (R pulled down to make headroom)
    _, diff, flat = _change((255, 0, 0), (255, 255, 255))
    assert np.percentile(diff[flat], 99) <= 4
    assert diff[flat].max() <= 16


def test_flat_blocks_carry_a_smooth_pattern_not_a_texture() -> None:
    """On a flat block the second singular value sits in a low-frequency DCT coefficient (a half-cosine),
    not in a random direction of the shuffled block (the 4×4 texture of the pre-mask embed)."""
    y = np.full((128, 128), 200.0, dtype=np.float32)
    bits = wm.payload_bits(WM_ID)
    new = wm.luma_delta(y, bits).reshape(16, 8, 16, 8)
    old = wm.luma_delta(y, bits, masking=False).reshape(16, 8, 16, 8)

    def roughness(d: np.ndarray) -> float:  # energy of pixel-to-pixel steps inside the blocks
        return float((np.diff(d, axis=1) ** 2).sum() + (np.diff(d, axis=3) ** 2).sum())

    assert roughness(new) < 0.6 * roughness(old)
    assert float(np.abs(new).max()) < float(np.abs(old).max())
    assert (
        wm.check_bits(wm.extract_soft(np.repeat((y + new.reshape(128, 128))[:, :, None], 3, axis=2)) > 0.5)
        == WM_ID
    )


def test_mark_made_by_the_pre_mask_embed_still_decodes() -> None:
    """tests/marks/fixtures/marked_v1_512x384.png: the poster at 512×384 marked with WM_ID by the embed as it
    was before the perceptual mask (2026-11-21, commit 7cca725); the decoder is unchanged and must read it."""
    img = Image.open(FIXTURES / "marked_v1_512x384.png")
    assert wm.decode(img).wm_id == WM_ID
    assert wm.decode(_jpeg(img, 80)).wm_id == WM_ID


def test_pre_mask_luma_delta_still_decodes(poster_1024: Image.Image) -> None:
    """``masking=False`` is the pre-mask mark; the decoder reads it, also after JPEG q60."""
    rgb = np.asarray(poster_1024)
    frame = np.asarray(poster_1024.resize(wm.frame_size(1024, 1024), Image.Resampling.BOX))
    dy = wm.luma_delta(wm._luma(frame), wm.payload_bits(WM_ID), masking=False)
    big = np.repeat(np.repeat(dy, 2, axis=0), 2, axis=1)
    out = Image.fromarray(wm.apply_luma_delta(rgb, big))
    assert wm.decode(out).wm_id == WM_ID
    assert wm.decode(_jpeg(out, 60)).wm_id == WM_ID


def test_unmarked_flat_canvases_read_as_no_id() -> None:
    for bg, ink in (
        ((255, 255, 255), (10, 10, 10)),
        ((18, 18, 24), (230, 230, 240)),
        ((255, 0, 0), (255, 255, 255)),
    ):
        assert wm.decode(canvas(bg, ink)).wm_id is None
        assert wm.decode(Image.new("RGB", (512, 512), bg)).wm_id is None
