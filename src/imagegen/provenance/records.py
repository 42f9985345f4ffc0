"""Plain values passed to and returned by the save point (``provenance.catalog.recorder.Recorder``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from imagegen.contract.specs import InputImage

Source = Literal["generated", "edited", "ingested", "upstream"]

#: IPTC digital source type codes (SPEC §9)
DST_TRAINED = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
DST_COMPOSITE = "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia"


@dataclass(frozen=True)
class RecordContext:
    """Who asked for what: everything the catalog must hold that the engine does not know."""

    tenant_id: str
    operation: Literal["generate", "edit"]
    requested_model: str
    prompt: str
    #: every request parameter as resolved by the contract (size, quality, n, format, seed, ...)
    params: dict[str, Any]
    user: str | None = None
    job_id: str | None = None
    #: the input images of an edit (become C2PA ingredients; their asset ids become parents)
    inputs: tuple[InputImage, ...] = ()
    #: asset ids named by the client (``file_id``) or matched by content hash
    parents: tuple[str, ...] = ()
    source: Source = "generated"
    #: wall-clock seconds the job spent computing (for cost accounting)
    compute_seconds: float = 0.0


@dataclass(frozen=True)
class StoredAsset:
    asset_id: str
    tenant_id: str
    sha256: str
    #: the encoded, marked and signed file bytes as stored
    data: bytes
    content_type: str
    output_format: str
    width: int
    height: int
    revised_prompt: str
    #: short id carried by the invisible watermark
    watermark_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def new_asset_id() -> str:
    """``img_`` + 16 hex digits: 64 random bits, exactly what the invisible watermark carries."""
    import secrets

    return "img_" + secrets.token_hex(8)


def watermark_bits(asset_id: str) -> int:
    """The 64-bit integer the watermark embeds for ``asset_id``."""
    return int(asset_id.removeprefix("img_"), 16)


@dataclass(frozen=True)
class Ingredient:
    """A parent file of an edit, for the C2PA manifest (``c2pa.opened`` / parentOf)."""

    data: bytes
    #: "png" | "jpeg" | "webp"
    format: str
    title: str
    asset_id: str | None = None
    #: "componentOf" for a file another service made and we built on (an upstream's output); "" = by position
    #: (the first input of an edit is its parent, further inputs are components)
    relationship: str = ""


@dataclass(frozen=True)
class FileProvenance:
    """What goes *into* the file (XMP/IPTC, PNG text record, watermark, C2PA)."""

    asset_id: str
    tenant_id: str
    digital_source_type: str
    requested_model: str
    engine: str
    engine_version: str
    backend: str
    prompt: str
    #: ISO 8601 UTC
    created_at: str
    #: "generate" -> c2pa.created; "edit" -> c2pa.opened + c2pa.edited with ingredients
    operation: Literal["generate", "edit"] = "generate"
    ingredients: tuple[Ingredient, ...] = ()
    user: str | None = None
