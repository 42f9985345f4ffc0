"""Geometry checks: text overflowing its box, anything clipped by the canvas, text overlapping nodes.

All measures are in canvas pixels and use what the renderer *drew* (tight line boxes), not only the
plan's boxes, so a generous plan box that never fills up does not count as an overlap.
"""

from __future__ import annotations

from dataclasses import dataclass

from imagegen.engines.planning.plan import Box, GroupNode, Plan, TextNode
from imagegen.engines.planning.rendered import Rendering
from imagegen.engines.planning.report import Check
from imagegen.engines.planning.verify.pixels import union

#: sub-pixel slack: antialiasing and float boxes make exact comparisons meaningless
_EPS = 1.0


def parents(plan: Plan) -> dict[str, str]:
    """node id -> parent group id for every node inside a group."""
    out: dict[str, str] = {}
    for node in plan.walk():
        if isinstance(node, GroupNode):
            for child in node.children:
                out[child.id] = node.id
    return out


def ancestors(node_id: str, parent_of: dict[str, str]) -> set[str]:
    seen: set[str] = set()
    current = parent_of.get(node_id)
    while current is not None and current not in seen:
        seen.add(current)
        current = parent_of.get(current)
    return seen


def ink_box(rendering: Rendering, node_id: str) -> Box | None:
    """Union of the tight boxes of a text's drawn lines."""
    text = rendering.texts.get(node_id)
    return union([line.box for line in text.lines]) if text else None


def _ink_tolerance(font_size: float) -> float:
    # Accents, swashes and italic overhang legitimately stick out of a layout box by a little.
    return max(2.0, 0.08 * font_size)


def check_overflow(plan: Plan, rendering: Rendering) -> list[Check]:
    """Text that did not fit its box (renderer flag) or whose ink leaves the plan box."""
    checks: list[Check] = []
    for node_id, text in rendering.texts.items():
        node = plan.find(node_id)
        ink = ink_box(rendering, node_id)
        outside = False
        if isinstance(node, TextNode) and ink is not None:
            outside = not node.box.contains(ink, tol=_ink_tolerance(text.font_size))
        passed = not text.overflow and not outside
        if passed:
            detail = "fits its box"
        elif text.overflow:
            detail = f"does not fit its box at min size ({len(text.lines)} lines at {text.font_size:.1f}px)"
        else:
            detail = f"ink {_fmt(ink)} leaves box {_fmt(node.box if node else None)}"
        checks.append(Check(kind="overflow", node_id=node_id, passed=passed, detail=detail))
    return checks


def check_bounds(plan: Plan, rendering: Rendering) -> list[Check]:
    """Text and codes clipped by the canvas, and text clipped by a clipping group around it."""
    canvas = Box(x=0, y=0, w=plan.canvas.width, h=plan.canvas.height)
    parent_of = parents(plan)
    checks: list[Check] = []
    items: list[tuple[str, Box | None]] = [(nid, ink_box(rendering, nid)) for nid in rendering.texts]
    for code in plan.codes():
        drawn = rendering.nodes.get(code.id)
        items.append((code.id, drawn.box if drawn else code.box))
    for node_id, box in items:
        if box is None:
            continue
        problem = None
        if not canvas.contains(box, tol=_EPS):
            problem = f"{_fmt(box)} is clipped by the {plan.canvas.width}x{plan.canvas.height} canvas"
        else:
            for group_id in ancestors(node_id, parent_of):
                group = plan.find(group_id)
                if isinstance(group, GroupNode) and group.clip and not group.box.contains(box, tol=_EPS):
                    problem = f"{_fmt(box)} is clipped by group {group_id!r} {_fmt(group.box)}"
                    break
        checks.append(
            Check(kind="bounds", node_id=node_id, passed=problem is None, detail=problem or "inside canvas")
        )
    return checks


@dataclass
class _Item:
    node_id: str
    kind: str
    box: Box


def _overlap_items(plan: Plan, rendering: Rendering) -> list[_Item]:
    items: list[_Item] = []
    for node_id in rendering.texts:
        box = ink_box(rendering, node_id)
        if box is not None and box.w > 0 and box.h > 0:
            items.append(_Item(node_id, "text", box))
    for node in plan.walk():
        if node.kind in ("code", "icon"):
            drawn = rendering.nodes.get(node.id)
            items.append(_Item(node.id, node.kind, drawn.box if drawn else node.box))
    return items


def _related(a: str, b: str, parent_of: dict[str, str], rendering: Rendering) -> bool:
    """Whether two nodes are nested (text inside its own group/plate/chart is expected to overlap it)."""
    if a in ancestors(b, parent_of) or b in ancestors(a, parent_of):
        return True
    for x, y in ((a, b), (b, a)):
        drawn = rendering.nodes.get(x)
        if drawn is not None and drawn.parent_id == y:
            return True
        # derived texts (chart value labels "<chart>.value.0") belong to the node they were derived from
        if x.startswith(y + "."):
            return True
    return False


def check_overlap(plan: Plan, rendering: Rendering) -> list[Check]:
    """Text vs text, text vs code and text vs icon; one check per text (with its worst overlap)."""
    parent_of = parents(plan)
    for node_id, drawn in rendering.nodes.items():
        if drawn.parent_id and node_id not in parent_of:
            parent_of[node_id] = drawn.parent_id
    items = _overlap_items(plan, rendering)
    grid = _Grid(items)
    checks: list[Check] = []
    for item in items:
        if item.kind != "text":
            continue
        worst: tuple[float, _Item] | None = None
        # only items sharing a grid cell can intersect: near-linear in the node count, not quadratic;
        # visited in list order so the worst overlap (and its tie-break) is what a full scan would find
        for other in (items[k] for k in grid.near(item.box)):
            if other.node_id == item.node_id or _related(item.node_id, other.node_id, parent_of, rendering):
                continue
            area = _intersection(item.box, other.box)
            if area > 0 and (worst is None or area > worst[0]):
                worst = (area, other)
        if worst is None:
            checks.append(Check(kind="overlap", node_id=item.node_id, passed=True, detail="overlaps nothing"))
        else:
            area, other = worst
            checks.append(
                Check(
                    kind="overlap",
                    node_id=item.node_id,
                    passed=False,
                    detail=f"overlaps {other.kind} {other.node_id!r} by {area:.0f} px²",
                    observed=other.node_id,
                    value=area,
                )
            )
    return checks


class _Grid:
    """A uniform grid of buckets over the items' boxes (a spatial index for the overlap check).

    Each box is filed under every cell it touches; ``near(box)`` gives the indices filed under the cells
    ``box`` touches, sorted. The cell is sized so the items spread over about one per cell, and a box
    that would touch too many cells (a full-canvas frame) is kept on a short list checked against all."""

    MAX_CELLS_PER_BOX = 256

    def __init__(self, items: list[_Item]) -> None:
        boxes = [item.box for item in items]
        left = min((b.x for b in boxes), default=0.0)
        top = min((b.y for b in boxes), default=0.0)
        right = max((b.right for b in boxes), default=1.0)
        bottom = max((b.bottom for b in boxes), default=1.0)
        area = max(1.0, (right - left) * (bottom - top))
        self.origin = (left, top)
        self.cell = max(16.0, (area / max(1, len(boxes))) ** 0.5)
        self.cells: dict[tuple[int, int], list[int]] = {}
        self.wide: list[int] = []
        for index, box in enumerate(boxes):
            span = self._span(box)
            if span is None:
                self.wide.append(index)
                continue
            for key in span:
                self.cells.setdefault(key, []).append(index)

    def _span(self, box: Box) -> list[tuple[int, int]] | None:
        ox, oy = self.origin
        x0, x1 = int((box.x - ox) // self.cell), int((box.right - ox) // self.cell)
        y0, y1 = int((box.y - oy) // self.cell), int((box.bottom - oy) // self.cell)
        if (x1 - x0 + 1) * (y1 - y0 + 1) > self.MAX_CELLS_PER_BOX:
            return None
        return [(x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]

    def near(self, box: Box) -> list[int]:
        span = self._span(box)
        if span is None:  # a wide query box: every item may touch it
            return sorted({i for bucket in self.cells.values() for i in bucket} | set(self.wide))
        found: set[int] = set(self.wide)
        for key in span:
            found.update(self.cells.get(key, ()))
        return sorted(found)


def _intersection(a: Box, b: Box) -> float:
    w = min(a.right, b.right) - max(a.x, b.x)
    h = min(a.bottom, b.bottom) - max(a.y, b.y)
    # Touching or antialiasing-deep contacts are not overlaps.
    if w <= _EPS or h <= _EPS:
        return 0.0
    return w * h


def _fmt(box: Box | None) -> str:
    if box is None:
        return "(none)"
    return f"[{box.x:.0f},{box.y:.0f} {box.w:.0f}x{box.h:.0f}]"
