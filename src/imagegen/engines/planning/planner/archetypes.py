"""Layout archetypes: an extensible registry, and detection by weighted cue words plus content shape.

Each archetype scores the cue phrases found in the prompt (quoted text masked) and the shape of what
was extracted (speech bubbles -> comic page, a masthead -> magazine cover, metric values -> app screen,
specification rows -> spec sheet / label). The highest score wins; ties go to the earlier registration;
nothing scored -> poster. ``register`` adds an archetype (with its layout function) at import time.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..reading.content import Content


@dataclass(frozen=True)
class Archetype:
    """A kind of design. ``ratio`` (w/h) is its natural aspect when the size is auto."""

    name: str
    family: str
    ratio: float
    cues: tuple[tuple[str, float], ...] = ()
    #: extra score from the extracted content
    content_score: Callable[[Content], float] = field(default=lambda c: 0.0)
    #: the role an unlabeled first quote plays in this design
    primary_role: str = "headline"


def _roles(c: Content, *roles: str) -> int:
    return sum(1 for t in c.texts if t.role in roles)


REGISTRY: dict[str, Archetype] = {}


def register(archetype: Archetype) -> None:
    """Add (or replace) an archetype."""
    REGISTRY[archetype.name] = archetype


for _a in (
    Archetype(
        "storyboard",
        "sequential",
        3 / 2,
        ((r"\bstory ?board", 6), (r"\bframes\b", 1.5), (r"\bshots?\b", 0.5)),
        lambda c: 2.0 if any(t.range_of is not None and t.role == "caption" for t in c.texts) else 0.0,
        "caption",
    ),
    Archetype(
        "comic_page",
        "sequential",
        2 / 3,
        (
            (r"\bmanga\b|\bcomic\b|\bgraphic novel\b|\bwebtoon\b", 6),
            (r"\bpanel\s*\d|\d+-panel", 2),
            (r"speech bubbles?", 2),
        ),
        lambda c: 2.0 * min(1, _roles(c, "bubble")),
        "bubble",
    ),
    Archetype(
        "magazine_cover",
        "editorial",
        2 / 3,
        ((r"\bmagazine\b", 5), (r"\bmast ?head\b", 3), (r"cover ?lines?", 3), (r"\bcover\b", 1)),
        lambda c: 3.0 * min(1, _roles(c, "masthead")),
    ),
    Archetype(
        "app_screen",
        "screen",
        2 / 3,
        (
            (r"\bapp\b", 2),
            (r"screenshot|\bscreen\b", 2),
            (r"\bios\b|\bandroid\b|iphone|smartphone|mobile", 2),
            (r"\bdashboard\b", 1.5),
            (r"\bui\b|user interface|navigation bar|tab bar|\bwidget", 2),
        ),
        lambda c: 2.0 * min(1, _roles(c, "nav", "stat_value")),
    ),
    Archetype(
        "dashboard",
        "dashboard",
        3 / 2,
        (
            (r"\bdashboard\b", 2),
            (
                r"\bsidebar\b|\bside bar\b|\bkpis?\b|\bsaas\b|\badmin\b|web ?app|\banalytics\b|\bconsole\b",
                2.5,
            ),
        ),
        lambda c: 1.5 if _roles(c, "kpi_value", "kpi_label") and (c.charts or _roles(c, "nav")) else 0.0,
        "title",
    ),
    Archetype(
        "map",
        "map",
        3 / 2,
        (
            (r"\bmap\b(?! icon| pin)", 5),
            (r"\bwayfinding\b|\bsite plan\b", 4),
        ),
        lambda c: 2.0 if _roles(c, "place") >= 2 else 0.0,
        "title",
    ),
    Archetype(
        "infographic",
        "data",
        2 / 3,
        ((r"infographic", 7), (r"\bstatistics\b|\bcharts?\b|\bbars\b|\bdata viz", 1)),
        lambda c: 1.5 * min(1, _roles(c, "stat")) + (2.0 if any(ch.points for ch in c.charts) else 0.0),
    ),
    Archetype("slide", "hero", 16 / 9, ((r"\bslide\b|presentation|keynote|pitch deck|\bdeck\b", 5),)),
    Archetype(
        "spec_sheet",
        "data",
        2 / 3,
        (
            (r"spec(?:ification)? sheet|data ?sheet|tech(?:nical)? spec", 6),
            (r"specification rows|\bspecs\b", 2),
        ),
        lambda c: 2.0 if _roles(c, "row") >= 3 else 0.0,
    ),
    Archetype(
        "label",
        "data",
        2 / 3,
        (
            (r"(?:museum|gallery|conservation|wine|beer|bottle|jar|shipping|nutrition|wall) label", 6),
            (r"\blabel design\b", 5),
        ),
        lambda c: 1.0 if _roles(c, "row") >= 3 else 0.0,
        "title",
    ),
    Archetype(
        "menu",
        "data",
        2 / 3,
        ((r"\bmenu\b(?! bar| icon)", 5), (r"\bprices?\b", 1)),
        lambda c: 2.0 if sum(1 for t in c.texts if t.price) >= 2 else 0.0,
        "title",
    ),
    Archetype("ticket", "data", 2.0, ((r"\bticket\b|boarding pass|admission pass|\bevent pass\b", 6),)),
    Archetype(
        "banner",
        "hero",
        3.0,
        ((r"\bbanner\b", 5), (r"\bheader image\b|\bleaderboard ad\b|\bhero banner\b", 3)),
    ),
    Archetype(
        "sign",
        "sign",
        3 / 2,
        (
            (r"\bsign\b|\bsignage\b|\bsignboard\b", 4),
            (r"storefront|shop ?front|\bplaque\b", 2),
            (r"\bneon\b", 2),
        ),
        lambda c: 1.0 if _roles(c, "sign") else 0.0,
        "sign",
    ),
    Archetype(
        "invitation",
        "invitation",
        2 / 3,
        (
            (r"\binvitations?\b|save[- ]the[- ]date", 6),
            (r"\brsvp\b|\bwedding\b|\bengagement\b|\bbirthday party\b|\bbaby shower\b|\bgala dinner\b", 1),
        ),
        primary_role="title",
    ),
    Archetype(
        "packaging",
        "packaging",
        2 / 3,
        (
            (r"\bpackag(?:ing|e) (?:front|design|mock-?up)\b|\bpack(?:aging)? ?front\b|\bbox front\b", 7),
            (r"\bcereal box\b|\bstand-?up pouch\b|\b(?:coffee|tea|snack|granola) (?:bag|pouch|box|tin)\b", 6),
            (r"\bpackag(?:ing|e)\b", 4),
        ),
        primary_role="title",
    ),
    Archetype(
        "social_card",
        "hero",
        1.0,
        ((r"greeting card|\bcard\b|instagram|social (?:media )?post|postcard|invitation|\bquote card", 3),),
    ),
    Archetype(
        "product_hero",
        "hero",
        1.0,
        (
            (r"\bproduct\b", 2),
            (r"\bhero\b", 1),
            (r"e-?commerce|packshot|product (?:shot|photo)|still life", 2),
            (r"\bcommercial\b|\badvert(?:isement|ising)?\b|\bad\b", 1.5),
            (r"\bpackag(?:ing|e)\b|\bpack ?(?:shot|front)\b|\bbox front\b|\bcereal box\b", 4),
        ),
    ),
    Archetype("poster", "hero", 2 / 3, ((r"\bposter\b|\bflyer\b|\bplacard\b", 4),)),
):
    register(_a)


def detect(content: Content) -> tuple[Archetype, str]:
    """The best archetype for the content, and the words that chose it."""
    low = content.masked.lower()
    best: tuple[float, int, Archetype, list[str]] | None = None
    for rank, arch in enumerate(REGISTRY.values()):
        score = 0.0
        words: list[str] = []
        for pattern, weight in arch.cues:
            m = re.search(pattern, low)
            if m:
                score += weight
                words.append(m.group(0))
        extra = arch.content_score(content)
        if extra:
            score += extra
            words.append("content")
        if score > 0 and (best is None or score > best[0] or (score == best[0] and rank < best[1])):
            best = (score, rank, arch, words)
    if best is None:
        return REGISTRY["poster"], "default"
    return best[2], ", ".join(best[3])
