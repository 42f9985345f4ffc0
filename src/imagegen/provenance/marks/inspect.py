"""Read a file's provenance back: format, XMP/IPTC fields, the text record, C2PA verdict, the watermark.

Offline by construction: the C2PA reader runs with ``verify.remote_manifest_fetch=false`` and only the trust
anchors it is given. ``validation_state`` is the reader's verdict: ``Trusted`` (signature valid and the chain
ends at a given anchor), ``Valid`` (signature and hashes valid, signer not anchored), ``Invalid`` (a hash or
signature failed: the file changed after signing), or None when the file carries no manifest.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

import c2pa
from PIL import Image, UnidentifiedImageError

from imagegen.provenance.marks import watermark as wm
from imagegen.provenance.marks.textrecord import KEYWORD, parse_record
from imagegen.provenance.marks.xmp import parse_xmp

_XMP_RE = re.compile(rb"<x:xmpmeta.*?</x:xmpmeta>", re.S)
_MIME_BY_PIL = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp", "GIF": "image/gif",
                "TIFF": "image/tiff", "BMP": "image/bmp", "AVIF": "image/avif", "HEIF": "image/heif"}
_AI_FIELDS = ("AISystemUsed", "AISystemVersionUsed", "AIPromptInformation", "AIPromptWriterName")


@dataclass
class C2paInspection:
    """What the C2PA reader found."""

    present: bool
    validation_state: str | None = None
    manifest_label: str | None = None
    claim_generator: str | None = None
    title: str | None = None
    signer: dict[str, Any] | None = None
    actions: list[dict[str, Any]] = field(default_factory=list)
    ingredients: list[dict[str, Any]] = field(default_factory=list)
    #: our ``org.imagegen.asset`` assertion, when present
    asset: dict[str, Any] | None = None
    #: failure codes of the active manifest (``signingCredential.untrusted`` is expected without anchors)
    failures: list[str] = field(default_factory=list)
    manifests: int = 0
    error: str | None = None


@dataclass
class FileInspection:
    """Everything ``inspect_file`` found; ``to_json()`` is JSON-serializable."""

    format: str | None
    mime: str | None
    size_bytes: int
    sha256: str
    width: int | None
    height: int | None
    mode: str | None
    #: ``Iptc4xmpExt:DigitalSourceType`` from the XMP packet
    digital_source_type: str | None
    #: IPTC AI fields by short name (AISystemUsed, AISystemVersionUsed, AIPromptInformation, ...)
    ai: dict[str, str]
    #: the asset id the metadata names (text record, else XMP); as written, not verified
    asset_id: str | None
    xmp: dict[str, Any]
    text_record: dict[str, Any] | None
    c2pa: C2paInspection
    #: decoded watermark (see ``watermark.WatermarkReading.to_dict``), None when not attempted
    watermark: dict[str, Any] | None
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """A plain dict (JSON-serializable)."""
        return asdict(self)


def inspect_file(
    data: bytes, *, trust_anchors_pem: str | None = None, decode_watermark: bool = True
) -> FileInspection:
    """Inspect ``data`` (png/jpeg/webp; other formats get what Pillow and c2pa can read)."""
    notes: list[str] = []
    img: Image.Image | None = None
    fmt = mime = mode = None
    width = height = None
    try:
        img = Image.open(io.BytesIO(data))
        img.load()
        fmt = (img.format or "").lower() or None
        mime = _MIME_BY_PIL.get(img.format or "")
        width, height = img.size
        mode = img.mode
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        notes.append(f"pixels unreadable: {exc}")
        img = None
        mime = _sniff_mime(data)

    packet = _xmp_packet(img, data)
    xmp = parse_xmp(packet)
    record = parse_record(img.info.get(KEYWORD)) if img is not None else None
    if record is None:
        record = parse_record(xmp.get("imagegen:Record"))
    asset_id = (record or {}).get("asset_id") or xmp.get("imagegen:AssetId")
    ai = {k: str(xmp[f"Iptc4xmpExt:{k}"]) for k in _AI_FIELDS if f"Iptc4xmpExt:{k}" in xmp}

    c2 = _read_c2pa(data, mime, trust_anchors_pem)

    reading: dict[str, Any] | None = None
    if decode_watermark and img is not None:
        reading = _decode_watermark(img, record, notes)

    return FileInspection(
        format=fmt,
        mime=mime,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        width=width,
        height=height,
        mode=mode,
        digital_source_type=xmp.get("Iptc4xmpExt:DigitalSourceType"),
        ai=ai,
        asset_id=asset_id,
        xmp=xmp,
        text_record=record,
        c2pa=c2,
        watermark=reading,
        notes=notes,
    )


def _sniff_mime(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _xmp_packet(img: Image.Image | None, data: bytes) -> str | bytes | None:
    if img is not None:
        for key in ("XML:com.adobe.xmp", "xmp"):
            value = img.info.get(key)
            if value:
                return value
    match = _XMP_RE.search(data)
    return match.group(0) if match else None


def _read_c2pa(data: bytes, mime: str | None, anchors: str | None) -> C2paInspection:
    if mime is None:
        return C2paInspection(present=False, error="unknown format")
    cfg: dict[str, Any] = {"verify": {"remote_manifest_fetch": False}}
    if anchors:
        cfg["trust"] = {"user_anchors": anchors}
    try:
        with c2pa.Context(settings=c2pa.Settings.from_dict(cfg)) as ctx:
            reader = c2pa.Reader.try_create(mime, io.BytesIO(data), None, ctx)
            if reader is None:
                return C2paInspection(present=False)
            with reader:
                store = json.loads(reader.json())
                state = reader.get_validation_state()
    except c2pa.C2paError as exc:
        # a manifest so damaged the reader gives up on it counts as Invalid, not as absent
        text = str(exc)
        if "ManifestNotFound" in type(exc).__name__ or "no JUMBF" in text:
            return C2paInspection(present=False)
        return C2paInspection(present=True, validation_state="Invalid", error=text)
    label = store.get("active_manifest")
    manifest = store.get("manifests", {}).get(label, {}) if label else {}
    actions: list[dict[str, Any]] = []
    asset: dict[str, Any] | None = None
    for assertion in manifest.get("assertions", []):
        name = str(assertion.get("label", ""))
        if name.startswith("c2pa.actions"):
            actions += assertion.get("data", {}).get("actions", [])
        elif name == "org.imagegen.asset":
            asset = assertion.get("data")
    ingredients = [
        {
            "title": ing.get("title"),
            "relationship": ing.get("relationship"),
            "format": ing.get("format"),
            "instance_id": ing.get("instance_id"),
            "active_manifest": ing.get("active_manifest"),
            "label": ing.get("label"),
        }
        for ing in manifest.get("ingredients", [])
    ]
    gen = manifest.get("claim_generator_info") or []
    claim_generator = "/".join(str(gen[0][k]) for k in ("name", "version") if gen[0].get(k)) if gen else None
    failures = [
        str(f.get("code"))
        for f in store.get("validation_results", {}).get("activeManifest", {}).get("failure", [])
    ]
    return C2paInspection(
        present=True,
        validation_state=state,
        manifest_label=label,
        claim_generator=claim_generator or manifest.get("claim_generator"),
        title=manifest.get("title"),
        signer=manifest.get("signature_info"),
        actions=[{k: v for k, v in a.items() if k != "parameters"} | _action_params(a) for a in actions],
        ingredients=ingredients,
        asset=asset,
        failures=failures,
        manifests=len(store.get("manifests", {})),
    )


def _action_params(action: dict[str, Any]) -> dict[str, Any]:
    """Keep action parameters small: ingredient references by URL only."""
    params = action.get("parameters") or {}
    refs = params.get("ingredients") or []
    return {"ingredients": [r.get("url") for r in refs if isinstance(r, dict)]} if refs else {}


def _decode_watermark(
    img: Image.Image, record: dict[str, Any] | None, notes: list[str]
) -> dict[str, Any] | None:
    if min(img.size) < 64:
        notes.append("image too small for a watermark")
        return None
    # one file at a time: worth the gain search (~0.4 s more on an unmarked file) to read brightened copies
    reading = wm.decode(img, gains=True)
    region = ((record or {}).get("watermark") or {}).get("region")
    if isinstance(region, list) and len(region) == 4:
        # a masked edit carries its own mark in the edited box only; the rest of the image may still carry
        # its parent's mark, so the box named by the record is read first
        x0, y0, x1, y1 = (int(v) for v in region)
        if 0 <= x0 < x1 <= img.size[0] and 0 <= y0 < y1 <= img.size[1]:
            boxed = wm.decode(img, region=(x0, y0, x1, y1))
            if boxed.asset_id is not None:
                extra = {"region": [x0, y0, x1, y1], "whole_image_asset_id": reading.asset_id}
                return boxed.to_dict() | extra
    return reading.to_dict() | {"region": None}
