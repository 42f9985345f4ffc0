"""Sequential family: comic/manga pages and storyboards.

Comic page: panels in tiers (one wide panel, then two side by side, alternating; odd variants flip the
pattern), each a group with the character art for that panel's description and its speech bubbles --
white bubbles with a tail toward the character, the quoted line inside. A page title (if quoted) sits
above the panels. Each panel's picture prompt is its beat (with the beat before it, what "spills it" spills)
or its description and what is said in it, plus a shot: the first panel wide, the last a close-up, unless
the panel names one (the illustrator stages the beat: render/illustrations/poses.py).

Storyboard: the frames of a numbered range ("Frame 1" to "Frame 8") are spread over the variants: with
as many variants as frames, variant i shows frame i+1 alone; with fewer, consecutive frames are grouped
(as evenly as possible, earlier variants take the extra) and laid out as a grid; with more variants than
frames, frames repeat in order. Each frame is the shared character art plus its caption strip.
"""

from __future__ import annotations

import math
import re

from ..plan import GroupNode, Node
from ..reading.content import TextItem
from ..reading.listed import NUMBER_WORDS
from .common import entries_for
from .kit import Ctx, Region, StackEntry, stack
from .metrics import em_width


def _panel_count(ctx: Ctx, bubbles: list[TextItem]) -> int:
    m = re.search(
        r"\b(\d{1,2}|one|two|three|four|five|six|seven|eight|nine)[- ]panels?\b", ctx.content.masked.lower()
    )
    if m:
        return max(1, min(9, int(m.group(1)) if m.group(1).isdigit() else NUMBER_WORDS[m.group(1)]))
    indices = [i.index for i in bubbles if i.index] + list(ctx.content.indexed)
    return max(1, min(9, max(indices) if indices else max(len(bubbles), 4)))


def _tiers(n: int, flip: bool) -> list[int]:
    """Panels per tier: 1, 2, 1, 2 ... (2, 1, 2 ... when flipped), trimmed to n."""
    out: list[int] = []
    left = n
    k = 1 if flip else 0
    while left > 0:
        take = min(left, 1 if k % 2 == 0 else 2)
        out.append(take)
        left -= take
        k += 1
    return out


def layout_comic(ctx: Ctx) -> list[Node]:
    """Place a comic page."""
    nodes: list[Node] = []
    safe = ctx.grid.safe
    ink = "#111111"
    bubbles = [i for i in ctx.items if i.role == "bubble"]
    titles = [i for i in ctx.items if i.role in ("title", "headline", "masthead")]
    others = [i for i in ctx.items if i not in bubbles and i not in titles]
    area = safe
    if titles:
        title_h = safe.h * min(0.3, 0.12 * len(titles))
        tnodes, used = stack(
            ctx, entries_for(ctx, titles), Region(safe.x, safe.y, safe.w, title_h), align="center"
        )
        nodes.extend(tnodes)
        area = safe.below(used, ctx.gap * 1.5)
    n = _panel_count(ctx, bubbles)
    # bubbles without a panel number go to the panels in order
    per_panel: dict[int, list[TextItem]] = {k: [] for k in range(1, n + 1)}
    free = 1
    for b in bubbles:
        if b.index and 1 <= b.index <= n:
            per_panel[b.index].append(b)
        else:
            while free < n and per_panel[free]:
                free += 1
            per_panel[min(free, n)].append(b)
    for o in others:
        # narration boxes: their own panel if numbered, else the panel holding the fewest texts
        target = (
            o.index if o.index and 1 <= o.index <= n else min(per_panel, key=lambda p: (len(per_panel[p]), p))
        )
        per_panel[target].append(o)
    tiers = _tiers(n, ctx.mirrored)
    gutter = max(12.0, ctx.short * 0.022)
    tier_regions = area.rows(len(tiers), gutter)
    panel_regions: list[Region] = []
    for t, (count, tier) in enumerate(zip(tiers, tier_regions, strict=True)):
        if count == 1:
            panel_regions.append(tier)
        else:
            wide = 0.64 if ctx.alt else 0.58
            frac = wide if (t + ctx.variant) % 2 == 0 else 1 - wide
            left_panel, right_panel = tier.split_h(frac, gutter)
            panel_regions.extend([left_panel, right_panel])
    subject = ctx.image_prompt
    beats = [] if ctx.content.indexed else _beats(ctx.content.masked)
    for k, region in enumerate(panel_regions, start=1):
        desc = ctx.content.indexed.get(k, "")
        # what is said in a panel is part of what it shows ("Footprints...", "They lead to the river."); a
        # line that picks up the last one ("They ...", "It ...") brings that panel's words along
        said = " ".join(_said(per_panel.get(k, [])))
        if said and k > 1 and re.match(r"(they|it|this|that|these|those)\b", said, re.I):
            said = f"{' '.join(_said(per_panel.get(k - 1, [])))} {said}"
        prompt = "; ".join(p for p in (subject, desc.strip(" ,.;"), said) if p)
        if beats and k <= len(beats):
            # the brief lists what happens after a colon ("a robot wakes up, makes coffee, spills it"):
            # each panel shows its beat, with the first beat's actor kept in every panel and the beat
            # before it (what "spills it" spills)
            prompt = ", ".join(dict.fromkeys([beats[0], beats[max(0, k - 2)], beats[k - 1]]))
        prompt = f"{prompt}; {_shot(k, n, f'{desc} {prompt}')}".rstrip("; ")
        children: list[Node] = [ctx.image(region.inset(3), style="character", prompt=prompt, z=1, stem="art")]
        say = per_panel.get(k, [])
        # bubbles zig-zag left/right in reading order, each below the previous one (never overlapping)
        inset = 14 * ctx.unit
        step = 10 * ctx.unit
        cursor = region.y + inset
        max_h = (region.h - 2 * inset - step * max(0, len(say) - 1)) / max(1, len(say))
        for j, item in enumerate(say):
            right = (k + ctx.variant + j) % 2 == 0
            made, bottom = _bubble(ctx, item, region, cursor, max_h, len(say), right=right, ink=ink)
            children.extend(made)
            cursor = bottom + step
        nodes.append(
            GroupNode(
                id=ctx.new_id("panel"),
                box=region.box(),
                z=1,
                role="panel",
                fill="#ffffff",
                stroke=ink,
                stroke_width=max(3.0, 4 * ctx.unit),
                children=children,
                note=f"panel {k}" + (f": {desc}" if desc else ""),
            )
        )
    return nodes


def _said(items: list[TextItem]) -> list[str]:
    return [i.text for i in items if i.role == "bubble"]


def _shot(k: int, n: int, words: str) -> str:
    """A comic artist's shot for panel k of n, unless the panel names one: the first panel establishes
    the scene (a wide shot), the last one lands on the character (a close-up), those between are medium
    shots (the illustrator widens one whose beat needs the ground: footprints, a river)."""
    if re.search(r"\b(close[- ]?up|closeup|wide shot|long shot|medium shot|establishing)\b", words, re.I):
        return ""
    if n < 3:
        return ""
    return "wide shot" if k == 1 else ("close-up" if k == n else "")


def _bubble(
    ctx: Ctx, item: TextItem, panel: Region, y: float, max_h: float, count: int, *, right: bool, ink: str
) -> tuple[list[Node], float]:
    """A speech bubble (or a narration box for non-bubble roles) at ``y`` on one side of the panel;
    returns its nodes and its bottom edge."""
    is_bubble = item.role == "bubble"
    role = "bubble" if is_bubble else (item.role or "caption")
    size = min(ctx.role_size(role, item.font.size_step), panel.h * 0.12)
    font = ctx.font_for(item, role)
    max_w = panel.w * (0.62 if count == 1 else 0.5)
    one_line = em_width(item.text, font) * size
    if one_line > max_w * 0.8:
        # one line reads better (and OCR keeps a one-line balloon whole): widen the balloon up to the
        # panel, then shrink the type up to 20% before wrapping
        max_w = panel.w * 0.9
        if one_line > max_w * 0.8:
            size = max(size * 0.8, size * max_w * 0.8 / one_line)
            one_line = em_width(item.text, font) * size
    lines = max(1, math.ceil(one_line / (max_w * 0.8)))
    text_w = min(max_w * 0.8, one_line * 1.05) if lines == 1 else max_w * 0.8
    pad_x, pad_y = size * (1.1 if is_bubble else 0.6), size * (0.8 if is_bubble else 0.4)
    bw = min(panel.w - 24 * ctx.unit, text_w + 2 * pad_x)
    bh = min(max_h, lines * size * 1.25 + 2 * pad_y)
    inset = 14 * ctx.unit
    x = panel.right - inset - bw if right else panel.x + inset
    box = Region(x, y, bw, bh)
    nodes: list[Node] = []
    if is_bubble:
        tail = (
            box.cx + (-0.2 if right else 0.2) * panel.w,
            min(panel.bottom - 10, box.bottom + panel.h * 0.18),
        )
        nodes.append(
            ctx.shape(
                box,
                "bubble",
                fill="#ffffff",
                stroke=ink,
                stroke_width=max(2.0, 3 * ctx.unit),
                radius=bh / 2,
                tail=tail,
                z=3,
                stem="bubble-shape",
            )
        )
    else:
        nodes.append(
            ctx.shape(
                box,
                "rect",
                fill="#fff8dc",
                stroke=ink,
                stroke_width=max(2.0, 2 * ctx.unit),
                z=3,
                stem="narration",
            )
        )
    # padding never eats the text box, however little room a crowded panel leaves
    px, py = min(pad_x * 0.7, box.w * 0.2), min(pad_y * 0.6, box.h * 0.2)
    inner = Region(box.x + px, box.y + py, box.w - 2 * px, box.h - 2 * py)
    nodes.append(
        ctx.text(
            item,
            inner,
            role=role,
            size=size,
            align="center",
            valign="middle",
            color=ink,
            on="#ffffff",
            max_lines=4,
            z=4,
        )
    )
    return nodes, box.bottom


def _beats(text: str) -> list[str]:
    """What happens, in order, when a brief lists it after a colon, comma-separated (its first sentence
    only; a later clause after ';' is about captions, not events); [] for fewer than two beats."""
    if ":" not in text:
        return []
    tail = text.split(":", 1)[1].split(";", 1)[0].split(".", 1)[0]
    beats = [b.strip() for b in re.split(r",|\band then\b|\bthen\b", tail) if b.strip()]
    return beats if len(beats) >= 2 else []


def frames_for_variant(n_frames: int, variants: int, variant: int) -> list[int]:
    """Which frames (0-based) a variant shows (see the module docstring)."""
    if n_frames <= 0:
        return []
    if variants <= 1:
        return list(range(n_frames))
    if variants >= n_frames:
        return [variant % n_frames]
    base, extra = divmod(n_frames, variants)
    start = variant * base + min(variant, extra)
    count = base + (1 if variant < extra else 0)
    return list(range(start, start + count))


def layout_storyboard(ctx: Ctx) -> list[Node]:
    """Place this variant's storyboard frames."""
    nodes: list[Node] = []
    safe = ctx.grid.safe
    frames = [i for i in ctx.items if i.range_of is not None]
    if not frames:
        frames = [i for i in ctx.items if i.role == "caption"]
    shared = [i for i in ctx.items if i not in frames]
    mine = [frames[k] for k in frames_for_variant(len(frames), ctx.variants, ctx.variant)]
    area = safe
    if shared:
        snodes, used = stack(
            ctx,
            entries_for(ctx, shared),
            Region(safe.x, safe.y, safe.w, safe.h * min(0.3, 0.1 + 0.06 * len(shared))),
            align="left",
        )
        nodes.extend(snodes)
        area = safe.below(used, ctx.gap * 1.5)
    if not mine:
        nodes.append(ctx.image(area, style="character", z=0, stem="frame-art"))
        return nodes
    k = len(mine)
    aspect = area.w / max(area.h, 1)
    cols = max(1, min(k, round(math.sqrt(k * aspect * 1.2))))
    rows_n = math.ceil(k / cols)
    cells = [c for row in area.rows(rows_n, ctx.gap * 1.5) for c in row.cols(cols, ctx.gap * 1.5)]
    for item, cell in zip(mine, cells, strict=False):
        cap_size = ctx.role_size("caption", item.font.size_step + (2 if k == 1 else 0))
        cap_h = cap_size * 2.0
        art = Region(cell.x, cell.y, cell.w, cell.h - cap_h - ctx.gap)
        number = re.search(r"\d+", item.text)
        frame_no = f" (frame {number.group(0)})" if number else ""
        art_node = ctx.image(
            art,
            style="character",
            prompt=f"{ctx.image_prompt}{frame_no}",
            z=0,
            radius=ctx.theme.corner_radius * ctx.unit * 0.5,
            stem="frame-art",
        )
        cap_region = Region(cell.x, art.bottom + ctx.gap, cell.w, cap_h)
        cap_nodes, _ = stack(
            ctx,
            [StackEntry(item, "caption", cap_size, 1)],
            cap_region,
            align="left" if not ctx.mirrored else "right",
            valign="middle",
        )
        nodes.append(
            GroupNode(
                id=ctx.new_id("frame"),
                box=cell.box(),
                z=1,
                role="frame",
                children=[art_node, *cap_nodes],
                clip=False,
                stroke=ctx.theme.palette.muted,
                stroke_width=0,
            )
        )
    return nodes
