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
_HEAD = ("title", "headline", "subhead", "masthead")
#: places that belong by the water
_COASTAL = r"harbou?r|port\b|marina|pier|dock|ferry|lighthouse|beach|bay\b|coast|fish|wharf|quay"


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
    nodes.extend(_sea(ctx, coast, land, water, rng))
    # the streets stop short of the shore (a promenade), so the bay never has a street across it
    shore = coast_w * 0.2
    ground = Region(
        canvas.x + (coast_w + shore if ctx.mirrored else 0), 0, canvas.w - coast_w - shore, canvas.h
    )
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
    pins_h = area.bottom - top - (side + ctx.gap if foot_h == 0 else 0)
    # pins stand on the land; places by the water (harbour, lighthouse, beach) in the column by the coast
    left = area.x if not ctx.mirrored else max(area.x, coast.right + ctx.gap)
    right = min(area.right, coast.x - ctx.gap) if not ctx.mirrored else area.right
    pins_area = Region(left, top, right - left, pins_h)
    nodes.extend(_pins(ctx, places, pins_area, rng))
    return nodes


def _sea(ctx: Ctx, coast: Region, land: str, water: str, rng: random.Random) -> list[Node]:
    """The sea along one side, bounded by a shoreline that reads as a coast, not a ruler line: one smooth
    curve (a dense polygon) with a broad headland the land pushes out to sea over the lower part, a
    shallow bay the sea bites into the land above it and a gentle swell between; an island offshore.
    Seeded: one coast per request. The bay never bites past the promenade the streets stop at."""
    h = coast.h
    edge = coast.x if not ctx.mirrored else coast.right  # where land meets water, before the curve
    to_sea = 1.0 if not ctx.mirrored else -1.0
    far = coast.right if not ctx.mirrored else coast.x  # the canvas edge on the sea side
    head_y, head_s, head_a = h * rng.uniform(0.62, 0.78), h * rng.uniform(0.12, 0.16), rng.uniform(0.3, 0.42)
    bay_y, bay_s, bay_a = h * rng.uniform(0.18, 0.3), h * rng.uniform(0.08, 0.11), rng.uniform(0.1, 0.16)
    swell, phase = h * rng.uniform(0.3, 0.45), rng.uniform(0.0, math.tau)

    def shore_x(y: float) -> float:
        out = head_a * math.exp(-(((y - head_y) / head_s) ** 2) / 2)
        out -= bay_a * math.exp(-(((y - bay_y) / bay_s) ** 2) / 2)
        out += 0.035 * math.sin(math.tau * y / swell + phase)
        return edge + to_sea * coast.w * out

    steps = 72
    shore = [(shore_x(h * k / steps), h * k / steps) for k in range(steps + 1)]
    outline = [*shore, (far, h), (far, 0.0)]
    xs = [x for x, _ in outline]
    bounds = Region(min(xs), 0.0, max(xs) - min(xs), h)
    sea = ctx.shape(bounds, "polygon", fill=water, z=0, stem="water", points=outline)
    # an island offshore, clear of the headland
    ir = min(coast.w * 0.16, h * 0.06)
    ix = edge + to_sea * coast.w * 0.72
    iy = h * rng.uniform(0.36, 0.44)
    isle = Region(ix - ir, iy - ir * 0.7, ir * 2, ir * 1.4)
    island = ctx.shape(isle, "ellipse", fill=land, z=0, stem="island")
    return [sea, island]


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
    coast_col = cols - 1 if not ctx.mirrored else 0
    cells = [(r, c) for r in range(rows) for c in range(cols)]
    by_coast = [cell for cell in cells if cell[1] == coast_col]
    where: dict[int, tuple[int, int]] = {}
    for k, item in enumerate(places):
        if re.search(_COASTAL, item.text.lower()) and by_coast:
            where[k] = by_coast.pop(0)
    free = [cell for cell in cells if cell not in where.values()]
    for k in range(len(places)):
        if k not in where:
            where[k] = free.pop(0)
    for k, item in enumerate(places):
        r, c = where[k]
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
