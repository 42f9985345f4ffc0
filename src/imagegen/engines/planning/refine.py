"""Refine: turn the verifier's failures into plan changes, for the next render.

One call makes one pass: it reads the failed checks, changes a copy of the plan (never a text node's
content: only boxes, sizes, weights, faces, colors and plates) and says what it changed as ``Fix``
entries. The engine loops render -> verify -> refine within the quality budget and keeps the best
render (see ``engine.py``).

Per failure, escalating with the number of earlier fixes for the same node:
- overflow: grow the box into free space + allow one more line; then shrink the type.
- bounds: move the box back inside the canvas (or its clipping group); shrink what cannot fit.
- overlap: move the smaller text to the nearest free spot; shrink it when no spot is free.
- contrast: recolor the text (palette color first, then black/white); a plate when no color is enough.
- ocr: a bigger, bolder size; then a plate and a plain sans face.
- code: a bigger symbol with a wider quiet zone, black on white.
- glyphs: switch to the generic sans family, whose fallback chain covers the most scripts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

import numpy as np

from imagegen.engines.planning.plan import Box, CodeNode, GroupNode, Plan, ShapeNode, TextNode
from imagegen.engines.planning.rendered import Rendering
from imagegen.engines.planning.report import Check, Fix, VerifyReport
from imagegen.engines.planning.rules.contrast import (
    BODY_MIN,
    LARGE_MIN,
    hex_to_rgb,
    is_large,
    relative_luminance,
)
from imagegen.engines.planning.rules.sizes import MIN_LEGIBLE
from imagegen.engines.planning.verify.contrast import background_samples, contrast_ratio
from imagegen.engines.planning.verify.geometry import ancestors, ink_box, parents

#: space kept between a moved/grown box and its neighbours, px
GAP = 8.0


def refine(
    plan: Plan, rendering: Rendering, report: VerifyReport, *, pass_index: int, history: Iterable[Fix] = ()
) -> tuple[Plan, list[Fix]]:
    """One refinement pass: a changed copy of ``plan`` and the fixes made (empty: nothing more to try)."""
    new = plan.model_copy(deep=True)
    tried = Counter((f.node_id, f.action) for f in history)
    per_node = Counter(f.node_id for f in history)
    fixes: list[Fix] = []
    touched: set[str] = set()
    deferred: set[str] = set()
    failures = report.failures()
    # Geometry first: a node that moves or grows changes what is behind it, so contrast/OCR fixes for the
    # same node wait for the next pass (one cause at a time keeps the loop from oscillating).
    order = {"glyphs": 0, "bounds": 1, "overflow": 2, "overlap": 3, "code": 4, "contrast": 5, "ocr": 6}
    for check in sorted(failures, key=lambda c: order.get(c.kind, 9)):
        if check.node_id is None or check.node_id in touched:
            continue
        node = new.find(check.node_id)
        made: list[Fix] = []
        if isinstance(node, TextNode):
            handler = {
                "glyphs": _fix_glyphs,
                "bounds": _fix_bounds,
                "overflow": _fix_overflow,
                "overlap": _fix_overlap,
                "contrast": _fix_contrast,
                "ocr": _fix_ocr,
            }.get(check.kind)
            if handler is not None:
                if check.kind in ("contrast", "ocr") and node.id in deferred:
                    continue
                if check.kind == "overlap" and check.observed:
                    # both texts' pixels are compromised by the overlap: judge their contrast/OCR after it
                    deferred.update((node.id, check.observed))
                    mover = _which_moves(new, rendering, node, check.observed, touched)
                    if mover is None:
                        continue
                    if mover is not node:
                        check = replace(check, node_id=mover.id, observed=node.id)
                        node = mover
                made = handler(_Context(new, rendering, pass_index, tried, per_node[node.id]), node, check)
        elif isinstance(node, CodeNode) and check.kind in ("code", "bounds"):
            made = _fix_code(_Context(new, rendering, pass_index, tried, per_node[node.id]), node, check)
        if made:
            touched.update(f.node_id for f in made)
            fixes.extend(made)
    fixes.extend(_fix_missing_colors(new, failures, tried, pass_index))
    return new, fixes


def _fix_missing_colors(plan: Plan, failures: list[Check], tried: Counter, pass_index: int) -> list[Fix]:
    """A colour the brief named that does not show (the art ignored it, only a hairline rule carries it): a
    slim full-bleed colour bar along the foot of the page, the way a printed piece carries a brand colour
    (a heavy frame around the whole page would outshout the design). A second colour stacks above the
    first. Each colour is tried once."""
    fixes: list[Fix] = []
    for check in failures:
        if check.kind != "ask" or not (check.expected or "").startswith("colour "):
            continue
        color = (check.expected or "").rsplit("(", 1)[-1].rstrip(")")
        frame_id = f"color-frame-{color.lstrip('#')}"
        if tried[(frame_id, "recolor")] or plan.find(frame_id) is not None or len(color) != 7:
            continue
        w, h = plan.canvas.width, plan.canvas.height
        # about 1% of the page: well over the share the colour check needs, and still a hairline of design
        band = max(6.0, h * 0.011)
        y = h - band * (1 + len(fixes))
        plan.nodes.insert(
            0,
            ShapeNode(id=frame_id, box=Box(x=0, y=y, w=w, h=band), z=1, shape="rect", fill=color),
        )
        fixes.append(
            Fix(pass_index=pass_index, node_id=frame_id, action="recolor", detail=f"frame in {color} (asked)")
        )
    return fixes


class _Context:
    def __init__(
        self, plan: Plan, rendering: Rendering, pass_index: int, tried: Counter, earlier: int
    ) -> None:
        self.plan = plan
        self.rendering = rendering
        self.pass_index = pass_index
        self.tried = tried
        #: how many fixes this node already had in earlier passes (escalation level)
        self.earlier = earlier

    def grown(
        self, node: TextNode | CodeNode, factor_w: float, factor_h: float, align: str, valign: str
    ) -> Box:
        """The node's box grown towards the free space of this rendering (see ``_grow``)."""
        area = _area(self.plan, node.id, node.box)
        obstacles = _obstacles(self.plan, self.rendering, node.id)
        return _grow(
            node.box, area, obstacles, factor_w=factor_w, factor_h=factor_h, align=align, valign=valign
        )

    def fix(self, node_id: str, action: str, detail: str) -> Fix:
        return Fix(pass_index=self.pass_index, node_id=node_id, action=action, detail=detail)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------- space


def _area(plan: Plan, node_id: str, current: Box) -> Box:
    """Where a node may live: the canvas inside its margin (or the node's own current extent, if it was
    already placed closer to an edge), intersected with its clipping group."""
    margin = min(plan.canvas.margin, 24.0)
    x0 = min(margin, max(0.0, current.x))
    y0 = min(margin, max(0.0, current.y))
    x1 = max(plan.canvas.width - margin, min(float(plan.canvas.width), current.right))
    y1 = max(plan.canvas.height - margin, min(float(plan.canvas.height), current.bottom))
    parent_of = parents(plan)
    for group_id in ancestors(node_id, parent_of):
        group = plan.find(group_id)
        if isinstance(group, GroupNode) and group.clip:
            inset = min(12.0, group.box.w / 10, group.box.h / 10)
            x0, y0 = max(x0, group.box.x + inset), max(y0, group.box.y + inset)
            x1, y1 = min(x1, group.box.right - inset), min(y1, group.box.bottom - inset)
    return Box(x=x0, y=y0, w=max(0.0, x1 - x0), h=max(0.0, y1 - y0))


def _obstacles(plan: Plan, rendering: Rendering, node_id: str) -> list[Box]:
    """What a moving/growing node must stay clear of: other texts' ink, codes, icons, charts."""
    parent_of = parents(plan)
    mine = ancestors(node_id, parent_of)
    out: list[Box] = []
    for node in plan.walk():
        if node.id == node_id or node.id in mine or node_id in ancestors(node.id, parent_of):
            continue
        if isinstance(node, TextNode):
            box = ink_box(rendering, node.id) or node.box
        elif node.kind in ("code", "icon", "chart"):
            drawn = rendering.nodes.get(node.id)
            box = drawn.box if drawn else node.box
        else:
            continue
        out.append(box)
    return out


def _clear(box: Box, obstacles: list[Box]) -> bool:
    grown = Box(x=box.x - GAP / 2, y=box.y - GAP / 2, w=box.w + GAP, h=box.h + GAP)
    return not any(grown.intersects(o) for o in obstacles)


def _grow(
    box: Box, area: Box, obstacles: list[Box], *, factor_w: float, factor_h: float, align: str, valign: str
) -> Box:
    """The box grown towards free space (by at most the factors), stopping at obstacles and the area."""

    def spans_y(o: Box) -> bool:
        return o.y < box.bottom and box.y < o.bottom

    def spans_x(o: Box, x0: float, x1: float) -> bool:
        return o.x < x1 and x0 < o.right

    right = min([area.right] + [o.x - GAP for o in obstacles if spans_y(o) and o.x >= box.right - 1])
    left = max([area.x] + [o.right + GAP for o in obstacles if spans_y(o) and o.right <= box.x + 1])
    x0, x1 = _span(box.x, box.right, left, right, box.w * (factor_w - 1), align)
    bottom = min(
        [area.bottom] + [o.y - GAP for o in obstacles if spans_x(o, x0, x1) and o.y >= box.bottom - 1]
    )
    top = max([area.y] + [o.bottom + GAP for o in obstacles if spans_x(o, x0, x1) and o.bottom <= box.y + 1])
    y0, y1 = _span(box.y, box.bottom, top, bottom, box.h * (factor_h - 1), valign)
    return Box(x=x0, y=y0, w=max(box.w, x1 - x0), h=max(box.h, y1 - y0))


def _span(
    lo: float, hi: float, floor: float, ceiling: float, extra: float, anchor: str
) -> tuple[float, float]:
    """``[lo, hi]`` grown by ``extra`` within ``[floor, ceiling]``: from its start edge (anchor left/top),
    from its end edge (right/bottom), or evenly on both sides."""
    if anchor in ("left", "top"):
        return lo, min(ceiling, hi + extra)
    if anchor in ("right", "bottom"):
        return max(floor, lo - extra), hi
    half = min(extra / 2, ceiling - hi, lo - floor)
    return lo - max(0.0, half), hi + max(0.0, half)


def _fmt(box: Box) -> str:
    return f"[{box.x:.0f},{box.y:.0f} {box.w:.0f}x{box.h:.0f}]"


# ----------------------------------------------------------------------------------------- text fixes


def _shrink(ctx: _Context, node: TextNode, factor: float, why: str) -> list[Fix]:
    drawn = ctx.rendering.texts.get(node.id)
    current = drawn.font_size if drawn else node.size
    target = max(MIN_LEGIBLE, current * factor)
    if target >= current - 0.25:
        return []
    node.size = max(target, MIN_LEGIBLE)
    node.min_size = min(node.min_size, node.size)
    return [ctx.fix(node.id, "shrink", f"{why}: type {current:.1f}px -> {node.size:.1f}px")]


def _fix_overflow(ctx: _Context, node: TextNode, check: Check) -> list[Fix]:
    fixes: list[Fix] = []
    if ctx.earlier == 0:
        grown = ctx.grown(node, 1.35, 1.6, node.align, node.valign)
        if grown.w > node.box.w + 1 or grown.h > node.box.h + 1:
            fixes.append(
                ctx.fix(node.id, "resize", f"box grown into free space {_fmt(node.box)} -> {_fmt(grown)}")
            )
            node.box = grown
        if " " in node.text.strip() and node.max_lines < 6 and grown.h > node.box.h * 0.99:
            node.max_lines += 1
            fixes.append(ctx.fix(node.id, "rewrap", f"allowed {node.max_lines} lines"))
    if not fixes:
        # the renderer already shrank to min_size: lower the floor (never below legible)
        fixes = _shrink(ctx, node, 0.82, "does not fit")
        if fixes:
            node.min_size = max(MIN_LEGIBLE, min(node.min_size, node.size * 0.85))
    return fixes


def _fix_bounds(ctx: _Context, node: TextNode, check: Check) -> list[Fix]:
    area = _area(ctx.plan, node.id, Box(x=0, y=0, w=0, h=0))
    ink = ink_box(ctx.rendering, node.id) or node.box
    # the ink may extend past the plan box; move the plan box by what it takes to bring the ink inside
    dx = max(0.0, area.x - ink.x) - max(0.0, ink.right - area.right)
    dy = max(0.0, area.y - ink.y) - max(0.0, ink.bottom - area.bottom)
    fixes: list[Fix] = []
    if ink.w > area.w or ink.h > area.h:
        fixes += _shrink(
            ctx, node, min(area.w / max(ink.w, 1), area.h / max(ink.h, 1)) * 0.95, "larger than the canvas"
        )
    if abs(dx) > 0.5 or abs(dy) > 0.5:
        old = node.box
        x = min(max(old.x + dx, area.x), max(area.x, area.right - old.w))
        y = min(max(old.y + dy, area.y), max(area.y, area.bottom - old.h))
        node.box = Box(x=x, y=y, w=min(old.w, area.w), h=min(old.h, area.h))
        fixes.append(ctx.fix(node.id, "move", f"moved inside the canvas {_fmt(old)} -> {_fmt(node.box)}"))
    return fixes


def _which_moves(
    plan: Plan, rendering: Rendering, node: TextNode, other_id: str, touched: set[str]
) -> TextNode | None:
    """Of two overlapping texts, the smaller type moves (the headline keeps its place)."""
    other = plan.find(other_id)
    if not isinstance(other, TextNode):
        return node
    if other.id in touched:
        return None  # the pair was handled already this pass
    size = rendering.texts[node.id].font_size if node.id in rendering.texts else node.size
    other_size = rendering.texts[other.id].font_size if other.id in rendering.texts else other.size
    return other if (other_size, other.id) < (size, node.id) else node


def _fix_overlap(ctx: _Context, node: TextNode, check: Check) -> list[Fix]:
    ink = ink_box(ctx.rendering, node.id) or node.box
    obstacles = _obstacles(ctx.plan, ctx.rendering, node.id)
    area = _area(ctx.plan, node.id, node.box)
    candidates: list[tuple[float, float, float]] = []
    for blocker in obstacles:
        if not ink.intersects(blocker):
            continue
        for dx, dy in (
            (0.0, blocker.bottom + GAP - ink.y),
            (0.0, blocker.y - GAP - ink.bottom),
            (blocker.right + GAP - ink.x, 0.0),
            (blocker.x - GAP - ink.right, 0.0),
        ):
            moved = Box(x=ink.x + dx, y=ink.y + dy, w=ink.w, h=ink.h)
            if area.contains(moved, tol=0.5) and _clear(moved, obstacles):
                candidates.append((abs(dx) + abs(dy), dx, dy))
    if candidates:
        _, dx, dy = min(candidates)
        old = node.box
        node.box = Box(x=old.x + dx, y=old.y + dy, w=old.w, h=old.h)
        # keep the plan box inside the canvas even where the ink was the smaller of the two
        node.box = Box(
            x=max(0.0, min(node.box.x, ctx.plan.canvas.width - node.box.w)),
            y=max(0.0, min(node.box.y, ctx.plan.canvas.height - node.box.h)),
            w=node.box.w,
            h=node.box.h,
        )
        return [
            ctx.fix(node.id, "move", f"moved clear of {check.observed!r}: {_fmt(old)} -> {_fmt(node.box)}")
        ]
    return _shrink(ctx, node, 0.8, f"no free spot next to {check.observed!r}")


def _candidate_colors(plan: Plan) -> list[str]:
    p = plan.theme.palette
    seen: list[str] = []
    for color in (
        p.text,
        p.primary,
        p.secondary,
        p.accent,
        p.on_accent,
        p.background,
        p.surface,
        "#000000",
        "#ffffff",
    ):
        if color[:7].lower() not in seen:
            seen.append(color[:7].lower())
    return seen


def _worst_ratio(samples: np.ndarray, color: str) -> float:
    lum = relative_luminance(samples)
    text = float(relative_luminance(np.array(hex_to_rgb(color))))
    ratios = (np.maximum(lum, text) + 0.05) / (np.minimum(lum, text) + 0.05)
    return float(np.percentile(ratios, 10))


def _fix_contrast(ctx: _Context, node: TextNode, check: Check) -> list[Fix]:
    drawn = ctx.rendering.texts.get(node.id)
    if drawn is None:
        return []
    threshold = LARGE_MIN if is_large(drawn.font_size, node.font.weight) else BODY_MIN
    samples = np.concatenate(
        [background_samples(ctx.rendering, drawn, i) for i in range(len(drawn.lines))] or [np.zeros((0, 3))]
    )
    if len(samples) == 0:
        return []
    # a margin above the threshold: antialiasing and resampling eat a little contrast
    goal = threshold * 1.15
    scored = [(_worst_ratio(samples, c), i, c) for i, c in enumerate(_candidate_colors(ctx.plan))]
    good = [s for s in scored if s[0] >= goal]
    if good and ctx.tried[(node.id, "recolor")] == 0:
        # the first palette color (in palette order) that is good enough keeps the design's voice
        ratio, _, color = min(good, key=lambda s: s[1])
        old = node.color
        node.color = color
        return [ctx.fix(node.id, "recolor", f"text {old} -> {color}: {ratio:.2f}:1 on the pixels behind it")]
    if node.plate is not None and ctx.tried[(node.id, "plate")]:
        return []
    # no single color works on this background (busy art, mid-tone gradient): give the text a plate
    median = np.median(samples, axis=0)
    dark_behind = float(relative_luminance(median)) < 0.18
    plate, text = ("#111827", "#ffffff") if dark_behind else ("#ffffff", "#111827")
    old_color = node.color
    node.plate, node.color = plate, text
    return [
        ctx.fix(
            node.id,
            "plate",
            f"plate {plate} behind the text, text {old_color} -> {text} "
            f"({contrast_ratio(text, plate):.1f}:1)",
        )
    ]


_CONFUSABLE = str.maketrans({"I": "l", "|": "l", "1": "l", "0": "O"})


def confusable_only(expected: str, observed: str) -> bool:
    """Whether a misreading only swaps look-alike glyphs (I/l/1, O/0): the face draws them alike."""
    a = "".join(expected.split(" / ")).replace(" ", "")
    b = "".join(observed.split(" / ")).replace(" ", "")
    return a != b and a.translate(_CONFUSABLE) == b.translate(_CONFUSABLE)


def _fix_ocr(ctx: _Context, node: TextNode, check: Check) -> list[Fix]:
    drawn = ctx.rendering.texts.get(node.id)
    size = drawn.font_size if drawn else node.size
    if (
        check.expected
        and check.observed
        and confusable_only(check.expected, check.observed)
        and node.font.family != "serif"
        and not ctx.tried[(node.id, "refont")]
    ):
        # bigger type will not separate glyphs the face draws identically (Inter's I and l): a serif
        # face, whose I has serifs, is the clearest installed alternative
        old = node.font.family
        node.font = node.font.model_copy(update={"family": "serif"})
        detail = f"face {old!r} draws look-alike glyphs (read {check.observed!r}) -> serif"
        return [ctx.fix(node.id, "refont", detail)]
    if ctx.tried[(node.id, "resize")] == 0 and not _in_a_list(ctx.plan, node):
        fixes: list[Fix] = []
        node.size = max(node.size, size) * 1.2
        node.min_size = max(node.min_size, min(size * 1.1, node.size))
        grown = ctx.grown(node, 1.25, 1.3, node.align, node.valign)
        node.box = grown
        fixes.append(
            ctx.fix(
                node.id, "resize", f"misread ({check.observed!r}): type {size:.1f}px -> {node.size:.1f}px"
            )
        )
        if node.font.weight < 600:
            node.font = node.font.model_copy(update={"weight": 600})
            fixes.append(ctx.fix(node.id, "refont", "weight -> 600 (sturdier strokes read better)"))
        return fixes
    if _in_a_list(ctx.plan, node) and node.font.weight < 600 and not ctx.tried[(node.id, "refont")]:
        node.font = node.font.model_copy(update={"weight": 600})
        return [ctx.fix(node.id, "refont", "weight -> 600 (a list line keeps its siblings' size)")]
    fixes = []
    if node.font.family not in ("sans",) or node.font.style != "normal":
        old = node.font.family
        node.font = node.font.model_copy(update={"family": "sans", "style": "normal"})
        fixes.append(ctx.fix(node.id, "refont", f"face {old!r} -> plain sans (clearer letterforms)"))
    samples = (
        np.concatenate([background_samples(ctx.rendering, drawn, i) for i in range(len(drawn.lines))])
        if drawn and drawn.lines
        else np.zeros((0, 3))
    )
    # a plate only helps on a busy background; on a flat one (a bubble, a card) it would just cover it
    busy = len(samples) > 0 and float(np.std(relative_luminance(samples))) > 0.08
    if node.plate is None and busy:
        dark_behind = float(relative_luminance(np.median(samples, axis=0))) < 0.18
        node.plate, node.color = ("#111827", "#ffffff") if dark_behind else ("#ffffff", "#111827")
        fixes.append(ctx.fix(node.id, "plate", f"plate {node.plate} behind a misread text (busy background)"))
    return fixes


#: roles whose texts are set as a list of siblings at one size (menu lines, rows, labels, values)
LIST_ROLES = frozenset(
    {"row", "item", "price", "nav", "step", "bullet", "place", "badge", "label", "button"}
    | {"kpi_label", "kpi_value"}
)


def _in_a_list(plan: Plan, node: TextNode) -> bool:
    """Whether ``node`` is one of several same-role siblings: growing one line of a menu because its currency
    sign was misread would set it larger than the lines it belongs with, so a list line is never resized
    (it gets the sturdier face, plain sans or a plate instead)."""
    if node.role not in LIST_ROLES:
        return False
    return sum(1 for t in plan.texts() if t.role == node.role and t.id != node.id) >= 1


def _fix_glyphs(ctx: _Context, node: TextNode, check: Check) -> list[Fix]:
    if node.font.family == "sans" or ctx.tried[(node.id, "refont")]:
        return []  # nothing installed draws these codepoints: reported as unresolved
    old = node.font.family
    node.font = node.font.model_copy(update={"family": "sans"})
    return [ctx.fix(node.id, "refont", f"face {old!r} lacks glyphs ({check.observed}) -> sans with fallback")]


# ---------------------------------------------------------------------------------------------- codes


def _fix_code(ctx: _Context, node: CodeNode, check: Check) -> list[Fix]:
    if check.kind == "bounds":
        area = _area(ctx.plan, node.id, Box(x=0, y=0, w=0, h=0))
        old = node.box
        w, h = min(old.w, area.w), min(old.h, area.h)
        node.box = Box(
            x=min(max(old.x, area.x), area.right - w), y=min(max(old.y, area.y), area.bottom - h), w=w, h=h
        )
        return [ctx.fix(node.id, "move", f"moved inside the canvas {_fmt(old)} -> {_fmt(node.box)}")]
    if ctx.earlier >= 3:
        return []
    grown = ctx.grown(node, 1.6, 1.6, "center", "middle")
    if node.symbology == "qr":
        side = min(grown.w, grown.h)
        grown = Box(x=grown.x + (grown.w - side) / 2, y=grown.y + (grown.h - side) / 2, w=side, h=side)
    details: list[str] = []
    if grown.w > node.box.w + 1 or grown.h > node.box.h + 1:
        details.append(f"bigger modules: {_fmt(node.box)} -> {_fmt(grown)}")
        node.box = grown
    node.quiet_zone = node.quiet_zone + 2
    details.append(f"quiet zone -> {node.quiet_zone} modules")
    if contrast_ratio(node.fg[:7], node.bg[:7]) < 7:
        node.fg, node.bg = "#000000", "#ffffff"
        details.append("black on white")
    return [ctx.fix(node.id, "resize", ", ".join(details))]
