"""What the character is DOING in a frame: its pose, what it holds, and how close the camera is.

A comic panel or a storyboard frame tells one beat ("makes coffee", "spills it", "laughs", "flat tire").
:func:`read_pose` turns the beat's words into a :class:`Pose`; the scene (scene.py) then

- **restages** the cast (:func:`restage`): a cyclist with a flat tire gets off the bike and kneels beside
  it with a wrench (never a loose wheel lying on the grass); a beat by a river puts the scene outdoors;
- **frames** the shot (:func:`frame_shot`): a close-up fills the picture with the head and shoulders (the
  bottom cropped), a wide shot draws the figure small in its setting;
- **hands props over** (:func:`hold`): a held prop's box is centred on the figure's hand, found in the
  figure's own ink (the front hand of a side-on figure, both hands of one facing us, a stub arm drawn for a
  figure that has none, like the robot face); a spilled cup lies tipped at the feet in a puddle;
- **draws the figure posed** (:func:`figure_layer`): the one drawing a character has, tilted, squashed or
  stretched and lifted off the ground (a laugh bounces, a spill rocks it back), with stub arms up, out or
  holding for a handless figure, and comic marks: laugh arcs, surprise lines, steam, a fading "zzz",
  drops, footprints leading off.

Everything is geometry from the beat and the drawings: no randomness, so a seed renders the same pixels.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from PIL import Image, ImageDraw

from imagegen.engines.planning.render.illustrations.library import IllustrationSet
from imagegen.engines.planning.render.illustrations.raster import rasterize, snap
from imagegen.engines.planning.render.illustrations.words import Reading, Thing, word_set

#: beat words -> action, in the order they are tried when one word could be several
_ACTIONS: dict[str, frozenset[str]] = {
    "wake": word_set("wake wakes waking woke yawn yawns stretch stretches"),
    "hold": word_set(
        """
        make makes making brew brews pour pours hold holds holding carry carries carrying drink drinks
        sip sips grab grabs picks delivers
        """
    ),
    "spill": word_set("spill spills spilled spilling drop drops dropped knocks trips slips"),
    "laugh": word_set("laugh laughs laughing giggle giggles cheer cheers celebrates celebrate dances grins"),
    "surprise": word_set("surprised surprise shocked gasps gasp startled amazed"),
    "kneel": word_set("kneel kneels kneeling crouch crouches crouching"),
    "fix": word_set("flat puncture punctured"),
}
_TRAIL = frozenset(["footprints", "footprint", "footsteps", "tracks"])
_RIVER = frozenset(["river", "stream", "creek", "riverbank"])
#: what a flat tyre is called (a loose wheel drawn for it is dropped)
_TYRE = frozenset({"wheel", "tire", "tyre"})
#: figures seen side-on, facing left (the emoji convention); the rest face us
_SIDE_ON = ("-walking", "-running", "-kneeling", "-biking")
_PEOPLE = "People & Body"
_ANIMALS = "Animals & Nature"
INK = (34, 30, 40, 255)


@dataclass(frozen=True)
class Pose:
    """One beat's staging; the default is the character standing as drawn."""

    action: str = ""
    #: degrees, counter-clockwise (a left-facing figure rocks back with a negative tilt)
    tilt: float = 0.0
    #: squash and stretch: height scale (the width scales by its inverse, the volume kept)
    stretch: float = 1.0
    #: off the ground by this fraction of the figure's size (a bounce)
    lift: float = 0.0
    #: stub arms for a figure drawn without hands: "up", "out", "hold" or ""
    arms: str = ""
    #: comic marks: "laugh", "shock", "zzz", "steam"
    marks: tuple[str, ...] = ()
    #: a spill happened in an earlier beat: the puddle is still on the floor
    aftermath: bool = False
    #: footprints on the ground leading off the picture
    trail: bool = False
    river: bool = False
    #: "close", "medium", "wide" or "" (as composed)
    shot: str = ""
    #: a face drawn with its mouth changed: "grin" (open, laughing), "o" (surprise) or ""
    mouth: str = ""


_STAGING: dict[str, Pose] = {
    "wake": Pose("wake", tilt=7.0, stretch=1.07, arms="up", marks=("zzz",)),
    "hold": Pose("hold", tilt=4.0, arms="hold", marks=("steam",)),
    "spill": Pose("spill", tilt=-13.0, stretch=0.97, lift=0.03, arms="out", marks=("shock",), mouth="o"),
    "laugh": Pose("laugh", tilt=9.0, stretch=0.93, lift=0.07, arms="up", marks=("laugh",), mouth="grin"),
    "surprise": Pose("surprise", stretch=1.05, lift=0.02, marks=("shock",), mouth="o"),
    # a figure with no kneeling drawing crouches: squashed and leaning in (toward what it looks at)
    "kneel": Pose("kneel", tilt=9.0, stretch=0.86),
    "fix": Pose("fix"),
}


def beat_words(text: str) -> list[str]:
    """A beat's words, lower case, in order ("close-up" is "close", "up")."""
    return re.findall(r"[a-z]+", text.lower())


def read_shot(words: list[str]) -> str:
    """The shot a frame asks for in words ("close-up", "wide shot", "medium shot"), else ""."""
    for a, b in zip(words, [*words[1:], ""], strict=False):
        if (a == "close" and b in ("up", "shot")) or a == "closeup":
            return "close"
        if a in ("wide", "long", "establishing", "full") and b == "shot":
            return "wide"
        if a in ("medium", "mid") and b == "shot":
            return "medium"
    return ""


def read_pose(words: list[str]) -> Pose:
    """The pose of a beat's words: the last action word wins ("wakes up, spills it" is the spill); a spill
    named before a later beat leaves its puddle behind."""
    found: list[str] = []
    for word in words:
        for action, forms in _ACTIONS.items():
            if word in forms and (action != "fix" or _TYRE & set(words)):
                found.append(action)
    pose = _STAGING[found[-1]] if found else Pose()
    trail, river = bool(_TRAIL & set(words)), bool(_RIVER & set(words))
    # a shot the words don't name: wide to show the ground a beat needs, close on a reaction
    shot = read_shot(words) or (
        "wide" if trail or river else ("close" if pose.action in ("laugh", "surprise") else "")
    )
    return replace(
        pose,
        aftermath="spill" in found[:-1] and found[-1] != "spill",
        trail=trail,
        river=river,
        shot=shot,
    )


def handless(lib: IllustrationSet, name: str) -> bool:
    """A character drawn as a face only (the robot, a smiley): it gets stub arms to act with."""
    return lib.categories.get(name) == "Smileys & Emotion" or name.endswith("-face")


def full_figure(lib: IllustrationSet, name: str) -> bool:
    """A person drawn head to foot (whose hands can be found in its ink)."""
    return (
        lib.categories.get(name) == _PEOPLE
        and name.startswith(("person-", "man-", "woman-"))
        and (name.endswith(("-standing", *_SIDE_ON)))
    )


def restage(reading: Reading, pose: Pose, lib: IllustrationSet) -> Reading:
    """The cast a beat needs: off the bike and kneeling beside it with a wrench for a flat tyre (no loose
    wheel); a kneeling beat uses the character's kneeling drawing when it has one; a river is outdoors."""
    if not reading.things:
        return replace(reading, setting=reading.setting or ("open" if pose.river else None))
    subject, props = reading.things[0], reading.things[1:]
    family = subject.name.rsplit("-", 1)[0]
    kneeling = f"{family}-kneeling"
    # only a pose drawing of a person swaps for its kneeling one ("woman-detective" is a look, not a pose:
    # "woman-kneeling" would lose the hat and coat)
    posed = subject.name.endswith(("-standing", *_SIDE_ON)) and family in ("person", "man", "woman")
    if pose.action in ("fix", "kneel") and kneeling in lib and posed:
        props = [t for t in props if t.name not in _TYRE]
        if pose.action == "fix" and subject.name.endswith("-biking"):
            extra = [Thing(n, n, 1.0, "staged") for n in ("bicycle", "wrench") if n in lib]
            props = [*extra, *[t for t in props if t.name not in ("bicycle", "wrench")]]
        subject = replace(subject, name=kneeling)
    return replace(
        reading,
        things=[subject, *props],
        setting=reading.setting or ("open" if pose.river else None),
    )


# -- the posed figure ----------------------------------------------------------------------------------
def figure_layer(
    lib: IllustrationSet, name: str, x: float, y: float, size: float, fills: dict[str, str] | None, pose: Pose
) -> tuple[Image.Image, int, int]:
    """The figure's drawing squashed/stretched and tilted, and where it goes (top-left): its centre on
    ``x``, its lowest ink ``pose.lift`` of its size above where the unposed drawing's feet would be."""
    s = snap(size)
    img = rasterize(lib, name, s, fills or None)
    if pose.mouth and handless(lib, name):
        img = _mouth(img, pose.mouth)
    # the drawing as composed stands where its raster's bottom is on ``y`` (scene.py's convention, which
    # its shadow follows): the posed one keeps its feet where the unposed feet were
    feet = y - s + (img.getchannel("A").getbbox() or (0, 0, s, s))[3]
    if pose.stretch != 1.0:
        k = math.sqrt(pose.stretch)
        img = img.resize((max(1, round(s / k)), max(1, round(s * k))), Image.Resampling.BICUBIC)
    if pose.tilt:
        img = img.rotate(pose.tilt, resample=Image.Resampling.BICUBIC, expand=True)
    ink = img.getchannel("A").getbbox() or (0, 0, img.width, img.height)
    ox = round(x - img.width / 2)
    oy = round(feet - size * pose.lift - ink[3])
    return img, ox, oy


def _mouth(img: Image.Image, kind: str) -> Image.Image:
    """A face drawing with its mouth (the dark shape low in the face) redrawn open: a wide laughing grin
    with a tongue, or a small round "o"; unchanged when no mouth is found."""
    arr = np.asarray(img.convert("RGBA")).astype(int)
    solid = arr[..., 3] > 128
    rows = np.nonzero(solid.any(axis=1))[0]
    if len(rows) < 8:
        return img
    top, bottom = int(rows[0]), int(rows[-1])
    hgt = bottom - top
    dark = solid & (arr[..., :3].sum(axis=-1) < 200)
    dark[: top + round(hgt * 0.66)] = False
    dark[bottom - round(hgt * 0.04) :] = False
    ys, xs = np.nonzero(dark)
    if len(xs) < 4:
        return img
    x0, x1, y0, y1 = int(xs.min()), int(xs.max()), int(ys.min()), int(ys.max())
    near = (slice(max(0, y0 - 3), y1 + 4), slice(max(0, x0 - 3), x1 + 4))
    patch = arr[near][solid[near] & ~dark[near]]
    if len(patch) == 0:
        return img
    skin = tuple(int(v) for v in np.median(patch[:, :3], axis=0))
    ink = tuple(int(v) for v in np.median(arr[dark][:, :3], axis=0))
    out = img.copy()
    draw = ImageDraw.Draw(out)
    pad = max(1, round((y1 - y0) * 0.25))
    draw.rectangle((x0 - pad, y0 - pad, x1 + pad, y1 + pad), fill=(*skin, 255))
    cx, cy, mw, mh = (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, max(2, y1 - y0)
    if kind == "grin":
        box = (cx - mw * 0.6, cy - mh * 1.2, cx + mw * 0.6, cy + mh * 1.5)
        draw.chord(box, 0, 180, fill=(*ink, 255))
        tongue = (cx - mw * 0.28, cy + mh * 0.65, cx + mw * 0.28, cy + mh * 1.42)
        draw.ellipse(tongue, fill=(232, 93, 106, 255))
    else:
        draw.ellipse((cx - mw * 0.22, cy - mh * 0.9, cx + mw * 0.22, cy + mh * 1.3), fill=(*ink, 255))
    return out


@dataclass(frozen=True)
class Body:
    """Where the posed figure's parts are on the canvas."""

    left: float
    top: float
    right: float
    bottom: float
    #: hands (x, y): the front hand first
    hands: tuple[tuple[float, float], ...]

    @property
    def height(self) -> float:
        return self.bottom - self.top


def body_of(lib: IllustrationSet, name: str, layer: tuple[Image.Image, int, int]) -> Body:
    """The figure's ink box and hands on the canvas. A side-on figure's front hand is its furthest-forward
    ink between a third and two thirds of its height; one facing us has a hand at each side at the same
    height; a handless figure's "hands" are where its stub arms end, low at either side."""
    img, ox, oy = layer
    alpha = np.asarray(img.getchannel("A")) > 128
    ys, xs = np.nonzero(alpha)
    if len(xs) == 0:
        return Body(ox, oy, ox + img.width, oy + img.height, ((ox + img.width / 2, oy + img.height / 2),))
    left, right, top, bottom = float(xs.min()), float(xs.max()), float(ys.min()), float(ys.max())
    hgt = max(1.0, bottom - top)
    hands: tuple[tuple[float, float], ...]
    if handless(lib, name):
        hy = top + hgt * 0.78
        hands = ((left - hgt * 0.12, hy), (right + hgt * 0.12, hy))
    else:
        band = (ys >= top + hgt * 0.36) & (ys <= top + hgt * 0.62)
        bx, by = xs[band], ys[band]
        if len(bx) == 0:
            hands = ((left, top + hgt * 0.5),)
        else:
            # the hand is the low end of the ink furthest out on each side (an arm hangs down to it)
            reach = hgt * 0.05
            found = []
            for edge, near in ((bx.min(), bx <= bx.min() + reach), (bx.max(), bx >= bx.max() - reach)):
                found.append((float(edge), float(by[near].max()) - hgt * 0.03))
            hands = tuple(found)
    return Body(ox + left, oy + top, ox + right, oy + bottom, tuple((ox + hx, oy + hy) for hx, hy in hands))


#: what a figure facing us carries in both hands in front of it (anything else is held in one hand)
TWO_HANDED = frozenset({"package", "wrapped-gift", "basket", "potted-plant", "birthday-cake", "teddy-bear"})


def held_spot(
    lib: IllustrationSet, name: str, body: Body, prop: float, what: str = "package"
) -> tuple[float, float]:
    """Centre of a held prop of size ``prop``: against the front of a side-on figure at its hand; a box
    in front of the body between both hands of one facing us, anything else (a rod, a magnifier) in its
    hand at its side; at the stub hand of a handless one; a kneeling figure sets it down on the ground in
    front of its knees."""
    (fx, fy), *rest = body.hands
    if handless(lib, name):
        return fx - prop * 0.1, fy
    if name.endswith("-kneeling"):
        return body.left - prop * 0.32, body.bottom - prop * 0.42
    if name.endswith(_SIDE_ON):
        return fx + prop * 0.22, fy - prop * 0.05
    if rest and what in TWO_HANDED:
        bx, by = rest[0]
        return (fx + bx) / 2, (fy + by) / 2 - prop * 0.3
    return fx - prop * 0.2, fy - prop * 0.25


def stub_arms(draw: ImageDraw.ImageDraw, body: Body, pose: Pose, hand: tuple[float, float] | None) -> None:
    """Two short round-ended arms from the sides of a handless figure: raised ("up"), flung out ("out"),
    or the front one reaching to what it holds."""
    hgt = body.height
    width = max(3, round(hgt * 0.05))
    sy = body.top + hgt * 0.62
    ends: list[tuple[float, float, float, float]] = []
    for side, sx in ((-1, body.left + hgt * 0.04), (1, body.right - hgt * 0.04)):
        if pose.arms == "up":
            ex, ey = sx + side * hgt * 0.28, body.top + hgt * 0.02
        elif pose.arms == "out":
            ex, ey = sx + side * hgt * 0.34, sy - hgt * 0.22
        elif side == -1 and hand is not None:
            ex, ey = hand
        else:
            ex, ey = sx + side * hgt * 0.1, sy + hgt * 0.3
        ends.append((sx, sy, ex, ey))
    for sx, sy_, ex, ey in ends:
        draw.line((sx, sy_, ex, ey), fill=INK, width=width)
        r = width * 0.95
        draw.ellipse((ex - r, ey - r, ex + r, ey + r), fill=INK)


def marks(
    img: Image.Image, lib: IllustrationSet, body: Body, pose: Pose, prop_box: tuple[float, ...] | None
) -> None:
    """Comic marks around the posed figure (drawn over the picture)."""
    layer = Image.new("RGBA", img.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    hgt = body.height
    cx = (body.left + body.right) / 2
    width = max(2, round(hgt * 0.025))
    head_y = body.top + hgt * 0.3
    half = (body.right - body.left) / 2
    if "laugh" in pose.marks:
        # arcs bouncing off both sides of the head, and bounce lines under the lifted figure
        for k in (1, 2):
            r = half + hgt * (0.04 + 0.09 * k)
            cy = body.top + hgt * 0.68
            box = (cx - r, cy - r * 0.5, cx + r, cy + r * 0.5)
            draw.arc(box, 150, 210, fill=INK, width=width)
            draw.arc(box, -30, 30, fill=INK, width=width)
        if pose.lift:
            gy = body.bottom + hgt * pose.lift * 0.6
            for dx in (-0.25, 0.0, 0.25):
                x = cx + dx * hgt
                draw.line((x - hgt * 0.06, gy, x + hgt * 0.06, gy), fill=INK, width=width)
    if "shock" in pose.marks:
        # short lines radiating from above the head
        for deg in (-150, -120, -90, -60, -30):
            a = math.radians(deg)
            r0, r1 = half + hgt * 0.06, half + hgt * 0.2
            draw.line(
                (
                    cx + r0 * math.cos(a),
                    head_y + r0 * math.sin(a),
                    cx + r1 * math.cos(a),
                    head_y + r1 * math.sin(a),
                ),
                fill=INK,
                width=width,
            )
    if "steam" in pose.marks and prop_box is not None:
        x0, y0, x1, _ = prop_box
        pw = x1 - x0
        for k in (-1, 0, 1):
            sx = (x0 + x1) / 2 + k * pw * 0.2
            pts = [
                (sx + math.sin(t / 3.0) * pw * 0.06, y0 - pw * 0.05 - t * pw * 0.045) for t in range(0, 10)
            ]
            draw.line(pts, fill=(150, 150, 160, 200), width=max(2, round(pw * 0.04)), joint="curve")
    if "zzz" in pose.marks and "zzz" in lib:
        size = snap(max(12.0, hgt * 0.34))
        z = rasterize(lib, "zzz", size)
        z.putalpha(z.getchannel("A").point(lambda v: v * 55 // 100))
        layer.paste(z, (round(body.right + hgt * 0.3), round(body.top - size * 0.2)), z)
    img.paste(layer, (0, 0), layer)


def spill(
    img: Image.Image,
    lib: IllustrationSet,
    name: str | None,
    x: float,
    ground: float,
    size: float,
    fresh: bool,
) -> None:
    """A spilled drink: a flat puddle on the floor and, when ``name`` is drawn, its cup tipped on its side
    at the puddle's edge; a fresh spill also has drops in the air above it."""
    draw = ImageDraw.Draw(img, "RGBA")
    coffee: tuple[int, ...] = (111, 66, 40, 255)
    if name is not None and name in lib:
        cup = rasterize(lib, name, snap(size))
        arr = np.asarray(cup.convert("RGBA")).reshape(-1, 4)
        dark = arr[(arr[:, 3] > 200) & (arr[:, :3].sum(axis=1) < 360)][:, :3]
        if len(dark):
            coffee = (*(int(v) for v in np.median(dark, axis=0)), 255)
    rx, ry = size * 0.75, size * 0.13
    px = x + size * 0.35
    draw.ellipse((px - rx, ground - ry, px + rx, ground + ry * 0.9), fill=coffee)
    draw.ellipse(
        (px - rx * 0.55, ground - ry * 0.55, px - rx * 0.1, ground - ry * 0.1), fill=(255, 255, 255, 70)
    )
    if name is not None and name in lib:
        cup = rasterize(lib, name, snap(size)).rotate(-100, resample=Image.Resampling.BICUBIC, expand=True)
        ink = cup.getchannel("A").getbbox() or (0, 0, cup.width, cup.height)
        img.paste(cup, (round(x - (ink[0] + ink[2]) / 2), round(ground + size * 0.05 - ink[3])), cup)
    if fresh:
        for k, (dx, dy) in enumerate(((-0.1, -0.9), (0.25, -1.2), (0.55, -0.8), (0.05, -1.45))):
            r = size * (0.07 - 0.01 * (k % 2))
            cx, cy = x + dx * size, ground + dy * size
            draw.ellipse((cx - r, cy - r * 1.3, cx + r, cy + r), fill=coffee)


def trail(
    img: Image.Image,
    lib: IllustrationSet,
    start: tuple[float, float],
    horizon: float,
    size: float,
    stop: Callable[[float, float], bool] | None = None,
    step: int = -1,
) -> None:
    """Footprints from ``start`` leading off the picture toward ``step`` (-1 left, 1 right), smaller and
    closer together as they near the horizon; they end where ``stop(x, y)`` says (a river's bank)."""
    if "footprints" not in lib:
        return
    x, y = start
    w = img.width
    for k in range(9):
        if x < -size or x > w + size or (stop is not None and stop(x, y)):
            return
        s = snap(max(10.0, size * (1 - 0.08 * k)))
        angle = 90 if step < 0 else -90
        prints = rasterize(lib, "footprints", s).rotate(angle, resample=Image.Resampling.BICUBIC, expand=True)
        img.paste(prints, (round(x - prints.width / 2), round(y - prints.height / 2)), prints)
        x += step * s * 1.3
        y -= (y - horizon) * 0.08


def _river_centre(w: int, t: float, right: bool) -> tuple[float, float]:
    """(centre x, half width) of the river ``t`` of the way from the horizon to the bottom edge."""
    cx = w * (0.6 + 0.32 * t) + w * 0.03 * math.sin(t * 3.2)
    half = w * (0.015 + 0.17 * t * t)
    return (cx if right else w - cx), half


def river(img: Image.Image, w: int, h: int, horizon: float, night: bool, right: bool = True) -> None:
    """A river winding from the horizon down to the bottom corner on one side (``right``: the figure
    stands on the other bank's side of the picture), with light on its ripples."""
    draw = ImageDraw.Draw(img, "RGBA")
    top, bottom = ("#4f8fce", "#2f6fae") if not night else ("#1f3566", "#162a52")
    rows = max(2, int(h - horizon))
    for i in range(rows):
        t = i / (rows - 1)
        cx, half = _river_centre(w, t, right)
        c = tuple(int(int(top[j : j + 2], 16) * (1 - t) + int(bottom[j : j + 2], 16) * t) for j in (1, 3, 5))
        draw.line((cx - half, horizon + i, cx + half, horizon + i), fill=(*c, 255))
    for k in range(6):
        t = 0.2 + 0.13 * k
        cx, half = _river_centre(w, t, right)
        y = horizon + (h - horizon) * t
        draw.line((cx - half * 0.3, y, cx + half * 0.3, y), fill=(255, 255, 255, 110), width=max(1, h // 300))


def on_river(w: int, h: int, horizon: float, right: bool = True) -> Callable[[float, float], bool]:
    """Whether a point is at or past the near bank of :func:`river`."""

    def test(x: float, y: float) -> bool:
        t = min(1.0, max(0.0, (y - horizon) / max(1.0, h - horizon)))
        cx, half = _river_centre(w, t, right)
        return x >= cx - half if right else x <= cx + half

    return test


def headgear(
    lib: IllustrationSet, source: str, fills: dict[str, str] | None, layer: tuple[Image.Image, int, int]
) -> tuple[Image.Image, int, int] | None:
    """The helmet of ``source`` (a cyclist's drawing) fitted on the head of the figure in ``layer``: the
    same character off the bike keeps its look. The helmet is the bluish ink in the top quarter of the
    source drawing; None when it has none."""
    img, ox, oy = layer
    if source not in lib:
        return None
    src = np.asarray(rasterize(lib, source, img.width, fills or None).convert("RGBA")).astype(int)
    solid = src[..., 3] > 128
    rows = np.nonzero(solid.any(axis=1))[0]
    if len(rows) == 0:
        return None
    top, bottom = int(rows[0]), int(rows[-1])
    r, g, b = src[..., 0], src[..., 1], src[..., 2]
    mask = solid & (b > r + 60) & (b > g)
    mask[top + max(1, (bottom - top) // 4) :] = False
    ys, xs = np.nonzero(mask)
    if len(xs) < 20:
        return None
    x0, x1, y0, y1 = int(xs.min()), int(xs.max()) + 1, int(ys.min()), int(ys.max()) + 1
    patch = src[y0:y1, x0:x1].copy()
    patch[..., 3] = np.where(mask[y0:y1, x0:x1], patch[..., 3], 0)
    helmet = Image.fromarray(patch.astype(np.uint8), "RGBA")
    head = np.asarray(img.getchannel("A")) > 128
    hrows = np.nonzero(head.any(axis=1))[0]
    if len(hrows) == 0:
        return None
    htop = int(hrows[0])
    cols = np.nonzero(head[htop : htop + max(2, (int(hrows[-1]) - htop) // 10)].any(axis=0))[0]
    hx = (cols.min() + cols.max()) / 2
    return helmet, round(ox + hx - helmet.width / 2), round(oy + htop - helmet.height * 0.3)
