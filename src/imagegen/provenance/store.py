"""Content-addressed asset store on local disk: ``<assets_dir>/ab/cd/<sha256>.<ext>``.

Crash protocol (the file is always written before its catalog row, never the other way round):

1. ``put`` writes the bytes to a temp file in the final directory, fsyncs it, ``os.replace``s it onto the
   content address (atomic on POSIX) and fsyncs the directory. Same bytes -> same name: idempotent.
2. The caller then inserts the catalog row in one transaction. A crash before the commit leaves at most an
   unreferenced file (or a temp file), never a row without its file.
3. ``sweep`` (run at server start and by ``imagegen doctor``) deletes temp files and files that no catalog row
   references, once they are older than a grace period, so a write in flight in another process (file
   written, row not yet committed) is never swept.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

TMP_SUFFIX = ".tmp"
#: files younger than this are never swept: a concurrent writer may not have committed its row yet
DEFAULT_GRACE_S = 3600.0


def storage_key(sha256: str, ext: str) -> str:
    """The relative path of a blob: two levels of fan-out keep directories small."""
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}.{ext.lstrip('.').lower()}"


@dataclass
class SweepReport:
    """What a sweep removed (relative keys) and how many files it kept."""

    removed_orphans: list[str] = field(default_factory=list)
    removed_temp: list[str] = field(default_factory=list)
    kept: int = 0


class AssetStore:
    """Blobs addressed by their sha256; no catalog knowledge (the recorder pairs them with rows)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, key: str) -> Path:
        """Absolute path of ``key``; refuses keys that would leave the store."""
        p = (self.root / key).resolve()
        if self.root.resolve() not in p.parents:
            raise ValueError(f"storage key outside the store: {key!r}")
        return p

    def put(self, data: bytes, ext: str) -> tuple[str, str]:
        """Store ``data`` atomically; returns ``(sha256, key)``. Writing the same bytes twice is a no-op."""
        sha = hashlib.sha256(data).hexdigest()
        key = storage_key(sha, ext)
        final = self.root / key
        if final.exists() and final.stat().st_size == len(data):
            return sha, key
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = final.parent / f".{final.name}.{secrets.token_hex(4)}{TMP_SUFFIX}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, final)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        _fsync_dir(final.parent)
        return sha, key

    def read(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def iter_files(self) -> Iterator[tuple[str, float, bool]]:
        """Every file under the store as ``(key, mtime, is_temp)``."""
        if not self.root.is_dir():
            return
        for dirpath, _dirs, files in os.walk(self.root):
            for name in files:
                p = Path(dirpath) / name
                try:
                    mtime = p.stat().st_mtime
                except FileNotFoundError:
                    continue
                yield p.relative_to(self.root).as_posix(), mtime, name.endswith(TMP_SUFFIX)

    def sweep(
        self,
        referenced: Callable[[Iterable[str]], set[str]],
        *,
        grace_s: float = DEFAULT_GRACE_S,
        now: float | None = None,
    ) -> SweepReport:
        """Delete temp files and unreferenced blobs older than ``grace_s``.

        ``referenced(keys)`` returns the subset of ``keys`` that some catalog row points at.
        """
        now = time.time() if now is None else now
        report = SweepReport()
        candidates: list[str] = []
        for key, mtime, is_temp in self.iter_files():
            if now - mtime < grace_s:
                report.kept += 1
            elif is_temp:
                (self.root / key).unlink(missing_ok=True)
                report.removed_temp.append(key)
            else:
                candidates.append(key)
        for i in range(0, len(candidates), 500):
            chunk = candidates[i : i + 500]
            used = referenced(chunk)
            for key in chunk:
                if key in used:
                    report.kept += 1
                else:
                    (self.root / key).unlink(missing_ok=True)
                    report.removed_orphans.append(key)
        return report


def _fsync_dir(path: Path) -> None:
    # the rename is durable only once the directory entry is on disk
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
