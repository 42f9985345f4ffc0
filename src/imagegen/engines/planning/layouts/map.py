"""Map family: an illustrated map with the brief's labelled places.

A map reads as a map when it has ground, water, a street grid and pins with names: the land is the theme's
surface, a coast of water runs along one edge (the other edge on odd variants), a few streets cross the
land, a park or two sits between them, and each place the brief named gets a pin (an icon for its kind:
harbour -> anchor, station -> train, museum -> museum, else a location pin) with its name on a plate beside
it. Pins sit on a jittered grid (seeded, shared by variants of one request) so names never collide. The
title goes on a plate across the top; codes and captions in the footer; a compass rose marks north.
"""

from __future__ import annotations

import math
import random
import re

from ..plan import Node
from ..reading.content import TextItem
from ..rules.contrast import mix
from .common import FOOTER_ROLES, entries_for, footer
from .kit import Ctx, Region, stack
from .metrics import em_width

#: place words -> Material Symbols icon (first match wins; a location pin otherwise)
PLACE_ICONS: tuple[tuple[str, str], ...] = (
    (r"harbou?r|port|marina|pier|dock|ferry", "anchor"),
    (r"station|rail|train|metro|subway", "train"),
    (r"museum|gallery", "museum"),
    (r"park|garden|green|forest", "park"),
    (r"cafe|café|coffee", "local_cafe"),
    (r"restaurant|market|food|diner", "restaurant"),
    (r"hotel|inn|hostel", "hotel"),
    (r"church|cathedral|chapel", "church"),
    (r"castle|fort|palace|old town", "castle"),
    (r"beach|bay|coast", "beach_access"),
    (r"hospital|clinic", "local_hospital"),
    (r"school|university|college|campus", "school"),
    (r"shop|store|mall", "store"),
    (r"town hall|city hall|bank", "account_balance"),
)
MAP_ICON_NAMES = frozenset({name for _, name in PLACE_ICONS} | {"location_on", "explore"})
_HEAD = ("title", "headline", "subhead", "masthead")


def place_icon(name: str) -> str:
    low = name.lower()
    return next((icon for pat, icon in PLACE_ICONS if re.search(pat, low)), "location_on")


def layout_map(ctx: Ctx) -> list[Node]:
    """Place a map."""
    pal = ctx.theme.palette
    unit = ctx.unit
    safe = ctx.grid.safe
    canvas = ctx.grid.canvas
    rng = random.Random(ctx.seed * 7919 + 3)
    places = [i for i in ctx.items if i.role in ("place", "label", "nav", "row", "body")]
    heads = [i for i in ctx.items if i.role in _HEAD]
    captions = [i for i in ctx.items if i not in places and i not in heads]
    nodes: list[Node] = []
    land = pal.surface
    water = mix(mix("#8fc1e3", pal.accent, 0.15), pal.background, 0.2)
    nodes.append(ctx.shape(canvas, "rect", fill=land, z=0, stem="land"))
    # the coast: a band of water along one side (the other on odd variants)
    coast_w = canvas.w * (0.22 if ctx.w >= ctx.h else 0.3)
    coast = (
        Region(canvas.right - coast_w, 0, coast_w, canvas.h)
        if not ctx.mirrored
        else Region(0, 0, coast_w, canvas.h)
    )
    nodes.append(ctx.shape(coast, "rect", fill=water, z=0, stem="water"))
    ground = Region(canvas.x + (coast_w if ctx.mirrored else 0), 0, canvas.w - coast_w, canvas.h)
    # streets: two across, two down, at seeded positions; a park between them
    road = max(6.0, 14 * unit)
    street = mix(land, "#ffffff", 0.75)
    for k in range(2):
        y = ground.y + ground.h * (0.3 + 0.38 * k + rng.uniform(-0.05, 0.05))
        nodes.append(ctx.shape(Region(ground.x, y, ground.w, road), "rect", fill=street, z=0, stem="street"))
        x = ground.x + ground.w * (0.3 + 0.4 * k + rng.uniform(-0.05, 0.05))
        nodes.append(ctx.shape(Region(x, 0, road, canvas.h), "rect", fill=street, z=0, stem="street"))
    park = Region(ground.x + ground.w * 0.08, ground.y + ground.h * 0.42, ground.w * 0.18, ground.h * 0.16)
    nodes.append(
        ctx.shape(park, "rounded_rect", fill=mix("#7fbf7f", land, 0.35), radius=18 * unit, z=0, stem="park")
    )
    foot_nodes, foot_h = footer(ctx, [c for c in captions if c.role in FOOTER_ROLES], ctx.codes, safe)
    nodes.extend(foot_nodes)
    area = safe.above(foot_h, ctx.gap * 2) if foot_h else safe
    others = [c for c in captions if c.role not in FOOTER_ROLES]
    top = area.y
    if heads or others:
        head_h = min(area.h * 0.18, 200 * unit)
        plate = Region(area.x, area.y, area.w, head_h)
        nodes.append(ctx.card(plate, z=1))
        head_nodes, _ = stack(
            ctx,
            entries_for(ctx, heads + others),
            plate.inset(24 * unit),
            align="left",
            valign="middle",
            on=pal.surface,
        )
        nodes.extend(head_nodes)
        top = plate.bottom + ctx.gap * 2
    # a compass rose in the corner opposite the coast
    side = min(90 * unit, area.w * 0.1)
    compass_x = area.x if not ctx.mirrored else area.right - side
    if foot_h == 0:
        nodes.append(ctx.icon(Region(compass_x, area.bottom - side, side, side), "explore", pal.primary, z=2))
    pins_area = Region(area.x, top, area.w, area.bottom - top - (side + ctx.gap if foot_h == 0 else 0))
    nodes.extend(_pins(ctx, places, pins_area, rng))
    return nodes


def _pins(ctx: Ctx, places: list[TextItem], area: Region, rng: random.Random) -> list[Node]:
    if not places:
        return []
    pal = ctx.theme.palette
    unit = ctx.unit
    n = len(places)
    cols = max(1, min(3, math.ceil(math.sqrt(n * area.w / max(area.h, 1.0)))))
    rows = math.ceil(n / cols)
    cw, ch = area.w / cols, area.h / rows
    out: list[Node] = []
    pin = min(64 * unit, ch * 0.45)
    for k, item in enumerate(places):
        r, c = divmod(k, cols)
        cell = Region(area.x + c * cw, area.y + r * ch, cw, ch).inset(ctx.gap * 0.5)
        # jitter inside the cell (a map is not a table), keeping room for the name
        label_h = min(ctx.role_size("place", 1.5) * 2.0, cell.h * 0.4)
        py = cell.y + (cell.h - pin - label_h) * rng.uniform(0.15, 0.85)
        px = cell.x + (cell.w - pin) * rng.uniform(0.0, 0.35)
        out.append(ctx.icon(Region(px, py, pin, pin), place_icon(item.text), pal.accent, z=3))
        label = Region(px, py + pin + 4 * unit, cell.right - px, label_h)
        node = ctx.text(
            item,
            label,
            role="place",
            size=ctx.role_size("place", 1.5),
            plate=pal.background,
            valign="top",
            max_lines=2,
            z=3,
        )
        # the name's plate hugs the name (a label, not a bar across the map)
        width = min(label.w, em_width(item.text, node.font) * node.size + node.size * 0.9)
        out.append(
            node.model_copy(update={"box": Region(label.x, label.y, width, label.h).box(), "align": "center"})
        )
    return out
