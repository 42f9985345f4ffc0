"""Image sizes: parsing ``WxH`` / ``W_H`` / ``W*H`` and the two kinds of size rule (SPEC §4).

A size rule either enumerates what it allows (gpt-image-1.x) or checks a flexible set of constraints
(gpt-image-2 and imagegen's own engines). Every refusal is an ``InvalidValue`` on ``param="size"``
whose message names the rule that failed, so a client can fix the request without reading docs.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from imagegen.contract.errors import InvalidValue

#: ``1024x1024``, ``1024X1024``, ``1024×1024``, ``1024_1024``, ``1024*1024`` (queue-style hosts write the
#: last two); surrounding blanks are tolerated because form fields often carry them.
_SIZE_RE = re.compile(r"^\s*(\d{1,6})\s*[xX×_*]\s*(\d{1,6})\s*$")


def parse_size(value: object, *, param: str = "size") -> tuple[int, int] | None:
    """Parse a size; ``None`` means ``auto``. Raises ``InvalidValue`` when it is not a size at all."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidValue(
            f"Invalid type for '{param}': expected a string such as '1024x1024' or 'auto'.", param=param
        )
    if value.strip().lower() == "auto":
        return None
    match = _SIZE_RE.match(value)
    if match is None:
        raise InvalidValue(
            f"Invalid size '{value}'. Use 'auto' or WIDTHxHEIGHT in pixels, e.g. '1024x1024'.", param=param
        )
    return int(match.group(1)), int(match.group(2))


def format_size(width: int, height: int) -> str:
    """The canonical spelling used in responses and stored params: ``WxH``."""
    return f"{width}x{height}"


@dataclass(frozen=True)
class FixedSizes:
    """Only the listed sizes (plus ``auto``) are valid."""

    allowed: tuple[tuple[int, int], ...]
    #: the model family named in the message (``gpt-image-1``)
    label: str

    def check(self, width: int, height: int, raw: str, *, param: str = "size") -> None:
        """Raise ``InvalidValue`` unless ``width x height`` is one of the allowed sizes."""
        if (width, height) in self.allowed:
            return
        listed = ", ".join(f"'{format_size(w, h)}'" for w, h in self.allowed)
        raise InvalidValue(
            f"Invalid size '{raw}'. Supported sizes for {self.label} are 'auto', {listed}.", param=param
        )

    def fit(self, width: int, height: int) -> tuple[int, int]:
        """The allowed size closest in aspect to ``width x height`` (what ``auto`` means for an input)."""
        aspect = math.log(max(width, 1) / max(height, 1))
        return min(self.allowed, key=lambda wh: abs(math.log(wh[0] / wh[1]) - aspect))

    def describe(self) -> dict[str, Any]:
        """JSON-able description (for ``describe_limits``)."""
        return {"kind": "fixed", "allowed": ["auto", *(format_size(w, h) for w, h in self.allowed)]}


@dataclass(frozen=True)
class FlexibleSizes:
    """The gpt-image-2 rule set: any ``WxH`` that satisfies every constraint."""

    multiple: int = 16
    max_edge: int = 3840
    max_ratio: float = 3.0
    min_pixels: int = 655_360
    max_pixels: int = 8_294_400

    def check(self, width: int, height: int, raw: str, *, param: str = "size") -> None:
        """Raise ``InvalidValue`` naming the first rule ``width x height`` breaks."""
        bad = f"Invalid size '{raw}'."
        if width <= 0 or height <= 0:
            raise InvalidValue(f"{bad} Width and height must both be positive.", param=param)
        if width % self.multiple or height % self.multiple:
            raise InvalidValue(
                f"{bad} Width and height must both be divisible by {self.multiple}.", param=param
            )
        if max(width, height) > self.max_edge:
            raise InvalidValue(
                f"{bad} The longest edge must be at most {self.max_edge} pixels.", param=param
            )
        if max(width, height) > self.max_ratio * min(width, height):
            raise InvalidValue(
                f"{bad} The ratio of the long edge to the short edge must be at most {self.max_ratio:g}:1.",
                param=param,
            )
        pixels = width * height
        if pixels < self.min_pixels:
            raise InvalidValue(
                f"{bad} The image must have at least {self.min_pixels:,} pixels (it has {pixels:,}).",
                param=param,
            )
        if pixels > self.max_pixels:
            raise InvalidValue(
                f"{bad} The image must have at most {self.max_pixels:,} pixels (it has {pixels:,}).",
                param=param,
            )

    def allows(self, width: int, height: int) -> bool:
        """Whether ``width x height`` passes every rule."""
        try:
            self.check(width, height, "")
        except InvalidValue:
            return False
        return True

    def fit(self, width: int, height: int) -> tuple[int, int]:
        """The size ``auto`` means for an input of ``width x height``: the input's own size when the rules
        allow it, else the allowed size nearest its aspect and area (a huge input comes down to the pixel
        and edge caps, a tiny one up to the minimum; the ratio is clamped to ``max_ratio``)."""
        if width > 0 and height > 0 and self.allows(width, height):
            return width, height
        ratio = min(max(max(width, 1) / max(height, 1), 1 / self.max_ratio), self.max_ratio)
        pixels = min(max(max(width, 1) * max(height, 1), self.min_pixels), self.max_pixels)
        w, h = math.sqrt(pixels * ratio), math.sqrt(pixels / ratio)
        shrink = min(1.0, self.max_edge / max(w, h))
        w, h = w * shrink / self.multiple, h * shrink / self.multiple
        candidates = [
            (int(a) * self.multiple, int(b) * self.multiple)
            for a in range(math.floor(w) - 2, math.ceil(w) + 3)
            for b in range(math.floor(h) - 2, math.ceil(h) + 3)
            if a > 0 and b > 0
        ]
        allowed = [wh for wh in candidates if self.allows(*wh)]
        if not allowed:  # unreachable for sane rules; the default preset is always allowed
            return 1024, 1024
        target = w * h * self.multiple * self.multiple
        return min(allowed, key=lambda wh: (abs(math.log(wh[0] / wh[1] / ratio)),
                                            abs(wh[0] * wh[1] - target)))

    def describe(self) -> dict[str, Any]:
        """JSON-able description (for ``describe_limits``)."""
        return {
            "kind": "flexible",
            "multiple_of": self.multiple,
            "max_edge": self.max_edge,
            "max_ratio": self.max_ratio,
            "min_pixels": self.min_pixels,
            "max_pixels": self.max_pixels,
        }


SizeRule = FixedSizes | FlexibleSizes
