"""The planner's entry point: prompt -> Plan, deterministically.

Stages (each a pure function of the previous one's output):
1. read the prompt (``content.extract``): quotes + roles, codes, displayed values, segments, words;
2. pick the archetype (``archetypes.detect``) and the canvas size (the request's, or from aspect hints);
3. build the theme (palette with guaranteed contrast, fonts, type scale) -- from the prompt and the seed
   only, never the variant, so the n images of one request share it;
4. resolve roles the prompt left open, decide the art (procedural image prompt + style);
5. lay out (``layouts``): nodes with boxes on a 12-column grid; the variant varies composition;
6. check every text that must appear appears exactly once, and validate the Plan.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Literal

from ....contract.errors import InvalidValue
from ....contract.sizes import SizeRule
from ..layouts import frames_for_variant, layout_for
from ..layouts.fill import layout_untexted
from ..layouts.hero import layout_hero
from ..layouts.kit import Ctx, Grid
from ..plan import Background, Brief, Canvas, FontRef, Node, Plan, TextNode, Theme
from ..reading.colors import ThemeHints, build_theme_hints
from ..reading.content import Content, TextItem, extract
from ..reading.segments import first_of
from ..reading.typography import typographic_intent
from ..rules.contrast import is_dark, mix
from .archetypes import Archetype, detect
from .asks import asks_for
from .aspect import FLEXIBLE, choose_size, parse_aspect

_PRIMARY = ("headline", "title", "masthead", "sign")
_CLOCK = re.compile(
    r"\b\d{1,2}:\d{2}(?:\s?(?:am|pm|a\.m\.|p\.m\.|h)\b|(?=\s*(?:-|–|to)\s*\d{1,2}:\d{2}))", re.I
)
_PRICE_ONLY = re.compile(
    r"(?:from |only |just )?[$€£¥₹]\s?\d(?:[\d,]*\d)?(?:\.\d{1,2})?(?:\s?[kKmM])?|\d[\d,.]*\s?(?:€|£|USD|EUR)"
)
#: more texts than this cannot be set readably (or verified in time) on one canvas
MAX_TEXTS = 200
#: more data points than this cannot be labelled readably on one chart
MAX_CHART_POINTS = 48
_DESIGN_WORDS = frozenset(
    re.findall(
        r"[a-z]+",
        "a an the with and or in on of for at to its it this that these those exact exactly text word "
        "words headline title subhead heading poster banner card greeting sign flyer typography font bold "
        "large big letters characters chinese hindi bengali arabic japanese korean devanagari hangul kana "
        "script bright minimal clean modern simple centered center top bottom below above left right add "
        "verbatim reads read written writing says generate create make design image "
        "picture photo style high quality background colors colours warm cool neon black white ",
    )
)
#: words that describe a backdrop (drawn as the canvas background), not something to picture
_BACKDROP_WORDS = frozenset(
    re.findall(
        r"[a-z]+",
        "brick wall walls studio sweep backdrop background gradient texture pattern floor shadow shadows "
        "light lights lighting glow vignette seamless surface gray grey soft gentle subtle smooth plain "
        "solid",
    )
)

ART_STYLES: tuple[tuple[str, str], ...] = (
    (
        r"\bcharacter\b|\bperson\b|\bwoman\b|\bman\b|\bgirl\b|\bboy\b|\bdetective\b|\bcourier\b"
        r"|\bhero\b(?! product| shot| image| banner| section)|\bchef\b|\bpeople\b|\bportrait\b",
        "character",
    ),
    (
        r"\bproduct\b|\bbottle\b|\bearbuds?\b|\bheadphones?\b|\bsneakers?\b|\bshoes?\b|\bwatch\b|\bpackag|\bjar\b|"
        r"\bcan\b|\bperfume\b|\bphone\b|\blaptop\b|\bmug\b|\bcup\b",
        "product",
    ),
    (
        r"\bstorefront\b|\bshop\b|\bcafe\b|\bcafé\b|\bstreet\b|\bcity\b|\bmarket\b|\bbuilding\b|\binterior\b",
        "scene",
    ),
    (
        r"\blandscape\b|\bmountains?\b|\bsea\b|\bocean\b|\bbeach\b|\bforest\b|\briver\b|\bsky\b|\bsunset\b|\bdusk\b",
        "landscape",
    ),
    (r"\bstudio\b", "studio"),
    (r"\bfood\b|\bdish\b|\bmeal\b|\bcoffee\b|\btea\b|\bcake\b|\bfruit\b", "food"),
)


def compile_prompt(
    prompt: str,
    *,
    width: int | None,
    height: int | None,
    seed: int,
    variant: int = 0,
    variants: int = 1,
    background: Literal["auto", "opaque", "transparent"] = "auto",
    sizes: SizeRule = FLEXIBLE,
) -> Plan:
    """Compile a prompt into a Plan. ``width``/``height`` None means size auto: the plan chooses a size
    that ``sizes`` allows (the model's rule from the contract, ``limits_for(model).sizes``).

    Deterministic: the same (prompt, size, seed, variant, variants, background) gives the same plan.
    Raises ``InvalidValue`` for prompts that ask for something that cannot be made exactly (e.g. an
    EAN-13 with a wrong check digit).
    """
    if not prompt or not prompt.strip():
        raise InvalidValue("The prompt is empty.", param="prompt")
    if variants < 1 or not 0 <= variant < variants:
        raise InvalidValue(f"variant {variant} is outside 0..{variants - 1}.", param="n")
    # 1. read
    content = extract(prompt)
    if len(content.texts) > MAX_TEXTS:
        raise InvalidValue(
            f"The prompt asks for {len(content.texts)} separate texts; one image holds at most {MAX_TEXTS} "
            "(each must stay readable and is verified). Split the request or send a plan.",
            param="prompt",
        )
    for chart in content.charts:
        if len(chart.points) > MAX_CHART_POINTS:
            raise InvalidValue(
                f"The prompt gives a {chart.kind} chart {len(chart.points)} data points; one chart labels at "
                f"most {MAX_CHART_POINTS} readably (each label and value is drawn and verified). "
                "Split the data.",
                param="prompt",
            )
    # 2. archetype and size
    arch, reason = detect(content)
    # a clock time ("doors 7:30 pm") is not an aspect ratio
    ratio, long_edge, aspect_words = parse_aspect(_CLOCK.sub(" ", content.masked.replace("\x00", " ")))
    if width is None or height is None:
        width, height = choose_size(ratio or arch.ratio, long_edge, sizes)
    short = min(width, height)
    grid = Grid(width, height, margin=round(short * 0.0625))
    # 3. theme
    # the subject's own colors ("a red scarf") steer the art, never the design's scheme
    design_masked = content.masked
    for seg in content.segments:
        if seg.key == "subject":
            design_masked = (
                design_masked[: seg.start] + " " * (seg.end - seg.start) + design_masked[seg.end :]
            )
    hints = build_theme_hints(
        design_masked,
        palette_text=" ".join(
            s.text for s in content.segments if s.key in ("palette", "style", "screen", "typography")
        ),
        subject_text=content.subject or "",
        seed=seed,
        archetype=arch.name,
    )
    theme = _theme(content, arch, hints)
    # 4. roles and art
    items = resolve_roles(content.texts, arch)
    image_prompt, image_style = _art(content, arch)
    fill_prompt, fill_style = _fill_art(content, arch, image_prompt, image_style)
    ctx = Ctx(
        archetype=arch.name,
        grid=grid,
        theme=theme,
        content=content,
        items=items,
        codes=list(content.codes),
        variant=variant,
        variants=variants,
        seed=seed,
        placement=content.global_placement,
        image_prompt=image_prompt,
        image_style=image_style,
        art_colors=hints.art_colors,
        fill_prompt=fill_prompt,
        fill_style=fill_style,
    )
    # 5. layout, with the hero layout as the safety net if a family could not place every text
    nodes = layout_for(arch.name, arch.family)(ctx)
    expected = expected_texts(items, arch.name, variant, variants)
    if sorted(_texts(nodes)) != sorted(expected):
        ctx = replace(ctx, items=[i for i in items if i.text in expected], _ids={})
        nodes = layout_hero(ctx)
    if not items and not ctx.codes and not any(c.points for c in content.charts):
        # nothing to set: the design is the subject's picture and wordless decoration, never a blank page
        nodes = layout_untexted(replace(ctx, _ids={}), nodes)
    # 6. assemble and validate
    canvas = Canvas(
        width=width,
        height=height,
        background=_background(content, hints, theme, background, ctx),
        margin=grid.margin,
        grid_columns=grid.columns,
    )
    brief = Brief(
        prompt=prompt,
        goal=first_of(content.segments, "goal"),
        subject=content.subject,
        scene=content.scene,
        style=content.style,
        details=first_of(content.segments, "details"),
        constraints=first_of(content.segments, "constraints"),
        aspect_hint=aspect_words,
        archetype_reason=reason,
    )
    drawn = set(expected)
    plan = Plan(
        archetype=arch.name,
        canvas=canvas,
        theme=theme,
        nodes=nodes,
        brief=brief,
        seed=seed,
        variant=variant,
        variants=variants,
        asks=asks_for(
            content, [i for i in items if i.text in drawn], ctx.codes, hints.asked, nodes, archetype=arch.name
        ),
        planner="compiler",
    )
    return Plan.model_validate(plan.model_dump(mode="json"))


def resolve_roles(items: list[TextItem], arch: Archetype) -> list[TextItem]:
    """Give every open role one: the archetype's main slot first, then subhead, then body."""
    primary_taken = any(i.role in _PRIMARY for i in items)
    sub_taken = any(i.role == "subhead" for i in items)
    out = []
    for it in items:
        role = it.role
        if (
            arch.name != "menu"
            and it.price_for is None
            and (role == "price" or (role is None and _PRICE_ONLY.fullmatch(it.text.strip())))
        ):
            # hierarchy follows meaning: a price on its own (a house, a ticket, an offer) is the page's
            # second voice, above body copy and any name, whatever order the prompt wrote it in
            out.append(replace(it, role="offer"))
            continue
        if role is None:
            if not primary_taken:
                role = arch.primary_role
                primary_taken = role in _PRIMARY
            elif not sub_taken or it.placement.relative == "below":
                role, sub_taken = "subhead", True
            else:
                role = "body"
        out.append(replace(it, role=role))
    if not any(i.role in _PRIMARY or i.role == "offer" for i in out):
        # a tagline alone ("a mug with the tagline Slow Mornings") is the page's one voice: its headline
        subs = [k for k, i in enumerate(out) if i.role == "subhead" and i.unquoted]
        if subs:
            out[subs[0]] = replace(out[subs[0]], role=arch.primary_role)
    return out


def expected_texts(items: list[TextItem], archetype: str, variant: int, variants: int) -> list[str]:
    """The texts this variant must draw, each exactly once (storyboards spread their frames)."""
    if archetype != "storyboard":
        return [i.text for i in items]
    frames = [i for i in items if i.range_of is not None] or [i for i in items if i.role == "caption"]
    shared = [i.text for i in items if i not in frames]
    return shared + [frames[k].text for k in frames_for_variant(len(frames), variants, variant)]


def _texts(nodes: list[Node]) -> list[str]:
    out: list[str] = []
    for n in nodes:
        if isinstance(n, TextNode):
            out.append(n.text)
        children = getattr(n, "children", None)
        if children:
            out.extend(_texts(children))
    return out


def _theme(content: Content, arch: Archetype, hints: ThemeHints) -> Theme:
    g = content.global_font
    # the design's character picks the faces when the prompt named none ("elegant wedding" -> script over
    # Garamond, "tech dashboard" -> grotesk, "playful" -> geometric); a named face always wins
    intent = typographic_intent(content.masked) if g.family is None else None
    head_family, body_family = (intent[0], intent[1]) if intent else ("sans", g.family or "sans")
    heading = g.to_ref(
        FontRef(family=head_family, weight=800 if arch.name in ("magazine_cover", "poster") else 700)
    )
    if intent and head_family == "script":
        heading = heading.model_copy(update={"weight": 700})
    body = FontRef(family=body_family, weight=400)
    mono = FontRef(family="mono")
    for item in content.texts:
        if item.font.family and ("mono" in item.font.family.lower()):
            mono = FontRef(family=item.font.family)
    scale = {"magazine_cover": 1.3, "poster": 1.28, "app_screen": 1.2, "label": 1.2, "spec_sheet": 1.2}.get(
        arch.name, 1.25
    )
    return Theme(
        palette=hints.palette,
        heading_font=heading,
        body_font=body,
        mono_font=mono,
        type_scale=scale,
        # slides are read from across a room; labels and menus are read at arm's length
        base_size={"slide": 34, "label": 30, "spec_sheet": 30, "menu": 30}.get(arch.name, 28),
        mood=hints.mood,
        style=hints.style,
        dark=hints.dark,
        corner_radius=16 if arch.name != "comic_page" else 0,
    )


def _art(content: Content, arch: Archetype) -> tuple[str, str]:
    """(image prompt, procedural style) for the design's art; ("", "") when the design has none."""
    subject = content.subject or ""
    scene = content.scene or ""
    desc = " ".join(x for x in (subject, scene) if x).strip()
    style = next((s for pat, s in ART_STYLES if re.search(pat, desc.lower())), "abstract")
    labeled = any(s.key in ("subject", "scene") for s in content.segments)
    if arch.name in ("product_hero", "comic_page", "storyboard"):
        default = {"product_hero": "product", "comic_page": "character", "storyboard": "character"}[arch.name]
        return desc or content.description, style if style != "abstract" else default
    if arch.name == "magazine_cover":
        return desc or "editorial cover art", style
    if arch.name in ("infographic", "app_screen", "label", "spec_sheet", "menu", "ticket"):
        return "", ""
    words = [w for w in re.findall(r"[a-z]+", subject.lower()) if w not in _DESIGN_WORDS and len(w) > 2]
    # something to picture beyond the design words and a backdrop ("studio sweep with floor shadow")
    depicted = [w for w in words if w not in _BACKDROP_WORDS]
    if arch.name == "sign":
        return (desc, "scene" if style == "abstract" else style) if depicted else ("", "")
    if labeled or depicted:
        # a generic style the renderer has no subject for would be a bare gradient: a bold composition
        if style == "abstract" and not _RENDERER_SUBJECTS.search(desc.lower()):
            style = "geometric"
        return desc, style
    return "", ""


#: the picture of a design with no text, when the subject words name no style of their own
_FILL_STYLE = {
    "menu": "food",
    "infographic": "data",
    "spec_sheet": "product",
    "label": "product",
    "app_screen": "waves",
}
#: words the renderer pictures itself under the generic style (night sky, neon, data, cover, interior)
_RENDERER_SUBJECTS = re.compile(
    r"night|stars|galaxy|moon|neon|robot|\bai\b|tech|data|digital|network|statistic|growth|revenue|"
    r"analytics|magazine|\bcover\b|fashion|interior|\broom\b|kitchen|office|market|bazaar|tea ?shop|"
    r"storefront|\bstore\b|bakery|restaurant|city|street|skyline"
)


def _fill_art(content: Content, arch: Archetype, image_prompt: str, image_style: str) -> tuple[str, str]:
    """(prompt, style) of the art a design shows when it has no text to set (see ``layouts/fill.py``).

    The design's own art when it has some; otherwise the subject/scene (or the whole description, quotes
    removed). The style: the subject words' (``ART_STYLES``), else the archetype's (a menu pictures food,
    an infographic data art, a spec sheet or label the product, a screen soft waves), else a bold
    geometric composition -- a generic style with no subject would render as a bare gradient."""
    desc = image_prompt
    style = image_style
    if not desc:
        desc = " ".join(x for x in (content.subject or "", content.scene or "") if x).strip()
        desc = desc or content.description.strip()
        style = next((s for pat, s in ART_STYLES if re.search(pat, desc.lower())), "abstract")
        if arch.name in ("menu", "infographic") or style == "abstract":
            style = _FILL_STYLE.get(arch.name, style)
    if style == "abstract" and not _RENDERER_SUBJECTS.search(desc.lower()):
        style = "geometric"
    return desc, style


def _background(content: Content, hints: ThemeHints, theme: Theme, requested: str, ctx: Ctx) -> Background:
    """The canvas background: transparent only when asked; otherwise the words' treatment or solid."""
    pal = theme.palette
    low = content.masked.lower()
    if requested == "transparent" or (
        requested == "auto"
        and re.search(r"transparent (?:background|bg)|no background|cut-?out|\bsticker\b", low)
    ):
        return Background(kind="transparent", colors=[pal.background])
    words = hints.background
    if "brick" in words:
        return Background(
            kind="pattern",
            pattern="brick",
            colors=["#5b2a22", "#3b1a15"] if hints.dark else ["#9c4a35", "#7a3526"],
        )
    if "studio" in words or "sweep" in words:
        return Background(
            kind="radial", pattern="studio", colors=[pal.background, mix(pal.background, "#8a8f98", 0.25)]
        )
    if "linen" in words or "paper" in words:
        return Background(
            kind="pattern",
            pattern="linen" if "linen" in words else "paper",
            colors=[pal.background, pal.surface],
        )
    if "wood" in words and ctx.archetype != "sign":
        return Background(kind="pattern", pattern="wood", colors=["#8b5a2b", "#6b4423"])
    if "gradient" in words:
        return Background(kind="gradient", colors=[pal.background, pal.surface], angle=90)
    if ctx.archetype in ("social_card", "banner") and not ctx.image_prompt:
        # a seed-chosen motif, shared by every variant of the request
        motif = ("dots", "waves", "grid")[ctx.seed % 3]
        return Background(kind="pattern", pattern=motif, colors=[pal.background, pal.surface])
    if ctx.archetype == "app_screen":
        return Background(kind="solid", colors=[pal.background if is_dark(pal.background) else pal.surface])
    return Background(kind="solid", colors=[pal.background])
