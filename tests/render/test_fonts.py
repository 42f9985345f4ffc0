"""The font book: family mapping, CJK face indices, coverage, fallback chains, loud failures."""

from __future__ import annotations

from pathlib import Path

import pytest

from imagegen.engines.planning.plan import FontRef
from imagegen.engines.planning.render import FontBook, FontNotFoundError


@pytest.mark.parametrize(
    ("family", "weight", "expected"),
    [
        ("sans", 400, "Inter-Regular.otf"),
        ("SF Pro", 700, "Inter-Bold.otf"),
        ("Poppins", 600, "LeagueSpartan-SemiBold.otf"),
        ("Helvetica Neue", 500, "Inter-Medium.otf"),
        ("serif", 400, "NotoSerif-Regular.ttf"),
        ("Playfair Display", 700, "NotoSerif-Bold.ttf"),
        ("mono", 400, "JetBrainsMono-Regular.ttf"),
        ("condensed", 400, "NotoSans-Condensed.ttf"),
        ("heavy condensed", 900, "NotoSans-ExtraCondensedBlack.ttf"),
        ("Impact", 400, "NotoSans-ExtraCondensedBold.ttf"),
        ("display", 800, "InterDisplay-ExtraBold.otf"),
    ],
)
def test_named_and_generic_families_map_to_installed_open_fonts(
    fonts: FontBook, family: str, weight: int, expected: str
) -> None:
    face = fonts.resolve(FontRef(family=family, weight=weight))
    assert Path(face.path).name == expected
    assert Path(face.path).is_file()


def test_italic_resolves_to_an_italic_face(fonts: FontBook) -> None:
    assert Path(fonts.resolve(FontRef(family="serif", style="italic")).path).name == "NotoSerif-Italic.ttf"


@pytest.mark.parametrize(
    ("text", "lang", "index"),
    [
        ("東京の夜", None, 0),
        ("서울", None, 1),
        ("春季新品", None, 2),
        ("春季新品", "ja", 0),
        ("漢字", "zh-Hans", 2),
    ],
)
def test_cjk_face_index_follows_language_then_script(
    fonts: FontBook, text: str, lang: str | None, index: int
) -> None:
    face = fonts.resolve(FontRef(), script="han" if index != 1 else "hangul", lang=lang, text=text)
    assert face.path.endswith("NotoSansCJK-Regular.ttc")
    assert face.index == index


def test_script_faces(fonts: FontBook) -> None:
    assert "NotoSansDevanagari" in fonts.resolve(FontRef(), script="devanagari").path
    assert "NotoSansBengali" in fonts.resolve(FontRef(), script="bengali").path
    assert "NotoSansArabic" in fonts.resolve(FontRef(), script="arabic").path
    assert "NotoNaskhArabic" in fonts.resolve(FontRef(family="serif"), script="arabic").path


def test_coverage_and_chain(fonts: FontBook) -> None:
    inter = fonts.resolve(FontRef())
    assert fonts.covers(inter.path, inter.index, "A")
    assert not fonts.covers(inter.path, inter.index, "東")
    # the text's dominant script comes first, then the other scripts, then the last-resort faces
    chain = fonts.chain_for("Hello 東京 مرحبا", FontRef())
    assert chain[0] == (inter.path, 0)
    assert fonts.chain_for("مرحبا بالعالم Hi", FontRef())[0][0].endswith("NotoSansArabic-Regular.ttf")
    names = [Path(p).name for p, _ in chain]
    assert "NotoSansCJK-Regular.ttc" in names and "NotoSansArabic-Regular.ttf" in names
    assert len(set(chain)) == len(chain)
    assert fonts.missing("Hi 東京 مرحبا", fonts.chain("Hi 東京 مرحبا", FontRef())) == []


def test_missing_font_files_fail_loudly(tmp_path: Path) -> None:
    book = FontBook(roots=[tmp_path])
    with pytest.raises(FontNotFoundError, match="fonts-"):
        book.resolve(FontRef())


def test_fonts_are_cached_and_use_raqm(fonts: FontBook) -> None:
    from PIL import ImageFont

    face = fonts.resolve(FontRef())
    a, b = fonts.font(face, 32), fonts.font(face, 32)
    assert a is b
    assert a.layout_engine == ImageFont.Layout.RAQM


def test_warm_reads_cmaps(fonts: FontBook) -> None:
    fonts.warm(("latin", "han"))
    cjk = fonts.resolve(FontRef(), script="han")
    assert cjk in fonts._cmaps
