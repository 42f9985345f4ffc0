"""Palettes meet WCAG contrast for every pair the layouts draw; the contrast helper is right; the committed
JSON Schema is current and every compiled plan validates against it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from planner_cases import CASES, compile_case

from imagegen.engines.planning.plan import TextNode
from imagegen.engines.planning.planner import compile_prompt
from imagegen.engines.planning.planner.schema import DEFAULT_PATH, schema_text
from imagegen.engines.planning.rules.contrast import contrast_ratio, ensure_contrast, luminance

PALETTE_PROMPTS = [
    "gold on deep blue poster",
    "Dark mode dashboard app",
    "Color palette: Blues and greens, flat",
    "black-and-white ink manga",
    "warm colors shop sign",
    "cool colors slide",
    "neon sign at night",
    "pastel greeting card",
    "earth tones label",
    "bright festive banner",
    "luxury perfume ad",
    "red on yellow poster",
    "white on light gray poster",
    "a plain poster",
    "Clean white studio background",
    "a poster on a mint background",
    "a poster on a dark navy background",
    "a poster on a gray background",
]


def test_contrast_helper_matches_wcag() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert luminance("#ffffff") == pytest.approx(1.0)
    for fg, bg in [
        ("#777777", "#888888"),
        ("#ffcc00", "#ffffff"),
        ("#0000ff", "#000080"),
        ("#808080", "#808080"),
    ]:
        fixed = ensure_contrast(fg, bg, 4.5)
        assert contrast_ratio(fixed, bg) >= 4.5 or contrast_ratio(fixed, bg) >= max(
            contrast_ratio("#000000", bg), contrast_ratio("#ffffff", bg)
        )
    assert ensure_contrast("#111111", "#ffffff") == "#111111"  # a passing color is kept


@pytest.mark.parametrize("prompt", PALETTE_PROMPTS)
def test_palette_pairs_meet_wcag(prompt: str) -> None:
    plan = compile_prompt(prompt + ' with the headline "Hello"', width=1024, height=1024, seed=4)
    p = plan.theme.palette
    for fg in (p.text, p.primary, p.secondary, p.muted):
        for bg in (p.background, p.surface):
            assert contrast_ratio(fg, bg) >= 4.5, (prompt, fg, bg)
    assert contrast_ratio(p.on_accent, p.accent) >= 4.5
    assert contrast_ratio(p.accent, p.background) >= 3.0
    for c in p.extra:
        assert contrast_ratio(c, p.background) >= 3.0


def test_gold_on_deep_blue_and_dark_mode_read_as_asked() -> None:
    gold = compile_prompt('A poster, gold on deep blue, headline "Gala"', width=1024, height=1536, seed=1)
    assert gold.theme.dark and gold.theme.palette.accent == "#d4af37"
    head = gold.texts()[0]
    r, g, b = (int(head.color[i : i + 2], 16) for i in (1, 3, 5))
    assert head.color == gold.theme.palette.primary and r > g > b  # a gold, nudged only for contrast
    dark = compile_prompt('A dark mode settings screen titled "Settings"', width=1024, height=1536, seed=1)
    assert dark.theme.dark


def test_every_text_node_reads_on_its_plate_or_page() -> None:
    """Text colors meet 4.5:1 (3:1 when large) on what is under them: their plate, else the fill of the
    topmost shape/group below them that holds their box, else the page."""
    for case in CASES:
        plan = compile_case(case)
        pal = plan.theme.palette
        holders = [n for n in plan.walk() if n.kind in ("shape", "group") and getattr(n, "fill", None)]
        for t in plan.texts():
            assert isinstance(t, TextNode)
            under = [h for h in holders if h.box.contains(t.box, tol=2) and h.z <= t.z]
            if t.plate:
                ground = t.plate
            elif under:
                ground = max(under, key=lambda h: (h.z, -h.box.w * h.box.h)).fill  # type: ignore[attr-defined]
            else:
                ground = pal.background
            need = 3.0 if t.size >= 36 else 4.5
            assert contrast_ratio(t.color, ground) >= need, (case["id"], t.id, t.color, ground)


def test_committed_schema_is_current() -> None:
    assert DEFAULT_PATH.exists(), "run python -m imagegen.engines.planning.planner.schema"
    assert DEFAULT_PATH.read_text(encoding="utf-8") == schema_text()


def test_compiled_plans_validate_against_the_schema() -> None:
    schema = json.loads(Path(DEFAULT_PATH).read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    for case in CASES:
        validator.validate(compile_case(case).to_json())


def test_icon_names_are_drawable() -> None:
    """Every icon name the planner can emit exists in the renderer's icon set (when the renderer is here)."""
    render = pytest.importorskip("imagegen.engines.planning.render")
    from imagegen.engines.planning.reading.data import METRIC_ICONS
    from imagegen.engines.planning.reading.icons import ALL_ICONS

    names = set(ALL_ICONS) | {name for _, name in METRIC_ICONS}
    assert names <= render.available_icons(), sorted(names - render.available_icons())
    for case in CASES:
        for node in compile_case(case).walk():
            if node.kind == "icon":
                assert node.name in render.available_icons()
