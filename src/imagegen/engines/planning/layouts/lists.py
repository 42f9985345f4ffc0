"""Lists look like lists: numbered steps get a numbered disc, bullets a dot, badges a pill.

Layouts stack texts one under another; this pass (run by the hero family after stacking) marks the brief's
list items so a recipe's five steps read as steps and a pack's badges as badges, not as loose lines:

- ``step`` texts: an accent disc with the step's number (1, 2, 3 ... in the brief's order) just before the
  text's first line; the numbers are the list's order, not copy;
- ``bullet`` texts: a small accent dot before the text;
- ``badge`` texts: an accent pill around the text (the text node's box shrinks to its width, centered where
  the text was, and takes the pill as its plate, so contrast is checked against it);
- ``button`` texts (a banner's or flyer's call to action): the same pill, wider, so "Shop now" reads as a
  button and not as a loose line.

Markers never leave the safe area: when the text's left edge leaves no room, the text's box moves right.
"""

from __future__ import annotations

from ..plan import Box, Node, TextNode
from ..rules.contrast import BODY_MIN, ensure_contrast
from .kit import Ctx, Region
from .metrics import em_width


def mark_lists(ctx: Ctx, nodes: list[Node]) -> list[Node]:
    """``nodes`` with markers added before steps and bullets and badges set as pills."""
    nodes = _align_lists(nodes)
    out: list[Node] = []
    steps = [n for n in nodes if isinstance(n, TextNode) and n.role == "step"]
    number = {n.id: k + 1 for k, n in enumerate(sorted(steps, key=lambda n: (n.box.y, n.box.x)))}
    safe_x = ctx.grid.margin
    pal = ctx.theme.palette
    for node in nodes:
        if not isinstance(node, TextNode) or node.role not in ("step", "bullet", "badge", "button"):
            out.append(node)
            continue
        if node.role in ("badge", "button"):
            out.append(_pill(ctx, node, pad=1.4 if node.role == "button" else 0.7))
            continue
        ink_w = min(node.box.w, em_width(node.text, node.font) * node.size)
        side = node.size * (1.25 if node.role == "step" else 0.45)
        gap = node.size * 0.45
        x = _aligned_left(node, ink_w) - gap - side
        if x < safe_x:
            # no room before the text: the text moves right by the marker's width
            shift = safe_x - x
            node = node.model_copy(
                update={
                    "box": Box(
                        x=node.box.x + shift, y=node.box.y, w=max(1.0, node.box.w - shift), h=node.box.h
                    )
                }
            )
            x = safe_x
        cy = node.box.y + node.size * 0.6 * node.line_height
        if node.valign == "middle":
            cy = node.box.y + node.box.h / 2
        region = Region(x, cy - side / 2, side, side)
        out.append(
            ctx.shape(region, "ellipse", fill=pal.accent, z=max(0, node.z - 1), stem=f"{node.role}-marker")
        )
        if node.role == "step":
            out.append(
                TextNode(
                    id=ctx.new_id("step-no"),
                    box=region.box(),
                    z=node.z,
                    text=str(number[node.id]),
                    role="step_no",
                    font=node.font.model_copy(update={"weight": 700}),
                    size=round(side * 0.58, 1),
                    min_size=round(min(side * 0.58, max(9.0, node.min_size)), 1),
                    color=ensure_contrast(pal.on_accent, pal.accent, BODY_MIN),
                    align="center",
                    valign="middle",
                    max_lines=1,
                    note="the step's number (its order in the brief's list)",
                )
            )
        out.append(node)
    return _badges_in_a_row(out, ctx.grid.safe)


def _badges_in_a_row(nodes: list[Node], safe: Region) -> list[Node]:
    """Badges sit side by side on the first badge's line when they fit the block's width (a pack's "Vegan",
    "Gluten free" read as a set of badges, not as a list)."""
    badges = [(k, n) for k, n in enumerate(nodes) if isinstance(n, TextNode) and n.role == "badge"]
    if len(badges) < 2:
        return nodes
    first = badges[0][1]
    left = min(n.box.x for _, n in badges)
    right = max(n.box.right for _, n in badges)
    gap = first.size * 0.5
    total = sum(n.box.w for _, n in badges) + gap * (len(badges) - 1)
    # keep the block's alignment: centered pills stay centered as a row, left-aligned ones start at the left
    centered = all(abs((n.box.x + n.box.right) / 2 - (left + right) / 2) < 2 for _, n in badges)
    room = (
        min(safe.right - (left + right) / 2, (left + right) / 2 - safe.x) * 2
        if centered
        else safe.right - left
    )
    if total > room:
        return nodes
    x = (left + right - total) / 2 if centered else left
    h = max(n.box.h for _, n in badges)
    out = list(nodes)
    for k, n in badges:
        out[k] = n.model_copy(update={"box": Box(x=round(x, 2), y=first.box.y, w=n.box.w, h=h)})
        x += n.box.w + gap
    return out


def _aligned_left(node: TextNode, w: float) -> float:
    """The left edge of something ``w`` wide set in ``node``'s box by the node's alignment."""
    if node.align == "center":
        return node.box.x + (node.box.w - w) / 2
    if node.align == "right":
        return node.box.right - w
    return node.box.x


def _pill(ctx: Ctx, node: TextNode, pad: float = 0.7) -> TextNode:
    pal = ctx.theme.palette
    ink_w = min(node.box.w, em_width(node.text, node.font) * node.size)
    pad = node.size * pad
    w = min(node.box.w, ink_w + 2 * pad)
    x = _aligned_left(node, w)
    return node.model_copy(
        update={
            "box": Box(x=round(x, 2), y=node.box.y, w=round(w, 2), h=node.box.h),
            "align": "center",
            "plate": pal.accent,
            "color": ensure_contrast(pal.on_accent, pal.accent, BODY_MIN),
        }
    )


def _align_lists(nodes: list[Node]) -> list[Node]:
    """A centered list is set as a block: every item starts where the widest one starts (a ragged column of
    centered steps reads as separate lines, not as one list)."""
    out = list(nodes)
    for role in ("step", "bullet"):
        items = [
            (k, n)
            for k, n in enumerate(out)
            if isinstance(n, TextNode) and n.role == role and n.align == "center"
        ]
        if len(items) < 2:
            continue
        lefts = []
        for _, n in items:
            assert isinstance(n, TextNode)
            ink = min(n.box.w, em_width(n.text, n.font) * n.size)
            lefts.append(n.box.x + (n.box.w - ink) / 2)
        left = min(lefts)
        for k, n in items:
            assert isinstance(n, TextNode)
            box = Box(x=round(left, 2), y=n.box.y, w=round(n.box.right - left, 2), h=n.box.h)
            out[k] = n.model_copy(update={"box": box, "align": "left"})
    return out
