"""Which recognizer reads a line (by script), and how a reading is compared with what the line must say."""

from __future__ import annotations

import difflib
import re
import unicodedata

from imagegen.engines.planning.rules.scripts import char_lang

#: script -> Tesseract language (traineddata installed by Debian's tesseract-ocr-* packages)
TESSERACT_LANGS = {"ja": "jpn", "ko": "kor", "hi": "hin", "bn": "ben", "ar": "ara"}

#: language hints (``rules.scripts``) whose lines have a recognizer model of their own
_OWN_MODEL = frozenset({"ja", "ko", "hi", "bn", "ar"})


def scripts_in(text: str, lang: str | None = None) -> set[str]:
    """Every script of a line that matters for recognition: ja/ko/hi/bn/ar/han/latin."""
    found: set[str] = set()
    for char in text:
        hint = char_lang(char)
        if hint in _OWN_MODEL:
            found.add(hint)
        elif hint == "zh":
            found.add("han")
        elif char.isalpha():
            found.add("latin")
    if "han" in found and (("ja" in found) or (lang and lang.lower().startswith("ja"))):
        found.discard("han")
        found.add("ja")  # kanji in Japanese text read best with the Japanese model
    return found


def script_of(text: str, lang: str | None = None) -> str:
    """The script that decides which recognizer reads a line: ja/ko/hi/bn/ar, "latin"/"han", "mixed"
    (several scripts beyond Latin+Chinese: Tesseract with every language the line needs) or "latin_ext"
    (Latin with letters beyond ASCII such as é, ñ, ø, ß: Tesseract's Latin-script model when installed)."""
    found = scripts_in(text, lang)
    special = found - {"latin"}
    if len(special) > 1:
        return "mixed" if special != {"han"} else "han"
    if special:
        return next(iter(special))
    if extended_latin(text) and tesseract_has("Latin"):
        return "latin_ext"
    return "latin"


def extended_latin(text: str) -> bool:
    """Latin letters outside ASCII (é, ñ, ø, ß, Æ): RapidOCR's model and Tesseract's ``eng`` drop them."""
    return any(ord(c) > 127 and c.isalpha() and "LATIN" in unicodedata.name(c, "") for c in text)


def tesseract_has(language: str) -> bool:
    """Whether Tesseract has that traineddata (``Latin`` comes from Debian's tesseract-ocr-script-latn)."""
    from imagegen.engines.planning.verify.recognizers import tesseract_languages

    return language in tesseract_languages()


def normalize(text: str) -> str:
    """NFKC (full-width forms fold to ASCII), format characters dropped (bidi marks Tesseract adds around
    Arabic runs), whitespace collapsed: how expected and read text compare."""
    folded = unicodedata.normalize("NFKC", text)
    folded = "".join(c for c in folded if unicodedata.category(c) != "Cf")
    return re.sub(r"\s+", " ", folded).strip()


def strip_marks(text: str) -> str:
    """Latin letters without their diacritics (é -> e): what the installed recognizers can represent."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if unicodedata.category(c) != "Mn"))


def has_latin_marks(text: str) -> bool:
    """Whether a line holds Latin letters with diacritics (neither RapidOCR's model nor Tesseract's
    ``eng`` data represent them reliably)."""
    return any(
        unicodedata.category(c) == "Mn" and i > 0 and "LATIN" in unicodedata.name(d[i - 1], "")
        for d in [unicodedata.normalize("NFD", text)]
        for i, c in enumerate(d)
    )


def same_text(expected: str, observed: str) -> tuple[bool, float]:
    """(exact after normalization, similarity 0..1).

    Text that differs only in whitespace also passes: a recognizer commonly drops or adds a space next to
    punctuation or in tightly-set type, while the renderer drew the exact string it was given.
    """
    a, b = normalize(expected), normalize(observed)
    similarity = difflib.SequenceMatcher(None, a, b).ratio() if (a or b) else 1.0
    exact = a == b or re.sub(r"\s", "", a) == re.sub(r"\s", "", b)
    return exact, round(similarity, 4)
