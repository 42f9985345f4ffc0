"""One table of named fonts (``render.fonts.NAMED_FONTS``): every font a brief may name is read by the planner
and drawn by the font book with the same installed family, which has every glyph of the brief's text."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from imagegen.engines.planning.plan import FontRef, TextNode
from imagegen.engines.planning.planner import compile_prompt
from imagegen.engines.planning.reading.typography import parse_font
from imagegen.engines.planning.render import FontBook, render
from imagegen.engines.planning.render.fonts import GENERIC_FAMILIES, NAMED_FONTS, OPEN_FAMILIES

#: the stand-in family (a value of the table) -> the start of the installed file that must draw it
FILES = {
    "Inter": "Inter-",
    "Inter Display": "InterDisplay-",
    "League Spartan": "LeagueSpartan-",
    "Noto Sans": "NotoSans-",
    "Noto Serif": "NotoSerif-",
    "Noto Sans Condensed": "NotoSans-Condensed",
    "extra condensed": "NotoSans-ExtraCondensed",
    "JetBrains Mono": "JetBrainsMono-",
    "Fira Code": "FiraCode-",
    "garamond": "EBGaramond12-",
    "slab": "RobotoSlab-",
    "script": "DancingScript-",
    "brush": "KaushanScript-",
    "handwriting": "ComicNeue-",
}
SAMPLE = "Grand Opening Sale: 50% off, Café Zoë & Ñandú — “today”!"
HEADLINE = "Grand Opening — Café Zoë"


def _brief_name(name: str) -> str:
    """How a brief writes the name (title case, as people type it)."""
    return " ".join(w.capitalize() for w in name.split())


@pytest.mark.parametrize("name", sorted(NAMED_FONTS))
def test_every_named_font_is_read_and_drawn_by_an_installed_family(fonts: FontBook, name: str) -> None:
    family = NAMED_FONTS[name]
    assert family in GENERIC_FAMILIES or family in OPEN_FAMILIES, f"{name!r} stands in as unknown {family!r}"
    spec = parse_font(f"the headline set in {_brief_name(name)}, bold")
    assert spec.family == family and spec.requested is not None
    face = fonts.resolve(spec.to_ref(FontRef(weight=700)), text=SAMPLE)
    # the brief's family and a plan naming the font directly draw with the very same file
    assert fonts.resolve(FontRef(family=_brief_name(name), weight=700), text=SAMPLE) == face
    assert Path(face.path).is_file() and Path(face.path).name.startswith(FILES[family]), (name, face.name)
    assert fonts.missing(SAMPLE, [face]) == []
    img = Image.new("L", (900, 90), 0)
    ImageDraw.Draw(img).text((10, 10), SAMPLE, font=fonts.font(face, 40), fill=255)
    assert (np.asarray(img) > 128).sum() > 2000


def test_every_stand_in_family_has_an_expected_file() -> None:
    assert set(NAMED_FONTS.values()) <= set(FILES)


@pytest.mark.parametrize(
    "name", sorted({family: name for name, family in sorted(NAMED_FONTS.items())}.values())
)
def test_a_brief_naming_a_font_renders_its_text_in_that_family(name: str) -> None:
    """End to end, one named font per stand-in family: brief -> plan -> pixels."""
    plan = compile_prompt(
        f'Poster with the headline "{HEADLINE}" set in {_brief_name(name)}',
        width=1024,
        height=1024,
        seed=3,
    )
    headline = next(n for n in plan.texts() if isinstance(n, TextNode) and n.text == HEADLINE)
    assert headline.font.family == NAMED_FONTS[name]
    drawn = render(plan).texts[headline.id]
    used = {Path(path).name for line in drawn.lines for path, _, _ in line.runs}
    assert used and all(f.startswith(FILES[NAMED_FONTS[name]]) for f in used), (name, used)
    assert drawn.missing_glyphs == []
