"""The entry point: transparency, determinism, supersampling, groups and chrome, procedural art, surface."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from PIL import Image

import imagegen.engines.planning.render as render_pkg
from imagegen.engines.planning.plan import (
    Background,
    Box,
    ChartNode,
    CodeNode,
    DataPoint,
    GroupNode,
    IconNode,
    ImageNode,
    ShapeNode,
    TextNode,
    Theme,
)
from imagegen.engines.planning.render import render
from imagegen.engines.planning.render.procedural import STYLES, draw_style


def _poster(text_of) -> list:  # type: ignore[no-untyped-def]
    return [
        ImageNode(
            id="art",
            style="product",
            prompt="glass bottle",
            box=Box(x=0, y=0, w=512, h=300),
            corner_radius=24,
        ),
        text_of(
            "Cold Brew 東京", id="h", size=56, font={"family": "sans", "weight": 800}, box=(24, 320, 464, 80)
        ),
        text_of(
            "Order now",
            id="b",
            plate="#111827",
            color="#ffffff",
            align="center",
            valign="middle",
            box=(24, 420, 200, 60),
        ),
        IconNode(id="i", name="coffee", box=Box(x=420, y=420, w=60, h=60)),
        CodeNode(id="q", symbology="qr", data="https://example.com", box=Box(x=300, y=400, w=110, h=110)),
    ]


def _sha(img: Image.Image) -> str:
    return hashlib.sha256(img.tobytes()).hexdigest()


def test_same_plan_same_pixels(plan_of, text_of) -> None:
    bg = Background(kind="procedural", pattern="bokeh", colors=["#1f2937", "#f59e0b", "#ec4899"])
    plan = plan_of(_poster(text_of), background=bg, seed=42)
    a, b = render(plan), render(plan.model_copy(deep=True))
    assert _sha(a.image) == _sha(b.image)
    # and the seed matters for procedural art
    other = render(plan_of(_poster(text_of), background=bg, seed=43))
    assert _sha(other.image) != _sha(a.image)


def test_supersampled_render_is_canvas_size_with_canvas_geometry(plan_of, text_of) -> None:
    plan = plan_of(_poster(text_of), w=512, h=512)
    one, two = render(plan, scale=1.0), render(plan, scale=2.0)
    frac = render(plan, scale=1.5)
    for r in (one, two, frac):
        assert r.image.size == (512, 512)
        assert r.image.mode == "RGB"
    assert two.scale == 2.0
    b1, b2 = one.texts["h"].lines[0].box, two.texts["h"].lines[0].box
    assert abs(b1.x - b2.x) < 3 and abs(b1.w - b2.w) < 6 and abs(b1.y - b2.y) < 3
    assert abs(one.texts["h"].font_size - two.texts["h"].font_size) < 0.5


def test_transparent_background_has_real_alpha(plan_of, text_of) -> None:
    plan = plan_of(
        [text_of("Logo", size=80, color="#ff0000", box=(100, 200, 312, 112))],
        background=Background(kind="transparent"),
    )
    for scale in (1.0, 1.5, 2.0):
        r = render(plan, scale=scale)
        assert r.image.mode == "RGBA"
        alpha = np.asarray(r.image.getchannel("A"))
        assert alpha[0, 0] == 0 and alpha[-1, -1] == 0
        assert alpha.max() == 255
        # edges are partially transparent (antialiasing) but never darkened: color stays red where visible
        rgb = np.asarray(r.image)[..., :3][alpha > 32]
        assert (rgb[:, 0] > 200).all() and (rgb[:, 1] < 60).all()
        assert r.texts["t"].background_color is not None


def test_groups_chrome_and_clip(plan_of, text_of) -> None:
    theme_nodes = [
        GroupNode(
            id="phone",
            role="phone",
            box=Box(x=106, y=16, w=300, h=480),
            children=[
                text_of("Today", id="title", size=28, font={"weight": 700}, box=(130, 80, 250, 40)),
                ChartNode(
                    id="ring",
                    chart="donut",
                    unit="%",
                    series=[DataPoint(label="Goal", value=72)],
                    box=Box(x=156, y=130, w=200, h=200),
                ),
                GroupNode(
                    id="nav",
                    role="navbar",
                    box=Box(x=118, y=420, w=276, h=60),
                    children=[
                        IconNode(id="home", name="home", box=Box(x=140, y=432, w=36, h=36)),
                        IconNode(id="stats", name="stats", box=Box(x=238, y=432, w=36, h=36)),
                    ],
                ),
                # this child sticks out of the phone: clipping keeps it inside
                ShapeNode(id="big", shape="rect", fill="#ff0000", box=Box(x=380, y=200, w=200, h=40)),
            ],
        ),
    ]
    r = render(plan_of(theme_nodes))
    assert r.nodes["title"].parent_id == "phone"
    assert r.nodes["home"].parent_id == "nav"
    # chrome invents no text: nothing but the plan's own texts (and the chart's) is reported
    assert set(r.texts) == {"title", "ring.value.0"}
    arr = np.asarray(r.image)
    assert tuple(arr[220, 450]) == (255, 255, 255)  # clipped away
    assert r.texts["ring.value.0"].text == "72%"


def test_comic_panels_and_bubbles(plan_of, text_of) -> None:
    nodes = [
        GroupNode(
            id="p1",
            role="panel",
            box=Box(x=10, y=10, w=240, h=240),
            children=[
                ImageNode(id="a1", style="character", box=Box(x=12, y=12, w=236, h=236)),
                ShapeNode(id="b1", shape="bubble", tail=(60, 200), box=Box(x=40, y=30, w=180, h=90)),
                text_of("Hey!", id="t1", size=28, align="center", valign="middle", box=(70, 50, 120, 50)),
            ],
        ),
        GroupNode(id="p2", role="panel", box=Box(x=262, y=10, w=240, h=240)),
    ]
    r = render(plan_of(nodes, background=Background(colors=["#ffffff"])))
    arr = np.asarray(r.image.convert("L"))
    assert arr[10:14, 100].min() < 60  # the panel border is ink
    assert r.nodes["b1"].box.bottom >= 190  # the bubble's painted box includes its tail
    assert r.texts["t1"].background_color is not None
    assert not r.texts["t1"].overflow


@pytest.mark.parametrize("kind", ["solid", "gradient", "radial", "pattern", "procedural"])
def test_background_kinds(plan_of, kind: str) -> None:
    bg = Background(kind=kind, colors=["#0ea5e9", "#1e3a8a"], pattern="waves" if kind == "pattern" else None)
    r = render(plan_of([], w=256, h=128, background=bg))
    assert r.image.size == (256, 128)
    if kind != "solid":
        assert np.asarray(r.image).std() > 2


def test_every_procedural_style_draws_a_non_flat_picture() -> None:
    theme = Theme()
    colors = ["#f5efe6", "#1f2937", "#f59e0b", "#0f766e", "#be123c"]
    for style in sorted(STYLES):
        img = draw_style(style, 96, 64, colors, theme, 7, subject="bottle")
        assert img.size == (96, 64), style
        assert np.asarray(img.convert("RGB")).std() > 1.0, style


def test_reference_and_backend_images_are_fitted(plan_of) -> None:
    ref = Image.new("RGB", (40, 20), (255, 0, 0))
    nodes = [
        ImageNode(id="r", source="reference", reference=0, box=Box(x=0, y=0, w=100, h=100)),
        ImageNode(id="k", source="backend", box=Box(x=200, y=0, w=100, h=100)),
        ImageNode(id="m", source="backend", box=Box(x=300, y=200, w=100, h=100), style="landscape"),
    ]
    r = render(plan_of(nodes), references=[ref], node_images={"k": Image.new("RGB", (10, 10), (0, 0, 255))})
    arr = np.asarray(r.image)
    assert tuple(arr[50, 50]) == (255, 0, 0)
    assert tuple(arr[50, 250]) == (0, 0, 255)
    assert arr[200:300, 300:400].std() > 2  # no backend picture: procedural stand-in


def test_text_in_z_order_over_shapes(plan_of, text_of) -> None:
    nodes = [
        text_of("Top", id="top", z=2, size=60, color="#ffffff", box=(50, 50, 300, 100)),
        ShapeNode(
            id="plate",
            shape="rounded_rect",
            z=1,
            fill="#000000",
            radius=12,
            box=Box(x=40, y=40, w=320, h=120),
        ),
    ]
    r = render(plan_of(nodes))
    assert r.texts["top"].background_color == "#000000"


def test_public_surface_is_pinned() -> None:
    assert sorted(render_pkg.__all__) == sorted(
        [
            "CodeDataError",
            "FontBook",
            "FontFace",
            "FontNotFoundError",
            "ShapingUnavailableError",
            "available_icons",
            "default_fontbook",
            "render",
            "resolve_icon",
            "supersample_for",
            "validate_code",
        ]
    )
    import inspect

    sig = inspect.signature(render)
    assert list(sig.parameters)[:3] == ["plan", "scale", "fonts"]
    assert sig.parameters["scale"].default == 1.0


def test_timings_and_fonts_used_are_reported(plan_of, text_of) -> None:
    r = render(plan_of(_poster(text_of)))
    names = {path.rsplit("/", 1)[-1] for path, _ in r.fonts_used}
    assert {"Inter-ExtraBold.otf", "NotoSansCJK-Bold.ttc", "MaterialIcons-Regular.ttf"} <= names
    assert {"background", "nodes", "downsample", "codes", "total"} <= set(r.timings)
    assert isinstance(TextNode, type)


def test_supersample_recommendation() -> None:
    from imagegen.engines.planning.render import supersample_for

    assert supersample_for(1024, 1024, "medium") == 1.0
    assert supersample_for(1024, 1024, "high") == 2.0
    assert supersample_for(2048, 2048, "high") == 2.0
    assert supersample_for(3840, 2160, "high") == 1.25


def test_tiny_and_degenerate_nodes_render(plan_of) -> None:
    nodes = [
        GroupNode(id="g", role="phone", box=Box(x=0, y=0, w=3, h=3)),
        ChartNode(
            id="c",
            chart="donut",
            series=[DataPoint(label="a", value=1), DataPoint(label="b", value=2)],
            box=Box(x=0, y=0, w=4, h=4),
        ),
        ChartNode(id="e", chart="bar", series=[], box=Box(x=0, y=0, w=100, h=100)),
        ShapeNode(id="s", shape="bubble", box=Box(x=0, y=0, w=0, h=0)),
        IconNode(id="i", name="not_an_icon_at_all", box=Box(x=10, y=10, w=20, h=20)),
    ]
    r = render(plan_of(nodes))
    assert set(r.nodes) >= {"g", "c", "e", "s", "i"}


def test_planner_drawn_phone_frame_is_not_doubled(plan_of) -> None:
    frame = ShapeNode(
        id="bezel",
        shape="phone_frame",
        fill="#1f2329",
        stroke="#8a8f98",
        stroke_width=3,
        radius=40,
        box=Box(x=106, y=16, w=300, h=480),
    )
    group = GroupNode(
        id="phone", role="phone", box=Box(x=106, y=16, w=300, h=480), children=[frame], clip=False
    )
    r = render(plan_of([group]))
    assert r.texts == {}
    arr = np.asarray(r.image)
    # bezel color at the frame's left edge (inside the rim), not a second shadow/bezel offset
    assert tuple(arr[250, 112]) == (0x1F, 0x23, 0x29)


def test_subject_styles_follow_prompt_words_and_vary_by_node() -> None:
    from imagegen.engines.planning.render.procedural import image_art

    theme = Theme()

    def art(node_id: str, style: str, prompt: str) -> Image.Image:
        node = ImageNode(
            id=node_id,
            style=style,
            prompt=prompt,
            box=Box(x=0, y=0, w=120, h=90),
            colors=["#f59e0b", "#f5efe6"],
        )
        return image_art(node, theme, 120, 90, 5)

    # generic style + a subject in the prompt: the subject is drawn, not an empty field
    plain = art("a", "abstract", "")
    for prompt in ("coffee cup", "cafe storefront at dusk", "city street at night", "mountain sunset"):
        assert _sha(art("a", "abstract", prompt)) != _sha(plain), prompt
    for style in ("scene", "food", "character", "storefront", "interior", "skyline"):
        assert np.asarray(art("a", style, "").convert("RGB")).std() > 5, style
    # storyboard frames: same subject, different nodes -> different framing
    assert _sha(art("frame-1", "character", "courier")) != _sha(art("frame-2", "character", "courier"))
    # same node -> same pixels
    assert _sha(art("frame-1", "character", "courier")) == _sha(art("frame-1", "character", "courier"))


def test_variants_get_their_own_procedural_art(plan_of) -> None:
    art = [ImageNode(id="hero", style="bokeh", box=Box(x=0, y=0, w=256, h=256))]
    first = plan_of(art, seed=9)
    second = first.model_copy(update={"variant": 1, "variants": 2})
    assert _sha(render(first).image) != _sha(render(second).image)
    assert _sha(render(second).image) == _sha(render(second.model_copy(deep=True)).image)


def test_same_pixels_across_processes_with_different_hash_seeds(plan_of, text_of, tmp_path) -> None:
    import json
    import os
    import subprocess
    import sys

    bg = Background(kind="procedural", pattern="bokeh", colors=["#1f2937", "#f59e0b", "#ec4899"])
    plan = plan_of(
        [*_poster(text_of), text_of("مرحبا नमस्ते 東京", id="m", size=30, box=(24, 470, 260, 40))],
        background=bg,
        seed=11,
    )
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan.to_json()))
    code = (
        "import hashlib, json, sys\n"
        "from imagegen.engines.planning.plan import Plan\n"
        "from imagegen.engines.planning.render import render\n"
        "p = Plan.from_json(json.loads(open(sys.argv[1]).read()))\n"
        "print(hashlib.sha256(render(p, scale=2).image.tobytes()).hexdigest())\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    assert out.stdout.strip() == _sha(render(plan, scale=2).image)


def test_picture_flush_with_a_rounded_card_takes_its_corners(plan_of) -> None:
    pic = ImageNode(id="p", source="backend", box=Box(x=50, y=50, w=150, h=200))
    card = GroupNode(
        id="card", role="card", radius=30, fill="#ffffff", box=Box(x=50, y=50, w=400, h=200), children=[pic]
    )
    r = render(
        plan_of([card], background=Background(colors=["#000000"])),
        node_images={"p": Image.new("RGB", (8, 8), (255, 0, 0))},
    )
    arr = np.asarray(r.image)
    assert arr[52, 52, 0] < 60  # the corner outside the rounding shows the dark canvas, not red
    assert tuple(arr[150, 120]) == (255, 0, 0)  # the picture itself
    assert arr[52, 440, 0] < 60  # the card's own far corner is round too
