"""Invisible watermark: blind-watermark's DWT-DCT-SVD scheme, vectorized, carrying a checked 64-bit asset id.

Why not call ``blind_watermark.WaterMark`` directly: its block loop runs one Python call (a 4×4 DCT and SVD)
per block, about 2 s for a 1024² image on this machine, and importing it calls
``multiprocessing.set_start_method('fork')`` (it raises when a server already chose a start method). This
module runs the *same* algorithm (haar DWT of the YUV planes, 4×4 blocks of the approximation band, DCT,
per-block coefficient shuffle seeded by ``password_img``, quantization of the two largest singular values,
bit order shuffled by ``password_wm``) with batched numpy calls, on the luma plane only and with smaller steps
(``D1``/``D2``); the stock library's block decoder reads its luma votes (``tests/marks`` checks that).

Payload (96 bits, MSB first): the 64-bit asset id, then CRC-32 of ``b"imagegen-wm-v1" + id.to_bytes(8)``.
The CRC makes a wrong decode detectable (a random bit string passes with probability 2^-32), so the decoder
may try several frames and keep the one whose bits check.

Perceptual mask (2026-11-21): textured 8×8 blocks get the library's mark; smooth ones (flat colour, soft
gradients) move their brightness by at most ~1.9 levels, the way that neither clips nor costs a saturated
channel much, and carry the second singular value in a low-frequency half-cosine instead of a 4×4 texture
(``luma_delta``; ``masking=False`` is the earlier embed). The decoder reads marks of either embed.

Scale invariance: the mark is embedded in a *working frame* whose size depends only on the aspect ratio
(long edge 512 px, short edge rounded to a multiple of 8). An image of another size is resized to that frame,
marked there, and the difference is resized back and added. A decoder resizes whatever it gets to the frame
of its aspect, so a resized copy lands on the same block grid without knowing the original size.
"""

from __future__ import annotations

import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

#: long edge of the working frame (px)
FRAME_LONG = 512
#: quantization steps of the two singular values (blind-watermark's defaults are 36/20 on all three YUV
#: planes: ~39 dB PSNR and a visible tint on white; luma only at 20/10 measured ~49 dB and still survives
#: JPEG q40 and 0.33x resizes, see docs/provenance.md)
D1, D2 = 20.0, 10.0
#: fixed seeds: the mark is deterministic and any imagegen install can read any other's marks
PASSWORD_IMG = 20260421
PASSWORD_WM = 1
ID_BITS = 64
CRC_BITS = 32
PAYLOAD_BITS = ID_BITS + CRC_BITS
_CRC_SALT = b"imagegen-wm-v1"
_BLOCK = 4
#: levels kept free below 255 and above 0 so the mark is not clipped away on pure white/black
HEADROOM_MARGIN = 1.0
#: fewest blocks per channel for a meaningful mark (each payload bit repeated >= 4 times per channel)
MIN_BLOCKS = PAYLOAD_BITS * 4


def _dct_matrix(n: int = _BLOCK) -> np.ndarray:
    """Orthonormal DCT-II matrix: ``D @ X @ D.T`` equals ``cv2.dct(X)`` for an n×n block."""
    k = np.arange(n)[:, None]
    i = np.arange(n)[None, :]
    d = np.cos(np.pi * (2 * i + 1) * k / (2 * n)) * np.sqrt(2.0 / n)
    d[0, :] = np.sqrt(1.0 / n)
    return d


_D = _dct_matrix()
_D32 = _D.astype(np.float32)
_DT32 = np.ascontiguousarray(_D32.T)
_SHUFFLE_CACHE: dict[int, np.ndarray] = {}


def payload_bits(wm_id: int) -> np.ndarray:
    """The 96 payload bits (bool) for a 64-bit id: id then its salted CRC-32."""
    if not 0 <= wm_id < 1 << ID_BITS:
        raise ValueError("watermark id must fit in 64 bits")
    raw = wm_id.to_bytes(8, "big")
    crc = zlib.crc32(_CRC_SALT + raw)
    value = (wm_id << CRC_BITS) | crc
    return np.array([(value >> (PAYLOAD_BITS - 1 - i)) & 1 for i in range(PAYLOAD_BITS)], dtype=bool)


def check_bits(bits: np.ndarray) -> int | None:
    """The 64-bit id if ``bits`` (96 bools) carry a matching CRC, else None."""
    value = 0
    for b in bits:
        value = (value << 1) | int(bool(b))
    wm_id, crc = value >> CRC_BITS, value & 0xFFFFFFFF
    return wm_id if zlib.crc32(_CRC_SALT + wm_id.to_bytes(8, "big")) == crc else None


def frame_size(width: int, height: int, *, long_edge: int | None = None) -> tuple[int, int]:
    """Working-frame (width, height) for this aspect: long edge fixed, short edge a multiple of 8."""
    long_edge = long_edge or FRAME_LONG
    if width >= height:
        return long_edge, max(8 * _BLOCK, round(long_edge * height / width / 8) * 8)
    return max(8 * _BLOCK, round(long_edge * width / height / 8) * 8), long_edge


def _wm_order() -> np.ndarray:
    """Permutation blind-watermark applies to the bit string (``RandomState(password_wm).shuffle``)."""
    idx = np.arange(PAYLOAD_BITS)
    np.random.RandomState(PASSWORD_WM).shuffle(idx)
    return idx


def _shuffler(block_num: int) -> np.ndarray:
    """Per-block coefficient permutation, exactly blind-watermark's ``random_strategy1``."""
    cached = _SHUFFLE_CACHE.get(block_num)
    if cached is None:
        cached = np.random.RandomState(PASSWORD_IMG).random(size=(block_num, _BLOCK * _BLOCK)).argsort(axis=1)
        if len(_SHUFFLE_CACHE) > 16:
            _SHUFFLE_CACHE.clear()
        _SHUFFLE_CACHE[block_num] = cached
    return cached


def _to_blocks(ca: np.ndarray) -> tuple[np.ndarray, tuple[int, int]]:
    bh, bw = ca.shape[0] // _BLOCK, ca.shape[1] // _BLOCK
    part = ca[: bh * _BLOCK, : bw * _BLOCK]
    blocks = part.reshape(bh, _BLOCK, bw, _BLOCK).transpose(0, 2, 1, 3).reshape(-1, _BLOCK, _BLOCK)
    return blocks, (bh, bw)


def _from_blocks(blocks: np.ndarray, grid: tuple[int, int]) -> np.ndarray:
    bh, bw = grid
    return blocks.reshape(bh, bw, _BLOCK, _BLOCK).transpose(0, 2, 1, 3).reshape(bh * _BLOCK, bw * _BLOCK)


def _svd_of_shuffled_dct(blocks: np.ndarray, shuffler: np.ndarray) -> tuple[np.ndarray, ...]:
    n = blocks.shape[0]
    coef = (_D32 @ blocks.astype(np.float32) @ _DT32).reshape(n, -1)
    shuffled = np.take_along_axis(coef, shuffler, axis=1).reshape(n, _BLOCK, _BLOCK)
    u, s, vt = np.linalg.svd(shuffled)
    return u, s, vt


def _luma(rgb: np.ndarray) -> np.ndarray:
    """Y of OpenCV's ``COLOR_BGR2YUV`` (what blind-watermark marks as its first plane), float32."""
    rgb = rgb.astype(np.float32)
    return rgb[:, :, 0] * 0.299 + rgb[:, :, 1] * 0.587 + rgb[:, :, 2] * 0.114


def _haar_ca(x: np.ndarray) -> np.ndarray:
    """Approximation band of a one-level haar DWT (what ``pywt.dwt2(x, "haar")[0]`` returns), even sizes."""
    return (x[0::2, 0::2] + x[0::2, 1::2] + x[1::2, 0::2] + x[1::2, 1::2]) * 0.5


def _qim_delta(blocks: np.ndarray, shuffler: np.ndarray, bit: np.ndarray) -> np.ndarray:
    """Per-block change (n, 4, 4) of the approximation band that puts ``bit`` into each block's two largest
    singular values (blind-watermark's quantization; only they move, so it is a rank-2 update)."""
    n = blocks.shape[0]
    u, s, vt = _svd_of_shuffled_dct(blocks, shuffler)
    ds = np.zeros_like(s[:, :2])
    ds[:, 0] = _nearest_lattice(s[:, 0], bit, D1) - s[:, 0]
    if D2:
        # s1 must stay below s0 to remain the second singular value
        ds[:, 1] = np.minimum(_nearest_lattice(s[:, 1], bit, D2), s[:, 0] + ds[:, 0]) - s[:, 1]
    delta_shuffled = (u[:, :, :2] * ds[:, None, :]) @ vt[:, :2, :]
    delta = np.empty((n, _BLOCK * _BLOCK), dtype=np.float32)
    np.put_along_axis(delta, shuffler, delta_shuffled.reshape(n, -1), axis=1)
    return _DT32 @ delta.reshape(n, _BLOCK, _BLOCK) @ _D32


#: DCT coefficients (row-major index in the 4×4 block) a smooth block may carry its second singular value
#: in, lowest frequency first: a half-cosine across the 8×8-pixel block instead of a 4×4 texture
_SMOOTH_COEFS = np.array([1, 4, 5, 2, 8])
#: how each of those alternates in sign between neighbours: (0,1) by column, (1,0) by row, (1,1) by both,
#: the even (0,2)/(2,0) ones not at all (their two edges already have the same sign)
_SMOOTH_FLIP = np.array([1, 2, 3, 0, 0])
#: largest pixel amplitude of one unit of those coefficients (the (1,1) basis peak, 0.427, halved by the
#: inverse haar step)
_SMOOTH_PEAK = 0.5 * 0.4268
#: a smooth block takes the low-frequency second value only while its own second singular value is below this
_SMOOTH_S1 = 2.0


def _smooth_qim_delta(
    blocks: np.ndarray,
    shuffler: np.ndarray,
    bit: np.ndarray,
    top: np.ndarray,
    bottom: np.ndarray,
    where: tuple[np.ndarray, np.ndarray],
    cost: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """The mark of smooth blocks (flat colour, soft gradients): the same two quantized singular values, but
    the second one is put into the block's lowest-frequency DCT coefficient that lies in another row and
    column of the shuffled matrix than the DC, so it shows as a faint half-cosine (at most ~1.6 levels for
    bit 1, ~0.5 for bit 0) rather than a 4×4 texture; the first one moves along the block's own direction
    (for a flat block: its brightness) towards the lattice point that does not clip. Where the second value
    would force the first a whole period down (near white or black) the block carries the first one only.
    ``where``: the blocks' (row, column) on the grid; the half-cosines alternate in sign from block to block
    so that neighbours meet at the same level (a ripple, not steps). ``cost``: per block, what a unit rise
    and a unit fall of brightness cost (see ``_channel_cost``): the first value moves the cheaper way.
    """
    n = blocks.shape[0]
    coef = (_D32 @ blocks.astype(np.float32) @ _DT32).reshape(n, -1)
    m = np.take_along_axis(coef, shuffler, axis=1).reshape(n, _BLOCK, _BLOCK)
    u, s, vt = np.linalg.svd(m)
    t1 = _nearest_lattice(s[:, 1], bit, D2)
    amp = t1 * _SMOOTH_PEAK
    room_up, room_down = (255.0 - top) * _S0_PER_LEVEL, bottom * _S0_PER_LEVEL
    plain = _lattice_within(s[:, 0], bit, room_up, room_down, cost)
    # the half-cosine's peak may clip by up to a level (on white: its second value still reads)
    slack = np.maximum(amp - 1.0, 0.0) * _S0_PER_LEVEL
    t0 = _lattice_within(s[:, 0], bit, room_up - slack, room_down - slack, cost)
    # shuffled position of each DCT coefficient, and the first low-frequency one off the DC's row and column
    pos = np.argsort(shuffler, axis=1)
    r0, c0 = np.divmod(pos[:, 0], _BLOCK)
    rc = pos[:, _SMOOTH_COEFS]
    rr, cc = np.divmod(rc, _BLOCK)
    valid = (rr != r0[:, None]) & (cc != c0[:, None])
    pick = valid.argmax(axis=1)
    r = rr[np.arange(n), pick]
    c = cc[np.arange(n), pick]
    # only where the block is close to rank one (flat or a gentle ramp): there the low-frequency entry is
    # what the second singular value becomes; elsewhere the first value alone
    flat = s[:, 1] < _SMOOTH_S1
    second = valid.any(axis=1) & (t0 == plain) & (t1 < t0) & flat
    # a gentle ramp has its own second direction (the ramp): quantized along it, as blind-watermark does,
    # the ramp steepens or flattens a little, which does not show
    ramp = ~flat & (t0 == plain) & (t1 < t0)
    t0 = np.where(second | ramp, t0, plain)
    rank1 = u[:, :, 0, None] * vt[:, None, 0, :]  # u0 v0^T
    target = m + (t0 - s[:, 0])[:, None, None] * rank1
    target += np.where(ramp, t1 - s[:, 1], 0.0)[:, None, None] * (u[:, :, 1, None] * vt[:, None, 1, :])
    idx = np.nonzero(second)[0]
    if idx.size:
        row, col = where[0][idx], where[1][idx]
        flip = _SMOOTH_FLIP[pick[idx]]  # 1: alternate by column, 2: by row, 3: both, 0: never
        parity = np.where(flip & 1, col, 0) + np.where(flip & 2, row, 0)
        sign = np.where(parity % 2, -1.0, 1.0).astype(np.float32)
        e = sign * t1[idx]
        sub = target[idx]
        # a flat block is DC plus this one entry, whose singular values are exactly |t0| and |e|; a ramp
        # mixes in, so there one Newton-like correction of both values follows
        ramped = np.nonzero(s[idx, 1] > 0.25)[0]
        if ramped.size:
            trial = sub[ramped].copy()
            trial[np.arange(ramped.size), r[idx][ramped], c[idx][ramped]] = e[ramped]
            sv = np.linalg.svd(trial, compute_uv=False)
            e[ramped] = np.clip(e[ramped] + sign[ramped] * (t1[idx][ramped] - sv[:, 1]), -2 * D2, 2 * D2)
            sub[ramped] += (t0[idx][ramped] - sv[:, 0])[:, None, None] * rank1[idx][ramped]
        sub[np.arange(idx.size), r[idx], c[idx]] = e
        target[idx] = sub
    delta_shuffled = (target - m).astype(np.float32).reshape(n, -1)
    delta = np.empty((n, _BLOCK * _BLOCK), dtype=np.float32)
    np.put_along_axis(delta, shuffler, delta_shuffled, axis=1)
    return _DT32 @ delta.reshape(n, _BLOCK, _BLOCK) @ _D32


def _lattice_within(
    s: np.ndarray,
    bit: np.ndarray,
    up: np.ndarray,
    down: np.ndarray,
    cost: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """The lattice point for ``bit`` just above or just below ``s`` (see ``_nearest_lattice``): the one that
    rises at most ``up`` / falls at most ``down``, and of those the cheaper, a rise costing ``cost[0]`` and a
    fall ``cost[1]`` per unit (default 1: the nearer one)."""
    t = _nearest_lattice(s, bit, D1)
    t_up = np.where(t >= s, t, t + D1)
    t_dn = np.where(t >= s, t - D1, t)
    ok_up, ok_dn = t_up - s <= up, (s - t_dn <= down) & (t_dn >= 0)
    c_up, c_dn = cost if cost is not None else (1.0, 1.0)
    prefer_up = (t_up - s) * c_up <= (s - t_dn) * c_dn
    pick_up = np.where(ok_up & ok_dn, prefer_up, ok_up | ~ok_dn)
    return np.maximum(np.where(pick_up, t_up, t_dn), 0.0)


def _nearest_lattice(s: np.ndarray, bit: np.ndarray, step: float) -> np.ndarray:
    """The value nearest ``s`` (and >= 0) whose residue mod ``step`` is step/4 (bit 0) or 3·step/4 (bit 1).

    blind-watermark moves to the point in ``s``'s own period (up to 3/4 step away); the nearest point of the
    same residue is at most 1/2 step away and reads back the same (the decoder only looks at ``s mod step``).
    """
    offset = (0.25 + 0.5 * bit) * step
    k = np.rint((s - offset) / step)
    target = k * step + offset
    return np.where(target < 0, target + step, target)


def _block_extreme(plane: np.ndarray, grid: tuple[int, int], fn: str) -> np.ndarray:
    """Max or min of ``plane`` (pixels) over each 8×8-pixel block of the grid, as (n,) (or (n, channels) for
    an H×W×C array); ``"activity"``: the smallest luma standard deviation of the block's four 4×4 quadrants
    (a block is only as busy as its calmest part: type on white leaves white quadrants, where a texture would
    show).

    Reduced rows first, then the 8 columns of each block: both reductions run over contiguous memory (a
    reduction over axes (1, 3) of a (bh, 8, bw, 8) view took ~6x longer)."""
    bh, bw = grid
    cell = 2 * _BLOCK
    part = plane[: bh * cell, : bw * cell]
    if fn == "activity":
        # quadrant means of x and x² (float64: E[x²] - E[x]² stays exact to ~1e-6 level² here)
        x = part.astype(np.float64)

        def quadrant_mean(a: np.ndarray) -> np.ndarray:
            rows = a.reshape(bh * 2, _BLOCK, bw * cell).sum(axis=1)
            return rows.reshape(bh * 2, bw * 2, _BLOCK).sum(axis=2) / (_BLOCK * _BLOCK)

        mean = quadrant_mean(x)
        std = np.sqrt(np.maximum(quadrant_mean(x * x) - mean * mean, 0.0)).reshape(bh, 2, bw, 2)
        return std.min(axis=(1, 3)).reshape(-1).astype(np.float32)
    rest = part.shape[2:]
    rows = part.reshape(bh, cell, bw * cell, *rest)
    if fn == "max":
        reduced = rows.max(axis=1).reshape(bh, bw, cell, *rest).max(axis=2)
    else:
        reduced = rows.min(axis=1).reshape(bh, bw, cell, *rest).min(axis=2)
    return reduced.reshape(bh * bw, *rest).astype(np.float32)


#: perceptual mask: an 8×8 working-frame block whose calmest 4×4 quadrant has a luma standard deviation
#: below this (levels) is
#: "smooth" (flat colour, soft gradient): it carries its bit in the first singular value only, a change of
#: the block's mean brightness of at most 1.25 levels (D1/16) in the direction that does not clip; textured
#: blocks (type, edges, photo detail) mask the full two-value mark
TEXTURE_STD = 3.0
#: s0 of a flat 4×4 approximation block per pixel level (DC = 4 · 2 · level)
_S0_PER_LEVEL = 2.0 * _BLOCK


def _channel_cost(rgb: np.ndarray, grid: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Per block, the largest channel change per level of luma for a rise and for a fall:
    ``apply_luma_delta`` moves R, G and B alike while they have room, and only the channels with room
    otherwise, so lifting saturated red (G and B at 0 can rise, R cannot) costs 1/0.701 level per channel and
    lowering it 1/0.299 in R alone; white cannot rise at all."""
    # all three channels at once, in uint8 (exact for max/min)
    top = _block_extreme(rgb, grid, "max")  # (n, 3)
    bottom = _block_extreme(rgb, grid, "min")
    up = ((top <= 253.0) * _LUMA_W).sum(axis=1, dtype=np.float32)
    down = ((bottom >= 2.0) * _LUMA_W).sum(axis=1, dtype=np.float32)
    return 1.0 / np.maximum(up, 1e-3), 1.0 / np.maximum(down, 1e-3)


def luma_delta(
    y: np.ndarray,
    bits: np.ndarray,
    *,
    headroom: bool = True,
    masking: bool = True,
    rgb: np.ndarray | None = None,
) -> np.ndarray:
    """The change to the luma plane ``y`` (even sizes) that embeds ``bits`` on its own block grid.

    Only the haar approximation band changes, so the inverse DWT reduces to adding each band change,
    halved, to its 2×2 pixel cell (exactly ``pywt.idwt2`` with the detail bands left as they were).

    ``masking`` (the default; ``False`` is the original, pre-2026-11-21 embed, kept for comparison and tests):
    smooth blocks (luma std < ``TEXTURE_STD``) quantize only their first singular value, towards the lattice
    point that keeps the block inside 0..255, so flat colour moves by at most ~1.9 levels of brightness and
    never gets a texture; textured blocks get the full mark.

    ``rgb``: the frame in colour (same size as ``y``); with it a smooth block moves its brightness the way its
    channels allow most cheaply (saturated red up, through G and B, rather than down in R alone).

    ``headroom``: a textured mark on pure white or pure black would be clipped away at 255/0 (blind-watermark
    loses it there), so such blocks first get a small block-constant offset that leaves room for the mark.
    Luma is the right measure: ``apply_luma_delta`` spreads a luma change over the channels that still have
    room, so a pixel can rise by 255 - Y and fall by Y whatever its colour.
    """
    h, w = y.shape
    if h % 2 or w % 2:
        raise ValueError("the working frame needs even sizes")
    wm = bits.astype(np.float32)[_wm_order()]
    ca = _haar_ca(y)
    blocks, grid = _to_blocks(ca)
    n = blocks.shape[0]
    if n <= wm.size:
        raise ValueError(f"image too small to carry {wm.size} bits ({n} blocks)")
    shuffler = _shuffler(n)
    bit = wm[np.arange(n) % wm.size]
    top = _block_extreme(y, grid, "max")
    bottom = _block_extreme(y, grid, "min")
    if masking:
        textured = _block_extreme(y, grid, "activity") >= TEXTURE_STD
        spatial = np.empty_like(blocks)
        costs = _channel_cost(rgb, grid) if rgb is not None else None

        def mark_blocks(part: np.ndarray) -> None:
            # every block's change depends on that block alone: parts may run on separate threads
            busy = part[textured[part]]
            if busy.size:
                spatial[busy] = _qim_delta(blocks[busy], shuffler[busy], bit[busy])
            smooth = part[~textured[part]]
            if smooth.size:
                rows, cols = np.divmod(smooth, grid[1])
                cost = (costs[0][smooth], costs[1][smooth]) if costs is not None else None
                spatial[smooth] = _smooth_qim_delta(
                    blocks[smooth], shuffler[smooth], bit[smooth], top[smooth], bottom[smooth], (rows, cols),
                    cost,
                )

        # two halves of the grid on two threads (numpy's batched SVD and matmul run without the GIL)
        every = np.arange(n)
        if n >= PARALLEL_BLOCKS:
            lower = _band_pool().submit(mark_blocks, every[n // 2 :])
            mark_blocks(every[: n // 2])
            lower.result()
        else:
            mark_blocks(every)
    else:
        textured = np.ones(n, dtype=bool)
        spatial = _qim_delta(blocks, shuffler, bit)
    offset = np.zeros(n, dtype=np.float32)  # block-constant pixel offset (headroom)
    if headroom:
        for _ in range(2):
            # pixel change of a block = offset + band change / 2 (see the docstring)
            over = top + offset + spatial.max(axis=(1, 2)) * 0.5 - (255.0 - HEADROOM_MARGIN)
            under = HEADROOM_MARGIN - (bottom + offset + spatial.min(axis=(1, 2)) * 0.5)
            fix = np.where(over > 0, -over, 0) + np.where(under > 0, under, 0)
            todo = np.nonzero((np.abs(fix) > 0.01) & textured)[0]
            if todo.size == 0:
                break
            offset[todo] += fix[todo]
            # a constant pixel offset c is 2c on every approximation coefficient of the block
            shifted = blocks[todo] + 2 * offset[todo, None, None]
            spatial[todo] = _qim_delta(shifted, shuffler[todo], bit[todo])
    dca = np.zeros_like(ca)
    dca[: grid[0] * _BLOCK, : grid[1] * _BLOCK] = _from_blocks(spatial + 2 * offset[:, None, None], grid)
    return np.repeat(np.repeat(dca * 0.5, 2, axis=0), 2, axis=1)


def embed_array(rgb: np.ndarray, bits: np.ndarray) -> np.ndarray:
    """Embed ``bits`` into an RGB array on its own grid; returns float32 RGB (unclipped).

    A luma change ``d`` with chroma kept is ``+d`` on each of R, G and B (OpenCV's YUV inverse has unit
    luma coefficients), so the mark is a grey-level pattern.
    """
    return rgb.astype(np.float32) + luma_delta(_luma(rgb), bits)[:, :, None]


_LUMA_W = np.array([0.299, 0.587, 0.114], dtype=np.float32)


def _bayer(n: int = 8) -> np.ndarray:
    """n×n ordered-dither thresholds in (0, 1) (recursive Bayer matrix), float32."""
    m = np.zeros((1, 1), dtype=np.int64)
    while m.shape[0] < n:
        m = np.block([[4 * m, 4 * m + 2], [4 * m + 3, 4 * m + 1]])
    return ((m + 0.5) / m.size).astype(np.float32)


_BAYER = _bayer()


def _dither_tile(h: int, w: int) -> np.ndarray:
    """Ordered-dither thresholds for an h×w image: ``floor(x + tile)`` rounds ``x`` to whole levels,
    deterministically, keeping the mean over every 8×8 tile (a change of 0.4 level becomes 40 % of pixels
    moved by one, not nothing and not all by one)."""
    return np.tile(_BAYER, (h // 8 + 1, w // 8 + 1))[:h, :w]


#: images of at least this many pixels are marked in two bands of rows on two threads (OpenCV and numpy's
#: element-wise loops run without the GIL; every pixel's result depends on that pixel alone)
PARALLEL_PIXELS = 512 * 512
#: working frames of at least this many 4×4 blocks compute their block changes in two halves on two threads
PARALLEL_BLOCKS = 2048
_BAND_POOL: ThreadPoolExecutor | None = None


def _band_pool() -> ThreadPoolExecutor:
    """The helper thread that takes the second half of the embed's parallel steps."""
    global _BAND_POOL
    if _BAND_POOL is None:
        _BAND_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="imagegen-mark")
    return _BAND_POOL


def apply_luma_delta(rgb: np.ndarray, dy: np.ndarray) -> np.ndarray:
    """``rgb`` (uint8, H×W×3) with its luma changed by ``dy`` (H×W), as uint8.

    Adds ``dy`` (rounded by ordered dithering, so small changes keep their mean) to R, G and B alike; where
    that would clip (saturated colours), the change goes to the channels with room, scaled so the luma still
    moves by ``dy`` (water-filling over the luma weights). Large images: the lower band of rows on a helper
    thread (cut at a multiple of 8 rows, so both bands see the same dither tile as the whole).
    """
    h, w = dy.shape
    cut = (h // 2) // 8 * 8
    if h * w < PARALLEL_PIXELS or cut == 0:
        return _apply_band(rgb, dy)
    rgb = np.ascontiguousarray(rgb)
    lower = _band_pool().submit(_apply_band, rgb[cut:], np.ascontiguousarray(dy[cut:]))
    upper = _apply_band(rgb[:cut], np.ascontiguousarray(dy[:cut]))
    return np.concatenate([upper, lower.result()])


def _apply_band(rgb: np.ndarray, dy: np.ndarray) -> np.ndarray:
    """``apply_luma_delta`` on one band whose first row is a multiple of 8 rows into the image."""
    tile = _dither_tile(*dy.shape)
    dq = np.floor(dy + tile)
    # saturating uint8 arithmetic (OpenCV, SIMD) on the whole image: numpy reductions over the 3-channel axis
    # cost ~0.5 s at 2048²; the float water-filling then runs only where a channel would have clipped
    pos = np.clip(dq, 0, 255).astype(np.uint8)
    neg = np.clip(-dq, 0, 255).astype(np.uint8)
    out = cv2.subtract(cv2.add(rgb, cv2.merge([pos, pos, pos])), cv2.merge([neg, neg, neg]))
    r, g, b = rgb[:, :, 0], rgb[:, :, 1], rgb[:, :, 2]
    # max + dq > 255 or min + dq < 0, in uint8 compares (dq is a whole number of levels)
    clipped = cv2.bitwise_or(
        cv2.compare(cv2.max(cv2.max(r, g), b), cv2.subtract(np.full_like(pos, 255), pos), cv2.CMP_GT),
        cv2.compare(cv2.min(cv2.min(r, g), b), neg, cv2.CMP_LT),
    )
    # flat indices: a 2-D boolean mask on the H×W×3 array costs ~10 ms per use at 1024², the indices ~0.1 ms
    idx = np.flatnonzero(clipped)
    if idx.size:
        p = rgb.reshape(-1, 3)[idx].astype(np.float32)
        d = dy.reshape(-1)[idx].astype(np.float32)
        sign = np.where(d >= 0, 1.0, -1.0).astype(np.float32)
        room = np.where(d[:, None] >= 0, 255.0 - p, p)
        need = np.abs(d)
        level = need.copy()
        for _ in range(3):  # three channels: three rounds settle which ones saturate
            full = room < level[:, None]
            spent = (np.where(full, room, 0.0) * _LUMA_W).sum(axis=1)
            free_w = np.where(full, 0.0, _LUMA_W).sum(axis=1)
            level = np.where(free_w > 1e-6, (need - spent) / np.maximum(free_w, 1e-6), level)
        dither = tile.reshape(-1)[idx][:, None]
        filled = np.floor(p + sign[:, None] * np.minimum(level[:, None], room) + dither)
        out.reshape(-1, 3)[idx] = np.clip(filled, 0, 255).astype(np.uint8)
    return out


def extract_votes(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-bit mean votes of the first and of the second singular value, in payload order, grid of ``rgb``."""
    blocks, _ = _to_blocks(_haar_ca(_luma(rgb)))
    n = blocks.shape[0]
    if n <= PAYLOAD_BITS:
        raise ValueError("image too small to carry a watermark")
    _, s, _ = _svd_of_shuffled_dct(blocks, _shuffler(n))
    pos = np.arange(n) % PAYLOAD_BITS
    counts = np.bincount(pos, minlength=PAYLOAD_BITS)
    order = _wm_order()
    out = []
    for vote in (s[:, 0] % D1 > D1 / 2, s[:, 1] % D2 > D2 / 2):
        avg = np.empty(PAYLOAD_BITS)
        avg[order] = np.bincount(pos, weights=vote.astype(np.float64), minlength=PAYLOAD_BITS) / counts
        out.append(avg)
    return out[0], out[1]


def extract_soft(rgb: np.ndarray) -> np.ndarray:
    """Soft payload bits in [0, 1]: blind-watermark's 3:1 weighted block votes averaged over all repeats."""
    v0, v1 = extract_votes(rgb)
    return (3 * v0 + v1) / 4


def _resize(arr: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    if (arr.shape[1], arr.shape[0]) == size:
        return arr
    shrinking = size[0] < arr.shape[1]
    return cv2.resize(arr, size, interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR)


def embed(img: Image.Image, wm_id: int) -> Image.Image:
    """Return a copy of ``img`` carrying ``wm_id``; mode and alpha are kept; deterministic.

    The luma change is computed in the working frame, resized to the image and applied by
    ``apply_luma_delta`` (R, G and B alike unless a channel would clip), rounded once.
    """
    mode = img.mode
    alpha = img.getchannel("A") if "A" in img.getbands() else None
    rgb = np.asarray(img.convert("RGB"))
    h, w = rgb.shape[:2]
    fw, fh = frame_size(w, h)
    frame = _resize(rgb, (fw, fh))
    dy = luma_delta(_luma(frame), payload_bits(wm_id), rgb=frame)
    out = Image.fromarray(apply_luma_delta(rgb, _resize(dy, (w, h))), "RGB")
    if alpha is not None:
        out.putalpha(alpha)
        return out if mode == "RGBA" else out.convert(mode)
    return out if mode == "RGB" else out.convert(mode)


@dataclass(frozen=True)
class WatermarkReading:
    """A decoded watermark: the id if its CRC checks, and how clearly the blocks voted."""

    #: ``img_<16 hex>`` when the payload's CRC checked, else None
    asset_id: str | None
    wm_id: int | None
    #: mean |vote - 0.5| * 2 over the 96 payload bits: 0.2-0.4 on unmarked images (smooth areas vote alike),
    #: 0.6-0.75 on clean marks; only the CRC decides whether a mark was read
    confidence: float
    #: which frame decoded: "WxH frame from WxH input"
    frame: str
    #: how many frames were tried
    tries: int
    seconds: float

    def to_dict(self) -> dict[str, object]:
        return {
            "asset_id": self.asset_id,
            "id_hex": None if self.wm_id is None else f"{self.wm_id:016x}",
            "confidence": round(self.confidence, 4),
            "frame": self.frame,
            "tries": self.tries,
            "seconds": round(self.seconds, 4),
        }


def _candidate_frames(w: int, h: int) -> list[tuple[int, int]]:
    """Working frames to try: the frame of this aspect, its neighbours (rounding drift after a resize)."""
    fw, fh = frame_size(w, h)
    out = [(fw, fh)]
    for delta in (8, -8, 16, -16):
        cand = (fw, fh + delta) if fw >= fh else (fw + delta, fh)
        if min(cand) >= 8 * _BLOCK:
            out.append(cand)
    return out


#: luma offsets (levels) tried after the plain frames: a smooth block carries its bit in its mean brightness
#: alone (perceptual mask), on a lattice of D1/8 = 2.5 levels, and a codec can shift a flat colour by a level
#: or so (JPEG's YCbCr rounding moves dark greys by +1.3); eighths of that period cover any such shift
OFFSET_STEPS = tuple(round(D1 / (2.0 * _BLOCK) * k / 8, 4) for k in range(1, 8))
#: luminance gains tried by ``decode(..., gains=True)``: a brightness change scales every singular value
GAIN_STEPS = tuple(round(0.76 + 0.02 * i, 2) for i in range(28))


def decode(
    img: Image.Image, *, region: tuple[int, int, int, int] | None = None, gains: bool = False
) -> WatermarkReading:
    """Decode the mark from ``img`` (or from its ``region`` box x0, y0, x1, y1, for masked edits).

    Tries the aspect's working frame and its rounding neighbours, then the aspect's frame shifted by each of
    ``OFFSET_STEPS``; on each it reads blind-watermark's 3:1 vote and each singular value's vote alone,
    each thresholded at 0.5 and at the two-cluster (k-means) split blind-watermark uses: at most 72
    candidates, the first whose CRC checks wins (false id rate ~72 · 2^-32 ≈ 1.7e-8 per file).
    ``gains=True`` then also undoes brightness changes: the frame's luma divided by each of ``GAIN_STEPS``
    (0.76-1.30), 162 more candidates (~0.6 s CPU; false id rate still ~5e-8 per file).
    """
    start = time.perf_counter()
    if region is not None:
        img = img.crop(region)
    rgb = np.asarray(img.convert("RGB"))
    h, w = rgb.shape[:2]
    best: tuple[float, str] = (0.0, "")
    tries = 0
    frames = _candidate_frames(w, h)
    attempts: list[tuple[tuple[int, int], float, float]] = [(f, 1.0, 0.0) for f in frames]
    attempts += [(frames[0], 1.0, c) for c in OFFSET_STEPS]
    if gains:
        attempts += [(frames[0], g, 0.0) for g in GAIN_STEPS if g != 1.0]
    resized: dict[tuple[int, int], np.ndarray] = {}
    for (fw, fh), gain, shift in attempts:
        tries += 1
        frame = resized.get((fw, fh))
        if frame is None:
            # resized in float: a smooth block's mark is a fraction of a level, dithered over its pixels,
            # and rounding the frame to whole levels would bias it (reads marks of either embed better)
            frame = resized[(fw, fh)] = _resize(rgb.astype(np.float32), (fw, fh))
        if gain != 1.0:
            frame = frame / gain
        v0, v1 = extract_votes(frame + shift if shift else frame)
        soft = (3 * v0 + v1) / 4
        conf = float(np.mean(np.abs(soft - 0.5)) * 2)
        label = f"{fw}x{fh} frame from {w}x{h} input" + (f", gain {gain}" if gain != 1.0 else "")
        label += f", offset {shift:+g}" if shift else ""
        if conf > best[0]:
            best = (conf, label)
        # blind-watermark's 3:1 vote first; then each singular value alone: near white or black a smooth
        # block carries the first one only (its second is ~0 and votes 0), and a brightness change moves
        # the first one (~8 × the block's level) by whole periods while the second one still reads
        for votes in (soft, v0, v1):
            for threshold in (0.5, _kmeans_threshold(votes)):
                wm_id = check_bits(votes > threshold)
                if wm_id is not None:
                    return WatermarkReading(
                        f"img_{wm_id:016x}", wm_id, conf, label, tries, time.perf_counter() - start
                    )
    return WatermarkReading(None, None, best[0], best[1], tries, time.perf_counter() - start)


def _kmeans_threshold(values: np.ndarray) -> float:
    """Two-cluster split of 1-D values (blind-watermark's ``one_dim_kmeans``), as a threshold."""
    lo, hi = float(values.min()), float(values.max())
    threshold = (lo + hi) / 2
    for _ in range(100):
        upper = values > threshold
        if upper.all() or not upper.any():
            break
        new = (float(values[~upper].mean()) + float(values[upper].mean())) / 2
        if abs(new - threshold) < 1e-6:
            break
        threshold = new
    return threshold


def capacity_ok(width: int, height: int) -> bool:
    """Whether a region of this size can carry the payload with enough repeats (in its working frame)."""
    fw, fh = frame_size(width, height)
    blocks = (fw // 2 // _BLOCK) * (fh // 2 // _BLOCK)
    return blocks >= MIN_BLOCKS and min(width, height) >= 64
