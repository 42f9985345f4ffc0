"""Single unquoted texts a brief names by a cue word: mastheads, taglines, offers, buttons, seats, venues.

``listed.py`` reads lists and labelled things; this module reads the one-off phrases that pages of a kind
always carry and that briefs write without quotes:

- **A cue word, then the text** (the text starts with a capital or a digit, the cue's case is free):
  ``masthead ORBIT`` -> masthead; ``the tagline Slow Mornings``, ``slogan``, ``strapline``, ``motto`` ->
  subhead; ``button Shop now``, ``CTA: Book today`` -> button; ``caption Monday`` -> caption; ``offer 2 for
  1`` -> offer. ``a button in the corner`` draws nothing (``in`` is not a name).
- **Offers**: ``Up to 50% off``, ``Save 20%``, ``30% off everything``, ``Buy one get one free``,
  ``free shipping`` -> offer (the page's second voice).
- **Numbers of a series**: ``issue 42``, ``episode 12``, ``Vol. 3``, ``season 2`` -> volume (a kicker);
  ``episode 12: Designing for Trust`` -> also the title after the colon.
- **Stated quantities**: ``net weight 500 g``, ``Net wt. 12 oz``, ``contents 330 ml``, ``serves 4`` ->
  caption (the small print at the foot of a pack).
- **Seats**: ``Row F Seat 12``, ``Gate B22``, ``Platform 9`` -> seat, on a brief about a ticket or pass
  (or when two seat words run together: ``Section 104 Row C``).
- **Venues and addresses**: a name in capitals right after a date (``June 12, 2027 at 4 pm, Rosewood
  Gardens``), ``venue: The Old Mill``, ``held at Harbour Hall``, a street address (``12 Baker Street``)
  -> venue.
- **Handles and hashtags**: ``@orbitmag``, ``#SlowMornings`` -> contact (not a hex colour: ``#1e3a8a``).

Each text is a slice of the prompt, byte-exact. Quoted spans are ``\\x00`` in ``masked``: nothing is read
inside quotes, and a cue right before a quote leaves that quote to ``quotes.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

#: where a cued name ends: punctuation, or a joining word that starts a new phrase
_NAME_END = (
    r"(?=\s*(?:[,.;:!?()\n\x00]|$|\s+(?:with|and a|and an|and the|in|on|at|for|over|under|above|below|"
    r"beside|next to|set in|written|plus)\b))"
)
#: where a cued phrase ends: a tagline or a button may hold "at", "for", "on" ("Picked at Dawn"), so only
#: punctuation or words that say how or where it is set end it ("… in italic serif", "… below the logo")
_SET_WORDS = (
    r"bold|italic|light|thin|heavy|serif|sans|sans-serif|script|mono|monospace|handwritten|cursive|small|"
    r"large|big|uppercase|lowercase|caps|capitals|white|black|gold|red|blue|green|navy|pink|orange|yellow|"
    r"purple|gr[ae]y|cream|silver"
)
_PHRASE_END = (
    r"(?=\s*(?:[,.;:!?()\n\x00]|$|\s+(?:with|set in|written|in (?:a |an |the )?(?:" + _SET_WORDS + r")\b|"
    r"above|below|under|over|beside|next to|on top of|at the (?:top|bottom|foot|head)|"
    r"on the (?:left|right|top|bottom|label|pack|front|cover)\b)))"
)
_NAME = r"(?P<t>[A-Z0-9$€£#][^,.;:!?()\x00\n]*?[^\s,.;:!?()\x00])"

_CUED = re.compile(
    r"\b(?P<cue>(?i:mast ?head|nameplate|magazine (?:name|title)|tag ?line|slogan|strap ?line|motto|"
    r"button|cta|call to action|captions?|captioned|offer))"
    r"(?:\s*:|\s+(?i:reads?|reading|labell?ed|saying|says|that says|of))?\s+" + _NAME + _PHRASE_END
)
_CUE_ROLE = (
    (r"mast|nameplate|magazine", "masthead"),
    (r"tag|slogan|strap|motto", "subhead"),
    (r"button|cta|call", "button"),
    (r"caption", "caption"),
    (r"offer", "offer"),
)
_OFFER = re.compile(
    r"(?<![\w%])(?:(?i:up to|save|extra|get|flat|now)\s+)?\d{1,3}\s?%\s?(?i:off)"
    r"(?:\s+(?i:everything|sitewide|storewide|all\s+[a-z]+|your first order|the first month))?\b"
    r"|\b(?i:save)\s+[$€£]\d+(?:\.\d{2})?\b"
    r"|\b(?i:buy one,? get one(?: free)?|bogo|free (?:shipping|delivery|returns))\b"
)
_SERIES = re.compile(
    r"(?P<n>\b(?i:issue|episode|ep\.|season|volume|vol\.|no\.)\s?#?\d{1,4}\b(?!\s?(?i:ml|cl|l|g|kg|oz|%|db)\b))"
    # the title after the colon runs to the clause's end ("episode 12: Designing for Trust, pastel")
    r"(?::\s+(?P<t>[A-Z0-9][^,.;:!?()\x00\n]*?[^\s,.;:!?()\x00])(?=\s*(?:[,.;!?()\n\x00]|$)))?"
)
_QUANTITY = re.compile(
    r"\b(?i:net (?:weight|wt\.?|contents?|vol(?:ume)?\.?|qty)|contents|serves|servings|capacity)"
    r"\s*:?\s+\d[\d.,]*\s?(?i:g|kg|mg|oz|lbs?|ml|cl|l|fl\.? ?oz|pieces|pcs|people|portions|cups)?\b"
)
_SEAT_PART = (
    r"(?i:row|seat|gate|section|sec\.|block|aisle|platform|terminal|zone|berth|coach|stand|tier|box)"
    r"\s+(?:[A-Z]{1,2}\d{0,3}|\d{1,4}[A-Z]?)\b"
)
_SEAT = re.compile(rf"\b{_SEAT_PART}(?:\s*[,·|/-]?\s*{_SEAT_PART})*")
_TICKETISH = re.compile(r"\b(?:ticket|boarding|pass|admission|stub|seat|seating|stadium|flight)\b", re.I)
_VENUE_WORDS = r"(?i:venue|location|address|place|where)"
_VENUE_CUE = re.compile(
    rf"\b(?:{_VENUE_WORDS}\s*:\s+|(?i:held at|taking place at|hosted at|located at)\s+)"
    r"(?P<t>[A-Z0-9][^,.;:!?()\x00\n]*?[^\s,.;:!?()\x00])" + _NAME_END
)
#: a proper name: capitalized words, joined by ``&``/``of``/``the``/``on``
_PROPER = r"[A-Z][\w'’.-]*(?:\s+(?:[A-Z0-9][\w'’.-]*|&|of|the|on|upon|de|la|du|am|an))*"
_AFTER_DATE = re.compile(rf"^\s*(?:,|at|,\s*at|·|\|)\s+(?P<t>{_PROPER})(?=\s*(?:[,.;!?\n\x00]|$))")
_ADDRESS = re.compile(
    r"\b\d{1,5}\s+(?:[A-Z][\w'’-]*\s+){1,4}"
    r"(?:Street|St\.|Avenue|Ave\.|Road|Rd\.|Lane|Boulevard|Blvd\.|Drive|Way|Square|Place|Court|Terrace|"
    r"Parkway|Quay|Wharf|Row|Strasse|Straße)(?=[\s,.;]|$)"
)
#: words that name a time, a day or a holiday, never a person, a restaurant or a place ("at Dawn",
#: "for Saturday", "at Christmas", "a menu for June")
_NOT_NAME = (
    r"(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs?)?|Fri|Sat(?:ur)?|Sun)(?:day)?s?|Jan(?:uary)?|Feb(?:ruary)?|"
    r"March|April|May|June|July|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?|"
    r"Dawn|Dusk|Sunrise|Sunset|Noon|Midday|Midnight|Night|Morning|Evening|Christmas|Easter|Halloween|"
    r"Thanksgiving|Valentine'?s?|New|Diwali|Hanukkah|Eid|Ramadan|Passover|Mother'?s|Father'?s|"
    r"It|He|She|They|We|You|This|That|These|Those|Our|My|Your|His|Her|Their|Everyone|All|Kids|Children)\b"
)
#: one capitalised word of a name ("Luna", "O'Neill", "Saint-Malo", "Studio 54" after the first)
_WORD = r"[A-Z][\w'’-]*"
#: a place's or a business's name: capitalised words, joined by ``of``/``the``/``&``/``de``/``la`` ("Blue
#: Lantern Hall", "The Old Mill", "Trattoria da Luna"); never a day, a month, a time of day or a holiday
_PLACE = (
    rf"(?!{_NOT_NAME}){_WORD}(?:\s+(?:(?:of|the|&|de|da|di|del|della|la|le|du|van|von)\s+)?"
    rf"(?!{_NOT_NAME})(?:{_WORD}|\d{{1,4}}\b))*"
)
#: a person's name: one to three capitalised words ("Mia", "Grandpa Joe"); a couple is two joined by
#: ``&``/``and`` ("a wedding invitation for Anna & Ben")
_PERSON = rf"(?!{_NOT_NAME})[A-Z][a-z'’-]+(?:\s+(?!{_NOT_NAME})[A-Z][a-z'’-]+){{0,2}}"
#: a menu named for its restaurant, a ticket for its act: ``a menu for Trattoria Luna``, ``the menu of The
#: Ivy``, ``a concert ticket for The Lumens`` -> title
_MENU_OF = re.compile(
    r"\b(?i:menu(?: card| board)?|wine list|drinks list|bill of fare|ticket)\s+(?i:for|of|from|at)\s+"
    rf"(?P<t>{_PLACE})"
)
#: a journey's route on a ticket or pass, in the brief's own words: ``train ticket from Paris to Lyon`` ->
#: title "Paris to Lyon" (read before ``_MENU_OF``, which would take "Paris" alone)
_ROUTE = re.compile(
    r"\b(?i:ticket|pass|train|bus|coach|flight|ferry|journey|trip)\b[^,.;:!?()\x00\n]{0,24}?\b(?i:from)\s+"
    rf"(?P<t>{_PLACE}\s+(?i:to)\s+{_PLACE})"
)
#: whose birthday a card is, with the age when the brief gives it -> title (the card's big line):
#: ``Mia's 7th birthday``, ``Mia turning 7``, ``Mia turns 7``, ``Mia is turning 7``; and the name alone after
#: a party's ``for`` (``a birthday party invitation for Mia``)
_AGE = r"\s+(?:is\s+)?(?:turning|turns)\s+\d{1,3}\b(?!\s?(?:am|pm|a\.m\.|p\.m\.|:\d|%|[.,]\d))"
_BIRTHDAY_OF = re.compile(
    rf"(?<![\w'’])(?P<t>{_PERSON}['’]s\s+(?:\d{{1,3}}(?:st|nd|rd|th)\s+)?(?i:birthday)(?:\s+(?i:party|bash))?)\b"
)
_PEOPLE = rf"{_PERSON}(?:\s+(?:&|and)\s+{_PERSON})?"
_TURNING = re.compile(rf"(?<![\w'’])(?P<t>{_PEOPLE}{_AGE})")
_HONOREE = re.compile(
    r"\b(?i:birthday|party|shower|bash|wedding|engagement|anniversary|christening|baptism|retirement)\b"
    r"[^,.;:!?()\x00\n]{0,40}?\b(?i:for|celebrating|honou?ring)\s+"
    rf"(?P<t>{_PEOPLE})(?![\w'’])"
)
#: the age after a comma (``for Mia, who is turning 7``): the name is the title (``_HONOREE``), the age its
#: own line in the brief's words ("Turning 7"), set under it
_WHO_TURNS = re.compile(
    rf"(?<![\w'’]){_PEOPLE},?\s+who(?:\s+is|['’]s)?\s+(?P<t>(?:turning|turns)\s+\d{{1,3}})\b"
    r"(?!\s?(?:am|pm|a\.m\.|p\.m\.|:\d|%|[.,]\d))"
)
#: an event held at a named place: ``a jazz night at Blue Lantern Hall``, ``wedding at Rosewood Gardens``
#: -> venue (``at dawn``, ``at 7 pm``, ``at the beach``, ``at Christmas`` name no place)
_EVENTS = (
    r"night|party|wedding|reception|ceremony|concert|gig|gala|festival|fair|market|dinner|supper|lunch|"
    r"luncheon|brunch|banquet|show|exhibition|expo|talk|lecture|reading|meetup|meet-up|conference|summit|"
    r"symposium|seminar|workshop|class|screening|premiere|launch|tasting|ball|dance|recital|opening|"
    r"celebration|fundraiser|auction|quiz|retreat|reunion|graduation|prom|shower|soir[eé]e|mixer|"
    r"hackathon|jam|karaoke|disco|rave|service|event|evening|social|open day|open house|sale|bazaar"
)
_EVENT_AT = re.compile(rf"\b(?i:{_EVENTS})s?\b[^,.;:!?()\x00\n]{{0,40}}?\s+(?i:at)\s+(?P<t>{_PLACE})")
_HANDLE = re.compile(r"(?<![\w@./])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?(?![\w@])")
_HASHTAG = re.compile(r"(?<![\w#&])#[A-Za-z][A-Za-z0-9_]{1,40}\b")
_HEX = re.compile(r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")
#: names that describe a thing rather than name it ("a button Primary style" is rare; these are common)
_GENERIC = re.compile(r"^(?:CTA|UI|UX|Primary|Secondary|The|A|An)$")


def label_case(text: str) -> str:
    """A label the brief wrote in lower case, as a designer sets it: its first letter capitalised
    (``doors 7:30 pm`` -> "Doors 7:30 pm", ``starters`` -> "Starters"); every other character as written."""
    return text[:1].upper() + text[1:] if text[:1].islower() else text


def read_cued(
    masked: str, prompt: str, free: Callable[[int, int], bool], dates: list[tuple[int, int]]
) -> list[tuple[str, str, int]]:
    """(text, role, offset) of every cued phrase (see the module docstring), in reading order of rules.

    ``free(s, e)`` says whether another reader already took a span; ``dates`` are the spans read as dates
    (a venue follows them)."""
    out: list[tuple[str, str, int]] = []
    taken: list[tuple[int, int]] = []

    def take(s: int, e: int, role: str, label: bool = False) -> None:
        # ``label``: a lower-case phrase set as a line of its own ("turning 7" -> "Turning 7")
        if e > s and free(s, e) and all(e <= a or s >= b for a, b in taken):
            out.append((label_case(prompt[s:e]) if label else prompt[s:e], role, s))
            taken.append((s, e))

    def take_name(m: re.Match[str], role: str) -> None:
        # a name's last word keeps no sentence period ("… at Blue Lantern Hall.")
        s, e = m.span("t")
        while e > s and prompt[e - 1] in ".'’-":
            e -= 1
        if len(prompt[s:e].split()) <= 6 and not _GENERIC.match(prompt[s:e]):
            take(s, e, role)

    for m in _QUANTITY.finditer(masked):
        take(*m.span(), "caption")
    for m in _SERIES.finditer(masked):
        take(*m.span("n"), "volume")
        if m.group("t") and len(m.group("t").split()) <= 8:
            take(*m.span("t"), "title")
    for m in _OFFER.finditer(masked):
        take(*m.span(), "offer")
    for m in _CUED.finditer(masked):
        cue = m.group("cue").lower()
        role = next(r for p, r in _CUE_ROLE if re.match(p, cue))
        t = m.group("t")
        if len(t.split()) <= 8 and not _GENERIC.match(t):
            take(*m.span("t"), role)
    ticketish = bool(_TICKETISH.search(masked))
    for m in _SEAT.finditer(masked):
        parts = len(re.findall(_SEAT_PART, m.group(0)))
        if ticketish or parts >= 2:
            take(*m.span(), "seat")
    for m in _VENUE_CUE.finditer(masked):
        if len(m.group("t").split()) <= 8:
            take(*m.span("t"), "venue")
    for m in _ADDRESS.finditer(masked):
        take(*m.span(), "venue")
    for _, e in dates:
        a = _AFTER_DATE.match(masked[e : e + 80])
        if a and len(a.group("t").split()) <= 6:
            take(e + a.start("t"), e + a.end("t"), "venue")
    for m in _EVENT_AT.finditer(masked):
        take_name(m, "venue")
    for rx in (_ROUTE, _MENU_OF, _BIRTHDAY_OF, _TURNING, _HONOREE):
        for m in rx.finditer(masked):
            take_name(m, "title")
    for m in _WHO_TURNS.finditer(masked):
        take(*m.span("t"), "subhead", label=True)
    for m in _HANDLE.finditer(masked):
        take(*m.span(), "contact")
    for m in _HASHTAG.finditer(masked):
        if not _HEX.fullmatch(m.group(0)):
            take(*m.span(), "contact")
    return out
