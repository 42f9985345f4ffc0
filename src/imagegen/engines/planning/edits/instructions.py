"""Parse an edit prompt into typed operations.

Quoted text is lifted out first (nothing inside quotes is ever parsed, re-cased or split), the rest is split
into clauses ("...; ...", "... and make ...", "... then ..."), and each clause is matched against a small
grammar of what the engine can do offline. A clause nothing matches becomes an ``unknown`` operation: the
caller decides the closest sensible thing and says so; nothing is dropped silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from imagegen.engines.planning.reading.codes import CODE_CUE, Symbology, symbology_of
from imagegen.engines.planning.reading.colors import named_colors_in
from imagegen.engines.planning.reading.placement import parse_placement as read_placement
from imagegen.engines.planning.reading.quotes import quoted_spans
from imagegen.engines.planning.reading.roles import leading_role
from imagegen.engines.planning.reading.typography import parse_font

OpKind = Literal[
    "set_text",  # change the <target> to "X"
    "replace_text",  # replace "A" with "B"
    "add_text",  # add "X" (optionally as a <target> role, at a placement)
    "code",  # add a QR / EAN-13 / Code 128 with a payload
    "logo",  # a monogram / wordmark from quoted text
    "tone",  # recolor / relight the pixels (warmer, cooler, black and white, tint, brighter ...)
    "remove",  # remove the <target>
    "fill",  # paint something described in words (procedural art stands in for an image backend)
    "paste",  # put another input image ("the logo from image 2") into the region
    "move",  # move the <target> to <placement>
    "background",  # make the background <color>
    "font",  # use a <family> font for the <target>
    "color",  # make the <target> <color>
    "size",  # make the <target> bigger / smaller
    "unknown",
]

_SLOT_RE = re.compile(r"\x00(\d+)\x00")

_VERBS = (
    "add|put|place|insert|write|draw|paint|change|replace|swap|set|make|turn|update|rename|move|shift|remove|"
    "delete|erase|clear|hide|drop|use|recolor|recolour|relight|fill|give|apply|convert|brighten|darken|warm|cool"
)
_SPLIT_RE = re.compile(
    rf"\s*(?:[;\n]|(?<![0-9])\.(?=\s|$)|!\s|,?\s+then\s+|,?\s+and\s+(?=(?:{_VERBS})\b))\s*"
)

#: target words -> the canonical target (plan roles/kinds are looked up from these by plan_edit)
TARGETS: dict[str, str] = {
    "headline": "headline",
    "heading": "headline",
    "header": "headline",
    "title": "title",
    "masthead": "masthead",
    "subhead": "subhead",
    "subheadline": "subhead",
    "subheading": "subhead",
    "sub-headline": "subhead",
    "sub-heading": "subhead",
    "subtitle": "subhead",
    "tagline": "subhead",
    "strapline": "subhead",
    "caption": "caption",
    "body": "body",
    "body text": "body",
    "paragraph": "body",
    "price": "price",
    "button": "button",
    "cta": "button",
    "call to action": "button",
    "label": "label",
    "footer": "footer",
    "cover line": "cover_line",
    "sign": "sign",
    "logo": "logo",
    "monogram": "logo",
    "wordmark": "logo",
    "qr code": "qr",
    "qr": "qr",
    "barcode": "barcode",
    "bar code": "barcode",
    "ean-13": "barcode",
    "ean13": "barcode",
    "code 128": "barcode",
    "code128": "barcode",
    "code": "code",
    "image": "image",
    "photo": "image",
    "picture": "image",
    "illustration": "image",
    "product": "image",
    "chart": "chart",
    "graph": "chart",
    "icon": "icon",
    "icons": "icon",
    "text": "text",
    "words": "text",
    "writing": "text",
    "watermark": "text",
    "background": "background",
    "object": "object",
    "person": "object",
    "thing": "object",
}
_TARGET_RE = re.compile(
    r"\b(" + "|".join(sorted((re.escape(k) for k in TARGETS), key=len, reverse=True)) + r")\b"
)

_TONES: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"\b(black[\s-]+and[\s-]+white|b&w|gr[ae]y ?scale|monochrome|desaturate(?:d)? fully)\b"),
        "grayscale",
    ),
    (re.compile(r"\bsepia|vintage\b"), "sepia"),
    (re.compile(r"\b(warm(?:er)?|golden(?:[\s-]hour)?|sunset|cozy|cosy)\b"), "warm"),
    (re.compile(r"\b(cool(?:er)?|cold(?:er)?|blue[\s-]hour|icy)\b"), "cool"),
    (re.compile(r"\b(bright(?:er|en)?|lighten|lighter|more light|exposure up)\b"), "brighter"),
    (re.compile(r"\b(dark(?:er|en)|dimmer|dim|moodier|less light|night(?:time)?)\b"), "darker"),
    (re.compile(r"\b(more contrast|higher contrast|punchier|increase contrast)\b"), "contrast"),
    (re.compile(r"\b(less contrast|lower contrast|softer|flatter)\b"), "soften"),
    (re.compile(r"\b(more (?:saturated|vivid|colou?rful)|saturate|vivid|vibrant)\b"), "saturate"),
    (re.compile(r"\b(less saturated|desaturate|muted|washed out)\b"), "desaturate"),
    (re.compile(r"\binvert(?:ed)?\b"), "invert"),
]


@dataclass(frozen=True)
class Op:
    """One operation parsed from an edit prompt."""

    kind: OpKind
    #: the clause it came from (quoted text restored), for reports
    clause: str
    text: str | None = None
    old: str | None = None
    target: str | None = None
    symbology: Symbology | None = None
    data: str | None = None
    #: "#rrggbb"
    color: str | None = None
    #: for "tone": warm, cool, grayscale, sepia, brighter, darker, contrast, soften, saturate, desaturate,
    #: invert, tint (with ``color``)
    tone: str | None = None
    #: one of top-left, top-center, top-right, middle-left, center, middle-right, bottom-left ... bottom-right
    placement: str | None = None
    #: font family (generic or a named font) and optional weight/style for "font"
    family: str | None = None
    weight: int | None = None
    style: str | None = None
    #: words describing what to paint for "fill"
    subject: str | None = None
    #: for "size": the scale factor of the element
    factor: float | None = None
    #: for "paste": which request image (0-based; "image 2" -> 1)
    image_index: int | None = None
    #: replace/change/set verbs: the old content in the region is cleared before drawing
    clears: bool = False


@dataclass
class Parsed:
    """All operations of a prompt, in order, plus the quoted strings found."""

    ops: list[Op] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)

    @property
    def unknown(self) -> list[Op]:
        return [op for op in self.ops if op.kind == "unknown"]


def extract_quotes(prompt: str) -> tuple[str, list[str]]:
    """Replace every quoted string by a numbered slot; return the slotted prompt and the exact strings.
    The quote rules are the planner's (``reading.quotes``): the same marks, the same apostrophe rules."""
    spans = quoted_spans(prompt)
    parts: list[str] = []
    last = 0
    for i, q in enumerate(spans):
        parts += [prompt[last : q.start], f"\x00{i}\x00"]
        last = q.end
    parts.append(prompt[last:])
    return "".join(parts), [q.text for q in spans]


def parse_color(words: str) -> str | None:
    """The first colour named in ``words`` ("dark blue", "#1e3a8a", "navy", "deep red") as "#rrggbb", from
    the engine's one colour table (``reading.colors``): an edit's "red" is the red a brief gets."""
    found = named_colors_in(words)
    return found[0][1] if found else None


#: every anchor ``parse_placement`` returns -> (x, y) fractions of the area it is placed in
ANCHORS: dict[str, tuple[float, float]] = {
    "top-left": (0.0, 0.0),
    "top-center": (0.5, 0.0),
    "top-right": (1.0, 0.0),
    "middle-left": (0.0, 0.5),
    "center": (0.5, 0.5),
    "middle-right": (1.0, 0.5),
    "bottom-left": (0.0, 1.0),
    "bottom-center": (0.5, 1.0),
    "bottom-right": (1.0, 1.0),
}


def parse_placement(words: str) -> str | None:
    """Placement words ("bottom-center", "top right", "at the top", "centered") as an ``ANCHORS`` key, read
    by the planner's placement rule (``reading.placement``); None when the words place nothing."""
    where = read_placement(words)
    if where.h is None and where.v is None:
        return None
    vertical, horizontal = where.v or "middle", where.h or "center"
    return "center" if (vertical, horizontal) == ("middle", "center") else f"{vertical}-{horizontal}"


def _target(words: str) -> str | None:
    match = _TARGET_RE.search(words.lower())
    return TARGETS[match.group(1)] if match else None


def _family(words: str) -> tuple[str | None, int | None, str | None]:
    """(family, weight, style) the words ask of the type, read by the planner's typography rule
    (``reading.typography``): the same named fonts, weights and italics as a brief."""
    spec = parse_font(words)
    family = "condensed" if spec.condensed and spec.family in (None, "sans", "display") else spec.family
    return family, spec.weight, "italic" if spec.italic else None


def _code(clause: str, quotes: list[str]) -> tuple[Symbology, str] | None:
    """(symbology, payload) of the code a clause asks for. The symbology follows the planner's rule
    (``reading.codes``): the cue names it; a bare "barcode" is EAN-13 for 13 digits, else Code 128."""
    cue = CODE_CUE.search(clause)
    if not cue:
        return None
    data = _payload(clause, quotes)
    return (symbology_of(cue, data), data) if data is not None else None


def _payload(clause: str, quotes: list[str]) -> str | None:
    if quotes:
        return quotes[0]
    url = re.search(r"https?://[^\s\"'<>]+", clause)
    if url:
        return url.group(0).rstrip(".,;)")
    digits = re.search(r"\b\d{8,14}\b", clause)
    if digits:
        return digits.group(0)
    value = re.search(
        r"\b(?:for|value|payload|encoding|encodes|with|to|linking to|pointing to)\s+(\S+)\s*$", clause
    )
    if value and value.group(1).lower() not in {"it", "this", "that", "code"}:
        return value.group(1)
    return None


_IMAGE_NOUN = r"(?:image|picture|photo|pic|file|input|upload)"
_ORDINALS = {"second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3, "4th": 3, "fifth": 4, "5th": 4}


def image_reference(words: str) -> int | None:
    """The 0-based index of another request image the words point at ("image 2" -> 1), if any."""
    numbered = re.search(rf"\b{_IMAGE_NOUN}\s*(?:#|no\.?|number)?\s*(\d{{1,2}})\b", words)
    if numbered:
        return max(0, int(numbered.group(1)) - 1)
    ordinal = re.search(rf"\b(second|2nd|third|3rd|fourth|4th|fifth|5th)\s+{_IMAGE_NOUN}\b", words)
    if ordinal:
        return _ORDINALS[ordinal.group(1)]
    if re.search(rf"\b(?:other|attached|reference|provided|given)\s+(?:logo\s+)?{_IMAGE_NOUN}\b", words):
        return 1
    return None


def _restore(text: str, quotes: list[str]) -> str:
    return _SLOT_RE.sub(lambda m: f'"{quotes[int(m.group(1))]}"', text)


def parse(prompt: str) -> Parsed:
    """Parse an edit prompt into operations (see the module docstring)."""
    slotted, quotes = extract_quotes(prompt.strip())
    parsed = Parsed(quotes=quotes)
    for raw in _SPLIT_RE.split(slotted):
        clause = raw.strip(" ,")
        if not clause:
            continue
        op = _parse_clause(clause, quotes)
        parsed.ops.append(op)
    return parsed


def _parse_clause(clause: str, all_quotes: list[str]) -> Op:
    quoted = [all_quotes[int(i)] for i in _SLOT_RE.findall(clause)]
    low = _SLOT_RE.sub(" ", clause).lower()
    low = re.sub(r"\s+", " ", low).strip()
    source = _restore(clause, all_quotes)
    target = _target(low)
    placement = parse_placement(low)
    removes = re.search(r"\b(remove|delete|erase|get rid of|take out|clean up|hide|drop|clear)\b", low)
    clears = bool(re.search(r"\b(replace|change|swap|set|update|rename|instead|say|says|read|reads)\b", low))

    # 1. replace "A" with "B" / change "A" to "B"
    if len(quoted) >= 2 and re.search(r"\b(replace|change|swap|turn)\b", low) and not _code(low, []):
        return Op("replace_text", source, text=quoted[1], old=quoted[0], clears=True)
    # 2. another input image put into the region ("the logo from image 2", "the second image")
    other = image_reference(low)
    if other is not None and other > 0 and not removes:
        return Op("paste", source, image_index=other, placement=placement, clears=clears)
    # 3. removal of something (a code, text, a logo, an object)
    if removes and not quoted:
        return Op("remove", source, target=target or "object", clears=True)
    # 3. codes with a payload
    code = _code(clause if not quoted else low, quoted)
    if code and not removes:
        return Op("code", source, symbology=code[0], data=code[1], placement=placement, clears=clears)
    # 4. background color
    if target == "background" and not quoted:
        color = parse_color(low.split("background", 1)[1]) or parse_color(low)
        if color:
            return Op("background", source, target="background", color=color)
    # 5. fonts
    if re.search(r"\b(font|typeface|type ?face|serif|sans|monospace|italic|bold)\b", low) and not quoted:
        family, weight, style = _family(_SLOT_RE.sub(" ", clause))
        if family or weight or style:
            return Op("font", source, target=target or "text", family=family, weight=weight, style=style)
    # 6. move
    if re.search(r"\b(move|shift|put|place|align|position)\b", low) and placement and target and not quoted:
        return Op("move", source, target=target, placement=placement)
    # 7. logo / monogram / wordmark from quoted text
    if target == "logo" and quoted:
        return Op(
            "logo", source, text=quoted[0], target="logo", placement=placement, clears=clears or bool(removes)
        )
    # 8. text content (a color or weight in the clause styles it: "in gold", "in bold red letters")
    if quoted:
        text = quoted[-1]
        if target in (None, "text"):
            # the element named before the quote, in the planner's own role words ("the date line",
            # "the phone number", "the speech bubble"): the same cues that gave the plan's nodes their roles
            cue = leading_role(_SLOT_RE.split(clause.lower(), 1)[0])
            if cue is not None and cue[0] != "code":
                target = cue[0]
        looks: dict[str, Any] = {"color": parse_color(low), "weight": _family(low)[1]}
        if target and target not in {
            "text",
            "background",
            "image",
            "object",
            "qr",
            "barcode",
            "code",
            "icon",
        }:
            if re.search(r"\b(add|insert|write|put|place|include|append)\b", low) and not clears:
                return Op("add_text", source, text=text, target=target, placement=placement, **looks)
            return Op("set_text", source, text=text, target=target, placement=placement, clears=True, **looks)
        if re.search(r"\b(add|insert|write|put|place|include|append|overlay)\b", low) or not clears:
            role = target if target != "text" else None
            return Op("add_text", source, text=text, target=role, placement=placement, clears=clears, **looks)
        return Op("set_text", source, text=text, target="text", placement=placement, clears=True, **looks)
    # "replace the sky with a sunset": a described replacement is painted, not graded
    described = re.search(r"\b(?:replace|swap)\s+(.+?)\s+(?:with|for)\s+(.+)$", low)
    if described:
        return Op("fill", source, subject=described.group(2), target=described.group(1), clears=True)
    # "make the title bigger / smaller"
    resize = re.search(r"\b(bigger|larger|smaller|tinier|enlarge|shrink)\b", low)
    if resize and target and re.search(r"\b(make|set|enlarge|shrink|scale|increase|decrease)\b", low):
        grow = resize.group(1) in ("bigger", "larger", "enlarge")
        factor = 1.3 if grow else 1 / 1.3
        if re.search(r"\b(much|a lot|way)\b", low):
            factor = factor**2
        return Op("size", source, target=target, factor=factor)
    # 9. recolor one element ("make the headline red") vs. the whole region ("make it red")
    color = parse_color(low)
    tone = next((name for pattern, name in _TONES if pattern.search(low)), None)
    element = target not in (None, "image", "object", "text") or (target == "text" and "text" in low.split())
    if (
        color
        and element
        and re.search(r"\b(make|turn|color|colour|recolor|recolour|change|set|paint)\b", low)
    ):
        return Op("color", source, target=target, color=color)
    if tone:
        return Op("tone", source, tone=tone, color=color)
    if color and re.search(r"\b(make|turn|color|colour|recolor|recolour|tint|change|paint|dye)\b", low):
        return Op("tone", source, tone="tint", color=color)
    # 10. describe-a-thing: paint it (procedural art stands in for an image backend)
    fill = re.search(
        r"\b(?:add|put|place|insert|draw|paint|fill (?:it |this |the \w+ )?with"
        r"|replace (?:it |this |the \w+ )?with"
        r"|show|make it|turn (?:it|this) into)\s+(.+)$",
        low,
    )
    if fill:
        return Op("fill", source, subject=fill.group(1).strip(), placement=placement)
    return Op("unknown", source, subject=low)
