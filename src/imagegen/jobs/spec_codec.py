"""Persist a validated spec with its job and rebuild it when a worker (maybe after a restart) runs it.

The spec's scalar fields go into the job row as JSON. Input images and the mask are bytes: ``encode_inputs``
names them (``input_<i>.bin``: exactly the bytes the client sent, so hashes and C2PA ingredients stay true;
``mask.png``) and the job store writes them in the job's own transaction (``job_inputs``), so a job row
never points at missing inputs and a worker on any machine that reaches the database can run the job.
The persisted spec is the contract's output, so rebuilding it does not re-run validation.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from PIL import Image

from imagegen.contract.errors import InvalidImage
from imagegen.contract.images import normalize_mode, open_image
from imagegen.contract.specs import EditSpec, GenerateSpec, InputImage, working_pixels

CODEC_VERSION = 1
_GENERATE_FIELDS = tuple(f.name for f in dataclasses.fields(GenerateSpec))
MASK = "mask.png"


class InputSource(Protocol):
    """Where a job's input files are kept (``JobStore``)."""

    def inputs(self, job_id: str) -> dict[str, bytes]: ...


def input_name(index: int) -> str:
    return f"input_{index}.bin"


def job_dir(home: Path, job_id: str) -> Path:
    """Where jobs queued before migration 0005 keep their input files."""
    return home / "jobs" / job_id


def spec_to_json(spec: GenerateSpec) -> dict[str, Any]:
    """The JSON-able scalar part of ``spec`` (images and mask are stored apart, see ``encode_inputs``)."""
    out: dict[str, Any] = {"v": CODEC_VERSION, "kind": "edit" if isinstance(spec, EditSpec) else "generate"}
    for name in _GENERATE_FIELDS:
        out[name] = getattr(spec, name)
    if isinstance(spec, EditSpec):
        out["input_fidelity"] = spec.input_fidelity
        out["images"] = [
            {"sha256": im.sha256, "asset_id": im.asset_id, "plan": im.plan, "filename": im.filename}
            for im in spec.images
        ]
        out["has_mask"] = spec.mask is not None
    return out


def encode_inputs(spec: GenerateSpec) -> dict[str, bytes]:
    """An edit's input bytes and mask (PNG) by name; empty for a generation."""
    if not isinstance(spec, EditSpec):
        return {}
    files = {input_name(i): im.data for i, im in enumerate(spec.images)}
    if spec.mask is not None:
        buf = io.BytesIO()
        spec.mask.save(buf, format="PNG")
        files[MASK] = buf.getvalue()
    return files


def load_inputs(source: InputSource, home: Path, job_id: str) -> dict[str, bytes]:
    """A job's input files: from the job store, else (a job queued before migration 0005) its folder."""
    found = source.inputs(job_id)
    folder = job_dir(home, job_id)
    if not found and folder.is_dir():
        found = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    return found


def remove_inputs(home: Path, job_id: str) -> None:
    """Drop the input folder of a job queued before migration 0005 (store rows go with the job's end)."""
    shutil.rmtree(job_dir(home, job_id), ignore_errors=True)


def _decode(data: bytes, what: str) -> Image.Image:
    # the contract's one image opener (pixel cap on the header, Pillow's text caps): the bytes were judged
    # at submit, so a failure here means damage in storage; any format Pillow reads (masks included)
    image, _fmt = open_image(data, param=what, what=f"stored {what} of this job", formats=())
    return image


def _working(image: Image.Image, fields: Mapping[str, Any], first: bool, *, mask: bool = False
             ) -> Image.Image:
    # at the working size as soon as decoded: a job never holds more than one input at its full size
    if fields.get("width") is None or fields.get("height") is None:
        return image
    return working_pixels(image, (fields["width"], fields["height"]), first=first, mask=mask)


def spec_from_json(data: dict[str, Any], inputs: Mapping[str, bytes]) -> GenerateSpec:
    """Rebuild the spec persisted by ``spec_to_json`` + ``encode_inputs``."""
    fields = {name: data[name] for name in _GENERATE_FIELDS if name in data}
    if fields.get("extra") is None:
        fields["extra"] = {}
    if data.get("kind") != "edit":
        return GenerateSpec(**fields)
    images: list[InputImage] = []
    for i, meta in enumerate(data.get("images") or []):
        raw = inputs.get(input_name(i))
        if raw is None:
            raise InvalidImage(f"Input image {i} of this job is missing from the job store.")
        if hashlib.sha256(raw).hexdigest() != meta.get("sha256"):
            raise InvalidImage(f"Input image {i} of this job changed in the job store since it was queued.")
        # RGB/RGBA as the front door gives them (the same spec whichever process runs the job)
        pixels = normalize_mode(_decode(raw, f"input image {i}"))
        images.append(InputImage(image=_working(pixels, fields, i == 0), data=raw,
                                 sha256=meta["sha256"],
                                 asset_id=meta.get("asset_id"), plan=meta.get("plan"),
                                 filename=meta.get("filename")))
    mask = None
    if data.get("has_mask"):
        raw_mask = inputs.get(MASK)
        if raw_mask is None:
            raise InvalidImage("The mask of this job is missing from the job store.")
        mask = _working(_decode(raw_mask, "mask"), fields, True, mask=True)
    return EditSpec(**fields, images=tuple(images), mask=mask, input_fidelity=data.get("input_fidelity"))
