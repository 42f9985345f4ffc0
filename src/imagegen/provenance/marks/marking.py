"""The provenance pipeline of one output file: watermark -> encode with XMP + text record -> sign C2PA LAST.

``mark`` is what the recorder (the single save point) calls for every image: it returns the file's bytes
(``.data``) and reports what it did (watermark id/region or why it was skipped, manifest label, timings).

Encoder settings are fixed so the same pixels + provenance give the same bytes up to the signature (the C2PA
claim holds fresh UUIDs and a signature, so signed files differ between runs; everything before signing does
not): PNG zlib level 4 (``png_encode.py``); JPEG ``quality=compression``, 4:2:0, baseline; WebP lossless at
``compression == 100`` (method 2, effort 50, ``exact`` so RGB under transparent pixels is kept: method 6 took
4.5 s at 1024²), else lossy ``quality=compression`` with method 4.
"""

from __future__ import annotations

import io
import json
import logging
import time
from dataclasses import dataclass, field
from typing import Any, Literal

import c2pa
import numpy as np
from PIL import Image

from imagegen.provenance.marks import watermark as wm
from imagegen.provenance.marks.c2pa_sign import MIME, sign_asset
from imagegen.provenance.marks.certs import Signer
from imagegen.provenance.marks.inspect import inspect_file
from imagegen.provenance.marks.png_encode import encode_png
from imagegen.provenance.marks.textrecord import KEYWORD, build_record, encode_record
from imagegen.provenance.marks.xmp import build_xmp
from imagegen.provenance.records import FileProvenance, Ingredient, watermark_bits

log = logging.getLogger(__name__)

OutputFormat = Literal["png", "jpeg", "webp"]
#: background a transparent image is flattened onto for JPEG (which has no alpha)
JPEG_BACKGROUND = (255, 255, 255)


@dataclass
class MarkedFile:
    """A finalized file and what went into it."""

    data: bytes
    content_type: str
    #: ``img_<16 hex>`` carried by the watermark, None when it was skipped
    watermark_id: str | None
    #: the box (x0, y0, x1, y1) the watermark was embedded in; None means the whole image
    watermark_region: tuple[int, int, int, int] | None
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    #: the active C2PA manifest label (``urn:c2pa:…``), read back from the signed bytes
    manifest_label: str | None = None
    #: the pixels as encoded (watermarked): what a lossless file decodes to; a lossy one differs by codec
    #: noise
    pixels: Image.Image | None = None


def mark(
    pixels: Image.Image,
    *,
    output_format: OutputFormat,
    compression: int,
    prov: FileProvenance,
    signer: Signer,
    editable_region: Image.Image | None = None,
    catalog_ref: str | None = None,
) -> MarkedFile:
    """Watermark, encode (XMP + text record) and sign one output: the file (``.data``) with a report.

    ``editable_region`` (mode "L", nonzero = editable, the size of ``pixels``) confines the watermark to the
    masked edit: it is embedded in the region's bounding box and composited back through the mask, so no pixel
    outside the region changes. A region too small to carry the payload gets no watermark (noted, logged).
    """
    fmt = "jpeg" if output_format == "jpg" else output_format
    if fmt not in ("png", "jpeg", "webp"):
        raise ValueError(f"unsupported output format {output_format!r}")
    output_format = fmt
    timings: dict[str, float] = {}
    notes: list[str] = []
    t0 = time.perf_counter()

    # 1. normalize the pixels to what the format will hold (JPEG flattens alpha first: the mark must sit in
    #    the pixels a viewer sees)
    img = _normalize(pixels, output_format)

    # 2. invisible watermark, inside the editable region only when one is given
    marked, region, note = _watermark(img, prov.asset_id, editable_region)
    if note:
        notes.append(note)
        log.info("watermark for %s: %s", prov.asset_id, note)
    wm_id = prov.asset_id if note is None else None
    timings["watermark_s"] = time.perf_counter() - t0

    wm_info: dict[str, Any] = (
        {"id": f"{watermark_bits(prov.asset_id):016x}", "region": list(region) if region else None}
        if wm_id is not None
        else {"id": None, "region": None, "note": note}
    )
    # 3. encode with XMP and the text record, 4. sign C2PA last
    data, label = _encode_and_sign(marked, output_format, compression, prov, signer, wm_info, catalog_ref,
                                   timings)
    timings["total_s"] = time.perf_counter() - t0
    return MarkedFile(data, MIME[output_format], wm_id, region, notes, timings, label, marked)


def transcode(
    data: bytes,
    *,
    output_format: OutputFormat,
    compression: int,
    prov: FileProvenance,
    signer: Signer,
    catalog_ref: str | None = None,
) -> MarkedFile:
    """A copy of a finished file (``data``: one ``mark`` made) in another format, its provenance kept.

    The pixels already carry the watermark, so none is embedded again (a masked edit's copy keeps its
    untouched pixels); the copy is encoded and signed by the same steps as ``mark`` (XMP, text record, the
    format's fixed encoder settings), and its manifest is ``c2pa.opened`` (``data`` as the ``parentOf``
    ingredient, its own manifest inside) + ``c2pa.transcoded``. ``prov`` describes the asset (the catalog
    row); the copy's text record carries the original's watermark entry."""
    fmt = "jpeg" if output_format == "jpg" else output_format
    if fmt not in ("png", "jpeg", "webp"):
        raise ValueError(f"unsupported output format {output_format!r}")
    t0 = time.perf_counter()
    source = inspect_file(data, decode_watermark=False)
    with Image.open(io.BytesIO(data)) as im:
        im.load()
        img = _normalize(im, fmt)
    record = source.text_record or {}
    wm_info = record.get("watermark") if isinstance(record.get("watermark"), dict) else None
    wm_hex = (wm_info or {}).get("id")
    src_fmt = source.format if source.format in MIME else "png"
    ext = "jpg" if src_fmt == "jpeg" else src_fmt
    original = Ingredient(data=data, format=str(src_fmt), title=f"{prov.asset_id}.{ext}",
                          asset_id=prov.asset_id)
    timings: dict[str, float] = {}
    out, label = _encode_and_sign(img, fmt, compression, prov, signer, wm_info, catalog_ref, timings,
                                  transcoded_from=original)
    timings["total_s"] = time.perf_counter() - t0
    wm_id = prov.asset_id if wm_hex == f"{watermark_bits(prov.asset_id):016x}" else None
    region = (wm_info or {}).get("region")
    box = None
    if isinstance(region, list) and len(region) == 4:
        box = (int(region[0]), int(region[1]), int(region[2]), int(region[3]))
    return MarkedFile(out, MIME[fmt], wm_id, box, [], timings, label, img)


def _encode_and_sign(
    img: Image.Image,
    output_format: str,
    compression: int,
    prov: FileProvenance,
    signer: Signer,
    wm_info: dict[str, Any] | None,
    catalog_ref: str | None,
    timings: dict[str, float],
    *,
    transcoded_from: Ingredient | None = None,
) -> tuple[bytes, str | None]:
    """Encode ``img`` with the XMP and the text record (before signing: the signature covers them), then
    sign C2PA last (nothing may write to the file after it); returns the bytes and the manifest label."""
    t1 = time.perf_counter()
    record_json = encode_record(build_record(prov, catalog_ref=catalog_ref, watermark=wm_info))
    xmp = build_xmp(prov, output_format=output_format, record_json=record_json)
    encoded = _encode(img, output_format, compression, xmp=xmp, record_json=record_json)
    timings["encode_s"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    data = sign_asset(encoded, output_format=output_format, prov=prov, signer=signer,
                      transcoded_from=transcoded_from)
    label = manifest_label(data, MIME[output_format])
    timings["sign_s"] = time.perf_counter() - t2
    return data, label


def manifest_label(data: bytes, mime: str) -> str | None:
    """The active manifest label of a signed file (None if it has none); reads only, no validation."""
    reader = c2pa.Reader.try_create(mime, io.BytesIO(data))
    if reader is None:
        return None
    with reader:
        label = json.loads(reader.json()).get("active_manifest")
    return str(label) if label else None


def _normalize(pixels: Image.Image, output_format: str) -> Image.Image:
    has_alpha = "A" in pixels.getbands() or (pixels.mode == "P" and "transparency" in pixels.info)
    if output_format == "jpeg":
        if has_alpha:
            rgba = pixels.convert("RGBA")
            flat = Image.new("RGB", rgba.size, JPEG_BACKGROUND)
            flat.paste(rgba, mask=rgba.getchannel("A"))
            return flat
        return pixels.convert("RGB")
    return pixels.convert("RGBA" if has_alpha else "RGB")


def _watermark(
    img: Image.Image, asset_id: str, editable_region: Image.Image | None
) -> tuple[Image.Image, tuple[int, int, int, int] | None, str | None]:
    """(marked image, region box or None for whole image, note when skipped)."""
    bits = watermark_bits(asset_id)
    if editable_region is None:
        if not wm.capacity_ok(*img.size):
            return img, None, f"image {img.size[0]}x{img.size[1]} too small for the watermark; skipped"
        return wm.embed(img, bits), None, None
    if editable_region.size != img.size:
        raise ValueError(f"editable_region is {editable_region.size}, pixels are {img.size}")
    mask = np.asarray(editable_region.convert("L")) > 0
    ys, xs = np.nonzero(mask)
    if ys.size == 0:
        return img, None, "empty editable region: no pixel may change, watermark skipped"
    box = (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)
    bw, bh = box[2] - box[0], box[3] - box[1]
    coverage = float(mask[box[1] : box[3], box[0] : box[2]].mean())
    # blocks outside the mask keep their old pixels and vote at random: require most of the box to be editable
    if not wm.capacity_ok(bw, bh) or coverage < 0.6:
        return img, None, (
            f"editable region {bw}x{bh} (bounding box, {coverage:.0%} editable) too small for the watermark; "
            "skipped so that no pixel outside it changes"
        )
    marked_box = np.asarray(wm.embed(img.crop(box), bits))
    out = np.asarray(img).copy()
    sub = mask[box[1] : box[3], box[0] : box[2]]
    view = out[box[1] : box[3], box[0] : box[2]]
    view[sub] = marked_box[sub]
    return Image.fromarray(out, img.mode), box, None


def _encode(img: Image.Image, fmt: str, compression: int, *, xmp: bytes, record_json: str) -> bytes:
    buf = io.BytesIO()
    quality = max(0, min(100, int(compression)))
    if fmt == "png":
        # zlib level 4: the watermark's fine texture makes level 6 ~2x slower for ~25% smaller files
        # (1024², measured 2026-12-03: 103-121 ms / 242-278 KB at 4, 186-318 ms / 179-222 KB at 6); rows
        # filtered in numpy and deflated on both cores (png_encode.py: ~25 % less CPU than Pillow's writer)
        return encode_png(img, [("XML:com.adobe.xmp", xmp.decode("utf-8")), (KEYWORD, record_json)])
    elif fmt == "jpeg":
        img.save(
            buf, "JPEG", quality=quality, subsampling="4:2:0", progressive=False, optimize=False, xmp=xmp
        )
    else:
        if quality >= 100:
            img.save(buf, "WEBP", lossless=True, quality=50, method=2, exact=True, xmp=xmp)
        else:
            img.save(buf, "WEBP", quality=quality, method=4, xmp=xmp)
    return buf.getvalue()
