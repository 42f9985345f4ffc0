"""Colors and palettes: color words and schemes -> a Palette whose text pairs meet WCAG contrast.

Only phrases that speak about the *design* set the palette (``Color palette: …``, ``dark mode``,
``gold on deep blue``, ``warm colors``, ``neon``, ``<color> background``); colors that describe the
subject (``a yellow backpack``, ``matte black and silver earbuds``) steer the procedural art instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from PIL import ImageColor

from ..plan import Palette
from ..rules.contrast import (
    BODY_MIN,
    LARGE_MIN,
    contrast_ratio,
    ensure_contrast,
    is_dark,
    luminance,
    mix,
    readable_on,
)

NAMED_COLORS: dict[str, str] = {
    "black": "#111111",
    "white": "#ffffff",
    "ivory": "#fffff0",
    "cream": "#f6efdf",
    "beige": "#e8dcc4",
    "silver": "#c0c4cc",
    "grey": "#8a8f98",
    "gray": "#8a8f98",
    "charcoal": "#2b2f36",
    "red": "#d62828",
    "crimson": "#b3122e",
    "maroon": "#6d1a2a",
    "burgundy": "#7a1f3d",
    "pink": "#ec4899",
    "magenta": "#d4148c",
    "purple": "#7c3aed",
    "violet": "#7c3aed",
    "lavender": "#b9a6f0",
    "indigo": "#3730a3",
    "navy": "#14213d",
    "blue": "#2563eb",
    "sky blue": "#38bdf8",
    "cyan": "#06b6d4",
    "teal": "#0f766e",
    "turquoise": "#14b8a6",
    "aqua": "#22d3ee",
    "mint": "#86efac",
    "green": "#16a34a",
    "emerald": "#059669",
    "olive": "#6b7a2a",
    "lime": "#84cc16",
    "yellow": "#facc15",
    "gold": "#d4af37",
    "golden": "#d4af37",
    "amber": "#f59e0b",
    "orange": "#f97316",
    "coral": "#ff7f50",
    "peach": "#ffb38a",
    "brown": "#7c4a25",
    "tan": "#c8a27a",
    "terracotta": "#c4623a",
    "rust": "#b7410e",
    "copper": "#b87333",
    "bronze": "#a97142",
    "sand": "#e2c9a0",
    "wood": "#8b5a2b",
    "wooden": "#8b5a2b",
}
#: the tuned one-word names above (the words CSS names are split into, with _CSS_NAME_WORDS)
_TUNED_WORDS = frozenset(k for k in NAMED_COLORS if k.isalpha())
#: every CSS colour name the prompt may use ("tomato", "rebeccapurple"), after the tuned names above
NAMED_COLORS.update(
    {
        "neutral": "#ece8e1",
        "off-white": "#f7f5f0",
        **{k: v for k, v in ImageColor.colormap.items() if k not in NAMED_COLORS and isinstance(v, str)},
    }
)
_SHADES = {
    "deep": -0.45,
    "dark": -0.35,
    "light": 0.55,
    "pale": 0.7,
    "soft": 0.45,
    "bright": 0.0,
    "muted": 0.2,
}
#: the words CSS colour names are made of besides colour names ("lightseagreen" is light + sea + green)
_CSS_NAME_WORDS = frozenset(
    (
        *("light", "dark", "medium", "pale", "deep", "dim", "hot", "sea"),
        *("slate", "sky", "spring", "steel", "royal", "midnight", "dodger", "cornflower"),
        *("cadet", "forest", "lawn", "indian", "ghost", "floral", "antique", "navajo"),
        *("powder", "rebecca", "rosy", "sandy", "saddle", "alice", "burly"),
    )
)
_SHADE = "|".join(_SHADES)


def _css_words(name: str, words: frozenset[str]) -> list[str] | None:
    """``name`` split into two or more ``words``, longest first part first (light + goldenrod + yellow)."""
    for cut in range(len(name) - 1, 0, -1):
        head, rest = name[:cut], name[cut:]
        if head in words:
            tail = [rest] if rest in words else _css_words(rest, words)
            if tail:
                return [head, *tail]
    return None


def _spaced_css_names() -> dict[str, str]:
    """CSS colour names as a brief writes them, with spaces ("light sea green", "dark slate blue"): only the
    names that end in a colour word, so prose ("sea shell", "old lace", "white smoke") is not a colour, and
    not a shade word on one colour ("dark red" stays the planner's red, darkened) nor a run of colour words
    ("lime green", "orange red" stay a list of two)."""
    css = {k: v for k, v in ImageColor.colormap.items() if isinstance(v, str)}
    #: colour names that are one word: the tuned ones and every CSS name that is not made of others
    single = _TUNED_WORDS | {k for k in css if _css_words(k, _TUNED_WORDS | _CSS_NAME_WORDS) is None}
    out: dict[str, str] = {}
    for name, value in css.items():
        parts = _css_words(name, single | _CSS_NAME_WORDS)
        if not parts or parts[-1] not in single or all(p in single for p in parts):
            continue
        if len(parts) == 2 and parts[0] in _SHADES:
            continue
        out.setdefault(" ".join(parts), value)
    return {k: v for k, v in out.items() if k not in NAMED_COLORS}


NAMED_COLORS.update(_spaced_css_names())
#: a colour name (spaced CSS names as "light-sea-green" too), or a shade word on one ("deep blue"); a whole
#: name first, so "light goldenrod yellow" is one colour, not light goldenrod and yellow
_NAMES = "|".join(
    sorted(("[ -]".join(re.escape(w) for w in k.split(" ")) for k in NAMED_COLORS), key=len, reverse=True)
)
_COLOR_WORD = rf"(?:(?:{_NAMES})|(?:{_SHADE})[ -](?:{_NAMES}))"

#: seed-derived accents used when the prompt names no colors; every one passes 3:1 on white
SEED_ACCENTS = ("#2563eb", "#db2777", "#059669", "#c2410c", "#7c3aed", "#0e7490", "#b91c1c", "#4d7c0f")


@dataclass
class ThemeHints:
    """Everything the prompt said about color, mood and surface treatment."""

    palette: Palette
    dark: bool
    mood: str = "neutral"
    style: str = "flat"
    #: background treatment words ("gradient", "studio", "brick", "linen", "paper" ...)
    background: list[str] = field(default_factory=list)
    #: subject colors for procedural art
    art_colors: list[str] = field(default_factory=list)
    #: the colors the prompt named for the design, as (words, hex): each must show in the pixels (asks)
    asked: list[tuple[str, str]] = field(default_factory=list)


def color_value(phrase: str) -> str | None:
    """``"deep blue"`` -> hex, or None when the phrase names no color."""
    low = phrase.strip().lower()
    for name in dict.fromkeys((low, low.replace("-", " "))):
        if name in NAMED_COLORS:
            return NAMED_COLORS[name]
        m = re.fullmatch(rf"({_SHADE})[ -](.+)", name)
        if m and m.group(2) in NAMED_COLORS:
            base, shade = NAMED_COLORS[m.group(2)], _SHADES[m.group(1)]
            if shade < 0:
                return mix(base, "#000000", -shade)
            return mix(base, "#ffffff", shade) if shade > 0 else base
    return None


def colors_in(text: str) -> list[str]:
    """Every color named in ``text`` (names and ``#rrggbb`` codes), in order, as hex."""
    return [hex_ for _name, hex_ in named_colors_in(text)]


_HEX = r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b"


def named_colors_in(text: str) -> list[tuple[str, str]]:
    """(the words as written, hex) of every color in ``text``, in order, without repeats."""
    out: list[tuple[str, str]] = []
    for m in re.finditer(rf"(?<![\w-]){_COLOR_WORD}(?![\w-])|{_HEX}", text.lower()):
        word = m.group(0)
        value = _hex_value(word) if word.startswith("#") else color_value(word)
        if value and value not in (v for _, v in out):
            out.append((word, value))
    return out


def _hex_value(code: str) -> str:
    code = code.lower()
    if len(code) == 4:
        code = "#" + "".join(ch * 2 for ch in code[1:])
    return code


#: a list of two or more colors ("red and gold", "navy, cream & copper", "#1e3a8a and #f59e0b")
_ONE = rf"(?:{_COLOR_WORD}|{_HEX})"
_COLOR_LIST = re.compile(rf"(?<![\w-]){_ONE}(?:\s*(?:,|and|&|/|\+|with)\s*{_ONE})+(?![\w-])")
_SINGLE_DESIGN = re.compile(
    rf"(?<![\w-])(?:{_ONE})(?:[- ]and[- ]{_ONE})?\s+(?:colou?r ?(?:palette|scheme|theme)|palette|scheme|"
    rf"theme|colou?rs|tones|accents?|type|typography|lettering)\b|(?:in|colou?rs?:?|palette:?)\s+{_ONE}\b"
)
_PALETTE_WORDS = re.compile(
    r"^\s*(?:$|[,.;:!)]|(?:colou?r ?)?(?:palette|scheme|theme|colou?rs|tones|accents?)\b)"
)


def design_colors(low: str) -> list[tuple[str, str]]:
    """Colors the prompt gives the *design* outside a palette segment: a list of colors that is not the
    color of a thing (``red and gold, lanterns``; ``in navy and cream``; ``neon purple and pink``), a color
    followed by palette words (``teal color scheme``), and hex codes. ``red and gold lanterns`` colors the
    lanterns (the art), not the design."""
    found: list[tuple[str, str]] = []
    for m in _COLOR_LIST.finditer(low):
        after = low[m.end() :]
        before = low[max(0, m.start() - 12) : m.start()]
        if _PALETTE_WORDS.match(after) or re.search(r"(?:\bin|neon|:)\s*$", before):
            found.extend(named_colors_in(m.group(0)))
    for m in _SINGLE_DESIGN.finditer(low):
        found.extend(named_colors_in(m.group(0)))
    for m in re.finditer(_HEX, low):
        found.extend(named_colors_in(m.group(0)))
    out: list[tuple[str, str]] = []
    for name, value in found:
        if value not in (v for _, v in out):
            out.append((name, value))
    return out


@dataclass(frozen=True)
class _Scheme:
    """A named palette scheme and the words that ask for it."""

    name: str
    pattern: re.Pattern[str]
    accent: str
    extra: tuple[str, ...]
    mood: str
    bg: str | None = None
    surface: str | None = None
    style: str = "flat"
    dark: bool = False


#: first match wins, most specific first
_SCHEMES: tuple[_Scheme, ...] = (
    _Scheme(
        "ink",
        re.compile(r"black[- ]and[- ]white|\bb&w\b|monochrome|grayscale|greyscale|\bink\b|\bnoir\b"),
        accent="#111111",
        extra=("#111111", "#555555"),
        mood="ink",
        bg="#ffffff",
        surface="#f1f1f1",
        style="ink",
    ),
    # "neon green" is a color of something, not a neon look
    _Scheme(
        "neon",
        re.compile(
            r"\bneon\b(?![- ](?:green|pink|blue|yellow|orange|red|purple|colou?r))|cyberpunk|synthwave"
        ),
        accent="#ff3fd4",
        extra=("#ff3fd4", "#22e4ff", "#b6ff3b"),
        mood="neon",
        bg="#0f0b1e",
        surface="#1c1636",
        dark=True,
    ),
    _Scheme(
        "blue-green",
        re.compile(r"blues? and greens?|greens? and blues?"),
        accent="#1d4ed8",
        extra=("#1d4ed8", "#059669", "#0284c7", "#16a34a"),
        mood="fresh",
    ),
    _Scheme(
        "warm",
        re.compile(r"\bwarm (?:colou?rs?|tones?|palette|hues?)\b|\bwarm\b"),
        accent="#b4410f",
        extra=("#c2410c", "#dc2626", "#d97706"),
        mood="warm",
        bg="#fff5e9",
        surface="#fde6cc",
    ),
    _Scheme(
        "cool",
        re.compile(r"\bcool (?:colou?rs?|tones?|palette|hues?)\b"),
        accent="#0e7490",
        extra=("#0e7490", "#2563eb", "#4f46e5"),
        mood="calm",
        bg="#f0f7fb",
        surface="#dcecf5",
    ),
    _Scheme(
        "pastel",
        re.compile(r"\bpastels?\b"),
        accent="#7c3aed",
        extra=("#a78bfa", "#f9a8d4", "#93c5fd"),
        mood="soft",
        bg="#fbf7ff",
        surface="#efe6fb",
    ),
    _Scheme(
        "earth",
        re.compile(r"earth(?:y)? tones?|\bearthy\b|\bnatural tones\b"),
        accent="#8b5e34",
        extra=("#8b5e34", "#6b7a2a", "#c4623a"),
        mood="natural",
        bg="#f5efe6",
        surface="#e9dfcf",
    ),
    _Scheme(
        "bright",
        re.compile(r"\bbright\b|\bvibrant\b|\bcolou?rful\b|\bfestive\b|\bplayful\b"),
        accent="#c2185b",
        extra=("#c2185b", "#f97316", "#0891b2"),
        mood="festive",
        bg="#fff4d6",
        surface="#ffe7a3",
    ),
    _Scheme(
        "wedding",
        re.compile(r"\bwedding\b|\bwatercolou?r\b|\bbridal\b|\bromantic\b|\bengagement\b"),
        accent="#a8546a",
        extra=("#a8546a", "#7d9471", "#c9a96e"),
        mood="soft",
        bg="#fbf8f3",
        surface="#f3ece1",
    ),
    _Scheme(
        "luxury",
        re.compile(r"\bluxury\b|\bluxurious\b|\bpremium\b|\belegant\b"),
        accent="#d4af37",
        extra=("#d4af37",),
        mood="luxury",
        bg="#101418",
        surface="#1b2127",
        dark=True,
    ),
)


def _scheme(low: str) -> _Scheme | None:
    """The named palette scheme ``low`` asks for, if any."""
    return next((scheme for scheme in _SCHEMES if scheme.pattern.search(low)), None)


def build_theme_hints(
    prompt_masked: str, *, palette_text: str, subject_text: str, seed: int, archetype: str
) -> ThemeHints:
    """The theme the prompt asked for. ``prompt_masked`` has quotes masked (quoted text never colors)."""
    low = prompt_masked.lower()
    design = (palette_text or "").lower()
    scheme = _scheme(design) or _scheme(low)
    dark = bool(scheme and scheme.dark) or bool(
        re.search(r"dark[- ]mode|dark theme|dark ui|dark background|night mood|\bat night\b|\bnight\b", low)
    )
    # a dark request keeps only the schemes that are dark themselves
    bg = scheme.bg if scheme and (not dark or scheme.dark) else None
    surface = scheme.surface if scheme else None
    accent = scheme.accent if scheme else None
    extra = list(scheme.extra) if scheme else []
    mood = scheme.mood if scheme else "neutral"
    headline: str | None = None
    style = scheme.style if scheme else "flat"

    # "gold on deep blue": foreground color on background color
    on = re.search(rf"({_COLOR_WORD})(?: text| type| lettering| letters)? on (?:an? )?({_COLOR_WORD})\b", low)
    if on:
        fg_c, bg_c = color_value(on.group(1)), color_value(on.group(2))
        if fg_c and bg_c:
            accent, bg, surface, headline = fg_c, bg_c, None, fg_c
            dark = is_dark(bg_c)
    back = re.search(
        rf"({_COLOR_WORD})(?:[- ]to[- ](?:{_COLOR_WORD}))?\s+(?:\w+\s+)?(?:background|backdrop|wall|sweep)\b",
        low,
    )
    if back and not on:
        value = color_value(back.group(1))
        if value:
            bg, dark = value, is_dark(value)
            surface = None
    design_named = named_colors_in(design) or design_colors(low)
    asked = list(design_named)
    if on:
        asked = named_colors_in(on.group(0))
    elif back and back.group(1) not in (w for w, _ in asked):
        asked = [*named_colors_in(back.group(1)), *asked]
        design_named = [c for c in design_named if c[1] != color_value(back.group(1))]
    if re.search(rf"\bneon[- ]{_COLOR_WORD}", low) and not on:
        # "neon purple and pink": a neon look in those colors
        dark, mood = True, "neon"
        bg, surface = bg if bg and is_dark(bg) else "#0f0b1e", None
    if accent is None or (design_named and scheme is None and not on):
        named = [v for _, v in design_named]
        accent = named[0] if named else SEED_ACCENTS[seed % len(SEED_ACCENTS)]
        extra = extra or named[:4]
        if len(named) >= 2 and bg is None and not on:
            first = named[0]
            deep = luminance(first) < 0.25 and _saturated(first, 0.35 if luminance(first) > 0.05 else 0.12)
            if not dark and deep:
                # "red and gold", "navy and gold": a deep first color is the page, the second the headline
                # ("gold on red"); a deep but muted hue (navy) counts, a grey or black does not
                bg, surface, headline, accent = mix(first, "#000000", 0.12), None, named[1], named[1]
                dark = is_dark(bg)
            else:
                headline = headline or named[1]
    if dark and bg is None:
        bg, surface = "#0b0f19", "#161c2a"
    bg = bg or "#ffffff"
    if surface is None:
        surface = mix(bg, "#ffffff" if is_dark(bg) else "#000000", 0.06 if not is_dark(bg) else 0.1)
    if re.search(r"photo(?:realistic|graphy)?\b|\bcinematic\b|\brealistic\b", low):
        style = "photo"
    elif re.search(r"\bflat\b", low):
        style = "flat"
    elif re.search(r"\bminimal(?:ist)?\b", low) and style == "flat":
        style = "minimal"
    background_words = [
        w
        for w in (
            "gradient",
            "studio",
            "sweep",
            "brick",
            "linen",
            "paper",
            "wood",
            "bokeh",
            "marble",
            "concrete",
        )
        if re.search(rf"\b{w}", low)
    ]
    palette = finish_palette(bg=bg, surface=surface, accent=accent, extra=extra, primary=headline)
    art = colors_in(subject_text)
    if not art and asked:
        # no subject colors: the art takes the design's colors, so they show beyond the type
        art = [v for _, v in asked]
    return ThemeHints(
        palette=palette,
        dark=is_dark(bg),
        mood=mood,
        style=style,
        background=background_words,
        art_colors=art,
        asked=asked,
    )


def _saturated(color: str, spread: float = 0.35) -> bool:
    r, g, b = (int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return max(r, g, b) - min(r, g, b) > spread


def finish_palette(
    *, bg: str, surface: str, accent: str, extra: list[str], primary: str | None = None
) -> Palette:
    """Fill in text colors and fix every pair the renderer may draw text on to meet WCAG AA.

    Pairs guaranteed: text/primary/secondary/muted on background AND on surface >= 4.5:1; accent on
    background >= 3:1 (large text, bars, icons); on_accent on accent >= 4.5:1; chart extras >= 3:1.
    """
    base_text = readable_on(bg)
    worst = surface if contrast_ratio(base_text, surface) < contrast_ratio(base_text, bg) else bg
    text = ensure_contrast(base_text, worst, 7.0)
    primary = ensure_contrast(primary or mix(base_text, accent, 0.25), worst, BODY_MIN)
    secondary = ensure_contrast(mix(base_text, bg, 0.25), worst, BODY_MIN)
    muted = ensure_contrast(mix(base_text, bg, 0.45), worst, BODY_MIN)
    accent = ensure_contrast(accent, bg, LARGE_MIN)
    on_accent = readable_on(accent)
    if contrast_ratio(on_accent, accent) < BODY_MIN:
        # mid-tone accents: darken/lighten the accent itself until its label reads
        accent = ensure_contrast(accent, on_accent, BODY_MIN)
    extras = [ensure_contrast(c, bg, LARGE_MIN) for c in (extra or [accent])]
    return Palette(
        background=bg,
        surface=surface,
        primary=primary,
        secondary=secondary,
        accent=accent,
        text=text,
        muted=muted,
        on_accent=on_accent,
        extra=extras,
    )


def text_color_in(phrase: str) -> str | None:
    """The color a phrase asks the text itself to be (``in bold red``, ``colored gold``), else None.

    A color followed by background/plate/box words is about what is behind the text, not the text.
    """
    m = re.search(
        rf"\b(?:in|colou?red|set in)\s+(?:(?:a|an|bold|light|heavy|thin|large|small|big|italic|all caps)\s+)*"
        rf"({_COLOR_WORD})\b(?!\s*(?:-|on\b)?\s*(?:background|backdrop|plate|box|panel|banner|card|wall|label))",
        phrase.lower(),
    )
    return color_value(m.group(1)) if m else None
