"""QR / EAN-13 / Code 128 drawn module-exact into a box, with quiet zones, and decoded back with zxing-cpp.

Codes are drawn straight onto the final pixel grid (integer module sizes, no resampling) because a blurry
module is what makes scanners fail. Payloads are validated first: a wrong EAN-13 check digit is refused
instead of silently "corrected" (python-barcode would recompute it and encode a different number).
"""

from __future__ import annotations

from dataclasses import dataclass

import barcode
import numpy as np
import segno
import zxingcpp

from imagegen.contract.errors import InvalidValue
from imagegen.engines.planning.reading.codes import Symbology
from imagegen.engines.planning.rules import ean13

_ZXING_FORMATS = {"qr": "QRCode", "ean13": "EAN13", "code128": "Code128"}


def validate_payload(symbology: Symbology, data: str) -> str:
    """The exact payload to encode; raises InvalidValue when the code cannot carry it."""
    if symbology == "ean13":
        digits = data.replace(" ", "").replace("-", "")
        reason = ean13.problem(digits)
        if reason:
            raise InvalidValue(reason, param="prompt")
        return digits
    if symbology == "code128":
        if not data or any(ord(c) > 127 for c in data):
            raise InvalidValue(f"Code 128 carries ASCII only, got {data!r}.", param="prompt")
        return data
    if not data:
        raise InvalidValue("A QR code needs a payload.", param="prompt")
    return data


@dataclass
class CodeDrawing:
    """A drawn code: fg mask (True = dark module) over a quiet-zone box, in box-local pixels."""

    dark: np.ndarray
    #: the area the code owns (quiet zone included), box-local: x, y, w, h
    area: tuple[int, int, int, int]
    module_px: int
    human_readable: str | None


def modules(symbology: Symbology, data: str) -> tuple[np.ndarray, int]:
    """The module matrix (bool, True = dark) WITHOUT quiet zone, and the quiet zone in modules."""
    if symbology == "qr":
        qr = segno.make(data, error="m", micro=False)
        matrix = np.array([list(row) for row in qr.matrix], dtype=bool)
        return matrix, 4
    code = barcode.get(symbology, data)
    pattern = code.build()[0]
    return np.array([[c == "1" for c in pattern]], dtype=bool), 10


def layout_code(symbology: Symbology, data: str, box_w: int, box_h: int) -> CodeDrawing:
    """Place the code as large as integer modules allow in a box; raises InvalidValue if it cannot fit."""
    matrix, quiet = modules(symbology, data)
    if symbology == "qr":
        n = matrix.shape[0] + 2 * quiet
        px = min(box_w, box_h) // n
        if px < 2:
            raise InvalidValue(
                f"The masked region ({box_w}x{box_h}) is too small for this QR code "
                f"(needs {2 * n}x{2 * n} px).",
                param="mask",
            )
        side = n * px
        x0, y0 = (box_w - side) // 2, (box_h - side) // 2
        dark = np.zeros((box_h, box_w), dtype=bool)
        big = np.kron(matrix, np.ones((px, px), dtype=bool))
        off = quiet * px
        dark[y0 + off : y0 + off + big.shape[0], x0 + off : x0 + off + big.shape[1]] = big
        return CodeDrawing(dark, (x0, y0, side, side), px, None)
    n = matrix.shape[1] + 2 * quiet
    px = box_w // n
    if px < 2:
        raise InvalidValue(
            f"The masked region ({box_w}x{box_h}) is too narrow for this barcode (needs {2 * n} px wide).",
            param="mask",
        )
    width = n * px
    # Bars about a third of the width tall (a usual aspect), leaving room for the digits when it fits.
    text_h = max(12, int(px * 7)) if box_h >= 60 else 0
    bar_h = min(box_h - text_h - 2 * px, max(int(width * 0.35), 24))
    if bar_h < 16:
        text_h, bar_h = 0, min(box_h - 2 * px, max(int(width * 0.35), 16))
    if bar_h < 8:
        raise InvalidValue(f"The masked region ({box_w}x{box_h}) is too short for a barcode.", param="mask")
    height = bar_h + text_h + 2 * px
    x0, y0 = (box_w - width) // 2, (box_h - height) // 2
    dark = np.zeros((box_h, box_w), dtype=bool)
    row = np.repeat(matrix[0], px)
    dark[y0 + px : y0 + px + bar_h, x0 + quiet * px : x0 + quiet * px + row.size] = row[None, :]
    human = None
    if text_h:
        human = barcode.get(symbology, data).get_fullcode() if symbology == "ean13" else data
    return CodeDrawing(dark, (x0, y0, width, height), px, human)


def decode(pixels: np.ndarray, symbology: Symbology) -> list[str]:
    """Every payload of the given symbology zxing-cpp finds in an RGB(A) crop."""
    rgb = np.ascontiguousarray(pixels[:, :, :3])
    fmt = getattr(zxingcpp.BarcodeFormat, _ZXING_FORMATS[symbology])
    return [r.text for r in zxingcpp.read_barcodes(rgb, formats=fmt)]
