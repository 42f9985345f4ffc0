"""Every public text case compiles into a plan that carries exactly the text and codes it asks for."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from planner_cases import CASES, compile_case
from planner_geometry import problems

from imagegen.engines.planning.plan import Plan
from imagegen.engines.planning.planner.aspect import PRESETS, is_valid_size

ARCHETYPES = {
    "earbuds-ad": "product_hero",
    "aqua-bottle": "product_hero",
    "fresh-clean": "poster",
    "fitness-app": "app_screen",
    "ai-growth": "infographic",
    "detective-manga": "comic_page",
    "tokyo-cafe": "sign",
    "open-studio": "poster",
    "numonic-cover": "magazine_cover",
    "conservation-label": "label",
    "seoul-sign": "sign",
    "shanghai-poster": "poster",
    "hindi-banner": "banner",
    "bengali-card": "social_card",
    "cairo-shop": "sign",
    "storyboard-8": "storyboard",
}


def _variants(case: dict[str, Any]) -> list[tuple[int, list[str]]]:
    per = case.get("texts_per_image")
    if per:
        return list(enumerate(per))
    return [(v, case["texts"]) for v in range(case.get("n", 1))]


def test_every_case_has_an_expected_archetype() -> None:
    assert set(ARCHETYPES) == {c["id"] for c in CASES}


def test_quoted_texts_appear_exactly_once(case: dict[str, Any]) -> None:
    for variant, texts in _variants(case):
        plan = compile_case(case, variant=variant)
        counts = Counter(t.text for t in plan.texts())
        for text in texts:
            assert counts[text] == 1, (case["id"], variant, text, counts)


def test_codes_carry_exact_payloads(case: dict[str, Any]) -> None:
    plan = compile_case(case)
    got = sorted((c.symbology, c.data) for c in plan.codes())
    want = sorted((c["kind"], c["data"]) for c in case.get("codes", []))
    assert got == want


def test_no_text_is_invented(case: dict[str, Any]) -> None:
    """The full set of drawn texts is exactly the expected set (nothing added, nothing repeated)."""
    for variant, texts in _variants(case):
        plan = compile_case(case, variant=variant)
        assert sorted(t.text for t in plan.texts()) == sorted(texts), (case["id"], variant)


def test_archetype(case: dict[str, Any]) -> None:
    assert compile_case(case).archetype == ARCHETYPES[case["id"]]


def test_geometry_inside_canvas_and_no_overlaps(case: dict[str, Any]) -> None:
    for variant in range(min(case.get("n", 1), 2)):
        for auto in (False, True):
            plan = compile_case(case, variant=variant, auto=auto)
            assert problems(plan) == [], (case["id"], variant, auto)


def test_mirrored_variant_is_also_clean(case: dict[str, Any]) -> None:
    # n=2 of a single-image case: the second variant mirrors the composition
    w, h = (int(v) for v in case["size"].split("x"))
    from imagegen.engines.planning.planner import compile_prompt

    a = compile_prompt(case["prompt"], width=w, height=h, seed=5, variant=0, variants=2)
    b = compile_prompt(case["prompt"], width=w, height=h, seed=5, variant=1, variants=2)
    assert problems(b) == []
    assert a.theme == b.theme  # identity is shared across the n images
    if case.get("n", 1) == 1:
        assert sorted(t.text for t in a.texts()) == sorted(t.text for t in b.texts())


def test_auto_size_is_valid(case: dict[str, Any]) -> None:
    plan = compile_case(case, auto=True)
    w, h = plan.canvas.width, plan.canvas.height
    assert is_valid_size(w, h), (w, h)


def test_given_size_is_kept(case: dict[str, Any]) -> None:
    plan = compile_case(case)
    assert f"{plan.canvas.width}x{plan.canvas.height}" == case["size"]


def test_deterministic_and_round_trips(case: dict[str, Any]) -> None:
    a = compile_case(case, seed=42)
    b = compile_case(case, seed=42)
    assert a.to_json() == b.to_json()
    assert Plan.from_json(a.to_json()) == a
    import json

    assert Plan.model_validate_json(json.dumps(a.to_json())) == a


def test_text_sizes_are_readable(case: dict[str, Any]) -> None:
    plan = compile_case(case)
    for t in plan.texts():
        assert t.size >= 12, (t.id, t.size)
        assert t.min_size <= t.size
        assert t.box.w > 0 and t.box.h >= t.size, (t.id, t.box, t.size)


def test_scripts_get_language_and_direction() -> None:
    by_id = {c["id"]: c for c in CASES}
    langs = {
        "tokyo-cafe": ("ja", "ltr"),
        "seoul-sign": ("ko", "ltr"),
        "shanghai-poster": ("zh-Hans", "ltr"),
        "hindi-banner": ("hi", "ltr"),
        "bengali-card": ("bn", "ltr"),
        "cairo-shop": ("ar", "rtl"),
    }
    for cid, (lang, direction) in langs.items():
        for t in compile_case(by_id[cid]).texts():
            assert (t.lang, t.direction) == (lang, direction), cid


def test_case_specific_fonts_and_roles() -> None:
    by_id = {c["id"]: c for c in CASES}
    label = compile_case(by_id["conservation-label"])
    rows = [t for t in label.texts() if t.role == "row"]
    assert len(rows) == 6 and all(t.font.family == "League Spartan" and t.font.weight == 500 for t in rows)
    caption = next(t for t in label.texts() if t.text == "Handle with care")
    assert caption.font.family == "JetBrains Mono"
    cover = compile_case(by_id["numonic-cover"])
    mast = next(t for t in cover.texts() if t.text == "NUMONIC")
    assert mast.role == "masthead" and mast.font.family == "condensed" and mast.font.weight == 900
    assert [t.role for t in cover.texts() if t.text.startswith(("Provenance", "The 102"))] == [
        "cover_line"
    ] * 2
    code = cover.codes()[0]
    assert code.box.x < cover.canvas.width / 2 and code.box.y > cover.canvas.height / 2  # bottom left
    app = compile_case(by_id["fitness-app"])
    assert app.theme.dark and all(t.font.family == "Inter" for t in app.texts())
    assert {n.name for n in app.walk() if n.kind == "icon"} >= {
        "home",
        "bar_chart",
        "person",
        "favorite",
        "directions_walk",
        "local_fire_department",
    }
    ad = compile_case(by_id["earbuds-ad"])
    head = next(t for t in ad.texts() if t.role == "headline")
    sub = next(t for t in ad.texts() if t.role == "subhead")
    assert head.font.weight == 700 and head.size > sub.size
    manga = compile_case(by_id["detective-manga"])
    panels = [n for n in manga.nodes if n.kind == "group" and n.role == "panel"]
    assert len(panels) == 4
    for k, panel in enumerate(panels, start=1):
        bubble_texts = [c.text for c in panel.children if c.kind == "text"]
        assert len(bubble_texts) == 1, (k, bubble_texts)
    info = compile_case(by_id["ai-growth"])
    charts = [n for n in info.walk() if n.kind == "chart"]
    # one statistic is the page's hero: a ring and a bar, both of its figure, neither drawing text
    assert sorted(c.chart for c in charts) == ["donut", "progress"]
    assert all(c.series[0].value == 78 and not c.series[0].label and not c.show_values for c in charts)


def test_storyboard_spreads_frames_over_variants() -> None:
    case = next(c for c in CASES if c["id"] == "storyboard-8")
    from imagegen.engines.planning.planner import compile_prompt

    for n, expected in (
        (1, [[f"Frame {i}" for i in range(1, 9)]]),
        (2, [[f"Frame {i}" for i in range(1, 5)], [f"Frame {i}" for i in range(5, 9)]]),
        (3, [["Frame 1", "Frame 2", "Frame 3"], ["Frame 4", "Frame 5", "Frame 6"], ["Frame 7", "Frame 8"]]),
    ):
        for v in range(n):
            plan = compile_prompt(case["prompt"], width=1024, height=1024, seed=1, variant=v, variants=n)
            assert [t.text for t in plan.texts()] == expected[v]
            assert problems(plan) == []
    # more variants than frames: frames repeat in order
    plan = compile_prompt(case["prompt"], width=1024, height=1024, seed=1, variant=9, variants=10)
    assert [t.text for t in plan.texts()] == ["Frame 2"]


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4, 5, 6, 7])
def test_seed_changes_motif_not_content(seed: int) -> None:
    case = next(c for c in CASES if c["id"] == "fresh-clean")
    plan = compile_case(case, seed=seed)
    assert [t.text for t in plan.texts()] == ["Fresh and clean"]
    assert problems(plan) == []


def test_auto_sizes_follow_hints_and_archetypes() -> None:
    by_id = {c["id"]: c for c in CASES}
    ad = compile_case(by_id["earbuds-ad"], auto=True)  # says 16:9
    assert (ad.canvas.width, ad.canvas.height) == (2048, 1152) and (2048, 1152) in PRESETS
    app = compile_case(by_id["fitness-app"], auto=True)
    assert app.canvas.height > app.canvas.width
    info = compile_case(by_id["ai-growth"], auto=True)  # "at 2K resolution", portrait infographic
    assert max(info.canvas.width, info.canvas.height) == 2048 and info.canvas.height > info.canvas.width


def test_four_variants_are_four_compositions(case: dict[str, Any]) -> None:
    """n=4 of a single-image case: mirrored and second arrangements give (at least three) distinct layouts,
    every one clean, all sharing one theme."""
    if case.get("n", 1) > 1:
        pytest.skip("multi-image case: variants differ by content")
    from imagegen.engines.planning.planner import compile_prompt

    w, h = (int(v) for v in case["size"].split("x"))
    plans = [
        compile_prompt(case["prompt"], width=w, height=h, seed=3, variant=v, variants=4) for v in range(4)
    ]
    sigs = [tuple((n.id, n.box.x, n.box.y, n.box.w, n.box.h) for n in p.walk()) for p in plans]
    assert sigs[0] != sigs[1] and len(set(sigs)) >= 3
    assert all(p.theme == plans[0].theme for p in plans)
    for p in plans:
        assert problems(p) == []
