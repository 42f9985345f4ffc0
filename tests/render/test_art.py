"""Procedural art: abstract and editorial art for picture areas that name no thing, manga ink, variants.

The illustrated pictures (things the words name) are tested in test_illustrations.py."""

from __future__ import annotations

import hashlib

import numpy as np
from PIL import Image

from imagegen.engines.planning.plan import Box, Brief, Canvas, ImageNode, Plan, Theme
from imagegen.engines.planning.render import render
from imagegen.engines.planning.render.procedural import draw_style, image_art

COURIER = "eight storyboard frames of the same courier character with a yellow backpack"
DETECTIVE = "young female detective with short black hair, trench coat."


def _sha(img: Image.Image) -> str:
    return hashlib.sha256(img.tobytes()).hexdigest()


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


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


def test_manga_panels_stay_black_and_white() -> None:
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
