"""Issue 8, item 4: refine never makes a passing line worse: a misread currency sign on one menu line must
not set that line larger than its siblings."""

from __future__ import annotations

from PIL import Image

from imagegen.engines.planning.plan import Plan, TextNode
from imagegen.engines.planning.planner import compile_prompt
from imagegen.engines.planning.refine import refine
from imagegen.engines.planning.rendered import Rendering
from imagegen.engines.planning.report import Check, VerifyReport

MENU = 'Cafe menu titled "Morning Brew" with items (Espresso $3.50; Flat white $4.20; Croissant $2.90)'


def _menu() -> Plan:
    return compile_prompt(MENU, width=1024, height=1536, seed=2)


def _misread(plan: Plan, text: str, observed: str) -> tuple[Rendering, VerifyReport, TextNode]:
    node = next(t for t in plan.texts() if t.text == text)
    rendering = Rendering(image=Image.new("RGB", (plan.canvas.width, plan.canvas.height), "white"), scale=1.0)
    check = Check(
        kind="ocr", node_id=node.id, passed=False, detail="misread", expected=text, observed=observed
    )
    return rendering, VerifyReport(checks=[check]), node


def test_a_misread_price_keeps_its_siblings_size() -> None:
    plan = _menu()
    rendering, report, node = _misread(plan, "$4.20", "S4.20")
    sizes = {t.text: t.size for t in plan.texts() if t.role == "price"}
    refined, fixes = refine(plan, rendering, report, pass_index=1)
    after = {t.text: t.size for t in refined.texts() if t.role == "price"}
    assert after == sizes  # no line grew
    assert [f.action for f in fixes] == ["refont"] and "siblings" in fixes[0].detail
    assert next(t for t in refined.texts() if t.id == node.id).font.weight == 600
    # the box did not move or grow either
    assert next(t for t in refined.texts() if t.id == node.id).box == node.box


def test_a_lone_headline_may_still_grow() -> None:
    plan = compile_prompt('Poster "Gala Night"', width=1024, height=1024, seed=2)
    rendering, report, node = _misread(plan, "Gala Night", "Gala Nlght")
    refined, fixes = refine(plan, rendering, report, pass_index=1)
    assert any(f.action == "resize" for f in fixes)
    assert next(t for t in refined.texts() if t.id == node.id).size > node.size
