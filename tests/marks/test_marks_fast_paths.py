"""The watermark's fast paths give what the plain computations give: the banded two-thread apply equals the
one-band apply pixel for pixel, a threaded embed equals a one-thread embed, and the block reductions equal
numpy's straightforward ones."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from imagegen.provenance.marks import watermark as wm


@pytest.mark.parametrize("size", [(1024, 1024), (1531, 1013), (700, 517)])
def test_banded_apply_equals_one_band(poster_1024: Image.Image, monkeypatch: pytest.MonkeyPatch,
                                      size: tuple[int, int]) -> None:
    rgb = np.asarray(poster_1024.convert("RGB").resize(size))
    rgb = rgb.copy()
    rgb[:40, :40] = (255, 0, 0)  # saturated: the water-filling path runs too
    rgb[-40:, -40:] = 255
    dy = np.random.default_rng(5).normal(0, 2.0, rgb.shape[:2]).astype(np.float32)
    banded = wm.apply_luma_delta(rgb, dy)
    monkeypatch.setattr(wm, "PARALLEL_PIXELS", 1 << 40)
    assert np.array_equal(banded, wm.apply_luma_delta(rgb, dy))


@pytest.mark.parametrize("mode", ["RGB", "RGBA"])
def test_threaded_embed_equals_one_thread(poster_1024: Image.Image, monkeypatch: pytest.MonkeyPatch,
                                         mode: str) -> None:
    img = poster_1024.convert(mode)
    threaded = np.asarray(wm.embed(img, 0xC0FFEE))
    monkeypatch.setattr(wm, "PARALLEL_PIXELS", 1 << 40)
    monkeypatch.setattr(wm, "PARALLEL_BLOCKS", 1 << 40)
    assert np.array_equal(threaded, np.asarray(wm.embed(img, 0xC0FFEE)))


def test_block_reductions_match_numpy(poster_1024: Image.Image) -> None:
    rgb = np.asarray(poster_1024.convert("RGB").resize((512, 512)))
    y = wm._luma(rgb)
    grid = (64, 64)
    blocks = y.reshape(64, 8, 64, 8)
    assert np.array_equal(wm._block_extreme(y, grid, "max"), blocks.max(axis=(1, 3)).reshape(-1))
    assert np.array_equal(wm._block_extreme(y, grid, "min"), blocks.min(axis=(1, 3)).reshape(-1))
    quadrants = y.reshape(64, 2, 4, 64, 2, 4).std(axis=(2, 5)).min(axis=(1, 3)).reshape(-1)
    assert np.allclose(wm._block_extreme(y, grid, "activity"), quadrants, atol=1e-3)
    per_channel = rgb.reshape(64, 8, 64, 8, 3).max(axis=(1, 3)).reshape(-1, 3)
    assert np.array_equal(wm._block_extreme(rgb, grid, "max"), per_channel)
