"""Everything the planner reads from a prompt, before any layout decision: the compiler's front end."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from ..rules.scripts import Direction, detect_lang, direction_of
from .codes import CODE_CUE, CodeSpec, symbology_of, unquoted_codes, validate
from .colors import text_color_in
from .data import MetricValue, Stat, metric_values, stat_of
from .listed import ChartSpec, CountAsk, read
from .placement import Placement, parse_placement
from .quotes import Quote, find_quotes, mask_quotes, strip_quotes
from .roles import is_list_join, leading_role, refine_label, trailing_role
from .segments import Segment, first_of, split_segments
from .typography import FontSpec, parse_font

_SENTENCE_END = re.compile(r"[.!?;\n](?=\s|$)")
_PRICE_AFTER = re.compile(
    r"^\s*(?:[-–—:]|at|for|costs?|priced at)?\s*"
    r"(?P<p>[$€£¥₹]\s?\d+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?\s?(?:[$€£¥₹]|USD|EUR))"
)
_INDEXED = re.compile(r"\b(panel|frame|slide|page|shot)\s+(\d{1,2})\b", re.IGNORECASE)


@dataclass
class TextItem:
    """One piece of exact text to draw."""

    text: str
    #: role from the prompt's words; None = let the layout decide
    role: str | None
    order: int
    at: int
    font: FontSpec = field(default_factory=FontSpec)
    placement: Placement = field(default_factory=Placement)
    lang: str = "en"
    direction: Direction = "ltr"
    #: list group id: consecutive quotes joined by "," / "and" share it
    group: int = 0
    #: panel/frame/slide number the quote belongs to ("Panel 2: … bubble "…"")
    index: int | None = None
    #: set for ranges ("Frame 1" to "Frame 8"): the range id
    range_of: int | None = None
    #: a price written right after an item quote (also emitted as its own "price" item)
    price: str | None = None
    #: for a price item: the ``at`` of the item it belongs to
    price_for: int | None = None
    stat: Stat | None = None
    #: True for unquoted metric values (drawn as asked, see data.py)
    metric: MetricValue | None = None
    #: a color the prompt asked this text to be ("in red"); layouts keep it unless contrast forbids
    color: str | None = None
    #: True for text the prompt asked for without quotes (``listed.py``: lists, rows, steps, dates ...)
    unquoted: bool = False
    #: the ``at`` of the item this one is paired with (a KPI's value and its label)
    partner: int | None = None


@dataclass
class Content:
    """The front end's output."""

    prompt: str
    masked: str
    segments: list[Segment]
    texts: list[TextItem]
    codes: list[CodeSpec]
    #: words that were about the whole design (typography / Text: segments, "all labels in …")
    global_font: FontSpec
    global_placement: Placement
    #: the prompt without its quoted text (what images may depict)
    description: str
    subject: str | None
    scene: str | None
    style: str | None
    #: panel / frame descriptions by number ("Panel 2: she kneels")
    indexed: dict[int, str] = field(default_factory=dict)
    skipped_empty_quotes: int = 0
    #: charts the prompt gave data for (or asked for without data), and counts it asked for
    charts: list[ChartSpec] = field(default_factory=list)
    counts: list[CountAsk] = field(default_factory=list)


class _Offsets:
    """Sentence starts and ``Panel N`` marks of a prompt, found once and looked up by bisection (a 32k-char
    prompt with thousands of quotes stays linear)."""

    def __init__(self, masked: str) -> None:
        self.sentences = [m.end() for m in _SENTENCE_END.finditer(masked)]
        marks = list(_INDEXED.finditer(masked))
        self.mark_at = [m.start() for m in marks]
        self.mark_no = [int(m.group(2)) for m in marks]

    def sentence_start(self, at: int) -> int:
        k = bisect.bisect_right(self.sentences, at) - 1
        # a sentence end exactly at ``at`` cannot start the sentence that holds ``at``
        while k >= 0 and self.sentences[k] > at:
            k -= 1
        return self.sentences[k] if k >= 0 else 0

    def index_before(self, at: int) -> int | None:
        k = bisect.bisect_left(self.mark_at, at) - 1
        return self.mark_no[k] if k >= 0 else None


def _trailing_phrase(prompt: str, masked: str, end: int, next_start: int) -> str:
    """Words right after a quote, up to the next quote or the end of the clause (style and placement)."""
    stop = next_start
    m = re.search(r"[.;!?](?=\s|$)|,\s|\n", masked[end:next_start])
    if m:
        stop = end + m.start()
    return masked[end:stop].replace("\x00", " ")


#: a ``Text:`` segment made of these words describes the type, it is not the text ("Text: bold, centered")
_TYPE_WORDS = re.compile(
    r"\b(?:headlines?|subheads?|subheadings?|titles?|captions?|labels?|text|copy|fonts?|typefaces?|type|"
    r"bold|italic|serif|sans|sans-serif|mono|monospace|centered|centred|aligned|large|small|big|"
    r"uppercase|lowercase|letters?|words?|lettering|typography|none|no|minimal|exact|exactly|quoted)\b",
    re.IGNORECASE,
)
#: the longest unquoted ``Text:`` segment taken as the text itself (longer ones are descriptions)
MAX_ASKED_WORDS = 8


def asked_text(seg: Segment, quotes: list[Quote], prompt: str) -> tuple[str, int] | None:
    """The text an explicit ``Text:`` (or ``Copy:``) segment asks for without quotes, and its offset.

    ``Text: Welcome`` asks for "Welcome": the label is an explicit request, so its words are drawn
    exactly as written (only the segment's surrounding spaces and one sentence-ending period are not part
    of it). Not when the segment has quotes (they are the text), is longer than ``MAX_ASKED_WORDS``
    words, or uses words that describe type (``Text: bold headline, centered``)."""
    if seg.key != "text" or not seg.text:
        return None
    if any(seg.start <= q.start < seg.end for q in quotes):
        return None
    text = seg.text
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1].rstrip()
    if not text or "\n" in text or len(text.split()) > MAX_ASKED_WORDS or _TYPE_WORDS.search(text):
        return None
    return text, prompt.index(text, seg.start)


def extract(prompt: str) -> Content:
    """Read a prompt into :class:`Content`: quoted text with roles, codes, values, segments, words."""
    quotes = find_quotes(prompt)
    masked = mask_quotes(prompt, quotes)
    segments = split_segments(prompt, quotes)
    traditional = bool(re.search(r"traditional chinese|繁體|hong kong|taiwan", masked, re.IGNORECASE))
    texts: list[TextItem] = []
    codes: list[CodeSpec] = []
    skipped = 0
    prev: Quote | None = None
    prev_item: TextItem | None = None
    prev_style = FontSpec()
    group = 0
    starts = sorted({q.start for q in quotes})
    offsets = _Offsets(masked)
    for q in quotes:
        k = bisect.bisect_right(starts, q.start)
        nxt = starts[k] if k < len(starts) else len(prompt)
        if q.range_of is not None and prev_item is not None and prev_item.range_of == q.range_of:
            # a member of an expanded range: same context as the first member
            item = TextItem(
                q.text,
                prev_item.role,
                len(texts),
                q.start,
                prev_item.font,
                prev_item.placement,
                prev_item.lang,
                prev_item.direction,
                prev_item.group,
                None,
                q.range_of,
            )
            texts.append(item)
            prev, prev_item = q, item
            continue
        window_start = max(offsets.sentence_start(q.start), prev.end if prev else 0)
        window = masked[window_start : q.start]
        between = masked[prev.end : q.start] if prev else None
        after = _trailing_phrase(prompt, masked, q.end, nxt)
        cue = leading_role(window)
        role: str | None = None
        lead_style = FontSpec()
        if cue:
            role = cue[0]
            lead_style = parse_font(window[cue[1].end() :])
        elif (
            between is not None
            and is_list_join(_PRICE_AFTER.sub("", between, count=1))
            and prev_item is not None
            # a name after "agent" is one person, not the head of a list of contacts
            and prev_item.role != "contact"
        ):
            role, lead_style = prev_item.role, prev_style
        else:
            role = trailing_role(after)
            group += 1
        if cue:
            group += 1
        if role == "code":
            # the quoted text is a code payload, not text to draw
            assert cue is not None
            symb = symbology_of(CODE_CUE.search(cue[1].group(0)) or cue[1], q.text)
            clause = masked[offsets.sentence_start(q.start) : q.end + len(after)].replace("\x00", " ")
            codes.append(CodeSpec(symb, validate(symb, q.text), parse_placement(clause), q.start))
            prev, prev_item = q, None
            continue
        if not q.text.strip():
            # nothing to draw or verify; counted so the summary can say so
            skipped += 1
            prev = q
            continue
        clause = masked[offsets.sentence_start(q.start) : q.end + len(after)]
        if role:
            role = refine_label(role, clause)
        font = lead_style.merged(parse_font(after))
        asked_color = text_color_in(after)
        placement = parse_placement(after)
        if placement.empty and cue:
            placement = parse_placement(window[cue[1].start() :])
        lang = detect_lang(q.text, traditional_chinese=traditional)
        idx = offsets.index_before(q.start)
        price_m = _PRICE_AFTER.match(masked[q.end : nxt])
        item = TextItem(
            q.text,
            role,
            len(texts),
            q.start,
            font,
            placement,
            lang,
            direction_of(lang),
            group,
            idx,
            q.range_of,
            price=price_m.group("p") if price_m and role in ("item", None) else None,
        )
        item.stat = stat_of(q.text)
        item.color = asked_color
        texts.append(item)
        if item.price and price_m:
            # a price the prompt wrote next to an item is drawn too: it is the item's stated data
            if item.role is None:
                item.role = "item"
            at = q.end + price_m.start("p")
            texts.append(TextItem(item.price, "price", len(texts), at, lang="en", price_for=item.at))
        prev, prev_item, prev_style = q, item, lead_style
    codes.extend(unquoted_codes(masked, prompt))
    codes.sort(key=lambda c: c.at)
    listed = read(masked, prompt)
    for mv in metric_values(masked, prompt):
        if any(a <= mv.at < b for a, b in listed.spans):
            continue  # the list reader has it, with its label
        texts.append(TextItem(mv.text, "stat_value", len(texts), mv.at, metric=mv))
    code_spans = [(c.at, c.at + 120) for c in codes]
    by_text_at = {(t.text, t.at) for t in texts}
    kpi_at: dict[tuple[int, str], int] = {}
    for lt in listed.texts:
        in_code = any(a <= lt.at < b and lt.role == "contact" for a, b in code_spans)
        if (lt.text, lt.at) in by_text_at or in_code:
            continue
        lang = detect_lang(lt.text, traditional_chinese=traditional)
        item = TextItem(
            lt.text, lt.role, len(texts), lt.at, lang=lang, direction=direction_of(lang), group=lt.group,
            unquoted=True,
        )
        if lt.role == "item" and lt.price:
            item.price = lt.price
        if lt.role == "price" and lt.of is not None:
            owner = next((t for t in texts if t.text == lt.of and t.price == lt.text), None)
            item.price_for = owner.at if owner else None
        if lt.role in ("kpi_label", "kpi_value"):
            kpi_at[(lt.group, lt.text)] = lt.at
        texts.append(item)
    for t in texts:
        if t.role in ("kpi_label", "kpi_value") and t.unquoted:
            partner = next((lt for lt in listed.texts if lt.at == t.at), None)
            if partner is not None and partner.of is not None:
                t.partner = kpi_at.get((partner.group, partner.of))
    for seg in segments:
        asked = asked_text(seg, quotes, prompt)
        if asked is not None:
            lang = detect_lang(asked[0], traditional_chinese=traditional)
            texts.append(
                TextItem(asked[0], None, len(texts), asked[1], lang=lang, direction=direction_of(lang))
            )
    texts.sort(key=lambda t: (t.at, t.order))
    for i, t in enumerate(texts):
        t.order = i

    typo = " ".join(s.text for s in segments if s.key in ("typography", "text", "ui"))
    global_font = FontSpec()
    for m in re.finditer(
        r"\b(?:all|every)\s+(?:the\s+)?(?:text|labels?|type|copy|words)\s+in\s+([^.,;]+)", masked, re.I
    ):
        global_font = global_font.merged(parse_font(m.group(1)))
    typo_masked = mask_quotes(typo)
    if any(s.key == "typography" for s in segments):
        global_font = parse_font(typo_masked).merged(global_font)
    elif global_font.empty and typo_masked.strip():
        named = parse_font(typo_masked)
        if named.requested:
            global_font = FontSpec(family=named.family, requested=named.requested)
    global_placement = parse_placement(
        " ".join(s.text for s in segments if s.key in ("typography", "layout")) or masked.replace("\x00", " ")
    )
    description = strip_quotes(prompt, quotes)
    indexed: dict[int, str] = {}
    for seg in segments:
        if seg.key and re.fullmatch(r"(panel|frame|slide|page|shot) \d+", seg.key):
            indexed[int(seg.key.split()[1])] = strip_quotes(seg.text)
    subject = first_of(segments, "subject")
    scene = first_of(segments, "scene")
    if subject is None and segments and segments[0].key is None:
        # an unlabeled prompt: its first clause names the subject ("A small Tokyo cafe storefront at dusk")
        first = re.split(r"[,.;:]\s", strip_quotes(segments[0].text), maxsplit=1)[0]
        subject = first.strip() or None
    return Content(
        prompt=prompt,
        masked=masked,
        segments=segments,
        texts=texts,
        codes=codes,
        global_font=global_font,
        global_placement=global_placement,
        description=description,
        subject=strip_quotes(subject) if subject else None,
        scene=strip_quotes(scene) if scene else None,
        style=first_of(segments, "style"),
        indexed=indexed,
        skipped_empty_quotes=skipped,
        charts=listed.charts,
        counts=listed.counts,
    )
