"""Small presentation helpers of the studio's templates: words for states, sizes, times, report lines."""

from __future__ import annotations

from typing import Any

#: the grid's query parameters (the filters a studio URL may carry)
FILTERS = ("q", "model", "engine", "user", "source", "family", "from", "to", "review", "root")

_REVIEW = {
    "approved": ("Approved", "approved"),
    "rejected": ("Rejected", "rejected"),
    "draft": ("Draft (not reviewed)", "draft"),
}
_C2PA = {
    "Trusted": ("Trusted", "The manifest is intact and signed by a certificate this server trusts."),
    "Valid": ("Valid", "The manifest is intact and its signature checks out; the signer is not on this "
              "server's trust list."),
    "Invalid": ("Invalid", "The manifest does not match the file or its signature fails."),
}


def review_words(state: str | None) -> tuple[str, str]:
    """``(words, css class)`` of a review state."""
    return _REVIEW.get(state or "draft", _REVIEW["draft"])


def c2pa_words(c2pa: dict[str, Any] | None) -> tuple[str, str]:
    """``(state, explanation)``: Valid / Trusted / Invalid, or "None" when the file carries no manifest."""
    if not c2pa or not c2pa.get("present"):
        return "None", "The file carries no C2PA manifest."
    state = str(c2pa.get("validation_state") or "Invalid")
    return _C2PA.get(state, (state, ""))


def source_type_words(uri: str | None) -> str:
    """An IPTC digital source type as words: ``...trainedAlgorithmicMedia`` -> "Trained algorithmic media"."""
    if not uri:
        return "-"
    code = uri.rsplit("/", 1)[-1]
    words = "".join(f" {c.lower()}" if c.isupper() else c for c in code).strip()
    return words[:1].upper() + words[1:]


def format_bytes(n: int | float | None) -> str:
    if n is None:
        return "-"
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


def format_seconds(s: float | int | None) -> str:
    if s is None:
        return "-"
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s"


def summarize_report(asset: dict[str, Any]) -> list[tuple[str, str]]:
    """The verification report as readable ``(check, outcome)`` lines (the JSON is shown beside it)."""
    report = asset.get("report")
    if not isinstance(report, dict):
        return []
    lines: list[tuple[str, str]] = []
    for key, value in report.items():
        if isinstance(value, bool):
            lines.append((key.replace("_", " "), "pass" if value else "fail"))
        elif isinstance(value, int | float | str) and len(str(value)) < 80:
            lines.append((key.replace("_", " "), str(value)))
        elif isinstance(value, list):
            lines.append((key.replace("_", " "), f"{len(value)} item{'s' if len(value) != 1 else ''}"))
        elif isinstance(value, dict):
            lines.append((key.replace("_", " "), f"{len(value)} field{'s' if len(value) != 1 else ''}"))
    return lines[:16]
