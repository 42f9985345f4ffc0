"""A shop front: one building's face filling the picture, its sign board above an awning and a shop window.

A brief about a shop (a cafe storefront, a shop sign, "Open Daily above a bakery door") is drawn as the
shop's own front rather than a street of houses: the wall (brick under a light sign board, plaster under
a dark one), a **fascia** whose board is left for the sign text, an awning in the brief's colour (striped
or plain), a large window with the shop's interior (shelves and goods of its kind: cups and cakes for a
cafe, bread for a bakery; warm light at dusk and night), a door with a handle, the pavement at its foot
with a potted plant or an A-frame board, and the neighbours' walls at the sides (a named city's landmark
far off in the sky gap above them).

:func:`facade` is the one geometry: the sign layout sets the sign text on ``board`` (layouts/sign.py), the
scene leaves that rectangle for it. :func:`shop_brief` is the layout's word test; :func:`is_shop_front` the
scene's (which also looks at what the brief names: a drink as the subject stays a street scene).
"""

from __future__ import annotations

import colorsys
import re
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from imagegen.engines.planning.render.fields import linear_gradient, radial_gradient
from imagegen.engines.planning.render.illustrations.library import IllustrationSet
from imagegen.engines.planning.render.illustrations.raster import rasterize, snap
from imagegen.engines.planning.render.illustrations.recolor import tint_fills
from imagegen.engines.planning.render.illustrations.words import SETTING_WORDS, Reading, word_set
from imagegen.engines.planning.render.paint import hex_rgba, luminance, mix, soft_blob

#: nouns of a shop whose front can be drawn (a market keeps its stalls; a tea shop is a room)
SHOP_WORDS = word_set(
    """
    cafe café cafes coffeeshop shop shops store stores storefront storefronts shopfront shopfronts bakery
    bakeries restaurant boutique bistro florist bookshop bookstore patisserie boulangerie deli pharmacy
    barbershop pizzeria diner grocery grocer
    """
)
#: words that say the picture is the shop's front itself (the sign layout adds "storefront")
FRONT_WORDS = word_set(
    "storefront storefronts shopfront shopfronts sign signs signage signboard plaque fascia"
)
#: words that say a sign is set on the board (the sign layout adds "shop sign"): the board is left plain
SIGN_WORDS = word_set("sign signs signage signboard plaque fascia")
_MARKET = frozenset(k for k, v in SETTING_WORDS.items() if v == "market")
_ROOFS = word_set("roof roofs rooftop rooftops skyline")
#: drawings that are parts of the front itself (the facade draws them), never things in front of it
_PARTS = frozenset({"door", "window", "house", "convenience-store", "department-store", "classical-building"})
_INTERIORS = re.compile(r"\btea[ -]?(?:shop|house|room|parlou?r)s?\b|\bcoffee[ -]?house\b")
_QUOTED = re.compile(r'"[^"]*"|“[^”]*”|«[^»]*»|「[^」]*」|『[^』]*』')
_WORD = re.compile(r"[a-zà-ÿ]+")
_ANIMALS, _PEOPLE = "Animals & Nature", "People & Body"

#: the goods in the window of each kind of shop (the first ones the set has)
_GOODS: dict[str, tuple[str, ...]] = {
    "cafe": (
        "hot-beverage",
        "shortcake",
        "teacup-without-handle",
        "croissant",
        "doughnut",
        "cupcake",
        "cookie",
    ),
    "bakery": ("bread", "croissant", "baguette-bread", "pretzel", "cupcake", "bagel", "pie", "shortcake"),
    "boutique": ("dress", "handbag", "womans-hat", "high-heeled-shoe", "t-shirt", "sunglasses", "coat"),
    "summer": ("sunglasses", "t-shirt", "womans-hat", "bikini", "shorts", "handbag", "thong-sandal"),
    "restaurant": (
        "steaming-bowl",
        "sushi",
        "dumpling",
        "bento-box",
        "rice-ball",
        "curry-rice",
        "takeout-box",
    ),
    "books": ("books", "green-book", "orange-book", "blue-book", "closed-book", "open-book"),
    "florist": ("tulip", "bouquet", "sunflower", "rose", "potted-plant", "hibiscus", "blossom"),
    "shop": ("shopping-bags", "wrapped-gift", "handbag", "teddy-bear", "t-shirt", "womans-hat", "basket"),
}
_KINDS: tuple[tuple[str, frozenset[str]], ...] = (
    ("cafe", word_set("cafe café cafes coffee coffeeshop espresso latte bistro cappuccino")),
    ("bakery", word_set("bakery bakeries bread patisserie boulangerie pastry pastries cake cakes")),
    ("restaurant", word_set("restaurant ramen noodle noodles diner sushi izakaya eatery dumpling dumplings")),
    ("books", word_set("bookshop bookstore books book")),
    ("florist", word_set("florist flower flowers")),
    ("boutique", word_set("boutique fashion clothes clothing dress dresses")),
    ("summer", word_set("summer")),
)


def shop_brief(text: str) -> bool:
    """Words only: ``text`` is about a shop whose front can be drawn (the sign layout's test)."""
    plain = _QUOTED.sub(" ", text).lower()
    words = set(_WORD.findall(plain))
    if words & {"storefront", "storefronts", "shopfront", "shopfronts"}:
        return True
    return bool(words & SHOP_WORDS) and not words & _MARKET and not _INTERIORS.search(plain)


def is_shop_front(reading: Reading, lib: IllustrationSet) -> bool:
    """The picture ``reading`` describes is a shop's front: "storefront" said outright, or a shop in a
    street setting whose brief names the sign or nothing but the shop (a person or animal may stand in
    front of it; a named drink or dish is the subject of its own picture instead)."""
    words = set(reading.words)
    if words & {"storefront", "storefronts", "shopfront", "shopfronts"}:
        return reading.setting not in ("room", "space")
    if reading.setting != "city" or not words & SHOP_WORDS or words & _MARKET or words & _ROOFS:
        return False
    if words & FRONT_WORDS:
        return True
    things = [t for t in reading.things if t.name not in _PARTS]
    return not things or lib.categories.get(things[0].name) in (_ANIMALS, _PEOPLE)


def shop_kind(words: list[str]) -> str:
    """What the shop sells, from the brief's words: cafe, bakery, restaurant, books, florist, boutique,
    summer (clothes for it), shop (gifts, bags)."""
    said = set(words)
    return next((kind for kind, keys in _KINDS if said & keys), "shop")


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def w(self) -> float:
        return self.x1 - self.x0

    @property
    def h(self) -> float:
        return self.y1 - self.y0

    def inside(self, other: Box) -> bool:
        return (
            self.x0 >= other.x0 - 0.5
            and self.y0 >= other.y0 - 0.5
            and self.x1 <= other.x1 + 0.5
            and self.y1 <= other.y1 + 0.5
        )


@dataclass(frozen=True)
class Facade:
    """Where the parts of a shop front lie on a w x h picture (pixels)."""

    wall: Box
    #: the fascia's sign board: the sign text is set here (the layout's plaque covers it exactly)
    board: Box
    #: the awning, from the fascia down to its scalloped edge
    awning: Box
    #: the shop front under the fascia: the window and the door
    opening: Box
    #: the pavement's top edge, the building's foot
    pavement: float
    #: upper-floor windows (a tall picture has room for a storey above the shop)
    upper: tuple[Box, ...] = ()
    #: the door's side of the shop front (the window takes the rest)
    door_left: bool = False


def facade(w: float, h: float, variant: int = 0) -> Facade:
    """The shop front's geometry for a w x h picture: the wall fills most of it, set a little off centre so
    that sky shows on one side (a wide picture; a tall one shows a storey above the shop). Odd variants are
    the mirror image (the door on the other side too); variants 2-3 (6-7 ...) hang a narrower, deeper
    board. The scene draws each variant's own geometry (it is never mirrored afterwards)."""
    a = w / h
    mirrored, alt = variant % 2 == 1, (variant // 2) % 2 == 1
    if a >= 1.3:
        left, right, top, board, awning, pavement = 0.06, 0.2, 0.025, (0.15, 0.32), (0.35, 0.46), 0.87
    elif a >= 0.85:
        left, right, top, board, awning, pavement = 0.04, 0.12, 0.025, (0.155, 0.3), (0.325, 0.43), 0.875
    else:
        left, right, top, board, awning, pavement = 0.03, 0.05, 0.05, (0.3, 0.4), (0.42, 0.5), 0.885
    if mirrored:
        left, right = right, left
    wall = Box(w * left, h * top, w * (1 - right), h * pavement)
    bw = wall.w * (0.62 if alt else 0.78)
    deeper = (board[1] - board[0]) * 0.12 if alt else 0.0
    cx = (wall.x0 + wall.x1) / 2
    board_box = Box(cx - bw / 2, h * (board[0] - deeper), cx + bw / 2, h * board[1])
    inset = wall.w * 0.045
    opening = Box(wall.x0 + inset, h * awning[0], wall.x1 - inset, h * pavement)
    upper: tuple[Box, ...] = ()
    if a < 0.85:
        n = 3
        gap = wall.w / (n * 3 + 1)
        uw = gap * 2
        upper = tuple(
            Box(wall.x0 + gap + k * (uw + gap), h * 0.1, wall.x0 + gap + k * (uw + gap) + uw, h * 0.24)
            for k in range(n)
        )
    return Facade(
        wall=wall,
        board=board_box,
        awning=Box(opening.x0 - wall.w * 0.015, h * awning[0], opening.x1 + wall.w * 0.015, h * awning[1]),
        opening=opening,
        pavement=h * pavement,
        upper=upper,
        door_left=mirrored,
    )


@dataclass(frozen=True)
class Look:
    """The shop front's colours: the brief's where it named them, else the palette's."""

    wall: str
    brick: bool
    trim: str
    awning: str
    striped: bool
    board: str
    #: 0 in daylight, up to 1 at night: how dim the outside is and how much the window glows
    dark: float


def look_for(
    named: tuple[str, ...], accent: str, surface: str, words: list[str], time: str, rng: np.random.Generator
) -> Look:
    """Colours for the front. The board is the sign layout's: dark wood (or a neon sign's black) when the
    brief says so, else the palette's light surface; the wall is set off from it (brick behind a light
    board, light plaster behind a dark one)."""
    said = set(words)
    dark_board = bool(said & {"wood", "wooden", "neon"})
    board = "#6b4423" if dark_board else surface
    awning = named[0] if named else accent
    trim_base = named[1] if len(named) > 1 else accent
    trim = mix(trim_base, "#1b1e28", 0.55 if luminance(trim_base) > 0.25 else 0.2)
    if dark_board:
        wall, brick = mix(surface, "#efe4d2", 0.5), False
    else:
        wall, brick = mix(_BRICK, accent, 0.15), True
        if len(named) < 2 and _hue_gap(trim_base, _BRICK) < 40:
            # red trim on red brick is one block: a shop front painted deep green instead, as they often are
            trim = mix("#1f3d36", accent, 0.12)
    dark = {"dusk": 0.45, "night": 0.8, "dawn": 0.2}.get(time, 0.0)
    return Look(wall, brick, trim, awning, bool(rng.uniform() < 0.75), board, dark)


_BRICK = "#b4583a"


def _hue_gap(a: str, b: str) -> float:
    """How far apart two colours' hues are, in degrees (0-180)."""
    ha = colorsys.rgb_to_hls(*(c / 255 for c in hex_rgba(a)[:3]))[0]
    hb = colorsys.rgb_to_hls(*(c / 255 for c in hex_rgba(b)[:3]))[0]
    d = abs(ha - hb) * 360
    return min(d, 360 - d)


def _dim(color: str, look: Look) -> str:
    """A colour outside the shop as the light of the hour leaves it (dusk blue, night dark)."""
    if look.dark <= 0:
        return color
    return mix(color, "#2a2350", look.dark * 0.5)


def _shade(img: Image.Image, box: Box, color: str, alpha: int, blur: float) -> None:
    """A soft rectangle of shadow (or light) painted over ``img``."""
    pad = int(blur * 3) + 2
    x0, y0 = int(box.x0) - pad, int(box.y0) - pad
    size = (int(box.w) + 2 * pad + 1, int(box.h) + 2 * pad + 1)
    if size[0] <= 0 or size[1] <= 0:
        return
    mask = Image.new("L", size, 0)
    ImageDraw.Draw(mask).rectangle((pad, pad, pad + box.w, pad + box.h), fill=alpha)
    if blur > 0:
        mask = mask.filter(ImageFilter.GaussianBlur(blur))
    img.paste(Image.new("RGB", size, hex_rgba(color)[:3]), (x0, y0), mask)


def _put(img: Image.Image, lib: IllustrationSet, name: str, cx: float, bottom: float, size: float) -> None:
    """A drawing standing on ``bottom``, centred on ``cx``, with a soft contact shadow."""
    s = snap(size)
    drawing = rasterize(lib, name, s)
    ink = drawing.getchannel("A").getbbox()
    if ink is None:
        return
    # stand the drawing's ink (not its square) on the line
    y = round(bottom - ink[3])
    x = round(cx - (ink[0] + ink[2]) / 2)
    rx = (ink[2] - ink[0]) * 0.5
    shadow = (cx - rx, bottom - s * 0.04, cx + rx, bottom + s * 0.03)
    soft_blob(img, shadow, max(1.0, s * 0.03), "#14121e", 80)
    img.paste(drawing, (x, y), drawing)


def draw_shop_front(
    lib: IllustrationSet,
    img: Image.Image,
    front: Facade,
    look: Look,
    reading: Reading,
    sky: list[str],
    rng: np.random.Generator,
) -> tuple[float, float]:
    """The shop front over the sky already on ``img``; returns where a figure may stand on the pavement
    (x centre, ground y), clear of the door."""
    w, h = img.size
    m = min(w, h)
    draw = ImageDraw.Draw(img)
    kind = shop_kind(reading.words)
    goods = [g for g in _GOODS[kind] if g in lib]
    door_left = front.door_left
    _landmark(lib, img, front, reading, sky)
    _neighbours(img, front, look, sky, rng)
    # the wall, its cornice and its shadow under the cornice
    wall = front.wall
    _wall(img, wall, look, rng)
    cornice = hex_rgba(_dim(mix(look.wall, "#ffffff", 0.3), look))
    ch = h * 0.025
    draw.rectangle((wall.x0 - w * 0.008, wall.y0, wall.x1 + w * 0.008, wall.y0 + ch), fill=cornice)
    _shade(img, Box(wall.x0, wall.y0 + ch, wall.x1, wall.y0 + ch * 1.6), "#000000", 60, ch * 0.3)
    for box in front.upper:
        _upper_window(img, box, look)
    trim = _dim(look.trim, look)
    # the fascia: the shop front's trim runs up round the board (as wide as the shop front, or the board
    # where that is wider), a cornice strip on top; gooseneck lamps light the board from above
    frame = max(4.0, m * 0.018)
    board = front.board
    op = front.opening
    outer = Box(board.x0 - frame, board.y0 - frame, board.x1 + frame, board.y1 + frame)
    fascia = Box(min(op.x0, outer.x0), outer.y0, max(op.x1, outer.x1), op.y0)
    _shade(img, Box(fascia.x0, fascia.y0 + frame, fascia.x1, fascia.y1 + frame), "#000000", 70, frame)
    draw.rectangle((fascia.x0, fascia.y0, fascia.x1, fascia.y1), fill=hex_rgba(trim))
    draw.rectangle(
        (fascia.x0 - frame * 0.4, fascia.y0, fascia.x1 + frame * 0.4, fascia.y0 + frame * 0.45),
        fill=hex_rgba(mix(trim, "#ffffff", 0.25)),
    )
    # the board's moulding: a darker line round it
    draw.rectangle(
        (board.x0 - frame * 0.35, board.y0 - frame * 0.35, board.x1 + frame * 0.35, board.y1 + frame * 0.35),
        fill=hex_rgba(mix(trim, "#000000", 0.3)),
    )
    if set(reading.words) & SIGN_WORDS or not goods:
        # the sign layout sets the sign text here (its plaque covers the board exactly)
        draw.rectangle((board.x0, board.y0, board.x1, board.y1), fill=hex_rgba(look.board))
    else:
        _painted_board(lib, img, board, trim, look, goods)
    _lamps(img, outer, wall.y0 + ch * 1.6, look, trim)
    # the shop front under the fascia: pilasters, stall riser, window and door
    draw.rectangle((op.x0, outer.y1, op.x1, op.y1), fill=hex_rgba(trim))
    pil = op.w * 0.035
    door_w = min(op.w * 0.24, (op.y1 - op.y0) * 0.5)
    if door_left:
        door = Box(op.x0 + pil, op.y0 + (op.y1 - op.y0) * 0.12, op.x0 + pil + door_w, op.y1)
        window = Box(door.x1 + pil, op.y0 + (op.y1 - op.y0) * 0.1, op.x1 - pil, op.y1 - (op.y1 - op.y0) * 0.2)
    else:
        door = Box(op.x1 - pil - door_w, op.y0 + (op.y1 - op.y0) * 0.12, op.x1 - pil, op.y1)
        window = Box(op.x0 + pil, op.y0 + (op.y1 - op.y0) * 0.1, door.x0 - pil, op.y1 - (op.y1 - op.y0) * 0.2)
    _stall_riser(img, Box(window.x0, window.y1, window.x1, op.y1), trim)
    _shop_window(lib, img, window, look, goods, trim, rng)
    _door(lib, img, door, look, trim, goods)
    _awning(img, front.awning, look, rng)
    _pavement(img, front, look)
    if look.dark > 0.3:
        # the window's light spills onto the pavement
        spill = front.pavement + (h - front.pavement) * 0.5
        soft_blob(img, (window.x0, front.pavement - h * 0.01, window.x1, spill), h * 0.03, "#ffcf8a", 70)
    # on the pavement: a potted plant by the door, an A-frame board on the window's far side
    foot = front.pavement + (h - front.pavement) * 0.35
    plant_x = door.x1 + door_w * 0.45 if door_left else door.x0 - door_w * 0.45
    if "potted-plant" in lib:
        _put(img, lib, "potted-plant", plant_x, foot, m * 0.2)
    board_x = window.x1 - window.w * 0.18 if door_left else window.x0 + window.w * 0.18
    _a_frame(lib, img, board_x, foot, m * 0.17, trim, goods)
    stand_x = (window.x0 + window.x1) / 2
    return stand_x, h * 0.985


def _landmark(
    lib: IllustrationSet,
    img: Image.Image,
    front: Facade,
    reading: Reading,
    sky: list[str],
) -> None:
    """A named city's landmark far off in the sky gap beside the building, hazy with distance; with none,
    a small cloud drifts there on a clear or cloudy day."""
    name = reading.landmark
    w, h = img.size
    gap = max(front.wall.x0, w - front.wall.x1)
    if gap < w * 0.05:
        return
    if (not name or name not in lib) and reading.time in (None, "day") and reading.weather in (None, "clear"):
        if "cloud" in lib:
            s = snap(min(gap * 1.1, h * 0.18))
            x = gap * 0.5 if front.wall.x0 >= w - front.wall.x1 else w - gap * 0.5
            cloud = rasterize(lib, "cloud", s)
            img.paste(cloud, (round(x - s / 2), round(h * 0.12)), cloud)
        return
    if not name or name not in lib:
        return
    size = min(h * 0.42, gap * 1.9)
    cx = gap * 0.5 if front.wall.x0 >= w - front.wall.x1 else w - gap * 0.5
    s = snap(size)
    drawing = rasterize(lib, name, s, tint_fills(lib, name, sky[-1], 0.62))
    ink = drawing.getchannel("A").getbbox() or (0, 0, s, s)
    bottom = h * 0.5
    img.paste(drawing, (round(cx - (ink[0] + ink[2]) / 2), round(bottom - ink[3])), drawing)


def _neighbours(
    img: Image.Image, front: Facade, look: Look, sky: list[str], rng: np.random.Generator
) -> None:
    """The next buildings' walls at the sides, lower than the shop and set back (hazier)."""
    w, h = img.size
    draw = ImageDraw.Draw(img)
    tones = ("#c9b8a6", "#a9b4bd", "#d8c59f", "#b7a3b4")
    for left in (True, False):
        top = h * float(rng.uniform(0.34, 0.46))
        x0, x1 = (0.0, front.wall.x0) if left else (front.wall.x1, float(w))
        if x1 - x0 < 2:
            continue
        tone = mix(mix(tones[int(rng.integers(0, len(tones)))], sky[-1], 0.3), "#1d1f45", look.dark * 0.6)
        draw.rectangle((x0, top, x1, front.pavement), fill=hex_rgba(tone))
        draw.rectangle((x0, top, x1, top + h * 0.018), fill=hex_rgba(mix(tone, "#ffffff", 0.25)))
        # a column of windows, lit at night
        pane = mix("#ffd48a", tone, 0.2) if look.dark > 0.4 else mix(tone, "#2b3142", 0.45)
        ww = min((x1 - x0) * 0.45, w * 0.05)
        cx = (x0 + x1) / 2 + (x1 - x0) * (0.08 if left else -0.08)
        y = top + h * 0.07
        while y + h * 0.1 < front.pavement - h * 0.05:
            draw.rectangle((cx - ww / 2, y, cx + ww / 2, y + h * 0.1), fill=hex_rgba(pane))
            y += h * 0.16
        # the building's own shadow on its neighbour
        edge = front.wall.x0 if left else front.wall.x1
        band = w * 0.012
        _shade(
            img,
            Box(edge - band if left else edge, top, edge if left else edge + band, front.pavement),
            "#000000",
            55,
            band * 0.6,
        )


def _wall(img: Image.Image, wall: Box, look: Look, rng: np.random.Generator) -> None:
    h = img.height
    base = _dim(look.wall, look)
    layer = linear_gradient(
        max(1, int(wall.w)), max(1, int(wall.h)), [mix(base, "#ffffff", 0.06), mix(base, "#000000", 0.08)], 90
    )
    img.paste(layer, (int(wall.x0), int(wall.y0)))
    if not look.brick:
        return
    draw = ImageDraw.Draw(img)
    mortar = hex_rgba(mix(base, "#f3e6d8", 0.28))
    course = max(6.0, h * 0.026)
    brick_w = course * 2.6
    line = max(1, round(course * 0.14))
    y, row = wall.y0, 0
    while y < wall.y1:
        draw.line((wall.x0, y, wall.x1, y), fill=mortar, width=line)
        x = wall.x0 + (brick_w / 2 if row % 2 else 0)
        while x < wall.x1:
            draw.line((x, y, x, min(wall.y1, y + course)), fill=mortar, width=line)
            x += brick_w
        # a few bricks a shade off the rest
        for _ in range(int(wall.w / brick_w / 5)):
            bx = (
                wall.x0
                + float(rng.uniform(0, wall.w - brick_w)) // brick_w * brick_w
                + (brick_w / 2 if row % 2 else 0)
            )
            if bx + brick_w <= wall.x1:
                draw.rectangle(
                    (bx + line, y + line, bx + brick_w - line, y + course - line),
                    fill=hex_rgba(mix(base, "#000000" if rng.uniform() < 0.5 else "#ffffff", 0.08)),
                )
        y += course
        row += 1


def _upper_window(img: Image.Image, box: Box, look: Look) -> None:
    draw = ImageDraw.Draw(img)
    frame = hex_rgba(_dim("#f4efe6", look))
    glass = "#ffd48a" if look.dark > 0.6 else _dim("#8fb3cf", look)
    bar = max(3.0, box.w * 0.06)
    draw.rectangle((box.x0, box.y0, box.x1, box.y1), fill=frame)
    inner = Box(box.x0 + bar, box.y0 + bar, box.x1 - bar, box.y1 - bar)
    img.paste(
        linear_gradient(max(1, int(inner.w)), max(1, int(inner.h)), [mix(glass, "#ffffff", 0.2), glass], 90),
        (int(inner.x0), int(inner.y0)),
    )
    draw.rectangle(
        (inner.x0, (inner.y0 + inner.y1) / 2 - bar / 3, inner.x1, (inner.y0 + inner.y1) / 2 + bar / 3),
        fill=frame,
    )
    draw.rectangle((box.x0 - bar, box.y1, box.x1 + bar, box.y1 + bar * 1.2), fill=frame)


def _painted_board(
    lib: IllustrationSet, img: Image.Image, board: Box, trim: str, look: Look, goods: list[str]
) -> None:
    """A board with no sign text to carry: painted cream warmed by the awning's colour, a pinstripe border
    in the trim's and the shop's goods as its emblem, centre and flanks (never letters the brief did not
    give)."""
    draw = ImageDraw.Draw(img)
    paint = _dim(mix("#f6ecd9", look.awning, 0.12), look)
    draw.rectangle((board.x0, board.y0, board.x1, board.y1), fill=hex_rgba(paint))
    inset = board.h * 0.12
    draw.rectangle(
        (board.x0 + inset, board.y0 + inset, board.x1 - inset, board.y1 - inset),
        outline=hex_rgba(trim),
        width=max(2, round(board.h * 0.025)),
    )
    cx = (board.x0 + board.x1) / 2
    _put(img, lib, goods[0], cx, board.y1 - board.h * 0.2, board.h * 0.62)
    if len(goods) > 1:
        for side in (-1, 1):
            _put(img, lib, goods[1], cx + side * board.w * 0.3, board.y1 - board.h * 0.24, board.h * 0.44)


def _lamps(img: Image.Image, outer: Box, ceiling: float, look: Look, trim: str) -> None:
    """Gooseneck lamps over the fascia, between it and the cornice (``ceiling``): a wall plate, the arm
    curving over and down, a shade opening toward the board; they glow at dusk and night."""
    room = outer.y0 - ceiling
    if room < outer.h * 0.18:
        return
    draw = ImageDraw.Draw(img)
    n = 3 if outer.w > outer.h * 3 else 2
    lamp_h = min(room * 0.9, outer.h * 0.5)
    arm = max(2, round(lamp_h * 0.08))
    color = hex_rgba(trim)
    for k in range(n):
        cx = outer.x0 + outer.w * (k + 0.5) / n
        shade_h = lamp_h * 0.4
        shade_w = lamp_h * 0.62
        bottom = outer.y0 - lamp_h * 0.06
        top = bottom - shade_h
        # the arm: up from the shade, over in an arc, down to the plate on the wall beside it
        r = lamp_h * 0.28
        arc_top = outer.y0 - lamp_h
        draw.arc((cx, arc_top, cx + 2 * r, arc_top + 2 * r), 180, 360, fill=color, width=arm)
        draw.line((cx, top, cx, arc_top + r), fill=color, width=arm)
        draw.line((cx + 2 * r, arc_top + r, cx + 2 * r, bottom), fill=color, width=arm)
        draw.rectangle((cx + 2 * r - arm * 1.5, bottom - arm * 3, cx + 2 * r + arm * 1.5, bottom), fill=color)
        if look.dark > 0.3:
            soft_blob(
                img,
                (cx - shade_w, bottom - shade_h * 0.2, cx + shade_w, bottom + shade_h * 0.9),
                shade_h * 0.4,
                "#ffe3a8",
                150,
            )
        draw.polygon(
            [
                (cx - shade_w / 2, bottom),
                (cx + shade_w / 2, bottom),
                (cx + shade_w * 0.18, top),
                (cx - shade_w * 0.18, top),
            ],
            fill=color,
        )
        draw.line(
            (cx - shade_w / 2, bottom, cx + shade_w / 2, bottom),
            fill=hex_rgba(mix(trim, "#ffffff", 0.35)),
            width=max(1, arm // 2),
        )


def _stall_riser(img: Image.Image, box: Box, trim: str) -> None:
    draw = ImageDraw.Draw(img)
    draw.rectangle((box.x0, box.y0, box.x1, box.y1), fill=hex_rgba(trim))
    pad = box.h * 0.22
    panel = hex_rgba(mix(trim, "#000000", 0.18))
    draw.rectangle(
        (box.x0 + pad, box.y0 + pad, box.x1 - pad, box.y1 - pad * 0.8),
        outline=panel,
        width=max(2, round(pad * 0.18)),
    )
    # the sill: a lighter ledge the window display stands on
    draw.rectangle(
        (box.x0 - pad * 0.3, box.y0, box.x1 + pad * 0.3, box.y0 + pad * 0.45),
        fill=hex_rgba(mix(trim, "#ffffff", 0.3)),
    )


def _interior(box: Box, look: Look) -> Image.Image:
    """The room behind the glass: warm light from within at dusk and night, a dim shop by day."""
    w, h = max(1, int(box.w)), max(1, int(box.h))
    if look.dark > 0.3:
        return radial_gradient(w, h, ["#fff0c8", "#ffc978", "#d98a45"], 0.5, 0.3)
    return linear_gradient(w, h, ["#6b5a52", "#8d7868", "#a89080"], 90)


def _shop_window(
    lib: IllustrationSet,
    img: Image.Image,
    box: Box,
    look: Look,
    goods: list[str],
    trim: str,
    rng: np.random.Generator,
) -> None:
    """The big window: the interior with shelves and pendant lamps, goods on the shelves and in the display
    on the sill, the glass's reflections, the frame and a transom bar."""
    draw = ImageDraw.Draw(img)
    img.paste(_interior(box, look), (int(box.x0), int(box.y0)))
    warm = look.dark > 0.3
    shelf = hex_rgba(mix("#6b4423", "#ffd59a", 0.25) if warm else "#4d3a30")
    order = list(goods)
    if order:
        start = int(rng.integers(0, len(order)))
        order = order[start:] + order[:start]
    # two shelves on the back wall
    small = box.h * 0.2
    for k, level in enumerate((0.38, 0.64)):
        y = box.y0 + box.h * level
        draw.rectangle((box.x0, y, box.x1, y + max(3.0, box.h * 0.018)), fill=shelf)
        if order:
            n = max(2, int(box.w / (small * 1.7)))
            for j in range(n):
                name = order[(j + k * 2) % len(order)]
                cx = box.x0 + box.w * (j + 0.5) / n
                s = snap(small * (0.8 if j % 2 else 0.95))
                drawing = rasterize(lib, name, s, tint_fills(lib, name, "#5b4030", 0.18 if warm else 0.4))
                ink = drawing.getchannel("A").getbbox() or (0, 0, s, s)
                img.paste(drawing, (round(cx - (ink[0] + ink[2]) / 2), round(y - ink[3] + 1)), drawing)
    # pendant lamps hanging from the ceiling
    for k in range(2):
        cx = box.x0 + box.w * (0.28 + 0.44 * k)
        drop = box.y0 + box.h * 0.16
        draw.line((cx, box.y0, cx, drop), fill=(50, 40, 36, 255), width=max(1, round(box.h * 0.008)))
        r = box.h * 0.05
        if warm:
            pool = (cx - r * 2.4, drop - r * 0.6, cx + r * 2.4, drop + r * 3.2)
            soft_blob(img, pool, r * 0.9, "#fff4d0", 140)
        draw.pieslice((cx - r, drop - r * 0.2, cx + r, drop + r * 1.6), 180, 360, fill=hex_rgba(trim))
    # the display on the sill, larger, in front
    if order:
        big = box.h * 0.3
        n = max(2, min(4, int(box.w / (big * 1.4))))
        for j in range(n):
            name = order[(j * 2 + 1) % len(order)]
            cx = box.x0 + box.w * (j + 0.5) / n
            _put(img, lib, name, cx, box.y1 - box.h * 0.01, big * (1.0 if j % 2 == 0 else 0.85))
    _glare(img, box)
    # the frame and a transom bar near the top
    bar = max(3.0, box.w * 0.012)
    draw.rectangle((box.x0, box.y0, box.x1, box.y1), outline=hex_rgba(trim), width=round(bar))
    ty = box.y0 + box.h * 0.2
    draw.rectangle((box.x0, ty - bar / 2, box.x1, ty + bar / 2), fill=hex_rgba(trim))


def _glare(img: Image.Image, box: Box) -> None:
    """Reflections on a pane of glass: two pale diagonal bands, clipped to the pane."""
    w, h = max(1, int(box.w)), max(1, int(box.h))
    glare = Image.new("L", (w, h), 0)
    gd = ImageDraw.Draw(glare)
    slant = min(h * 0.6, w * 0.5)
    for k, (at, width) in enumerate(((0.18, 0.1), (0.34, 0.04))):
        x = w * at
        gd.polygon(
            [(x, h), (x + w * width, h), (x + w * width + slant, 0), (x + slant, 0)],
            fill=46 if k == 0 else 34,
        )
    img.paste(Image.new("RGB", (w, h), (255, 255, 255)), (int(box.x0), int(box.y0)), glare)


def _door(lib: IllustrationSet, img: Image.Image, box: Box, look: Look, trim: str, goods: list[str]) -> None:
    """A glazed door: its leaf a shade off the trim, the interior light through its glass, a kick plate,
    a brass handle and a step at the foot."""
    draw = ImageDraw.Draw(img)
    leaf = mix(trim, "#000000", 0.15)
    draw.rectangle((box.x0, box.y0, box.x1, box.y1), fill=hex_rgba(leaf))
    pad = box.w * 0.12
    glass = Box(box.x0 + pad, box.y0 + pad, box.x1 - pad, box.y0 + box.h * 0.6)
    img.paste(_interior(glass, look), (int(glass.x0), int(glass.y0)))
    _glare(img, glass)
    draw.rectangle(
        (glass.x0, glass.y0, glass.x1, glass.y1),
        outline=hex_rgba(mix(leaf, "#000000", 0.2)),
        width=max(2, round(pad * 0.2)),
    )
    panel = Box(box.x0 + pad, box.y0 + box.h * 0.68, box.x1 - pad, box.y1 - pad * 0.8)
    draw.rectangle(
        (panel.x0, panel.y0, panel.x1, panel.y1),
        outline=hex_rgba(mix(leaf, "#000000", 0.25)),
        width=max(2, round(pad * 0.16)),
    )
    # the handle on the side away from the hinge: a brass bar with a highlight
    hx = box.x0 + pad * 0.5
    hw = max(3.0, box.w * 0.05)
    hy0, hy1 = box.y0 + box.h * 0.5, box.y0 + box.h * 0.66
    draw.rounded_rectangle((hx, hy0, hx + hw, hy1), radius=hw / 2, fill=hex_rgba("#d9a73a"))
    draw.line(
        (hx + hw * 0.3, hy0 + hw, hx + hw * 0.3, hy1 - hw),
        fill=hex_rgba("#ffe39a"),
        width=max(1, round(hw * 0.25)),
    )
    # a step
    step = box.h * 0.03
    draw.rectangle(
        (box.x0 - pad, box.y1 - step, box.x1 + pad, box.y1 + step * 0.4), fill=hex_rgba(_dim("#b9b2a8", look))
    )


def _awning(img: Image.Image, box: Box, look: Look, rng: np.random.Generator) -> None:
    """The awning seen from the front: its slope (lit from above, shaded under the fascia), stripes of the
    brief's colour and white or the plain colour, a scalloped valance, and its shadow on the window."""
    h = img.height
    base = _dim(look.awning, look)
    white = _dim("#fbf6ee", look)
    valance = box.h * 0.26
    slope = Box(box.x0, box.y0, box.x1, box.y1 - valance)
    # the shadow it casts on the front below
    _shade(
        img,
        Box(box.x0 + box.w * 0.01, box.y1 - valance * 0.4, box.x1 - box.w * 0.01, box.y1 + valance * 1.1),
        "#000000",
        80,
        valance * 0.6,
    )
    layer = Image.new("RGB", img.size)
    mask = Image.new("L", img.size, 0)
    ld, md = ImageDraw.Draw(layer), ImageDraw.Draw(mask)
    stripes = max(7, int(box.w / (h * 0.06)) | 1)
    sw = box.w / stripes
    for k in range(stripes):
        fill = base if (k % 2 == 0 or not look.striped) else white
        x0 = box.x0 + k * sw
        ld.rectangle((x0, box.y0, x0 + sw + 1, box.y1 - valance), fill=hex_rgba(fill))
        ld.rectangle((x0, box.y1 - valance, x0 + sw + 1, box.y1 - valance / 2), fill=hex_rgba(fill))
        ld.pieslice((x0, box.y1 - valance, x0 + sw, box.y1), 0, 180, fill=hex_rgba(fill))
        md.rectangle((x0, box.y0, x0 + sw + 1, box.y1 - valance / 2), fill=255)
        md.pieslice((x0, box.y1 - valance, x0 + sw, box.y1), 0, 180, fill=255)
    img.paste(layer, (0, 0), mask)
    # the slope darkens toward the wall, a seam between slope and valance
    _shade(img, Box(slope.x0, slope.y0, slope.x1, slope.y0 + slope.h * 0.35), "#000000", 55, slope.h * 0.2)
    seam = hex_rgba(mix(base, "#000000", 0.3))
    ImageDraw.Draw(img).line(
        (box.x0, slope.y1, box.x1, slope.y1), fill=seam, width=max(2, round(valance * 0.08))
    )
    if not look.striped:
        # a plain awning has a pale band along its valance
        ImageDraw.Draw(img).line(
            (box.x0, slope.y1 + valance * 0.25, box.x1, slope.y1 + valance * 0.25),
            fill=hex_rgba(white),
            width=max(2, round(valance * 0.1)),
        )


def _pavement(img: Image.Image, front: Facade, look: Look) -> None:
    w, h = img.size
    top = front.pavement
    stone = _dim("#c9c2b8", look)
    img.paste(
        linear_gradient(w, max(1, int(h - top)), [mix(stone, "#000000", 0.06), stone], 90), (0, int(top))
    )
    draw = ImageDraw.Draw(img)
    joint = hex_rgba(mix(stone, "#000000", 0.16))
    slab = h * 0.045
    width = max(1, round(h * 0.003))
    y = top + slab * 0.8
    while y < h * 0.95:
        draw.line((0, y, w, y), fill=joint, width=width)
        y += slab * 1.3
    n = max(4, round(w / (h * 0.16)))
    for i in range(n + 1):
        x_top = w * i / n
        draw.line((x_top, top, w / 2 + (x_top - w / 2) * 1.25, h), fill=joint, width=width)
    # the kerb, and the building's foot in shadow
    draw.rectangle((0, h * 0.955, w, h), fill=hex_rgba(mix(stone, "#000000", 0.22)))
    draw.rectangle((0, h * 0.95, w, h * 0.958), fill=hex_rgba(mix(stone, "#ffffff", 0.25)))
    _shade(img, Box(0, top, w, top + h * 0.012), "#000000", 70, h * 0.006)


def _a_frame(
    lib: IllustrationSet, img: Image.Image, cx: float, foot: float, size: float, trim: str, goods: list[str]
) -> None:
    """An A-frame chalkboard on the pavement, the shop's emblem chalked on it (no words)."""
    draw = ImageDraw.Draw(img)
    bw, bh = size * 0.62, size
    x0, y0 = cx - bw / 2, foot - bh
    soft_blob(
        img,
        (x0 - bw * 0.1, foot - bh * 0.04, x0 + bw * 1.1, foot + bh * 0.04),
        max(1.0, bh * 0.03),
        "#14121e",
        80,
    )
    frame = hex_rgba("#9b6b43")
    leg = max(2, round(bw * 0.07))
    for side in (0, 1):
        lx = x0 + bw * (0.1 if side == 0 else 0.9)
        draw.line((lx, y0 + bh * 0.6, x0 + bw * (0.02 if side == 0 else 0.98), foot), fill=frame, width=leg)
    draw.rectangle((x0, y0, x0 + bw, y0 + bh * 0.78), fill=frame)
    pad = bw * 0.09
    board = Box(x0 + pad, y0 + pad, x0 + bw - pad, y0 + bh * 0.78 - pad)
    draw.rectangle((board.x0, board.y0, board.x1, board.y1), fill=hex_rgba("#2e3532"))
    chalk = hex_rgba("#e9efe6")
    draw.line(
        (
            board.x0 + board.w * 0.15,
            board.y0 + board.h * 0.15,
            board.x1 - board.w * 0.15,
            board.y0 + board.h * 0.15,
        ),
        fill=chalk,
        width=max(1, round(bw * 0.02)),
    )
    if goods:
        s = snap(board.w * 0.7)
        drawing = rasterize(lib, goods[0], s, tint_fills(lib, goods[0], "#e9efe6", 0.55))
        img.paste(
            drawing, (round((board.x0 + board.x1) / 2 - s / 2), round(board.y0 + board.h * 0.25)), drawing
        )
