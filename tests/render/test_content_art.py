"""Art that shows what the brief is about (docs/gallery.md): a cover pictures what its lines name, a
results slide draws its bullets' figures, a conference badge is a badge; abstract briefs keep geometry."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from imagegen.engines.planning.layouts import editorial
from imagegen.engines.planning.layouts.figures import Figure, figure_of
from imagegen.engines.planning.plan import ChartNode, IconNode, ImageNode, Plan, ShapeNode, TextNode
from imagegen.engines.planning.planner import compile_prompt
from imagegen.engines.planning.render import cover_picture
from imagegen.engines.planning.render.cover_picture import COVER_PICTURE, cover_prompt
from imagegen.engines.planning.render.illustrations.index import index
from imagegen.engines.planning.render.illustrations.words import read_brief

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "planner"))
from planner_geometry import problems

ORBIT = (
    "Magazine cover with masthead ORBIT, cover lines: The New Space Race; Living on Mars; "
    "10 Telescopes to Watch, issue 42"
)
SLIDE = (
    "A presentation slide titled Q3 Results with bullets: Revenue up 18%; Churn down to 2.1%; Two new markets"
)
BADGE = "Conference badge titled DevSummit 2027 in #1e3a8a and #f59e0b"


def _plan(prompt: str, w: int, h: int, variant: int = 0) -> Plan:
    return compile_prompt(prompt, width=w, height=h, seed=5, variant=variant, variants=max(1, variant + 1))


def _images(plan: Plan) -> list[ImageNode]:
    return [n for n in plan.walk() if isinstance(n, ImageNode)]


def test_a_cover_pictures_what_its_lines_name() -> None:
    plan = _plan(ORBIT, 1024, 1536)
    [art] = _images(plan)
    assert art.style == COVER_PICTURE == editorial.COVER_PICTURE
    assert "- Living on Mars" in art.prompt.splitlines()
    words = cover_prompt(art.prompt, index())
    things = [t.name for t in read_brief(words, index()).things]
    # the planet of "Living on Mars" is the subject; the telescopes are drawn beside it; "race" (horse
    # racing, a weak keyword match) is not
    assert things[0] == "ringed-planet" and "telescope" in things and "horse-racing" not in things
    assert cover_picture.cover_picture(art, plan.theme, 256, 384, 3, plan=plan) is not None


def test_a_cover_prefers_the_picture_the_brief_described() -> None:
    assert cover_prompt("a fox in the snow\n- Wild Winters\n- 10 Telescopes to Watch", index()) == (
        "a fox in the snow"
    )
    words = cover_prompt("Magazine cover\n- Provenance by Default\n- The 102-Day Countdown", index())
    assert [t.name for t in read_brief(words, index()).things] == ["hourglass-not-done"]


def test_an_abstract_cover_keeps_its_abstract_art() -> None:
    plan = _plan(
        "Magazine cover with masthead FORM, cover lines: Leadership Now; The Strategy Issue", 1024, 1536
    )
    [art] = _images(plan)
    assert cover_prompt(art.prompt, index()) == ""
    assert cover_picture.cover_picture(art, plan.theme, 128, 192, 3, plan=plan) is None


def test_a_slide_draws_the_figures_its_bullets_carry() -> None:
    plan = _plan(SLIDE, 1536, 1024)
    assert not _images(plan)  # no decoration: the figures are the art
    charts = [n for n in plan.walk() if isinstance(n, ChartNode)]
    assert [c.series[0].value for c in charts] == [18.0, 2.1]
    assert all(not c.show_values for c in charts)  # the bullet's own words carry the number
    icons = [n.name for n in plan.walk() if isinstance(n, IconNode)]
    assert icons[:2] == ["trending_up", "trending_down"]
    assert icons[2:] == ["public", "public"]  # two new markets: two globes
    texts = [n for n in plan.walk() if isinstance(n, TextNode)]
    title = next(t for t in texts if t.role == "title")
    # title first: the biggest text, above everything else
    assert title.size == max(t.size for t in texts) and title.box.y == min(t.box.y for t in texts)
    assert sorted(t.text for t in texts if t.role == "bullet") == sorted(
        ["Revenue up 18%", "Churn down to 2.1%", "Two new markets"]
    )
    for v in range(4):
        assert problems(_plan(SLIDE, 1536, 1024, v)) == []


def test_a_slide_without_figures_keeps_its_picture() -> None:
    plan = _plan(
        "A presentation slide titled Our Values with bullets: Be kind; Ship often; Listen first", 1536, 1024
    )
    assert _images(plan) and not [n for n in plan.walk() if isinstance(n, ChartNode)]


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        ("Revenue up 18%", Figure("percent", 18.0, "up")),
        ("Churn down to 2.1%", Figure("percent", 2.1, "down")),
        ("Two new markets", Figure("count", 2.0, None)),
        ("3 new hires", Figure("count", 3.0, None)),
        ("1,284 signups", Figure("other", 1284.0, None)),
        ("Launched the mobile app", None),
        ("10:30 Keynote", None),
        ("Demo day 14 March", None),
        ("Q3 2027 roadmap", None),
    ],
)
def test_figures_of_bullets(text: str, figure: Figure | None) -> None:
    assert figure_of(text) == figure


def test_a_conference_badge_is_a_badge() -> None:
    for v in range(4):
        plan = _plan(BADGE, 1024, 1024, v)
        assert not _images(plan)  # no abstract geometry
        shapes = {n.id: n for n in plan.walk() if isinstance(n, ShapeNode)}
        assert {"lanyard", "badge", "badge-header", "slot", "clip", "badge-stripe"} <= set(shapes)
        # the event's colours: the page in the first, the strap and header in the second
        assert shapes["lanyard"].fill == shapes["badge-header"].fill == "#f59e0b"
        card = shapes["badge"].box
        [title] = [n for n in plan.walk() if isinstance(n, TextNode)]
        assert title.text == "DevSummit 2027"
        header = shapes["badge-header"].box
        assert header.y <= title.box.y and title.box.bottom <= header.bottom + 0.5
        assert card.x <= title.box.x and title.box.right <= card.right
        # the strap hangs from the page's top edge to the card
        assert shapes["lanyard"].box.y == 0 and shapes["lanyard"].box.bottom > card.y
        assert problems(plan) == []


def test_an_abstract_poster_still_gets_geometry() -> None:
    plan = _plan("Abstract geometric poster titled Form and Void", 1024, 1536)
    [art] = _images(plan)
    assert art.style == "geometric"


def test_a_launch_poster_shows_a_rocket_not_its_headline_words() -> None:
    plan = _plan(
        'A launch poster with the headline "Ship It Friday" and a QR code linking to https://example.com',
        1024,
        1536,
    )
    [art] = _images(plan)
    assert art.style.startswith(COVER_PICTURE) and "- Ship It Friday" in art.prompt.splitlines()
    # the occasion the brief names wins over the headline's "Ship" (a verb here, not a boat)
    assert cover_prompt(art.prompt, index()) == "rocket"
    assert cover_picture.cover_picture(art, plan.theme, 128, 192, 3, plan=plan) is not None


def test_a_poster_keeps_the_picture_its_brief_describes() -> None:
    plan = _plan("Jazz festival poster titled Blue Notes, Saturday 21 June 2027, Riverside Park", 1024, 1536)
    [art] = _images(plan)
    # the planner's own picture prompt is drawn as it always was (a saxophone, however weak the match)
    assert cover_prompt(art.prompt, index()) == "Jazz festival poster titled Blue Notes"


def test_a_chart_the_brief_names_is_the_picture_never_a_bar_of_chocolate() -> None:
    # no numbers: an empty frame, as on a dashboard (no series invented, no illustration of "bar")
    plan = compile_prompt('Quarterly results slide "Revenue up 18%" with a bar chart of four quarters',
                          width=1024, height=1024, seed=3)
    charts = [n for n in plan.walk() if n.kind == "chart"]
    assert len(charts) == 1 and charts[0].chart == "bar" and charts[0].series == []
    assert not [n for n in plan.walk() if n.kind == "image"]
    # with numbers on a poster: the chart of those numbers
    plan = compile_prompt("Poster titled Growth with a bar chart of revenue Q1 4.2, Q2 4.8, Q3 5.7",
                          width=1024, height=1536, seed=3)
    [chart] = [n for n in plan.walk() if n.kind == "chart"]
    assert [(p.label, p.value) for p in chart.series] == [("Q1", 4.2), ("Q2", 4.8), ("Q3", 5.7)]
    # and the word still draws the thing where it is one
    assert read_brief("A chocolate bar on a plate", index()).things
    assert not read_brief("a bar chart of four quarters", index()).things
