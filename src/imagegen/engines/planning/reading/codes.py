"""Machine-readable code payloads: QR, EAN-13 and Code 128, quoted or not, validated before planning.

A payload that cannot be encoded as asked (a wrong EAN-13 check digit, non-ASCII in Code 128) raises
``InvalidValue``: rendering "something close" would put a code in the image that decodes to a different
value than the client asked for, which is worse than refusing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from ....contract.errors import InvalidValue
from ..rules import ean13
from .placement import Placement, parse_placement

Symbology = Literal["qr", "ean13", "code128"]

#: a cue names the symbology; "barcode" alone is decided by the payload
CODE_CUE = re.compile(
    r"\b(?P<qr>qr(?:[- ]?codes?)?)\b|\b(?P<ean>ean[- ]?13|ean|upc)\b|\b(?P<c128>code[- ]?128)\b"
    r"|\b(?P<bar>bar[- ]?codes?)\b",
    re.IGNORECASE,
)
#: unquoted payloads
_QR_URL = re.compile(
    r"\bqr(?:[- ]?code)?\b[^.;\"“]{0,40}?\b(?:linking|links?|pointing|leading|going|that goes|to|for|with)\b"
    r"(?:\s+to)?\s+(?P<url>(?:https?://|www\.)[^\s\"”]+)",
    re.IGNORECASE,
)
_EAN_DIGITS = re.compile(
    r"\b(?:ean[- ]?13|ean|upc)(?:[- ]?(?:bar[- ]?code|code|number))?\s*:?\s*(?P<d>\d{12,13})\b", re.I
)
_C128_TOKEN = re.compile(
    r"\bcode[- ]?128(?:\s+bar[- ]?code)?"
    r"(?:\s+(?:value|payload|data|content|of|for|encoding|reading))?\s*:?\s+"
    r"(?!(?:value|payload|data|content|barcode|code|with|for|of|at|in|on|and)\b)(?P<v>[A-Za-z0-9][\w./-]*)",
    re.I,
)


@dataclass(frozen=True)
class CodeSpec:
    """One code the image must carry, with the exact payload."""

    symbology: Symbology
    data: str
    placement: Placement
    #: prompt offset where it was asked for (keeps reading order)
    at: int


def validate(symbology: Symbology, data: str) -> str:
    """The payload unchanged if ``symbology`` can carry it exactly, else ``InvalidValue``."""
    if symbology == "ean13":
        reason = ean13.problem(data)
        if reason:
            raise InvalidValue(reason, param="prompt")
    elif symbology == "code128":
        if not data or any(ord(c) > 127 for c in data):
            raise InvalidValue(f"Code 128 payload {data!r} must be non-empty ASCII.", param="prompt")
    elif not data or len(data.encode("utf-8")) > 2900:
        raise InvalidValue("QR payload must be 1..2900 bytes.", param="prompt")
    return data


def symbology_of(cue: re.Match[str], data: str) -> Symbology:
    """The symbology a cue names; bare "barcode" means EAN-13 for 13 digits, else Code 128."""
    if cue.group("qr"):
        return "qr"
    if cue.group("ean"):
        return "ean13"
    if cue.group("c128"):
        return "code128"
    return "ean13" if re.fullmatch(r"\d{13}", data) else "code128"


#: "barcode NL2027F12", "a barcode: 5901234123457" (a payload has a digit; "barcode of 13 digits" is none)
_BARE_BARCODE = re.compile(
    r"(?<![\w-])bar[- ]?code(?:\s+(?:value|payload|data|number|no\.|for|reading|encoding|of))?\s*:?\s+"
    r"(?!\d+\s+(?:digits?|characters?|chars|bars|px|mm|cm|lines)\b)"
    r"(?P<v>(?=[A-Za-z0-9./-]*\d)[A-Za-z0-9](?:[A-Za-z0-9./-]*[A-Za-z0-9])?)(?![\w@])",
    re.I,
)
#: "QR code TGV-8842", "a QR code: AB12-XY" (a token with a digit; URLs are read by ``_QR_URL``)
_BARE_QR = re.compile(
    r"(?<![\w-])qr(?:[- ]?code)?(?:\s+(?:value|payload|data|for|reading|encoding|of|with))?\s*:?\s+"
    r"(?!\d+(?:\.\d+)?\s*(?:digits?|characters?|chars|px|mm|cm|inch(?:es)?|modules?)\b)"
    r"(?P<v>(?=[A-Za-z0-9./-]*\d)[A-Za-z0-9](?:[A-Za-z0-9./-]*[A-Za-z0-9])?)(?![\w@:/])",
    re.I,
)
_NAMED_BEFORE = re.compile(r"(?:ean[- ]?13|ean|upc|code[- ]?128)\s*$", re.I)


def unquoted_codes(masked: str, prompt: str) -> list[CodeSpec]:
    """Codes whose payload is written without quotes (``QR code linking to https://…``, ``EAN-13 590…``)."""
    out: list[CodeSpec] = []
    for m in _QR_URL.finditer(masked):
        url = prompt[m.start("url") : m.end("url")].rstrip(".,;:!?)]")
        out.append(
            CodeSpec("qr", validate("qr", url), parse_placement(_clause(masked, m.start())), m.start())
        )
    for m in _BARE_QR.finditer(masked):
        v = prompt[m.start("v") : m.end("v")]
        out.append(CodeSpec("qr", validate("qr", v), parse_placement(_clause(masked, m.start())), m.start()))
    for m in _EAN_DIGITS.finditer(masked):
        d = m.group("d")
        out.append(
            CodeSpec("ean13", validate("ean13", d), parse_placement(_clause(masked, m.start())), m.start())
        )
    for m in _C128_TOKEN.finditer(masked):
        v = m.group("v").rstrip(".,;:")
        out.append(
            CodeSpec(
                "code128", validate("code128", v), parse_placement(_clause(masked, m.start())), m.start()
            )
        )
    for m in _BARE_BARCODE.finditer(masked):
        if _NAMED_BEFORE.search(masked[max(0, m.start() - 12) : m.start()]):
            continue  # "EAN-13 barcode …", "Code 128 barcode …": read above with their symbology
        v = prompt[m.start("v") : m.end("v")]
        symb: Symbology = "ean13" if re.fullmatch(r"\d{13}", v) else "code128"
        out.append(CodeSpec(symb, validate(symb, v), parse_placement(_clause(masked, m.start())), m.start()))
    return out


def _clause(masked: str, at: int) -> str:
    """The sentence around an offset (placement words for a code are said in the same sentence)."""
    start = max(masked.rfind(". ", 0, at), masked.rfind("; ", 0, at), masked.rfind("\n", 0, at)) + 1
    end_candidates = [
        i for i in (masked.find(". ", at), masked.find("; ", at), masked.find("\n", at)) if i >= 0
    ]
    end = min(end_candidates) if end_candidates else len(masked)
    return masked[start:end].replace("\x00", " ")
