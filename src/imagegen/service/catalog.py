"""``Catalog``: one tenant's catalog, the one facade every front door reads it through.

``Service.catalog(tenant)`` (the HTTP API, the studio) and ``open_catalog(settings, tenant)`` (the local CLI)
give the same object, so a query is written once: search and family grouping, one asset with its review
history, lineage, review decisions, usage, the disclosure export, tracing and verifying a file, the stored
bytes and cached thumbnails. Every method is scoped to the tenant it was built for; another tenant's asset
is ``NotFound`` exactly like an unknown one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Any, Literal

from sqlalchemy.orm import Session

from imagegen.config import Settings
from imagegen.provenance.catalog.family_pages import FamilyPage, family_page
from imagegen.provenance.catalog.models import Asset
from imagegen.provenance.catalog.repository import CatalogRepository
from imagegen.provenance.catalog.review import review_history, review_json, set_review
from imagegen.provenance.catalog.search import (
    GroupedResult,
    SearchPage,
    SearchQuery,
    grouped_to_json,
    iso,
    parse_bound,
    search_assets,
    search_grouped,
)
from imagegen.provenance.catalog.thumbs import ThumbnailCache
from imagegen.provenance.catalog.trace import TraceResult, trace_bytes
from imagegen.provenance.records import StoredAsset
from imagegen.service.savepoint import SavePoint

ExportFormat = Literal["csv", "json"]


@dataclass(frozen=True)
class Thumbnail:
    """A cached thumbnail (WebP) and the validator clients cache it by."""

    data: bytes
    etag: str
    content_type: str = "image/webp"


class Catalog:
    """The catalog of one tenant (see the module docstring)."""

    def __init__(self, save_point: SavePoint, tenant_id: str, thumbs: ThumbnailCache) -> None:
        if not tenant_id:
            raise ValueError("a tenant id is required")
        self.save_point = save_point
        self.tenant_id = tenant_id
        self.thumbs = thumbs

    def _session(self) -> Session:
        return self.save_point.sessions()

    # ---- search ----------------------------------------------------------------------------------------
    def _check_root(self, session: Session, q: SearchQuery) -> None:
        if q.root:
            CatalogRepository(session, self.tenant_id).get(q.root)  # NotFound across tenants

    def search(self, q: SearchQuery) -> SearchPage:
        """One keyset page of matching assets, newest first."""
        with self._session() as session:
            self._check_root(session, q)
            return search_assets(session, self.tenant_id, q)

    def families(self, q: SearchQuery, *, with_assets: bool = True) -> GroupedResult:
        """Every matching asset grouped by prompt family, largest family first."""
        with self._session() as session:
            self._check_root(session, q)
            return search_grouped(session, self.tenant_id, q, with_assets=with_assets)

    def family_page(self, q: SearchQuery) -> FamilyPage:
        """One keyset page of prompt families (``q.limit`` of them after ``q.cursor``), largest first, each
        with its newest matching assets (the studio's family view scrolls through these)."""
        with self._session() as session:
            self._check_root(session, q)
            return family_page(session, self.tenant_id, q)

    def listing(self, q: SearchQuery, *, group_by: str | None = None) -> dict[str, Any]:
        """The JSON of ``GET /v1/assets`` (a page, or families with ``group_by="family"``)."""
        if group_by == "family":
            return grouped_to_json(self.families(q))
        page = self.search(q)
        return {
            "object": "list",
            "data": page.items,
            "next_cursor": page.next_cursor,
            "has_more": page.next_cursor is not None,
        }

    # ---- one asset -------------------------------------------------------------------------------------
    def asset(self, asset_id: str) -> dict[str, Any]:
        """Everything the catalog holds about one asset, its review and review history included."""
        with self._session() as session:
            repo = CatalogRepository(session, self.tenant_id)
            return _asset_json(repo, repo.get(asset_id))

    def review(self, asset_id: str, state: object, *, by: str, comment: object = None) -> dict[str, Any]:
        """Record a review decision (draft / approved / rejected) and return the asset."""
        with self._session() as session, session.begin():
            row = set_review(session, self.tenant_id, asset_id, state, comment=comment, by=by)
            return _asset_json(CatalogRepository(session, self.tenant_id), row)

    def lineage(self, asset_id: str) -> dict[str, Any]:
        """Ancestors and descendants of an asset as two trees."""
        from imagegen.provenance.catalog.lineage import lineage

        with self._session() as session:
            return lineage(session, self.tenant_id, asset_id)

    def content(self, asset_id: str) -> StoredAsset:
        """The stored file of an asset."""
        return self.save_point.get_asset(self.tenant_id, asset_id)

    def content_as(self, asset_id: str, fmt: str) -> StoredAsset:
        """The stored file in ``fmt`` (png/jpeg/webp): the signed original in its own format, else a signed
        copy (XMP, text record, the watermark already in the pixels, a C2PA manifest with the original as
        its parent ingredient: ``provenance.catalog.copies``)."""
        from imagegen.provenance.catalog.copies import file_provenance, signed_copy

        stored = self.content(asset_id)
        if fmt == stored.output_format:
            return stored
        with self._session() as session:
            repo = CatalogRepository(session, self.tenant_id)
            prov = file_provenance(repo, repo.get(asset_id))
        return signed_copy(stored, fmt, prov, self.save_point.signer)

    def thumbnail(self, asset_id: str, size: int) -> Thumbnail:
        """A WebP thumbnail whose long edge is ``size``: made once per file and size, then read from
        the thumbnail store (one indexed lookup + one small file read)."""
        with self._session() as session:
            row = session.execute(
                CatalogRepository(session, self.tenant_id)
                .scoped(Asset.sha256, Asset.storage_key)
                .where(Asset.asset_id == asset_id)
            ).first()
        if row is None:
            from imagegen.contract.errors import NotFound

            raise NotFound(f"No asset found with id '{asset_id}'.", param="asset_id")
        sha, key = row
        data = self.thumbs.get(sha, size, lambda: self.save_point.store.read(key))
        return Thumbnail(data=data, etag=f'"{sha[:32]}-{size}"')

    def credentials(self, asset_id: str) -> dict[str, Any]:
        """What the stored file itself says: XMP, text record and the C2PA manifest with its validation
        state (Valid / Trusted / Invalid) against this server's root as trust anchor."""
        from imagegen.provenance.marks.inspect import inspect_file

        data = self.content(asset_id).data
        return inspect_file(data, trust_anchors_pem=self.save_point.signer.root_cert_pem,
                            decode_watermark=False).to_json()

    def facets(self) -> dict[str, list[str]]:
        """The distinct requested models and engines of the tenant (the studio's filter choices)."""
        with self._session() as session:
            repo = CatalogRepository(session, self.tenant_id)
            return {
                name: sorted(v for v in session.scalars(repo.scoped(column).distinct()) if v)
                for name, column in (("models", Asset.requested_model), ("engines", Asset.engine))
            }

    # ---- accounting and disclosure -------------------------------------------------------------------
    def usage(self, date_from: str | None = None, date_to: str | None = None) -> dict[str, Any]:
        """Compute seconds, credits and upstream costs over a period."""
        from imagegen.provenance.catalog.usage import usage_report

        with self._session() as session:
            return usage_report(
                session, self.tenant_id, parse_bound(date_from, upper=False), parse_bound(date_to, upper=True)
            )

    def export(
        self,
        out: IO[str],
        *,
        fmt: ExportFormat = "json",
        date_from: str | None = None,
        date_to: str | None = None,
        model: str | None = None,
        hash_prompts: bool = False,
    ) -> int:
        """Write the EU AI Act Art. 50 disclosure records (CSV or JSON) to ``out``; returns the count."""
        from imagegen.provenance.catalog.export import export_rows, write_csv, write_json

        lo, hi = parse_bound(date_from, upper=False), parse_bound(date_to, upper=True)
        with self._session() as session:
            rows = export_rows(session, self.tenant_id, date_from=lo, date_to=hi, model=model,
                               hash_prompts=hash_prompts)
            return (write_csv if fmt == "csv" else write_json)(rows, out)

    # ---- files from outside --------------------------------------------------------------------------
    def trace(self, data: bytes, *, watermark_reading: dict[str, Any] | None = None) -> TraceResult:
        """Which of the tenant's assets ``data`` is (exact bytes, metadata, watermark, perceptual hash)."""
        with self._session() as session:
            return trace_bytes(session, self.tenant_id, data, watermark_reading=watermark_reading,
                               store=self.save_point.store)

    def verify(self, data: bytes) -> dict[str, Any]:
        """XMP, C2PA state (our root as trust anchor), watermark, and the catalog entry the file traces to
        (even with its metadata stripped): what ``imagegen verify`` and the studio's drop zone show."""
        from imagegen.provenance.marks.inspect import inspect_file

        found = inspect_file(data, trust_anchors_pem=self.save_point.signer.root_cert_pem).to_json()
        doc: dict[str, Any] = {
            "inspection": found,
            "xmp": found.get("xmp"),
            "c2pa": found.get("c2pa") or {},
            "digital_source_type": found.get("digital_source_type"),
            "watermark_id": (found.get("watermark") or {}).get("asset_id"),
        }
        trace = self.trace(data, watermark_reading=found.get("watermark"))
        doc["trace"] = trace.to_json()
        doc["catalog"] = self.asset(trace.asset_id) | {"asset_id": trace.asset_id} if trace.asset_id else None
        return doc


def _asset_json(repo: CatalogRepository, a: Asset) -> dict[str, Any]:
    return {
        "id": a.asset_id,
        "object": "asset",
        "created_at": iso(a.created_at),
        "source": a.source,
        "operation": a.operation,
        "requested_model": a.requested_model,
        "engine": a.engine,
        "engine_version": a.engine_version,
        "backend": a.backend,
        "user": a.user,
        "job_id": a.job_id,
        "prompt": a.prompt,
        "negative_prompt": a.negative_prompt,
        "revised_prompt": a.revised_prompt,
        "digital_source_type": a.digital_source_type,
        "params": a.params,
        "plan": a.plan,
        "report": a.report,
        "timings": a.timings,
        "usage": a.usage,
        "upstream_cost": a.upstream_cost,
        "seed": a.seed,
        "sha256": a.sha256,
        "render_sha256": a.render_sha256,
        "phash": a.phash,
        "output_format": a.output_format,
        "content_type": a.content_type,
        "width": a.width,
        "height": a.height,
        "size_bytes": a.size_bytes,
        "watermark_id": a.watermark_id,
        "c2pa_manifest_label": a.c2pa_manifest_label,
        "family_id": a.family_id,
        "compute_seconds": a.compute_seconds,
        "cost_credits": a.cost_credits,
        "extra": a.extra,
        "parents": [{"asset_id": p, "relation": r} for p, r in repo.parents_of(a.asset_id)],
        "children": [{"asset_id": c, "relation": r} for c, r in repo.children_of(a.asset_id)],
        "review": review_json(a),
        "review_history": review_history(repo.session, repo.tenant_id, a.asset_id),
        "content_url": f"/v1/assets/{a.asset_id}/content",
    }


def thumbnail_cache(settings: Settings) -> ThumbnailCache:
    """The thumbnail store under ``IMAGEGEN_HOME`` (beside the asset store, never swept with it)."""
    return ThumbnailCache(settings.home / "thumbs")


def open_catalog(settings: Settings, tenant_id: str) -> Catalog:
    """The catalog of ``tenant_id`` without a running service (the local CLI)."""
    from imagegen.provenance.catalog.recorder import Recorder

    return Catalog(Recorder(settings), tenant_id, thumbnail_cache(settings))
