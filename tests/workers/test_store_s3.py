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
    assert objects(s3_endpoint, bucket) == {f"tenant-a/assets/{key}": len(data)}
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
    assert report.removed_orphans == [orphan] and report.kept == 1
    assert list(objects(s3_endpoint, bucket)) == [f"tenant-a/assets/{key}"]


def test_recorder_keeps_assets_in_the_bucket(settings: Settings, s3_endpoint: str, bucket: str) -> None:
    recorder = Recorder(settings)
    data = png((10, 120, 240))
    asset, created = recorder.record_file("acme", data, prompt="blue")
    assert created and recorder.get_asset("acme", asset.asset_id).data == data
    assert list(objects(s3_endpoint, bucket)) == [f"tenant-a/assets/{storage_key(asset.sha256, 'png')}"]
    assert not [p for p in settings.assets_dir.rglob("*") if p.is_file()]  # nothing on local disk
    assert recorder.sweep(grace_s=0).removed_orphans == []
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
