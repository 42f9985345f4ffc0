"""Procedural art: consistent characters, poses, subject art for empty areas, scene variety, products."""

from __future__ import annotations

import hashlib

import numpy as np
from PIL import Image

from imagegen.engines.planning.plan import Box, Brief, Canvas, ImageNode, Plan, Theme
from imagegen.engines.planning.render import render
from imagegen.engines.planning.render.figures import (
    _close,
    character_scene,
    identity_for,
    pose_for,
)
from imagegen.engines.planning.render.procedural import draw_style, image_art

COURIER = "eight storyboard frames of the same courier character with a yellow backpack"
DETECTIVE = "young female detective with short black hair, trench coat."


def _sha(img: Image.Image) -> str:
    return hashlib.sha256(img.tobytes()).hexdigest()


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def test_identity_is_shared_by_every_frame_and_comes_from_the_words() -> None:
    frames = {identity_for(f"{COURIER} (frame {i})", 20260422) for i in range(1, 9)}
    assert len(frames) == 1
    ident = frames.pop()
    assert ident.bag == "#facc15"  # "yellow backpack"
    assert not _close(ident.top, ident.bag)  # the pack reads against the jacket
    det = identity_for(f"{DETECTIVE}; she kneels", 1)
    assert det == identity_for(f"{DETECTIVE}; close-up surprised expression", 1)
    assert det.hair == "#17130f" and det.coat and det.female and det.hair_cut == "bob"
    # the seed (another request) may change what the words leave open
    assert len({identity_for("a courier", s).skin for s in range(12)}) > 1


def test_variants_share_the_character_but_not_the_picture() -> None:
    def plan(variant: int) -> Plan:
        node = ImageNode(
            id="frame-art",
            style="character",
            prompt=f"{COURIER} (frame {variant + 1})",
            box=Box(x=0, y=0, w=384, h=384),
            colors=["#facc15"],
        )
        return Plan(canvas=Canvas(width=384, height=384), nodes=[node], seed=7, variant=variant, variants=4)

    images = [render(plan(v)).image for v in range(4)]
    assert len({_sha(i) for i in images}) == 4
    # same request, same seed -> same pixels
    assert _sha(render(plan(2)).image) == _sha(images[2])
    # the jacket colour of the identity appears in every frame (same outfit everywhere)
    top = identity_for(f"character {COURIER} (frame 1)", 7).top  # image_art prefixes the style
    rgb = np.array([int(top[i : i + 2], 16) for i in (1, 3, 5)])
    for img in images:
        arr = np.asarray(img.convert("RGB")).reshape(-1, 3).astype(int)
        assert (np.abs(arr - rgb).sum(axis=1) < 24).sum() > 20


def test_the_figure_stands_out_from_a_ground_of_another_hue() -> None:
    img = character_scene(320, 320, f"{COURIER} (frame 1)", "frame-art", 3, _rng(1))
    corner = img.getpixel((4, 4))
    hexc = "#{:02x}{:02x}{:02x}".format(*corner[:3])
    assert not _close(hexc, "#facc15")
    arr = np.asarray(img.convert("L"), dtype=np.float32)
    assert arr.min() < 60  # a dark outline around the figure


def test_poses_follow_frame_numbers_and_panel_words() -> None:
    rng = _rng(0)
    frames = [pose_for(f"{COURIER} (frame {i})", "frame-art", rng) for i in range(1, 9)]
    assert len(set(frames)) >= 6
    assert pose_for(f"{DETECTIVE}; close-up surprised expression, speech bubble .", "art", rng) == "closeup"
    assert pose_for(f"{DETECTIVE}; she kneels, speech bubble .", "art-2", rng) == "kneel"
    assert pose_for(f"{DETECTIVE}; speech bubble .", "art-3", rng) == "walk"
    assert pose_for(f"{DETECTIVE}; speech bubble", "art-4", rng) == "stand"


def test_manga_panels_stay_black_and_white_with_distinct_silhouettes() -> None:
    theme = Theme(style="ink", mood="ink")
    pictures = []
    for node_id, panel in (("art", "close-up surprised expression"), ("art-2", "she kneels"), ("art-3", "")):
        node = ImageNode(
            id=node_id, style="character", prompt=f"{DETECTIVE}; {panel}", box=Box(x=0, y=0, w=200, h=160)
        )
        img = image_art(node, theme, 200, 160, 5)
        arr = np.asarray(img.convert("RGB")).astype(int)
        assert np.abs(arr[..., 0] - arr[..., 1]).max() == 0 and np.abs(arr[..., 1] - arr[..., 2]).max() == 0
        pictures.append(_sha(img))
    assert len(set(pictures)) == 3


def test_subjectless_picture_areas_get_art_from_the_brief() -> None:
    theme = Theme()
    node = ImageNode(
        id="illustration",
        style="abstract",
        prompt="",
        box=Box(x=0, y=0, w=240, h=180),
        colors=["#1d4ed8", "#f0f0f0"],
    )
    plain = image_art(node, theme, 240, 180, 3)
    plan = Plan(
        canvas=Canvas(width=240, height=180),
        archetype="infographic",
        brief=Brief(prompt='Infographic: "AI Growth Statistics 2026", sections with icons and bars'),
    )
    data = image_art(node, theme, 240, 180, 3, plan=plan)
    assert _sha(data) != _sha(plain)
    assert _sha(data) == _sha(
        draw_style(
            "data",
            240,
            180,
            list(node.colors),
            theme,
            _seed(3, node.id),
            subject=f"abstract  infographic  {plan.brief.prompt}".lower(),
        )
    )
    cover = ImageNode(
        id="cover-art",
        style="abstract",
        prompt="Magazine cover",
        box=Box(x=0, y=0, w=160, h=260),
        colors=["#b91c1c", "#f0f0f0"],
    )
    art = np.asarray(image_art(cover, theme, 160, 260, 3).convert("L"), dtype=np.float32)
    assert art.std() > 25  # a bold composition, not a soft gradient


def _seed(seed: int, key: str) -> int:
    from imagegen.engines.planning.render.fields import seed_for

    return seed_for(seed, key)


def test_scenes_vary_with_the_words_and_the_seed() -> None:
    theme = Theme()
    colors = ["#b4410f", "#fde6cc"]
    words = (
        "a tea shop poster",
        "a bright market banner",
        "a shop sign with the arabic text",
        "a tokyo cafe storefront",
    )
    shots = [_sha(draw_style("scene", 192, 128, colors, theme, 4, subject=w)) for w in words]
    assert len(set(shots)) == len(words)
    seeds = {
        _sha(draw_style("scene", 192, 128, colors, theme, s, subject="a bright market banner"))
        for s in range(3)
    }
    assert len(seeds) == 3
    assert shots[1] == _sha(draw_style("scene", 192, 128, colors, theme, 4, subject="a bright market banner"))


def test_earbuds_are_drawn_as_buds_and_case_on_a_white_studio() -> None:
    theme = Theme()
    colors = ["#111111", "#c0c4cc"]
    words = "modern wireless earbuds in matte black and silver. clean white studio background"
    img = np.asarray(draw_style("product", 300, 200, colors, theme, 2, subject=words).convert("L"))
    assert img[5, 5] > 180  # the backdrop is the prompt's white studio
    assert (img < 60).sum() > 300  # dark buds
    case_only = np.asarray(
        draw_style(
            "product", 300, 200, colors, theme, 2, subject="charging case. clean white studio background"
        ).convert("L")
    )
    assert (case_only < 60).sum() < (img < 60).sum()
