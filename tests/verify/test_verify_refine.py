"""Refine fixes what the verifier flags; the report shows the Fix and a passing check after it."""

from __future__ import annotations

import pytest

from imagegen.engines.planning.engine import PlanningEngine
from imagegen.engines.planning.plan import Box, CodeNode


@pytest.fixture
def engine(draw):
    return PlanningEngine(renderer=lambda plan, scale, fonts: draw(plan))


def _check(report, kind, node_id):
    return next(c for c in report.checks if c.kind == kind and c.node_id == node_id)


def _actions(report, node_id):
    return {f.action for f in report.fixes if f.node_id == node_id}


def test_overflow_is_fixed_by_growing_the_box(engine, make_plan, text_node):
    plan = make_plan(text_node("t", "Too long here", 40, 40, w=150, size=30))
    realized = engine.realize(plan, quality="medium")
    assert "resize" in _actions(realized.report, "t")
    assert _check(realized.report, "overflow", "t").passed
    assert realized.report.passed and realized.report.passes >= 1
    assert realized.plan.find("t").text == "Too long here"  # content never changes


def test_overlap_is_fixed_by_moving_the_smaller_text(engine, make_plan, text_node):
    plan = make_plan(
        text_node("head", "Big headline", 40, 40, size=48),
        text_node("sub", "small subhead", 60, 60, size=28),
    )
    realized = engine.realize(plan, quality="medium")
    assert _actions(realized.report, "sub") == {"move"}
    assert "head" not in {f.node_id for f in realized.report.fixes}
    assert _check(realized.report, "overlap", "sub").passed
    assert realized.report.passed


def test_low_contrast_is_fixed_by_recoloring(engine, make_plan, text_node):
    plan = make_plan(text_node("t", "Barely visible", 40, 40, size=30, color="#c8c8c8"), background="#e5e5e5")
    realized = engine.realize(plan, quality="medium")
    assert "recolor" in _actions(realized.report, "t")
    check = _check(realized.report, "contrast", "t")
    assert check.passed and check.value >= 4.5
    assert realized.report.unresolved == []


def test_unreadable_code_is_enlarged(engine, make_plan):
    plan = make_plan(
        CodeNode(id="qr", box=Box(x=300, y=150, w=26, h=26), symbology="qr", data="https://example.com/a/1")
    )
    first = engine.verify(plan, engine.render(plan), quality="medium")
    assert not _check(first, "code", "qr").passed
    realized = engine.realize(plan, quality="high")
    assert "resize" in _actions(realized.report, "qr")
    assert _check(realized.report, "code", "qr").passed
    assert realized.plan.find("qr").box.w > 26


def test_low_quality_never_refines_and_skips_ocr(engine, make_plan, text_node):
    plan = make_plan(text_node("t", "Barely visible", 40, 40, size=30, color="#c8c8c8"), background="#e5e5e5")
    realized = engine.realize(plan, quality="low")
    assert realized.report.fixes == [] and realized.report.passes == 0
    assert set(realized.report.skipped) == {"contrast", "ocr"}


def test_what_cannot_converge_is_reported(engine, make_plan, text_node):
    plan = make_plan(text_node("t", "Tofu \U000f0000", 40, 40, size=30))
    realized = engine.realize(plan, quality="medium")
    assert not realized.report.passed
    assert any(u.startswith("glyphs t:") for u in realized.report.unresolved)


def test_look_alike_misreads_and_text_normalization():
    from imagegen.engines.planning.refine import confusable_only
    from imagegen.engines.planning.verify.ocr import same_text, script_of

    assert confusable_only("AI Growth / 2026", "Al Growth / 2026")
    assert confusable_only("Volume 01", "Volume Ol")
    assert not confusable_only("Footprints...", "Footprint....")
    assert not confusable_only("Sound", "Sound")
    assert same_text("Dimensions: 40 x 60 cm", " Dimensions:  40 x 60 cm ")[0]
    assert same_text("上海茶馆", "上海 茶馆")[0]  # a space the recognizer added
    assert same_text("Ａ１", "A1")[0]  # full-width forms fold (NFKC)
    ok, similarity = same_text("OPEN STUDIO", "OPEN STUDI0")
    assert not ok and 0.8 < similarity < 1
    assert [script_of(t) for t in ("Hello", "上海", "コーヒー", "서울", "नमस्ते", "শুভ", "قهوة")] == [
        "latin",
        "han",
        "ja",
        "ko",
        "hi",
        "bn",
        "ar",
    ]
    assert script_of("東京", "ja") == "ja"
