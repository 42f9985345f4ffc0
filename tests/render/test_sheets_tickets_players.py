"""Spec sheets show their product, tickets carry the event's art, players have their transport
(docs/gallery.md): the archetypes that were correct but bare, rendered through the real engine."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from PIL import Image

from imagegen.contract.specs import GenerateSpec
from imagegen.engines.base import NullProgress
from imagegen.engines.planning.engine import PlanningEngine
from imagegen.engines.planning.plan import Brief, Canvas, ImageNode, Plan
from imagegen.engines.planning.render.illustrations.illustrate import reading_for
from imagegen.engines.planning.render.illustrations.index import index
from imagegen.engines.planning.verify.codes import decode

SPEC = (
    "Spec sheet titled Arc Floor Lamp, rows: Height: 180 cm; Shade: 40 cm linen; Weight: 4.2 kg; "
    "Bulb: E27 LED; Finish: Brushed brass"
)
TICKET = (
    "Concert ticket titled Northern Lights Live, Saturday 9 May 2027, doors 7:30 pm, Row F Seat 12, "
    "barcode NL2027F12"
)
PLAYER = "Music app screen titled Now Playing with tabs: Home, Search, Library; buttons (Play, Shuffle)"


def _generate(prompt: str, w: int, h: int, seed: int = 7) -> Any:
    spec = GenerateSpec(prompt=prompt, model="gpt-image-2", n=1, width=w, height=h, seed=seed)
    return PlanningEngine().generate(spec, NullProgress()).images[0]


def _walk(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for n in nodes:
        out.append(n)
        out.extend(_walk(n.get("children") or []))
    return out


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["x"] < b["x"] + b["w"]
        and b["x"] < a["x"] + a["w"]
        and a["y"] < b["y"] + b["h"]
        and b["y"] < a["y"] + a["h"]
    )


def _passed(image: Any) -> None:
    report = image.report or {}
    assert report.get("passed"), [c["detail"] for c in report.get("checks", []) if not c["passed"]]


@pytest.mark.parametrize("size", [(768, 1152), (1152, 768)])
def test_a_spec_sheet_pictures_its_product_beside_its_rows(size: tuple[int, int]) -> None:
    image = _generate(SPEC, *size)
    _passed(image)
    nodes = _walk(image.plan["nodes"])
    pictures = [n for n in nodes if n["kind"] == "image" and n["id"].startswith("product-picture")]
    assert len(pictures) == 1
    picture = pictures[0]
    assert picture["prompt"] == "Arc Floor Lamp"
    # the illustrator draws the named product: an arc floor lamp, not the set's oil lamp
    node = ImageNode(**{k: picture[k] for k in ("id", "box", "prompt", "style")})
    plan = Plan(canvas=Canvas(width=size[0], height=size[1]), nodes=[node], brief=Brief(prompt=SPEC), seed=7)
    assert reading_for(node, plan, index()).things[0].name == "product-floor-lamp"
    rows = [n for n in nodes if n["kind"] == "text" and n["role"] == "row"]
    assert [r["text"] for r in rows][:2] == ["Height: 180 cm", "Shade: 40 cm linen"] and len(rows) == 5
    assert not any(_overlap(picture["box"], r["box"]) for r in rows)
    # the name sits on its title band
    title = next(n for n in nodes if n["kind"] == "text" and n["role"] == "title")
    band = next(n for n in nodes if n["id"] == "title-band")
    assert _overlap(title["box"], band["box"]) and band["box"]["y"] < picture["box"]["y"]


def test_a_spec_sheet_without_a_read_title_still_pictures_what_it_names() -> None:
    brief = (
        "Product spec sheet for the Oslo Lounge Chair, rows: Width: 80 cm; Depth: 85 cm; Seat height: 40 cm; "
        "Frame: Solid oak"
    )
    image = _generate(brief, 768, 1152)
    _passed(image)
    nodes = _walk(image.plan["nodes"])
    picture = next(n for n in nodes if n["kind"] == "image" and n["id"] == "product-picture")
    node = ImageNode(**{k: picture[k] for k in ("id", "box", "prompt", "style")})
    plan = Plan(canvas=Canvas(width=768, height=1152), nodes=[node], brief=Brief(prompt=brief), seed=7)
    assert reading_for(node, plan, index()).things[0].name == "chair"
    rows = [n for n in nodes if n["kind"] == "text" and n["role"] == "row"]
    assert len(rows) == 4 and not any(_overlap(picture["box"], r["box"]) for r in rows)


def test_a_label_keeps_its_label_layout() -> None:
    image = _generate(
        'Museum conservation label with rows "Medium: Pigment print", "Year: 2026" and a caption '
        '"Handle with care"',
        768,
        1152,
    )
    assert image.plan["archetype"] == "label"
    assert not any(n["kind"] == "image" for n in _walk(image.plan["nodes"]))


def test_a_ticket_has_its_event_art_band_and_a_stub_code_that_decodes() -> None:
    image = _generate(TICKET, 1152, 768)
    _passed(image)
    nodes = _walk(image.plan["nodes"])
    band = next(n for n in nodes if n["id"] == "art-band")
    assert band["style"] == "aurora"
    title = next(n for n in nodes if n["kind"] == "text" and n["role"] == "title")
    assert title["box"]["y"] >= band["box"]["y"] + band["box"]["h"]
    # the art is drawn (the northern lights: green glow), not left blank
    b = band["box"]
    crop = np.asarray(image.pixels.convert("RGB").crop((b["x"], b["y"], b["x"] + b["w"], b["y"] + b["h"])))
    assert (crop[..., 1].astype(int) - crop[..., 0] > 60).mean() > 0.05
    code = next(n for n in nodes if n["kind"] == "code")
    c = code["box"]
    assert code["quiet_zone"] >= 10 and c["x"] > b["x"] + b["w"]
    assert decode(image.pixels.crop((c["x"], c["y"], c["x"] + c["w"], c["y"] + c["h"])), "code128") == [
        "NL2027F12"
    ]
    seat = next(n for n in nodes if n["kind"] == "text" and n["text"] == "Row F Seat 12")
    assert seat["box"]["x"] > b["x"] + b["w"]  # on the stub, with the code
    assert {"event", "schedule"} <= {n["name"] for n in nodes if n["kind"] == "icon"}


def test_a_concert_ticket_without_a_named_sky_gets_a_stage() -> None:
    image = _generate("Concert ticket titled The Midnight Owls, Friday 3 July 2027, Row B Seat 4", 1152, 768)
    _passed(image)
    band = next(n for n in _walk(image.plan["nodes"]) if n["id"] == "art-band")
    assert band["style"] == "stage"


def test_a_player_has_a_cover_a_progress_bar_and_transport_icons() -> None:
    image = _generate(PLAYER, 768, 1152)
    _passed(image)
    nodes = _walk(image.plan["nodes"])
    transport = ["shuffle", "skip_previous", "play_circle_filled", "skip_next", "repeat"]
    assert [n["name"] for n in nodes if n["kind"] == "icon" and n["name"] in transport] == transport
    ids = {n["id"] for n in nodes}
    assert {"media", "progress-track", "progress", "progress-knob"} <= ids
    cover = next(n for n in nodes if n["id"] == "media")
    track = next(n for n in nodes if n["id"] == "progress-track")
    assert track["box"]["y"] > cover["box"]["y"] + cover["box"]["h"]
    # the brief's buttons are still set, exactly
    assert {n["text"] for n in nodes if n["kind"] == "text" and n["role"] == "button"} == {"Play", "Shuffle"}


def test_a_player_cover_pictures_what_the_brief_names() -> None:
    image = _generate("Podcast player screen titled Now Playing, album art of a lighthouse", 768, 1152)
    cover = next(n for n in _walk(image.plan["nodes"]) if n["id"] == "media")
    assert cover["prompt"] == "a lighthouse" and cover["style"] == "abstract"


@pytest.mark.parametrize("prompt,size", [(TICKET, (1152, 768)), (PLAYER, (768, 1152)), (SPEC, (768, 1152))])
def test_same_seed_same_pixels(prompt: str, size: tuple[int, int]) -> None:
    a: Image.Image = _generate(prompt, *size, seed=21).pixels
    b: Image.Image = _generate(prompt, *size, seed=21).pixels
    assert a.tobytes() == b.tobytes()
