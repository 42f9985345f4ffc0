"""Typography words -> font requests: families (generic or named), weights, italics, width, relative size.

Named commercial fonts map to open families that are installed here through the font book's one table,
``render.fonts.NAMED_FONTS`` (SF Pro / Helvetica / Arial -> Inter, Times / Georgia -> Noto Serif, Garamond ->
EB Garamond, Poppins / Futura -> League Spartan, Dancing Script -> script, Rockwell -> slab, Comic Sans ->
handwriting, Bebas Neue / Impact -> extra condensed ...): this module only builds its pattern from that
table's names. The name the prompt used is kept in ``FontSpec.requested`` for notes and the summary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..plan import FontRef
from ..render.fonts import NAMED_FONTS, generic_family

#: any named font of the font book's table, longest first ("helvetica neue" before "helvetica"), as a word
_NAMED_FONT = re.compile(
    r"(?<![a-z])(?:"
    + "|".join(re.escape(name) for name in sorted(NAMED_FONTS, key=len, reverse=True))
    + r")(?![a-z])"
)

_WEIGHTS: tuple[tuple[str, int], ...] = (
    (r"hairline|thin", 100),
    (r"extra[- ]?light|ultra[- ]?light", 200),
    (r"light", 300),
    (r"regular|normal|book|roman", 400),
    (r"medium", 500),
    (r"semi[- ]?bold|demi[- ]?bold", 600),
    (r"extra[- ]?bold|ultra[- ]?bold", 800),
    (r"heavy|black|ultra|fat", 900),
    (r"bold", 700),
)


@dataclass(frozen=True)
class FontSpec:
    """What a phrase asked of the type. None means "not said" (the layout's default stands)."""

    family: str | None = None
    requested: str | None = None
    weight: int | None = None
    italic: bool | None = None
    condensed: bool = False
    #: -1 smaller / +1 larger / +2 very large, relative to the role's default
    size_step: int = 0
    uppercase_hint: bool = False

    def merged(self, over: FontSpec) -> FontSpec:
        """``over`` wins wherever it says something."""
        return FontSpec(
            family=over.family or self.family,
            requested=over.requested or self.requested,
            weight=over.weight if over.weight is not None else self.weight,
            italic=over.italic if over.italic is not None else self.italic,
            condensed=over.condensed or self.condensed,
            size_step=over.size_step or self.size_step,
            uppercase_hint=over.uppercase_hint or self.uppercase_hint,
        )

    @property
    def empty(self) -> bool:
        return self == FontSpec()

    def to_ref(self, default: FontRef) -> FontRef:
        """A plan FontRef: this spec over the layout's default."""
        family = self.family or default.family
        if self.condensed and family in ("sans", "display"):
            family = "condensed"
        return FontRef(
            family=family,
            weight=self.weight if self.weight is not None else default.weight,
            style="italic" if self.italic else ("normal" if self.italic is False else default.style),
        )


def parse_font(phrase: str) -> FontSpec:
    """Read the typography words of one phrase (``"in a heavy condensed sans-serif"``)."""
    low = " " + phrase.lower() + " "
    spec = FontSpec()
    m = _NAMED_FONT.search(low)
    if m:
        spec = replace(spec, family=NAMED_FONTS[m.group(0)], requested=_title(m.group(0)))
        # the name's own words say nothing more ("Times New Roman" is not a regular weight)
        low = low[: m.start()] + " " + low[m.end() :]
    if spec.family is None:
        if re.search(r"\bmono(?:space[d]?)?\b|\bcode font\b|\btypewriter\b|\bfixed[- ]width\b", low):
            spec = replace(spec, family="mono")
        elif re.search(r"\bsans[- ]?serif\b|\bsans\b|\bgrotesk\b|\bgrotesque\b|\bgeometric\b", low):
            spec = replace(spec, family="sans")
        elif re.search(r"\bslab(?:[- ]serif)?\b", low):
            spec = replace(spec, family="slab")
        elif re.search(r"\bserif\b|\bdidone\b|\bclassic(?:al)? type\b", low):
            spec = replace(spec, family="serif")
        elif re.search(r"\bhand[- ]?(?:written|writing|lettered|lettering)\b", low):
            spec = replace(spec, family="handwriting")
        elif (
            re.search(r"\bscript(?: font| type| lettering)?\b|\bcalligraph", low) and "transcript" not in low
        ):
            spec = replace(spec, family="script")
        elif re.search(r"\bbrush(?: script| lettering)?\b", low):
            spec = replace(spec, family="brush")
    for pattern, weight in _WEIGHTS:
        if re.search(rf"\b(?:{pattern})\b", low):
            spec = replace(spec, weight=weight)
            break
    if re.search(r"\bitalic|\boblique\b|\bslanted\b", low):
        spec = replace(spec, italic=True)
    if re.search(r"\bcondensed\b|\bcompressed\b|\bnarrow\b", low) or (
        spec.family is not None and is_condensed(spec.family)
    ):
        spec = replace(spec, condensed=True)
    if re.search(r"\bsmall(?:er)?\b|\btiny\b|\bfine print\b", low):
        spec = replace(spec, size_step=-1)
    elif re.search(r"\b(?:huge|giant|massive|oversized)\b|\bvery large\b", low):
        spec = replace(spec, size_step=2)
    elif re.search(r"\blarge(?:r)?\b|\bbig(?:ger)?\b", low):
        spec = replace(spec, size_step=1)
    if re.search(r"\ball caps\b|\buppercase\b|\bcapitals\b", low):
        spec = replace(spec, uppercase_hint=True)
    return spec


def _title(name: str) -> str:
    special = {"jetbrains mono": "JetBrains Mono", "sf pro": "SF Pro", "ibm plex mono": "IBM Plex Mono"}
    return special.get(name, " ".join(w.upper() if len(w) <= 2 else w.capitalize() for w in name.split()))


def is_mono(family: str) -> bool:
    """Whether a plan family is monospaced (for width estimates): the font book draws it with a mono face."""
    return generic_family(family) in ("mono", "fira code")


def is_condensed(family: str) -> bool:
    """Whether a plan family is a condensed cut (for width estimates)."""
    return generic_family(family) in ("condensed", "extra condensed")


#: typographic intent: words about the design's character -> (heading family, body family); first wins
INTENTS: tuple[tuple[str, str, str], ...] = (
    (r"\bwedding\b|\bbridal\b|\bengagement\b|\bromantic\b|\bcalligraph", "script", "garamond"),
    (
        r"\belegant\b|\bluxury\b|\bluxurious\b|\bclassic\b|\bgala\b|\bboutique\b|\bfine dining\b|"
        r"\bvintage\b|\bheritage\b|\bmuseum\b|\bliterary\b|\bbook cover\b|\bwine\b",
        "garamond",
        "garamond",
    ),
    (
        r"\bhand[- ]?(?:written|lettered|drawn)\b|\bchalk(?:board)?\b|\bnotebook\b",
        "handwriting",
        "handwriting",
    ),
    (r"\bplayful\b|\bkids?\b|\bchildren'?s?\b|\bbirthday\b|\bfun\b|\bcartoon\b|\btoy\b", "geometric", "sans"),
    (r"\brustic\b|\bwestern\b|\bfarm(?:house|ers)?\b|\bcraft beer\b|\brodeo\b", "slab", "slab"),
    (r"\bsport(?:s|y)?\b|\bgraffiti\b|\bstreetwear\b|\bskate", "brush", "sans"),
    (r"\bcondensed\b|\bcompressed\b", "condensed", "sans"),
    (
        r"\btech\b|\bsaas\b|\bdeveloper\b|\bstartup\b|\bdashboard\b|\bfuturistic\b|\bcyber|\bapi\b|"
        r"\bsoftware\b|\bterminal\b|\bhackathon\b",
        "sans",
        "sans",
    ),
)


def typographic_intent(text: str) -> tuple[str, str, str] | None:
    """(heading family, body family, the words that asked) for the design's character, or None."""
    low = text.lower()
    for pattern, heading, body in INTENTS:
        m = re.search(pattern, low)
        if m:
            return heading, body, m.group(0)
    return None
