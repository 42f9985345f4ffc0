"""Pieces several families share: the footer band (codes + captions) and role ordering."""

from __future__ import annotations

from ..plan import Node
from ..reading.codes import CodeSpec
from ..reading.content import TextItem
from .kit import Ctx, Region, StackEntry, code_region, size_cap, stack, type_only_head_size

#: roles that live in a footer band when the layout has no better place for them
FOOTER_ROLES = ("caption", "source", "footer", "contact")
#: reading order of roles in a text block
ROLE_ORDER = {
    "volume": 0,
    "masthead": 1,
    "sign": 2,
    "title": 3,
    "headline": 4,
    "subhead": 5,
    "offer": 5.5,
    "cover_line": 6,
    "stat": 7,
    "stat_value": 7,
    "body": 8,
    "bullet": 9,
    "step": 9.5,
    "place": 13.5,
    "badge": 14.5,
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
    "venue": 19.2,
    "seat": 19.5,
    "contact": 20,
}


def block_order(items: list[TextItem]) -> list[TextItem]:
    """Items in a block's reading order: by role rank, then prompt order."""
    return sorted(items, key=lambda i: (ROLE_ORDER.get(i.role or "body", 8), i.order))


#: a subhead is set at this share of the headline's size (short lines, up to 12 characters or two words,
#: take the upper band: "每日新茶" under "上海茶馆" reads as the poster's second line, not a caption)
SUBHEAD_SHARE = (0.45, 0.6)
SHORT_SUBHEAD_SHARE = (0.6, 0.66)
_BIG = ("headline", "title", "sign", "masthead")


def entries_for(
    ctx: Ctx, items: list[TextItem], *, boost: float = 0.0, head_lines: int = 2, type_only: bool = False
) -> list[StackEntry]:
    """Stack entries with type-scale sizes; headings get ``boost`` extra steps and up to ``head_lines``
    lines. A subhead is sized from the headline it follows (``SUBHEAD_SHARE``, times the type scale per
    size step the prompt asked, "in smaller font"), so the hierarchy holds whatever size the headline met.
    ``type_only``: the design has no art, so the first heading is display type sized from the canvas
    (``type_only_head_size``: up to 22% of the short edge for one to three words), not from the scale."""
    out = []
    head_size: float | None = None
    for it in block_order(items):
        role = it.role or "body"
        big = role in _BIG
        lines = (
            (head_lines if len(it.text.split()) >= 3 else 2)
            if big
            else (4 if role in ("body", "bullet", "bubble") else 3)
        )
        size = ctx.role_size(role, it.font.size_step + (boost if big else 0))
        if big and head_size is None and type_only and it.font.size_step >= 0:
            size = max(size, type_only_head_size(it.text, ctx.unit) * ctx.theme.type_scale**it.font.size_step)
        if big and head_size is None:
            head_size = min(size, size_cap(it.lang, role, ctx.unit))
        elif role == "subhead" and head_size is not None:
            short = len(it.text) <= 12 or len(it.text.split()) <= 2
            lo, hi = SHORT_SUBHEAD_SHARE if short else SUBHEAD_SHARE
            k = ctx.theme.type_scale ** min(0.0, it.font.size_step)
            # "in smaller font" lowers the ceiling, never below the floor of a readable second line
            size = min(max(size, lo * head_size), max(lo, hi * k) * head_size)
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
