"""Geometry checks shared by the planner tests (no rendering: boxes only)."""

from __future__ import annotations

from imagegen.engines.planning.plan import ChartNode, CodeNode, IconNode, Plan, TextNode

#: nodes that carry information and must never collide with a text node
SOLID = (TextNode, CodeNode, ChartNode, IconNode)


def problems(plan: Plan) -> list[str]:
    """Every geometry rule a plan breaks: boxes inside the canvas (texts and codes inside the safe
    margins, or inside their container), and no text box intersecting another text/code/chart/icon."""
    out: list[str] = []
    w, h = plan.canvas.width, plan.canvas.height
    m = plan.canvas.margin
    nodes = list(plan.walk())
    for n in nodes:
        b = n.box
        if b.x < -0.5 or b.y < -0.5 or b.right > w + 0.5 or b.bottom > h + 0.5:
            out.append(f"{n.id} outside the canvas: {b}")
        if (
            isinstance(n, TextNode | CodeNode)
            and (b.x < m - 0.5 or b.y < m - 0.5 or b.right > w - m + 0.5 or b.bottom > h - m + 0.5)
            and plan.archetype != "app_screen"
        ):
            out.append(f"{n.id} outside the safe margins: {b}")
        if (b.w <= 1 or b.h <= 1) and n.kind != "shape":
            out.append(f"{n.id} has an empty box: {b}")
    solid = [n for n in nodes if isinstance(n, SOLID)]
    for i, a in enumerate(solid):
        for b2 in solid[i + 1 :]:
            if not (isinstance(a, TextNode) or isinstance(b2, TextNode) or isinstance(a, CodeNode)):
                continue
            if a.box.intersects(b2.box):
                out.append(f"{a.id} overlaps {b2.id}: {a.box} / {b2.box}")
    return out
