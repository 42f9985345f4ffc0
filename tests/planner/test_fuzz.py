"""Property test: prompts assembled from the phrasing people use always compile to a valid plan that draws
every quoted string exactly once, inside the canvas, without text overlaps."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from planner_geometry import problems

from imagegen.engines.planning.plan import Plan
from imagegen.engines.planning.planner import compile_prompt

DESIGNS = [
    "A poster",
    "A magazine cover",
    "An iOS app screen in a smartphone frame",
    "An infographic",
    "A cafe menu",
    "A concert ticket",
    "A 3:1 web banner",
    "A 4-panel manga page",
    "Eight storyboard frames",
    "A museum label",
    "A neon sign on a brick wall",
    "A presentation slide",
    "A greeting card",
    "A product hero shot of a bottle",
    "Scene: a studio. Subject: a sneaker.",
    "A spec sheet",
]
LEADS = [
    "Headline",
    "with the headline",
    "subhead",
    "a caption",
    "a button",
    "speech bubble",
    "6 specification rows:",
    "Panel 2: she runs, speech bubble",
    "icons labeled",
    "the sign reads",
    "Title",
    "Masthead",
    "Cover lines",
    "bullets",
    "Text:",
    "and",
    ",",
    "Volume",
    "items",
    "tagline",
    "with the Hindi text",
    "stats",
]
TAILS = [
    "",
    " in bold sans-serif",
    " centered",
    " at the top",
    " in smaller font",
    " below",
    " in JetBrains Mono",
    " top-right",
    " in Poppins Medium",
    ", dark mode",
    ", warm colors",
    ", gold on deep blue",
]
WORDS = st.text(
    alphabet=st.sampled_from(
        list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789 .!?:'-%") + list("コーヒ서울上海नमস্তقهوة")
    ),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() != "" and '"' not in s)


@st.composite
def prompts(draw: st.DrawFn) -> tuple[str, list[str]]:
    parts = [draw(st.sampled_from(DESIGNS))]
    quoted: list[str] = []
    for _ in range(draw(st.integers(1, 9))):
        text = draw(WORDS)
        quoted.append(text)
        parts.append(f'{draw(st.sampled_from(LEADS))} "{text}"{draw(st.sampled_from(TAILS))}')
    return ". ".join(parts), quoted


@settings(
    max_examples=70,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
    database=None,
)
@given(
    prompts(), st.sampled_from([(1024, 1024), (1536, 1024), (1024, 1536), (None, None)]), st.integers(0, 3)
)
def test_any_prompt_compiles_exactly(
    case: tuple[str, list[str]], size: tuple[int | None, int | None], variant: int
) -> None:
    prompt, quoted = case
    plan = compile_prompt(prompt, width=size[0], height=size[1], seed=variant, variant=variant, variants=4)
    assert Plan.from_json(plan.to_json()) == plan
    drawn = Counter(t.text for t in plan.texts())
    if plan.archetype == "storyboard":
        assert set(drawn) <= set(quoted)
    else:
        assert drawn == Counter(quoted), (prompt, drawn, quoted)
    assert problems(plan) == [], (prompt, problems(plan))
