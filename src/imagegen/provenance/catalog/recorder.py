"""The single save point: every output of every engine (and every ingested file) enters the catalog here.

``Recorder.record`` per image: mint an asset id -> build the FileProvenance -> ``marking.mark`` (XMP, text
record, watermark, C2PA signed last) -> write the bytes to the content-addressed store (atomic) -> then, for
all images of the result at once, ONE transaction inserting the catalog rows, their prompt family and their
lineage edges. The file-before-row order and the store sweep make a crash leave neither a row without its
file nor (after the grace period) a file without its row; see ``provenance.catalog.store``.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import imagehash
from PIL import Image
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from imagegen.config import Settings
from imagegen.contract.errors import InvalidImage, NotFound
from imagegen.contract.specs import InputImage
from imagegen.db.engine import session_factory
from imagegen.engines.base import EngineImage, EngineResult
from imagegen.provenance.catalog.families import assign_family
from imagegen.provenance.catalog.models import Asset
from imagegen.provenance.catalog.repository import CatalogRepository, referenced_storage_keys
from imagegen.provenance.catalog.review import set_review
from imagegen.provenance.catalog.store import DEFAULT_GRACE_S, SweepReport, open_store
from imagegen.provenance.catalog.usage import cost_credits
from imagegen.provenance.marks.marking import mark
from imagegen.provenance.records import (
    DST_COMPOSITE,
    DST_TRAINED,
    FileProvenance,
    Ingredient,
    RecordContext,
    Source,
    StoredAsset,
    new_asset_id,
)

log = logging.getLogger(__name__)

CONTENT_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp"}
_PIL_FORMATS = {"PNG": "png", "JPEG": "jpeg", "WEBP": "webp", "MPO": "jpeg"}


def sniff_format(data: bytes) -> str:
    """``png``/``jpeg``/``webp`` from the bytes (InvalidImage otherwise)."""
    try:
        with Image.open(io.BytesIO(data)) as im:
            fmt = _PIL_FORMATS.get(im.format or "")
    except Exception as exc:
        raise InvalidImage("The file is not a readable image.") from exc
    if fmt is None:
        raise InvalidImage("Unsupported image format: use png, jpeg or webp.")
    return fmt


def perceptual_hash(img: Image.Image) -> str:
    """imagehash pHash (64 bits) of the pixels as 16 hex digits."""
    return str(imagehash.phash(img.convert("RGB")))


def rendered_texts(plan: dict[str, Any] | None) -> str:
    """Every exact text (text nodes) and code payload in a plan, for the full-text index."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("kind") == "text" and isinstance(node.get("text"), str):
                out.append(node["text"])
            elif node.get("kind") == "code" and isinstance(node.get("data"), str):
                out.append(node["data"])
            for v in node.values():
                if isinstance(v, dict | list):
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(plan)
    return "\n".join(out)


def c2pa_manifest_label(data: bytes, fmt: str) -> str | None:
    """The active C2PA manifest label of a file, or None when it carries none (or c2pa cannot read it)."""
    try:
        import c2pa

        with c2pa.Reader(CONTENT_TYPES[fmt], io.BytesIO(data)) as reader:
            label = json.loads(reader.json()).get("active_manifest")
            return str(label) if label else None
    except Exception:
        return None


def _load_signer(settings: Settings) -> Any:
    from imagegen.provenance.marks.certs import load_or_create_signer

    return load_or_create_signer(settings.keys_dir)


@dataclass
class _Pending:
    """One image finalized and stored, waiting for the catalog transaction."""

    asset_id: str
    data: bytes
    sha256: str
    key: str
    fmt: str
    width: int
    height: int
    phash: str
    image: EngineImage
    label: str | None
    #: the 16 hex digits the watermark carries; None when marking skipped it (region too small)
    wm_hex: str | None
    fields: dict[str, Any] = field(default_factory=dict)


class Recorder:
    """The save point. Thread-safe; one per process is enough (the service keeps one)."""

    def __init__(
        self, settings: Settings, *, sessions: sessionmaker[Session] | None = None, signer: Any = None
    ) -> None:
        self.settings = settings
        settings.ensure_dirs()
        self.sessions = sessions or session_factory(settings.database_url)
        self.store = open_store(settings)  # local folder or S3, by IMAGEGEN_STORE_URL
        self._signer = signer
        self._signer_lock = threading.Lock()

    @property
    def signer(self) -> Any:
        """The C2PA signer under ``settings.keys_dir`` (created on first use)."""
        with self._signer_lock:
            if self._signer is None:
                self._signer = _load_signer(self.settings)
            return self._signer

    # ---- engine outputs -------------------------------------------------------------------------------
    def record(self, ctx: RecordContext, result: EngineResult) -> list[StoredAsset]:
        """Finalize, store and catalog every image of ``result``; returns them in order."""
        now = datetime.now(UTC).replace(tzinfo=None)
        fmt = str(ctx.params.get("output_format") or ctx.params.get("format") or "png").lower()
        if fmt == "jpg":
            fmt = "jpeg"
        raw_compression = ctx.params.get("output_compression")
        compression = 100 if raw_compression is None else int(raw_compression)  # 0 is a valid value
        is_edit = ctx.operation == "edit" and bool(ctx.inputs)
        dst = DST_COMPOSITE if is_edit else DST_TRAINED
        ingredients = tuple(
            Ingredient(
                data=i.data,
                format=sniff_format(i.data),
                title=i.filename or i.asset_id or "input",
                asset_id=i.asset_id,
            )
            for i in ctx.inputs
        )
        per_image_s = ctx.compute_seconds / max(1, len(result.images))
        # an edit is catalogued as "edited" unless the caller said more precisely where it came from
        source = "edited" if ctx.operation == "edit" and ctx.source == "generated" else ctx.source
        pending: list[_Pending] = []
        # 1. finalize + store every file first (a crash here leaves only unreferenced files: swept later)
        for img in result.images:
            asset_id = new_asset_id()
            # an image made from an earlier image of this result (a pipeline step) has that file as its
            # parent ingredient; the others have the request's inputs
            derived = _derived_from(img, pending)
            own = (Ingredient(data=derived.data, format=derived.fmt, title=derived.asset_id,
                              asset_id=derived.asset_id),) if derived is not None else ingredients
            prov = FileProvenance(
                asset_id=asset_id,
                tenant_id=ctx.tenant_id,
                digital_source_type=dst,
                requested_model=ctx.requested_model,
                engine=result.engine,
                engine_version=result.engine_version,
                backend=result.backend,
                prompt=ctx.prompt,
                created_at=now.isoformat(timespec="seconds") + "Z",
                operation="edit" if is_edit or derived is not None else "generate",
                ingredients=own + _source_ingredients(img),
                user=ctx.user,
            )
            marked = mark(
                img.pixels,
                output_format=fmt,  # type: ignore[arg-type]
                compression=compression,
                prov=prov,
                signer=self.signer,
                editable_region=img.editable_region,
                catalog_ref=f"/v1/assets/{asset_id}",
            )
            data = marked.data
            sha, key = self.store.put(data, fmt)
            # size and perceptual hash from the pixels as encoded (no second decode of the file: ~40 ms at
            # 1024²); for a lossy format the pHash differs from the decoded file's by codec noise only
            final = marked.pixels if marked.pixels is not None else Image.open(io.BytesIO(data))
            w, h = final.size
            ph = perceptual_hash(final)
            pending.append(
                _Pending(
                    asset_id,
                    data,
                    sha,
                    key,
                    fmt,
                    w,
                    h,
                    ph,
                    img,
                    marked.manifest_label,
                    marked.watermark_id.removeprefix("img_") if marked.watermark_id else None,
                )
            )
        # 2. one transaction for all rows, families and edges
        parents = list(ctx.parents) + [i.asset_id for i in ctx.inputs if i.asset_id]
        relation = "edit" if ctx.operation == "edit" else "file_id"
        costs = _cost_shares(result.upstream_cost, len(pending))
        with self.sessions() as session, session.begin():
            repo = CatalogRepository(session, ctx.tenant_id)
            for p, upstream_cost in zip(pending, costs, strict=True):
                family = p.fields["family_id"] = assign_family(repo, ctx.prompt, p.asset_id, now)
                repo.add_asset(
                    asset_id=p.asset_id,
                    created_at=now,
                    source=source,
                    operation=ctx.operation,
                    requested_model=ctx.requested_model,
                    engine=result.engine,
                    engine_version=result.engine_version,
                    backend=result.backend,
                    user=ctx.user,
                    job_id=ctx.job_id,
                    prompt=ctx.prompt,
                    prompt_sha256=_sha(ctx.prompt.encode()),
                    revised_prompt=p.image.revised_prompt,
                    rendered_text=rendered_texts(p.image.plan),
                    digital_source_type=dst,
                    params=_jsonable(ctx.params),
                    plan=p.image.plan,
                    report=p.image.report,
                    timings=_jsonable(result.timings),
                    usage=_jsonable(result.usage),
                    upstream_cost=upstream_cost,
                    extra=_jsonable(p.image.extra)
                    | {"quality": result.quality, "background": result.background},
                    seed=result.seed,
                    sha256=p.sha256,
                    render_sha256=p.image.render_sha256,
                    phash=p.phash,
                    output_format=p.fmt,
                    content_type=CONTENT_TYPES[p.fmt],
                    width=p.width,
                    height=p.height,
                    size_bytes=len(p.data),
                    storage_key=p.key,
                    watermark_id=p.wm_hex,
                    c2pa_manifest_label=p.label,
                    family_id=family,
                    compute_seconds=round(per_image_s, 4),
                    cost_credits=cost_credits(self.settings, per_image_s, p.width, p.height),
                )
                derived = _derived_from(p.image, pending)
                if derived is not None:
                    repo.add_parents(p.asset_id, [derived.asset_id], "pipeline_step")
                else:
                    repo.add_parents(p.asset_id, parents, relation)
                if p.image.review is not None:
                    state, comment = p.image.review
                    set_review(session, ctx.tenant_id, p.asset_id, state, comment=comment or None,
                               by=f"pipeline:{result.backend}")
        return [
            StoredAsset(
                asset_id=p.asset_id,
                tenant_id=ctx.tenant_id,
                sha256=p.sha256,
                data=p.data,
                content_type=CONTENT_TYPES[p.fmt],
                output_format=p.fmt,
                width=p.width,
                height=p.height,
                revised_prompt=p.image.revised_prompt,
                watermark_id=p.wm_hex,
                extra={"c2pa_manifest_label": p.label, "family_id": p.fields.get("family_id")},
            )
            for p in pending
        ]

    def recorded_for_job(self, tenant_id: str, job_id: str) -> list[StoredAsset]:
        """The assets an earlier attempt of job ``job_id`` already recorded, in recording order (empty if
        none). The runner asks this before recording a rerun job: a worker that died after the catalog
        transaction committed but before the job row said ``completed`` must not get a second set."""
        with self.sessions() as session:
            repo = CatalogRepository(session, tenant_id)
            rows = session.scalars(repo.scoped().where(Asset.job_id == job_id).order_by(Asset.seq)).all()
            return [self._stored(row) for row in rows]

    # ---- files that arrive already made (ingest, upstream files) ------------------------------------
    def record_file(
        self,
        tenant_id: str,
        data: bytes,
        *,
        source: Source = "ingested",
        prompt: str = "",
        requested_model: str = "",
        engine: str = "",
        engine_version: str = "",
        backend: str = "",
        negative_prompt: str | None = None,
        seed: int | None = None,
        params: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
        parents: tuple[str, ...] = (),
        user: str | None = None,
        digital_source_type: str = "",
        created_at: datetime | None = None,
    ) -> tuple[StoredAsset, bool]:
        """Catalog a file exactly as it is (never re-encoded). Idempotent by content hash per tenant.

        Returns ``(asset, created)``; ``created`` is False when the tenant already has these bytes.
        """
        fmt = sniff_format(data)
        existing = self.match_asset(tenant_id, data)
        if existing is not None:
            return existing, False
        sha, key = self.store.put(data, fmt)
        with Image.open(io.BytesIO(data)) as im:
            im.load()
            w, h = im.size
            ph = perceptual_hash(im)
        now = created_at or datetime.now(UTC).replace(tzinfo=None)
        asset_id = new_asset_id()
        try:
            with self.sessions() as session, session.begin():
                repo = CatalogRepository(session, tenant_id)
                family = assign_family(repo, prompt, asset_id, now)
                repo.add_asset(
                    asset_id=asset_id,
                    created_at=now,
                    source=source,
                    operation="generate",
                    requested_model=requested_model,
                    engine=engine,
                    engine_version=engine_version,
                    backend=backend,
                    user=user,
                    prompt=prompt,
                    prompt_sha256=_sha(prompt.encode()),
                    negative_prompt=negative_prompt,
                    revised_prompt="",
                    rendered_text="",
                    digital_source_type=digital_source_type,
                    params=_jsonable(params or {}),
                    plan=None,
                    report=None,
                    timings={},
                    usage={},
                    upstream_cost=None,
                    extra=_jsonable(extra or {}),
                    seed=seed,
                    sha256=sha,
                    render_sha256=None,
                    phash=ph,
                    output_format=fmt,
                    content_type=CONTENT_TYPES[fmt],
                    width=w,
                    height=h,
                    size_bytes=len(data),
                    storage_key=key,
                    watermark_id=None,
                    c2pa_manifest_label=c2pa_manifest_label(data, fmt),
                    family_id=family,
                    compute_seconds=0.0,
                    cost_credits=0.0,
                )
                repo.add_parents(asset_id, parents, "c2pa_ingredient")
        except IntegrityError:
            # another process catalogued the same bytes for this tenant between our check and our insert
            again = self.match_asset(tenant_id, data)
            if again is None:
                raise
            return again, False
        return self.get_asset(tenant_id, asset_id), True

    # ---- reads ---------------------------------------------------------------------------------------
    def get_asset(self, tenant_id: str, asset_id: str) -> StoredAsset:
        """The stored file of ``asset_id`` (NotFound for unknown ids and other tenants' ids)."""
        with self.sessions() as session:
            return self._stored(CatalogRepository(session, tenant_id).get(asset_id))

    def match_asset(self, tenant_id: str, data: bytes) -> StoredAsset | None:
        """The tenant's asset with exactly these bytes, if any."""
        with self.sessions() as session:
            row = CatalogRepository(session, tenant_id).by_sha256(_sha(data))
            return self._stored(row) if row is not None else None

    def load_input(self, tenant_id: str, file_id: str) -> InputImage:
        """An edit input named by ``file_id``: pixels, bytes, and the stored plan when there is one."""
        with self.sessions() as session:
            row = CatalogRepository(session, tenant_id).get(file_id)
            return self._input(row)

    def match_input(self, tenant_id: str, data: bytes) -> InputImage | None:
        """The catalog's view of uploaded bytes that match one of the tenant's assets (by sha256)."""
        with self.sessions() as session:
            row = CatalogRepository(session, tenant_id).by_sha256(_sha(data))
            # the caller holds these very bytes (same sha256): no store read, and the pixels are decoded
            # only if used (the job runner needs the asset id and plan; it has the input decoded already)
            return self._input(row, data=data, lazy=True) if row is not None else None

    def sweep(self, *, grace_s: float = DEFAULT_GRACE_S, full: bool = False) -> SweepReport:
        """Remove temp files and store files no row references (older than ``grace_s``); an S3 store looks
        only at the writes since the last sweep unless ``full`` (``AssetStore.sweep``)."""
        with self.sessions() as session:
            return self.store.sweep(lambda keys: referenced_storage_keys(session, keys), grace_s=grace_s,
                                    full=full)

    # ---- helpers -------------------------------------------------------------------------------------
    def _read(self, row: Asset) -> bytes:
        try:
            return self.store.read(row.storage_key)
        except FileNotFoundError as exc:
            # a row whose file is gone means the store was tampered with: say so, never a 500
            raise NotFound(f"The file of asset '{row.asset_id}' is missing from the store.") from exc

    def _stored(self, row: Asset) -> StoredAsset:
        return StoredAsset(
            asset_id=row.asset_id,
            tenant_id=row.tenant_id,
            sha256=row.sha256,
            data=self._read(row),
            content_type=row.content_type,
            output_format=row.output_format,
            width=row.width,
            height=row.height,
            revised_prompt=row.revised_prompt,
            watermark_id=row.watermark_id,
            extra={
                "c2pa_manifest_label": row.c2pa_manifest_label,
                "family_id": row.family_id,
                "source": row.source,
                "created_at": row.created_at.isoformat() + "Z",
            },
        )

    def _input(self, row: Asset, *, data: bytes | None = None, lazy: bool = False) -> InputImage:
        data = self._read(row) if data is None else data
        img = Image.open(io.BytesIO(data))
        if not lazy:
            img.load()
        return InputImage(
            image=img,
            data=data,
            sha256=row.sha256,
            asset_id=row.asset_id,
            plan=row.plan,
            filename=f"{row.asset_id}.{row.output_format}",
        )


def _derived_from(img: EngineImage, pending: list[_Pending]) -> _Pending | None:
    """The already finalized image ``img`` was made from (``EngineImage.derived_from``), if any."""
    if img.derived_from is None:
        return None
    if not 0 <= img.derived_from < len(pending) or pending[img.derived_from].image is img:
        raise ValueError(f"derived_from={img.derived_from} must name an earlier image of the same result")
    return pending[img.derived_from]


def _source_ingredients(img: EngineImage) -> tuple[Ingredient, ...]:
    """Files another service made that ``img`` was built from (an upstream's output), as C2PA components."""
    return tuple(Ingredient(data=s.data, format=s.format, title=s.title, relationship="componentOf")
                 for s in img.sources)


def _cost_shares(cost: dict[str, Any] | None, n: int) -> list[dict[str, Any] | None]:
    """Each image's share of a request's upstream cost, so per-tenant sums over assets stay exact: tokens
    split as integers (the first image takes the remainder), USD likewise to 1e-8."""
    if not cost:
        return [None] * n
    shares = []
    for i in range(n):
        share = _jsonable(cost) | {"share": f"{i + 1}/{n}"}
        for key in ("input_tokens", "output_tokens", "total_tokens"):
            if isinstance(cost.get(key), int):
                part = cost[key] // n
                share[key] = part + (cost[key] - part * n if i == 0 else 0)
        if isinstance(cost.get("usd"), int | float):
            part = round(float(cost["usd"]) / n, 8)
            share["usd"] = round(part + (float(cost["usd"]) - part * n if i == 0 else 0.0), 8)
        shares.append(share)
    return shares


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _jsonable(value: Any) -> Any:
    """JSON-safe copy (params may hold tuples, paths, enums)."""
    return json.loads(json.dumps(value, default=str))
