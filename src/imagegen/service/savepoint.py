"""``SavePoint``: the typed protocol of the single save point (``provenance.catalog.recorder.Recorder``).

The service, its job runner and the catalog facade talk to the save point only through this protocol, so a
test can hand the service a subclass or a fake and the type checker says what it must offer.
"""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy.orm import Session, sessionmaker

from imagegen.contract.specs import InputImage
from imagegen.engines.base import EngineResult
from imagegen.provenance.catalog.store import AssetStore, SweepReport
from imagegen.provenance.records import RecordContext, StoredAsset


class SavePoint(Protocol):
    """What every front door may ask of the save point: record, look up, read files, sweep the store."""

    #: sessions on the catalog database (the catalog facade reads through them, always tenant-scoped)
    sessions: sessionmaker[Session]
    #: the content-addressed file store the catalog rows point into
    store: AssetStore

    @property
    def signer(self) -> Any:
        """The C2PA signer (its ``root_cert_pem`` is the trust anchor verification uses)."""
        ...

    def record(self, ctx: RecordContext, result: EngineResult) -> list[StoredAsset]:
        """Finalize, store and catalog every image of an engine result."""
        ...

    def recorded_for_job(self, tenant_id: str, job_id: str) -> list[StoredAsset]:
        """The assets an earlier attempt of a job already recorded (a rerun reuses them)."""
        ...

    def match_input(self, tenant_id: str, data: bytes) -> InputImage | None:
        """The catalog's view (asset id, plan) of uploaded bytes that are one of the tenant's assets."""
        ...

    def get_asset(self, tenant_id: str, asset_id: str) -> StoredAsset:
        """A stored file of the tenant (``NotFound`` for unknown ids and other tenants' ids)."""
        ...

    def load_input(self, tenant_id: str, asset_id: str) -> InputImage:
        """An asset as an edit input (pixels, bytes, stored plan)."""
        ...

    def sweep(self, *, grace_s: float = ..., full: bool = ...) -> SweepReport:
        """Remove store files no catalog row references."""
        ...
