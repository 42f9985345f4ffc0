"""A slide whose bullets carry figures shows them: one card per bullet, its figure drawn above its words.

"Q3 Results with bullets: Revenue up 18%; Churn down to 2.1%; Two new markets" is a results slide, not a
picture: the title sets at the top (first in the hierarchy), and under it each bullet gets a card with

- a **percentage** ("up 18%"): a ring filled to that share, the bullet's icon in its middle (a trend arrow
  when the bullet says up or down, else the icon of its noun);
- a **small count** ("Two new markets", "3 new hires", one to eight): that many icons of the bullet's noun;
- any other figure or none: the bullet's icon, large, in a soft disc.

The figures draw no text (the bullet's exact words, under the figure, carry the number), so nothing is
read twice. Cards sit side by side on a landscape slide (two to four bullets), one under another on a
portrait one. Briefs whose bullets carry no figure keep the hero layout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from ..plan import Node
from ..reading.content import TextItem
from ..reading.icons import icon_for
from ..reading.listed import NUMBER_WORDS
from .common import entries_for
from .kit import Ctx, Region, stack

#: bullets a figure row can hold (more read as a list, not as cards)
MAX_CARDS = 4
#: the largest count drawn as that many icons
MAX_PICTOGRAM = 8

#: the reader's number words, one word each ("Two new markets"; "a pair of" is no figure on a card)
_NUMBER_WORDS = {w: n for w, n in NUMBER_WORDS.items() if " " not in w}
_PERCENT = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s?(?:%|percent\b)")
_NUMBER = re.compile(r"(?<![\w.$€£])(\d+(?:[.,]\d+)?)\b(?!\s?%)")
_WORD_NUMBER = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b", re.I)
_UP = re.compile(
    r"\b(?:up|rose|rise|rising|grew|grow(?:th|s|ing)?|gain(?:ed|s)?|increas\w*|higher|more)\b", re.I
)
_DOWN = re.compile(
    r"\b(?:down|fell|fall(?:ing|s)?|drop(?:ped|s)?|decreas\w*|lower|less|cut|reduc\w*)\b", re.I
)
_MONTHS = r"jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
_WHEN = re.compile(
    r"\b\d{1,2}[:.]\d{2}\s?(?:[ap]\.?m\.?)?|\b\d{1,2}\s?(?:[ap]\.?m\.?)(?!\w)|"
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})[a-z]*|\b(?:{_MONTHS})[a-z]*\.?\s+\d{{1,2}}\b|"
    r"\b(?:19|20)\d{2}\b",
    re.I,
)
_CURRENCY = re.compile(r"[$€£¥]\s?\d")
#: nouns of results bullets the shared icon table has no entry for
_EXTRA_ICONS: tuple[tuple[str, str], ...] = (
    (r"\bmarkets?\b|\bregions?\b|\bcountr(?:y|ies)\b", "public"),
    (r"\bchurn\b|\bcancel", "person_remove"),
    (r"\bcustomers?\b|\bclients?\b|\bsubscribers?\b|\bsign-?ups?\b", "group"),
    (r"\bhires?\b|\bhiring\b|\bemployees?\b|\bstaff\b", "person_add"),
    (r"\boffices?\b|\bstores?\b|\blocations?\b", "storefront"),
    (r"\bproducts?\b|\breleases?\b|\bfeatures?\b|\blaunch", "rocket_launch"),
)


@dataclass(frozen=True)
class Figure:
    """What a bullet's number is: a share of 100, a small count, or another figure."""

    kind: Literal["percent", "count", "other"]
    value: float
    trend: Literal["up", "down"] | None


def figure_of(text: str) -> Figure | None:
    """The figure a bullet carries, or None ("Two new markets" -> a count of 2). Times and dates
    ("10:30 Keynote", "14 March") are when, not how much: no figure."""
    text = _WHEN.sub(" ", text)
    trend: Literal["up", "down"] | None = (
        "up" if _UP.search(text) else ("down" if _DOWN.search(text) else None)
    )
    pct = _PERCENT.search(text)
    if pct:
        return Figure("percent", float(pct.group(1)), trend)
    word = _WORD_NUMBER.search(text)
    num = _NUMBER.search(text)
    if num and not _CURRENCY.search(text):
        value = float(num.group(1).replace(",", ""))
        if value.is_integer() and 1 <= value <= MAX_PICTOGRAM and not re.search(r"\d{4}", text):
            return Figure("count", value, trend)
        return Figure("other", value, trend)
    if word:
        return Figure("count", float(_NUMBER_WORDS[word.group(1).lower()]), trend)
    if _CURRENCY.search(text):
        return Figure("other", 0.0, trend)
    return None


def bullet_icon(text: str) -> str:
    """The icon of a bullet's noun (Material Symbols name)."""
    low = text.lower()
    own = next((name for pat, name in _EXTRA_ICONS if re.search(pat, low)), None)
    return own or icon_for(low, "insights")


def wants_figures(ctx: Ctx, bullets: list[TextItem]) -> bool:
    """A landscape slide with 2-4 bullets, at least one carrying a figure, and no picture asked for."""
    return (
        ctx.archetype == "slide"
        and 2 <= len(bullets) <= MAX_CARDS
        and any(figure_of(b.text) is not None for b in bullets)
        and ctx.image_style.lower() in ("", "abstract", "geometric", "data")
    )


def layout_figures(ctx: Ctx, heads: list[TextItem], bullets: list[TextItem], area: Region) -> list[Node]:
    """The title block over a row (or column) of figure cards, one per bullet, in the bullet order."""
    nodes: list[Node] = []
    head_h = area.h * 0.3
    # variants: odd ones centre the title; 2-3 stack the cards as rows (figure left, words right)
    align: Literal["left", "center"] = "center" if ctx.mirrored else "left"
    head_nodes, used = stack(
        ctx,
        entries_for(ctx, heads, boost=0.5, head_lines=2),
        Region(area.x, area.y, area.w, head_h),
        align=align,
        valign="top",
    )
    nodes.extend(head_nodes)
    y = area.y + (used if head_nodes else 0)
    if head_nodes:
        rule_h = max(3.0, 4 * ctx.unit)
        nodes.append(
            ctx.shape(
                Region(
                    area.x if align == "left" else area.cx - min(area.w * 0.12, 140 * ctx.unit) / 2,
                    y + ctx.gap,
                    min(area.w * 0.12, 140 * ctx.unit),
                    rule_h,
                ),
                "rect",
                fill=ctx.theme.palette.accent,
                radius=rule_h / 2,
                stem="rule",
            )
        )
        y += ctx.gap * 2.5 + rule_h
    cards_area = Region(area.x, y, area.w, area.bottom - y)
    across = ctx.w >= ctx.h and not ctx.alt
    cells = cards_area.cols(len(bullets), ctx.gap * 1.5) if across else cards_area.rows(len(bullets), ctx.gap)
    # one size for every bullet: the cards read as a set
    size = ctx.role_size("bullet", 2.0)
    for cell, item in zip(cells, bullets, strict=True):
        nodes.extend(_card(ctx, cell, item, size, across))
    return nodes


def _card(ctx: Ctx, cell: Region, item: TextItem, size: float, across: bool) -> list[Node]:
    pad = ctx.gap * 1.2
    inner = cell.inset(pad)
    nodes: list[Node] = [ctx.card(cell, z=0)]
    if across:
        visual, words = inner.split_v(0.66, ctx.gap)
    else:
        # a wide row keeps its figure compact, so the words sit right beside it
        visual, words = inner.split_h(0.38 if ctx.h > ctx.w else min(0.38, inner.h * 1.6 / inner.w), ctx.gap)
    nodes.extend(_visual(ctx, visual, item))
    nodes.append(
        ctx.text(
            item,
            words,
            role="bullet",
            size=size,
            align="center" if across else "left",
            valign="middle",
            on=ctx.theme.palette.surface,
            max_lines=3,
            z=2,
        )
    )
    return nodes


def _visual(ctx: Ctx, region: Region, item: TextItem) -> list[Node]:
    """The bullet's figure drawn in ``region`` (no text)."""
    fig = figure_of(item.text)
    pal = ctx.theme.palette
    noun = bullet_icon(item.text)
    side = min(region.w, region.h)
    square = Region(region.cx - side / 2, region.cy - side / 2, side, side)
    if fig is not None and fig.kind == "percent":
        icon = {"up": "trending_up", "down": "trending_down", None: noun}[fig.trend]
        ring = ctx.ring(square, item.text, min(fig.value, 100.0), 100.0, "%")
        return [ring, ctx.icon(square.inset(side * 0.3), icon, pal.accent, z=3)]
    if fig is not None and fig.kind == "count":
        n = int(fig.value)
        per_row = n if n <= 4 else (n + 1) // 2
        rows = 1 if n <= 4 else 2
        cell = min(region.w / per_row, region.h / rows, side * 0.6)
        out: list[Node] = []
        top = region.cy - cell * rows / 2
        for k in range(n):
            r, c = divmod(k, per_row)
            in_row = per_row if r < rows - 1 else n - per_row * (rows - 1)
            left = region.cx - cell * in_row / 2
            out.append(ctx.icon(Region(left + c * cell, top + r * cell, cell, cell).inset(cell * 0.08), noun))
        return out
    icon = (
        noun
        if fig is None or fig.trend is None
        else {"up": "trending_up", "down": "trending_down"}[fig.trend]
    )
    disc = square.inset(side * 0.08)
    return [
        ctx.shape(disc, "ellipse", fill=pal.background, stem="figure-disc"),
        ctx.icon(disc.inset(disc.w * 0.22), icon, pal.accent, z=3),
    ]
