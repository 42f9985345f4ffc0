"""The asset store on a real S3-compatible server (moto on loopback) and the choice of store by settings."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from workers_helpers import S3_REGION, free_port, s3_client, s3_settings

from imagegen.config import Settings
from imagegen.contract.errors import EngineUnavailable, InvalidValue, NotFound
from imagegen.db.engine import dispose_all
from imagegen.provenance.catalog.recorder import Recorder
from imagegen.provenance.catalog.store import AssetStore, LocalFiles, S3Objects, open_store, storage_key


def png(color: tuple[int, int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (48, 32), color).save(buf, format="PNG")
    return buf.getvalue()


@pytest.fixture
def settings(tmp_path: Path, s3_endpoint: str, bucket: str) -> Iterator[Settings]:
    home = tmp_path / "home"
    yield Settings(home=home, database_url=f"sqlite:///{home / 'imagegen.db'}",
                   extra=s3_settings(s3_endpoint, bucket, prefix="tenant-a/assets"))
    dispose_all()


def objects(endpoint: str, bucket: str) -> dict[str, int]:
    listing = s3_client(endpoint).list_objects_v2(Bucket=bucket)
    return {o["Key"]: o["Size"] for o in listing.get("Contents", ())}


def test_put_read_idempotent_and_sweep(settings: Settings, s3_endpoint: str, bucket: str) -> None:
    store = open_store(settings)
    assert isinstance(store.backend, S3Objects) and store.location == f"s3://{bucket}/tenant-a/assets/"
    store.check()
    data = png((200, 10, 10))
    sha, key = store.put(data, "png")
    assert key == storage_key(sha, "png") and store.exists(key) and store.read(key) == data
    assert store.put(data, "png") == (sha, key)  # same bytes, same object, written once
    # the write is marked pending (for the incremental sweep) before it is made
    assert objects(s3_endpoint, bucket) == {f"tenant-a/assets/{key}": len(data),
                                            f"tenant-a/assets/_pending/{key}": 0}
    with pytest.raises(FileNotFoundError):
        store.read(storage_key("0" * 64, "png"))
    assert not store.exists(storage_key("0" * 64, "png"))
    with pytest.raises(ValueError):
        store.read("../outside.png")
    with pytest.raises(ValueError, match="no local paths"):
        store.path(key)
    # the sweep keeps referenced and young objects, removes old orphans
    _, orphan = store.put(png((1, 2, 3)), "png")
    young = store.sweep(lambda keys: set(), grace_s=3600)
    assert young.removed_orphans == [] and young.kept == 2
    report = store.sweep(lambda keys: {k for k in keys if k == key}, grace_s=0, now=time.time() + 5)
    assert report.removed_orphans == [orphan] and report.kept == 1 and report.mode == "pending"
    assert list(objects(s3_endpoint, bucket)) == [f"tenant-a/assets/{key}"]  # the marks went too


class ListCalls:
    """Every ListObjectsV2 the store's own client sends to the server: (Prefix, keys in the answer)."""

    def __init__(self, store: AssetStore) -> None:
        assert isinstance(store.backend, S3Objects)
        self.calls: list[tuple[str, int]] = []
        self._prefix = ""
        events = store.backend.client.meta.events
        events.register("provide-client-params.s3.ListObjectsV2", self._params)
        events.register("after-call.s3.ListObjectsV2", self._answer)

    def _params(self, params: dict, **_: object) -> None:
        self._prefix = params.get("Prefix", "")

    def _answer(self, parsed: dict, **_: object) -> None:
        self.calls.append((self._prefix, len(parsed.get("Contents", ()))))

    def take(self) -> list[tuple[str, int]]:
        calls, self.calls = self.calls, []
        return calls


def test_start_sweep_lists_only_the_writes_since_the_last(settings: Settings, s3_endpoint: str,
                                                          bucket: str) -> None:
    """A bucket of committed assets is never listed again: each sweep reads the pending marks (bounded per
    run), and ``full`` still walks everything (blobs from before the marks)."""
    store = open_store(settings)
    client = s3_client(s3_endpoint)
    # 40 committed assets from an earlier life of the store (no marks), one of them an orphan
    existing = [storage_key(f"{i:064x}", "png") for i in range(40)]
    for key in existing:
        client.put_object(Bucket=bucket, Key=f"tenant-a/assets/{key}", Body=b"old")
    kept = set(existing[1:])
    written = [store.put(png((i, 0, 0)), "png")[1] for i in range(5)]
    orphans = written[:2]
    kept |= set(written[2:])

    def referenced(keys: object) -> set[str]:
        return kept & set(keys)  # type: ignore[arg-type]

    lists = ListCalls(store)
    later = time.time() + 5
    first = store.sweep(referenced, grace_s=0, now=later, max_pending=2)
    assert first.mode == "pending" and first.more and len(first.removed_orphans) + first.kept == 2
    assert lists.take() == [("tenant-a/assets/_pending/", 2)]  # one page of two marks, nothing else
    rest = store.sweep(referenced, grace_s=0, now=later, max_pending=2)
    last = store.sweep(referenced, grace_s=0, now=later, max_pending=2)
    assert sorted(first.removed_orphans + rest.removed_orphans + last.removed_orphans) == sorted(orphans)
    assert (rest.more, last.more) == (True, False)
    assert lists.take() == [("tenant-a/assets/_pending/", 2), ("tenant-a/assets/_pending/", 1)]
    # nothing written since: the next start lists an empty prefix
    idle = store.sweep(referenced, grace_s=0, now=later)
    assert (idle.removed_orphans, idle.kept, idle.more) == ([], 0, False)
    assert lists.take() == [("tenant-a/assets/_pending/", 0)]
    left = objects(s3_endpoint, bucket)
    assert not [k for k in left if "/_pending/" in k]
    assert f"tenant-a/assets/{existing[0]}" in left  # an orphan without a mark waits for a full sweep
    full = store.sweep(referenced, grace_s=0, now=later, full=True)
    assert full.mode == "full" and full.removed_orphans == [existing[0]]
    assert lists.take() == [("tenant-a/assets/", 43)]
    assert set(objects(s3_endpoint, bucket)) == {f"tenant-a/assets/{k}" for k in kept}


def test_recorder_keeps_assets_in_the_bucket(settings: Settings, s3_endpoint: str, bucket: str) -> None:
    recorder = Recorder(settings)
    data = png((10, 120, 240))
    asset, created = recorder.record_file("acme", data, prompt="blue")
    assert created and recorder.get_asset("acme", asset.asset_id).data == data
    blob = f"tenant-a/assets/{storage_key(asset.sha256, 'png')}"
    assert set(objects(s3_endpoint, bucket)) == {blob, blob.replace("assets/", "assets/_pending/")}
    assert not [p for p in settings.assets_dir.rglob("*") if p.is_file()]  # nothing on local disk
    assert recorder.sweep(grace_s=0).removed_orphans == []
    assert list(objects(s3_endpoint, bucket)) == [blob]  # its row is committed: the mark is dropped
    # a blob gone from the bucket is the catalog's NotFound, not a server error
    key = f"tenant-a/assets/{storage_key(asset.sha256, 'png')}"
    s3_client(s3_endpoint).delete_object(Bucket=bucket, Key=key)

    with pytest.raises(NotFound, match="missing from the store"):
        recorder.get_asset("acme", asset.asset_id)


def test_unreachable_store_is_a_503_not_a_crash() -> None:
    import boto3
    from botocore.config import Config

    client = boto3.session.Session().client(
        "s3", endpoint_url=f"http://127.0.0.1:{free_port()}", region_name=S3_REGION,
        aws_access_key_id="k", aws_secret_access_key="s",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=1))
    store = AssetStore(backend=S3Objects(client, "nowhere"))
    for call in (store.check, lambda: store.put(b"x", "png"), lambda: store.read("ab/cd/x.png")):
        with pytest.raises(EngineUnavailable) as info:
            call()
        assert "127.0.0.1" not in info.value.message  # internals stay in the log


def test_missing_bucket_fails_the_start_check(s3_endpoint: str, tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, database_url="sqlite://",
                        extra=s3_settings(s3_endpoint, "no-such-bucket"))
    with pytest.raises(EngineUnavailable):
        open_store(settings).check()


def test_store_chosen_by_settings(tmp_path: Path) -> None:
    def store_for(**extra: str) -> AssetStore:
        return open_store(Settings(home=tmp_path / "home", database_url="sqlite://", extra=extra))

    default = store_for()
    assert isinstance(default.backend, LocalFiles) and default.root == tmp_path / "home" / "assets"
    custom = store_for(store_url=f"file://{tmp_path / 'blobs'}")
    assert custom.root == tmp_path / "blobs"
    _, key = custom.put(b"bytes", "png")
    assert (tmp_path / "blobs" / key).read_bytes() == b"bytes"
    s3 = store_for(store_url="s3://bucket/some/prefix/", s3_endpoint_url="http://127.0.0.1:9")
    assert s3.location == "s3://bucket/some/prefix/"
    for bad in ({"store_url": "ftp://x"}, {"store_url": "s3:///prefix"}, {"store_url": "file://"},
                {"store_url": "s3://b", "s3_access_key_id": "only-the-id"},
                {"store_url": "s3://b", "s3_addressing_style": "sideways"}):
        with pytest.raises(InvalidValue):
            store_for(**bad)
