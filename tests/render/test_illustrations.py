"""Illustrations: the installed set and its licence, the word index, reading briefs, scene composition,
one identity across n frames, and what happens when the library is missing (setup and run time)."""

from __future__ import annotations

import hashlib
import importlib
import logging
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from imagegen.engines.planning.plan import Box, Brief, Canvas, ImageNode, Plan, Theme
from imagegen.engines.planning.render import render
from imagegen.engines.planning.render.illustrations.embed import encoder
from imagegen.engines.planning.render.illustrations.illustrate import frame_beat, illustrate, reading_for
from imagegen.engines.planning.render.illustrations.index import index
from imagegen.engines.planning.render.illustrations.library import (
    ENV_DIR,
    IllustrationsMissingError,
    Licence,
    library,
)
from imagegen.engines.planning.render.illustrations.raster import rasterize
from imagegen.engines.planning.render.illustrations.scene import (
    Placed,
    SceneColors,
    _paste,
    _place,
    _strapped,
    scene_kind,
)
from imagegen.engines.planning.render.illustrations.words import read_brief
from imagegen.engines.planning.render.procedural import image_art

ROOT = Path(__file__).resolve().parents[2]


def _sha(img: Image.Image) -> str:
    return hashlib.sha256(img.tobytes()).hexdigest()


def _node(prompt: str, w: int = 320, h: int = 320, style: str = "abstract", colors: list[str] | None = None):
    return ImageNode(id="art", style=style, prompt=prompt, box=Box(x=0, y=0, w=w, h=h), colors=colors or [])


# -- the set and its licence -------------------------------------------------------------------------------
def test_the_installed_set_names_its_licence_and_the_docs_record_it() -> None:
    lib = library()
    lic = lib.licence
    assert (lic.set_name, lic.spdx, lic.title) == ("fluent-emoji-flat", "MIT", "Fluent Emoji Flat")
    assert lic.author == "Microsoft Corporation" and lic.url.startswith("https://") and lic.version
    assert not lic.attribution_required
    assert Licence("openmoji", "OpenMoji", "CC-BY-SA-4.0", "u", "a", "1").attribution_required
    assert len(lib.names()) > 1000
    assert "earbud" in lib.keywords["headphone"] and "cyclist" in lib.keywords["person-biking"]
    for doc in ("docs/dependencies.md", "docs/rendering.md"):
        text = (ROOT / doc).read_text()
        assert "@iconify-json/fluent-emoji-flat" in text and "MIT" in text and "emojilib" in text, doc


def test_minilm_runs_in_numpy_and_knows_what_is_alike() -> None:
    vecs = encoder().encode(["a cat", "a kitten", "a bicycle"])
    assert vecs.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)
    assert vecs[0] @ vecs[1] > vecs[0] @ vecs[2] + 0.2


# -- nouns -> drawings --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("phrase", "name", "how"),
    [
        ("cat", "cat", "exact"),
        ("mouse", "mouse", "exact"),
        ("compass", "compass", "exact"),
        ("astronaut", "astronaut", "exact"),
        ("lantern", "red-paper-lantern", "exact"),  # the head word of the drawing's name
        ("kitten", "cat", "exact"),  # an emojilib keyword of cat-face, whose whole animal is drawn
        ("cyclist", "person-biking", "exact"),  # keyword
        ("earbud", "headphone", "exact"),  # keyword; the embeddings alone say "ear"
        ("tea", "teapot", "exact"),  # head word of bubble-tea, keyword of teapot: the nearer wins
        ("spaceman", "astronaut", "embedding"),
        ("skyscraper", "tokyo-tower", "embedding"),
    ],
)
def test_a_word_finds_its_drawing(phrase: str, name: str, how: str) -> None:
    m = index().match(phrase)
    assert m is not None and (m.name, m.how) == (name, how)


def test_nonsense_finds_nothing_rather_than_anything() -> None:
    assert index().match("zxqv") is None


@pytest.mark.parametrize(
    ("brief", "things", "setting", "time", "weather"),
    [
        ("A cat detective chases a mouse across rooftops", ["cat", "mouse"], "city", None, None),
        ("A compass rose", ["compass"], None, None, None),  # a compound, not a compass and a rose
        ("Marigolds and lamps", ["blossom", "diya-lamp"], None, None, None),
        ("An astronaut mascot", ["astronaut"], None, None, None),
        ("Red and gold, lanterns", ["red-paper-lantern"], None, None, None),
        ("A fisherman in a yellow raincoat on a rainy pier", ["person-standing"], "sea", None, "rain"),
        ("A matte ceramic water bottle on warm linen", ["product-bottle"], "tabletop", None, None),
        ("teddy bears in a snowy forest at night", ["teddy-bear"], "park", "night", "snow"),
        ('A poster with the headline "Cat Mouse"', [], None, None, None),  # quoted text is not a thing
    ],
)
def test_briefs_are_read_into_things_and_a_setting(brief, things, setting, time, weather) -> None:
    r = read_brief(brief, index())
    assert len(r.things) == len(things), r.things
    for t, want in zip(r.things, things, strict=True):
        assert want is None or t.name == want, (t, want)
    assert (r.setting, r.time, r.weather) == (setting, time, weather)


def test_roles_plurals_and_garments() -> None:
    idx = index()
    cat = read_brief("a cat detective", idx).things
    assert [(t.name, t.attribute) for t in cat] == [("cat", "magnifying-glass-tilted-left")]
    fisher = read_brief("a fisherman in a yellow raincoat", idx).things
    assert [(t.name, t.attribute, t.colors) for t in fisher] == [
        ("person-standing", "fishing-pole", ("yellow",))
    ]
    courier = read_brief("a courier with a yellow backpack", idx).things
    assert [(t.name, t.attribute, t.carried) for t in courier] == [
        ("person-standing", "package", (("backpack", ("yellow",)),))
    ]
    lanterns = read_brief("lanterns", idx).things[0]
    assert lanterns.plural and lanterns.name == "red-paper-lantern"


@pytest.mark.parametrize(
    ("brief", "plural"),
    [
        ("a cat spills coffee", {"cat": False, "coffee": False}),
        ("the baby laughs", {"baby": False}),
        ("A cat chases a mouse", {"cat": False, "mouse": False}),
        ("it spills the milk", {"milk": False}),
        ("a fox runs through the forest", {"fox": False}),
        ("the robot fixes a bicycle and the dog watches", {"robot": False, "bicycle": False, "dog": False}),
        # a comic's panel beats: the first beat's actor, then this panel's verb
        ("a robot wakes up spills it", {"robot": False}),
        ("a robot wakes up laughs", {"robot": False}),
        ("a cat chases rats", {"cat": False, "rat": True}),
        # plurals stay plurals: after a number, a preposition, a modifier, or alone
        ("three red lanterns hang over the street", {"lantern": True}),
        ("a street with paper lanterns", {"lantern": True}),
        ("a cat holds flowers", {"cat": False, "flower": True}),
    ],
)
def test_a_verb_in_s_is_not_read_as_a_plural(brief: str, plural: dict[str, bool]) -> None:
    """An -s word is a verb or a plural by where it stands, not by a list of verbs: "a cat spills coffee"
    is one cat and no spill; "a street with paper lanterns" still has several lanterns."""
    things = read_brief(brief, index()).things
    got = {t.phrase.split()[-1]: t.plural for t in things}
    assert got == plural, (brief, things)


# -- composition -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("size", [(1024, 1024), (1536, 512), (400, 1200), (64, 48)])
@pytest.mark.parametrize(
    "brief",
    [
        "A cat detective chases a mouse across rooftops",
        "Red and gold, lanterns",
        "Marigolds and lamps",
        "a dog, a cat, a horse, a rabbit and a balloon in a park",
    ],
)
def test_every_drawing_lies_on_the_canvas(size: tuple[int, int], brief: str) -> None:
    w, h = size
    idx = index()
    reading = read_brief(brief, idx)
    colors = SceneColors(background="#ffffff", surface="#f0f0f0", accent="#d22371")
    placed = _place(
        idx.lib,
        reading.things,
        reading,
        colors,
        w,
        h,
        h * 0.88,
        scene_kind(reading),
        np.random.default_rng(3),
    )
    assert placed
    for p in placed:
        top = p.y if p.hanging else p.y - p.size
        assert p.x - p.size / 2 >= -0.5 and p.x + p.size / 2 <= w + 0.5, (p, size)
        assert top >= -0.5 and top + p.size <= h + 0.5, (p, size)
    img = illustrate(_node(brief, w, h), Theme(), w, h, 3)
    assert img is not None and img.size == (w, h)


def test_the_subject_is_drawn_big_and_recoloured_to_the_named_palette() -> None:
    img = illustrate(_node("Red and gold, lanterns", colors=["#d62828", "#d4af37"]), Theme(), 320, 320, 1)
    assert img is not None
    arr = np.asarray(img.convert("RGB")).reshape(-1, 3).astype(int)
    for hexc in ("#d62828", "#d4af37"):
        rgb = np.array([int(hexc[i : i + 2], 16) for i in (1, 3, 5)])
        assert (np.abs(arr - rgb).sum(axis=1) < 60).mean() > 0.01, hexc


def test_a_colour_said_of_one_thing_stays_on_it() -> None:
    def share(prompt: str, hexc: str) -> float:
        img = illustrate(_node(prompt, colors=["#facc15"]), Theme(), 320, 320, 1)
        assert img is not None
        arr = np.asarray(img.convert("RGB")).reshape(-1, 3).astype(int)
        rgb = np.array([int(hexc[i : i + 2], 16) for i in (1, 3, 5)])
        return float((np.abs(arr - rgb).sum(axis=1) < 40).mean())

    # the backpack turns yellow (it is red as drawn); the courier's orange shirt stays orange (the bag is
    # worn on the back, partly behind the body: a smaller share than a bag standing beside him)
    assert share("a courier with a yellow backpack", "#facc15") > 0.004
    assert share("a courier with a yellow backpack", "#f8312f") < 0.001
    assert share("a courier with a yellow backpack", "#ff6723") > 0.003
    assert share("a courier with a backpack", "#f8312f") > 0.004


@pytest.mark.parametrize("pose", ["person-walking", "person-running", "person-kneeling", "person-standing"])
def test_a_backpack_is_strapped_to_the_figure_s_back(pose: str) -> None:
    """The bag is drawn on the figure, not beside it: behind the torso (on the right of a figure facing
    left, the set's convention; behind the shoulders of one facing us), with straps over the body."""
    lib = index().lib
    fig = Placed(pose, 200, 390, 320, shadow=False)
    plain = Image.new("RGB", (400, 400), "white")
    _paste(plain, lib, fig)
    worn = Image.new("RGB", (400, 400), "white")
    _strapped(worn, lib, Placed(pose, 200, 390, 320, shadow=False, carried=("backpack", {})))
    changed = np.abs(np.asarray(worn, dtype=int) - np.asarray(plain, dtype=int)).sum(axis=2) > 30
    ink = np.asarray(rasterize(lib, pose, 320).getchannel("A")) > 128
    body = np.zeros((400, 400), dtype=bool)
    body[70:390, 40:360] = ink[:320, :320]
    assert changed.sum() > 300
    xs = np.nonzero(body)[1]
    cxs = np.nonzero(changed)[1]
    width = xs.max() - xs.min()
    # attached: nothing drawn further than a third of the figure's width from its ink
    assert cxs.min() >= xs.min() - width / 3 and cxs.max() <= xs.max() + width / 3, pose
    assert (changed & body).sum() > 20  # straps over the body
    if pose != "person-standing":
        assert cxs.mean() > xs.mean()  # on the back: the right of a figure facing left


def test_a_courier_s_story_faces_one_way_with_the_bag_on_the_back() -> None:
    """The takes of a person tell a story and are never mirrored: the yellow bag is right of the orange
    shirt in every walking and running frame."""
    brief = "Eight storyboard frames of the same courier character with a yellow backpack"
    for variant in (1, 2, 5):  # walking, running, walking
        node = ImageNode(
            id="art", style="character", prompt=brief, colors=["#facc15"], box=Box(x=0, y=0, w=384, h=256)
        )
        plan = Plan(
            canvas=Canvas(width=384, height=256),
            nodes=[node],
            brief=Brief(prompt=brief),
            seed=5,
            variant=variant,
            variants=8,
        )
        img = illustrate(node, Theme(), 384, 256, 5, plan=plan)
        assert img is not None
        arr = np.asarray(img.convert("RGB")).astype(int)[96:]  # below the sun
        centres = []
        for hexc in ("#facc15", "#ff6723"):
            rgb = np.array([int(hexc[i : i + 2], 16) for i in (1, 3, 5)])
            xs = np.nonzero(np.abs(arr - rgb).sum(axis=2) < 40)[1]
            assert len(xs) > 20, (variant, hexc)
            centres.append(float(xs.mean()))
        assert centres[0] > centres[1], variant


def test_a_market_has_stalls_and_a_tea_shop_is_a_room_with_a_window() -> None:
    """Markets and interiors get their own setting, not the default street of houses: stalls with striped
    awnings and wares; a table under a window that shows the sky."""
    idx = index()
    assert read_brief("a bright market banner", idx).setting == "market"
    assert read_brief("a night bazaar with lanterns", idx).setting == "market"
    assert read_brief("A tea shop poster", idx).setting == "room"
    assert read_brief("a cozy teahouse with a teapot", idx).setting == "room"
    assert read_brief("a small cafe storefront in Tokyo", idx).setting == "city"  # a shop front stays outside
    market = illustrate(_node("a market at noon", 480, 320), Theme(), 480, 320, 4)
    assert market is not None
    arr = np.asarray(market.convert("RGB")).astype(int)
    # the awnings' white stripes and coloured ones alternate along a row above the counters
    light = (arr[: int(320 * 0.62)].min(axis=2) > 215).astype(int)
    assert np.abs(np.diff(light, axis=1)).sum(axis=1).max() >= 12
    room = illustrate(_node("a teapot in a tea shop", 400, 400), Theme(), 400, 400, 4)
    assert room is not None
    top = np.asarray(room.convert("RGB"))[: int(400 * 0.6)].reshape(-1, 3).astype(int)
    sky_blue = (top[:, 2] - top[:, 0] > 40).mean()
    assert sky_blue > 0.05  # the window's sky


def test_settings_time_and_weather_change_the_sky() -> None:
    def mean(prompt: str) -> np.ndarray:
        img = illustrate(_node(prompt), Theme(), 256, 256, 2)
        assert img is not None
        return np.asarray(img.convert("RGB"))[:60].reshape(-1, 3).mean(axis=0)

    night, day, rain = mean("a fox at night"), mean("a fox in a meadow"), mean("a fox in the rain")
    assert night.sum() < day.sum() * 0.5  # a dark sky
    assert day[2] > day[0]  # a blue one
    assert np.ptp(rain) < np.ptp(day)  # a grey one


# -- one identity across n frames --------------------------------------------------------------------------
STORY = "A storyboard of a cyclist: dawn, rain, flat tire, coast"


def _frame(variant: int) -> Plan:
    node = ImageNode(
        id="frame-art", style="character", prompt="A storyboard of a cyclist", box=Box(x=0, y=0, w=384, h=256)
    )
    return Plan(
        canvas=Canvas(width=384, height=256),
        nodes=[node],
        brief=Brief(prompt=STORY),
        seed=11,
        variant=variant,
        variants=4,
    )


def test_storyboard_frames_keep_the_character_and_follow_their_beats() -> None:
    assert frame_beat(STORY, 2, 4) == ("A storyboard of a cyclist", "flat tire")
    # a colon list of the page's own content is not a story: every variant pictures the whole brief
    sheet = "Spec sheet titled Arc Floor Lamp, rows: Height: 180 cm; Shade: 40 cm linen; Weight: 4.2 kg"
    assert frame_beat(sheet, 1, 2) == (sheet, "")
    assert frame_beat("Flyer with features: fast, cheap, green", 2, 3)[1] == ""
    idx = index()
    readings = [reading_for(p.nodes[0], p, idx) for p in (_frame(v) for v in range(4))]  # type: ignore[arg-type]
    assert {r.things[0].name for r in readings} == {"person-biking"}
    assert [r.time for r in readings] == ["dawn", None, None, None]
    assert readings[1].weather == "rain" and readings[3].setting == "sea"
    assert "wheel" in [t.name for t in readings[2].things]
    images = [render(_frame(v)).image for v in range(4)]
    assert len({_sha(i) for i in images}) == 4
    assert _sha(render(_frame(1)).image) == _sha(images[1])  # deterministic
    # the same drawing in the same colours in every frame: its helmet blue is on every canvas
    helmet = np.array([0x00, 0xA6, 0xED])
    for img in images:
        arr = np.asarray(img.convert("RGB")).reshape(-1, 3).astype(int)
        assert (np.abs(arr - helmet).sum(axis=1) < 30).sum() > 30


def test_rasterised_drawings_are_cached() -> None:
    lib = library()
    a = rasterize(lib, "cat", 200)
    b = rasterize(lib, "cat", 200)
    assert a is not b and a.tobytes() == b.tobytes() and a.size == (200, 200)
    assert np.asarray(a)[..., 3].max() == 255 and np.asarray(a)[0, 0, 3] == 0


# -- abstract briefs and a missing library -----------------------------------------------------------------
def test_abstract_briefs_keep_the_geometric_art() -> None:
    theme = Theme()
    node = _node("Red and gold", style="geometric", colors=["#d62828", "#d4af37"])
    assert illustrate(node, theme, 160, 120, 1) is None  # nothing drawable named
    assert image_art(node, theme, 160, 120, 1).size == (160, 120)


def test_a_missing_library_falls_back_to_abstract_art_with_a_warning(tmp_path, monkeypatch, caplog) -> None:
    monkeypatch.setenv(ENV_DIR, str(tmp_path))
    module = importlib.import_module("imagegen.engines.planning.render.illustrations.illustrate")
    monkeypatch.setattr(module, "_warned", set())
    with pytest.raises(IllustrationsMissingError, match="run scripts/setup"):
        library()
    node = _node("a cat on a roof")
    with caplog.at_level(logging.WARNING):
        assert illustrate(node, Theme(), 120, 90, 1) is None
        img = image_art(node, Theme(), 120, 90, 1)
    assert img.size == (120, 90)
    assert "illustrations unavailable" in caplog.text


def test_setup_without_npm_stops_with_a_clear_error(tmp_path) -> None:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    for tool in ("bash", "dirname", "cat", "mktemp", "rm", "tail", "tar", "mkdir", "cp"):
        dirs = os.environ["PATH"].split(":")
        found = next((Path(d) / tool for d in dirs if (Path(d) / tool).exists()), None)
        if found is not None:
            (bindir / tool).symlink_to(found)
    proc = subprocess.run(
        [str(bindir / "bash"), str(ROOT / "scripts/install-illustrations"), str(tmp_path / "sets")],
        env={"PATH": str(bindir)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 69
    assert "npm is required" in proc.stderr and "@iconify-json/fluent-emoji-flat" in proc.stderr
    assert not (tmp_path / "sets").exists()
