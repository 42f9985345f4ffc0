"""Roles of quoted text, read from the words around each quote.

Rule, in order:
1. the nearest role cue *before* the quote, within its sentence and after the previous quote
   (``Headline "…"``, ``speech bubble "…"``, ``6 specification rows: "…"``, ``Code 128 value "…"``);
2. a list continuation (only ``,`` / ``and`` / ``or`` between two quotes) inherits the previous role
   (``Cover lines "A" and "B"``, ``icons labeled "Home", "Stats", "Profile"``);
3. a role cue right *after* the quote (``the word "AQUA+" … on the label``, ``"X" as the title``);
4. otherwise no role: the archetype's layout decides (its main slot first: headline, sign, …).
"""

from __future__ import annotations

import re

#: (role, cue pattern). A "code" role is resolved to a symbology by ``codes.symbology_of``.
ROLE_CUES: tuple[tuple[str, str], ...] = (
    ("masthead", r"\bmast ?head\b|\bnameplate\b|\bmagazine (?:name|title)\b"),
    ("cover_line", r"\bcover ?lines?\b|\bcoverlines?\b"),
    ("volume", r"\b(?:volume|issue|vol\.?)(?: identifier| number| label| no\.?)?\b"),
    (
        "subhead",
        r"\bsub[- ]?head(?:ing|line)?s?\b|\bsub[- ]?titles?\b|\btag ?lines?\b|\bstrap ?lines?\b|\bslogan\b",
    ),
    ("headline", r"\bhead ?lines?\b|\bheadings?\b|\bhero text\b|\bmain text\b|\bbig text\b"),
    ("title", r"\btitled?\b|\btitles\b|\bname(?:d)?\b"),
    ("row", r"\brows?\b|\bspec(?:ification)?s?\b(?! sheet)|\bfields?\b|\bentries\b"),
    ("bullet", r"\bbullets?(?: points?)?\b|\bpoints\b|\bfeatures?\b|\bchecklist\b"),
    ("item", r"\bitems?\b|\bdishes\b|\bdrinks\b|\bproducts\b|\bmenu (?:entries|items)\b"),
    ("price", r"\bprices?d?\b|\bcosts?\b"),
    ("button", r"\bbuttons?\b|\bcta\b|\bcall[- ]to[- ]action\b"),
    ("caption", r"\bcaption(?:ed|s)?\b|\bfooter\b|\bfootnote\b|\bcredit\b"),
    (
        "bubble",
        r"\b(?:speech|thought|dialog(?:ue)?) bubbles?\b|\bbubbles?\b|\bsays\b|\bsaying\b|\bdialog(?:ue)?\b",
    ),
    ("sign", r"\bsigns?\b|\bsignage\b|\bplaque\b|\bmarquee\b|\bneon\b"),
    (
        "stat",
        r"\bstats?\b|\bstatistics?\b|\bsections?\b|\bmetrics?\b|\bkpis?\b|\bfigures?\b|\bdata points?\b",
    ),
    ("label", r"\blabell?ed\b|\blabels?\b|\btags?\b|\bbadges?\b|\bstickers?\b"),
    ("date", r"\bdates?\b"),
    (
        "contact",
        r"\b(?:listing |real[- ]estate )?agent\b|\brealtor\b|\bbroker\b|\bcontact(?: details| info)?\b|"
        r"\bhosted by\b|\bpresented by\b|\bphone(?: number)?\b|\bcall\b",
    ),
    ("code", r"\bqr(?:[- ]?codes?)?\b|\bean[- ]?13\b|\bean\b|\bupc\b|\bcode[- ]?128\b|\bbar[- ]?codes?\b"),
)
_CUES = [(role, re.compile(p, re.IGNORECASE)) for role, p in ROLE_CUES]

_LIST_JOIN = re.compile(r"^\s*(?:,|;|/|&|\+|and|or|,\s*and|,\s*or|then|,\s*then)?\s*$", re.IGNORECASE)
_TRAILING = re.compile(
    r"^[^.;\"“]{0,60}?\b(?:on|as|for) (?:the|a|an|its) (?:\w+ )?"
    r"(label|sign|button|headline|title|caption|plaque|tag|badge|subhead|subtitle|tagline|price)\b",
    re.IGNORECASE,
)
_TRAILING_ROLE = {
    "plaque": "sign",
    "tag": "label",
    "badge": "label",
    "subtitle": "subhead",
    "tagline": "subhead",
}
_NAV = re.compile(r"\bnav(?:igation)?(?: bar| menu)?\b|\btab ?bar\b|\bbottom bar\b|\bdock\b", re.IGNORECASE)


def leading_role(window: str) -> tuple[str, re.Match[str]] | None:
    """The cue nearest the end of ``window`` (the words before a quote), with its match."""
    best: tuple[str, re.Match[str]] | None = None
    for role, pattern in _CUES:
        for m in pattern.finditer(window):
            if (
                best is None
                or m.end() > best[1].end()
                or (m.end() == best[1].end() and m.start() < best[1].start())
            ):
                best = (role, m)
    return best


def is_list_join(between: str) -> bool:
    """Whether the text between two quotes only joins a list."""
    return bool(_LIST_JOIN.match(between))


def trailing_role(after: str) -> str | None:
    """A role named right after a quote (``… on the label``)."""
    m = _TRAILING.match(after)
    if not m:
        return None
    word = m.group(1).lower()
    return _TRAILING_ROLE.get(word, word)


def refine_label(role: str, clause: str) -> str:
    """Labels in a navigation/tab bar are nav items."""
    return "nav" if role == "label" and _NAV.search(clause) else role
