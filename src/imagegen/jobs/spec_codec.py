"""Persist a validated spec with its job and rebuild it when a worker (maybe after a restart) runs it.

The spec's scalar fields go into the job row as JSON. Input images and the mask are bytes, so they are
written under ``IMAGEGEN_HOME/jobs/<job id>/`` (exactly the bytes the client sent: hashes and C2PA
ingredients stay true) before the row is committed; a job row therefore never points at missing inputs.
The persisted spec is the contract's output, so rebuilding it does not re-run validation.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import shutil
from pathlib import Path
from typing import Any

from PIL import Image

from imagegen.contract.errors import InvalidImage
from imagegen.contract.specs import EditSpec, GenerateSpec, InputImage

CODEC_VERSION = 1
_GENERATE_FIELDS = tuple(f.name for f in dataclasses.fields(GenerateSpec))


def job_dir(home: Path, job_id: str) -> Path:
    """Where a job's input files live until the job ends."""
    return home / "jobs" / job_id


def spec_to_json(spec: GenerateSpec) -> dict[str, Any]:
    """The JSON-able scalar part of ``spec`` (images and mask are stored as files, see ``write_inputs``)."""
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


def write_inputs(home: Path, job_id: str, spec: GenerateSpec) -> None:
    """Write an edit's input bytes and mask (PNG) under the job folder, fsynced (must survive a crash)."""
    if not isinstance(spec, EditSpec):
        return
    folder = job_dir(home, job_id)
    folder.mkdir(parents=True, exist_ok=True)
    files: list[tuple[str, bytes]] = [(f"input_{i}.bin", im.data) for i, im in enumerate(spec.images)]
    if spec.mask is not None:
        buf = io.BytesIO()
        spec.mask.save(buf, format="PNG")
        files.append(("mask.png", buf.getvalue()))
    for name, data in files:
        tmp = folder / (name + ".tmp")
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, folder / name)


def remove_inputs(home: Path, job_id: str) -> None:
    """Drop a finished job's input files (the catalog keeps what provenance needs)."""
    shutil.rmtree(job_dir(home, job_id), ignore_errors=True)


def _decode(data: bytes, what: str) -> Image.Image:
    try:
        img = Image.open(io.BytesIO(data))
        img.load()
    except Exception as exc:  # the bytes were validated at submit; a failure here means damage on disk
        raise InvalidImage(f"The stored {what} of this job cannot be decoded: {exc}") from exc
    return img


def spec_from_json(home: Path, job_id: str, data: dict[str, Any]) -> GenerateSpec:
    """Rebuild the spec persisted by ``spec_to_json`` + ``write_inputs``."""
    fields = {name: data[name] for name in _GENERATE_FIELDS if name in data}
    if fields.get("extra") is None:
        fields["extra"] = {}
    if data.get("kind") != "edit":
        return GenerateSpec(**fields)
    folder = job_dir(home, job_id)
    images: list[InputImage] = []
    for i, meta in enumerate(data.get("images") or []):
        path = folder / f"input_{i}.bin"
        try:
            raw = path.read_bytes()
        except FileNotFoundError as exc:
            raise InvalidImage(f"Input image {i} of this job is missing from the job store.") from exc
        if hashlib.sha256(raw).hexdigest() != meta.get("sha256"):
            raise InvalidImage(f"Input image {i} of this job changed on disk since it was submitted.")
        images.append(InputImage(image=_decode(raw, f"input image {i}"), data=raw, sha256=meta["sha256"],
                                 asset_id=meta.get("asset_id"), plan=meta.get("plan"),
                                 filename=meta.get("filename")))
    mask = None
    if data.get("has_mask"):
        mask_path = folder / "mask.png"
        if not mask_path.exists():
            raise InvalidImage("The mask of this job is missing from the job store.")
        mask = _decode(mask_path.read_bytes(), "mask")
    return EditSpec(**fields, images=tuple(images), mask=mask, input_fidelity=data.get("input_fidelity"))
