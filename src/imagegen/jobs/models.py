"""Tables of the job store: ``tenants``, ``api_keys``, ``jobs`` (migration 0001) and ``job_inputs``.

Times are float seconds since the epoch: one representation that compares the same on SQLite and
PostgreSQL (SQLite keeps no time zone, PostgreSQL does) and that heartbeat arithmetic can use directly.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
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

#: every status a job can have (SPEC §7)
JOB_STATUSES = ("in_queue", "in_progress", "completed", "failed", "cancelled")
TERMINAL_STATUSES = frozenset({"completed", "failed", "cancelled"})


class TenantRow(Base):
    """A tenant: every job, key and catalog row belongs to exactly one."""

    __tablename__ = "tenants"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[float] = mapped_column(Float, nullable=False)
    display_name: Mapped[str | None] = mapped_column(String(200))
    #: fair scheduling: jobs this tenant takes per round (jobs.fair; migration 0006)
    weight: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")


class ApiKeyRow(Base):
    """An API key, stored as sha256 of the whole key; ``id`` is the public lookup prefix inside the key."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False,
                                           index=True)
    key_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    label: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[float] = mapped_column(Float, nullable=False)
    revoked_at: Mapped[float | None] = mapped_column(Float)
    last_used_at: Mapped[float | None] = mapped_column(Float)


class JobRow(Base):
    """One request (generate or edit): persisted before it is queued, updated by exactly one worker."""

    __tablename__ = "jobs"
    __table_args__ = (
        UniqueConstraint("tenant_id", "idempotency_key", name="uq_jobs_tenant_idempotency"),
        Index("ix_jobs_status_created", "status", "created_at"),
        Index("ix_jobs_tenant_created", "tenant_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    # no foreign key to tenants: the in-process CLI runs as tenant "local" without creating key rows,
    # and tenant scoping is enforced by every query taking the tenant id.
    tenant_id: Mapped[str] = mapped_column(String(64), nullable=False)
    operation: Mapped[str] = mapped_column(String(16), nullable=False)
    #: the model id the client asked for (after mapping ``openai/<id>`` paths)
    model: Mapped[str] = mapped_column(String(200), nullable=False)
    #: {"spec": <spec as JSON>, "params": <normalized request params>} (see jobs.spec_codec)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="in_queue")
    #: None while queued; "running" in the engine; "recording" once past the commit point (see docs/jobs.md)
    phase: Mapped[str | None] = mapped_column(String(16))
    cancel_requested: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    progress: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    progress_message: Mapped[str | None] = mapped_column(Text)
    #: {"type", "code", "message", "param", "status"} for failed / cancelled jobs
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    result_asset_ids: Mapped[list[str] | None] = mapped_column(JSON)
    #: what the engine resolved (size, quality, background, engine, version, backend, seed, timings, usage)
    result_summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[float] = mapped_column(Float, nullable=False)
    started_at: Mapped[float | None] = mapped_column(Float)
    finished_at: Mapped[float | None] = mapped_column(Float)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    worker_id: Mapped[str | None] = mapped_column(String(200))
    heartbeat_at: Mapped[float | None] = mapped_column(Float)


class JobInputRow(Base):
    """One input file of a queued edit (an input image or the mask), exactly the bytes the client sent.

    Written in the job's own transaction and deleted when the job ends, so any worker that reaches the
    database can run the job (no shared ``IMAGEGEN_HOME``)."""

    __tablename__ = "job_inputs"

    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    #: ``input_<i>.bin`` or ``mask.png`` (see jobs.spec_codec)
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
