"""The font book: the one place that knows font files (the renderer's "World" for fonts).

It maps a plan's ``FontRef`` (a generic family or a font name a prompt asked for) plus a script/language
to an open font installed by Debian, answers glyph-coverage questions from each font's cmap, builds the
fallback chain for a piece of text, and caches FreeType fonts. Everything is deterministic: the same
request resolves to the same file on every machine with the same packages. See ``docs/fonts.md``.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTFont
from PIL import ImageFont, features

from imagegen.engines.planning.plan import FontRef
from imagegen.engines.planning.render.scripts import CJK_SCRIPTS, cjk_index_for, dominant_script, scripts_in

DEFAULT_ROOTS: tuple[Path, ...] = (Path("/usr/share/fonts"),)

_WEIGHT_NAMES = {
    100: "Thin",
    200: "ExtraLight",
    300: "Light",
    400: "Regular",
    500: "Medium",
    600: "SemiBold",
    700: "Bold",
    800: "ExtraBold",
    900: "Black",
}

#: the families a plan may name that are installed files here -> the generic family that draws them
OPEN_FAMILIES: dict[str, str] = {
    "Inter": "sans",
    "Inter Display": "display",
    "League Spartan": "geometric",
    "Noto Sans": "noto sans",
    "Noto Serif": "serif",
    "Noto Sans Condensed": "condensed",
    "JetBrains Mono": "mono",
    "Fira Code": "fira code",
    "EB Garamond": "garamond",
    "Roboto Slab": "slab",
    "Dancing Script": "script",
    "Kaushan Script": "brush",
    "Comic Neue": "handwriting",
}

#: THE table of named fonts (a brief's "set in Helvetica", a plan's ``FontRef.family``) -> the installed
#: family that stands in for it: a generic family or an :data:`OPEN_FAMILIES` name. The planner's reader
#: (``reading/typography.py``) builds its pattern from these keys; the font book resolves the same values,
#: so a brief and a plan that name a font get the same face. By design intent, not metric compatibility.
NAMED_FONTS: dict[str, str] = {
    **dict.fromkeys(
        [
            "sf pro",
            "sf pro display",
            "sf pro text",
            "san francisco",
            "-apple-system",
            "system-ui",
            "helvetica",
            "helvetica neue",
            "arial",
            "inter",
            "segoe ui",
            "roboto",
            "open sans",
            "lato",
            "source sans",
            "source sans pro",
            "source sans 3",
            "dm sans",
            "manrope",
            "gilroy",
            "dejavu sans",
        ],
        "Inter",
    ),
    **dict.fromkeys(["inter display", "sf pro rounded"], "Inter Display"),
    **dict.fromkeys(
        ["poppins", "futura", "montserrat", "avenir", "gotham", "league spartan"], "League Spartan"
    ),
    **dict.fromkeys(["proxima nova", "nunito", "raleway", "circular", "noto sans"], "Noto Sans"),
    **dict.fromkeys(
        ["dancing script", "great vibes", "pinyon script", "allura", "parisienne", "alex brush"], "script"
    ),
    **dict.fromkeys(["kaushan script", "brush script"], "brush"),
    **dict.fromkeys(["roboto slab", "rockwell", "arvo", "zilla slab", "clarendon", "museo slab"], "slab"),
    **dict.fromkeys(["comic sans", "comic neue", "caveat", "indie flower", "patrick hand"], "handwriting"),
    **dict.fromkeys(
        [
            "garamond",
            "eb garamond",
            "adobe garamond",
            "cormorant",
            "cormorant garamond",
            "sabon",
            "minion",
            "minion pro",
        ],
        "garamond",
    ),
    **dict.fromkeys(
        [
            "jetbrains mono",
            "courier",
            "courier new",
            "consolas",
            "menlo",
            "monaco",
            "fira mono",
            "sf mono",
            "source code pro",
            "ibm plex mono",
            "noto sans mono",
            "dejavu sans mono",
        ],
        "JetBrains Mono",
    ),
    "fira code": "Fira Code",
    **dict.fromkeys(
        [
            "times",
            "times new roman",
            "georgia",
            "baskerville",
            "libre baskerville",
            "didot",
            "bodoni",
            "playfair",
            "playfair display",
            "merriweather",
            "caslon",
            "lora",
            "noto serif",
            "dejavu serif",
        ],
        "Noto Serif",
    ),
    **dict.fromkeys(
        ["oswald", "din condensed", "roboto condensed", "barlow condensed", "noto sans condensed"],
        "Noto Sans Condensed",
    ),
    **dict.fromkeys(["bebas", "bebas neue", "impact", "anton", "league gothic", "druk"], "extra condensed"),
}

#: words for a generic family that a plan's ``FontRef.family`` may say and that name no font
GENERIC_WORDS: dict[str, str] = {
    **dict.fromkeys(["sans serif", "sans-serif", "geometric sans", "grotesk", "neo-grotesque"], "sans"),
    **dict.fromkeys(["serif", "editorial serif"], "serif"),
    **dict.fromkeys(["elegant serif", "old style"], "garamond"),
    **dict.fromkeys(["monospace", "monospaced"], "mono"),
    **dict.fromkeys(["narrow"], "condensed"),
    **dict.fromkeys(["heavy condensed", "compressed"], "extra condensed"),
    **dict.fromkeys(["handwritten", "hand lettered"], "handwriting"),
    **dict.fromkeys(["cursive", "calligraphy", "wedding"], "script"),
    **dict.fromkeys(["marker"], "brush"),
    **dict.fromkeys(["slab serif"], "slab"),
    **dict.fromkeys(["noto"], "noto sans"),
    **dict.fromkeys(["spartan"], "geometric"),
}
#: generic family -> (installed file stem, the stand-in when that package is missing)
EXTRA_FACES: dict[str, tuple[str, str]] = {
    "garamond": ("EBGaramond12", "serif"),
    "slab": ("RobotoSlab", "serif"),
    "script": ("DancingScript", "handwriting-fallback"),
    "brush": ("KaushanScript", "handwriting-fallback"),
    "handwriting": ("ComicNeue", "handwriting-fallback"),
    "geometric": ("LeagueSpartan", "sans"),
    "fira code": ("FiraCode", "mono"),
}


#: the generic families the font book draws (what every other family name comes down to)
GENERIC_FAMILIES: frozenset[str] = frozenset(
    (
        "sans",
        "serif",
        "mono",
        "condensed",
        "extra condensed",
        "display",
        "handwriting",
        "noto sans",
        *EXTRA_FACES,
    )
)
_OPEN_KEYS = {name.lower(): generic for name, generic in OPEN_FAMILIES.items()}


def _family_key(family: str) -> str:
    return " ".join(family.lower().replace("_", " ").split())


def generic_family(family: str) -> str:
    """The generic family that stands in for ``family`` (see :meth:`FontBook.generic_family`)."""
    key = _family_key(family)
    for k in (key, key.replace("-", " ")):
        if k in GENERIC_FAMILIES:
            return k
        if k in _OPEN_KEYS:
            return _OPEN_KEYS[k]
        if k in NAMED_FONTS:
            return generic_family(NAMED_FONTS[k])
        if k in GENERIC_WORDS:
            return GENERIC_WORDS[k]
    # a weight or width word inside a name still says something ("Helvetica Condensed Bold")
    for word, generic in (("condensed", "condensed"), ("serif", "serif"), ("mono", "mono")):
        if word in key and not key.startswith("sans"):
            return "extra condensed" if "heavy" in key or "extra" in key else generic
    return "sans"


class FontNotFoundError(RuntimeError):
    """A font file the font book needs is not installed (setup installs Debian's font packages)."""


class ShapingUnavailableError(RuntimeError):
    """Pillow was built or loaded without raqm, so complex scripts would be drawn broken."""


def require_raqm() -> None:
    """Refuse to draw without HarfBuzz/FriBiDi shaping: broken conjuncts must never ship silently."""
    if not features.check("raqm"):
        raise ShapingUnavailableError(
            "Pillow's raqm layout (HarfBuzz + FriBiDi) is not available: install Debian's libraqm0 and "
            "libfribidi0 (Pillow loads them at run time). "
            "Refusing to render Devanagari/Bengali/Arabic unshaped."
        )


@dataclass(frozen=True, order=True)
class FontFace:
    """One face of a font file: a path and the face index inside a collection (.ttc)."""

    path: str
    index: int = 0

    @property
    def name(self) -> str:
        """File name, with ``#index`` for faces after the first of a collection."""
        return Path(self.path).name + (f"#{self.index}" if self.index else "")


def _style_stem(weight_name: str, italic: bool, width: str = "") -> str:
    """The style part of a Noto/Inter/JetBrains file name: 'Regular', 'BoldItalic', 'CondensedBlack'."""
    parts = width + ("" if weight_name == "Regular" else weight_name) + ("Italic" if italic else "")
    return parts or "Regular"


def _weights_by_distance(weight: int) -> list[int]:
    target = min(900, max(100, round(weight / 100) * 100))
    # ties go to the heavier face above 400 and the lighter face below (CSS font matching does the same)
    return sorted(_WEIGHT_NAMES, key=lambda w: (abs(w - target), -w if target >= 400 else w))


class FontBook:
    """Resolve fonts, answer coverage, build fallback chains and cache FreeType fonts."""

    def __init__(self, roots: Sequence[Path | str] = DEFAULT_ROOTS) -> None:
        self.roots = tuple(Path(r) for r in roots)
        self._files: dict[str, str] | None = None
        self._cmaps: dict[FontFace, frozenset[int]] = {}
        self._fonts: dict[tuple[FontFace, float], ImageFont.FreeTypeFont] = {}
        self._chains: dict[tuple[str, str, int, str, str | None], tuple[FontFace, ...]] = {}
        self._lock = threading.Lock()
        #: every face handed out for drawing, so a rendering can report the files it used
        self.used: set[FontFace] = set()

    # -- files -------------------------------------------------------------------------------------------
    def _index(self) -> dict[str, str]:
        if self._files is None:
            files: dict[str, str] = {}
            for root in self.roots:
                if not root.is_dir():
                    continue
                for p in sorted(root.rglob("*")):
                    if p.suffix.lower() in (".ttf", ".otf", ".ttc"):
                        files.setdefault(p.name, str(p))
            self._files = files
        return self._files

    def file(self, name: str) -> str | None:
        """Full path of an installed font file by its file name, or None."""
        return self._index().get(name)

    def require(self, name: str) -> str:
        """Full path of a font file that must exist; raise FontNotFoundError naming the package otherwise."""
        path = self.file(name)
        if path is None:
            raise FontNotFoundError(
                f"font file {name!r} is not installed under {', '.join(map(str, self.roots))}; "
                "install Debian's "
                "fonts-noto-core, fonts-noto-extra, fonts-noto-cjk, fonts-inter, fonts-jetbrains-mono and "
                "fonts-material-design-icons-iconfont"
            )
        return path

    def _candidates(self, family: str, weight: int, italic: bool, width: str = "") -> Iterable[FontFace]:
        """The installed files of ``family``, nearest to weight/italic first; italic falls back to upright."""
        for want_italic in (True, False) if italic else (False,):
            for w in _weights_by_distance(weight):
                name = f"{family}-{_style_stem(_WEIGHT_NAMES[w], want_italic, width)}"
                for ext in (".ttf", ".otf"):
                    path = self.file(name + ext)
                    if path:
                        yield FontFace(path)

    def _pick(self, family: str, weight: int, italic: bool, width: str = "") -> FontFace:
        """The installed file of ``family`` nearest to weight/italic; italic falls back to upright."""
        for face in self._candidates(family, weight, italic, width):
            return face
        # nothing of that family/width is installed: fail naming the file, never substitute silently
        return FontFace(self.require(f"{family}-{_style_stem('Regular', False, width)}.ttf"))

    def _pick_covering(self, family: str, weight: int, italic: bool, text: str) -> FontFace:
        """Like :meth:`_pick`, but when the nearest face lacks letters of ``text`` that the family's regular
        face has (Debian's EB Garamond 12 Bold has no accents, dashes or curly quotes), the nearest face
        that has them: one design for the whole text rather than a sans letter inside a serif word."""
        face = self._pick(family, weight, italic)
        lacking = set(self.missing(text, [face])) if text else set()
        if lacking:
            lacking -= set(self.missing(text, [self._pick(family, 400, False)]))
        if not lacking:
            return face
        for other in self._candidates(family, weight, italic):
            if not lacking & set(self.missing(text, [other])):
                return other
        return face

    # -- resolution --------------------------------------------------------------------------------------
    @staticmethod
    def generic_family(family: str) -> str:
        """The generic family that stands in for ``family`` (a generic name, an installed family's name, a
        named font of :data:`NAMED_FONTS` or a generic word)."""
        return generic_family(family)

    def resolve(
        self, font: FontRef | str, *, script: str = "latin", lang: str | None = None, text: str = ""
    ) -> FontFace:
        """The face that draws ``script`` for this font request.

        Latin/Greek/Cyrillic use the requested family's stand-in; other scripts use the Noto face that
        matches its style (serif families get Noto Serif CJK/Devanagari/Bengali and Naskh Arabic).
        """
        ref = FontRef(family=font) if isinstance(font, str) else font
        generic = self.generic_family(ref.family)
        italic = ref.style == "italic"
        serif = generic in ("serif", "handwriting", "garamond", "slab", "script", "brush")
        w = ref.weight
        if script in CJK_SCRIPTS:
            stem = "NotoSerifCJK" if serif else "NotoSansCJK"
            name = f"{stem}-{'Bold' if w >= 600 else 'Regular'}.ttc"
            return FontFace(self.require(name), cjk_index_for(text, lang))
        if script == "devanagari":
            return self._pick("NotoSerifDevanagari" if serif else "NotoSansDevanagari", w, False)
        if script == "bengali":
            return self._pick("NotoSerifBengali" if serif else "NotoSansBengali", w, False)
        if script == "arabic":
            if "kufi" in ref.family.lower():
                return self._pick("NotoKufiArabic", w, False)
            return self._pick("NotoNaskhArabic" if serif else "NotoSansArabic", w, False)
        if script == "hebrew":
            return self._pick("NotoSerifHebrew" if serif else "NotoSansHebrew", w, False)
        if script == "thai":
            return self._pick("NotoSerifThai" if serif else "NotoSansThai", w, False)
        if generic in EXTRA_FACES:
            stem, stand_in = EXTRA_FACES[generic]
            if self.file(f"{stem}-Regular.otf") or self.file(f"{stem}-Regular.ttf"):
                return self._pick_covering(stem, w, italic, text)
            generic = stand_in
        if generic == "serif":
            return self._pick("NotoSerif", w, italic)
        if generic == "handwriting-fallback":
            # no handwriting face ships in Debian's Noto set; an italic serif is the closest honest stand-in
            return self._pick("NotoSerif", w, True)
        if generic == "mono":
            return self._pick("JetBrainsMono", w, italic)
        if generic == "condensed":
            return self._pick("NotoSans", w, italic, "Condensed")
        if generic == "extra condensed":
            return self._pick("NotoSans", max(w, 700), italic, "ExtraCondensed")
        if generic == "noto sans":
            return self._pick("NotoSans", w, italic)
        if generic == "display":
            return self._pick("InterDisplay", w, italic)
        return self._pick("Inter", w, italic)

    def fallbacks(self, font: FontRef, text: str = "", lang: str | None = None) -> list[FontFace]:
        """Last-resort faces after the script faces: Noto Sans, CJK, symbols, DejaVu."""
        out = [self._pick("NotoSans", font.weight, False)]
        cjk = self.file("NotoSansCJK-Regular.ttc")
        if cjk:
            out.append(FontFace(cjk, cjk_index_for(text, lang)))
        for name in ("NotoSansSymbols-Regular.ttf", "NotoSansSymbols2-Regular.ttf", "DejaVuSans.ttf"):
            path = self.file(name)
            if path:
                out.append(FontFace(path))
        return out

    def chain_for(self, text: str, font: FontRef, lang: str | None = None) -> list[tuple[str, int]]:
        """Ordered (path, face index) fallback chain for ``text``: primary face first, no duplicates."""
        return [(f.path, f.index) for f in self.chain(text, font, lang)]

    def chain(self, text: str, font: FontRef, lang: str | None = None) -> list[FontFace]:
        """Like :meth:`chain_for` but returns :class:`FontFace` values (cached per text and font)."""
        key = (text, font.family, font.weight, font.style, lang)
        cached = self._chains.get(key)
        if cached is not None:
            return list(cached)
        faces = [self.resolve(font, script=dominant_script(text), lang=lang, text=text)]
        for script in scripts_in(text):
            faces.append(self.resolve(font, script=script, lang=lang, text=text))
        faces.extend(self.fallbacks(font, text, lang))
        seen: set[FontFace] = set()
        out = [f for f in faces if not (f in seen or seen.add(f))]  # type: ignore[func-returns-value]
        if len(self._chains) > 4096:
            self._chains.clear()
        self._chains[key] = tuple(out)
        return out

    # -- coverage ----------------------------------------------------------------------------------------
    def cmap(self, face: FontFace) -> frozenset[int]:
        """Codepoints the face maps to a glyph (fontTools cmap, cached per face)."""
        got = self._cmaps.get(face)
        if got is None:
            got = _load_cmap(face.path, face.index)
            self._cmaps[face] = got
        return got

    def covers(self, path: str, index: int, char: str) -> bool:
        """Whether the face has a glyph for every codepoint of ``char`` (a character or a cluster).

        Default-ignorable joiners and variation selectors count as covered: shaping consumes them.
        """
        cmap = self.cmap(FontFace(path, index))
        return all(ord(c) in cmap or _ignorable(c) for c in char)

    def missing(self, text: str, faces: Iterable[FontFace]) -> list[str]:
        """Characters of ``text`` that none of ``faces`` can draw (spaces and controls excluded)."""
        faces = list(faces)
        out: list[str] = []
        for ch in dict.fromkeys(text):
            if ch.isspace() or _ignorable(ch):
                continue
            if not any(ord(ch) in self.cmap(f) for f in faces):
                out.append(ch)
        return out

    def warm(self, scripts: Iterable[str] = ("latin", "han", "devanagari", "bengali", "arabic")) -> None:
        """Read the cmaps a typical render needs now (the CJK collection's takes ~0.2 s), e.g. at server
        start, so the first request does not pay for it."""
        for script in scripts:
            for face in (
                self.resolve(FontRef(), script=script),
                self.resolve(FontRef(weight=700), script=script),
            ):
                self.cmap(face)
        for face in self.fallbacks(FontRef()):
            self.cmap(face)

    # -- FreeType ----------------------------------------------------------------------------------------
    def font(self, face: FontFace, size: float) -> ImageFont.FreeTypeFont:
        """A cached FreeType font with raqm layout at ``size`` px (sizes are rounded to 1/4 px)."""
        key = (face, round(size * 4) / 4)
        got = self._fonts.get(key)
        if got is None:
            require_raqm()
            with self._lock:
                got = ImageFont.truetype(
                    face.path, key[1], index=face.index, layout_engine=ImageFont.Layout.RAQM
                )
                if len(self._fonts) > 2048:
                    # bounded: long-running servers see many sizes
                    self._fonts.clear()
                self._fonts[key] = got
        self.used.add(face)
        return got


def _ignorable(ch: str) -> bool:
    cp = ord(ch)
    return cp in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF) or 0xFE00 <= cp <= 0xFE0F


@functools.lru_cache(maxsize=128)
def _load_cmap(path: str, index: int) -> frozenset[int]:
    with TTFont(path, fontNumber=index, lazy=True) as tt:
        return frozenset(tt.getBestCmap() or {})


@functools.lru_cache(maxsize=1)
def default_fontbook() -> FontBook:
    """The process-wide font book over Debian's font directories (fonts and cmaps are cached in it)."""
    return FontBook()
