"""Botanical ornaments drawn as vector line work: the laurel garland, sprig and corner spray of a printed
invitation (or a pack's seal), in muted leaf tones on a transparent ground.

An ``ImageNode`` whose style is one of :data:`ORNAMENTS` is drawn here, never by the illustrations (an
elegant card wants a drawn botanical, not an emoji). Each ornament is a stem (a curve) with leaves set in
alternate pairs along it, tapering to the tip, and a few berries; leaves vary a little in tone and size
from the seed, like brushwork. The picture is RGBA: only the ornament is painted, the card shows through.

- ``garland``: two branches rising from a bow at the bottom centre along a circle's lower arc (a half
  wreath that cups what is above it); ``garland-down`` is the same hung upside down;
- ``sprig``: a horizontal divider, two branches growing left and right from a centre berry cluster;
- ``corner``: one branch hugging the top-left corner (both edges); ``corner-tr``, ``corner-bl``,
  ``corner-br`` are its mirror images.

``colors``: [leaf, stem/dark leaf, berry] (missing ones are derived).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from PIL import Image, ImageDraw

from imagegen.engines.planning.render.paint import hex_rgba, mix

#: the style names drawn here
ORNAMENTS = frozenset(
    {"garland", "garland-down", "sprig", "corner", "corner-tl", "corner-tr", "corner-bl", "corner-br"}
)
#: supersampling of the line work
_SS = 3

Point = tuple[float, float]
Path = Callable[[float], Point]


def draw_ornament(style: str, w: int, h: int, colors: list[str], seed: int) -> Image.Image:
    """The ornament ``style`` at w x h, RGBA (transparent where nothing is drawn)."""
    rng = np.random.default_rng(seed)
    leaf = colors[0] if colors else "#8a9a7b"
    stem = colors[1] if len(colors) > 1 else mix(leaf, "#000000", 0.3)
    berry = colors[2] if len(colors) > 2 else "#b8975a"
    W, H = max(1, w) * _SS, max(1, h) * _SS
    img = Image.new("RGBA", (W, H), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    tones = (leaf, mix(leaf, stem, 0.45), mix(leaf, "#ffffff", 0.18))
    kind = style.lower().strip()
    if kind.startswith("garland"):
        _garland(d, W, H, tones, stem, berry, rng, down=kind.endswith("down"))
    elif kind == "sprig":
        _sprig(d, W, H, tones, stem, berry, rng)
    else:
        _corner(d, W, H, tones, stem, berry, rng)
        flip_x = kind.endswith(("tr", "br"))
        flip_y = kind.endswith(("bl", "br"))
        if flip_x:
            img = img.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        if flip_y:
            img = img.transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    return img.resize((max(1, w), max(1, h)), Image.Resampling.LANCZOS)


# -- the parts -------------------------------------------------------------------------------------------
def _leaf(d: ImageDraw.ImageDraw, base: Point, angle: float, length: float, width: float, color: str) -> None:
    """A pointed leaf (a lens, fuller near its base) from ``base`` along ``angle`` (radians), midribbed."""
    ca, sa = math.cos(angle), math.sin(angle)
    left: list[Point] = []
    right: list[Point] = []
    n = 14
    for i in range(n + 1):
        t = i / n
        half = width / 2 * math.sin(math.pi * t) ** 0.9 * (1.15 - 0.3 * t)
        along = length * t
        x, y = base[0] + ca * along, base[1] + sa * along
        left.append((x - sa * half, y + ca * half))
        right.append((x + sa * half, y - ca * half))
    d.polygon(left + right[::-1], fill=hex_rgba(color, 0.94))
    rib = mix(color, "#ffffff", 0.35)
    tip = (base[0] + ca * length * 0.78, base[1] + sa * length * 0.78)
    d.line([base, tip], fill=hex_rgba(rib, 0.7), width=max(1, round(width * 0.07)))


def _stem(d: ImageDraw.ImageDraw, path: Path, width: float, color: str, n: int = 60) -> None:
    pts = [path(i / n) for i in range(n + 1)]
    # taper: thicker at the base (t = 0) than at the tip
    for i in range(n):
        wd = max(1, round(width * (1.0 - 0.55 * i / n)))
        d.line([pts[i], pts[i + 1]], fill=hex_rgba(color), width=wd)


def _tangent(path: Path, t: float) -> float:
    a, b = path(max(0.0, t - 0.01)), path(min(1.0, t + 0.01))
    return math.atan2(b[1] - a[1], b[0] - a[0])


def _berry(d: ImageDraw.ImageDraw, at: Point, r: float, color: str) -> None:
    d.ellipse((at[0] - r, at[1] - r, at[0] + r, at[1] + r), fill=hex_rgba(color))
    hl = r * 0.35
    d.ellipse(
        (at[0] - r * 0.45 - hl, at[1] - r * 0.45 - hl, at[0] - r * 0.45 + hl, at[1] - r * 0.45 + hl),
        fill=hex_rgba(mix(color, "#ffffff", 0.45), 0.8),
    )


def _branch(
    d: ImageDraw.ImageDraw,
    path: Path,
    leaf_len: float,
    tones: tuple[str, ...],
    stem: str,
    berry: str,
    rng: np.random.Generator,
    *,
    pairs: int,
    spread: float = 0.75,
    berries: bool = True,
) -> None:
    """A stem along ``path`` (t = 0 base, 1 tip) with ``pairs`` alternate leaf pairs, smaller toward the tip,
    a leaf at the tip and a few berries between the leaves."""
    _stem(d, path, max(2.0, leaf_len * 0.075), stem)
    for k in range(pairs):
        t = 0.08 + 0.86 * k / max(1, pairs - 1)
        base = path(t)
        ang = _tangent(path, t)
        scale = 1.0 - 0.4 * t
        for side in (-1, 1):
            # alternate: one side a little further along than the other
            tt = min(1.0, t + (0.03 if side > 0 else 0.0))
            b = path(tt)
            jitter = float(rng.uniform(-0.12, 0.12))
            ln = leaf_len * scale * float(rng.uniform(0.88, 1.08))
            tone = tones[int(rng.integers(0, len(tones)))]
            _leaf(d, b, ang + side * (spread + jitter), ln, ln * 0.42, tone)
        del base
        if berries and k % 3 == 1:
            off = leaf_len * 0.55 * scale
            at = path(t + 0.02)
            ang2 = ang - math.pi / 2
            _berry(d, (at[0] + math.cos(ang2) * off, at[1] + math.sin(ang2) * off), leaf_len * 0.09, berry)
    tip = path(1.0)
    _leaf(d, tip, _tangent(path, 1.0), leaf_len * 0.62, leaf_len * 0.26, tones[0])


# -- the ornaments -----------------------------------------------------------------------------------------
def _garland(
    d: ImageDraw.ImageDraw,
    W: int,
    H: int,
    tones: tuple[str, ...],
    stem: str,
    berry: str,
    rng: np.random.Generator,
    *,
    down: bool,
) -> None:
    """Two branches along the lower arc of a circle, meeting at a berry cluster at the bottom centre."""
    leaf_len = min(W * 0.12, H * 0.3)
    pad = leaf_len * 0.75
    # a circle whose lower arc spans the box: its bottom at H - pad, its ends near the top corners
    rx = W / 2 - pad
    ry = H - 2 * pad
    cx, cy = W / 2, pad if not down else H - pad
    sign = 1 if not down else -1
    sweep = math.radians(84)

    def arc(direction: int) -> Path:
        def p(t: float) -> Point:
            a = math.pi / 2 + direction * (0.05 + t) * sweep
            return cx + rx * math.cos(a), cy + sign * ry * math.sin(a)

        return p

    for direction in (-1, 1):
        _branch(d, arc(direction), leaf_len, tones, stem, berry, rng, pairs=7, spread=0.8)
    base = arc(1)(0.0)
    r = leaf_len * 0.11
    for dx, dy in ((-1.1, 0.0), (1.1, 0.0), (0.0, -0.9 * sign)):
        _berry(d, (base[0] + dx * r * 1.6, base[1] + dy * r * 1.6), r, berry)


def _sprig(
    d: ImageDraw.ImageDraw,
    W: int,
    H: int,
    tones: tuple[str, ...],
    stem: str,
    berry: str,
    rng: np.random.Generator,
) -> None:
    """A divider: two gently curved branches growing out of a centre cluster, left and right."""
    leaf_len = min(H * 0.42, W * 0.08)
    cx, cy = W / 2, H / 2
    reach = W / 2 - leaf_len * 0.9

    def side(direction: int) -> Path:
        def p(t: float) -> Point:
            x = cx + direction * (leaf_len * 0.35 + t * reach)
            return x, cy + math.sin(t * math.pi) * H * 0.08

        return p

    for direction in (-1, 1):
        _branch(d, side(direction), leaf_len, tones, stem, berry, rng, pairs=5, spread=0.7, berries=False)
    r = leaf_len * 0.13
    for dx, dy in ((-0.9, 0.3), (0.9, 0.3), (0.0, -0.6)):
        _berry(d, (cx + dx * r * 1.5, cy + dy * r * 1.5), r, berry)


def _corner(
    d: ImageDraw.ImageDraw,
    W: int,
    H: int,
    tones: tuple[str, ...],
    stem: str,
    berry: str,
    rng: np.random.Generator,
) -> None:
    """A spray in the top-left corner: one branch down the left edge, one along the top, from the corner."""
    leaf_len = min(W, H) * 0.16
    ox, oy = leaf_len * 0.7, leaf_len * 0.7

    def along_top(t: float) -> Point:
        return ox + t * (W - ox - leaf_len * 0.9), oy + math.sin(t * math.pi) * leaf_len * 0.35

    def down_left(t: float) -> Point:
        return ox + math.sin(t * math.pi) * leaf_len * 0.35, oy + t * (H - oy - leaf_len * 0.9)

    _branch(d, along_top, leaf_len, tones, stem, berry, rng, pairs=5, spread=0.7)
    _branch(d, down_left, leaf_len, tones, stem, berry, rng, pairs=5, spread=0.7)
    r = leaf_len * 0.12
    for dx, dy in ((0.0, 0.0), (1.6, 0.5), (0.5, 1.6)):
        _berry(d, (ox + dx * r * 1.4, oy + dy * r * 1.4), r, berry)
