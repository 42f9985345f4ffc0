"""Posed figures for procedural art: one consistent character drawn in simple, distinct silhouettes.

A character's *identity* (skin, hair colour and cut, outfit colours, build, accessories such as a backpack,
a cap or a trench coat) comes from the prompt words and an identity seed that is the same for every
variant / frame / panel of one request; only the *pose* (stand, walk, run, wave, point, kneel, close-up)
and the camera (distance, position, facing) come from the variant or panel. Figures are drawn as outlined
flat shapes (a cartoon/storyboard look) at 2x and reduced, so their edges are smooth; the ``ink`` mode draws
the same figure in black-and-white line art for manga pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from imagegen.engines.planning.render.fields import linear_gradient, radial_gradient, seed_for
from imagegen.engines.planning.render.paint import hex_rgba, luminance, mix

#: plain colour words a prompt may attach to a garment or accessory
COLOR_WORDS = {
    "red": "#dc2626",
    "orange": "#f97316",
    "yellow": "#facc15",
    "green": "#16a34a",
    "teal": "#0d9488",
    "blue": "#2563eb",
    "navy": "#1e3a8a",
    "purple": "#7c3aed",
    "pink": "#ec4899",
    "brown": "#92400e",
    "black": "#1f2937",
    "white": "#f8fafc",
    "gray": "#6b7280",
    "grey": "#6b7280",
    "gold": "#d4a017",
    "beige": "#d6c3a5",
    "cream": "#f3e9d2",
    "tan": "#b8996a",
    "khaki": "#b8a06a",
}
_HAIR_WORDS = {
    "black": "#17130f",
    "dark": "#241a12",
    "brown": "#5a3a1f",
    "blonde": "#d8b26a",
    "blond": "#d8b26a",
    "red": "#a53c1e",
    "ginger": "#b5531f",
    "gray": "#9a9a9a",
    "grey": "#9a9a9a",
    "white": "#e8e8e8",
    "silver": "#c8c8c8",
    "pink": "#e879a8",
    "blue": "#3b5bdb",
}
_SKIN = ("#f3d6c1", "#e6b994", "#c98e62", "#9a6440", "#6b4329")
_HAIR = ("#1b1512", "#3b2516", "#5a3a1f", "#8a5a2b", "#c9a36a")
_TOPS = ("#2563eb", "#0d9488", "#dc2626", "#7c3aed", "#ea580c", "#334155", "#16a34a", "#be185d")
_BOTTOMS = ("#1f2937", "#334155", "#1e3a8a", "#44403c", "#3f3f46")
#: backdrops a figure can stand against (chosen away from the figure's own hues)
_BACKDROPS = (
    ("#dbe7f3", "#f4f7fb", "#b7c3cf"),  # pale sky, street
    ("#e3efe6", "#f6faf6", "#b9c7bc"),  # mint
    ("#efe6f6", "#faf6fd", "#c6bbd0"),  # lilac
    ("#f1e7dc", "#fbf7f2", "#cdbfb0"),  # warm stone
)

POSES = ("stand", "walk", "run", "wave", "kneel", "closeup", "point")
#: the order storyboard frames step through (frame n -> pose), so eight frames are eight silhouettes
_FRAME_CYCLE = ("stand", "walk", "run", "wave", "kneel", "closeup", "point", "walk")
#: panels without pose words (comic pages): an establishing stand, then action, then a closing stand
_PANEL_CYCLE = ("stand", "walk", "walk", "stand", "point", "run")
_POSE_WORDS: tuple[tuple[str, str], ...] = (
    (r"close[- ]?up|surprised|shock|face|expression|portrait|headshot|gasp", "closeup"),
    (r"kneel|crouch|squat|bend|examin|inspect", "kneel"),
    (r"\brun|running|sprint|rush|chase|hurry|dash", "run"),
    (r"walk|stroll|lead|follow|head(?:s|ing)? to|cross", "walk"),
    (r"wave|waving|greet|hello|cheer", "wave"),
    (r"point|show|present|gesture|closed|solved", "point"),
    (r"stand|standing|pose|wait", "stand"),
)


@dataclass(frozen=True)
class Identity:
    """What stays the same in every picture of one character."""

    skin: str
    hair: str
    hair_cut: str  # short, bob, long, ponytail
    top: str
    coat: bool
    bottom: str
    shoes: str
    bag: str | None
    cap: str | None
    build: float  # shoulder width factor
    female: bool


def identity_text(subject: str) -> str:
    """The identity part of an image prompt: the panel/frame-specific tail ("; she kneels", "(frame 3)")
    and pose words removed, so every frame of one character hashes alike."""
    s = subject.lower().split(";")[0]
    s = re.sub(r"\((?:frame|panel|shot|scene)\s*\d+\)|\b(?:frame|panel|shot)\s*\d+\b", " ", s)
    return " ".join(s.split())


def _color_before(s: str, noun: str, table: dict[str, str]) -> str | None:
    m = re.search(r"\b([a-z]+)(?:\s+[a-z]+)?\s+(?:" + noun + r")", s)
    if m is None:
        return None
    for word in m.group(0).split()[:-1]:
        if word in table:
            return table[word]
    return None


def identity_for(subject: str, seed: int) -> Identity:
    """A character's look from the prompt words, the rest drawn from ``seed`` (the request's shared seed,
    never the variant's)."""
    s = identity_text(subject)
    rng = np.random.default_rng(seed_for(seed, "identity:" + s))
    skin = _SKIN[int(rng.integers(0, len(_SKIN)))]
    hair = _color_before(s, r"hair|haired", _HAIR_WORDS) or _HAIR[int(rng.integers(0, len(_HAIR)))]
    female = bool(re.search(r"\b(?:female|woman|girl|she|her|lady)\b", s))
    male = bool(re.search(r"\b(?:male|man|boy|he|his|guy)\b", s))
    if re.search(r"ponytail", s):
        cut = "ponytail"
    elif re.search(r"long hair", s):
        cut = "long"
    elif re.search(r"short\s+(?:[a-z]+\s+)?hair|bob\b", s):
        cut = "bob" if female else "short"
    else:
        cut = ["short", "bob", "ponytail", "long"][
            int(rng.integers(0, 4 if female else 2 if not male else 1))
        ]
    coat = bool(re.search(r"trench|coat|overcoat|raincoat", s))
    top = _color_before(s, r"jacket|coat|shirt|dress|hoodie|suit|uniform|sweater|vest", COLOR_WORDS)
    if top is None:
        top = "#b8996a" if re.search(r"trench", s) else _TOPS[int(rng.integers(0, len(_TOPS)))]
    bottom = (
        _color_before(s, r"pants|trousers|jeans|skirt|shorts", COLOR_WORDS)
        or _BOTTOMS[int(rng.integers(0, len(_BOTTOMS)))]
    )
    bag = _color_before(s, r"backpack|bag|rucksack|satchel", COLOR_WORDS)
    if bag is None and re.search(r"backpack|rucksack|satchel|courier bag", s):
        bag = "#facc15" if "yellow" in s else "#ea580c"
    cap = _color_before(s, r"cap|hat|helmet|beanie", COLOR_WORDS)
    if cap is None and re.search(r"\bcap\b|\bhat\b|helmet|beanie", s):
        cap = "#1f2937"
    if bag is not None and _close(top, bag):
        # the backpack must read against the jacket: move the jacket to a contrasting tone
        top = next(c for c in (*_TOPS, "#1f2937") if not _close(c, bag))
    return Identity(
        skin=skin,
        hair=hair,
        hair_cut=cut,
        top=top,
        coat=coat,
        bottom=bottom,
        shoes="#111827" if luminance(bottom) > 0.12 else "#57534e",
        bag=bag,
        cap=cap,
        build=float(rng.uniform(0.92, 1.08)) * (0.94 if female else 1.0),
        female=female,
    )


def _hue(color: str) -> tuple[float, float, float]:
    r, g, b = (v / 255 for v in hex_rgba(color)[:3])
    mx, mn = max(r, g, b), min(r, g, b)
    if mx == mn:
        return 0.0, 0.0, mx
    d = mx - mn
    if mx == r:
        h = ((g - b) / d) % 6
    elif mx == g:
        h = (b - r) / d + 2
    else:
        h = (r - g) / d + 4
    return h / 6, d / mx, mx


def _close(a: str, b: str) -> bool:
    """Whether two colours would blur into one shape (near hue at similar value, or both near-neutral)."""
    ha, sa, va = _hue(a)
    hb, sb, vb = _hue(b)
    dh = min(abs(ha - hb), 1 - abs(ha - hb))
    if sa < 0.2 or sb < 0.2:
        return abs(luminance(a) - luminance(b)) < 0.12 and sa < 0.2 and sb < 0.2
    return dh < 0.09 and abs(va - vb) < 0.35


def pose_for(subject: str, node_id: str, rng: np.random.Generator) -> str:
    """The pose: a storyboard frame number steps through the frame cycle; else pose words of the panel
    part of the prompt; else the panel's index in the panel cycle; else the seed."""
    s = subject.lower()
    m = re.search(r"\(?\bframe\s*(\d+)\)?", s)
    if m:
        return _FRAME_CYCLE[(int(m.group(1)) - 1) % len(_FRAME_CYCLE)]
    panel = s.split(";", 1)[1] if ";" in s else ""
    for pat, pose in _POSE_WORDS:
        if panel and re.search(pat, panel):
            return pose
    n = re.search(r"-(\d+)$", node_id)
    if ";" in s or n:
        return _PANEL_CYCLE[(int(n.group(1)) - 1 if n else 0) % len(_PANEL_CYCLE)]
    for pat, pose in _POSE_WORDS:
        if re.search(pat, s):
            return pose
    return ("stand", "walk", "wave", "point")[int(rng.integers(0, 4))]


# -- skeletons --------------------------------------------------------------------------------------------
# joint positions in figure units: head top at y=0, standing feet at y=1, x=0 the body's axis, facing +x.
# "b" = back limb (drawn first, darker), "f" = front limb.
Joint = tuple[float, float]
_SKELETONS: dict[str, dict[str, Joint]] = {
    "stand": {
        "head": (0.0, 0.085),
        "neck": (0.0, 0.18),
        "sb": (-0.085, 0.215),
        "sf": (0.085, 0.215),
        "eb": (-0.11, 0.36),
        "hb": (-0.105, 0.5),
        "ef": (0.11, 0.36),
        "hf": (0.11, 0.5),
        "pb": (-0.05, 0.53),
        "pf": (0.05, 0.53),
        "kb": (-0.055, 0.76),
        "fb": (-0.06, 0.985),
        "kf": (0.055, 0.76),
        "ff": (0.065, 0.985),
    },
    "walk": {
        "head": (0.02, 0.085),
        "neck": (0.01, 0.18),
        "sb": (-0.03, 0.215),
        "sf": (0.04, 0.215),
        "eb": (0.07, 0.35),
        "hb": (0.12, 0.47),
        "ef": (-0.06, 0.35),
        "hf": (-0.1, 0.48),
        "pb": (-0.01, 0.53),
        "pf": (0.02, 0.53),
        "kb": (-0.07, 0.75),
        "fb": (-0.15, 0.975),
        "kf": (0.09, 0.75),
        "ff": (0.14, 0.985),
    },
    "run": {
        "head": (0.09, 0.1),
        "neck": (0.06, 0.19),
        "sb": (0.02, 0.22),
        "sf": (0.08, 0.22),
        "eb": (-0.08, 0.33),
        "hb": (-0.05, 0.44),
        "ef": (0.17, 0.33),
        "hf": (0.24, 0.25),
        "pb": (-0.02, 0.52),
        "pf": (0.02, 0.52),
        "kb": (-0.1, 0.72),
        "fb": (-0.27, 0.84),
        "kf": (0.17, 0.66),
        "ff": (0.15, 0.9),
    },
    "wave": {
        "head": (0.0, 0.085),
        "neck": (0.0, 0.18),
        "sb": (-0.085, 0.215),
        "sf": (0.085, 0.215),
        "eb": (-0.11, 0.36),
        "hb": (-0.1, 0.5),
        "ef": (0.19, 0.15),
        "hf": (0.22, 0.01),
        "pb": (-0.05, 0.53),
        "pf": (0.05, 0.53),
        "kb": (-0.055, 0.76),
        "fb": (-0.07, 0.985),
        "kf": (0.055, 0.76),
        "ff": (0.075, 0.985),
    },
    "point": {
        "head": (0.01, 0.085),
        "neck": (0.0, 0.18),
        "sb": (-0.06, 0.215),
        "sf": (0.07, 0.215),
        "eb": (-0.1, 0.36),
        "hb": (-0.07, 0.49),
        "ef": (0.2, 0.22),
        "hf": (0.33, 0.19),
        "pb": (-0.04, 0.53),
        "pf": (0.04, 0.53),
        "kb": (-0.06, 0.76),
        "fb": (-0.09, 0.985),
        "kf": (0.05, 0.76),
        "ff": (0.1, 0.985),
    },
    "kneel": {
        "head": (0.07, 0.33),
        "neck": (0.05, 0.42),
        "sb": (0.0, 0.45),
        "sf": (0.09, 0.45),
        "eb": (0.05, 0.62),
        "hb": (0.13, 0.74),
        "ef": (0.18, 0.6),
        "hf": (0.3, 0.72),
        "pb": (-0.04, 0.74),
        "pf": (0.0, 0.74),
        "kb": (-0.02, 0.975),
        "fb": (-0.22, 0.985),
        "kf": (0.19, 0.76),
        "ff": (0.2, 0.985),
    },
}


@dataclass
class _Pen:
    d: ImageDraw.ImageDraw
    k: float  # px per figure unit
    ox: float
    oy: float
    face: int
    ink: tuple[int, int, int, int]
    ol: float  # outline width px

    def p(self, j: Joint) -> tuple[float, float]:
        return self.ox + self.face * j[0] * self.k, self.oy + j[1] * self.k

    def limb(self, pts: list[Joint], width: float, fill: str) -> None:
        xy = [self.p(j) for j in pts]
        wpx = width * self.k
        for color, grow in ((self.ink, self.ol), (hex_rgba(fill), 0.0)):
            r = wpx / 2 + grow
            self.d.line(xy, fill=color, width=max(1, round(2 * r)), joint="curve")
            for x, y in xy:
                self.d.ellipse((x - r, y - r, x + r, y + r), fill=color)

    def blob(self, pts: list[Joint], fill: str, *, outline: bool = True) -> None:
        xy = [self.p(j) for j in pts]
        if outline:
            self.d.line([*xy, xy[0]], fill=self.ink, width=max(1, round(2 * self.ol)), joint="curve")
            for x, y in xy:
                self.d.ellipse((x - self.ol, y - self.ol, x + self.ol, y + self.ol), fill=self.ink)
        self.d.polygon(xy, fill=hex_rgba(fill))

    def ellipse(self, c: Joint, rx: float, ry: float, fill: str, *, outline: bool = True) -> None:
        x, y = self.p(c)
        rx, ry = rx * self.k, ry * self.k
        if outline:
            g = self.ol
            self.d.ellipse((x - rx - g, y - ry - g, x + rx + g, y + ry + g), fill=self.ink)
        self.d.ellipse((x - rx, y - ry, x + rx, y + ry), fill=hex_rgba(fill))

    def chord(self, c: Joint, rx: float, ry: float, a0: float, a1: float, fill: str) -> None:
        x, y = self.p(c)
        rx, ry = rx * self.k, ry * self.k
        if self.face < 0:
            a0, a1 = 180 - a1, 180 - a0
        g = self.ol
        self.d.chord((x - rx - g, y - ry - g, x + rx + g, y + ry + g), a0, a1, fill=self.ink)
        self.d.chord((x - rx, y - ry, x + rx, y + ry), a0, a1, fill=hex_rgba(fill))


def _palette(ident: Identity, ink_mode: bool) -> dict[str, str]:
    if not ink_mode:
        return {
            "skin": ident.skin,
            "hair": ident.hair,
            "top": ident.top,
            "top_b": mix(ident.top, "#000000", 0.18),
            "bottom": ident.bottom,
            "bottom_b": mix(ident.bottom, "#000000", 0.2),
            "skin_b": mix(ident.skin, "#000000", 0.12),
            "shoes": ident.shoes,
            "bag": ident.bag or "#000000",
            "bag_d": mix(ident.bag or "#000000", "#000000", 0.3),
            "cap": ident.cap or "#000000",
            "face": "#1f1a17",
        }
    return {
        "skin": "#ffffff",
        "hair": "#000000",
        "top": "#ffffff",
        "top_b": "#f2f2f2",
        "bottom": "#ffffff",
        "bottom_b": "#f2f2f2",
        "skin_b": "#ffffff",
        "shoes": "#000000",
        "bag": "#ffffff",
        "bag_d": "#000000",
        "cap": "#000000",
        "face": "#000000",
    }


def _hair_back(pen: _Pen, ident: Identity, head: Joint, r: float, col: str) -> None:
    if ident.hair_cut == "long":
        pen.blob(
            [
                (head[0] - r * 1.05, head[1] - r * 0.2),
                (head[0] + r * 0.7, head[1] - r * 0.2),
                (head[0] + r * 0.6, head[1] + r * 2.2),
                (head[0] - r * 1.2, head[1] + r * 2.3),
            ],
            col,
        )
    elif ident.hair_cut == "bob":
        pen.blob(
            [
                (head[0] - r * 1.12, head[1] - r * 0.3),
                (head[0] + r * 0.4, head[1] - r * 0.3),
                (head[0] + r * 0.3, head[1] + r * 1.0),
                (head[0] - r * 1.15, head[1] + r * 1.0),
            ],
            col,
        )
    elif ident.hair_cut == "ponytail":
        pen.ellipse((head[0] - r * 1.15, head[1] + r * 0.3), r * 0.4, r * 0.8, col)


def _head(pen: _Pen, ident: Identity, pal: dict[str, str], head: Joint, r: float, expr: str) -> None:
    _hair_back(pen, ident, head, r, pal["hair"])
    pen.ellipse(head, r * 0.9, r, pal["skin"])
    # hair cap over the crown, a fringe toward the face
    pen.chord(head, r * 1.02, r * 1.08, 180, 360, pal["hair"])
    pen.chord((head[0] + r * 0.1, head[1] - r * 0.05), r * 0.85, r * 0.55, 200, 340, pal["hair"])
    if ident.cap is not None:
        pen.chord((head[0], head[1] - r * 0.05), r * 1.05, r * 1.1, 180, 360, pal["cap"])
        pen.limb(
            [(head[0] + r * 0.6, head[1] - r * 0.1), (head[0] + r * 1.45, head[1] - r * 0.05)],
            r * 0.22,
            pal["cap"],
        )
    # a face: eyes toward the facing side, brows, mouth (bigger and more expressive in a close-up)
    ex = head[0] + r * 0.35
    eye = max(r * 0.09, 0.6 / pen.k)
    face = pal["face"]
    x, y = pen.p((ex, head[1] + r * 0.15))
    x2, _ = pen.p((ex - r * 0.55, 0.0))
    e = eye * pen.k
    if expr == "surprised":
        for cx in (x, x2):
            pen.d.ellipse((cx - e * 2.2, y - e * 2.6, cx + e * 2.2, y + e * 2.6), fill=pen.ink)
            pen.d.ellipse((cx - e * 1.6, y - e * 2.0, cx + e * 1.6, y + e * 2.0), fill=(255, 255, 255, 255))
            pen.d.ellipse((cx - e * 0.7, y - e * 0.7, cx + e * 0.7, y + e * 0.7), fill=hex_rgba(face))
            pen.d.arc(
                (cx - e * 2.4, y - e * 6.5, cx + e * 2.4, y - e * 2.6),
                200,
                340,
                fill=hex_rgba(face),
                width=max(1, round(e * 0.7)),
            )
        mx, my = pen.p((ex - r * 0.25, head[1] + r * 0.62))
        pen.d.ellipse((mx - e * 1.3, my - e * 1.8, mx + e * 1.3, my + e * 1.8), fill=hex_rgba(face))
    else:
        for cx in (x, x2):
            pen.d.ellipse((cx - e, y - e * 1.2, cx + e, y + e * 1.2), fill=hex_rgba(face))
        mx, my = pen.p((ex - r * 0.25, head[1] + r * 0.55))
        pen.d.arc(
            (mx - e * 2.2, my - e * 1.6, mx + e * 2.2, my + e * 1.2),
            20,
            160,
            fill=hex_rgba(face),
            width=max(1, round(e * 0.6)),
        )


def _bag(pen: _Pen, pal: dict[str, str], j: dict[str, Joint], k: float) -> None:
    """A backpack on the back side: a rounded pack with a flap and a pocket, thick outline."""
    sx, sy = j["sb"]
    px, py = j["pb"]
    lean = (sx - px) * 0.5
    x1 = min(sx, px) - 0.025
    x0 = x1 - 0.13
    y0, y1 = sy + 0.0, sy + (py - sy) * 0.85
    pts = [(x0 + lean, y0 + 0.02), (x1 + lean, y0), (x1, y1), (x0, y1 - 0.01)]
    pen.blob(pts, pal["bag"])
    # flap and pocket: the marks that say "backpack" and not "block"
    pen.blob(
        [(x0 + lean, y0 + 0.02), (x1 + lean, y0), (x1 + lean * 0.7, y0 + 0.08), (x0 + lean * 0.7, y0 + 0.09)],
        pal["bag_d"],
    )
    pen.blob(
        [(x0 + 0.02, y1 - 0.12), (x1 - 0.025, y1 - 0.12), (x1 - 0.025, y1 - 0.03), (x0 + 0.02, y1 - 0.03)],
        pal["bag_d"],
    )


def _bag_front(pen: _Pen, pal: dict[str, str], j: dict[str, Joint]) -> None:
    """A backpack worn by a figure facing us: the pack shows above and beside the shoulders."""
    sb, sf, pb = j["sb"], j["sf"], j["pb"]
    x0, x1 = min(sb[0], sf[0]) - 0.045, max(sb[0], sf[0]) + 0.045
    y0, y1 = sb[1] - 0.035, sb[1] + (pb[1] - sb[1]) * 0.8
    pen.blob(
        [(x0 + 0.02, y0), (x1 - 0.02, y0), (x1, y0 + 0.04), (x1, y1), (x0, y1), (x0, y0 + 0.04)], pal["bag"]
    )


def draw_figure(
    img: Image.Image,
    ident: Identity,
    pose: str,
    cx: float,
    feet_y: float,
    height: float,
    face: int,
    *,
    ink_mode: bool = False,
    expr: str = "neutral",
) -> None:
    """Draw a posed figure onto ``img`` (RGB) with its feet at ``feet_y`` and ``height`` px tall standing,
    centred on ``cx``; drawn at 2x on a layer of its own box and reduced, so the edges are smooth."""
    j = _SKELETONS.get(pose, _SKELETONS["stand"])
    ss = 2
    k = height * ss
    w, h = img.size
    # the layer covers the figure's reach around the body axis (clipped to the picture)
    x0 = int(max(0, cx - height * 0.5))
    x1 = int(min(w, cx + height * 0.5))
    y0 = int(max(0, feet_y - height * 1.08))
    y1 = int(min(h, feet_y + height * 0.05))
    if x1 - x0 < 2 or y1 - y0 < 2:
        return
    layer = Image.new("RGBA", ((x1 - x0) * ss, (y1 - y0) * ss), (0, 0, 0, 0))
    ink = (0, 0, 0, 255) if ink_mode else (28, 25, 23, 255)
    ol = max(1.0, k * (0.009 if ink_mode else 0.008))
    pen = _Pen(ImageDraw.Draw(layer), k, (cx - x0) * ss, (feet_y - height - y0) * ss, face, ink, ol)
    pal = _palette(ident, ink_mode)
    coat = ident.coat
    facing_viewer = pose in ("stand", "wave", "point")
    # back limbs first, darker (depth), then the bag, the torso, the head, the front limbs; a pack worn by
    # a figure facing us is behind everything
    if ident.bag is not None and facing_viewer:
        _bag_front(pen, pal, j)
    pen.limb([j["pb"], j["kb"], j["fb"]], 0.062, pal["bottom_b"])
    pen.ellipse((j["fb"][0] + 0.025, j["fb"][1] - 0.012), 0.045, 0.022, pal["shoes"])
    pen.limb([j["sb"], j["eb"], j["hb"]], 0.048, pal["top_b"])
    pen.ellipse(j["hb"], 0.026, 0.026, pal["skin_b"])
    if ident.bag is not None and not facing_viewer:
        _bag(pen, pal, j, k)
    pen.limb([j["pf"], j["kf"], j["ff"]], 0.062, pal["bottom"])
    pen.ellipse((j["ff"][0] + 0.025, j["ff"][1] - 0.012), 0.045, 0.022, pal["shoes"])
    wide = 0.02 * ident.build
    sb, sf, pb, pf = j["sb"], j["sf"], j["pb"], j["pf"]
    hem = 0.2 if coat else 0.04
    torso = [
        (sb[0] - wide, sb[1]),
        (sf[0] + wide, sf[1]),
        (pf[0] + 0.02 + hem * 0.25, pf[1] + hem),
        (pb[0] - 0.02 - hem * 0.25, pb[1] + hem),
    ]
    pen.blob(torso, pal["top"])
    if coat:
        # belt and lapels: a trench coat, not a box
        mid = (sb[1] + pb[1]) / 2 + 0.04
        pen.limb(
            [((sb[0] + pb[0]) / 2 - 0.03, mid), ((sf[0] + pf[0]) / 2 + 0.03, mid)],
            0.018,
            mix(pal["top"], "#000000", 0.45) if not ink_mode else "#000000",
        )
        n = j["neck"]
        pen.blob(
            [(n[0] - 0.045, n[1] + 0.03), (n[0] + 0.045, n[1] + 0.03), (n[0], n[1] + 0.14)], pal["top_b"]
        )
    if ident.bag is not None:
        # straps over the shoulders (both when the figure faces us, the near one in profile)
        strap = pal["bag_d"] if not ink_mode else "#000000"
        for s_, p_ in ((sb, pb), (sf, pf)) if facing_viewer else ((sf, pf),):
            inward = 0.02 if s_[0] < 0 else -0.02
            pen.limb(
                [(s_[0] + inward, s_[1] + 0.005), (p_[0] + inward * 0.5, (s_[1] + p_[1]) / 2)], 0.022, strap
            )
    head_r = 0.08
    pen.limb([j["neck"], (j["head"][0], j["head"][1] + head_r * 0.5)], 0.04, pal["skin_b"])
    _head(pen, ident, pal, j["head"], head_r, expr)
    pen.limb([sf, j["ef"], j["hf"]], 0.048, pal["top"])
    pen.ellipse(j["hf"], 0.026, 0.026, pal["skin"])
    small = layer.reduce(ss)
    img.paste(small, (x0, y0), small)


def draw_closeup(
    img: Image.Image,
    ident: Identity,
    cx: float,
    cy: float,
    size: float,
    face: int,
    *,
    ink_mode: bool = False,
    expr: str = "neutral",
) -> None:
    """Head and shoulders filling the frame (a close-up), ``size`` px from crown to chest."""
    ss = 2
    w, h = img.size
    x0, x1 = int(max(0, cx - size * 0.75)), int(min(w, cx + size * 0.75))
    y0, y1 = int(max(0, cy - size * 0.6)), h
    if x1 - x0 < 2 or y1 - y0 < 2:
        return
    layer = Image.new("RGBA", ((x1 - x0) * ss, (y1 - y0) * ss), (0, 0, 0, 0))
    k = size * ss
    ink = (0, 0, 0, 255) if ink_mode else (28, 25, 23, 255)
    pen = _Pen(ImageDraw.Draw(layer), k, (cx - x0) * ss, (cy - y0) * ss, face, ink, max(1.0, k * 0.012))
    pal = _palette(ident, ink_mode)
    bottom = (y1 - cy) / size + 0.2
    if ident.bag is not None:
        pen.limb([(-0.42, 0.42), (-0.36, bottom)], 0.16, pal["bag"])
    pen.blob(
        [(-0.48, bottom), (-0.4, 0.42), (-0.12, 0.3), (0.12, 0.3), (0.4, 0.42), (0.48, bottom)], pal["top"]
    )
    if ident.coat:
        pen.blob([(-0.14, 0.3), (0.0, 0.62), (0.14, 0.3)], pal["top_b"])
    if ident.bag is not None:
        pen.limb([(0.26, 0.36), (0.3, bottom)], 0.06, pal["bag_d"] if not ink_mode else "#000000")
    pen.limb([(0.0, 0.2), (0.0, 0.34)], 0.14, pal["skin_b"])
    _head(pen, ident, pal, (0.0, 0.0), 0.26, expr)
    small = layer.reduce(ss)
    img.paste(small, (x0, y0), small)


def backdrop_for(ident: Identity, w: int, h: int, rng: np.random.Generator, subject: str) -> Image.Image:
    """A quiet street backdrop whose hue keeps away from the figure's own colours (so a yellow backpack
    never stands on yellow), with pale building blocks on the horizon and a ground plane."""
    figure_colors = [ident.top, *([ident.bag] if ident.bag else [])]
    choice = next(
        (b for b in _BACKDROPS if not any(_close(b[0], c) or _hue_near(b[0], c) for c in figure_colors)),
        _BACKDROPS[0],
    )
    sky, light, block = choice
    img = linear_gradient(w, h, [light, sky], 90)
    d = ImageDraw.Draw(img)
    horizon = h * 0.7
    x = -float(rng.uniform(0, w * 0.1))
    while x < w:
        bw = w * float(rng.uniform(0.1, 0.22))
        bh = h * float(rng.uniform(0.15, 0.4))
        d.rectangle((x, horizon - bh, x + bw - w * 0.01, horizon), fill=hex_rgba(mix(block, light, 0.35))[:3])
        x += bw
    d.rectangle((0, horizon, w, h), fill=hex_rgba(mix(block, "#8a8f96", 0.35))[:3])
    return img


def _hue_near(a: str, b: str) -> bool:
    ha, sa, _ = _hue(a)
    hb, sb, _ = _hue(b)
    return sa > 0.04 and sb > 0.25 and min(abs(ha - hb), 1 - abs(ha - hb)) < 0.08


def shadow(img: Image.Image, cx: float, y: float, rx: float) -> None:
    """A soft contact shadow on the ground: nested translucent ellipses (no blur pass)."""
    d = ImageDraw.Draw(img, "RGBA")
    for i in range(5):
        k = 1 - i * 0.16
        d.ellipse((cx - rx * k, y - rx * 0.12 * k, cx + rx * k, y + rx * 0.12 * k), fill=(0, 0, 0, 16))


def character_scene(
    w: int,
    h: int,
    subject: str,
    node_id: str,
    identity_seed: int,
    rng: np.random.Generator,
    *,
    ink_mode: bool = False,
    background: Image.Image | None = None,
) -> Image.Image:
    """A posed character in its frame: identity from ``identity_seed`` and the words, pose from the
    frame/panel words or index, camera (distance, position, facing) from ``rng`` (the variant's)."""
    ident = identity_for(subject, identity_seed)
    pose = pose_for(subject, node_id, rng)
    expr = "surprised" if re.search(r"surpris|shock|gasp|startled", subject.lower()) else "neutral"
    face = 1 if rng.random() < 0.5 else -1
    img = background.copy() if background is not None else backdrop_for(ident, w, h, rng, subject)
    m = min(w, h)
    if pose == "closeup":
        size = m * float(rng.uniform(0.72, 0.86))
        cx = w * float(rng.uniform(0.42, 0.58))
        if background is None:
            glow = radial_gradient(w, h, ["#ffffff", mix("#ffffff", _hair_safe(img), 0.2)], cx / w, 0.45)
            img = glow if not ink_mode else img
        draw_closeup(img, ident, cx, h - size * 0.62, size, face, ink_mode=ink_mode, expr=expr)
        return img
    camera = ["full", "full", "medium", "wide"][int(rng.integers(0, 4))]
    if camera == "medium" and pose in ("walk", "run", "kneel"):
        camera = "full"  # the legs are the pose: keep them in the frame
    if camera == "medium":
        height = h * 1.35
        feet = h + height * 0.4
    elif camera == "wide":
        height = h * 0.55
        feet = h * 0.9
    else:
        # comic panels letter their bubbles across the top: keep the head below the top third there
        height = h * (0.64 if ink_mode else 0.8)
        feet = h * 0.95 if ink_mode else h * 0.93
    cx = w * float(rng.uniform(0.36, 0.64))
    if camera != "medium" and not ink_mode:
        shadow(img, cx, feet, height * 0.16)
    draw_figure(img, ident, pose, cx, feet, height, face, ink_mode=ink_mode, expr=expr)
    return img


def _hair_safe(img: Image.Image) -> str:
    px = img.convert("RGB").getpixel((0, 0))
    r, g, b = px if isinstance(px, tuple) else (0, 0, 0)
    return f"#{r:02x}{g:02x}{b:02x}"
