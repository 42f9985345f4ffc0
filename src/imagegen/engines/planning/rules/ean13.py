"""EAN-13: the one policy every part of the planning engine applies.

Policy: an EAN-13 payload is exactly 13 ASCII digits whose last digit is the GS1 check digit of the
first 12.
Twelve digits are refused with the full 13-digit code in the message (never completed silently, so the
barcode always encodes exactly what the client wrote), and a wrong check digit is refused (never
"corrected" to a different number). The planner, the renderer, the verifier and the edits all ask
:func:`problem`; the edits first drop the spaces and dashes people type inside a number.
"""

from __future__ import annotations

import re


def check_digit(first12: str) -> int:
    """The GS1 check digit of 12 digits."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return (10 - total % 10) % 10


def problem(data: str) -> str | None:
    """Why ``data`` is not a valid EAN-13 payload (a sentence for the client), or None when it is."""
    if not re.fullmatch(r"[0-9]{12,13}", data):  # ASCII digits only: \d would take full-width ones
        return f"EAN-13 payload {data!r} must be 13 digits."
    if len(data) == 12:
        full = data + str(check_digit(data))
        return (
            f"EAN-13 payload {data!r} has 12 digits; with its check digit it is {full!r}. "
            "Send all 13 digits so the barcode encodes exactly what you wrote."
        )
    expected = check_digit(data[:12])
    if int(data[12]) != expected:
        return (
            f"EAN-13 payload {data!r} has check digit {data[12]}, but the check digit of {data[:12]} is "
            f"{expected}. Refusing to render a barcode that would decode to a different number."
        )
    return None


def is_valid(data: str) -> bool:
    """Whether ``data`` is exactly 13 digits with the right check digit."""
    return problem(data) is None
