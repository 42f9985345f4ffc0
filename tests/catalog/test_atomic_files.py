"""One atomic-write helper (provenance.atomic_files) for the asset store's blobs and the signing keys."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from imagegen.provenance import atomic_files
from imagegen.provenance.atomic_files import TMP_SUFFIX, temp_path, write_atomic
from imagegen.provenance.catalog import store as store_module
from imagegen.provenance.catalog.store import AssetStore
from imagegen.provenance.marks import certs


def test_replaces_whole_file_with_exact_mode(tmp_path: Path) -> None:
    target = tmp_path / "signer.key"
    target.write_bytes(b"old")
    write_atomic(target, b"new secret", mode=0o600)
    assert target.read_bytes() == b"new secret"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    write_atomic(target, b"public", mode=0o644)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["signer.key"]


def test_failed_write_keeps_the_old_file_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "blob.png"
    target.write_bytes(b"kept")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(atomic_files.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, b"never seen")
    assert target.read_bytes() == b"kept"
    assert [p.name for p in tmp_path.iterdir()] == ["blob.png"]


def test_store_and_certs_share_the_one_helper(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert store_module.write_atomic is write_atomic and certs.write_atomic is write_atomic
    calls: list[str] = []

    def counting(path: Path, data: bytes, *, mode: int | None = None) -> None:
        calls.append(f"{path.name}:{'-' if mode is None else oct(mode)}")
        write_atomic(path, data, mode=mode)

    monkeypatch.setattr(store_module, "write_atomic", counting)
    monkeypatch.setattr(certs, "write_atomic", counting)
    AssetStore(tmp_path / "assets").put(b"\x89PNG fake", "png")
    certs.load_or_create_signer(tmp_path / "keys")
    assert len(calls) == 5 and calls[0].endswith(".png:-"), calls
    assert set(calls[1:]) == {f"{certs.ROOT_KEY}:0o600", f"{certs.LEAF_KEY}:0o600",
                                       f"{certs.LEAF_CERT}:0o644", f"{certs.ROOT_CERT}:0o644"}


def test_the_sweep_knows_the_helpers_temp_files(tmp_path: Path) -> None:
    store = AssetStore(tmp_path / "assets")
    _sha, key = store.put(b"blob", "png")
    leftover = temp_path(store.path(key))  # what a writer killed before its rename leaves behind
    leftover.write_bytes(b"half")
    old = time.time() - 7200
    os.utime(leftover, (old, old))
    assert leftover.name.endswith(TMP_SUFFIX)
    report = store.sweep(lambda keys: set(keys), grace_s=3600)
    assert report.removed_temp == [leftover.relative_to(store.root).as_posix()]
    assert store.exists(key) and not leftover.exists()
