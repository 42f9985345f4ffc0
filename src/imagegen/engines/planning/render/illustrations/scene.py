"""Composing a picture from drawings: sky or backdrop, setting, ground, subject, props, shadows, weather.

The layout is decided from a :class:`~.words.Reading`:

- **kind** — ``outdoor`` (a setting, a time of day or weather was named), ``space``, ``tabletop`` (linen,
  table, studio surface, room) or ``studio`` (a lone object: soft backdrop, floor shadow; a mascot gets a
  badge disc behind it);
- **sky** by time of day (dawn, day, dusk, night) and weather (rain, snow, storm, fog, cloudy), harmonised a
  little toward the plan's accent; sun, moon, stars and clouds are drawings too;
- **setting** — a backdrop row of drawings on the horizon (houses for a city, trees for a park, mountains,
  cacti), tinted toward the sky for depth; water for the sea; planks for a pier; linen for a table;
- **subject** large on the ground line (several copies when the brief says a plural), its role's attribute
  in front of it; **props** smaller beside it, sky things in the sky, hanging things hanging; a chase puts
  the chaser behind and the chased ahead, with speed lines; what a person carries on the back (a
  backpack) is strapped on: behind the torso found in the figure's own ink, straps over the shoulders;
- soft contact **shadows** under everything that stands; rain streaks, snowflakes or haze over the top;
- a frame's **beat** (poses.py, :class:`_Act`): the shot (close-up, wide), the subject posed, what it holds
  at its hand, a spill at its feet, footprints, a river, comic marks.

Everything is seeded, so a plan renders the same pixels every time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
from PIL import Image, ImageDraw

from imagegen.engines.planning.render.fields import linear_gradient, radial_gradient, rgb_array, to_image
from imagegen.engines.planning.render.illustrations.library import IllustrationSet
from imagegen.engines.planning.render.illustrations.poses import (
    INK,
    Body,
    Pose,
    body_of,
    figure_layer,
    full_figure,
    handless,
    headgear,
    held_spot,
    marks,
    on_river,
    restage,
    river,
    spill,
    stub_arms,
    trail,
)
from imagegen.engines.planning.render.illustrations.raster import rasterize, snap
from imagegen.engines.planning.render.illustrations.recolor import recolor_fills, tint_fills
from imagegen.engines.planning.render.illustrations.storefront import (
    draw_shop_front,
    facade,
    is_shop_front,
    look_for,
)
from imagegen.engines.planning.render.illustrations.words import Reading, Thing, word_set
from imagegen.engines.planning.render.paint import hex_rgba, luminance, mix, soft_blob

_SKIES: dict[str, list[str]] = {
    "dawn": ["#7f9cd8", "#f3b29a", "#ffe3bd"],
    "day": ["#5ea8e8", "#a9d6f7", "#e3f4ff"],
    "dusk": ["#3f3577", "#d9738a", "#ffc48a"],
    "night": ["#070b24", "#141b48", "#2c3572"],
}
_WEATHER_GREY = {
    "rain": ("#7a8494", 0.6),
    "storm": ("#4b5263", 0.65),
    "cloudy": ("#aab3c0", 0.35),
    "snow": ("#dfe6ee", 0.45),
    "fog": ("#d5d9de", 0.55),
}
_GROUND = {
    "city": "#7a6a72",
    "park": "#6fbf5a",
    "mountains": "#7fb069",
    "desert": "#e9c27d",
    "sea": "#e9d3a6",
    "open": "#9ccf7a",
    "snow": "#f1f5fa",
    "market": "#b8a48f",
}
#: awning colours of a row of market stalls (each striped with white)
_AWNINGS = ("#d94f3d", "#2f8f83", "#e8a33d", "#3d6fd9", "#b0487a")
#: what a stall shows on its counter (the first ones the set has)
_WARES = ("red-apple", "tangerine", "banana", "watermelon", "pineapple", "grapes", "lemon", "melon")
_BACKDROP: dict[str, list[tuple[str, float]]] = {
    "city": [
        ("office-building", 0.30),
        ("house", 0.22),
        ("classical-building", 0.26),
        ("houses", 0.24),
        ("office-building", 0.34),
        ("house", 0.2),
        ("houses", 0.22),
    ],
    "park": [
        ("deciduous-tree", 0.3),
        ("evergreen-tree", 0.34),
        ("deciduous-tree", 0.26),
        ("evergreen-tree", 0.3),
        ("deciduous-tree", 0.32),
    ],
    "mountains": [("snow-capped-mountain", 0.5), ("mountain", 0.38), ("snow-capped-mountain", 0.44)],
    "desert": [("cactus", 0.14), ("cactus", 0.1), ("cactus", 0.12)],
    "sea": [("sailboat", 0.1)],
    "open": [("deciduous-tree", 0.14), ("evergreen-tree", 0.18), ("deciduous-tree", 0.12)],
}
#: things that belong in the sky, and things that hang from above
SKY_THINGS = word_set(
    """
    sun crescent-moon full-moon cloud star glowing-star rocket airplane balloon kite bird dove eagle
    bat comet ringed-planet butterfly honeybee parrot flying-saucer parachute helicopter
    """
)
HANGING_THINGS = frozenset({"red-paper-lantern", "light-bulb", "wind-chime", "mirror-ball", "carp-streamer"})
_MOTION = word_set(
    """
    chases chasing chase runs running run rides riding ride races racing coast coasting flies flying
    speeds speeding rushes dashes
    """
)
_ANIMALS = "Animals & Nature"
_PEOPLE = "People & Body"


@dataclass(frozen=True)
class SceneColors:
    background: str
    surface: str
    accent: str
    #: colours the brief named for the picture ("red and gold", "a yellow raincoat"), as hex
    named: tuple[str, ...] = ()
    #: colour word -> hex, for colours said of one thing ("a yellow raincoat")
    values: dict[str, str] = field(default_factory=dict)


@dataclass
class Placed:
    name: str
    x: float
    y: float  # bottom (the ground contact) for grounded things, top for hanging ones
    size: float
    fills: dict[str, str] = field(default_factory=dict)
    shadow: bool = True
    hanging: bool = False
    #: drawn over its owner (a role's attribute)
    front: bool = False
    #: a thing worn on the figure's back (a backpack): its drawing and fill map, strapped on when drawn
    carried: tuple[str, dict[str, str]] | None = None


def scene_kind(reading: Reading) -> str:
    if reading.setting == "space":
        return "space"
    if reading.setting in ("tabletop", "room"):
        return "tabletop"
    if reading.setting or reading.time or reading.weather in ("rain", "snow", "storm", "fog", "cloudy"):
        return "outdoor"
    return "studio"


def compose_scene(
    lib: IllustrationSet,
    w: int,
    h: int,
    reading: Reading,
    colors: SceneColors,
    seed: int,
    variant: int = 0,
    *,
    pose: Pose | None = None,
) -> Image.Image:
    """The picture ``reading`` describes, at w x h (RGB); ``variant`` picks a shop front's arrangement (the
    sign layout sets its text on that arrangement's board); ``pose`` stages a frame's beat (poses.py)."""
    rng = np.random.default_rng(seed)
    pose = pose or Pose()
    reading = restage(reading, pose, lib)
    m = min(w, h)
    kind = scene_kind(reading)
    time = reading.time or ("night" if kind == "space" else "day")
    weather = reading.weather or "clear"
    sky = _sky_colors(time, weather, colors.accent)
    if kind == "outdoor" and is_shop_front(reading, lib):
        return _shop_front(lib, w, h, reading, colors, sky, time, weather, rng, variant)
    if kind == "outdoor":
        horizon = h * 0.62
        base_y = h * 0.9
        img = linear_gradient(w, h, sky, 90)
        _sky_things(lib, img, w, h, horizon, time, weather, rng)
        _setting(lib, img, w, h, horizon, reading, sky, time, weather, rng)
    elif kind == "space":
        horizon, base_y = h, h * 0.78
        img = linear_gradient(w, h, _SKIES["night"], 90)
        _stars(img, w, h, h, rng, 1.6)
        planet = "ringed-planet"
        if planet in lib:
            _paste(img, lib, Placed(planet, w * 0.82, h * 0.3, m * 0.2, shadow=False))
    elif kind == "tabletop":
        horizon, base_y = h * 0.6, h * 0.84
        wall = (
            mix(colors.background, "#ffffff", 0.25)
            if luminance(colors.background) < 0.8
            else colors.background
        )
        img = linear_gradient(w, h, [mix(wall, "#000000", 0.04), wall], 90)
        if reading.setting == "room":
            # a room, not a studio table: a window in the wall shows the time of day and the weather
            _window(img, w, h, horizon, _sky_colors(time, weather, colors.accent), rng)
        _surface(img, w, h, horizon, reading.surface or "table", colors, rng)
    else:
        horizon, base_y = h, h * 0.84
        back = colors.background
        img = radial_gradient(w, h, [mix(back, "#ffffff", 0.45), mix(back, colors.surface, 0.6)], 0.5, 0.42)
    things = [t for t in reading.things if t.name in lib]
    if colors.values:
        # the subject takes only the colours said of the picture, not those said of a thing ("a courier
        # with a yellow backpack" has a yellow backpack, not a yellow courier)
        attached = {c for t in things for c in (*t.colors, *(c for _, cs in t.carried for c in cs))}
        loose = tuple(colors.values[c] for c in reading.colors if c in colors.values and c not in attached)
        colors = replace(colors, named=loose)
    placed = _place(lib, things, reading, colors, w, h, base_y, kind, rng)
    if kind == "studio" and "mascot" in reading.words and placed:
        _badge(img, placed[0], colors)
    act = _Act.stage(lib, placed, things, pose, w, h) if things else None
    if act is not None:
        placed = act.placed
    bank = None
    if kind == "outdoor" and pose.river and reading.setting != "sea":
        # the river on the side the figure isn't, its footprints leading to the bank
        right = act is None or act.figure.x <= w / 2
        river(img, w, h, horizon, time == "night", right)
        bank = on_river(w, h, horizon, right)
    motion = bool(_MOTION & set(reading.words))
    for p in placed:
        if p.shadow and kind != "space":
            _shadow(img, lib, p)
    if act is not None:
        act.ground(img, lib, horizon, bank)
    if motion and placed and not placed[0].hanging:
        _speed_lines(img, placed[0], rng)
    for p in placed:
        if act is not None and p is act.figure:
            act.draw(img, lib)
        elif p.carried is None:
            _paste(img, lib, p)
        else:
            _strapped(img, lib, p)
    if act is not None:
        act.finish(img, lib)
    _weather(img, w, h, weather, rng)
    return img


@dataclass
class _Act:
    """The subject acting out a beat (poses.py): its framing, its posed drawing, what it holds (moved to
    its hand, drawn over it), what lies at its feet, and its comic marks."""

    placed: list[Placed]
    figure: Placed
    pose: Pose
    layer: tuple[Image.Image, int, int]
    body: Body
    held: list[Placed]
    #: (drink drawn tipped or None, x, ground, size, fresh) for a spill at the figure's feet
    spilt: tuple[str | None, float, float, float, bool] | None = None

    @classmethod
    def stage(
        cls, lib: IllustrationSet, placed: list[Placed], things: list[Thing], pose: Pose, w: int, h: int
    ) -> _Act | None:
        subject = things[0]
        figures = [p for p in placed if p.name == subject.name and not p.front and not p.hanging]
        if len(figures) != 1 or subject.plural or (figures[0].carried is not None and pose.tilt):
            return None
        fig = figures[0]
        no_hands = handless(lib, fig.name)
        whole = full_figure(lib, fig.name)
        if not (no_hands or whole or pose.shot or pose.action or pose.trail):
            return None
        m = min(w, h)
        if fig.name.endswith("-kneeling"):
            pose = replace(pose, tilt=0.0, stretch=1.0)  # its own kneeling drawing: no crouch needed
        ground_props = [p for p in placed if p is not fig and not p.front and not p.hanging and p.shadow]
        if pose.shot == "close":
            # head and shoulders fill the frame, the bottom cropped; the feet (and what stands there) are
            # out of the picture
            if whole:
                size = h * 1.25
                top = h * 0.12
            else:
                size = m * (0.95 if no_hands else 1.1)
                top = h * (0.14 if no_hands else 0.2)
            fig = replace(
                fig, size=size, y=top + size, shadow=False, x=min(max(fig.x, size * 0.4), w - size * 0.4)
            )
            ground_props = []
        elif pose.shot == "wide":
            # the figure small in its setting; what stands beside it keeps its distance and scale
            k = 0.7
            ground_props = [replace(p, size=p.size * k, x=fig.x + (p.x - fig.x) * k) for p in ground_props]
            fig = replace(fig, size=fig.size * k)
        layer = figure_layer(lib, fig.name, fig.x, fig.y, fig.size, fig.fills, pose)
        body = body_of(lib, fig.name, layer)
        held: list[Placed] = []
        attribute = [p for p in placed if p.front][:1]
        if attribute and (whole or no_hands):
            # a role's prop (a courier's parcel) is held, sized to the figure, not floating beside it
            p = attribute[0]
            size = body.height * (0.3 if whole else 0.4)
            cx, cy = held_spot(lib, fig.name, body, size, p.name)
            held.append(replace(p, x=cx, y=cy + size / 2, size=size, shadow=fig.name.endswith("-kneeling")))
        spilt: tuple[str | None, float, float, float, bool] | None = None
        if pose.action in ("hold", "spill", "fix") and ground_props:
            prop = ground_props[0]
            if pose.action == "spill":
                ground_props.remove(prop)
                size = body.height * 0.38
                spilt = (prop.name, body.left - size * 0.55, fig.y, size, True)
            elif pose.action == "fix" and prop.name == "bicycle":
                # the bike stands in front of the kneeling rider, who works on its back wheel
                bike = replace(prop, size=fig.size * 1.05, x=body.left - fig.size * 0.36, y=fig.y)
                ground_props[0] = bike
                tools = [p for p in ground_props[1:] if p.name == "wrench"]
                if tools:
                    ground_props.remove(tools[0])
                    size = body.height * 0.24
                    cx, cy = body.hands[0]
                    held.append(replace(tools[0], x=cx, y=cy + size / 2, size=size, shadow=False, front=True))
            elif whole or no_hands:
                ground_props.remove(prop)
                size = body.height * (0.4 if no_hands else 0.3)
                cx, cy = held_spot(lib, fig.name, body, size, prop.name)
                held.append(replace(prop, x=cx, y=cy + size / 2, size=size, shadow=False, front=True))
        if pose.aftermath and spilt is None:
            size = body.height * 0.38
            spilt = (None, body.left - size * 0.55, fig.y, size, False)
        # everything else stays as composed: the sky's things, hanging things, a prop nobody holds
        grounded = {
            id(p) for p in placed if p is not figures[0] and not p.front and not p.hanging and p.shadow
        }
        rest = [p for p in placed if p is not figures[0] and id(p) not in grounded]
        if attribute and (whole or no_hands):
            rest = [p for p in rest if p is not attribute[0]]
        out = sorted(
            [*ground_props, *rest, fig], key=lambda p: (p.front, not p.hanging, p.y if not p.hanging else 0)
        )
        return cls(out, fig, pose, layer, body, held, spilt)

    def ground(
        self,
        img: Image.Image,
        lib: IllustrationSet,
        horizon: float,
        bank: Callable[[float, float], bool] | None,
    ) -> None:
        """What lies on the ground before the figure is drawn: footprints leading off (to the river's bank
        when there is one), a spill."""
        if self.pose.trail and self.pose.shot != "close":
            size = self.body.height * 0.24
            step = 1 if bank is not None and bank(img.width, self.figure.y) else -1
            x = self.body.right + size * 0.4 if step > 0 else self.body.left - size * 0.4
            trail(img, lib, (x, self.figure.y - size * 0.2), horizon, size, bank, step)
        if self.spilt is not None:
            name, x, ground, size, fresh = self.spilt
            spill(img, lib, name, x, ground, size, fresh)

    def draw(self, img: Image.Image, lib: IllustrationSet) -> None:
        """The posed figure, stub arms behind it for a handless one, then what it holds."""
        no_hands = handless(lib, self.figure.name)
        hand = None
        if self.held and no_hands:
            cup = self.held[0]
            hand = (cup.x + cup.size * 0.3, cup.y - cup.size * 0.45)
        if no_hands and (self.pose.arms or self.held):
            stub_arms(ImageDraw.Draw(img), self.body, self.pose, hand)
        if self.figure.carried is not None:
            _strapped(img, lib, self.figure)
        else:
            layer, ox, oy = self.layer
            img.paste(layer, (ox, oy), layer)
        if self.pose.action == "fix" and self.figure.name.endswith("-kneeling"):
            # off the bike, still in its helmet
            riding = self.figure.name.replace("-kneeling", "-biking")
            hat = headgear(lib, riding, self.figure.fills, self.layer)
            if hat is not None:
                img.paste(hat[0], (hat[1], hat[2]), hat[0])
        for p in self.held:
            if p.shadow:
                _shadow(img, lib, p)
            _paste(img, lib, p)
        if hand is not None:
            # the stub hand grips the cup's side, over it
            r = max(3, round(self.body.height * 0.05)) * 0.95
            ImageDraw.Draw(img).ellipse((hand[0] - r, hand[1] - r, hand[0] + r, hand[1] + r), fill=INK)

    def finish(self, img: Image.Image, lib: IllustrationSet) -> None:
        box = None
        if self.held:
            x, y, size = _box(self.held[0])
            box = (float(x), float(y), float(x + size), float(y + size))
        marks(img, lib, self.body, self.pose, box if self.pose.action == "hold" else None)


def _shop_front(
    lib: IllustrationSet,
    w: int,
    h: int,
    reading: Reading,
    colors: SceneColors,
    sky: list[str],
    time: str,
    weather: str,
    rng: np.random.Generator,
    variant: int,
) -> Image.Image:
    """A shop's front filling the picture (see storefront.py); a person or animal the brief names stands
    on the pavement in front of the window, clear of the door and below the sign board."""
    img = linear_gradient(w, h, sky, 90)
    if time == "night":
        _stars(img, w, h, h * 0.5, rng, 0.8)
    front = facade(w, h, variant)
    look = look_for(colors.named, colors.accent, colors.surface, reading.words, time, rng)
    stand_x, ground = draw_shop_front(lib, img, front, look, reading, sky, rng)
    figures = [
        t for t in reading.things if t.name in lib and lib.categories.get(t.name) in (_ANIMALS, _PEOPLE)
    ][:1]
    for t in figures:
        # in front of the window, shorter than the shop front below the awning: never over its sign
        size = min(min(w, h) * 0.42, (h - front.awning.y1) * 0.62)
        p = _inside(Placed(t.name, stand_x, ground, size, _fills_for(lib, t, colors, True)), w, h)
        _shadow(img, lib, p)
        _paste(img, lib, p)
    _weather(img, w, h, weather, rng)
    return img


# -- sky and setting --------------------------------------------------------------------------------------
def _sky_colors(time: str, weather: str, accent: str) -> list[str]:
    sky = list(_SKIES.get(time, _SKIES["day"]))
    if weather in _WEATHER_GREY:
        grey, amount = _WEATHER_GREY[weather]
        if time == "night":
            amount *= 0.4
        sky = [mix(c, grey, amount) for c in sky]
    return [mix(c, accent, 0.06) for c in sky]


def _sky_things(
    lib: IllustrationSet,
    img: Image.Image,
    w: int,
    h: int,
    horizon: float,
    time: str,
    weather: str,
    rng: np.random.Generator,
) -> None:
    m = min(w, h)
    overcast = weather in ("rain", "storm", "cloudy", "snow", "fog")
    if time == "night":
        _stars(img, w, h, horizon, rng, 0.6 if overcast else 1.0)
        if not overcast:
            _glow(img, w * 0.8, h * 0.17, m * 0.1, "#fff7d6")
            _paste(img, lib, Placed("crescent-moon", w * 0.8, h * 0.17 + m * 0.06, m * 0.12, shadow=False))
    elif not overcast:
        sx, sy, size = {"dawn": (0.74, horizon / h - 0.02, 0.2), "dusk": (0.24, horizon / h - 0.01, 0.2)}.get(
            time, (0.8, 0.22, 0.14)
        )
        _glow(img, w * sx, h * sy - m * size * 0.4, m * size * 0.9, "#fff1c4")
        _paste(img, lib, Placed("sun", w * sx, h * sy + m * size * 0.1, m * size, shadow=False))
    clouds = {"rain": 3, "storm": 3, "cloudy": 3, "snow": 2, "fog": 0}.get(weather, 1 if time == "day" else 0)
    for i in range(clouds):
        name = "cloud-with-lightning" if weather == "storm" and i == 1 else "cloud"
        size = m * float(rng.uniform(0.2, 0.3))
        x = w * (0.18 + 0.64 * i / max(1, clouds - 1)) if clouds > 1 else w * 0.3
        y = h * float(rng.uniform(0.14, 0.26)) + size * 0.5
        tint = tint_fills(lib, name, "#6b7280", 0.35) if weather in ("rain", "storm") else {}
        if name in lib:
            _paste(img, lib, Placed(name, x, y, size, fills=tint, shadow=False))


def _setting(
    lib: IllustrationSet,
    img: Image.Image,
    w: int,
    h: int,
    horizon: float,
    reading: Reading,
    sky: list[str],
    time: str,
    weather: str,
    rng: np.random.Generator,
) -> None:
    m = min(w, h)
    setting = reading.setting or "open"
    night = time == "night"
    depth = 0.55 if night else (0.5 if weather in ("rain", "storm", "fog") else 0.3)
    haze = sky[-1] if not night else "#1a2150"
    draw = ImageDraw.Draw(img)
    # backdrop row on the horizon, far things small and hazy
    row = [(n, s) for n, s in _BACKDROP.get(setting, []) if n in lib]
    if reading.landmark and reading.landmark in lib:
        # the named city's landmark stands far off, taller than the street, hazier than it
        size = m * 0.62
        x = w * (0.78 if rng.uniform() < 0.5 else 0.22)
        _paste(
            img,
            lib,
            Placed(
                reading.landmark,
                x,
                horizon + size * 0.02,
                size,
                tint_fills(lib, reading.landmark, haze, min(0.75, depth + 0.3)),
                False,
            ),
        )
    if setting == "market":
        _stalls(lib, img, w, h, horizon, haze, depth * 0.5, rng)
    if row:
        span = w / len(row)
        for i, (name, rel) in enumerate(row):
            size = m * rel
            x = span * (i + 0.5) + float(rng.uniform(-0.15, 0.15)) * span
            _paste(
                img,
                lib,
                Placed(name, x, horizon + size * 0.04, size, tint_fills(lib, name, haze, depth), False),
            )
    if setting == "sea":
        water_top, water_bottom = mix("#4f9bd6", sky[-1], 0.25), "#1f5f99"
        if night:
            water_top, water_bottom = mix(water_top, "#0b1030", 0.6), mix(water_bottom, "#0b1030", 0.6)
        water = linear_gradient(w, max(1, int(h - horizon)), [water_top, water_bottom], 90)
        img.paste(water, (0, int(horizon)))
        for k in range(9):
            y = horizon + (h - horizon) * (k + 1) / 10
            x0 = float(rng.uniform(0, w * 0.6))
            draw.line(
                (x0, y, x0 + w * float(rng.uniform(0.1, 0.3)), y),
                fill=hex_rgba(mix(water_top, "#ffffff", 0.35)),
                width=max(1, m // 300),
            )
        if reading.surface == "planks":
            _planks(img, w, h, h * 0.78, night)
        else:
            sand = _GROUND["sea"] if not night else mix(_GROUND["sea"], "#0b1030", 0.6)
            draw.polygon([(0, h * 0.8), (w, h * 0.86), (w, h), (0, h)], fill=hex_rgba(sand))
        return
    ground = _GROUND["snow"] if weather == "snow" else _GROUND.get(setting, _GROUND["open"])
    if night:
        ground = mix(ground, "#0b1030", 0.6)
    elif weather in ("rain", "storm", "fog"):
        ground = mix(ground, "#6b7280", 0.35)
    field_img = linear_gradient(w, max(1, int(h - horizon)), [mix(ground, haze, 0.25), ground], 90)
    img.paste(field_img, (0, int(horizon)))
    if setting == "city" and {"roof", "roofs", "rooftop", "rooftops"} & set(reading.words):
        _roofs(img, w, h, h * 0.74, night, rng)
    elif setting == "city":
        # a kerb between the street and the pavement
        draw.rectangle((0, h * 0.74, w, h * 0.75), fill=hex_rgba(mix(ground, "#ffffff", 0.25)))


def _roofs(img: Image.Image, w: int, h: int, top: float, night: bool, rng: np.random.Generator) -> None:
    """The roofs the subject walks on: overlapping terracotta gables with tile courses and chimneys."""
    draw = ImageDraw.Draw(img)
    tile = "#b5533c" if not night else mix("#b5533c", "#0b1030", 0.55)
    x = -w * 0.05
    while x < w:
        span = w * float(rng.uniform(0.3, 0.45))
        peak = top + h * float(rng.uniform(-0.03, 0.02))
        shade = mix(tile, "#000000", float(rng.uniform(0.0, 0.15)))
        # a chimney behind the slope
        cx = x + span * float(rng.uniform(0.25, 0.7))
        draw.rectangle(
            (cx, peak - h * 0.06, cx + w * 0.035, peak + h * 0.04), fill=hex_rgba(mix(shade, "#4a2a22", 0.5))
        )
        poly = [(x, h), (x + span * 0.12, peak), (x + span * 0.88, peak), (x + span, h)]
        draw.polygon(poly, fill=hex_rgba(shade))
        line = hex_rgba(mix(shade, "#000000", 0.25))
        y = peak + h * 0.035
        while y < h:
            draw.line((x, y, x + span, y), fill=line, width=max(1, h // 300))
            y += h * 0.035
        draw.line(
            (x + span * 0.12, peak, x + span * 0.88, peak),
            fill=hex_rgba(mix(shade, "#000000", 0.35)),
            width=max(2, h // 120),
        )
        x += span * 0.85


def _planks(img: Image.Image, w: int, h: int, top: float, night: bool) -> None:
    wood = "#9b6b43" if not night else mix("#9b6b43", "#0b1030", 0.55)
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, top, w, h), fill=hex_rgba(wood))
    draw.rectangle((0, top, w, top + max(2, h * 0.012)), fill=hex_rgba(mix(wood, "#000000", 0.3)))
    n = 9
    for i in range(n + 1):
        x_top = w * i / n
        x_bot = w / 2 + (x_top - w / 2) * 1.5
        draw.line((x_top, top, x_bot, h), fill=hex_rgba(mix(wood, "#000000", 0.25)), width=max(1, w // 400))


def _stalls(
    lib: IllustrationSet,
    img: Image.Image,
    w: int,
    h: int,
    horizon: float,
    haze: str,
    depth: float,
    rng: np.random.Generator,
) -> None:
    """A row of market stalls on the horizon: posts, a counter with wares on it, a striped awning with a
    scalloped edge; a little hazy, like the rest of the backdrop."""
    m = min(w, h)
    n = max(3, round(w / (m * 0.42)))
    slot = w / n
    sw, sh = slot * 0.9, min(m * 0.34, horizon * 0.62)
    wares = [name for name in _WARES if name in lib]
    draw = ImageDraw.Draw(img)
    start = int(rng.integers(0, len(_AWNINGS)))
    for i in range(n):
        x0 = slot * i + (slot - sw) / 2
        x1, top = x0 + sw, horizon - sh
        wood = hex_rgba(mix("#8a5a3c", haze, depth))
        post = max(2, round(sw * 0.04))
        for px in (x0 + post, x1 - post * 2):
            draw.rectangle((px, top, px + post, horizon), fill=wood)
        # the counter, and its wares on top
        counter_top = horizon - sh * 0.34
        draw.rectangle((x0, counter_top, x1, horizon), fill=hex_rgba(mix("#a8734c", haze, depth)))
        draw.rectangle((x0, counter_top, x1, counter_top + sh * 0.05), fill=wood)
        if wares:
            size = sw * 0.26
            for j in range(3):
                name = wares[(i * 2 + j) % len(wares)]
                cx = x0 + sw * (0.2 + 0.3 * j)
                _paste(
                    img,
                    lib,
                    Placed(
                        name, cx, counter_top + size * 0.12, size, tint_fills(lib, name, haze, depth), False
                    ),
                )
        # the awning: stripes of the stall's colour and white, scalloped along the bottom
        color = mix(_AWNINGS[(start + i) % len(_AWNINGS)], haze, depth)
        ah = sh * 0.28
        stripes = 6
        stripe_w = sw * 1.06 / stripes
        ax0 = x0 - sw * 0.03
        for k in range(stripes):
            fill = hex_rgba(color if k % 2 == 0 else mix("#ffffff", haze, depth))
            sx0 = ax0 + k * stripe_w
            draw.rectangle((sx0, top - ah, sx0 + stripe_w, top), fill=fill)
            r = stripe_w / 2
            draw.pieslice((sx0, top - r, sx0 + stripe_w, top + r), 0, 180, fill=fill)
    draw.line((0, horizon, w, horizon), fill=hex_rgba(mix("#6b5a4c", haze, depth)), width=max(1, h // 300))


def _window(img: Image.Image, w: int, h: int, sill: float, sky: list[str], rng: np.random.Generator) -> None:
    """A window in the back wall, above the table: the sky outside, a wooden frame with a cross bar."""
    ww, wh = w * 0.3, sill * 0.62
    x0 = w * (0.62 if rng.uniform() < 0.5 else 0.08)
    y0 = sill * 0.16
    pane = linear_gradient(max(1, int(ww)), max(1, int(wh)), sky, 90)
    img.paste(pane, (int(x0), int(y0)))
    draw = ImageDraw.Draw(img)
    frame = hex_rgba("#7a5234")
    bar = max(3, round(min(w, h) * 0.014))
    draw.rectangle((x0, y0, x0 + ww, y0 + wh), outline=frame, width=bar * 2)
    draw.rectangle((x0 + ww / 2 - bar / 2, y0, x0 + ww / 2 + bar / 2, y0 + wh), fill=frame)
    draw.rectangle((x0, y0 + wh * 0.45 - bar / 2, x0 + ww, y0 + wh * 0.45 + bar / 2), fill=frame)
    draw.rectangle((x0 - bar, y0 + wh, x0 + ww + bar, y0 + wh + bar * 1.5), fill=hex_rgba("#5e3e27"))


def _surface(
    img: Image.Image, w: int, h: int, top: float, surface: str, colors: SceneColors, rng: np.random.Generator
) -> None:
    base = {"linen": "#eadcc6", "marble": "#eceae6", "table": "#c89b6d"}.get(surface, "#c89b6d")
    base = mix(base, colors.accent, 0.08)
    th = max(1, int(h - top))
    if surface == "linen":
        fine = 0.5 * rng.random((1, w)).astype(np.float32) + 0.5 * rng.random((th, 1)).astype(np.float32)
        arr = rgb_array(base)[None, None, :] * (0.93 + 0.09 * fine[..., None])
        v = np.linspace(0.96, 1.04, th, dtype=np.float32)[:, None, None]
        layer = to_image(arr * v)
    else:
        layer = linear_gradient(w, th, [mix(base, "#ffffff", 0.1), mix(base, "#000000", 0.08)], 90)
    img.paste(layer, (0, int(top)))
    ImageDraw.Draw(img).line(
        (0, top, w, top), fill=hex_rgba(mix(base, "#000000", 0.12)), width=max(1, h // 300)
    )


def _stars(img: Image.Image, w: int, h: int, bottom: float, rng: np.random.Generator, density: float) -> None:
    draw = ImageDraw.Draw(img)
    count = int(w * bottom / 4000 * density)
    for _ in range(count):
        x, y = float(rng.uniform(0, w)), float(rng.uniform(0, bottom * 0.92))
        r = float(rng.choice([0.6, 0.9, 1.4])) * max(1.0, min(w, h) / 700)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 250, 230, int(rng.uniform(120, 255))))


def _glow(img: Image.Image, x: float, y: float, r: float, color: str) -> None:
    soft_blob(img, (x - r, y - r, x + r, y + r), r * 0.45, color, 115)


def _weather(img: Image.Image, w: int, h: int, weather: str, rng: np.random.Generator) -> None:
    m = min(w, h)
    if weather in ("rain", "storm"):
        layer = Image.new("RGBA", img.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(layer)
        for _ in range(int(w * h / 2500)):
            x, y = float(rng.uniform(-0.1 * w, w)), float(rng.uniform(0, h))
            length = m * float(rng.uniform(0.025, 0.05))
            draw.line(
                (x, y, x + length * 0.25, y + length), fill=(225, 235, 250, 120), width=max(1, m // 500)
            )
        img.paste(layer, (0, 0), layer)
    elif weather == "snow":
        layer = Image.new("RGBA", img.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(layer)
        for _ in range(int(w * h / 3000)):
            x, y = float(rng.uniform(0, w)), float(rng.uniform(0, h))
            r = m * float(rng.uniform(0.002, 0.006))
            draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 255, 255, 220))
        img.paste(layer, (0, 0), layer)
    elif weather == "fog":
        t = np.linspace(0.15, 0.55, h, dtype=np.float32)[:, None]
        alpha = Image.fromarray((np.broadcast_to(t, (h, w)) * 255).astype(np.uint8), "L")
        img.paste(Image.new("RGB", img.size, (228, 231, 235)), (0, 0), alpha)


# -- things -------------------------------------------------------------------------------------------------
def _fills_for(lib: IllustrationSet, thing: Thing, colors: SceneColors, is_subject: bool) -> dict[str, str]:
    """The fill map for a thing: the colours said of it; the subject also takes the colours said of the
    whole picture ("red and gold, lanterns"), in the order the brief named them."""
    person = lib.categories.get(thing.name) == _PEOPLE
    if not colors.values:
        targets = list(colors.named) if is_subject else []
    elif is_subject:
        targets = [v for c, v in colors.values.items() if c in thing.colors or v in colors.named]
    else:
        targets = [colors.values[c] for c in thing.colors if c in colors.values]
    return recolor_fills(lib, thing.name, targets, person=person) if targets else {}


def _place(
    lib: IllustrationSet,
    things: list[Thing],
    reading: Reading,
    colors: SceneColors,
    w: int,
    h: int,
    base_y: float,
    kind: str,
    rng: np.random.Generator,
) -> list[Placed]:
    """Where each drawing goes. The seed (another variant, another take) moves the camera a little: the
    subject's place and size vary by up to a tenth, never its drawing or colours."""
    if not things:
        return []
    m = min(w, h)
    shift, zoom = float(rng.uniform(-0.12, 0.12)), float(rng.uniform(0.82, 1.1))
    subject, props = things[0], things[1:5]
    product = subject.name.startswith("product-")
    if product:
        # a product shot: the product centred and large (a label the layout sets on it lands on its body),
        # one of it however the brief counts it ("earbuds" are one product)
        shift, zoom = 0.0, 1.0
        subject = replace(subject, plural=False)
    chase = bool({"chases", "chasing", "chase", "pursues", "follows"} & set(reading.words)) and props
    float_all = kind == "space"
    sub_size = m * (0.5 if kind != "studio" else 0.56)
    if kind == "outdoor":
        sub_size = min(sub_size, (base_y - h * 0.12) * 0.85)
    if product and not float_all:
        sub_size = min(m * 0.9, (base_y - h * 0.08) * 0.95, h * 0.74)
    sub_size *= zoom
    placed: list[Placed] = []
    ground_props = [p for p in props if p.name not in SKY_THINGS and p.name not in HANGING_THINGS]
    sky_props = [p for p in props if p.name in SKY_THINGS or p.name in HANGING_THINGS]

    def fills(t: Thing, is_subject: bool) -> dict[str, str]:
        return _fills_for(lib, t, colors, is_subject)

    hanging = subject.name in HANGING_THINGS
    copies = 5 if subject.plural and hanging else (3 if subject.plural else 1)
    if hanging:
        sub_size = m * (0.3 if copies > 1 else 0.46) * zoom
        for i in range(copies):
            x = w * ((0.1 + 0.8 * i / (copies - 1)) if copies > 1 else 0.5 + shift)
            drop = h * (0.08 + 0.36 * ((i * 3 + 1) % 5) / 4) if copies > 1 else h * 0.16
            placed.append(
                Placed(
                    subject.name, x, drop, sub_size * (1 - 0.12 * (i % 2)), fills(subject, True), False, True
                )
            )
    else:
        # drawings face left (the emoji convention): a chaser runs leftward after what it chases, and
        # props stand on the side the subject faces
        group_and_row = subject.plural and any(t.plural for t in ground_props)
        if chase:
            sx = w * (0.68 + shift * 0.5)
        elif ground_props and not group_and_row:
            sx = w * (0.6 + shift * 0.5)
        else:
            sx = w * (0.5 + shift)
        sy = base_y if not float_all else h * 0.5 + sub_size * 0.5
        if copies == 1:
            placed.append(Placed(subject.name, sx, sy, sub_size, fills(subject, True), not float_all))
        else:
            sub_size *= 0.62
            for i, dx in enumerate((-0.62, 0.62, 0.0)):
                k = 0.86 if i < 2 else 1.0
                placed.append(
                    Placed(
                        subject.name,
                        sx + dx * sub_size,
                        sy - (0.06 * h if i < 2 else 0),
                        sub_size * k,
                        fills(subject, True),
                        not float_all,
                    )
                )
        for name, worded in subject.carried[:1]:
            if name in lib:
                # worn on the figure's back: strapped on when the figure is drawn (see _strapped)
                carried = replace(subject, name=name, colors=worded, carried=())
                bag = (name, fills(carried, False))
                for p in placed:
                    if p.name == subject.name:
                        p.carried = bag
        if subject.attribute and subject.attribute in lib:
            placed.append(
                Placed(
                    subject.attribute,
                    sx - sub_size * 0.3,
                    sy - sub_size * 0.26,
                    sub_size * 0.45,
                    shadow=False,
                    front=True,
                )
            )
    # ground props: ahead of the subject (a chase: the chased one, running away), then beside it
    slots = [0.24, 0.88, 0.1] if not hanging else [0.3, 0.7, 0.5]
    front_row = subject.plural and not hanging and any(t.plural for t in ground_props)
    if front_row:
        # a group and a plural prop (marigolds and lamps): the group stands back, the props make a row
        # in front of it across the picture
        back = h * 0.16
        for p in placed:
            p.y -= back
        t = next(t for t in ground_props if t.plural)
        ground_props = [g for g in ground_props if g is not t]
        n = 5
        size = min(m * 0.2, w * 0.9 / n)
        for j in range(n):
            x = w * (0.5 + (j - (n - 1) / 2) * 0.9 / n)
            placed.append(Placed(t.name, x, base_y + h * 0.04, size, fills(t, False)))
    for i, t in enumerate(ground_props[:3]):
        animal = lib.categories.get(t.name) in (_ANIMALS, _PEOPLE)
        size = sub_size * (0.55 if animal else 0.42)
        if hanging:
            size = m * 0.3
        x = w * slots[i]
        n = 3 if t.plural else 1
        for j in range(n):
            k = 1.0 if n == 1 else 0.8
            offset = (j - (n - 1) / 2) * size * 0.75
            y = (base_y if not float_all else h * 0.5) + (size * 0.04 * (j % 2) if n > 1 else 0)
            placed.append(Placed(t.name, x + offset, y, size * k, fills(t, False), not float_all))
    for i, t in enumerate(sky_props[:2]):
        size = m * 0.2
        if t.name in HANGING_THINGS:
            placed.append(Placed(t.name, w * (0.2 + 0.6 * i), h * 0.06, size, fills(t, False), False, True))
        else:
            placed.append(
                Placed(t.name, w * (0.22 + 0.56 * i), h * 0.18 + size, size, fills(t, False), False)
            )
    # bigger things behind smaller ones, hanging things behind everything
    placed.sort(key=lambda p: (p.front, not p.hanging, p.y if not p.hanging else 0))
    return [_inside(p, w, h) for p in placed]


def _inside(p: Placed, w: int, h: int) -> Placed:
    """The drawing moved (and if need be shrunk) so that it lies wholly on the canvas."""
    size = min(p.size, w * 0.98, h * 0.98)
    x = min(max(p.x, size / 2), w - size / 2)
    y = min(max(p.y, 0.0), h - size) if p.hanging else min(max(p.y, size), float(h))
    return replace(p, x=x, y=y, size=size)


def _box(p: Placed) -> tuple[int, int, int]:
    size = snap(p.size)  # a cached raster size, never larger than asked
    x = round(p.x - size / 2)
    y = round(p.y) if p.hanging else round(p.y - size)
    return x, y, size


def _paste(img: Image.Image, lib: IllustrationSet, p: Placed) -> None:
    x, y, size = _box(p)
    drawing = rasterize(lib, p.name, size, p.fills or None)
    if p.hanging:
        draw = ImageDraw.Draw(img)
        cx = x + size / 2
        draw.line((cx, 0, cx, y + size * 0.08), fill=(60, 50, 50, 255), width=max(1, size // 90))
    img.paste(drawing, (x, y), drawing)


def _torso(alpha: np.ndarray) -> tuple[float, float, float, float, float] | None:
    """(left, right, top, bottom, centre) of a figure's torso in its raster: in the rows a quarter to a
    half down from the top of the head, the run of ink through the head's centre line; the narrower rows
    count (a swinging arm joined at the shoulder widens a few rows, not the body)."""
    solid = alpha > 128
    rows = np.nonzero(solid.any(axis=1))[0]
    if len(rows) < 8:
        return None
    top, bottom = int(rows[0]), int(rows[-1])
    head = solid[top : top + max(1, round((bottom - top) * 0.14))]
    head_cols = np.nonzero(head.any(axis=0))[0]
    axis = int((head_cols[0] + head_cols[-1]) // 2)
    t0, t1 = top + round((bottom - top) * 0.26), top + round((bottom - top) * 0.52)
    lefts, rights = [], []
    for y in range(t0, t1 + 1):
        row = solid[y]
        if not row[axis]:
            continue
        gaps_left = np.nonzero(~row[:axis])[0]
        gaps_right = np.nonzero(~row[axis:])[0]
        lefts.append(int(gaps_left[-1]) + 1 if len(gaps_left) else 0)
        rights.append(axis + int(gaps_right[0]) - 1 if len(gaps_right) else len(row) - 1)
    if len(lefts) < 3:
        return None
    left, right = float(np.percentile(lefts, 70)), float(np.percentile(rights, 30))
    return left, right, float(t0), float(t1), float(axis)


def _strapped(img: Image.Image, lib: IllustrationSet, p: Placed) -> None:
    """A figure with what it carries on its back: the bag behind the torso (showing past the back of a
    side-on figure, past both shoulders of one facing us), the figure, then the straps over its
    shoulders. Drawings of people face left (the emoji convention) unless they stand facing us, so the
    back is on the right in every frame."""
    assert p.carried is not None
    name, bag_fills = p.carried
    x, y, size = _box(p)
    figure = rasterize(lib, p.name, size, p.fills or None)
    torso = _torso(np.asarray(figure.getchannel("A")))
    if torso is None:
        _paste(img, lib, p)
        return
    left, right, top, bottom, centre = torso
    tw, th = max(1.0, right - left), max(1.0, bottom - top)
    facing_us = p.name.endswith("-standing")
    # a bag about as tall as the torso; one seen from the front is a little wider than the shoulders
    bag_size = snap(max(8.0, (tw * 1.55) if facing_us else th * 1.4))
    bag = rasterize(lib, name, bag_size, bag_fills or None)
    ink = bag.getchannel("A").getbbox() or (0, 0, bag_size, bag_size)
    ink_cx, ink_cy = (ink[0] + ink[2]) / 2, (ink[1] + ink[3]) / 2
    if facing_us:
        bx, by = x + centre, y + top + th * 0.18  # its top shows over the shoulders
    else:
        # its front against the back of the torso, a third of it hidden behind the body
        bx, by = x + right + (ink[2] - ink[0]) * 0.2, y + top + th * 0.45
    img.paste(bag, (round(bx - ink_cx), round(by - ink_cy)), bag)
    img.paste(figure, (x, y), figure)
    strap = _strap_color(bag)
    width = max(2, round(tw * 0.12))
    draw = ImageDraw.Draw(img)
    if facing_us:
        for side in (-1, 1):
            sxp = x + centre + side * tw * 0.28
            draw.line((sxp, y + top - th * 0.02, sxp, y + top + th * 0.62), fill=strap, width=width)
    else:
        # over the shoulder and down the chest to the armpit
        draw.line(
            (x + right - tw * 0.25, y + top, x + centre - tw * 0.05, y + top + th * 0.55),
            fill=strap,
            width=width,
        )


def _strap_color(bag: Image.Image) -> tuple[int, int, int, int]:
    """The bag's main colour, darkened: the straps read as part of it."""
    arr = np.asarray(bag.convert("RGBA")).reshape(-1, 4)
    solid = arr[arr[:, 3] > 200][:, :3]
    if len(solid) == 0:
        return (60, 50, 50, 255)
    r, g, b = (int(v * 0.62) for v in np.median(solid, axis=0))
    return (r, g, b, 255)


def _shadow(img: Image.Image, lib: IllustrationSet, p: Placed) -> None:
    """A soft contact shadow as wide as the drawing's own feet (its ink's bottom edge), under it."""
    if p.hanging:
        return
    x, y, size = _box(p)
    ink = rasterize(lib, p.name, size, p.fills or None).getchannel("A").getbbox()
    if ink is None:
        return
    left, _, right, low = ink
    bottom = y + low - size * 0.02
    rx, ry = max(size * 0.12, (right - left) * 0.55), size * 0.045
    cx = x + (left + right) / 2
    soft_blob(img, (cx - rx, bottom - ry, cx + rx, bottom + ry), max(1.0, size * 0.03), "#14121e", 90)


def _badge(img: Image.Image, p: Placed, colors: SceneColors) -> None:
    x, y, size = _box(p)
    cx, cy = x + size / 2, y + size / 2
    r = size * 0.62
    draw = ImageDraw.Draw(img)
    disc = mix(colors.accent, "#ffffff", 0.55)
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=hex_rgba(disc))
    ring = max(2, round(size * 0.03))
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=hex_rgba(colors.accent), width=ring)


def _speed_lines(img: Image.Image, p: Placed, rng: np.random.Generator) -> None:
    x, y, size = _box(p)
    layer = Image.new("RGBA", img.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for i in range(3):
        ly = y + size * (0.4 + 0.17 * i)
        length = size * float(rng.uniform(0.16, 0.28))
        x1 = x + size * 0.98  # behind a left-facing drawing
        draw.line((x1, ly, x1 + length, ly), fill=(255, 255, 255, 190), width=max(2, round(size * 0.018)))
    img.paste(layer, (0, 0), layer)
