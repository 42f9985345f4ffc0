"""Issue 8, item 1: text the brief asks to show without quotes is drawn exactly, and nothing else.

Every rule of ``planner/listed.py`` on prompts of our own (tricky punctuation included), checked on the
compiled plan: the set of drawn texts, their roles, chart data, counts and layout geometry.
"""

from __future__ import annotations

from collections import Counter

import pytest
from planner_geometry import problems

from imagegen.engines.planning.plan import ChartNode, GroupNode, Plan, TextNode
from imagegen.engines.planning.planner import compile_prompt
from imagegen.engines.planning.reading.listed import read
from imagegen.engines.planning.reading.quotes import find_quotes, mask_quotes


def plan_of(prompt: str, size: str | None = None, variant: int = 0, variants: int = 1) -> Plan:
    w, h = (int(x) for x in size.split("x")) if size else (None, None)
    return compile_prompt(prompt, width=w, height=h, seed=11, variant=variant, variants=variants)


def texts(plan: Plan) -> Counter[str]:
    return Counter(t.text for t in plan.texts())


def roles(plan: Plan) -> dict[str, str]:
    return {t.text: t.role for t in plan.texts()}


def reading(prompt: str):  # type: ignore[no-untyped-def]
    return read(mask_quotes(prompt, find_quotes(prompt)), prompt)


MUSEUM = (
    "Museum label: 12 specification rows (Object ID: AST-1592-07; Maker: Georg Hartmann; Date: 1592; "
    "Material: Brass; Origin: Nuremberg; Dimensions: 32 x 18 cm; Weight: 1.2 kg; Acquired: 1921; "
    "Collection: Astronomy; Gallery: Room 4; Condition: Good; Loan: Permanent), a Code 128 barcode AST159207"
)
DASHBOARD = (
    'A SaaS dashboard titled "Pipeline Health" with a sidebar (Overview, Jobs, Assets, Settings), three KPI '
    "cards (Jobs today 1,284; Failures 3; p95 latency 412 ms) and a line chart"
)


def test_museum_label_rows_and_code_128() -> None:
    plan = plan_of(MUSEUM)
    rows = [t.text for t in plan.texts() if t.role == "row"]
    assert len(rows) == 12
    assert (
        rows[0] == "Object ID: AST-1592-07"
        and "Dimensions: 32 x 18 cm" in rows
        and rows[-1] == "Loan: Permanent"
    )
    assert [(c.symbology, c.data) for c in plan.codes()] == [("code128", "AST159207")]
    assert plan.archetype == "label"
    assert not problems(plan)


def test_saas_dashboard_sidebar_kpis_and_chart() -> None:
    plan = plan_of(DASHBOARD, "1536x1024")
    assert plan.archetype == "dashboard"
    assert texts(plan) == Counter(
        [
            "Pipeline Health",
            "Overview",
            "Jobs",
            "Assets",
            "Settings",
            "Jobs today",
            "1,284",
            "Failures",
            "3",
            "p95 latency",
            "412 ms",
        ]
    )
    r = roles(plan)
    assert (
        r["Overview"] == r["Settings"] == "nav" and r["1,284"] == "kpi_value" and r["Failures"] == "kpi_label"
    )
    cards = [n for n in plan.walk() if isinstance(n, GroupNode) and n.role == "kpi"]
    assert len(cards) == 3
    # each card holds its own label and value
    assert {tuple(c.text for c in card.children if isinstance(c, TextNode)) for card in cards} == {
        ("Jobs today", "1,284"),
        ("Failures", "3"),
        ("p95 latency", "412 ms"),
    }
    charts = [n for n in plan.walk() if isinstance(n, ChartNode)]
    assert len(charts) == 1 and charts[0].chart == "line" and not charts[0].show_values
    assert charts[0].series == []  # no data given: no series is invented
    assert not problems(plan)


@pytest.mark.parametrize("size", ["1536x1024", "1024x1024", "1024x1536"])
@pytest.mark.parametrize("variant", [0, 1])
def test_dashboard_fits_every_size_and_variant(size: str, variant: int) -> None:
    plan = plan_of(DASHBOARD, size, variant, 2)
    assert plan.archetype == "dashboard"
    assert len(plan.texts()) == 11
    assert not problems(plan), problems(plan)


def test_bar_chart_data_is_the_chart() -> None:
    plan = plan_of("A bar chart of quarterly revenue Q1 4.2, Q2 4.8, Q3 5.7")
    charts = [n for n in plan.walk() if isinstance(n, ChartNode)]
    assert len(charts) == 1
    assert charts[0].chart == "bar" and charts[0].show_values
    assert [(p.label, p.value) for p in charts[0].series] == [("Q1", 4.2), ("Q2", 4.8), ("Q3", 5.7)]
    # the subject words ("quarterly revenue") describe; they are not drawn
    assert not plan.texts()


@pytest.mark.parametrize(
    ("prompt", "kind", "points", "unit"),
    [
        (
            "Pie chart of the household budget: Rent 40%, Food 25%, Transport 15%, Savings 20%",
            "donut",
            [("Rent", 40.0), ("Food", 25.0), ("Transport", 15.0), ("Savings", 20.0)],
            "%",
        ),
        (
            "Line chart of weekly signups (Mon 120; Tue 180; Wed 260; Thu 240)",
            "line",
            [("Mon", 120.0), ("Tue", 180.0), ("Wed", 260.0), ("Thu", 240.0)],
            "",
        ),
        (
            "horizontal bar chart: North $1,200, South $950 and East $1,480",
            "hbar",
            [("North", 1200.0), ("South", 950.0), ("East", 1480.0)],
            "$",
        ),
    ],
)
def test_chart_kinds_and_units(prompt: str, kind: str, points: list[tuple[str, float]], unit: str) -> None:
    (chart,) = reading(prompt).charts
    assert chart.kind == kind and [(p.label, p.value) for p in chart.points] == points and chart.unit == unit


def test_menu_items_with_unquoted_prices() -> None:
    plan = plan_of("Cafe menu with items (Espresso $3.50; Flat white $4.20; Croissant $2.90)")
    assert plan.archetype == "menu"
    r = roles(plan)
    assert r["Espresso"] == "item" and r["$3.50"] == "price" and r["$2.90"] == "price"
    assert texts(plan) == Counter(["Espresso", "$3.50", "Flat white", "$4.20", "Croissant", "$2.90"])
    assert not problems(plan)


def test_recipe_steps_numbered_and_counted() -> None:
    prompt = (
        "Recipe card titled Lemon Drizzle Cake with five steps: 1. Cream butter 2. Add eggs 3. Fold in flour "
        "4. Bake 40 min 5. Drizzle icing"
    )
    plan = plan_of(prompt)
    steps = [t.text for t in plan.texts() if t.role == "step"]
    assert steps == ["Cream butter", "Add eggs", "Fold in flour", "Bake 40 min", "Drizzle icing"]
    assert "Lemon Drizzle Cake" in texts(plan)
    (count,) = [a for a in plan.asks if a.kind == "count"]
    assert (count.value, count.n) == ("step", 5)


def test_map_labelled_places() -> None:
    plan = plan_of("A city map with labelled places (Harbor, Old Town, Central Station & Museum Quarter)")
    assert [t.text for t in plan.texts() if t.role == "place"] == [
        "Harbor",
        "Old Town",
        "Central Station",
        "Museum Quarter",
    ]


@pytest.mark.parametrize(
    ("prompt", "want"),
    [
        (
            "Flyer: Open House, Saturday, June 12, 2027 at 4 pm, call 555-014-2277",
            {"Saturday, June 12, 2027 at 4 pm": "date", "555-014-2277": "contact"},
        ),
        (
            "Poster for a talk on 14 March 2027, doors 7:30 pm, www.example.org/talks",
            {"14 March 2027": "date", "Doors 7:30 pm": "date", "www.example.org/talks": "contact"},
        ),
        (
            "Landing page hero with a button labelled Start free trial and a badge reading NEW",
            {"Start free trial": "button", "NEW": "badge"},
        ),
        ("Real-estate flyer, price: $1,250,000", {"$1,250,000": "price"}),
        (
            "App screen with tabs: Home, Search, Library; buttons (Play, Share)",
            {"Home": "nav", "Library": "nav", "Play": "button", "Share": "button"},
        ),
    ],
)
def test_single_labelled_things(prompt: str, want: dict[str, str]) -> None:
    got = {t.text: t.role for t in reading(prompt).texts}
    for text, role in want.items():
        assert got.get(text) == role, (text, got)


@pytest.mark.parametrize(
    "prompt",
    [
        "n=4 storyboard of a cyclist (dawn, rain, flat tire, coast)",
        "A poster about 3 cats, with soft light (morning, golden)",
        "Generate an infographic: Sections with icons and bars, source labels.",
        "Details: High-end product photography, reflective surfaces, precise shadows.",
        "A cosy reading nook (armchair, lamp, books), warm light",
    ],
)
def test_descriptions_are_not_text(prompt: str) -> None:
    """Parentheses and colons after words that do not name a displayed list describe; nothing is drawn."""
    r = reading(prompt)
    assert not r.texts, r.texts
    assert not plan_of(prompt).texts()


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        # semicolons keep commas inside items
        (
            "Spec sheet rows: Size: 10, 12 and 14 mm; Finish: matte; Pack: 3",
            ["Size: 10, 12 and 14 mm", "Finish: matte", "Pack: 3"],
        ),
        # "etc." and trailing periods are not part of the last item
        ("sidebar: Home, Reports, Billing etc.", ["Home", "Reports", "Billing"]),
        # numbers with thousands separators are one value
        ("KPI cards (Orders 12,480; Refunds 37)", ["Orders", "12,480", "Refunds", "37"]),
        # an ampersand list
        ("navigation (Shop, About & Contact)", ["Shop", "About", "Contact"]),
    ],
)
def test_tricky_punctuation(prompt: str, expected: list[str]) -> None:
    assert [t.text for t in reading(prompt).texts] == expected


@pytest.mark.parametrize(
    ("prompt", "role", "n"),
    [
        ("three KPI cards (A 1; B 2; C 3)", "kpi", 3),
        ("a label with 12 rows", "row", 12),
        ("five steps", "step", 5),
        ("two buttons", "button", 2),
    ],
)
def test_counts(prompt: str, role: str, n: int) -> None:
    (count,) = reading(prompt).counts
    assert (count.role, count.n) == (role, n)


def test_every_unquoted_text_is_a_slice_of_the_prompt() -> None:
    for prompt in (MUSEUM, DASHBOARD, "Cafe menu with items (Espresso $3.50; Flat white $4.20)"):
        for t in reading(prompt).texts:
            assert prompt[t.at : t.at + len(t.text)] == t.text


def test_values_never_end_with_the_sentence_comma_and_times_are_not_ratios() -> None:
    plan = plan_of("Real-estate flyer, price: $1,250,000, doors 7:30 pm, three bedrooms")
    assert "$1,250,000" in texts(plan) and "Doors 7:30 pm" in texts(plan)
    assert plan.canvas.height >= plan.canvas.width * 0.5  # 7:30 was read as an aspect ratio before


def test_too_many_chart_points_is_a_clear_400() -> None:
    from imagegen.contract.errors import InvalidValue

    prompt = "bar chart of " + ", ".join(f"Q{i} {i}.5" for i in range(60))
    with pytest.raises(InvalidValue, match="at most 48"):
        plan_of(prompt)


@pytest.mark.parametrize(
    "prompt",
    [
        " ".join(["tabs (Home, Search)"] * 1500),
        "rows: " + "; ".join(["Key: 1"] * 3000),
        " ".join(["June 12, 2027 at 4 pm"] * 1500),
        "titled " + " ".join(["Alpha"] * 6000),
        "(" * 5000 + "a" + ")" * 5000,
    ],
)
def test_long_prompts_read_in_bounded_time(prompt: str) -> None:
    import contextlib
    import time

    from imagegen.contract.errors import InvalidValue

    # CPU time, not wall-clock: it measures the work, however busy the machine (a blow-up shows in both)
    started = time.process_time()
    # more than 200 texts is a clear 400 (InvalidValue), never a hang
    with contextlib.suppress(InvalidValue):
        plan_of(prompt[:32000])
    assert time.process_time() - started < 5.0
