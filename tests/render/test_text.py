"""Text in every script: shaping, fallback inside a line, bidi, line breaking, fit-to-box, overflow."""

from __future__ import annotations

import numpy as np
import pytesseract
import pytest
from PIL import Image, ImageDraw, ImageFont

from imagegen.engines.planning.plan import FontRef
from imagegen.engines.planning.render import FontBook, render

SCRIPTS = [
    ("latin", "Fresh roasted coffee", None, "Inter"),
    ("japanese", "東京の新しいカフェ", "ja", "NotoSansCJK"),
    ("korean", "서울의 새로운 카페", "ko", "NotoSansCJK"),
    ("chinese", "春季新品上市", "zh-Hans", "NotoSansCJK"),
    ("devanagari", "नमस्ते दुनिया क्षत्रिय", "hi", "NotoSansDevanagari"),
    ("bengali", "স্বাগতম বাংলা", "bn", "NotoSansBengali"),
    ("arabic", "مرحبا بالعالم", "ar", "NotoSansArabic"),
]


@pytest.mark.parametrize(("name", "text", "lang", "font"), SCRIPTS, ids=[s[0] for s in SCRIPTS])
def test_each_script_renders_with_boxes_and_coverage(
    name: str, text: str, lang: str | None, font: str, plan_of, text_of
) -> None:
    node = text_of(text, lang=lang, size=40)
    r = render(plan_of([node]))
    t = r.texts["t"]
    assert t.missing_glyphs == []
    assert not t.overflow
    assert "".join(line.text for line in t.lines).replace(" ", "") == text.replace(" ", "")
    for line in t.lines:
        assert line.box.w > 10 and line.box.h > 10
        assert node.box.contains(line.box, tol=1.5)
        assert font in line.font_path
        # ink is really there: dark pixels inside the reported line box
        crop = np.asarray(
            r.image.convert("L").crop(
                (int(line.box.x), int(line.box.y), int(line.box.right) + 1, int(line.box.bottom) + 1)
            )
        )
        assert (crop < 128).sum() > 50
    if name == "japanese":
        assert t.lines[0].font_index == 0
    if name == "korean":
        assert t.lines[0].font_index == 1
    if name == "chinese":
        assert t.lines[0].font_index == 2
    if name == "arabic":
        assert t.lines[0].direction == "rtl"


@pytest.mark.parametrize(
    ("text", "font_file"),
    [
        ("क्षत्रिय", "NotoSansDevanagari-Regular.ttf"),
        ("স্বাগতম", "NotoSansBengali-Regular.ttf"),
        ("مرحبا", "NotoSansArabic-Regular.ttf"),
    ],
)
def test_complex_scripts_are_shaped_not_basic_laid_out(fonts: FontBook, text: str, font_file: str) -> None:
    path = fonts.require(font_file)
    raqm = ImageFont.truetype(path, 48, layout_engine=ImageFont.Layout.RAQM)
    basic = ImageFont.truetype(path, 48, layout_engine=ImageFont.Layout.BASIC)
    assert (
        raqm.getlength(text) != basic.getlength(text)
        or raqm.getmask(text).tobytes() != basic.getmask(text).tobytes()
    )
    # and the engine's face for that script is a raqm font
    face = fonts.resolve(FontRef(), script={"D": "devanagari", "B": "bengali", "A": "arabic"}[font_file[8]])
    assert fonts.font(face, 48).layout_engine == ImageFont.Layout.RAQM


def test_tesseract_reads_shaped_hindi_and_arabic(plan_of, text_of) -> None:
    """The strongest shaping check: an OCR engine reads the rendered conjuncts and joined Arabic back."""
    cases = [("नमस्ते दुनिया", "hin"), ("مرحبا بالعالم", "ara")]
    for text, lang in cases:
        r = render(plan_of([text_of(text, size=56, box=(20, 20, 600, 120))], w=640, h=160))
        line = r.texts["t"].lines[0]
        crop = r.image.crop(
            (int(line.box.x) - 16, int(line.box.y) - 16, int(line.box.right) + 16, int(line.box.bottom) + 16)
        )
        read = pytesseract.image_to_string(crop, lang=lang, config="--psm 7").strip()
        assert read.replace(" ", "") == text.replace(" ", ""), (text, read)


def test_font_fallback_inside_one_line(plan_of, text_of) -> None:
    r = render(plan_of([text_of("Sale 東京 مرحبا", size=40, box=(10, 10, 600, 80))], w=640, h=120))
    t = r.texts["t"]
    assert len(t.lines) == 1
    runs = t.lines[0].runs
    fonts_used = {p.rsplit("/", 1)[-1] for p, _, _ in runs}
    assert any(f.startswith("Inter") for f in fonts_used)
    assert any(f.startswith("NotoSansCJK") for f in fonts_used)
    assert any(f.startswith("NotoSansArabic") for f in fonts_used)
    assert "".join(s for _, _, s in runs).replace(" ", "") == "Sale東京مرحبا"
    assert t.missing_glyphs == []
    # one ink box per run, left to right, inside the line box (the verifier OCRs mixed lines run by run)
    boxes = t.lines[0].run_boxes
    assert len(boxes) == len(runs)
    inked = [b for b in boxes if b.w > 0]
    assert [b.x for b in inked] == sorted(b.x for b in inked)
    assert all(t.lines[0].box.contains(b, tol=0.5) for b in inked)


def test_rtl_paragraph_orders_runs_right_to_left(plan_of, text_of) -> None:
    # an Arabic paragraph with an embedded Latin word: the Arabic run starting the text sits at the right
    r = render(
        plan_of([text_of("مرحبا Tokyo", size=40, direction="rtl", box=(10, 10, 600, 80))], w=640, h=120)
    )
    runs = r.texts["t"].lines[0].runs
    assert r.texts["t"].lines[0].direction == "rtl"
    assert "Tokyo" in runs[0][2]  # visual order: leftmost run first


def test_cjk_breaks_between_characters_but_not_before_closing_punctuation(plan_of, text_of) -> None:
    text = "東京の夜、新しい季節が始まる。カフェへようこそ。"
    r = render(plan_of([text_of(text, lang="ja", size=40, max_lines=6, box=(10, 10, 230, 400))]))
    lines = [ln.text for ln in r.texts["t"].lines]
    assert len(lines) > 1
    assert "".join(lines) == text
    assert all(not ln.startswith(("、", "。")) for ln in lines)


def test_words_wrap_at_spaces(plan_of, text_of) -> None:
    text = "The quick brown fox jumps over the lazy dog"
    r = render(plan_of([text_of(text, size=40, min_size=40, max_lines=5, box=(10, 10, 300, 300))]))
    lines = [ln.text for ln in r.texts["t"].lines]
    assert len(lines) > 1
    assert " ".join(lines) == text


def test_fit_shrinks_to_fit_and_flags_overflow(plan_of, text_of) -> None:
    long = "An unusually long headline that cannot possibly fit at its preferred size"
    fit = render(plan_of([text_of(long, size=80, min_size=10, max_lines=2, box=(10, 10, 480, 120))]))
    t = fit.texts["t"]
    assert 10 <= t.font_size < 80 and not t.overflow and len(t.lines) <= 2
    over = render(plan_of([text_of(long, size=80, min_size=60, max_lines=1, box=(10, 10, 200, 40))]))
    o = over.texts["t"]
    assert o.overflow and o.font_size == 60


def test_alignment_and_valign(plan_of, text_of) -> None:
    nodes = [
        text_of("Left", id="l", align="left", box=(0, 0, 512, 100)),
        text_of("Right", id="r", align="right", box=(0, 120, 512, 100)),
        text_of("Mid", id="c", align="center", valign="middle", box=(0, 240, 512, 200)),
    ]
    r = render(plan_of(nodes))
    assert r.texts["l"].lines[0].box.x < 10
    assert r.texts["r"].lines[0].box.right > 500
    c = r.texts["c"].lines[0].box
    assert abs((c.x + c.w / 2) - 256) < 6 and abs((c.y + c.h / 2) - 340) < 12


def test_plate_reports_its_color_as_background(plan_of, text_of) -> None:
    r = render(plan_of([text_of("Buy", plate="#2563eb", color="#ffffff", align="center", valign="middle")]))
    assert r.texts["t"].background_color == "#2563eb"


def test_missing_glyphs_are_reported(plan_of, text_of) -> None:
    r = render(plan_of([text_of("Hi \U0001f9ff\U00013000", size=30)]))
    assert set(r.texts["t"].missing_glyphs) >= {"\U00013000"}


def test_basic_layout_would_differ_for_devanagari(fonts: FontBook) -> None:
    """Guard against a silently unshaped pipeline: conjunct forms change the drawn pixels."""
    path = fonts.require("NotoSansDevanagari-Regular.ttf")
    img_a = Image.new("L", (300, 80))
    img_b = Image.new("L", (300, 80))
    ImageDraw.Draw(img_a).text(
        (5, 5), "क्ष", font=ImageFont.truetype(path, 48, layout_engine=ImageFont.Layout.RAQM), fill=255
    )
    ImageDraw.Draw(img_b).text(
        (5, 5), "क्ष", font=ImageFont.truetype(path, 48, layout_engine=ImageFont.Layout.BASIC), fill=255
    )
    assert img_a.tobytes() != img_b.tobytes()


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\n\n",
        "x" * 200,
        "\u0301abc",
        "👍 ok",
        "مرحبا 123 بالعالم 45.6%",
        "「引用」です。",
        "a\u200db",
        "ภาษาไทย",
    ],
)
@pytest.mark.parametrize("box", [(0, 0, 0, 0), (10, 10, 3, 3), (-40, -40, 100, 100), (20, 20, 300, 200)])
def test_odd_text_and_boxes_never_crash(
    plan_of, text_of, text: str, box: tuple[float, float, float, float]
) -> None:
    r = render(plan_of([text_of(text, box=box, size=40, min_size=8, plate="#eeeeee")]))
    t = r.texts["t"]
    assert t.text == text
    # nothing is dropped: the lines hold every non-space character of the text, in order
    assert "".join(ln.text for ln in t.lines).replace(" ", "").replace("\n", "") == text.replace(
        " ", ""
    ).replace("\n", "")


def test_inter_capital_i_has_serifs_so_ai_is_not_al(plan_of, text_of) -> None:
    r = render(
        plan_of(
            [
                text_of("I", id="i", size=80, box=(10, 10, 200, 120)),
                text_of("l", id="l", size=80, box=(10, 200, 200, 120)),
            ]
        )
    )
    assert "Inter" in r.texts["i"].lines[0].font_path
    assert r.texts["i"].lines[0].box.w > 1.6 * r.texts["l"].lines[0].box.w


def test_overflowing_lines_are_drawn_not_clipped(plan_of, text_of) -> None:
    node = text_of(
        "one two three four five",
        size=40,
        min_size=40,
        max_lines=1,
        valign="middle",
        align="center",
        box=(150, 230, 200, 40),
    )
    r = render(plan_of([node]))
    t = r.texts["t"]
    assert t.overflow and len(t.lines) >= 3
    gray = r.image.convert("L")
    for line in t.lines:
        b = line.box
        crop = np.asarray(gray.crop((int(b.x), int(b.y), int(b.right) + 1, int(b.bottom) + 1)))
        assert (crop < 128).sum() > 30, line.text


def test_tabs_and_controls_draw_as_spaces_in_one_run(plan_of, text_of) -> None:
    r = render(plan_of([text_of("a\tb\rc", size=40, box=(10, 10, 480, 80))]))
    line = r.texts["t"].lines[0]
    assert line.text == "a\tb\rc"
    assert [run[2] for run in line.runs] == ["a b c"]
    assert r.texts["t"].missing_glyphs == []


def test_long_compounds_break_after_hyphens(plan_of, text_of) -> None:
    text = "state-of-the-art-noise-cancelling"
    r = render(plan_of([text_of(text, size=40, min_size=40, max_lines=4, box=(10, 10, 260, 300))]))
    lines = [ln.text for ln in r.texts["t"].lines]
    assert "".join(lines) == text
    assert all(ln.endswith("-") for ln in lines[:-1])
