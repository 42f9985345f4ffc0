"""Catalog tables (SQLAlchemy, in the shared ``Base``): assets, lineage edges, prompt families.

Every table carries ``tenant_id``; the only query surface is ``CatalogRepository(session, tenant_id)``.
The full-text index is not declared here: it is dialect-specific (an FTS5 virtual table with triggers on
SQLite, a generated ``tsvector`` column + GIN index on PostgreSQL) and is created by migration 0002.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from imagegen.db.base import Base

#: an integer primary key that is SQLite's rowid (so FTS5 can point at it) and a BIGINT on PostgreSQL
SeqType = Integer().with_variant(BigInteger(), "postgresql")


class Asset(Base):
    """One stored file and everything the catalog knows about it (SPEC §9)."""

    __tablename__ = "catalog_assets"

    seq: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    asset_id: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    tenant_id: Mapped[str] = mapped_column(String(64), nullable=False)
    #: naive UTC; ISO-ordered on SQLite, ``timestamp`` on PostgreSQL
    created_at: Mapped[datetime] = mapped_column(DateTime(), nullable=False)
    #: generated | edited | ingested | upstream
    source: Mapped[str] = mapped_column(String(16), nullable=False)
    operation: Mapped[str] = mapped_column(String(16), nullable=False, default="generate")
    requested_model: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    engine: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    engine_version: Mapped[str] = mapped_column(String(50), nullable=False, default="")
    backend: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    user: Mapped[str | None] = mapped_column(String(200))
    job_id: Mapped[str | None] = mapped_column(String(64))
    prompt: Mapped[str] = mapped_column(Text, nullable=False, default="")
    prompt_sha256: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    negative_prompt: Mapped[str | None] = mapped_column(Text)
    revised_prompt: Mapped[str] = mapped_column(Text, nullable=False, default="")
    #: every text the render is meant to show (plan text nodes) or an OCR/reader found: full-text indexed
    rendered_text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    digital_source_type: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    params: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    plan: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    timings: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    usage: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    upstream_cost: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: source workflow of ingested files (ComfyUI prompt/workflow, A1111 parameters, C2PA summary)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    seed: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    render_sha256: Mapped[str | None] = mapped_column(String(64))
    #: imagehash pHash (64 bits) as 16 hex digits
    phash: Mapped[str | None] = mapped_column(String(16))
    output_format: Mapped[str] = mapped_column(String(8), nullable=False)
    content_type: Mapped[str] = mapped_column(String(32), nullable=False)
    width: Mapped[int] = mapped_column(Integer, nullable=False)
    height: Mapped[int] = mapped_column(Integer, nullable=False)
    size_bytes: Mapped[int] = mapped_column(BigInteger, nullable=False)
    #: path of the file relative to ``settings.assets_dir``
    storage_key: Mapped[str] = mapped_column(String(200), nullable=False)
    watermark_id: Mapped[str | None] = mapped_column(String(32))
    c2pa_manifest_label: Mapped[str | None] = mapped_column(String(200))
    family_id: Mapped[str | None] = mapped_column(String(32))
    #: the family's founding prompt (``Family.prompt``, which never changes), copied here so the grouped
    #: listing names its families from the covering index alone (migration 0003)
    family_prompt: Mapped[str | None] = mapped_column(Text)
    compute_seconds: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    cost_credits: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    #: the current review (SPEC §11, migration 0004): draft | approved | rejected, who, when, comment;
    #: every change is also a ``Review`` row (the history)
    review_state: Mapped[str] = mapped_column(String(16), nullable=False, default="draft",
                                              server_default="draft")
    review_by: Mapped[str | None] = mapped_column(String(300))
    review_at: Mapped[datetime | None] = mapped_column(DateTime())
    review_comment: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("tenant_id", "sha256", name="uq_catalog_assets_tenant_sha256"),
        # the auditor's query: tenant + requested model + date range
        # covering: the auditor's query, its family grouping and the family names never touch the table
        # (migration 0003 leaves family_prompt out of it on PostgreSQL: B-tree entries must stay < ~2.7 kB)
        Index("ix_catalog_assets_tenant_model_created", "tenant_id", "requested_model", "created_at",
              "family_id", "asset_id", "engine", "user", "family_prompt"),
        Index("ix_catalog_assets_tenant_created", "tenant_id", "created_at"),
        Index("ix_catalog_assets_tenant_engine", "tenant_id", "engine", "created_at"),
        Index("ix_catalog_assets_tenant_user", "tenant_id", "user", "created_at"),
        Index("ix_catalog_assets_tenant_family", "tenant_id", "family_id"),
        Index("ix_catalog_assets_tenant_watermark", "tenant_id", "watermark_id"),
        Index("ix_catalog_assets_sha256", "sha256"),
        Index("ix_catalog_assets_storage_key", "storage_key"),
        Index("ix_catalog_assets_tenant_review", "tenant_id", "review_state", "created_at"),
    )


class Edge(Base):
    """Lineage: ``child`` was made from ``parent`` (edit input, ``file_id`` reference, C2PA ingredient)."""

    __tablename__ = "catalog_edges"

    tenant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    child_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("catalog_assets.asset_id", ondelete="CASCADE"), primary_key=True
    )
    parent_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("catalog_assets.asset_id", ondelete="CASCADE"), primary_key=True
    )
    #: edit | file_id | content_match | c2pa_ingredient
    relation: Mapped[str] = mapped_column(String(32), nullable=False, default="edit")

    __table_args__ = (Index("ix_catalog_edges_tenant_parent", "tenant_id", "parent_id"),)


class Review(Base):
    """One review decision on an asset (the history; the asset row holds the current one)."""

    __tablename__ = "catalog_reviews"

    seq: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(String(64), nullable=False)
    asset_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("catalog_assets.asset_id", ondelete="CASCADE"), nullable=False
    )
    #: draft | approved | rejected
    state: Mapped[str] = mapped_column(String(16), nullable=False)
    comment: Mapped[str | None] = mapped_column(Text)
    #: the API key's id plus the request's ``user`` when given, or the OS user / ``--user`` locally
    reviewer: Mapped[str] = mapped_column(String(300), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(), nullable=False)

    __table_args__ = (Index("ix_catalog_reviews_tenant_asset", "tenant_id", "asset_id", "seq"),)


class Family(Base):
    """A prompt family: near-duplicate prompts (MinHash Jaccard) share the id of the family's first asset."""

    __tablename__ = "catalog_families"

    tenant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    family_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    #: the MinHash signature of the founding prompt (num_perm uint64 values, little-endian)
    signature: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    prompt: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(), nullable=False)


class FamilyBand(Base):
    """LSH bands of family signatures: a candidate lookup is one indexed query, shared by every process."""

    __tablename__ = "catalog_family_bands"

    tenant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    band: Mapped[int] = mapped_column(Integer, primary_key=True)
    band_hash: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    family_id: Mapped[str] = mapped_column(String(32), primary_key=True)
