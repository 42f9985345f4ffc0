"""Writing a file so that readers see all of it or nothing, and a crash never leaves it half-written.

The one helper for the asset store's local blobs (``catalog.store.LocalFiles``) and the signing keys and
certificates (``marks.certs``); it lives beside both so neither imports the other (``.importlinter``:
the marks never import the catalog).

``write_atomic``: a temp file in the target's own folder (``.<name>.<random>.tmp``, so a rename never
crosses file systems and a sweep can tell a leftover temp from a real file), written and fsynced, given
its mode, renamed over the target with ``os.replace``, then the folder fsynced so the rename itself is
durable. A failure removes the temp file and re-raises.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

#: the suffix of a temp file ``write_atomic`` has not yet renamed (the store's sweep removes old ones)
TMP_SUFFIX = ".tmp"


def temp_path(path: Path) -> Path:
    """A fresh temp name beside ``path`` (hidden, with ``TMP_SUFFIX``)."""
    return path.parent / f".{path.name}.{secrets.token_hex(4)}{TMP_SUFFIX}"


def write_atomic(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Replace ``path`` with ``data`` atomically and durably (module docstring).

    ``mode``: the file's exact permission bits (``0o600`` for a private key); None: ``0o644`` less the
    process umask, as a plain ``open`` would."""
    tmp = temp_path(path)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if mode is not None else 0o644)
    try:
        with os.fdopen(fd, "wb") as fh:
            if mode is not None:
                os.fchmod(fh.fileno(), mode)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def fsync_dir(path: Path) -> None:
    """Make the entries of folder ``path`` (a rename into it) durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
