"""Ingest a folder of images made elsewhere (ComfyUI, A1111, C2PA-signed tools, imagegen itself).

Rules: source files are only ever opened read-only and never modified; a file is identified by its sha256
(a second run adds nothing); a symlink that resolves outside the folder is refused; an unreadable file is
reported with its reason and the batch goes on. imagegen's own files (an asset id in the text record/XMP
that this tenant owns) are linked to their existing asset, not duplicated. ``watch`` keeps ingesting files
as they appear (watchdog), once each file has stopped changing.
"""

from __future__ import annotations

import io
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from imagegen.provenance.catalog.ingest_formats import (
    Extracted,
    exif_user_comment,
    parse_a1111,
    parse_c2pa,
    parse_comfyui,
)
from imagegen.provenance.catalog.recorder import CONTENT_TYPES, Recorder, sniff_format
from imagegen.provenance.catalog.trace import embedded_asset_ids
from imagegen.provenance.records import DST_TRAINED

EXTENSIONS = {".png", ".jpg", ".jpeg", ".webp"}
MAX_BYTES = 200 * 1024 * 1024


@dataclass
class IngestReport:
    """What one run did: new assets, files linked to existing ones, duplicates, and failures with reasons."""

    added: list[tuple[str, str]] = field(default_factory=list)
    linked: list[tuple[str, str]] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    skipped: int = 0

    def merge(self, other: IngestReport) -> None:
        self.added += other.added
        self.linked += other.linked
        self.duplicates += other.duplicates
        self.failed += other.failed
        self.skipped += other.skipped

    def to_json(self) -> dict[str, Any]:
        return {
            "added": len(self.added),
            "linked": len(self.linked),
            "duplicates": len(self.duplicates),
            "failed": len(self.failed),
            "skipped": self.skipped,
            "assets": [{"path": p, "asset_id": a} for p, a in self.added],
            "links": [{"path": p, "asset_id": a} for p, a in self.linked],
            "errors": [{"path": p, "reason": r} for p, r in self.failed],
        }


def _read_inside(root: Path, path: Path) -> bytes:
    """The bytes of ``path`` if it (after resolving links) lies inside ``root``; opened read-only."""
    real = path.resolve()
    if real != root and root not in real.parents:
        raise PermissionError("symlink points outside the ingested folder")
    if not real.is_file():
        raise ValueError("not a regular file")
    if real.stat().st_size > MAX_BYTES:
        raise ValueError(f"larger than {MAX_BYTES // (1024 * 1024)} MiB")
    with open(real, "rb") as fh:
        return fh.read()


def extract(data: bytes, fmt: str) -> Extracted:
    """Everything the file says about its making: ComfyUI, then A1111, then C2PA (which adds to either)."""
    with Image.open(io.BytesIO(data)) as img:
        img.load()
        info = dict(img.info)
        params_text = info.get("parameters") if isinstance(info.get("parameters"), str) else None
        if params_text is None and fmt in ("jpeg", "webp"):
            params_text = exif_user_comment(img)
    ex = Extracted()
    if isinstance(info.get("prompt"), str):
        ex = parse_comfyui(
            info["prompt"], info.get("workflow") if isinstance(info.get("workflow"), str) else None
        )
        ex.digital_source_type = DST_TRAINED
    elif params_text and "Steps:" in params_text:
        ex = parse_a1111(params_text)
        ex.digital_source_type = DST_TRAINED
    c2 = parse_c2pa(data, CONTENT_TYPES[fmt])
    if c2 is not None:
        ex.original |= c2.original
        ex.generator = c2.generator
        ex.ingredient_ids = c2.ingredient_ids
        ex.digital_source_type = c2.digital_source_type or ex.digital_source_type
        if ex.kind == "unknown":
            ex.kind = "c2pa"
    return ex


def ingest_file(recorder: Recorder, tenant_id: str, root: Path, path: Path) -> IngestReport:
    """Ingest one file under ``root`` (see module rules). Never raises for a bad file: it is reported."""
    report = IngestReport()
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    if path.suffix.lower() not in EXTENSIONS:
        report.skipped += 1
        return report
    try:
        data = _read_inside(root, path)
        fmt = sniff_format(data)
        existing = recorder.match_asset(tenant_id, data)
        if existing is not None:
            report.duplicates.append((rel, existing.asset_id))
            return report
        own_ids = embedded_asset_ids(data)
        for aid in own_ids:
            try:
                recorder.get_asset(tenant_id, aid)
            except Exception:
                continue
            # an imagegen file of ours (maybe re-saved): link it, do not catalog a duplicate
            report.linked.append((rel, aid))
            return report
        ex = extract(data, fmt)
        engine = {"comfyui": "comfyui", "a1111": "a1111", "c2pa": "c2pa"}.get(ex.kind, "unknown")
        asset, created = recorder.record_file(
            tenant_id,
            data,
            source="ingested",
            prompt=ex.prompt,
            negative_prompt=ex.negative_prompt,
            requested_model=ex.models[0] if ex.models else "",
            engine=engine,
            engine_version="",
            backend=ex.generator or ", ".join(ex.models),
            seed=ex.seeds[0] if ex.seeds else None,
            params=ex.params | {"models": ex.models, "seeds": ex.seeds},
            extra={"format": ex.kind, "filename": rel, "original": ex.original, "claims_asset_ids": own_ids},
            parents=tuple(ex.ingredient_ids),
            digital_source_type=ex.digital_source_type,
        )
        (report.added if created else report.duplicates).append((rel, asset.asset_id))
    except Exception as exc:  # one bad file must not stop the batch: report why
        report.failed.append((rel, f"{type(exc).__name__}: {exc}"))
    return report


def iter_files(root: Path) -> Iterable[Path]:
    """Files under ``root`` in a stable order, without following directory symlinks."""
    for dirpath, dirs, files in os.walk(root, followlinks=False):
        dirs.sort()
        for name in sorted(files):
            yield Path(dirpath) / name


def ingest_dir(recorder: Recorder, tenant_id: str, folder: Path) -> IngestReport:
    """Ingest every image under ``folder`` (recursively)."""
    root = Path(folder).resolve()
    if not root.is_dir():
        raise FileNotFoundError(f"not a folder: {folder}")
    report = IngestReport()
    for path in iter_files(root):
        report.merge(ingest_file(recorder, tenant_id, root, path))
    return report


def watch(
    recorder: Recorder,
    tenant_id: str,
    folder: Path,
    on_report: Callable[[IngestReport], None],
    stop: threading.Event,
    *,
    settle_s: float = 0.5,
    ready: threading.Event | None = None,
) -> None:
    """Ingest new or moved-in files until ``stop`` is set, each once it has been quiet ``settle_s``.
    ``ready`` is set once the folder is being watched: a file that appears after that is seen."""
    from watchdog.events import FileSystemEvent, FileSystemEventHandler
    from watchdog.observers import Observer

    root = Path(folder).resolve()
    seen: queue.Queue[Path] = queue.Queue()

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            if event.is_directory or event.event_type not in ("created", "modified", "moved", "closed"):
                return
            target = getattr(event, "dest_path", "") or event.src_path
            seen.put(Path(os.fsdecode(target)))

    observer = Observer()
    observer.schedule(Handler(), str(root), recursive=True)
    observer.start()  # the folder's watches are in place when this returns
    if ready is not None:
        ready.set()
    pending: dict[Path, float] = {}
    try:
        while not stop.is_set():
            try:
                while True:
                    p = seen.get_nowait()
                    pending[p] = time.monotonic()
            except queue.Empty:
                pass
            now = time.monotonic()
            for p, t in list(pending.items()):
                if now - t < settle_s:
                    continue
                del pending[p]
                if p.exists() or p.is_symlink():
                    on_report(ingest_file(recorder, tenant_id, root, p))
            stop.wait(0.1)
    finally:
        observer.stop()
        observer.join(timeout=5)
