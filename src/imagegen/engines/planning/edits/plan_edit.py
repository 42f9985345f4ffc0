"""Plan-level edits: map instructions onto the stored plan, re-render, and composite only what changed.

``edit_plan`` turns parsed operations into a new Plan (quoted content verbatim). ``damage_mask`` compares the
old and new plans and both Renderings: the damage region is the union of the touched nodes' old and new
boxes (plan boxes, painted boxes and text line boxes), plus any pixel where the two renders differ, dilated
a few pixels for anti-aliasing. Outside it the output keeps the input's exact bytes.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from imagegen.engines.planning.edits.code_marks import validate_payload
from imagegen.engines.planning.edits.instructions import ANCHORS, Op
from imagegen.engines.planning.plan import (
    Box,
    ChartNode,
    CodeNode,
    GroupNode,
    IconNode,
    ImageNode,
    Plan,
    ShapeNode,
    TextNode,
)
from imagegen.engines.planning.rendered import Rendering
from imagegen.engines.planning.rules.contrast import BODY_MIN, contrast_ratio, hex_to_rgb, luminance

#: instruction target -> plan text roles, most specific first
ROLE_TARGETS: dict[str, tuple[str, ...]] = {
    "headline": ("headline", "title", "masthead", "sign"),
    "title": ("title", "headline", "masthead"),
    "masthead": ("masthead", "title", "headline"),
    "subhead": ("subhead", "subtitle", "tagline"),
    "caption": ("caption", "footer", "source", "footnote"),
    "footer": ("footer", "caption", "source"),
    "body": ("body", "bullet", "row"),
    "price": ("price",),
    "button": ("button",),
    "label": ("label",),
    "cover_line": ("cover_line",),
    "sign": ("sign", "headline"),
    "logo": ("logo", "masthead"),
}
_ROLE_SIZE = {
    "headline": 3.0,
    "title": 2.4,
    "subhead": 1.5,
    "caption": 0.8,
    "price": 1.6,
    "button": 1.1,
    "label": 0.9,
}


@dataclass
class PlanEdit:
    """The outcome of mapping operations onto a plan."""

    plan: Plan
    done: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: operations that could not be mapped onto the plan
    unmapped: list[Op] = field(default_factory=list)


def _reading_order(nodes: list[Any]) -> list[Any]:
    return sorted(nodes, key=lambda n: (n.box.y, n.box.x))


def find_targets(plan: Plan, target: str | None) -> list[Any]:
    """Nodes an instruction's target word names, best match first."""
    if target is None:
        return []
    if target.startswith("#"):
        # "#id1,id2": nodes named by id (masked edits of a known plan resolve "the text here" this way)
        return [n for n in (plan.find(i) for i in target[1:].split(",")) if n is not None]
    nodes = list(plan.walk())
    texts = [n for n in nodes if isinstance(n, TextNode)]
    if target in ROLE_TARGETS:
        for role in ROLE_TARGETS[target]:
            found = [t for t in texts if t.role == role]
            if found:
                # The most prominent first (largest type), then reading order.
                return sorted(found, key=lambda t: (-t.size, t.box.y, t.box.x))
        if target == "price":
            priced = [t for t in texts if re.search(r"[$€£¥₹]\s?\d|\d\s?[$€£¥₹]", t.text)]
            if priced:
                return _reading_order(priced)
        by_id = [n for n in nodes if target in n.id.lower()]
        if by_id:
            return _reading_order(by_id)
        if target in ("headline", "title", "masthead", "sign") and texts:
            # No node has that role (a product hero, an app screen): the headline is the biggest type.
            return sorted(texts, key=lambda t: (-t.size, t.box.y, t.box.x))[:1]
        return []
    if target == "qr":
        return [n for n in nodes if isinstance(n, CodeNode) and n.symbology == "qr"]
    if target == "barcode":
        return [n for n in nodes if isinstance(n, CodeNode) and n.symbology != "qr"]
    if target == "code":
        return [n for n in nodes if isinstance(n, CodeNode)]
    if target == "image":
        return [n for n in nodes if isinstance(n, ImageNode)]
    if target == "chart":
        return [n for n in nodes if isinstance(n, ChartNode)]
    if target == "icon":
        return [n for n in nodes if isinstance(n, IconNode)]
    if target == "text":
        return texts
    # a role the planner gives text nodes (date, contact, bubble, item, ...): those nodes, or ids naming it
    by_role: list[Any] = [t for t in texts if t.role == target]
    return _reading_order(by_role or [n for n in nodes if target in n.id.lower()])


def edit_plan(plan: Plan, ops: list[Op]) -> PlanEdit:
    """Apply the operations to a deep copy of ``plan``; what cannot be mapped is listed in ``unmapped``."""
    result = PlanEdit(plan.model_copy(deep=True))
    for op in ops:
        handler = _HANDLERS.get(op.kind)
        if handler is None or not handler(result, op):
            result.unmapped.append(op)
    return result


def _set_text(edit: PlanEdit, op: Op) -> bool:
    nodes = [n for n in find_targets(edit.plan, op.target) if isinstance(n, TextNode)]
    if not nodes:
        return False
    node = nodes[0]
    if len(nodes) > 1 and op.target not in ("headline", "title", "masthead"):
        edit.notes.append(f'"{op.clause}": {len(nodes)} {op.target} texts; changed the first ("{node.text}")')
    old = node.text
    node.text = op.text or ""
    _style(node, op)
    edit.done.append(f'{node.role} "{old}" -> "{node.text}"')
    return True


def _style(node: TextNode, op: Op) -> None:
    """Apply a color/weight the instruction named along with the text ("in bold red")."""
    if op.color:
        node.color = op.color
    if op.weight:
        node.font = node.font.model_copy(update={"weight": op.weight})


def _replace_text(edit: PlanEdit, op: Op) -> bool:
    old, new = op.old or "", op.text or ""
    hits = 0
    for node in edit.plan.walk():
        if isinstance(node, TextNode) and old and old in node.text:
            node.text = node.text.replace(old, new)
            hits += 1
        elif isinstance(node, CodeNode) and node.data == old:
            node.data = validate_payload(node.symbology, new)
            hits += 1
    if hits:
        edit.done.append(f'replaced "{old}" with "{new}" in {hits} node(s)')
    return hits > 0


def _free_box(
    plan: Plan,
    w: float,
    h: float,
    placement: str,
    ignore: frozenset[str] = frozenset(),
    min_h: float | None = None,
) -> Box:
    """A w x h box at ``placement`` inside the margins, slid toward the center until it is free.

    First it looks for a spot clear of everything drawn (images and shapes that do not fill the canvas
    included), letting the box shrink to ``min_h``; then for one clear of the things that must never be
    covered (text, codes, icons, charts); else it takes the anchor position as is.
    """
    cw, ch, m = plan.canvas.width, plan.canvas.height, plan.canvas.margin
    w, h = min(w, cw - 2 * m), min(h, ch - 2 * m)
    nodes = [n for n in plan.walk() if n.id not in ignore]
    solid = [n.box for n in nodes if isinstance(n, TextNode | CodeNode | IconNode | ChartNode)]
    drawn = solid + [
        n.box
        for n in nodes
        if isinstance(n, ImageNode | ShapeNode | GroupNode) and n.box.w * n.box.h < 0.5 * cw * ch
    ]
    heights = [h] if min_h is None or min_h >= h else [h, (h + min_h) / 2, min_h]
    for blockers in (drawn, solid):
        for height in heights:
            found = _slide(plan, w, height, placement, blockers)
            if found is not None:
                return found
    ax, ay = ANCHORS.get(placement, (0.5, 1.0))
    return Box(x=m + ax * (cw - 2 * m - w), y=m + ay * (ch - 2 * m - h), w=w, h=h)


def _slide(plan: Plan, w: float, h: float, placement: str, blockers: list[Box]) -> Box | None:
    """Slide from the anchor toward the center, staying in the anchor's half of the canvas."""
    cw, ch, m = plan.canvas.width, plan.canvas.height, plan.canvas.margin
    ax, ay = ANCHORS.get(placement, (0.5, 1.0))
    x = m + ax * (cw - 2 * m - w)
    y0 = m + ay * (ch - 2 * m - h)
    step = max(4.0, h / 8)
    if ay == 1.0:
        offsets = [-k * step for k in range(int(max(0.0, y0 - (ch / 2 - h / 2)) / step) + 1)]
    elif ay == 0.0:
        offsets = [k * step for k in range(int(max(0.0, (ch / 2 - h / 2) - y0) / step) + 1)]
    else:
        reach = int(ch / 4 / step)
        offsets = [d * k * step for k in range(reach + 1) for d in ((1,) if k == 0 else (-1, 1))]
    for dy in offsets:
        y = y0 + dy
        if y < m - 0.5 or y > ch - m - h + 0.5:
            continue
        candidate = Box(x=x, y=y, w=w, h=h)
        if not any(candidate.intersects(b) for b in blockers):
            return candidate
    return None


def _unique_id(plan: Plan, stem: str) -> str:
    ids = {n.id for n in plan.walk()}
    i = 1
    while f"edit-{stem}-{i}" in ids:
        i += 1
    return f"edit-{stem}-{i}"


def _add_text(edit: PlanEdit, op: Op) -> bool:
    plan = edit.plan
    role = op.target if op.target in _ROLE_SIZE or op.target in ROLE_TARGETS else "caption"
    role = role or "caption"
    theme = plan.theme
    size = theme.base_size * _ROLE_SIZE.get(role, 1.0) * min(plan.canvas.width, plan.canvas.height) / 1024
    text = op.text or ""
    lines = text.count("\n") + 1
    longest = max(len(line) for line in text.split("\n"))
    width = min(plan.canvas.width - 2 * plan.canvas.margin, longest * size * 0.62 + 2 * size)
    box = _free_box(plan, width, lines * size * 1.6 + size * 0.4, op.placement or "bottom-center")
    font = theme.heading_font if role in ("headline", "title", "masthead") else theme.body_font
    color = theme.palette.text if role != "caption" else theme.palette.muted
    background = (
        plan.canvas.background.colors[0] if plan.canvas.background.colors else theme.palette.background
    )
    color = op.color or _readable(color, background, theme.palette.text)
    node = TextNode(
        id=_unique_id(plan, role),
        box=box,
        text=text,
        role=role,
        font=font.model_copy(),
        size=round(size, 1),
        min_size=max(10.0, round(size * 0.5, 1)),
        color=color,
        align="center" if "center" in (op.placement or "bottom-center") else "left",
        valign="middle",
        max_lines=max(2, lines),
        z=max((n.z for n in plan.walk()), default=0) + 1,
        note=f"added by edit: {op.clause}",
    )
    plan.nodes.append(node)
    edit.done.append(f'added {role} "{text}" at {op.placement or "bottom-center"}')
    return True


def _readable(color: str, background: str, fallback: str) -> str:
    """``color`` if it reads on ``background`` (>= 4.5:1), else ``fallback`` or black/white."""
    for candidate in (color, fallback, "#111111", "#ffffff"):
        if contrast_ratio(candidate, background) >= BODY_MIN:
            return candidate
    return "#ffffff" if luminance(background) < 0.18 else "#111111"


def _code(edit: PlanEdit, op: Op) -> bool:
    symbology = op.symbology or "qr"
    data = validate_payload(symbology, op.data or "")
    existing = [n for n in edit.plan.codes() if n.symbology == symbology]
    if existing:
        node = existing[0]
        old = node.data
        node.data = data
        edit.done.append(f"{symbology} {old!r} -> {data!r}")
        return True
    plan = edit.plan
    short = min(plan.canvas.width, plan.canvas.height)
    w, h = (short * 0.2, short * 0.2) if symbology == "qr" else (short * 0.36, short * 0.16)
    box = _free_box(plan, w, h, op.placement or "bottom-right")
    plan.nodes.append(
        CodeNode(
            id=_unique_id(plan, symbology),
            box=box,
            symbology=symbology,
            data=data,
            quiet_zone=4 if symbology == "qr" else 10,
            note=f"added by edit: {op.clause}",
            z=max((n.z for n in plan.walk()), default=0) + 1,
        )
    )
    edit.done.append(f"added {symbology} {data!r} at {op.placement or 'bottom-right'}")
    return True


def _remove_ids(nodes: list[Any], ids: set[str]) -> list[Any]:
    kept = []
    for node in nodes:
        if node.id in ids:
            continue
        if isinstance(node, GroupNode):
            node.children = _remove_ids(node.children, ids)
        kept.append(node)
    return kept


def _remove(edit: PlanEdit, op: Op) -> bool:
    nodes = find_targets(edit.plan, op.target)
    if not nodes:
        if op.target in ("qr", "barcode", "code", "image", "chart", "icon", "logo", *ROLE_TARGETS):
            # The pixels come from this plan, so what it lacks is not in the image either: nothing to do.
            edit.notes.append(f'"{op.clause}": the image has no {op.target}; nothing was removed')
            return True
        return False
    ids = {n.id for n in nodes}
    edit.plan.nodes = _remove_ids(edit.plan.nodes, ids)
    edit.done.append(f"removed {', '.join(sorted(ids))}")
    return True


def _shift(node: Any, dx: float, dy: float) -> None:
    node.box = Box(x=node.box.x + dx, y=node.box.y + dy, w=node.box.w, h=node.box.h)
    if isinstance(node, ShapeNode) and node.tail is not None:
        node.tail = (node.tail[0] + dx, node.tail[1] + dy)
    if isinstance(node, GroupNode):
        for child in node.children:
            _shift(child, dx, dy)


def _move(edit: PlanEdit, op: Op) -> bool:
    nodes = find_targets(edit.plan, op.target)
    if not nodes or op.placement is None:
        return False
    node = nodes[0]
    min_h = node.size * node.line_height * 1.25 if isinstance(node, TextNode) else None
    target = _free_box(
        edit.plan, node.box.w, node.box.h, op.placement, ignore=frozenset({node.id}), min_h=min_h
    )
    _shift(node, target.x - node.box.x, target.y - node.box.y)
    if target.h != node.box.h:
        node.box = Box(x=node.box.x, y=node.box.y, w=node.box.w, h=target.h)
    # A moved element goes on top: it was placed on purpose, so nothing may hide it.
    node.z = max((n.z for n in edit.plan.walk()), default=0) + 1
    if isinstance(node, TextNode):
        ax = ANCHORS[op.placement][0]
        node.align = "left" if ax == 0 else "right" if ax == 1 else "center"
    edit.done.append(f"moved {node.id} to {op.placement}")
    return True


def _background(edit: PlanEdit, op: Op) -> bool:
    plan = edit.plan
    color = op.color or "#ffffff"
    bg = plan.canvas.background
    if bg.kind in ("solid", "gradient", "radial", "pattern", "procedural"):
        # Keep the background's character (a gradient stays a gradient) but move it to the new color.
        plan.canvas.background = bg.model_copy(
            update={"colors": [color] + ([_shade(color)] if bg.kind != "solid" else [])}
        )
    else:
        plan.canvas.background = bg.model_copy(update={"kind": "solid", "colors": [color]})
    plan.theme.palette.background = color
    plan.theme.dark = luminance(color) < 0.18
    recolored = []
    for node in plan.texts():
        if node.plate is None:
            fixed = _readable(node.color, color, plan.theme.palette.text)
            if fixed != node.color:
                node.color = fixed
                recolored.append(node.id)
    edit.done.append(
        f"background -> {color}"
        + (f" (text recolored for contrast: {', '.join(recolored)})" if recolored else "")
    )
    return True


def _shade(color: str) -> str:
    rgb = np.array(hex_to_rgb(color), dtype=np.float32)
    out = rgb * 0.7 if luminance(color) > 0.3 else rgb + (255 - rgb) * 0.25
    return "#" + "".join(f"{round(v):02x}" for v in out)


def _font(edit: PlanEdit, op: Op) -> bool:
    nodes = [n for n in find_targets(edit.plan, op.target) if isinstance(n, TextNode)]
    if not nodes:
        return False
    if op.target in ROLE_TARGETS:
        role = nodes[0].role
        nodes = [n for n in nodes if n.role == role]
    for node in nodes:
        update: dict[str, Any] = {}
        if op.family:
            update["family"] = op.family
        if op.weight:
            update["weight"] = op.weight
        if op.style:
            update["style"] = op.style
        node.font = node.font.model_copy(update=update)
    edit.done.append(
        f"font of {', '.join(n.id for n in nodes)} -> "
        f"{op.family or ''} {op.weight or ''} {op.style or ''}".rstrip()
    )
    return True


def _color(edit: PlanEdit, op: Op) -> bool:
    nodes = find_targets(edit.plan, op.target)
    if not nodes or not op.color:
        return False
    for node in nodes[:1] if op.target in ROLE_TARGETS else nodes:
        if isinstance(node, TextNode | IconNode):
            node.color = op.color
        elif isinstance(node, CodeNode):
            node.fg = op.color
        elif isinstance(node, ShapeNode):
            node.fill = op.color
        elif isinstance(node, ImageNode | ChartNode):
            node.colors = [op.color, *node.colors[1:]]
        elif isinstance(node, GroupNode):
            node.fill = op.color
    edit.done.append(f"{op.target} color -> {op.color}")
    return True


def _size(edit: PlanEdit, op: Op) -> bool:
    nodes = find_targets(edit.plan, op.target)
    if not nodes or not op.factor:
        return False
    node = nodes[0]
    plan, factor = edit.plan, op.factor
    m = plan.canvas.margin
    w = min(node.box.w * factor, plan.canvas.width - 2 * m)
    h = min(node.box.h * factor, plan.canvas.height - 2 * m)
    # Grow/shrink about the center, then slide back inside the margins.
    x = min(max(m, node.box.x + (node.box.w - w) / 2), plan.canvas.width - m - w)
    y = min(max(m, node.box.y + (node.box.h - h) / 2), plan.canvas.height - m - h)
    if isinstance(node, TextNode):
        node.size = round(node.size * factor, 1)
        node.min_size = min(node.min_size, node.size)
        # A text box only grows sideways when it must: type grows, the line length stays readable.
        w = max(w, node.box.w) if factor > 1 else node.box.w
        x = min(max(m, node.box.x + (node.box.w - w) / 2), plan.canvas.width - m - w)
    if isinstance(node, GroupNode):
        _shift(node, x - node.box.x, y - node.box.y)
    node.box = Box(x=x, y=y, w=w, h=h)
    edit.done.append(f"{node.id} {'bigger' if factor > 1 else 'smaller'} (x{factor:.2f})")
    return True


_HANDLERS = {
    "set_text": _set_text,
    "replace_text": _replace_text,
    "add_text": _add_text,
    "code": _code,
    "remove": _remove,
    "move": _move,
    "background": _background,
    "font": _font,
    "color": _color,
    "size": _size,
}


# --------------------------------------------------------------------------- damage region


def touched_nodes(old: Plan, new: Plan) -> tuple[set[str], bool]:
    """Ids of nodes added, removed or changed between two plans, and whether the canvas/theme changed."""
    a = {n.id: n.model_dump(mode="json", exclude={"children"}) for n in old.walk()}
    b = {n.id: n.model_dump(mode="json", exclude={"children"}) for n in new.walk()}
    touched = {i for i in a.keys() | b.keys() if a.get(i) != b.get(i)}
    global_change = old.canvas != new.canvas or old.theme != new.theme
    return touched, global_change


def _boxes_for(node_id: str, plan: Plan, rendering: Rendering) -> list[Box]:
    boxes: list[Box] = []
    node = plan.find(node_id)
    if node is not None:
        boxes.append(node.box)
    if node_id in rendering.nodes:
        boxes.append(rendering.nodes[node_id].box)
    if node_id in rendering.texts:
        boxes.extend(line.box for line in rendering.texts[node_id].lines)
    # Derived ids (chart value labels "<id>.value.0") belong to their node.
    boxes.extend(
        t.box for key, rt in rendering.texts.items() if key.startswith(node_id + ".") for t in rt.lines
    )
    return boxes


@dataclass
class Damage:
    """Where a plan edit may change pixels."""

    mask: np.ndarray
    boxes: list[list[int]]
    touched: list[str]
    global_change: bool
    #: pixels where the old and new renders differ
    changed_px: int


def damage_mask(old: Plan, new: Plan, old_r: Rendering, new_r: Rendering, *, pad: int = 3) -> Damage:
    """The damage region (True = take the new render's pixel) of a plan edit; see the module docstring."""
    w, h = new.canvas.width, new.canvas.height
    touched, global_change = touched_nodes(old, new)
    old_px = np.asarray(old_r.image.convert("RGBA"))
    new_px = np.asarray(new_r.image.convert("RGBA"))
    diff = (old_px != new_px).any(axis=2) if old_px.shape == new_px.shape else np.ones((h, w), dtype=bool)
    if global_change:
        return Damage(np.ones((h, w), dtype=bool), [[0, 0, w, h]], sorted(touched), True, int(diff.sum()))
    mask = np.zeros((h, w), dtype=bool)
    boxes: list[list[int]] = []
    for node_id in sorted(touched):
        for box in _boxes_for(node_id, old, old_r) + _boxes_for(node_id, new, new_r):
            x0, y0 = max(0, math.floor(box.x) - pad), max(0, math.floor(box.y) - pad)
            x1, y1 = min(w, math.ceil(box.right) + pad), min(h, math.ceil(box.bottom) + pad)
            if x1 > x0 and y1 > y0:
                mask[y0:y1, x0:x1] = True
                boxes.append([x0, y0, x1 - x0, y1 - y0])
    # Anything else the new plan repaints (a plate, a shadow, a reflowed neighbour) is damage too, so the
    # output never shows half of a changed element; dilated for anti-aliased edges.
    if diff.any():
        grown = cv2.dilate(diff.astype(np.uint8), np.ones((2 * pad + 1, 2 * pad + 1), np.uint8)).astype(bool)
        extra = grown & ~mask
        if extra.any():
            mask |= grown
            n, _, stats, _ = cv2.connectedComponentsWithStats(extra.astype(np.uint8), connectivity=8)
            boxes.extend([int(s[0]), int(s[1]), int(s[2]), int(s[3])] for s in stats[1:n])
    return Damage(mask, _merge(boxes), sorted(touched), False, int(diff.sum()))


def _merge(boxes: list[list[int]]) -> list[list[int]]:
    """Drop boxes fully inside another (reports stay short)."""
    out: list[list[int]] = []
    for b in sorted(boxes, key=lambda b: -(b[2] * b[3])):
        if not any(
            o[0] <= b[0] and o[1] <= b[1] and b[0] + b[2] <= o[0] + o[2] and b[1] + b[3] <= o[1] + o[3]
            for o in out
        ):
            out.append(b)
    return out


def nodes_under(plan: Plan, editable: np.ndarray, *, share: float = 0.5) -> list[Any]:
    """Nodes whose plan box lies mostly (``share`` of its area) inside the editable region, biggest first.

    Canvas-sized nodes (backgrounds, frames) never count: a mask over a headline means the headline.
    """
    h, w = editable.shape
    found = []
    for node in plan.walk():
        b = node.box
        x0, y0 = max(0, math.floor(b.x)), max(0, math.floor(b.y))
        x1, y1 = min(w, math.ceil(b.right)), min(h, math.ceil(b.bottom))
        if x1 <= x0 or y1 <= y0 or b.w * b.h >= 0.5 * w * h:
            continue
        inside = float(editable[y0:y1, x0:x1].mean())
        if inside >= share:
            found.append(node)
    return sorted(found, key=lambda n: -(n.box.w * n.box.h))
