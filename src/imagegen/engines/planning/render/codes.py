"""Machine-readable codes drawn pixel-exact: QR (segno), EAN-13 and Code 128 (python-barcode's encoding).

Modules are whole canvas pixels and the code is painted on the final canvas *after* the supersampling
downsample, so no resampling ever blurs a module edge. Quiet zones are part of the painted area (QR: at
least 4 modules, linear codes: at least 10). The encoders come from the libraries; only the bars are
drawn here, from their module strings, to keep them on the pixel grid.
"""

from __future__ import annotations

import numpy as np
import segno
from barcode import get as get_barcode
from barcode.errors import BarcodeError
from PIL import Image, ImageDraw

from imagegen.engines.planning.plan import Box, CodeNode, FontRef
from imagegen.engines.planning.render.fonts import FontBook
from imagegen.engines.planning.rules import ean13
from imagegen.engines.planning.rules.contrast import hex_to_rgb

#: smallest quiet zones the renderer will draw, whatever the plan says (decoders need them)
MIN_QUIET = {"qr": 4, "ean13": 10, "code128": 10}


class CodeDataError(ValueError):
    """The payload cannot be encoded exactly in the requested symbology."""


def validate_code(symbology: str, data: str) -> str | None:
    """A human-readable reason why ``data`` cannot be encoded exactly, or None when it can."""
    if symbology == "ean13":
        return ean13.problem(data)
    if symbology == "code128":
        if not data:
            return "Code 128 needs at least one character"
        if any(ord(c) > 127 for c in data):
            return "Code 128 encodes ASCII only"
        return None
    if symbology == "qr":
        if not data:
            return "QR needs a payload"
        try:
            segno.make(data, micro=False)
        except (segno.DataOverflowError, ValueError) as exc:
            return f"QR cannot hold this payload: {exc}"
        return None
    return f"unknown symbology {symbology!r}"


def qr_matrix(data: str, error: str = "M") -> np.ndarray:
    """QR modules as a bool array (True = dark), without quiet zone."""
    qr = segno.make(data, error=error.lower(), micro=False, boost_error=False)
    return np.array([list(row) for row in qr.matrix], dtype=bool)


def linear_modules(symbology: str, data: str) -> np.ndarray:
    """Bar modules of a linear code as a 1-D bool array (True = bar), without quiet zone."""
    reason = validate_code(symbology, data)
    if reason:
        raise CodeDataError(reason)
    name = {"ean13": "ean13", "code128": "code128"}[symbology]
    try:
        code = get_barcode(name, data)
        bits = "".join(code.build())
    except BarcodeError as exc:  # pragma: no cover - validate_code catches what we know of
        raise CodeDataError(str(exc)) from exc
    return np.frombuffer(bits.encode(), dtype=np.uint8) == ord("1")


def draw_code(canvas: Image.Image, node: CodeNode, fonts: FontBook) -> Box:
    """Paint the code into its box on the final canvas; return the painted box (canvas px).

    The symbol is as large as fits with an integer module size, centered in the box. A box too small for
    one pixel per module still gets a one-pixel module (the painted box then exceeds the plan box and
    the verifier reports it).
    """
    reason = validate_code(node.symbology, node.data)
    if reason:
        raise CodeDataError(f"code node {node.id!r}: {reason}")
    bx, by, bw, bh = node.box.x, node.box.y, node.box.w, node.box.h
    quiet = max(node.quiet_zone, MIN_QUIET[node.symbology])
    fg, bg = hex_to_rgb(node.fg), hex_to_rgb(node.bg)
    if node.symbology == "qr":
        mat = qr_matrix(node.data, node.error_correction)
        n = mat.shape[0] + 2 * quiet
        module = max(1, int(min(bw, bh) // n))
        full = np.zeros((n, n), dtype=bool)
        full[quiet:-quiet, quiet:-quiet] = mat
        pixels = np.kron(full, np.ones((module, module), dtype=bool))
        x0 = round(bx + (bw - n * module) / 2)
        y0 = round(by + (bh - n * module) / 2)
        _paste_bits(canvas, pixels, x0, y0, fg, bg)
        return Box(x=x0, y=y0, w=n * module, h=n * module)

    bars = linear_modules(node.symbology, node.data)
    n = bars.size + 2 * quiet
    module = max(1, int(bw // n))
    width = n * module
    text = node.data if node.human_readable else ""
    text_h = round(min(bh * 0.22, module * 9)) if text else 0
    bar_h = max(1, int(bh) - text_h)
    row = np.zeros(n, dtype=bool)
    row[quiet : quiet + bars.size] = bars
    pixels = np.repeat(np.repeat(row[None, :], bar_h, axis=0), module, axis=1)
    x0 = round(bx + (bw - width) / 2)
    y0 = round(by)
    total_h = bar_h + text_h
    # the background plate covers the human-readable band too, so digits always sit on bg
    canvas.paste(
        _fill_value(canvas, bg),
        (max(0, x0), max(0, y0), min(canvas.width, x0 + width), min(canvas.height, y0 + total_h)),
    )
    _paste_bits(canvas, pixels, x0, y0, fg, bg)
    if text:
        face = fonts.resolve(FontRef(family="mono", weight=500))
        size = max(6.0, text_h * 0.8)
        font = fonts.font(face, size)
        while size > 6 and font.getlength(text) > width - 2 * module * quiet * 0.5:
            size -= 1
            font = fonts.font(face, size)
        ImageDraw.Draw(canvas).text(
            (x0 + width / 2, y0 + bar_h + text_h / 2),
            text,
            fill=_fill_value(canvas, fg),
            font=font,
            anchor="mm",
        )
    return Box(x=x0, y=y0, w=width, h=total_h)


def _paste_bits(
    canvas: Image.Image,
    pixels: np.ndarray,
    x0: int,
    y0: int,
    fg: tuple[int, int, int],
    bg: tuple[int, int, int],
) -> None:
    """Paste a bool pixel array as opaque fg/bg pixels (no blending: codes must stay crisp)."""
    h, w = pixels.shape
    rgba = np.empty((h, w, 4), dtype=np.uint8)
    rgba[...] = (*bg, 255)
    rgba[pixels] = (*fg, 255)
    tile = Image.fromarray(rgba, "RGBA").convert(canvas.mode)
    # clip to the canvas; a code off the canvas is a plan error the verifier reports
    cx0, cy0 = max(0, x0), max(0, y0)
    cx1, cy1 = min(canvas.width, x0 + w), min(canvas.height, y0 + h)
    if cx1 <= cx0 or cy1 <= cy0:
        return
    tile = tile.crop((cx0 - x0, cy0 - y0, cx1 - x0, cy1 - y0))
    canvas.paste(tile, (cx0, cy0))


def _fill_value(canvas: Image.Image, rgb: tuple[int, int, int]) -> tuple[int, ...]:
    return (*rgb, 255) if canvas.mode == "RGBA" else rgb
