"""Designs with no text to set: a prompt with no quotes, codes or displayed values still gets a composed
picture, never a blank canvas.

The rule that text not in quotes is never drawn stays, so these compositions are made of the subject as
procedural art (``Ctx.fill_prompt`` / ``Ctx.fill_style``, decided by the compiler from the prompt's words),
laid out per archetype, and decoration that carries no words: rules, cards, plates and icons matched to
the prompt's nouns (``reading.icons.icons_for``). Families whose own layout already pictures the subject
without text (comic pages, storyboards, magazine covers, a sign in its scene, a hero design with art) keep
their layout; the compiler calls :func:`layout_untexted` only when no text or code is to be placed.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..plan import GroupNode, Node
from ..reading.icons import icons_for
from .kit import Ctx, Region

_KIND_WORDS = (
    r"\b(?:menu card|card|poster|banner|flyer|slide|sign|label|ticket|screen|app|cover|magazine|infographic"
    r"|spec sheet|sheet|storyboard|comic)\b"
)
#: icons an archetype falls back to when the prompt names no noun that has one
_DEFAULT_ICONS: dict[str, tuple[str, ...]] = {
    "menu": ("restaurant_menu", "bakery_dining", "dinner_dining", "local_cafe"),
    "infographic": ("insights", "trending_up", "pie_chart"),
    "spec_sheet": ("verified", "straighten", "eco"),
    "label": ("eco", "verified", "water_drop"),
    "ticket": ("confirmation_number", "event", "place"),
    "app_screen": ("home", "search", "person"),
    "sign": ("storefront",),
}


def _icons(ctx: Ctx, n: int) -> list[str]:
    """``n`` icon names: the prompt's nouns first, then the archetype's defaults (no repeats)."""
    # the design's own kind ("menu card", "poster") is not a subject to draw an icon of
    words = re.sub(_KIND_WORDS, " ", ctx.content.description.lower())
    names = icons_for(words, limit=n)
    for name in _DEFAULT_ICONS.get(ctx.archetype, ("auto_awesome", "star", "favorite")):
        if len(names) >= n:
            break
        if name not in names:
            names.append(name)
    return names[:n]


def _art(ctx: Ctx, region: Region, *, z: int = 1, radius: float | None = None, stem: str = "image") -> Node:
    r = ctx.theme.corner_radius * ctx.unit if radius is None else radius
    return ctx.image(
        region, style=ctx.fill_style or "abstract", prompt=ctx.fill_prompt, z=z, radius=r, stem=stem
    )


def _split(ctx: Ctx, region: Region, share: float) -> tuple[Region, Region]:
    """(art, the rest): art on top of a portrait or square region, on the left of a landscape one (the
    right for mirrored variants), taking ``share`` of it."""
    gap = ctx.gap * 2
    if region.w / max(region.h, 1.0) < 1.25:
        return region.split_v(share, gap)
    left, right = region.split_h(share if not ctx.mirrored else 1 - share, gap)
    return (right, left) if ctx.mirrored else (left, right)


def _rule(ctx: Ctx, x: float, y: float, w: float, align: str = "left") -> Node:
    h = max(3.0, 6 * ctx.unit)
    if align == "center":
        x -= w / 2
    return ctx.shape(Region(x, y, w, h), "rect", fill=ctx.theme.palette.accent, radius=h / 2, stem="rule")


def _icon_tiles(
    ctx: Ctx, region: Region, names: list[str], *, fill: str | None = None, z: int = 2
) -> list[Node]:
    """A row of rounded tiles, an icon on each (no words)."""
    pal = ctx.theme.palette
    nodes: list[Node] = []
    for name, cell in zip(names, region.cols(len(names), ctx.gap * 2), strict=True):
        nodes.append(
            ctx.shape(
                cell,
                "rounded_rect",
                fill=fill or pal.surface,
                radius=ctx.theme.corner_radius * ctx.unit,
                z=z,
                stem="tile",
            )
        )
        side = min(cell.w, cell.h) * 0.46
        nodes.append(
            ctx.icon(Region(cell.cx - side / 2, cell.cy - side / 2, side, side), name, pal.accent, z=z + 1)
        )
    return nodes


def _hero(ctx: Ctx) -> list[Node]:
    """Poster, banner, card, slide, product: the subject fills the safe area (variants inset it), with an
    accent rule under it as the design's signature."""
    safe = ctx.grid.safe
    f = 0.04 * (2 * ctx.alt + ctx.mirrored)
    art = safe.inset(safe.w * f, safe.h * f)
    rule_h = max(3.0, 6 * ctx.unit)
    art = Region(art.x, art.y, art.w, art.h - rule_h - ctx.gap * 2)
    return [
        _art(ctx, art, z=0),
        _rule(ctx, art.cx, art.bottom + ctx.gap * 1.5, min(art.w * 0.18, 160 * ctx.unit), "center"),
    ]


def _menu(ctx: Ctx) -> list[Node]:
    """A menu card that names nothing: the fare on a table (a plate when the words name no food), the
    accent rule, and a row of icon tiles for the kinds of fare -- no blank ruled lines waiting for dishes
    nobody gave (the plan's count ask says none were named, ``planner/asks.py``)."""
    safe = ctx.grid.safe
    nodes: list[Node] = [ctx.card(safe, z=0)]
    inner = safe.inset(40 * ctx.unit)
    art, rest = _split(ctx, inner, 0.66 if not ctx.alt else 0.58)
    r = ctx.theme.corner_radius * ctx.unit
    nodes.append(
        ctx.image(
            art,
            style=ctx.fill_style or "food",
            prompt=f"On a table, {ctx.fill_prompt}. A plate",
            z=1,
            radius=r,
            stem="image",
        )
    )
    nodes.append(_rule(ctx, rest.cx, rest.y + ctx.gap, min(rest.w * 0.2, 180 * ctx.unit), "center"))
    tiles_h = min(rest.h - ctx.gap * 4, rest.w / 4.6)
    tiles = Region(rest.x, rest.y + ctx.gap * 3 + (rest.h - ctx.gap * 3 - tiles_h) / 2, rest.w, tiles_h)
    nodes.extend(_icon_tiles(ctx, tiles, _icons(ctx, 4)))
    return nodes


def _infographic(ctx: Ctx) -> list[Node]:
    """The subject's data illustration as the hero, three icon sections under it (over it in the second
    arrangement)."""
    safe = ctx.grid.safe
    tiles_h = min(safe.h * 0.22, 240 * ctx.unit)
    art_h = safe.h - tiles_h - ctx.gap * 3
    if ctx.alt:
        tiles = Region(safe.x, safe.y, safe.w, tiles_h)
        art = Region(safe.x, tiles.bottom + ctx.gap * 3, safe.w, art_h)
    else:
        art = Region(safe.x, safe.y, safe.w, art_h)
        tiles = Region(safe.x, art.bottom + ctx.gap * 3, safe.w, tiles_h)
    return [_art(ctx, art, z=0, stem="illustration"), *_icon_tiles(ctx, tiles, _icons(ctx, 3))]


def _card_with_art(ctx: Ctx) -> list[Node]:
    """Spec sheet / label: the bordered card with the product pictured on it and ruled rows with icons."""
    pal = ctx.theme.palette
    safe = ctx.grid.safe
    card = safe.inset(safe.w * 0.05, 0) if ctx.alt else safe
    nodes: list[Node] = [ctx.card(card, z=0, bordered=True)]
    inner = card.inset(48 * ctx.unit)
    art, rest = _split(ctx, inner, 0.58)
    nodes.append(_art(ctx, art, z=1))
    names = _icons(ctx, 3)
    rows = rest.rows(len(names), 0)
    for k, (name, row) in enumerate(zip(names, rows, strict=True)):
        side = min(row.h * 0.6, 88 * ctx.unit)
        nodes.append(ctx.icon(Region(row.x, row.cy - side / 2, side, side), name, pal.accent, z=2))
        if k < len(rows) - 1:
            nodes.append(ctx.divider(row.x, row.bottom - 1, row.w))
    return nodes


def _ticket(ctx: Ctx) -> list[Node]:
    """A ticket: the event pictured on the main panel, an icon on the stub, the perforation between."""
    pal = ctx.theme.palette
    safe = ctx.grid.safe
    nodes: list[Node] = [ctx.ticket_frame(safe)]
    main_cols = 9
    main = ctx.grid.span(12 - main_cols if ctx.mirrored else 0, main_cols, safe).inset(32 * ctx.unit)
    stub = ctx.grid.span(0 if ctx.mirrored else main_cols, 12 - main_cols, safe).inset(32 * ctx.unit)
    perf_x = (main.right + stub.x) / 2 if not ctx.mirrored else (stub.right + main.x) / 2
    nodes.append(
        ctx.shape(
            Region(perf_x - 1, safe.y + 16 * ctx.unit, max(2.0, 3 * ctx.unit), safe.h - 32 * ctx.unit),
            "divider",
            fill=pal.muted,
            z=1,
            stem="perforation",
        )
    )
    nodes.append(_art(ctx, main, z=1))
    names = _icons(ctx, 2)
    for name, cell in zip(names, stub.rows(len(names), ctx.gap * 2), strict=True):
        side = min(cell.w, cell.h) * 0.6
        nodes.append(
            ctx.icon(Region(cell.cx - side / 2, cell.cy - side / 2, side, side), name, pal.accent, z=2)
        )
    return nodes


def _screen(ctx: Ctx) -> list[Node]:
    """An app screen: a hero card with the subject, a 2x2 grid of icon tiles, a bottom bar of icons."""
    pal = ctx.theme.palette
    screen = ctx.grid.canvas
    # iOS points (a 390 x 844 pt screen), fitted to the canvas whatever its shape
    unit = min(screen.w / 390, screen.h / 844)
    pad = 20 * unit
    content = Region(screen.x + pad, screen.y + 54 * unit, screen.w - 2 * pad, screen.h - 54 * unit)
    nav_h = 84 * unit
    body = Region(content.x, content.y + 8 * unit, content.w, content.h - nav_h - 28 * unit)
    children: list[Node] = []
    hero = Region(body.x, body.y, body.w, body.h * 0.42)
    children.append(_art(ctx, hero, z=3, radius=20 * unit))
    names = _icons(ctx, 7)
    grid = Region(body.x, hero.bottom + 20 * unit, body.w, body.bottom - hero.bottom - 20 * unit)
    top, bottom = grid.split_v(0.5, 14 * unit)
    tiles = [*top.cols(2, 14 * unit), *bottom.cols(2, 14 * unit)]
    for name, cell in zip(names[:4], tiles, strict=True):
        children.append(ctx.card(cell, z=3, radius=20 * unit))
        side = min(cell.w, cell.h) * 0.36
        children.append(
            ctx.icon(Region(cell.x + 18 * unit, cell.y + 18 * unit, side, side), name, pal.accent, z=4)
        )
    nav = Region(screen.x, screen.bottom - nav_h, screen.w, nav_h)
    children.append(ctx.shape(nav, "rect", fill=pal.surface, z=3, stem="navbar-bg"))
    navs = names[4:] or names[:3]
    cells = Region(nav.x + pad, nav.y + 14 * unit, nav.w - 2 * pad, 28 * unit).cols(len(navs), 8 * unit)
    for k, (name, cell) in enumerate(zip(navs, cells, strict=True)):
        children.append(ctx.icon(cell, name, pal.accent if k == 0 else pal.muted, z=5))
    return [
        GroupNode(
            id=ctx.new_id("screen"), box=screen.box(), z=1, role="screen", children=children, clip=False
        )
    ]


def _sign(ctx: Ctx) -> list[Node]:
    """A sign with no words: its setting, and a plaque bearing an icon of what the place is."""
    pal = ctx.theme.palette
    nodes: list[Node] = []
    if ctx.image_prompt:
        nodes.append(ctx.image(ctx.grid.canvas, z=0, stem="scene"))
    safe = ctx.grid.safe
    w, h = safe.w * 0.46, safe.h * 0.36
    y = safe.y + (safe.h - h) * (0.3 if ctx.alt else 0.4)
    plaque = Region(safe.cx - w / 2, y, w, h)
    nodes.append(
        ctx.shape(
            plaque,
            "rounded_rect",
            fill=pal.surface,
            stroke=pal.accent,
            stroke_width=max(3.0, 6 * ctx.unit),
            radius=18 * ctx.unit,
            z=1,
            stem="plaque",
        )
    )
    side = h * 0.6
    nodes.append(
        ctx.icon(
            Region(plaque.cx - side / 2, plaque.cy - side / 2, side, side), _icons(ctx, 1)[0], pal.accent, z=2
        )
    )
    return nodes


_UNTEXTED: dict[str, Callable[[Ctx], list[Node]]] = {
    "menu": _menu,
    "infographic": _infographic,
    "spec_sheet": _card_with_art,
    "label": _card_with_art,
    "ticket": _ticket,
    "app_screen": _screen,
    "sign": _sign,
}
#: archetypes whose own layout pictures the subject without any text
_OWN_ART = ("comic_page", "storyboard", "magazine_cover")


def layout_untexted(ctx: Ctx, family_nodes: list[Node]) -> list[Node]:
    """The composition for a design with no text or code to place. ``family_nodes`` is what the
    archetype's own layout made; it is kept when it already pictures the subject."""
    if ctx.archetype in _OWN_ART:
        return family_nodes
    if ctx.archetype in _UNTEXTED:
        return _UNTEXTED[ctx.archetype](ctx)
    return _hero(ctx)
