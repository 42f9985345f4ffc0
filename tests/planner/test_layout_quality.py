"""Layout quality: no blank canvases, a balanced infographic, a real type hierarchy, ``Text:`` labels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from planner_geometry import problems

from imagegen.engines.planning.plan import ChartNode, ImageNode, Plan, TextNode
from imagegen.engines.planning.planner import compile_prompt
from imagegen.engines.planning.reading.content import asked_text, extract

#: one prompt without quotes per archetype (the archetype it must pick, the prompt)
UNQUOTED: list[tuple[str, str]] = [
    ("menu", "A menu card for a cafe with prices, warm colors"),
    ("poster", "A poster for a jazz festival, blue and gold"),
    ("poster", "A bold minimal poster, warm colors"),
    ("product_hero", "A product hero shot of a red sneaker"),
    ("banner", "A wide banner for a summer sale"),
    ("social_card", "A social media card announcing a new podcast episode"),
    ("slide", "A presentation slide about quarterly revenue growth"),
    ("sign", "A neon sign for a bar on a brick wall"),
    ("sign", "A wooden sign for a bakery"),
    ("magazine_cover", "A magazine cover about travel in Japan"),
    ("infographic", "An infographic about renewable energy adoption"),
    ("spec_sheet", "A spec sheet for a wireless speaker"),
    ("ticket", "A concert ticket for a rock show"),
    ("app_screen", "A fitness app screen, dark mode"),
    ("comic_page", "A four-panel comic about a cat stealing a sandwich"),
    ("storyboard", "A storyboard of a courier delivering a package"),
]


def _visible_share(plan: Plan) -> float:
    """The share of the canvas covered by the union of non-text nodes that draw something (coarse grid)."""
    w, h = plan.canvas.width, plan.canvas.height
    step = 16
    cells: set[tuple[int, int]] = set()
    for n in plan.walk():
        if n.kind in ("text", "group"):
            continue
        b = n.box
        for gx in range(int(b.x // step), int(b.right // step) + 1):
            for gy in range(int(b.y // step), int(b.bottom // step) + 1):
                inside_x = gx * step >= b.x - step / 2 and (gx + 1) * step <= b.right + step / 2
                inside_y = gy * step >= b.y - step / 2 and (gy + 1) * step <= b.bottom + step / 2
                if inside_x and inside_y:
                    cells.add((gx, gy))
    return len(cells) * step * step / (w * h)


@pytest.mark.parametrize("size", [(None, None), (1024, 1024), (1536, 1024), (1024, 1536)])
@pytest.mark.parametrize(("archetype", "prompt"), UNQUOTED, ids=[p for _, p in UNQUOTED])
def test_unquoted_prompts_compose_a_picture_without_text(
    archetype: str, prompt: str, size: tuple[int | None, int | None]
) -> None:
    for variant in range(4):
        plan = compile_prompt(prompt, width=size[0], height=size[1], seed=7, variant=variant, variants=4)
        assert plan.archetype == archetype
        nodes = list(plan.walk())
        # text not in quotes is never drawn
        assert not [n for n in nodes if isinstance(n, TextNode)], prompt
        # and never through a chart label either
        assert all(not p.label for n in nodes if isinstance(n, ChartNode) for p in n.series)
        # the subject is pictured, over a reasonable area of the page
        images = [n for n in nodes if isinstance(n, ImageNode)]
        assert images, prompt
        assert max(i.box.w * i.box.h for i in images) >= 0.2 * plan.canvas.width * plan.canvas.height
        assert _visible_share(plan) >= 0.4, (prompt, variant, _visible_share(plan))
        # a generic style with no subject would render as a bare gradient
        assert all(i.style != "abstract" or i.prompt for i in images)
        assert not problems(plan), problems(plan)


def test_unquoted_menu_is_a_menu_not_a_blank_card() -> None:
    plan = compile_prompt("A menu card for a cafe with prices, warm colors", width=1024, height=1024, seed=1)
    kinds = [n.kind for n in plan.walk()]
    assert kinds.count("image") == 1 and kinds.count("icon") >= 3
    art = next(n for n in plan.walk() if isinstance(n, ImageNode))
    assert art.style == "food"
    # icons are pictures of the prompt's nouns first (the cafe), never of the design's kind ("card")
    icons = [n.name for n in plan.walk() if n.kind == "icon"]
    assert icons[0] == "coffee" and "credit_card" not in icons


def _case(case_id: str) -> dict[str, str]:
    data = json.loads((Path(__file__).parent / "text_cases.json").read_text())
    cases = data["cases"] if isinstance(data, dict) else data
    return next(c for c in cases if c["id"] == case_id)


def _compile_case(case_id: str, variant: int = 0, variants: int = 1) -> Plan:
    c = _case(case_id)
    w, h = (int(x) for x in c["size"].split("x"))
    return compile_prompt(c["prompt"], width=w, height=h, seed=20260422, variant=variant, variants=variants)


@pytest.mark.parametrize("variant", range(4))
def test_one_statistic_is_a_hero_with_no_dead_panel(variant: int) -> None:
    plan = _compile_case("ai-growth", variant, 4)
    nodes = list(plan.walk())
    charts = [n for n in nodes if isinstance(n, ChartNode)]
    assert sorted(c.chart for c in charts) == ["donut", "progress"]
    ring = next(c for c in charts if c.chart == "donut")
    icon = next(n for n in nodes if n.kind == "icon")
    # the stat's icon sits inside its ring
    cx, cy = icon.box.x + icon.box.w / 2, icon.box.y + icon.box.h / 2
    assert ring.box.x < cx < ring.box.right and ring.box.y < cy < ring.box.bottom
    stat = next(n for n in nodes if isinstance(n, TextNode) and n.role == "stat")
    title = next(n for n in nodes if isinstance(n, TextNode) and n.role == "title")
    # the hero figure is set large: more than half the title's size
    assert stat.size >= 0.5 * title.size
    # the page is used: the stat card fills the body from the title to the margin, and no decorative
    # chart art sits beside it (it would read as data nobody gave)
    assert not any(isinstance(n, ImageNode) for n in nodes)
    card = next(n for n in nodes if n.id == "card")
    safe_bottom = plan.canvas.height - plan.canvas.margin
    assert card.box.bottom >= safe_bottom - 2
    assert card.box.h >= 0.5 * plan.canvas.height
    assert not problems(plan)


def test_several_statistics_are_sections() -> None:
    prompt = (
        'Infographic: Title "Remote Work 2026". Stats: "Remote teams: 64%", "Hybrid offices: 52%", '
        '"Four-day weeks: 18%".'
    )
    plan = compile_prompt(prompt, width=1024, height=1536, seed=3)
    charts = [n for n in plan.walk() if isinstance(n, ChartNode)]
    assert [c.chart for c in charts] == ["progress"] * 3
    assert len([n for n in plan.walk() if n.kind == "icon"]) == 3
    assert not problems(plan)


def _sizes(plan: Plan) -> dict[str, float]:
    return {n.role: n.size for n in plan.walk() if isinstance(n, TextNode)}


@pytest.mark.parametrize(
    ("case_id", "low", "high"),
    [("shanghai-poster", 0.55, 0.7), ("earbuds-ad", 0.4, 0.62)],
)
def test_subhead_is_a_share_of_its_headline(case_id: str, low: float, high: float) -> None:
    for variant in range(4):
        sizes = _sizes(_compile_case(case_id, variant, 4))
        ratio = sizes["subhead"] / sizes["headline"]
        assert low <= ratio <= high, (case_id, variant, sizes)


def test_ad_headline_is_display_size() -> None:
    plan = _compile_case("earbuds-ad")
    head = next(n for n in plan.walk() if isinstance(n, TextNode) and n.role == "headline")
    # an ad's headline is display type (it was ~4% of the canvas height)
    assert head.size >= 0.07 * plan.canvas.height


def test_captions_stay_small() -> None:
    prompt = 'Poster: headline "Night Market", subhead "Every Friday", caption "Free entry for all"'
    sizes = _sizes(compile_prompt(prompt, width=1024, height=1536, seed=1))
    assert sizes["caption"] < sizes["subhead"] < sizes["headline"]
    assert sizes["caption"] <= 0.35 * sizes["headline"]


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("Text: Welcome", ["Welcome"]),
        ("A greeting card with flowers. Text: Welcome", ["Welcome"]),
        ("A greeting card with flowers. Text: Welcome home.", ["Welcome home"]),
        ("A card. Text: Happy Birthday, Mia! Style: pastel colors", ["Happy Birthday, Mia!"]),
        ("A neon sign. Text: OPEN 24/7", ["OPEN 24/7"]),
        # quotes in the segment are the text; type words describe type; a long segment is a description
        ('A poster. Text: headline "Hello" in bold', ["Hello"]),
        ("A poster. Text: bold headline at the top, centered", []),
        ("A poster. Text: a friendly greeting for the neighbours who moved in last week", []),
    ],
)
def test_text_label_asks_for_its_words(prompt: str, expected: list[str]) -> None:
    plan = compile_prompt(prompt, width=1024, height=1024, seed=5)
    assert sorted(n.text for n in plan.walk() if isinstance(n, TextNode)) == sorted(expected)


def test_text_label_offset_points_at_the_words() -> None:
    prompt = "A card. Text: Welcome"
    content = extract(prompt)
    seg = next(s for s in content.segments if s.key == "text")
    asked = asked_text(seg, [], prompt)
    assert asked is not None
    assert prompt[asked[1] : asked[1] + len(asked[0])] == "Welcome"
    item = next(t for t in content.texts if t.text == "Welcome")
    assert item.role is None  # the layout gives it the archetype's main slot


def test_welcome_is_the_headline() -> None:
    plan = compile_prompt("A greeting card with flowers. Text: Welcome", width=1024, height=1024, seed=5)
    node = next(n for n in plan.walk() if isinstance(n, TextNode))
    assert node.role == "headline" and node.text == "Welcome"


@pytest.mark.parametrize("case_id", ["fresh-clean", "open-studio", "bengali-card"])
def test_type_only_headline_is_designer_sized(case_id: str) -> None:
    """A short headline alone on the page is set big (~15-22% of the short edge), not at an OCR cap."""
    for variant in range(4):
        plan = _compile_case(case_id, variant, 4)
        short = min(plan.canvas.width, plan.canvas.height)
        head = next(n for n in plan.walk() if isinstance(n, TextNode) and n.role in ("headline", "title"))
        assert 0.14 * short <= head.size <= 0.22 * short + 0.5, (case_id, variant, head.size)
        assert not problems(plan)


def test_no_text_exceeds_the_display_maximum() -> None:
    data = json.loads((Path(__file__).parent / "text_cases.json").read_text())
    for c in data["cases"] if isinstance(data, dict) else data:
        for variant in range(2):
            plan = _compile_case(c["id"], variant, 2)
            short = min(plan.canvas.width, plan.canvas.height)
            sizes = [n.size for n in plan.walk() if isinstance(n, TextNode)]
            assert max(sizes, default=0.0) <= 0.22 * short + 0.5, (c["id"], variant, sizes)
