"""The verifier catches each planted fault, and passes a clean plan."""

from __future__ import annotations

import time

from imagegen.engines.planning.plan import Box, CodeNode, IconNode
from imagegen.engines.planning.verify import ALL_CHECKS, verify

CJK = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
LATIN = "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"


def _by(report, kind, node_id):
    return next(c for c in report.checks if c.kind == kind and c.node_id == node_id)


def test_clean_plan_passes_every_check(draw, make_plan, text_node):
    plan = make_plan(
        text_node("h", "Experience Crystal Clear Sound", 40, 40, w=720, size=44, font={"weight": 700}),
        text_node("s", "$129 - Limited Offer", 40, 140, size=30),
        text_node("zh", "上海茶馆", 40, 220, size=48, lang="zh-Hans"),
        text_node("ko", "서울 야시장", 400, 220, w=360, size=48, lang="ko"),
        CodeNode(
            id="qr", box=Box(x=560, y=300, w=180, h=180), symbology="qr", data="https://example.com/a/1"
        ),
    )
    rendering = draw(plan, fonts={"zh": (CJK, 2), "ko": (CJK, 1)})
    # CPU time of every thread (the recognizers run in this process), not wall-clock: it measures the work,
    # however busy the machine (8.8 s of wall-clock was seen here on a loaded 2-core machine)
    started = time.process_time()
    report = verify(plan, rendering, checks=ALL_CHECKS)
    elapsed = time.process_time() - started
    print(f"\nverify, every check: {elapsed:.2f} s of CPU")
    assert report.passed, [c for c in report.failures()]
    assert {c.kind for c in report.checks} == {
        "glyphs",
        "overflow",
        "bounds",
        "overlap",
        "code",
        "contrast",
        "ocr",
    }
    assert _by(report, "ocr", "zh").observed == "上海茶馆"
    assert "tesseract" in _by(report, "ocr", "ko").detail
    assert elapsed < 10.0  # includes loading both recognizers; a sanity bound


def test_missing_glyph_latin_font_on_cjk(draw, make_plan, text_node):
    plan = make_plan(text_node("zh", "上海茶馆", 40, 40, size=48))
    report = verify(plan, draw(plan, fonts={"zh": (LATIN, 0)}), checks={"glyphs"})
    check = _by(report, "glyphs", "zh")
    assert not check.passed and "U+4E0A" in check.detail
    assert report.skipped == sorted(ALL_CHECKS - {"glyphs"})


def test_codepoint_no_font_has(draw, make_plan, text_node):
    plan = make_plan(text_node("t", "Hello \U000f0000", 40, 40))  # a private-use plane codepoint
    report = verify(plan, draw(plan), checks={"glyphs"})
    assert not _by(report, "glyphs", "t").passed


def test_overflow_and_canvas_clipping(draw, make_plan, text_node):
    plan = make_plan(
        text_node("long", "This line is much too long for its little box", 40, 40, w=200, size=36),
        text_node("edge", "Clipped at the right edge", 600, 300, w=190, size=36),
    )
    report = verify(plan, draw(plan), checks={"overflow", "bounds"})
    assert not _by(report, "overflow", "long").passed
    assert not _by(report, "bounds", "edge").passed
    assert _by(report, "bounds", "long").passed


def test_overlap_text_text_code_icon(draw, make_plan, text_node):
    plan = make_plan(
        text_node("a", "First headline", 40, 40, size=40),
        text_node("b", "Second line", 120, 55, size=40),
        text_node("c", "Near the code", 420, 300, w=300, size=30),
        CodeNode(id="qr", box=Box(x=560, y=280, w=200, h=200), symbology="qr", data="x"),
        text_node("d", "Icon here", 40, 400, w=300, size=30),
        IconNode(id="icon", box=Box(x=80, y=390, w=48, h=48), name="home"),
        text_node("e", "Alone", 40, 200, w=200, size=30),
    )
    report = verify(plan, draw(plan), checks={"overlap"})
    assert not _by(report, "overlap", "a").passed
    assert not _by(report, "overlap", "b").passed
    assert _by(report, "overlap", "c").observed == "qr"
    assert _by(report, "overlap", "d").observed == "icon"
    assert _by(report, "overlap", "e").passed


def test_low_contrast_measured_on_pixels(draw, make_plan, text_node):
    # the plan says white canvas, but the pixels behind are light grey: the check must see the pixels
    plan = make_plan(
        text_node("faint", "Barely visible", 40, 40, size=30, color="#b0b0b0"),
        text_node("ok", "Clearly visible", 40, 160, size=30, color="#111111"),
        text_node("large", "Large grey title", 40, 260, size=48, color="#8a8a8a"),
    )
    report = verify(plan, draw(plan, background="#dddddd"), checks={"contrast"})
    faint = _by(report, "contrast", "faint")
    assert not faint.passed and faint.value is not None and faint.value < 2
    assert faint.observed == "#dddddd"
    assert _by(report, "contrast", "ok").passed
    large = _by(report, "contrast", "large")  # 48 px: the 3:1 threshold applies
    assert large.expected == ">= 3.0"


def test_broken_and_unreadable_codes(draw, make_plan):
    plan = make_plan(
        CodeNode(id="good", box=Box(x=20, y=20, w=200, h=200), symbology="qr", data="https://example.com/ok"),
        CodeNode(
            id="wrong", box=Box(x=260, y=20, w=200, h=200), symbology="qr", data="https://example.com/ok"
        ),
        CodeNode(id="bar", box=Box(x=20, y=260, w=360, h=120), symbology="code128", data="NUM-0001"),
        CodeNode(
            id="tiny",
            box=Box(x=500, y=260, w=30, h=30),
            symbology="qr",
            data="https://example.com/" + "x" * 80,
        ),
    )
    report = verify(plan, draw(plan, code_payloads={"wrong": "https://evil.example/"}), checks={"code"})
    assert _by(report, "code", "good").passed
    wrong = _by(report, "code", "wrong")
    assert not wrong.passed and wrong.observed == "https://evil.example/"
    assert _by(report, "code", "bar").passed
    tiny = _by(report, "code", "tiny")
    assert not tiny.passed and tiny.observed is None


def test_ocr_flags_text_that_reads_otherwise(draw, make_plan, text_node):
    # The line boxes say "Open" but the pixels say something else: read-back must catch it.
    plan = make_plan(text_node("t", "OPEN STUDIO", 40, 40, size=40))
    rendering = draw(plan)
    other = make_plan(text_node("t", "CLOSED NOW", 40, 40, size=40))
    rendering.image = draw(other).image
    report = verify(plan, rendering, checks={"ocr"})
    check = _by(report, "ocr", "t")
    assert not check.passed and check.value is not None and check.value < 0.8


def test_display_type_is_read_at_the_recognizers_line_height(draw, make_plan, text_node):
    """A 200 px headline is area-averaged down to the recognizer's input height and read exactly."""
    from imagegen.engines.planning.verify.ocr import line_crop

    plan = make_plan(
        text_node("h", "OPEN", 40, 60, w=900, h=260, size=200, font={"weight": 700}),
        text_node("ko", "서울", 40, 330, w=600, h=230, size=180, lang="ko"),
        width=1024,
        height=600,
    )
    rendering = draw(plan, fonts={"ko": (CJK, 1)})
    crop = line_crop(rendering, rendering.texts["h"], 0, target_height=48)
    assert crop.height < 48 * 2  # ink ~48 px plus its margin, not the 200 px type
    report = verify(plan, rendering, checks={"ocr"})
    assert report.passed, [c for c in report.failures()]
    assert _by(report, "ocr", "h").observed == "OPEN"


def test_text_on_a_pill_is_measured_on_the_pill_not_the_page(make_plan, text_node):
    """A badge's pill is only a little taller than its letters: the ring around the ink reaches past the
    pill onto the white page, which is not behind the text (the packaging badges read as white on white,
    1.05:1). The real renderer reports the plate, and the check samples inside it; a pale pill still
    fails."""
    from imagegen.engines.planning.engine import PlanningEngine

    def badge(node_id: str, y: float, plate: str):
        return text_node(
            node_id, "High fibre", 40, y, w=130, h=30, size=18, color="#f8fafc", plate=plate, align="center"
        )

    plan = make_plan(badge("red", 40, "#b71c1c"), badge("pale", 120, "#e9edf2"))
    engine = PlanningEngine()
    rendering = engine.render(plan)
    assert rendering.texts["red"].plate_box is not None
    report = verify(plan, rendering, checks={"contrast"})
    red = _by(report, "contrast", "red")
    assert red.passed and red.observed == "#b71c1c", red.detail
    pale = _by(report, "contrast", "pale")
    assert not pale.passed and pale.value is not None and pale.value < 1.5
