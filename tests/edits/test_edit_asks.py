"""A plan-level text edit replaces what the brief asked for: the asks follow the edit, so the verifier checks
the new text (not the replaced one) and a removed node's ask is dropped."""

from __future__ import annotations

from typing import Any

from imagegen.engines.planning.edits.asks_follow import follow_asks
from imagegen.engines.planning.plan import GroupNode
from imagegen.engines.planning.planner import compile_prompt


def test_asks_follow_a_changed_and_a_removed_text() -> None:
    old = compile_prompt('A sale banner with the headline "Spring Sale" and the line "20% off"',
                         width=1536, height=1024, seed=1)
    texts = {n.text: n for n in old.texts()}
    assert {"Spring Sale", "20% off"} <= set(texts)
    assert {a.value for a in old.asks if a.kind == "text"} >= {"Spring Sale", "20% off"}
    new = old.model_copy(deep=True)
    for node in new.texts():
        if node.text == "Spring Sale":
            node.text = "Summer Sale"
    removed = texts["20% off"].id

    def without(nodes: list[Any]) -> list[Any]:
        kept = [n for n in nodes if n.id != removed]
        for n in kept:
            if isinstance(n, GroupNode):
                n.children = without(n.children)
        return kept

    new.nodes = without(new.nodes)
    assert "20% off" not in [t.text for t in new.texts()]
    followed = follow_asks(old, new)
    values = [a.value for a in followed.asks if a.kind == "text"]
    assert "Summer Sale" in values and "Spring Sale" not in values and "20% off" not in values
    # nothing changed: the same plan object comes back
    assert follow_asks(old, old) is old


def test_a_named_element_is_the_one_changed() -> None:
    """"the date line" names the plan's date node (the planner's own role words), not the headline."""
    from imagegen.engines.planning.edits.instructions import parse
    from imagegen.engines.planning.edits.plan_edit import edit_plan

    plan = compile_prompt('Jazz night poster with the headline "Autumn Jazz" and the date "8 pm"',
                          width=1024, height=1024, seed=3)
    assert {(t.role, t.text) for t in plan.texts()} >= {("headline", "Autumn Jazz"), ("date", "8 pm")}
    edit = edit_plan(plan, parse('change the date line to "Saturday 9 pm"').ops)
    assert {(t.role, t.text) for t in edit.plan.texts()} >= {("headline", "Autumn Jazz"),
                                                            ("date", "Saturday 9 pm")}
    edit = edit_plan(plan, parse('change the headline to "Winter Jazz"').ops)
    assert {(t.role, t.text) for t in edit.plan.texts()} >= {("headline", "Winter Jazz"), ("date", "8 pm")}
