"""Pieces several families share: the footer band (codes + captions) and role ordering."""

from __future__ import annotations

from ..plan import Node
from ..planner.codes import CodeSpec
from ..planner.content import TextItem
from .kit import Ctx, Region, StackEntry, code_region, stack

#: roles that live in a footer band when the layout has no better place for them
FOOTER_ROLES = ("caption", "source", "footer", "date")
#: reading order of roles in a text block
ROLE_ORDER = {
    "volume": 0,
    "masthead": 1,
    "sign": 2,
    "title": 3,
    "headline": 4,
    "subhead": 5,
    "cover_line": 6,
    "stat": 7,
    "stat_value": 7,
    "body": 8,
    "bullet": 9,
    "row": 10,
    "item": 11,
    "price": 12,
    "label": 13,
    "bubble": 14,
    "button": 15,
    "nav": 16,
    "caption": 17,
    "source": 18,
    "date": 19,
}


def block_order(items: list[TextItem]) -> list[TextItem]:
    """Items in a block's reading order: by role rank, then prompt order."""
    return sorted(items, key=lambda i: (ROLE_ORDER.get(i.role or "body", 8), i.order))


def entries_for(ctx: Ctx, items: list[TextItem], *, boost: float = 0.0) -> list[StackEntry]:
    """Stack entries with type-scale sizes; headings get ``boost`` extra steps."""
    out = []
    for it in block_order(items):
        role = it.role or "body"
        big = role in ("headline", "title", "sign", "masthead")
        lines = 2 if big else (4 if role in ("body", "bullet", "bubble") else 3)
        size = ctx.role_size(role, it.font.size_step + (boost if big else 0))
        gap = ctx.gap * (1.6 if big else 1.0)
        out.append(StackEntry(it, role, size, max_lines=lines, gap_after=gap))
    return out


def place_codes_row(
    ctx: Ctx, codes: list[CodeSpec], region: Region, *, align: str = "right", scale: float = 1.0
) -> tuple[list[Node], float, float]:
    """Codes side by side at the bottom of ``region``; returns (nodes, height, width used)."""
    if not codes:
        return [], 0.0, 0.0
    sizes = [code_region(c, region, ctx.unit, scale) for c in codes]
    total_w = sum(w for w, _ in sizes) + ctx.gap * (len(sizes) - 1)
    if total_w > region.w:
        k = region.w / total_w
        sizes = [(w * k, h * k) for w, h in sizes]
        total_w = region.w
    h = max(hh for _, hh in sizes)
    x = (
        region.x
        if align == "left"
        else (region.right - total_w if align == "right" else region.cx - total_w / 2)
    )
    nodes: list[Node] = []
    for spec, (w, hh) in zip(codes, sizes, strict=True):
        nodes.append(ctx.code(spec, Region(x, region.bottom - hh, w, hh)))
        x += w + ctx.gap
    return nodes, h, total_w


def footer(
    ctx: Ctx,
    captions: list[TextItem],
    codes: list[CodeSpec],
    region: Region,
    default_code_side: str = "right",
    centered: bool = False,
) -> tuple[list[Node], float]:
    """A band at the bottom of ``region``: codes on one side (their placement words decide), captions
    beside them. Returns (nodes, band height)."""
    if not captions and not codes:
        return [], 0.0
    side = default_code_side
    for c in codes:
        if c.placement.h in ("left", "right"):
            side = c.placement.h
            break
    nodes: list[Node] = []
    code_w = 0.0
    band_h = 0.0
    if codes:
        code_nodes, band_h, code_w = place_codes_row(
            ctx, codes, region, align=side, scale=1.0 if not captions else 0.9
        )
        nodes.extend(code_nodes)
    if captions:
        cap_w = region.w - (code_w + ctx.gap * 2 if code_w else 0)
        cap_x = region.x if side == "right" or not code_w else region.x + code_w + ctx.gap * 2
        cap_h = max(band_h, sum(ctx.role_size(c.role or "caption") * 1.5 for c in captions) + ctx.gap)
        cap_region = Region(cap_x, region.bottom - cap_h, cap_w, cap_h)
        entries = [
            StackEntry(c, c.role or "caption", ctx.role_size(c.role or "caption", c.font.size_step), 2)
            for c in captions
        ]
        align = "left" if side == "right" or not code_w else "right"
        if not codes and (ctx.placement.h == "center" or centered):
            align = "center"
        cap_nodes, used = stack(ctx, entries, cap_region, align=align, valign="bottom")  # type: ignore[arg-type]
        nodes.extend(cap_nodes)
        band_h = max(band_h, used)
    return nodes, band_h
