"""Plan-level edits: a new plan, re-rendered, and only the damage region differs from the input."""

from __future__ import annotations

import numpy as np
import pytest
import zxingcpp

from imagegen.engines.base import NullProgress
from imagegen.engines.planning.edits import apply_edit
from imagegen.engines.planning.plan import Plan


def _plan_edit(make_spec, poster, prompt: str, **kw):
    plan, image = poster
    [out] = apply_edit(make_spec(prompt, image, plan=plan.to_json(), **kw), NullProgress(), engine=None)
    return plan, image, out


def _changed(a, b) -> np.ndarray:
    return (np.asarray(a.convert("RGB")) != np.asarray(b.convert("RGB"))).any(axis=2)


def _assert_only_damage_changed(image, out) -> np.ndarray:
    damage = np.asarray(out.editable_region) == 255
    changed = _changed(image, out.pixels)
    assert changed.any()
    assert not (changed & ~damage).any(), "pixels outside the damage region changed"
    assert np.array_equal(np.asarray(out.pixels)[~damage], np.asarray(image)[~damage])
    assert out.extra["unmasked_sha256_before"] == out.extra["unmasked_sha256_after"]
    return damage


def test_change_headline_touches_only_the_headline(make_spec, poster) -> None:
    plan, image, out = _plan_edit(make_spec, poster, 'change the headline to "Autumn Jazz Night"')
    damage = _assert_only_damage_changed(image, out)
    new = Plan.from_json(out.plan)
    assert new.find("headline").text == "Autumn Jazz Night"
    assert out.extra["touched_nodes"] == ["headline"]
    # The damage stays around the headline: the art, price and QR code keep their pixels.
    head = plan.find("headline").box
    rows = np.nonzero(damage.any(axis=1))[0]
    assert rows.min() >= head.y - 8 and rows.max() <= head.bottom + 8
    ocr = [c for c in out.report["checks"] if c["kind"] == "ocr" and c["node_id"] == "headline"]
    assert ocr and ocr[0]["passed"], ocr


def test_replace_and_price(make_spec, poster) -> None:
    _, image, out = _plan_edit(
        make_spec, poster, 'replace "Old Harbor" with "New Pier"; change the price to "$99"'
    )
    _assert_only_damage_changed(image, out)
    new = Plan.from_json(out.plan)
    assert new.find("subhead").text == "Live at the New Pier"
    assert new.find("price").text == "$99"
    assert sorted(out.extra["touched_nodes"]) == ["price", "subhead"]


def test_move_headline(make_spec, poster) -> None:
    plan, image, out = _plan_edit(make_spec, poster, "move the headline to bottom-center")
    _assert_only_damage_changed(image, out)
    moved = Plan.from_json(out.plan).find("headline")
    assert moved.box.y > plan.find("headline").box.y + 200
    assert moved.align == "center"


def test_background_recolor_changes_plan_and_whole_canvas(make_spec, poster) -> None:
    plan, _, out = _plan_edit(make_spec, poster, "make the background dark blue")
    new = Plan.from_json(out.plan)
    assert new.canvas.background.colors[0] == "#184099"  # reading.colors: the planner's dark blue
    assert new.theme.palette.background == "#184099"
    assert out.extra["global_change"] is True
    # Text that sat on the old light background was recolored to stay readable.
    assert new.find("headline").color != plan.find("headline").color
    contrast = [c for c in out.report["checks"] if c["kind"] == "contrast" and c["node_id"] == "headline"]
    assert contrast and contrast[0]["passed"]


def test_remove_qr_and_add_caption(make_spec, poster) -> None:
    _, image, out = _plan_edit(
        make_spec, poster, 'remove the QR code and add a caption "Tickets at the door"'
    )
    _assert_only_damage_changed(image, out)
    new = Plan.from_json(out.plan)
    assert not new.codes()
    assert any(t.text == "Tickets at the door" and t.role == "caption" for t in new.texts())
    assert not zxingcpp.read_barcodes(np.asarray(out.pixels), formats=zxingcpp.BarcodeFormat.QRCode)


def test_serif_font(make_spec, poster) -> None:
    _, image, out = _plan_edit(make_spec, poster, "use a serif font for the title")
    _assert_only_damage_changed(image, out)
    assert Plan.from_json(out.plan).find("headline").font.family == "serif"


def test_deterministic(make_spec, poster) -> None:
    first = _plan_edit(make_spec, poster, 'change the headline to "Autumn Jazz Night"', quality="low")[2]
    again = _plan_edit(make_spec, poster, 'change the headline to "Autumn Jazz Night"', quality="low")[2]
    assert first.render_sha256 == again.render_sha256


def test_tone_on_a_plan_grades_the_whole_image(make_spec, poster) -> None:
    out = _plan_edit(make_spec, poster, "make it black and white", quality="low")[2]
    arr = np.asarray(out.pixels).astype(int)
    assert np.abs(arr[:, :, 0] - arr[:, :, 1]).max() <= 1
    assert "whole image" in out.revised_prompt


def test_unmappable_instruction_falls_back_to_replan(make_spec, poster) -> None:
    pytest.importorskip("imagegen.engines.planning.planner", reason="planner not available")
    _, image, out = _plan_edit(make_spec, poster, "add a dragon flying over the harbor", quality="low")
    assert out.extra["edit_mode"] == "replan"
    assert "re-planned" in out.revised_prompt
    assert out.plan is not None and out.pixels.size == image.size


def test_headline_without_that_role_is_the_biggest_text() -> None:
    from edits_helpers import poster_plan

    from imagegen.engines.planning.edits.instructions import parse
    from imagegen.engines.planning.edits.plan_edit import edit_plan

    plan = poster_plan()
    plan.find("headline").role = "sign"
    plan.find("price").role = "label"
    edit = edit_plan(plan, parse('change the headline to "Big"; remove the barcode').ops)
    assert edit.plan.find("headline").text == "Big"
    assert not edit.unmapped
    assert any("nothing was removed" in note for note in edit.notes)


def test_bigger_title_and_colored_caption(make_spec, poster) -> None:
    plan, image, out = _plan_edit(
        make_spec, poster, 'make the price bigger; add a caption "Free entry" in dark red', quality="low"
    )
    _assert_only_damage_changed(image, out)
    new = Plan.from_json(out.plan)
    assert new.find("price").size == round(plan.find("price").size * 1.3, 1)
    caption = next(t for t in new.texts() if t.text == "Free entry")
    assert caption.color == "#8b1a1a"  # reading.colors: the planner's dark red
