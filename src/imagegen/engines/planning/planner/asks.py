"""The plan's ``asks``: every element the brief asked for, typed, so the verifier can check each one.

- ``text``: every text this variant must draw (quoted or not), exactly, with its role;
- ``code``: every QR / EAN-13 / Code 128 payload;
- ``chart``: every data set the brief gave (``bar chart of revenue Q1 4.2, Q2 4.8``), points in order;
- ``color``: every colour the brief named for the design (``red and gold``, ``#1e3a8a``, ``mint background``);
- ``count``: every count (``three KPI cards``, ``12 rows``, ``five steps``) as the node role it counts;
- ``picture``: the subject the design pictures, when it has art.
"""

from __future__ import annotations

from ..plan import Ask, DataPoint, ImageNode, Node
from ..reading.codes import CodeSpec
from ..reading.content import Content, TextItem

#: counted roles that are words the brief must give (a dish, a row, a step ...): a count of them with no
#: words given is honoured by drawing none. (A KPI card is drawn empty when its figures are not given.)
NAMED_ROLES = frozenset(
    {"item", "price", "row", "step", "bullet", "place", "badge", "button", "nav", "cover_line"}
)


def asks_for(
    content: Content,
    items: list[TextItem],
    codes: list[CodeSpec],
    colors: list[tuple[str, str]],
    nodes: list[Node],
    archetype: str = "",
) -> list[Ask]:
    """The asks of one plan (``items`` are the texts this variant draws). A menu that names no dishes gets
    a count ask of none, saying so, so the report states what the brief did not give."""
    out: list[Ask] = [Ask(kind="text", value=i.text, detail=i.role or "body") for i in items]
    out += [Ask(kind="code", value=c.data, detail=c.symbology) for c in codes]
    for chart in content.charts:
        if chart.points:
            out.append(
                Ask(
                    kind="chart",
                    value=chart.kind,
                    detail=chart.subject,
                    points=[DataPoint(label=p.label, value=p.value) for p in chart.points],
                )
            )
    out += [Ask(kind="color", value=hex_, detail=words) for words, hex_ in colors]
    seen: set[str] = set()
    for count in content.counts:
        if count.role in seen or count.role == "chart_point":
            continue
        seen.add(count.role)
        if count.role in NAMED_ROLES and not any(i.role == count.role for i in items):
            # "a menu with six dishes" that names none: the names are not invented, so none is drawn, and
            # the ask says so (the report reads "none named in the brief") instead of failing the count
            detail = f"{count.words} (none named in the brief; none invented)"
            out.append(Ask(kind="count", value=count.role, detail=detail, n=0))
            continue
        out.append(Ask(kind="count", value=count.role, detail=count.words, n=count.n))
    if archetype == "menu" and "item" not in seen and not any(i.role in ("item", "price") for i in items):
        out.append(
            Ask(kind="count", value="item", detail="dishes (none named in the brief; none invented)", n=0)
        )
    pictures = {n.prompt for n in _walk(nodes) if isinstance(n, ImageNode) and n.prompt}
    out += [Ask(kind="picture", value=p, detail="subject") for p in sorted(pictures)[:1]]
    return out


def _walk(nodes: list[Node]) -> list[Node]:
    out: list[Node] = []
    for n in nodes:
        out.append(n)
        children = getattr(n, "children", None)
        if children:
            out.extend(_walk(children))
    return out
