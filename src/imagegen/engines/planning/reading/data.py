"""Numbers the prompt asks to *show*: unquoted metric values and the numbers inside quoted statistics.

The rule for unquoted numbers (the only unquoted text that ever becomes image text): a number is drawn
when the prompt lists it as a metric value of something it displays -- a ``showing`` / ``displaying`` /
``with`` clause of ``metric[:] value[ unit]`` pairs, as in ``Dark mode dashboard showing steps: 12,458,
heart rate 72 bpm, calories 487``. The drawn text is the value with its unit exactly as written
(``12,458``, ``72 bpm``, ``487``); the metric name is *not* written (the prompt described it, it did not
quote it) and becomes an icon instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .icons import icon_for

_DISPLAY = re.compile(
    r"\b(?:showing|displaying|shows|displays|featuring|tracking|with (?:stats|metrics|numbers|readings))\b"
    r"(?P<body>[^.;\x00]*(?:\.\d[^.;\x00]*)*)",
    re.IGNORECASE,
)
UNITS = (
    "bpm",
    "kcal",
    "cal",
    "km/h",
    "mph",
    "km",
    "mi",
    "kg",
    "lbs",
    "lb",
    "%",
    "°c",
    "°f",
    "°",
    "ms",
    "hrs",
    "hr",
    "h",
    "min",
    "mins",
    "sec",
    "s",
    "steps",
    "l",
    "ml",
    "gb",
    "mb",
    "tb",
    "mbps",
    "fps",
    "pts",
    "k",
    "m",
    "x",
    "usd",
    "eur",
)
_PAIR = re.compile(
    r"(?P<metric>[A-Za-z][A-Za-z ]{1,30}?)\s*(?::|=|of|at)?\s+"
    r"(?P<value>[$€£¥₹]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(?P<unit>\s?(?:"
    + "|".join(re.escape(u) for u in UNITS)
    + r"))?"
    r"(?=$|[\s,;)]|\band\b)",
    re.IGNORECASE,
)

#: metric words -> Material Symbols icon names
METRIC_ICONS: tuple[tuple[str, str], ...] = (
    (r"step|walk", "directions_walk"),
    (r"heart|pulse|bpm", "favorite"),
    (r"calor|kcal|burn", "local_fire_department"),
    (r"distance|km|mile|run", "directions_run"),
    (r"sleep", "bedtime"),
    (r"water|hydrat", "water_drop"),
    (r"weight", "monitor_weight"),
    (r"time|minute|hour|duration", "schedule"),
    (r"revenue|sales|income|price|cost", "payments"),
    (r"user|member|people|customer|visitor", "group"),
    (r"temperat|weather", "thermostat"),
    (r"speed", "speed"),
    (r"battery", "battery_full"),
)


@dataclass(frozen=True)
class MetricValue:
    """An unquoted value to draw: ``text`` exactly as the prompt wrote it, and what it measures."""

    metric: str
    text: str
    icon: str
    at: int


@dataclass(frozen=True)
class Stat:
    """A number inside quoted text, for a chart: ``"Enterprises using AI: 78%"`` -> 78 of 100, ``%``."""

    label: str
    value: float
    unit: str
    maximum: float


def icon_for_metric(metric: str) -> str:
    """A Material Symbols name for a metric (``insights`` when nothing matches)."""
    low = metric.lower()
    return next((icon for pat, icon in METRIC_ICONS if re.search(pat, low)), None) or icon_for(
        low, "insights"
    )


def metric_values(masked: str, prompt: str) -> list[MetricValue]:
    """Unquoted metric values in display clauses, in prompt order (see the module docstring)."""
    out: list[MetricValue] = []
    for clause in _DISPLAY.finditer(masked):
        base = clause.start("body")
        for m in _PAIR.finditer(clause.group("body")):
            metric = re.sub(r"^(?:and|with|plus|,)\s+", "", m.group("metric").strip(), flags=re.I)
            if not metric or metric.lower() in ("and", "with", "the", "a"):
                continue
            start = base + m.start("value")
            end = base + (m.end("unit") if m.group("unit") else m.end("value"))
            text = prompt[start:end]
            out.append(
                MetricValue(metric, text, icon_for_metric(metric + " " + (m.group("unit") or "")), start)
            )
    return out


_STAT = re.compile(r"(?P<num>\d+(?:[.,]\d+)?)\s?(?P<unit>%|percent|/\s?(?P<den>\d+)|x\b|k\b|m\b)?")


def stat_of(text: str) -> Stat | None:
    """The chartable number in a quoted statistic, or None (a percentage or an ``n/m`` fraction)."""
    matches = list(_STAT.finditer(text))
    for m in reversed(matches):
        unit = m.group("unit") or ""
        value = float(m.group("num").replace(",", "."))
        if unit in ("%", "percent"):
            label = text[: m.start()].rstrip(" :-–—=")
            return Stat(label or text, value, "%", 100.0)
        if m.group("den"):
            return Stat(text[: m.start()].rstrip(" :-–—="), value, "", float(m.group("den")))
    return None
