"""Fair order of the queue: weighted round-robin across tenants, each tenant's jobs oldest first.

A queued job's *slot* ``k`` is the number of its tenant's jobs running now plus its rank (1, 2, ...) among
its tenant's queued jobs, oldest first; its *turn* is ``ceil(k / weight)``, the tenant's ``weight`` being
its setting in the ``tenants`` table (default 1; ``imagegen keys weight``). Workers take the smallest turn,
then the oldest job: in each round a tenant of weight ``w`` gets ``w`` dequeues, so a tenant with one job
waits behind at most ``w`` jobs of every other tenant, never behind another tenant's backlog, and a tenant
that already holds workers yields its next turn to tenants that hold fewer (per unit of weight). A turn
does not change when a job moves from queued to running (rank -1, running +1), so positions only shrink
while nobody new arrives.

Everything is computed from per-tenant aggregates of the jobs table (one grouped scan, no window and no
sort of the whole queue), so it stays cheap with a deep queue and keeps no state outside the table:

- ``claim_order``: the tenants in the order their next job is due (their head's turn, then its age),
  leaving out tenants that run ``tenant_cap`` jobs already; ``JobStore.claim`` takes the oldest unlocked
  job of the first tenant it can (``next_of_tenant``) and re-checks the cap inside the claiming UPDATE.
- ``fair_position``: the job's 1-based place in the same order (``queue_position``).
- ``tenant_weights``: the tenants whose weight is not 1 (a small read; absent tenants weigh 1).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, and_, bindparam, case, func, or_, select

from imagegen.jobs.models import JobRow, TenantRow

#: which queue: the shared one (no owner), jobs reserved by one in-process pool (``owner``), or given ids
Queue = Literal["shared", "reserved", "ids"]

#: a tenant's weight: dequeues per round (``TenantStore.set_weight`` refuses values outside this range)
DEFAULT_WEIGHT = 1
MAX_WEIGHT = 100


def _queue_filter(queue: Queue) -> ColumnElement[bool]:
    if queue == "shared":
        return JobRow.worker_id.is_(None)
    if queue == "reserved":
        return JobRow.worker_id == bindparam("owner")
    return JobRow.id.in_(bindparam("ids", expanding=True))


# Statements are built once per shape and bound per call: executing a cached statement skips rebuilding and
# recompiling it (a status poll or a claim costs its SQL, not SQLAlchemy's Python).

@functools.cache
def running_counts() -> Select[str, int]:
    """(tenant_id, running jobs) of every tenant running any."""
    return (select(JobRow.tenant_id, func.count()).where(JobRow.status == "in_progress")
            .group_by(JobRow.tenant_id))


@functools.cache
def tenant_weights() -> Select[str, int]:
    """(tenant_id, weight) of every tenant whose weight is not the default."""
    return select(TenantRow.id, TenantRow.weight).where(TenantRow.weight != DEFAULT_WEIGHT)


def turn(slot: int, weight: int) -> int:
    """The round of a tenant's ``slot``-th job (1-based) when the tenant gets ``weight`` jobs per round."""
    return -(-slot // max(1, weight))


@functools.cache
def tenant_heads(queue: Queue) -> Select[str, float]:
    """(tenant_id, created_at of its oldest queued job) per tenant with queued jobs in the queue."""
    return (select(JobRow.tenant_id, func.min(JobRow.created_at))
            .where(JobRow.status == "in_queue", _queue_filter(queue)).group_by(JobRow.tenant_id))


@functools.cache
def next_of_tenant(queue: Queue) -> Select[str]:
    """The oldest queued job of ``:tenant`` in the queue that no other claimer holds locked."""
    return (select(JobRow.id).where(JobRow.status == "in_queue", JobRow.tenant_id == bindparam("tenant"),
                                    _queue_filter(queue))
            .order_by(JobRow.created_at, JobRow.id).limit(1).with_for_update(skip_locked=True))


@functools.cache
def tenant_counts(queue: Queue) -> Select[str, int, Any]:
    """Per tenant with queued jobs in the queue: (tenant_id, queued, older), ``older`` = its queued jobs
    created before the job ``(:created_at, :job_id)``."""
    before = or_(JobRow.created_at < bindparam("created_at"),
                 and_(JobRow.created_at == bindparam("created_at"), JobRow.id < bindparam("job_id")))
    return (select(JobRow.tenant_id, func.count(), func.sum(case((before, 1), else_=0)))
            .where(JobRow.status == "in_queue", _queue_filter(queue)).group_by(JobRow.tenant_id))


def claim_order(heads: Iterable[tuple[str, float]], running: Mapping[str, int], *,
                tenant_cap: int | None, weights: Mapping[str, int] | None = None) -> list[str]:
    """Tenants in the order their next job is due (``tenant_heads`` + ``running_counts``), skipping any
    that already run ``tenant_cap`` jobs: smallest turn of the head (slot running + 1) first, then the
    oldest head. ``weights``: tenant -> weight (``tenant_weights``; absent: 1)."""
    weights = weights or {}
    due = [(turn(running.get(t, 0) + 1, weights.get(t, DEFAULT_WEIGHT)), float(created), t)
           for t, created in heads if tenant_cap is None or running.get(t, 0) < tenant_cap]
    return [t for _turn, _created, t in sorted(due)]


def fair_position(tenant: str, counts: Iterable[tuple[str, int, int]], running: Mapping[str, int],
                  weights: Mapping[str, int] | None = None) -> int:
    """1-based place in the fair order of a queued job of ``tenant``, from ``tenant_counts`` (taken for that
    job), ``running_counts`` and ``tenant_weights``. The claim order is every queued job sorted by (turn,
    age), so ahead of this job (turn ``t``) are its tenant's older jobs and, of another tenant U (weight
    ``w``, ``r`` running), every job of a smaller turn (slots up to ``(t - 1) * w``, ranks up to
    ``(t - 1) * w - r``) plus those of turn ``t`` that are older (ranks up to ``t * w - r``, and at most
    the ``older`` ones, which are its oldest)."""
    weights = weights or {}
    rows = [(u, int(q), int(older or 0)) for u, q, older in counts]
    mine = next((older for u, _q, older in rows if u == tenant), 0)
    t = turn(running.get(tenant, 0) + mine + 1, weights.get(tenant, DEFAULT_WEIGHT))
    ahead = mine
    for u, queued, older in rows:
        if u == tenant:
            continue
        w, r_u = weights.get(u, DEFAULT_WEIGHT), running.get(u, 0)
        earlier = min(queued, max(0, (t - 1) * w - r_u))
        ahead += earlier + max(0, min(older, t * w - r_u) - earlier)
    return ahead + 1
