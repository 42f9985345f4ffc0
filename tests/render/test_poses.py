"""Sequential art acts out its beats (render/illustrations/poses.py): a beat's words become a pose and a
shot, held props sit at the figure's hand, a flat tire is a bike and a kneeling rider (no loose wheel),
a comic's panels differ in shot and pose, and a seed renders the same pixels."""

from __future__ import annotations

import hashlib
import math
from dataclasses import replace

import numpy as np
from PIL import Image

from imagegen.engines.planning.plan import Box, Brief, Canvas, ImageNode, Plan
from imagegen.engines.planning.planner import compile_prompt
from imagegen.engines.planning.render.illustrations.illustrate import pose_for, reading_for
from imagegen.engines.planning.render.illustrations.index import index
from imagegen.engines.planning.render.illustrations.poses import (
    Pose,
    _mouth,
    beat_words,
    read_pose,
    restage,
)
from imagegen.engines.planning.render.illustrations.raster import rasterize
from imagegen.engines.planning.render.illustrations.scene import SceneColors, _Act, _place, compose_scene
from imagegen.engines.planning.render.illustrations.words import read_brief

COLORS = SceneColors(background="#f4f1ea", surface="#ffffff", accent="#d0543c")
STORY = "A storyboard of a cyclist: dawn, rain, flat tire, coast"


def _pose(text: str) -> Pose:
    return read_pose(beat_words(text))


def _act(brief: str, pose: Pose, w: int = 480, h: int = 480, figure: str | None = None) -> _Act:
    idx = index()
    reading = read_brief(brief, idx)
    if figure is not None:  # one of the character's pose drawings (as a story take picks it)
        reading.things[0] = replace(reading.things[0], name=figure)
    reading = restage(reading, pose, idx.lib)
    things = [t for t in reading.things if t.name in idx.lib]
    if pose.river or reading.setting:
        kind, base = "outdoor", h * 0.9
    else:
        kind, base = "studio", h * 0.84
    placed = _place(idx.lib, things, reading, COLORS, w, h, base, kind, np.random.default_rng(3))
    act = _Act.stage(idx.lib, placed, things, pose, w, h)
    assert act is not None
    return act


def test_a_beat_reads_as_a_pose_and_a_shot() -> None:
    assert _pose("a robot wakes up").action == "wake"
    # the last beat wins; a spill before it leaves its puddle
    assert _pose("a robot wakes up, makes coffee, spills it").action == "spill"
    laugh = _pose("a robot wakes up, spills it, laughs")
    assert (laugh.action, laugh.aftermath, laugh.shot) == ("laugh", True, "close")
    assert _pose("flat tire").action == "fix" and _pose("a flat note").action == ""
    river = _pose("detective; Footprints... They lead to the river.")
    assert river.trail and river.river and river.shot == "wide"
    assert _pose("Close-up surprised expression").shot == "close"
    assert _pose("a robot; wide shot").shot == "wide" and _pose("a robot stands").shot == ""


def test_a_held_prop_is_centred_at_the_figure_hand_and_sized_to_it() -> None:
    """A courier's parcel sits at the front hand of a side-on figure, between the hands of one facing
    us, on the ground before a kneeling one; always the same share of the figure's height."""
    shares = []
    for figure in ("person-walking", "person-running", "person-standing", "person-kneeling"):
        act = _act("a courier", Pose(), figure=figure)
        assert act.figure.name == figure, act.figure.name
        (parcel,) = act.held
        assert parcel.name == "package"
        cx, cy = parcel.x, parcel.y - parcel.size / 2
        hands = act.body.hands
        if figure == "person-kneeling":
            assert cx < act.body.left and parcel.y >= act.body.bottom - parcel.size * 0.1  # set down ahead
        else:
            hand = hands[0] if figure != "person-standing" else ((hands[0][0] + hands[1][0]) / 2, hands[0][1])
            assert math.dist((cx, cy), hand) < parcel.size * 0.45, (figure, (cx, cy), hand)
        shares.append(parcel.size / act.body.height)
    assert max(shares) - min(shares) < 0.02


def test_a_handless_figure_holds_its_cup_on_a_stub_arm() -> None:
    act = _act("a robot makes coffee", _pose("a robot makes coffee"))
    (cup,) = act.held
    assert cup.name == "hot-beverage"
    # low at the robot's front side, overlapping its edge
    assert act.body.left - cup.size < cup.x < act.body.left + cup.size * 0.5
    assert act.body.top + act.body.height * 0.5 < cup.y - cup.size / 2 < act.body.bottom + cup.size * 0.2


def test_the_flat_tire_frame_is_a_bike_and_a_kneeling_rider_not_a_loose_wheel() -> None:
    idx = index()
    node = ImageNode(
        id="frame-art", style="character", prompt="A storyboard of a cyclist", box=Box(x=0, y=0, w=384, h=256)
    )
    plan = Plan(
        canvas=Canvas(width=384, height=256),
        nodes=[node],
        brief=Brief(prompt=STORY),
        seed=11,
        variant=2,
        variants=4,
    )
    pose = pose_for(node, plan, idx)
    assert pose.action == "fix"
    staged = restage(reading_for(node, plan, idx), pose, idx.lib)
    names = [t.name for t in staged.things]
    assert names[0] == "person-kneeling" and "bicycle" in names and "wrench" in names
    assert not {"wheel", "tire", "tyre"} & set(names)
    act = _act("a cyclist; flat tire", pose, 384, 256)
    bike = next(p for p in act.placed if p.name == "bicycle")
    # the bike stands on the rider's ground, in front of (left of) the kneeling rider, as big as the rider
    assert bike.y == act.figure.y and bike.x < act.figure.x and bike.size >= act.figure.size
    assert [p.name for p in act.held] == ["wrench"]


def test_a_comic_page_varies_the_shot_and_the_pose_from_panel_to_panel() -> None:
    plan = compile_prompt(
        "A 4-panel comic page: a robot wakes up, makes coffee, spills it, laughs; caption Monday",
        width=1024,
        height=1536,
        seed=20260422,
    )
    prompts = [n.prompt for n in plan.walk() if isinstance(n, ImageNode)]
    assert len(prompts) == 4
    assert "wide shot" in prompts[0] and "close-up" in prompts[3]
    assert "makes coffee" in prompts[2]  # what "spills it" spills
    poses = [_pose(p) for p in prompts]
    assert [p.action for p in poses] == ["wake", "hold", "spill", "laugh"]
    assert [p.shot for p in poses] == ["wide", "", "", "close"]
    heights = [_act(p, pose).body.height for p, pose in zip(prompts, poses, strict=True)]
    assert heights[3] > 2 * heights[0]  # the close-up is more than twice the wide shot
    tilts = {pose.tilt for pose in poses}
    assert len(tilts) >= 3


def _sha(img: Image.Image) -> str:
    return hashlib.sha256(img.tobytes()).hexdigest()


def test_posed_scenes_render_the_same_pixels_for_a_seed() -> None:
    idx = index()
    reading = read_brief("a robot makes coffee", idx)
    spill, hold = _pose("a robot makes coffee, spills it"), _pose("a robot makes coffee")
    a = compose_scene(idx.lib, 320, 320, reading, COLORS, 5, pose=spill)
    b = compose_scene(idx.lib, 320, 320, reading, COLORS, 5, pose=spill)
    c = compose_scene(idx.lib, 320, 320, reading, COLORS, 5, pose=hold)
    assert _sha(a) == _sha(b) and _sha(a) != _sha(c)
    # the spill is on the floor: coffee brown under the robot's feet, none when the cup is held
    brown = np.array([111, 66, 40])

    def coffee_on_floor(img: Image.Image) -> int:
        arr = np.asarray(img.convert("RGB"))[int(320 * 0.7) :].reshape(-1, 3).astype(int)
        return int((np.abs(arr - brown).sum(axis=1) < 90).sum())

    assert coffee_on_floor(a) > 4 * max(1, coffee_on_floor(c))


def test_a_face_laughs_or_gasps_with_its_mouth_redrawn() -> None:
    """The robot has one drawing; a laugh opens its mouth into a grin, a spill into an "o", and nothing
    else on the face changes (its eyes, its visor)."""
    face = rasterize(index().lib, "robot", 128)
    neutral = np.asarray(face).astype(int)
    for kind in ("grin", "o"):
        changed = np.abs(np.asarray(_mouth(face, kind)).astype(int) - neutral).sum(axis=-1) > 0
        ys = np.nonzero(changed.any(axis=1))[0]
        assert len(ys) and ys.min() > 128 * 0.6, kind  # only the lower face
    assert _pose("a robot laughs").mouth == "grin" and _pose("it spills it").mouth == "o"
