"""Icons by name and by prompt noun; charts draw real values and report their labels as text."""

from __future__ import annotations

import numpy as np
import pytest

from imagegen.engines.planning.plan import Box, ChartNode, DataPoint, IconNode
from imagegen.engines.planning.render import available_icons, render, resolve_icon
from imagegen.engines.planning.render.icons import SYNONYMS


def test_icon_set_and_synonyms() -> None:
    icons = available_icons()
    assert len(icons) > 1500
    assert {"home", "favorite", "settings", "search", "star"} <= icons
    for noun in (
        "home",
        "stats",
        "profile",
        "heart",
        "steps",
        "calories",
        "coffee",
        "shop",
        "phone",
        "mail",
        "search",
        "settings",
        "star",
        "check",
        "camera",
        "music",
        "cart",
        "location",
        "calendar",
        "clock",
        "lock",
        "bolt",
        "leaf",
        "water",
    ):
        assert resolve_icon(noun) in icons, noun
    assert resolve_icon("calories") == "local_fire_department"
    assert resolve_icon("hearts") == "favorite"
    assert resolve_icon("definitely-not-an-icon") is None
    assert all(v in icons for v in SYNONYMS.values())


def test_icon_node_draws_ink_in_its_box(plan_of) -> None:
    r = render(plan_of([IconNode(id="i", name="steps", color="#000000", box=Box(x=100, y=100, w=96, h=96))]))
    arr = np.asarray(r.image.convert("L"))
    inside = arr[100:196, 100:196]
    assert (inside < 100).sum() > 500
    outside = arr.copy()
    outside[96:200, 96:200] = 255
    assert (outside < 250).sum() == 0


def _series(*pairs: tuple[str, float]) -> list[DataPoint]:
    return [DataPoint(label=label, value=v) for label, v in pairs]


@pytest.mark.parametrize("kind", ["bar", "hbar", "donut", "line", "progress"])
def test_charts_report_value_and_label_texts(plan_of, kind: str) -> None:
    node = ChartNode(
        id="ch",
        chart=kind,
        unit="%",
        series=_series(("Mon", 78), ("Tue", 42), ("Wed", 63)),
        box=Box(x=40, y=40, w=432, h=300),
    )
    r = render(plan_of([node]))
    assert r.nodes["ch"].kind == "chart"
    values = {k: v.text for k, v in r.texts.items() if k.startswith("ch.value.")}
    assert "78%" in values.values()
    labels = {k: v.text for k, v in r.texts.items() if k.startswith("ch.label.")}
    if kind != "donut" or len(node.series) > 1:
        assert set(labels.values()) == {"Mon", "Tue", "Wed"}
    for t in r.texts.values():
        assert t.lines and t.lines[0].box.w > 0
        assert not t.missing_glyphs
    # the chart painted something besides white
    crop = np.asarray(r.image.convert("L"))[40:340, 40:472]
    assert (crop < 200).sum() > 2000


@pytest.mark.parametrize("kind", ["line", "bar"])
def test_a_chart_without_numbers_is_an_empty_frame_not_a_made_up_series(plan_of, kind: str) -> None:
    """A brief that names a chart but gives no numbers: gridlines and "No data", no line, bars or area
    in the accent (the dashboard used to draw a line from nothing)."""
    node = ChartNode(id="ch", chart=kind, series=[], box=Box(x=40, y=40, w=432, h=300), colors=["#e53935"])
    r = render(plan_of([node]))
    assert r.nodes["ch"].kind == "chart"
    assert [t.text for k, t in r.texts.items() if k.startswith("ch.")] == ["No data"]
    crop = np.asarray(r.image.convert("RGB"))[40:340, 40:472].astype(int)
    red = (crop[..., 0] - crop[..., 1] > 80) & (crop[..., 0] - crop[..., 2] > 80)
    assert red.sum() == 0  # nothing in the series colour
    assert (crop.sum(axis=-1) < 3 * 235).sum() > 1000  # but a frame is drawn (gridlines, the label)


def test_single_value_donut_shows_percent_in_center(plan_of) -> None:
    node = ChartNode(
        id="d", chart="donut", unit="%", series=_series(("Goal", 78)), box=Box(x=100, y=100, w=300, h=300)
    )
    r = render(plan_of([node]))
    v = r.texts["d.value.0"]
    assert v.text == "78%"
    b = v.lines[0].box
    assert abs(b.x + b.w / 2 - 250) < 8 and abs(b.y + b.h / 2 - 250) < 12


def test_chart_labels_meet_wcag_aa_on_a_card(plan_of) -> None:
    from imagegen.engines.planning.plan import GroupNode
    from imagegen.engines.planning.rules.contrast import contrast_ratio

    chart = ChartNode(
        id="c", chart="bar", series=_series(("Mon", 3), ("Tue", 5)), box=Box(x=30, y=30, w=300, h=200)
    )
    card = GroupNode(
        id="card", role="card", fill="#f4f4f5", box=Box(x=20, y=20, w=320, h=220), children=[chart]
    )
    r = render(plan_of([card]))
    for tid in ("c.label.0", "c.label.1", "c.value.0"):
        t = r.texts[tid]
        assert contrast_ratio(t.color, t.background_color or "#ffffff") >= 4.5, tid
