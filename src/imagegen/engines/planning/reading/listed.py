"""Text a prompt asks to show *without quotes*: lists, rows, steps, places, buttons, dates, chart data.

A brief rarely quotes everything it wants on the canvas. This reader finds the unquoted content a brief
clearly asks to display, and only that (descriptive words never become image text):

- **Lists after a container noun**, in parentheses or after a colon, split on ``;`` (else ``,``/``and``):
  ``a sidebar (Overview, Jobs, Assets, Settings)`` -> nav labels; ``12 specification rows (Object ID:
  AST-1592-07; Maker: Georg Hartmann; …)`` -> rows, each exactly as written; ``three KPI cards (Jobs today
  1,284; Failures 3; p95 latency 412 ms)`` -> a label and a value per card; ``steps: Mix, Pour, Bake``;
  ``buttons (Book now, Learn more)``; ``labelled places (Harbor, Old Town)``; ``items (Espresso $3.50; …)``
  -> items with their prices. A parenthesis after any other noun (``a cyclist (dawn, rain, flat tire)``)
  describes; it is not text.
- **Numbered steps and bullets** written as ``1. Mix 2. Pour`` or ``- Mix`` lines.
- **Single labelled things**: ``titled Pipeline Health``, ``a button labelled Sign up``, ``a badge reading
  NEW``, ``priced at $1,250,000``, a date (``June 12, 2027``, ``Saturday 14 March``, ``7:30 pm``), a phone
  number, a web address or e-mail that no code carries.
- **Chart data**: ``a bar chart of quarterly revenue Q1 4.2, Q2 4.8, Q3 5.7`` -> a bar chart whose series is
  (Q1, 4.2), (Q2, 4.8), (Q3, 5.7); ``line``, ``pie``/``donut``, ``column`` and ``horizontal bar`` too.
- **Counts**: ``three KPI cards``, ``12 rows``, ``five steps`` -> how many of a role the design must show.

Every returned text is a slice of the prompt (byte-exact), with its offset. Quoted spans are masked with
``\\x00`` by the caller, so nothing here reads inside quotes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from .cued import label_case, read_cued

ChartKind = Literal["bar", "hbar", "line", "donut"]

NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "a couple of": 2,
    "a pair of": 2,
}
_NUM = r"(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"

#: container nouns -> the role their listed items take (checked in order; the first match wins)
CONTAINERS: tuple[tuple[str, str], ...] = (
    (
        r"side ?bar|nav(?:igation)?(?: bar| menu| items| links)?|tab ?bar|tabs|menu bar|top bar|header links",
        "nav",
    ),
    (r"kpi(?: cards?| tiles?)?s?|metric cards?|stat(?:istic)? cards?|kpis", "kpi"),
    (
        r"(?:specification|spec|data|detail|info(?:rmation)?|table) rows?|rows|specs|specifications|fields|"
        r"details|facts|schedule|agenda|timetable|itinerary|programme|program|line items",
        "row",
    ),
    (r"steps?|instructions|stages|phases|how[- ]to", "step"),
    (r"bullets?(?: points?)?|bullet list|key points|features|highlights|benefits|perks|amenities", "bullet"),
    (r"buttons?|ctas?|calls? to action", "button"),
    (r"badges?|tags?|chips?|pills?|stickers?", "badge"),
    (
        r"(?:labell?ed )?(?:places|locations|landmarks|stops|stations|districts|neighbou?rhoods|pins|"
        r"markers)|"
        r"labell?ed (?:points|spots)",
        "place",
    ),
    (r"menu items|items|dishes|drinks|courses|products|flavou?rs|services|treatments|plans|tiers", "item"),
    (r"sections|categories|columns|topics|chapters|legend", "label"),
    (r"cover ?lines?|coverlines?", "cover_line"),
)
_CONTAINER_RES = [(re.compile(rf"(?:{p})$", re.IGNORECASE), role) for p, role in CONTAINERS]

_PRICE = (
    r"[$€£¥₹]\s?\d(?:[\d,]*\d)?(?:\.\d{1,2})?(?:\s?[kKmM]\b)?"
    r"|\d(?:[\d,]*\d)?(?:\.\d{1,2})?\s?(?:€|£|USD|EUR|GBP)"
)
_PRICE_TAIL = re.compile(rf"^(?P<name>.+?)\s*(?:[-–—:=]|at|for)?\s+(?P<price>{_PRICE})$")
_VALUE = (
    r"[$€£¥₹]?\d(?:[\d,]*\d)?(?:\.\d+)?(?:\s?(?:%|ms|s|h|hrs|min|k|K|M|B|bn|GB|MB|TB|kg|g|km|mi|bpm|kcal|°C|°F|°|"
    r"users|jobs|orders|x))?"
)
_KPI = re.compile(rf"^(?P<label>.*?[^\d\s:=])\s*[:=]?\s+(?P<value>{_VALUE})$")
_KPI_LEAD = re.compile(rf"^(?P<value>{_VALUE})\s+(?P<label>[^\d].*)$")

MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|"
    r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_WEEKDAY = r"(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?,?\s+)"
_DATE = re.compile(
    rf"\b(?:{_WEEKDAY}?{MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    rf"|{_WEEKDAY}?\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTHS}(?:,?\s+\d{{4}})?"
    rf"|\d{{4}}-\d{{2}}-\d{{2}})"
    rf"(?:(?:,|\s+at|\s*[·|•-])?\s+\d{{1,2}}(?::\d{{2}})?\s?(?:am|pm|AM|PM|a\.m\.|p\.m\.))?",
)
#: a time's own label, kept with it (``doors 7:30 pm`` -> "Doors 7:30 pm", ``drinks from 6 pm``)
_TIME_LABEL = (
    r"(?P<label>\b(?i:doors|gates|show|curtain|kick-?off|ceremony|reception|dinner|drinks|dancing|"
    r"last entry|check-in)(?:\s+(?i:open|opens|up|starts?|begins?|at|from)){0,2}\s*:?\s+)?"
)
_TIME = re.compile(
    _TIME_LABEL
    + r"\b\d{1,2}(?::\d{2})?\s?(?:am|pm|AM|PM)\b(?:\s?[-–]\s?\d{1,2}(?::\d{2})?\s?(?:am|pm|AM|PM))?"
)
_PHONE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,4}\)[ .-]?)?\d{2,4}[ .-]\d{3,4}(?:[ .-]\d{2,4})?\b"
)
_PHONE_CUE = re.compile(r"\b(?:call|phone|tel(?:ephone)?|whatsapp|hotline|contact|ring|text us)\b", re.I)
_WEB = re.compile(
    r"(?<![\w@/])(?:https?://|www\.)[^\s,;()]+[^\s,;().!?]|\b[\w.+-]+@[\w-]+\.[\w.]+[A-Za-z]"
    # a bare domain ("jobs.example.com", "orbit.io/join"): only with a known top-level domain
    r"|(?<![\w@/.])[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:com|org|net|io|co|dev|app|ai|edu|gov|info|shop|"
    r"store|studio|design|me|tv|fm|uk|de|fr|eu|ca|au|nl|es|it|jp)\b(?:/[^\s,;()]*[^\s,;().!?])?(?![\w@-])"
)
_TITLED = re.compile(
    r"\b(?:titled|entitled|called|named|headed|headline[d]?|reading|that reads|which reads|saying|that says)"
    r"\s*:?\s+(?P<t>[A-Z0-9][^,.;:!?()\x00\n]*?[^\s,.;:!?()\x00])(?=\s*(?:[,.;:!?()\n]|$|\s+(?:with|and a|"
    r"and an|and the|in|on|at|for|over|under|above|below|beside|next to|set in|written)\b))",
)
_SINGLE = re.compile(
    r"\b(?P<kind>button|badge|tag|sticker|stamp|ribbon|seal|banner strip|call to action|cta)\s+"
    r"(?:labell?ed|reading|saying|that says|with the (?:text|words?)|with)\s*:?\s+"
    r"(?P<t>[A-Z0-9$€£][^,.;:!?()\x00\n]*?[^\s,.;:!?()\x00])(?=\s*(?:[,.;:!?()\n]|$|\s+(?:and|with|in|on|at)\b))",
    re.IGNORECASE,
)
_PRICED = re.compile(
    rf"\b(?:priced at|price(?:d)?|costs?|for only|only|just|asking)\s*:?\s+(?P<p>{_PRICE})", re.I
)
_CHART = re.compile(
    r"\b(?P<kind>bar|column|horizontal bar|line|pie|donut|doughnut|area)\s+(?:chart|graph|plot)\b"
    r"(?P<body>[^.\x00\n]*(?:\.\d[^.\x00\n]*)*)",
    re.IGNORECASE,
)
_COUNT = re.compile(
    rf"\b(?P<n>{_NUM})\s+(?P<noun>(?:[A-Za-z0-9-]+\s+){{0,2}}?(?:kpi cards?|kpis|cards?|tiles|rows?|steps?|"
    r"items|bullets?(?: points)?|buttons?|places|stops|stations|sections|columns|badges|icons|tabs|"
    r"bars|slices|points|dishes|entries|fields|specification rows))\b",
    re.IGNORECASE,
)
_NUMBERED = re.compile(r"(?:(?<=\s)|^)(?P<n>\d{1,2})[.)]\s+(?P<t>[^\x00\n]+?)(?=\s+\d{1,2}[.)]\s|\s*\n|\s*$)")
_BULLET_LINE = re.compile(r"^\s*[-*•]\s+(?P<t>[^\x00\n]+?)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Listed:
    """One unquoted text to draw, exactly ``prompt[at:at+len(text)]``."""

    text: str
    role: str
    at: int
    #: items of one list share a group number (for counts and layouts)
    group: int = 0
    #: for a KPI: the label this value belongs to (also a Listed of role ``kpi_label``)
    of: str | None = None
    #: for an item: its price text (also a Listed of role ``price``)
    price: str | None = None


@dataclass(frozen=True)
class ChartPoint:
    label: str
    value: float
    #: the value exactly as written (``4.2``, ``$1.2M``, ``40%``)
    text: str


@dataclass(frozen=True)
class ChartSpec:
    """A chart the prompt gave data for (or asked for without data: then ``points`` is empty)."""

    kind: ChartKind
    points: tuple[ChartPoint, ...]
    unit: str
    at: int
    #: the words naming what is charted ("quarterly revenue"), never drawn unless quoted
    subject: str = ""


@dataclass(frozen=True)
class CountAsk:
    """``three KPI cards`` -> role ``kpi``, 3 (the node role counted: a KPI card group, a ``row`` text)."""

    role: str
    n: int
    words: str
    at: int


@dataclass
class Reading:
    texts: list[Listed] = field(default_factory=list)
    charts: list[ChartSpec] = field(default_factory=list)
    counts: list[CountAsk] = field(default_factory=list)
    #: prompt spans consumed by this reader (other readers skip them)
    spans: list[tuple[int, int]] = field(default_factory=list)


def number(word: str) -> int | None:
    word = word.lower()
    return int(word) if word.isdigit() else NUMBER_WORDS.get(word)


def _split_items(body: str) -> list[tuple[int, int]]:
    """(start, end) of each item of a list body: on ``;`` when there is one, else on ``,`` (not inside a
    number like ``1,284``), and a final ``and``/``or``/``&``. Items are trimmed of spaces and ``etc.``."""
    if ";" in body:
        cuts = [m.start() for m in re.finditer(";", body)]
    else:
        cuts = [m.start() for m in re.finditer(r",(?!\d{3}\b)", body)]
    spans: list[tuple[int, int]] = []
    prev = 0
    for c in [*cuts, len(body)]:
        spans.append((prev, c))
        prev = c + 1
    if ";" in body and len(spans) > 1:
        # "A; B; C, apply at …": a semicolon list ends at the first comma of its last item
        s, e = spans[-1]
        comma = body.find(", ", s, e)
        if comma >= 0:
            spans[-1] = (s, comma)
    out: list[tuple[int, int]] = []
    for s, e in spans:
        piece = body[s:e]
        m = re.match(r"\s*(?:(?:and|or|&|plus)\s+)?", piece)
        s += m.end() if m else 0
        piece = body[s:e]
        while e > s and body[e - 1] in " .…\t":
            e -= 1
        tail = re.search(r"(?:,?\s*(?:etc\.?|and so on|\.\.\.|…))$", body[s:e])
        if tail:
            e = s + tail.start()
            while e > s and body[e - 1] in " .,":
                e -= 1
        if e > s:
            out.append((s, e))
    # "A, B and C": the last piece holds two items
    if ";" not in body and len(out) >= 2:
        s, e = out[-1]
        j = re.search(r"\s+(?:and|&)\s+", body[s:e])
        if j:
            out[-1] = (s, s + j.start())
            out.append((s + j.end(), e))
    elif len(out) == 1:
        s, e = out[0]
        j = re.search(r"\s+(?:and|&)\s+", body[s:e])
        if j and not re.search(r"\d", body[s:e]) and len(body[s:e].split()) <= 6:
            out = [(s, s + j.start()), (s + j.end(), e)]
    return out


#: a menu's courses and sections, named by their usual words (``a menu with starters, mains and desserts``)
_COURSE = re.compile(
    r"(?i:starters?|appeti[sz]ers?|antipasti|small plates|sharing plates|nibbles|soups?|salads?|mains?|"
    r"main courses?|entr[eé]es?|pasta|pizzas?|primi|secondi|contorni|dolci|sides?|side dishes|desserts?|"
    r"sweets|puddings?|cheeses?|drinks|beverages|hot drinks|soft drinks|wines?|cocktails?|beers?|coffees?|"
    r"teas?|juices|smoothies|breakfast|brunch|lunch|dinner|specials|kids|bakery|pastries|burgers|"
    r"sandwiches|mezze|tapas|sushi|grill|sea ?food|vegan|vegetarian)"
)
_MENU = re.compile(r"\bmenu\b", re.IGNORECASE)


def _sections(pieces: list[tuple[int, int]], body: str, clause: str) -> bool:
    """Whether a list is a menu's sections: two or more, each a course word, in a brief about a menu."""
    return (
        len(pieces) >= 2
        and bool(_MENU.search(clause))
        and all(_COURSE.fullmatch(body[a:b]) for a, b in pieces)
    )


def _container_role(noun: str) -> str | None:
    noun = re.sub(r"\s+", " ", noun.strip().lower())
    for pattern, role in _CONTAINER_RES:
        if pattern.search(noun):
            return role
    return None


#: where a list opens: a parenthesis, a colon, or "with"/"listing"/"labelled" after the container noun
_LIST_OPEN = re.compile(
    r"\((?P<paren>[^()\x00]+)\)|:\s+(?P<colon>[^.\x00\n()]+(?:\.(?=[\w$€£])[^.\x00\n()]*)*)"
    r"|\s+(?:with|listing|labell?ed|reading)\s+(?P<worded>[^.\x00\n():]+(?:\.(?=[\w$€£])[^.\x00\n():]*)*)"
)
_NOUN_BEFORE = re.compile(r"((?:[A-Za-z][\w-]*\s+){0,3}[A-Za-z][\w-]*)\s*$")


def read(masked: str, prompt: str) -> Reading:
    """The unquoted content of a prompt (see the module docstring). ``masked`` has quotes as ``\\x00``."""
    out = Reading()
    group = 1000
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    # 1. chart data
    for m in _CHART.finditer(masked):
        chart = _chart(m, masked, prompt)
        if chart is not None:
            out.charts.append(chart)
            if chart.points:
                taken.append((m.start("body"), m.end("body")))
    # 2. lists after a container noun
    for m in _LIST_OPEN.finditer(masked):
        body_key = next(k for k in ("paren", "colon", "worded") if m.group(k) is not None)
        body = m.group(body_key)
        base = m.start(body_key)
        head = body.split(";", 1)[0]
        if body_key != "paren" and ";" in body and "," in head and ":" not in head:
            # "tabs: Home, Search, Library; buttons (…)": a comma list ends at the semicolon
            body = body.split(";", 1)[0]
        noun_m = _NOUN_BEFORE.search(masked[max(0, m.start() - 80) : m.start()])
        if noun_m is None or not free(base, base + len(body)):
            continue
        role = _container_role(noun_m.group(1))
        pieces = _split_items(body)
        clause = masked[max(0, masked.rfind(".", 0, m.start()) + 1) : m.start()]
        if role is None and _sections(pieces, body, clause):
            # "a menu with starters, mains and desserts": the menu's sections (lower case as a designer
            # sets a heading: "Starters")
            group += 1
            for a, b in pieces:
                out.texts.append(Listed(label_case(prompt[base + a : base + b]), "label", base + a, group))
            taken.append((base + pieces[0][0], base + pieces[-1][1]))
            continue
        if role is None:
            continue
        if body_key != "paren" and len(pieces) < 2 and role not in ("row", "button", "badge"):
            continue
        worded = body_key == "worded"
        named = all(re.match(r"[A-Z0-9$€£¥₹#+]", body[a:b]) for a, b in pieces)
        if (worded or role == "label") and not named:
            # "sections with icons and bars" describes; a list introduced by a word names things (capitals)
            continue
        group += 1
        texts = _items(role, pieces, body, base, prompt, group)
        if not texts:
            continue
        out.texts.extend(texts)
        taken.append((base + pieces[0][0], base + pieces[-1][1]))
    # 3. numbered steps and bullet lines
    numbered = list(_NUMBERED.finditer(masked))
    in_order = [int(x.group("n")) for x in numbered] == list(range(1, len(numbered) + 1))
    bullets = list(_BULLET_LINE.finditer(masked))
    for lines, role, valid in ((numbered, "step", in_order), (bullets, "bullet", True)):
        if len(lines) < 2 or not valid:
            continue
        group += 1
        for x in lines:
            s, e = x.start("t"), x.end("t")
            while e > s and masked[e - 1] in " .;,":
                e -= 1
            if free(s, e):
                out.texts.append(Listed(prompt[s:e], role, s, group))
                taken.append((s, e))
    # 4. single labelled things
    for m in _SINGLE.finditer(masked):
        s, e = m.span("t")
        if free(s, e):
            kind = m.group("kind").lower()
            role = "button" if kind in ("button", "call to action", "cta") else "badge"
            out.texts.append(Listed(prompt[s:e], role, s))
            taken.append((s, e))
    for m in _TITLED.finditer(masked):
        s, e = m.span("t")
        if free(s, e) and len(prompt[s:e].split()) <= 8:
            out.texts.append(Listed(prompt[s:e], "title", s))
            taken.append((s, e))
    for m in _PRICED.finditer(masked):
        s, e = m.span("p")
        if free(s, e):
            out.texts.append(Listed(prompt[s:e], "price", s))
            taken.append((s, e))
    dates: list[tuple[int, int]] = []
    for m in [*_DATE.finditer(masked), *_TIME.finditer(masked)]:
        s, e = m.span()
        if free(s, e):
            out.texts.append(Listed(label_case(prompt[s:e]), "date", s))
            taken.append((s, e))
            dates.append((s, e))
    for m in _PHONE.finditer(masked):
        s, e = m.span()
        digits = re.sub(r"\D", "", m.group(0))
        near = masked[max(0, s - 40) : s]
        if free(s, e) and len(digits) >= 7 and (_PHONE_CUE.search(near) or len(digits) >= 10):
            out.texts.append(Listed(prompt[s:e], "contact", s))
            taken.append((s, e))
    for m in _WEB.finditer(masked):
        s, e = m.span()
        before = masked[max(0, s - 60) : s].lower()
        if free(s, e) and not re.search(r"\bqr\b|qr[- ]?code|\bcode\b[^.]{0,20}$", before):
            out.texts.append(Listed(prompt[s:e], "contact", s))
            taken.append((s, e))
    # 5. one-off phrases named by a cue: masthead, tagline, offer, button, seat, venue, handle (cued.py)
    for text, role, s in read_cued(masked, prompt, free, dates):
        out.texts.append(Listed(text, role, s))
        taken.append((s, s + len(text)))
    # 6. counts
    for m in _COUNT.finditer(masked):
        n = number(m.group("n"))
        noun = m.group("noun").lower()
        role = _count_role(noun)
        if n is not None and role is not None and 0 < n <= 60:
            out.counts.append(CountAsk(role, n, m.group(0), m.start()))
    out.texts.sort(key=lambda t: t.at)
    out.spans = taken
    return out


#: the node role a counted noun asks for, first match wins (``None``: cards and tiles count no role)
_COUNT_ROLES: tuple[tuple[re.Pattern[str], str | None], ...] = tuple(
    (re.compile(p), role)
    for p, role in (
        (r"kpi|metric|stat", "kpi"),
        (r"\bcards?$|tiles$", None),
        (r"rows?$|fields$|entries$", "row"),
        (r"steps?$", "step"),
        (r"bullets?(?: points)?$", "bullet"),
        (r"buttons?$", "button"),
        (r"places$|stops$|stations$", "place"),
        (r"tabs$", "nav"),
        (r"items$|dishes$", "item"),
        (r"bars$|slices$|points$", "chart_point"),
    )
)


def _count_role(noun: str) -> str | None:
    for pattern, role in _COUNT_ROLES:
        if pattern.search(noun):
            return role
    return None


def _items(
    role: str, pieces: list[tuple[int, int]], body: str, base: int, prompt: str, group: int
) -> list[Listed]:
    out: list[Listed] = []
    if role == "row" and not all(re.search(r"[:=\d]", body[s:e]) for s, e in pieces):
        # rows are data ("Maker: Georg Hartmann", "Doors 7 pm"); "Details: reflective surfaces" describes
        return []
    for s, e in pieces:
        text = body[s:e]
        at = base + s
        if role == "kpi":
            m = _KPI.match(text)
            if m:
                label_at = at + m.start("label")
                value_at = at + m.start("value")
                label = prompt[label_at : at + m.end("label")]
                value = prompt[value_at : at + m.end("value")]
                out.append(Listed(label, "kpi_label", label_at, group, of=value))
                out.append(Listed(value, "kpi_value", value_at, group, of=label))
                continue
            m = _KPI_LEAD.match(text)
            if m:
                value = prompt[at + m.start("value") : at + m.end("value")]
                label = prompt[at + m.start("label") : at + m.end("label")]
                out.append(Listed(value, "kpi_value", at + m.start("value"), group, of=label))
                out.append(Listed(label, "kpi_label", at + m.start("label"), group, of=value))
                continue
            out.append(Listed(prompt[at : base + e], "kpi_label", at, group))
            continue
        if role == "item":
            m = _PRICE_TAIL.match(text)
            if m:
                name = prompt[at + m.start("name") : at + m.end("name")]
                price = prompt[at + m.start("price") : at + m.end("price")]
                out.append(Listed(name, "item", at + m.start("name"), group, price=price))
                out.append(Listed(price, "price", at + m.start("price"), group, of=name))
                continue
        if len(text.split()) > 12:
            # a sentence, not a label: the list describes rather than lists
            return []
        out.append(Listed(prompt[at : base + e], role, at, group))
    return out


def _chart(m: re.Match[str], masked: str, prompt: str) -> ChartSpec | None:
    kind_word = m.group("kind").lower()
    kind: ChartKind = (
        "line"
        if kind_word in ("line", "area")
        else "donut"
        if kind_word in ("pie", "donut", "doughnut")
        else "hbar"
        if kind_word == "horizontal bar"
        else "bar"
    )
    body = m.group("body")
    base = m.start("body")
    paren = re.search(r"\(([^()]+)\)", body)
    if paren:
        inner, inner_at = paren.group(1), base + paren.start(1)
    else:
        inner, inner_at = body, base
    inner = re.sub(r"^\s*(?:of|for|showing|with|:)\s+", lambda x: " " * len(x.group(0)), inner)
    pieces = _split_items(inner)
    points: list[tuple[str, str, int, int]] = []
    for s, e in pieces:
        piece = inner[s:e]
        pm = re.match(
            r"^(?P<label>.*?[^\s:=])\s*[:=]?\s+(?P<value>[$€£¥₹]?-?\d(?:[\d,]*\d)?(?:\.\d+)?\s?(?:%|[kKmMbB]\b)?)$",
            piece,
        )
        if not pm:
            if points:
                break
            continue
        points.append(
            (
                pm.group("label"),
                pm.group("value"),
                inner_at + s + pm.start("label"),
                inner_at + s + pm.start("value"),
            )
        )
    subject = ""
    if len(points) >= 2:
        # the first piece carries the chart's subject before its label: keep as many trailing words as
        # the other labels have ("quarterly revenue Q1" -> "Q1")
        words = max(len(p[0].split()) for p in points[1:])
        first_label, v, lat, vat = points[0]
        parts = first_label.split()
        if len(parts) > words:
            keep = " ".join(parts[-words:])
            offset = first_label.rfind(keep)
            subject = first_label[:offset].strip(" :")
            points[0] = (keep, v, lat + offset, vat)
    if len(points) < 2:
        return ChartSpec(kind, (), "", m.start(), "") if not points else None
    unit = ""
    out: list[ChartPoint] = []
    for label, value, lat, vat in points:
        label_text = prompt[lat : lat + len(label)]
        value_text = prompt[vat : vat + len(value)]
        num = re.sub(r"[^\d.\-]", "", value_text)
        try:
            val = float(num)
        except ValueError:
            return None
        cur = re.match(r"[$€£¥₹]", value_text)
        if cur:
            unit = cur.group(0)
        elif value_text.endswith("%"):
            unit = "%"
        out.append(ChartPoint(label_text, val, value_text))
    return ChartSpec(kind, tuple(out), unit, m.start(), subject)
