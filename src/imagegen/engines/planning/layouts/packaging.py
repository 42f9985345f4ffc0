"""Packaging front: the pack's face filling the frame against a backdrop, as a pack shot reads.

- the **pack**: a carton (a lid band on top, a darker side face for depth) or, when the brief says pouch,
  bag or sachet, a stand-up pouch (a crimped top seal with a hang hole); it covers about 60% of a portrait
  frame, on a tinted backdrop with a table edge and a contact shadow;
- the **brand band** across the top of the face (the tagline on it when the brief gave one), the
  **product name** big under it, centred;
- the **hero window**: the brief's picture (the granola, the tea) in a rounded window on the face;
- **badges** as round seals along the window's lower edge (a long word gets a pill), each a light disc with
  a ring so its words read whatever the pack colour;
- the **net weight** in the bottom-left corner of the face, as on real packs; a price as a seal in the
  bottom-right corner, codes there too.

The pack's colour is the brief's first design colour, else one of a few food-pack colours chosen by the
seed. Every text is the brief's own, set once.
"""

from __future__ import annotations

import re

from ..plan import Node
from ..reading.colors import design_colors
from ..reading.content import TextItem
from ..rules.contrast import BODY_MIN, LARGE_MIN, contrast_ratio, ensure_contrast, mix
from .common import block_order, place_codes_row
from .kit import Ctx, Region, StackEntry, stack
from .metrics import em_width

#: pack colours for a brief that named none (forest, terracotta, deep blue, mustard, plum)
PACK_COLORS = ("#2f5d50", "#b5523b", "#274c77", "#c98f1b", "#6a3d63")
_POUCH = re.compile(r"\bpouch(?:es)?\b|\bbag\b|\bsachet\b|\bstand-?up\b|\bpacket\b")
_NAME_ROLES = ("title", "headline", "masthead", "sign")
_CORNER_ROLES = ("caption", "source", "footer", "contact")
#: the share of a portrait frame's width and height the pack's face takes
PACK_W, PACK_H = 0.74, 0.84


def pack_color(ctx: Ctx) -> str:
    named = design_colors(ctx.content.masked.lower())
    if named:
        return named[0][1]
    return PACK_COLORS[ctx.seed % len(PACK_COLORS)]


_NAMING = re.compile(r"\s*(?:,|\bwith\b)?\s*\b(?:titled|called|named|reading|that reads)\s*$", re.I)


def pack_art(ctx: Ctx) -> str:
    """What the pack's window pictures: the words before the product's name ("Coffee bag label") and the
    name's head noun (its last word: "Oat Crunch Granola" is granola, "Jasmine Pearl Tea" is tea) -- never
    the whole name (a "Pearl" is not an oyster on a tea pack) nor the tagline ("Picked at Dawn")."""
    names = [i for i in ctx.items if i.role in _NAME_ROLES]
    if not names or not names[0].text.split():
        return ctx.image_prompt
    before = _NAMING.sub("", ctx.content.prompt[: names[0].at]).strip(" ,.:;\"'“”")
    head = re.sub(r"[^\w-]+$", "", names[0].text.split()[-1])
    return f"{before} {head}".strip()


def layout_packaging(ctx: Ctx) -> list[Node]:
    """Place a packaging front."""
    u = ctx.unit
    canvas = ctx.grid.canvas
    pack = pack_color(ctx)
    shade = mix(pack, "#000000", 0.28)
    pouch = bool(_POUCH.search(ctx.content.masked.lower()))
    backdrop = mix(pack, "#f4f1ec", 0.86)
    nodes: list[Node] = [ctx.shape(canvas, "rect", fill=backdrop, z=0, stem="backdrop")]
    # the table the pack stands on, and its contact shadow
    table_y = canvas.h * 0.9
    nodes.append(
        ctx.shape(
            Region(0, table_y, canvas.w, canvas.h - table_y),
            "rect",
            fill=mix(backdrop, pack, 0.12),
            stem="table",
        )
    )

    landscape = ctx.w / ctx.h >= 1.25
    fh = canvas.h * (PACK_H if not landscape else 0.86)
    fw = canvas.w * PACK_W if not landscape else min(canvas.w * 0.5, fh * 0.78)
    x = canvas.cx - fw / 2
    if landscape:
        x = canvas.w * (0.08 if not ctx.mirrored else 0.92) - (0 if not ctx.mirrored else fw)
    y = table_y - fh + fh * 0.01
    face = Region(x, y, fw, fh)
    nodes.append(
        ctx.shape(
            Region(face.x + fw * 0.04, table_y - 14 * u, fw * 0.92, 28 * u),
            "ellipse",
            fill=mix(backdrop, "#000000", 0.22),
            opacity=0.55,
            stem="shadow",
        )
    )
    radius = (26 if pouch else 10) * u
    nodes.append(ctx.shape(face, "rounded_rect", fill=pack, radius=radius, z=1, stem="pack"))

    top_h = fh * (0.075 if pouch else 0.035)
    if pouch:
        # the crimped seal: a darker strip with fine ridges and a hang hole
        seal = Region(face.x, face.y, fw, top_h)
        nodes.append(ctx.shape(seal, "rounded_rect", fill=shade, radius=radius, z=2, stem="seal"))
        for k in range(1, 5):
            ry = seal.y + seal.h * k / 5
            nodes.append(
                ctx.shape(
                    Region(seal.x, ry, seal.w, max(1.0, 2 * u)),
                    "rect",
                    fill=mix(shade, pack, 0.5),
                    z=3,
                    stem="crimp",
                )
            )
        hole = 26 * u
        nodes.append(
            ctx.shape(
                Region(seal.cx - hole, seal.cy - hole / 3, hole * 2, hole * 0.66),
                "rounded_rect",
                fill=backdrop,
                radius=hole / 3,
                z=4,
                stem="hang-hole",
            )
        )
    else:
        # the carton's lid edge and its side face (depth without perspective)
        nodes.append(ctx.shape(Region(face.x, face.y, fw, top_h), "rect", fill=shade, z=2, stem="lid"))
        side_w = fw * 0.055
        nodes.append(
            ctx.shape(
                Region(face.right - side_w, face.y + top_h, side_w, fh - top_h),
                "rect",
                fill=mix(pack, "#000000", 0.16),
                z=2,
                stem="side",
            )
        )
        face = Region(face.x, face.y, fw - side_w, fh)
    body = Region(face.x, face.y + top_h, face.w, face.h - top_h)
    nodes.append(
        ctx.shape(
            Region(body.x + body.w * 0.025, body.y, body.w * 0.03, body.h),
            "rect",
            fill="#ffffff",
            opacity=0.12,
            z=2,
            stem="sheen",
        )
    )
    nodes.extend(_face(ctx, body, pack, shade))
    return nodes


def _face(ctx: Ctx, body: Region, pack: str, shade: str) -> list[Node]:
    u = ctx.unit
    nodes: list[Node] = []
    on_pack = _ink(pack)
    names = [i for i in ctx.items if i.role in _NAME_ROLES][:1]
    badges = [i for i in ctx.items if i.role == "badge"]
    corner = [i for i in ctx.items if i.role in _CORNER_ROLES]
    offers = [i for i in ctx.items if i.role in ("offer", "price")]
    band_items = [i for i in ctx.items if i.role == "subhead"][:1]
    rest = [i for i in ctx.items if i not in names + badges + corner + offers + band_items]
    pad = body.w * 0.08

    # the brand band
    band_h = body.h * (0.085 if band_items else 0.028)
    band = Region(body.x, body.y + body.h * 0.03, body.w, band_h)
    if band_items:
        nodes.append(ctx.shape(band, "rect", fill=shade, z=2, stem="band"))
    else:
        # no tagline to carry: the band is a pair of fine rules across the face (a colour stripe, no words)
        line = max(2.0, 4 * u)
        for yy in (band.y, band.bottom - line):
            nodes.append(ctx.shape(Region(band.x, yy, band.w, line), "rect", fill=shade, z=2, stem="band"))
    if band_items:
        ink = _ink(shade)
        placed, _ = stack(
            ctx,
            [StackEntry(i, "subhead", ctx.role_size("subhead", -0.5), 1, color=ink) for i in band_items],
            band.inset(pad, band_h * 0.18),
            align="center",
            valign="middle",
            on=shade,
            z=3,
        )
        nodes.extend(placed)
    y = band.bottom + body.h * 0.035
    inner = Region(body.x + pad, y, body.w - 2 * pad, body.bottom - y - pad * 0.6)

    # the bottom corners: net weight left, price/codes right
    foot_h = max(ctx.role_size("caption", 1.0) * 1.8, 54 * u)
    foot = inner.bottom_part(foot_h)
    if corner:
        cw = foot.w * (0.6 if offers or ctx.codes else 1.0)
        placed, _ = stack(
            ctx,
            [
                StackEntry(i, i.role or "caption", ctx.role_size("caption", 1.0), 1, color=on_pack)
                for i in corner
            ],
            Region(foot.x, foot.y, cw, foot.h),
            align="left",
            valign="bottom",
            on=pack,
            z=3,
        )
        nodes.extend(placed)
    seal_side = min(inner.w * 0.26, 200 * u)
    right_h = 0.0
    if ctx.codes:
        code_nodes, right_h, _ = place_codes_row(
            ctx,
            ctx.codes[:1],
            Region(inner.right - inner.w * 0.38, foot.y - 200 * u, inner.w * 0.38, foot.h + 200 * u),
            align="right",
            scale=0.55,
        )
        nodes.extend(code_nodes)
    elif offers:
        right_h = seal_side
    body_bottom = foot.y - ctx.gap - max(0.0, right_h - foot.h)

    # the product name, big
    y = inner.y
    if names or rest:
        entries = [
            StackEntry(i, "title", ctx.role_size("title", 2.0 + i.font.size_step), 3, color=on_pack)
            for i in names
        ] + [
            StackEntry(
                i, i.role or "body", ctx.role_size(i.role or "body", i.font.size_step), 3, color=on_pack
            )
            for i in block_order(rest)
        ]
        placed, used = stack(
            ctx, entries, Region(inner.x, y, inner.w, inner.h * 0.3), align="center", on=pack, z=3
        )
        nodes.extend(placed)
        y += used + ctx.gap * 2

    # the hero window and the badges on its lower edge
    seal_d = min(inner.w * 0.27, 190 * u)
    # the mirror sets the seals as a column down the window's right edge (when they fit there)
    column = ctx.mirrored and badges and len(badges) * seal_d * 1.1 <= (body_bottom - y) * 0.85
    badge_room = seal_d * 0.55 if badges and not column else 0.0
    win = Region(inner.x, y, inner.w, max(0.0, body_bottom - y - badge_room))
    win_radius = min(win.w, win.h) * 0.12
    if ctx.alt:
        # the second arrangement: the window is a band across the whole face
        win, win_radius = Region(body.x, win.y, body.w, win.h), 0.0
    if ctx.image_prompt and win.h > 80 * u:
        nodes.append(
            ctx.image(win, prompt=pack_art(ctx), radius=win_radius, z=2, stem="window").model_copy(
                update={"note": "the product in the pack's window"}
            )
        )
    elif win.h > 80 * u:
        nodes.append(
            ctx.shape(
                win,
                "rounded_rect",
                fill=mix(pack, "#ffffff", 0.82),
                radius=win_radius,
                z=2,
                stem="window",
            )
        )
    if badges:
        nodes.extend(
            _seals(ctx, badges, win if not ctx.alt else win.inset(pad, 0), seal_d, pack, bool(column))
        )
    if offers and not ctx.codes:
        d = seal_side
        spot = Region(inner.right - d, foot.bottom - d, d, d)
        nodes.extend(_seal(ctx, offers[0], spot, pack, role="offer"))
        for extra in offers[1:]:
            del extra  # one price on a pack; further ones are set as body in the column
    return nodes


def _seals(
    ctx: Ctx, badges: list[TextItem], win: Region, d: float, pack: str, column: bool = False
) -> list[Node]:
    """Round seals straddling the window's lower edge, centred as a row (a long word gets a pill); as a
    ``column`` they run down its right edge instead."""
    nodes: list[Node] = []
    gap = ctx.gap * 1.2
    if column:
        step = d + gap
        y0 = win.y + (win.h - (step * len(badges) - gap)) * 0.5
        for row, b in enumerate(badges):
            spot = Region(win.right - d * 0.8, y0 + row * step, d, d)
            nodes.extend(_seal(ctx, b, spot, pack, role="badge"))
        return nodes
    widths: list[float] = []
    for b in badges:
        size = ctx.role_size("badge", 1.2)
        font = ctx.font_for(b, "badge")
        longest = max((em_width(word, font) * size for word in b.text.split()), default=0.0)
        widths.append(max(d, longest + d * 0.35))
    total = sum(widths) + gap * (len(badges) - 1)
    k = min(1.0, win.w * 1.04 / total) if total else 1.0
    x = win.cx - total * k / 2
    y = win.bottom - d * k * 0.45
    for b, width in zip(badges, widths, strict=True):
        spot = Region(x, y, width * k, d * k)
        nodes.extend(_seal(ctx, b, spot, pack, role="badge"))
        x += (width + gap) * k
    return nodes


def _seal(ctx: Ctx, item: TextItem, spot: Region, pack: str, *, role: str) -> list[Node]:
    """A light disc (a pill when wider than tall) with a ring in the pack's colour, its words inside."""
    u = ctx.unit
    disc = "#fffaf0"
    ring = ensure_contrast(pack, disc, LARGE_MIN)
    round_ = spot.w <= spot.h * 1.05
    shape = "ellipse" if round_ else "rounded_rect"
    nodes: list[Node] = [
        ctx.shape(
            spot,
            shape,
            fill=disc,
            stroke=ring,
            stroke_width=max(2.0, 5 * u),
            radius=spot.h / 2,
            z=4,
            stem="seal",
        ),
    ]
    inner = spot.inset(spot.w * (0.17 if round_ else 0.1), spot.h * 0.22)
    ink = ensure_contrast(mix(pack, "#000000", 0.35), disc, BODY_MIN)
    nodes.append(
        ctx.text(
            item,
            inner,
            role=role,
            size=ctx.role_size(role, 1.2 if role == "badge" else 0.0),
            align="center",
            valign="middle",
            color=ink,
            on=disc,
            max_lines=2 if round_ else 1,
            z=5,
        )
    )
    return nodes


def _ink(ground: str) -> str:
    """Cream or near-black, whichever reads better on ``ground``."""
    light, dark = "#fffaf0", "#1f1a17"
    return light if contrast_ratio(light, ground) >= contrast_ratio(dark, ground) else dark
