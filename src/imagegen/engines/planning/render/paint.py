"""Small painting helpers shared by the drawers: colors, coverage masks, clipped compositing (contrast
comes from ``rules.contrast``).

Every element is drawn as a coverage mask ("L") and composited with ``Image.alpha_composite`` onto an RGBA
canvas; painting a solid color through a mask onto a layer of that same color keeps edges free of the
dark fringes that blending against transparent black would leave on transparent canvases.
"""

from __future__ import annotations

from collections.abc import Callable

from PIL import Image, ImageChops, ImageDraw, ImageFilter

from imagegen.engines.planning.rules.contrast import luminance

RGBA = tuple[int, int, int, int]
ClipRect = tuple[int, int, int, int]


def hex_rgba(color: str, opacity: float = 1.0) -> RGBA:
    """'#RRGGBB' or '#RRGGBBAA' (times ``opacity``) as an RGBA tuple."""
    r, g, b = int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)
    a = int(color[7:9], 16) if len(color) == 9 else 255
    return r, g, b, round(a * max(0.0, min(1.0, opacity)))


def rgb_hex(rgb: tuple[float, ...]) -> str:
    """An RGB(A) tuple as '#rrggbb'."""
    return "#{:02x}{:02x}{:02x}".format(*(max(0, min(255, round(c))) for c in rgb[:3]))


def mix(a: str, b: str, t: float) -> str:
    """Blend two hex colors (t=0 -> a, t=1 -> b)."""
    ra, rb = hex_rgba(a), hex_rgba(b)
    return rgb_hex(tuple(ra[i] + (rb[i] - ra[i]) * t for i in range(3)))


def readable_on(background: str, light: str = "#ffffff", dark: str = "#111827") -> str:
    """The one of ``light``/``dark`` with more contrast on ``background``."""
    lb = luminance(background)
    c_light = (luminance(light) + 0.05) / (lb + 0.05)
    c_dark = (lb + 0.05) / (luminance(dark) + 0.05)
    return light if c_light >= c_dark else dark


def _clip_rect(
    canvas: Image.Image, x: int, y: int, w: int, h: int, clip: ClipRect | None
) -> tuple[int, int, int, int] | None:
    cx0, cy0, cx1, cy1 = 0, 0, canvas.width, canvas.height
    if clip is not None:
        cx0, cy0 = max(cx0, clip[0]), max(cy0, clip[1])
        cx1, cy1 = min(cx1, clip[2]), min(cy1, clip[3])
    x0, y0 = max(x, cx0), max(y, cy0)
    x1, y1 = min(x + w, cx1), min(y + h, cy1)
    if x1 <= x0 or y1 <= y0:
        return None
    return x0, y0, x1, y1


def composite(canvas: Image.Image, layer: Image.Image, x: int, y: int, clip: ClipRect | None = None) -> None:
    """Composite an RGBA ``layer`` at (x, y), clipped to the canvas and to ``clip``.

    An opaque (RGB) canvas takes a masked paste, which is the same "over" operation without an alpha
    channel to maintain; a transparent (RGBA) canvas needs the real alpha_composite.
    """
    r = _clip_rect(canvas, x, y, layer.width, layer.height, clip)
    if r is None:
        return
    x0, y0, x1, y1 = r
    if (x0, y0, x1, y1) != (x, y, x + layer.width, y + layer.height):
        layer = layer.crop((x0 - x, y0 - y, x1 - x, y1 - y))
    if canvas.mode == "RGB":
        canvas.paste(layer.convert("RGB"), (x0, y0), layer.getchannel("A"))
    else:
        canvas.alpha_composite(layer, (x0, y0))


def fill_mask(
    canvas: Image.Image, mask: Image.Image, color: RGBA, x: int, y: int, clip: ClipRect | None = None
) -> None:
    """Paint ``color`` through a coverage ``mask`` placed at (x, y)."""
    ink = mask.getbbox()
    if ink is None:
        return
    if ink != (0, 0, mask.width, mask.height):
        # text masks are mostly empty margin: blend only where there is ink
        mask = mask.crop(ink)
        x, y = x + ink[0], y + ink[1]
    r = _clip_rect(canvas, x, y, mask.width, mask.height, clip)
    if r is None:
        return
    x0, y0, x1, y1 = r
    if (x0, y0, x1, y1) != (x, y, x + mask.width, y + mask.height):
        mask = mask.crop((x0 - x, y0 - y, x1 - x, y1 - y))
    if color[3] != 255:
        mask = ImageChops.multiply(mask, Image.new("L", mask.size, color[3]))
    if canvas.mode == "RGB":
        canvas.paste(color[:3], (x0, y0, x1, y1), mask)
        return
    layer = Image.new("RGBA", mask.size, color)
    layer.putalpha(mask)
    canvas.alpha_composite(layer, (x0, y0))


def shape_mask(w: int, h: int, draw: Callable[[ImageDraw.ImageDraw, int], None], ss: int = 1) -> Image.Image:
    """A coverage mask of w x h drawn at ``ss`` x and box-reduced, which antialiases curves.

    ``draw(d, ss)`` receives an ImageDraw on the oversampled mask and the factor to multiply coords by.
    """
    w, h = max(1, w), max(1, h)
    big = Image.new("L", (w * ss, h * ss), 0)
    draw(ImageDraw.Draw(big), ss)
    return big.reduce(ss) if ss > 1 else big


def soft_blob(
    img: Image.Image, box: tuple[float, float, float, float], blur: float, color: str, alpha: int
) -> None:
    """A blurred ellipse (a glow, a pool of light or shadow) painted over ``img``, computed on a local patch
    around ``box`` rather than the whole canvas."""
    pad = blur * 3 + 2
    x0, y0 = int(box[0] - pad), int(box[1] - pad)
    x1, y1 = int(box[2] + pad) + 1, int(box[3] + pad) + 1
    if x1 <= 0 or y1 <= 0 or x0 >= img.width or y0 >= img.height:
        return
    mask = Image.new("L", (x1 - x0, y1 - y0), 0)
    ImageDraw.Draw(mask).ellipse((box[0] - x0, box[1] - y0, box[2] - x0, box[3] - y0), fill=alpha)
    mask = mask.filter(ImageFilter.GaussianBlur(blur))
    img.paste(Image.new("RGB", mask.size, hex_rgba(color)[:3]), (x0, y0), mask)
