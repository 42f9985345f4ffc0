"""Content-addressed asset store: blobs named ``ab/cd/<sha256>.<ext>``, kept on local disk or in S3.

``AssetStore`` holds the rules (content addressing, idempotent writes, the sweep); a ``BlobBackend`` holds
the bytes. Two backends, chosen by configuration (``open_store``, ``IMAGEGEN_STORE_URL``):

- ``LocalFiles``: a folder (default ``IMAGEGEN_HOME/assets``; ``file:///path``): the embedded default.
- ``S3Objects``: S3-compatible object storage (``s3://bucket/prefix``: AWS S3, MinIO, Ceph RGW, R2...),
  so workers on several machines share one store (docs/deploy.md).

Catalog rows keep the relative key, never a backend location, so a deployment can move its blobs from one
backend to the other by copying them under the same keys.

Crash protocol (the blob is always written before its catalog row, never the other way round):

1. ``put`` writes the bytes under their content address atomically (local: temp file in the final folder,
   fsync, ``os.replace``, fsync of the folder; S3: a pending marker ``_pending/<key>`` then one PUT, which
   is atomic and durable when it returns). Same bytes -> same key: writing twice is a no-op.
2. The caller then inserts the catalog row in one transaction. A crash before the commit leaves at most an
   unreferenced blob (or a local temp file), never a row without its blob.
3. ``sweep`` (run in the background when a server or worker starts, and by ``imagegen sweep``) deletes temp
   files and blobs that no catalog row references, once they are older than a grace period, so a write in
   flight in another process (blob written, row not yet committed) is never swept. One store per catalog: a
   sweep deletes whatever the catalog it is given does not reference.

The local sweep walks the folder. An S3 bucket may hold millions of objects, and listing them all costs
time and requests on every start, so its sweep is *incremental*: it lists only the pending markers (the
writes since the last sweep, at most ``SWEEP_MAX_PENDING`` per run; the rest wait for the next), removes
the blob of every old marker no catalog row references, and removes the marker either way. ``imagegen
sweep --full`` walks the whole prefix (blobs written before the markers existed, or a store repaired by
hand).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

from imagegen.contract.errors import EngineUnavailable, InvalidValue
from imagegen.provenance.atomic_files import TMP_SUFFIX, write_atomic

if TYPE_CHECKING:
    from imagegen.config import Settings

log = logging.getLogger(__name__)

#: files younger than this are never swept: a concurrent writer may not have committed its row yet
DEFAULT_GRACE_S = 3600.0
#: an S3 sweep looks at no more pending markers than this per run (1,000 per listed page); the rest next run
SWEEP_MAX_PENDING = 10_000
#: where an S3 store marks a write before it makes it (``_pending/<key>``), under the store's prefix
PENDING_PREFIX = "_pending/"
CONTENT_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "jpg": "image/jpeg", "webp": "image/webp"}


def storage_key(sha256: str, ext: str) -> str:
    """The relative key of a blob: two levels of fan-out keep directories (and listings) small."""
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}.{ext.lstrip('.').lower()}"


@dataclass
class SweepReport:
    """What a sweep removed (relative keys) and how many blobs it kept."""

    removed_orphans: list[str] = field(default_factory=list)
    removed_temp: list[str] = field(default_factory=list)
    kept: int = 0
    #: "full" (every blob listed) or "pending" (only the writes since the last sweep: S3)
    mode: str = "full"
    #: pending markers left for the next run (the per-run limit was reached)
    more: bool = False


class BlobBackend(Protocol):
    """Where the bytes live. Keys are relative (``ab/cd/<sha>.png``); no catalog knowledge."""

    #: where, for logs and ``imagegen doctor`` (never credentials)
    location: str

    def write(self, key: str, data: bytes) -> None:
        """Store ``data`` under ``key`` atomically and durably (readers see all of it or nothing)."""
        ...

    def read(self, key: str) -> bytes:
        """The bytes of ``key``; ``FileNotFoundError`` when there is no such blob."""
        ...

    def size(self, key: str) -> int | None:
        """The size of ``key`` in bytes, None when there is no such blob."""
        ...

    def delete(self, key: str) -> None:
        """Remove ``key`` (no error when it is already gone)."""
        ...

    def listing(self) -> Iterator[tuple[str, float, bool]]:
        """Every blob as ``(key, modified time, is_temp)``."""
        ...

    def check(self) -> None:
        """Raise ``EngineUnavailable`` when the backend cannot be reached or written (fail fast at start)."""
        ...


class JournaledBackend(BlobBackend, Protocol):
    """A backend that marks each write before it makes it, so a sweep need only look at the marks."""

    def pending(self, limit: int) -> Iterator[tuple[str, float]]:
        """Up to ``limit`` marked writes as ``(key, time of the mark)``, in key order."""
        ...

    def clear_pending(self, key: str) -> None:
        """Drop the mark of ``key`` (its blob stays)."""
        ...


class LocalFiles:
    """Blobs as files under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.location = str(self.root)

    def path(self, key: str) -> Path:
        """Absolute path of ``key``; refuses keys that would leave the store."""
        p = (self.root / key).resolve()
        if self.root.resolve() not in p.parents:
            raise ValueError(f"storage key outside the store: {key!r}")
        return p

    def write(self, key: str, data: bytes) -> None:
        final = self.path(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(final, data)

    def read(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def size(self, key: str) -> int | None:
        try:
            p = self.path(key)
            return p.stat().st_size if p.is_file() else None
        except (OSError, ValueError):
            return None

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def listing(self) -> Iterator[tuple[str, float, bool]]:
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

    def check(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise EngineUnavailable(f"The asset store folder {self.root} cannot be created: {exc}") from exc
        if not os.access(self.root, os.W_OK):
            raise EngineUnavailable(f"The asset store folder {self.root} is not writable.")


class S3Objects:
    """Blobs as objects under ``prefix`` in an S3-compatible bucket (boto3 client; thread-safe)."""

    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.location = f"s3://{bucket}/{self.prefix}"

    def _key(self, key: str) -> str:
        if key.startswith("/") or ".." in key.split("/"):
            raise ValueError(f"storage key outside the store: {key!r}")
        return self.prefix + key

    def write(self, key: str, data: bytes) -> None:
        ext = key.rsplit(".", 1)[-1].lower()
        with self._errors("could not store the file"):
            # the mark first: a crash after the PUT and before the catalog row leaves a mark to find it by
            self.client.put_object(Bucket=self.bucket, Key=self._key(PENDING_PREFIX + key), Body=b"")
            self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data,
                                   ContentType=CONTENT_TYPES.get(ext, "application/octet-stream"))

    def read(self, key: str) -> bytes:
        with self._errors("could not read the file"):
            try:
                obj = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
            except Exception as exc:
                if _not_found(exc):
                    raise FileNotFoundError(key) from exc
                raise
            return bytes(obj["Body"].read())

    def size(self, key: str) -> int | None:
        with self._errors("could not look the file up"):
            try:
                head = self.client.head_object(Bucket=self.bucket, Key=self._key(key))
            except Exception as exc:
                if _not_found(exc):
                    return None
                raise
            return int(head["ContentLength"])

    def delete(self, key: str) -> None:
        with self._errors("could not delete the file"):
            self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def listing(self) -> Iterator[tuple[str, float, bool]]:
        # the pending marks count as temp files: a full sweep drops old ones with their orphans
        for key, mtime in self._list(self.prefix, None):
            yield key, mtime, key.startswith(PENDING_PREFIX)

    def pending(self, limit: int) -> Iterator[tuple[str, float]]:
        for key, mtime in self._list(self.prefix + PENDING_PREFIX, limit):
            yield key[len(PENDING_PREFIX):], mtime

    def clear_pending(self, key: str) -> None:
        self.delete(PENDING_PREFIX + key)

    def _list(self, prefix: str, limit: int | None) -> Iterator[tuple[str, float]]:
        """``(key below the store's prefix, last modified)`` of the objects under ``prefix`` (``limit``)."""
        # a limit bounds the pages asked for too, not only what is returned from them
        config = {"PageSize": 1000} if limit is None else {"PageSize": min(1000, limit), "MaxItems": limit}
        with self._errors("could not list its files"):
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=prefix, PaginationConfig=config)
            for page in pages:
                for obj in page.get("Contents", ()):
                    yield obj["Key"][len(self.prefix):], obj["LastModified"].timestamp()

    def check(self) -> None:
        with self._errors("could not be reached"):
            self.client.head_bucket(Bucket=self.bucket)

    @contextlib.contextmanager
    def _errors(self, what: str) -> Iterator[None]:
        """Client and network errors become ``EngineUnavailable`` (logged in full, answered briefly)."""
        try:
            yield
        except (FileNotFoundError, ValueError, EngineUnavailable):
            raise
        except Exception as exc:
            log.error("asset store %s %s: %s", self.location, what, exc)
            raise EngineUnavailable(f"The asset store {what}; try again later.") from exc


def _not_found(exc: Exception) -> bool:
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return False
    code = str(response.get("Error", {}).get("Code", ""))
    return code in ("404", "NoSuchKey", "NotFound")


class AssetStore:
    """Blobs addressed by their sha256 on a ``BlobBackend`` (a local folder by default).

    ``AssetStore(root)`` is the local store under ``root``; ``AssetStore(backend=...)`` any other."""

    def __init__(self, root: Path | None = None, *, backend: BlobBackend | None = None) -> None:
        if backend is None:
            if root is None:
                raise ValueError("AssetStore needs a root folder or a backend")
            backend = LocalFiles(Path(root))
        self.backend: BlobBackend = backend

    @property
    def location(self) -> str:
        return self.backend.location

    @property
    def root(self) -> Path:
        """The folder of a local store (``ValueError`` for other backends)."""
        if not isinstance(self.backend, LocalFiles):
            raise ValueError(f"the asset store at {self.location} has no local folder")
        return self.backend.root

    def path(self, key: str) -> Path:
        """Absolute path of ``key`` in a local store (``ValueError`` outside it, or for other backends)."""
        if not isinstance(self.backend, LocalFiles):
            raise ValueError(f"the asset store at {self.location} has no local paths")
        return self.backend.path(key)

    def put(self, data: bytes, ext: str) -> tuple[str, str]:
        """Store ``data`` atomically; returns ``(sha256, key)``. Writing the same bytes twice is a no-op."""
        sha = hashlib.sha256(data).hexdigest()
        key = storage_key(sha, ext)
        if self.backend.size(key) != len(data):
            self.backend.write(key, data)
        return sha, key

    def read(self, key: str) -> bytes:
        """The bytes of ``key`` (``FileNotFoundError`` when the blob is gone)."""
        return self.backend.read(key)

    def exists(self, key: str) -> bool:
        return self.backend.size(key) is not None

    def check(self) -> None:
        """Fail fast (``EngineUnavailable``) when the store cannot be reached."""
        self.backend.check()

    def iter_files(self) -> Iterator[tuple[str, float, bool]]:
        """Every blob in the store as ``(key, mtime, is_temp)``."""
        return self.backend.listing()

    def sweep(
        self,
        referenced: Callable[[Iterable[str]], set[str]],
        *,
        grace_s: float = DEFAULT_GRACE_S,
        now: float | None = None,
        full: bool = False,
        max_pending: int = SWEEP_MAX_PENDING,
    ) -> SweepReport:
        """Delete temp files and unreferenced blobs older than ``grace_s``.

        ``referenced(keys)`` returns the subset of ``keys`` that some catalog row points at. A journaled
        backend (S3) looks only at its pending marks, at most ``max_pending`` of them, unless ``full``.
        """
        now = time.time() if now is None else now
        backend = self.backend
        if not full and isinstance(backend, S3Objects):
            return self._sweep_pending(backend, referenced, grace_s=grace_s, now=now, limit=max_pending)
        report = SweepReport()
        candidates: list[str] = []
        for key, mtime, is_temp in self.iter_files():
            if now - mtime < grace_s:
                report.kept += 1
            elif is_temp:
                self.backend.delete(key)
                report.removed_temp.append(key)
            else:
                candidates.append(key)
        _drop_unreferenced(backend, referenced, candidates, report)
        return report


    @staticmethod
    def _sweep_pending(backend: JournaledBackend, referenced: Callable[[Iterable[str]], set[str]], *,
                       grace_s: float, now: float, limit: int) -> SweepReport:
        """The incremental sweep (module docstring): old marks only; the mark goes, an orphan with it."""
        report = SweepReport(mode="pending")
        old: list[str] = []
        seen = 0
        for key, marked_at in backend.pending(limit):
            seen += 1
            if now - marked_at < grace_s:
                report.kept += 1  # a write in flight: its row may not be committed yet
            else:
                old.append(key)
        report.more = seen >= limit
        _drop_unreferenced(backend, referenced, old, report, then=backend.clear_pending)
        return report


def open_store(settings: Settings) -> AssetStore:
    """The asset store ``settings`` name: ``IMAGEGEN_STORE_URL`` (``s3://bucket/prefix`` or
    ``file:///path``), else the local folder ``IMAGEGEN_HOME/assets``.

    S3 settings (all optional): ``IMAGEGEN_S3_ENDPOINT_URL`` (MinIO and other S3-compatible servers),
    ``IMAGEGEN_S3_REGION``, ``IMAGEGEN_S3_ACCESS_KEY_ID`` + ``IMAGEGEN_S3_SECRET_ACCESS_KEY`` (else the
    usual AWS credential chain: ``AWS_*`` variables, profile, instance role), ``IMAGEGEN_S3_ADDRESSING_STYLE``
    (``path``, ``virtual`` or ``auto``; default ``path`` with an endpoint URL, else ``auto``)."""
    url = settings.store_url
    if not url:
        return AssetStore(settings.assets_dir)
    parts = urlsplit(url)
    if parts.scheme == "file":
        if not parts.path:
            raise InvalidValue("IMAGEGEN_STORE_URL file:// needs an absolute path, e.g. file:///srv/assets.",
                               param="store_url")
        return AssetStore(Path(parts.path))
    if parts.scheme == "s3":
        if not parts.netloc:
            raise InvalidValue("IMAGEGEN_STORE_URL must name a bucket: s3://BUCKET[/PREFIX].",
                               param="store_url")
        return AssetStore(backend=S3Objects(_s3_client(settings.extra), parts.netloc, parts.path))
    raise InvalidValue(f"IMAGEGEN_STORE_URL must start with s3:// or file://, got {parts.scheme or url!r}.",
                       param="store_url")


def _s3_client(extra: dict[str, str]) -> Any:
    try:
        import boto3
        from botocore.config import Config
    except ImportError as exc:
        raise EngineUnavailable("The S3 asset store needs boto3: pip install 'imagegen[s3]'.") from exc
    endpoint = extra.get("s3_endpoint_url") or None
    style = extra.get("s3_addressing_style") or ("path" if endpoint else "auto")
    if style not in ("path", "virtual", "auto"):
        raise InvalidValue("IMAGEGEN_S3_ADDRESSING_STYLE must be path, virtual or auto.",
                           param="s3_addressing_style")
    key_id, secret = extra.get("s3_access_key_id") or None, extra.get("s3_secret_access_key") or None
    if (key_id is None) != (secret is None):
        raise InvalidValue("Set both IMAGEGEN_S3_ACCESS_KEY_ID and IMAGEGEN_S3_SECRET_ACCESS_KEY, "
                           "or neither.", param="s3_access_key_id")
    config = Config(s3={"addressing_style": style}, retries={"max_attempts": 5, "mode": "standard"},
                    connect_timeout=5, read_timeout=60, max_pool_connections=32)
    # a session per store: boto3's default session is not thread-safe, its clients are
    session = boto3.session.Session()
    return session.client("s3", endpoint_url=endpoint, region_name=extra.get("s3_region") or None,
                          aws_access_key_id=key_id, aws_secret_access_key=secret, config=config)


def _drop_unreferenced(
    backend: BlobBackend,
    referenced: Callable[[Iterable[str]], set[str]],
    keys: list[str],
    report: SweepReport,
    *,
    then: Callable[[str], None] | None = None,
) -> None:
    """Delete the ``keys`` no catalog row references (asked 500 at a time), keep the others, and call
    ``then(key)`` after each key is settled either way (a journaled backend drops its pending mark)."""
    for i in range(0, len(keys), 500):
        chunk = keys[i : i + 500]
        used = referenced(chunk)
        for key in chunk:
            if key in used:
                report.kept += 1
            else:
                backend.delete(key)
                report.removed_orphans.append(key)
            if then is not None:
                then(key)
