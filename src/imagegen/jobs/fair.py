"""Fair order of the shared queue: round-robin across tenants, each tenant's jobs oldest first.

A queued job's *turn* is the number of its tenant's jobs running now plus its rank (1, 2, ...) among its
tenant's queued jobs, oldest first. Workers take the smallest turn, then the oldest job: a tenant with one
job waits behind at most one job of every other tenant (their heads), never behind another tenant's
backlog, and a tenant that already holds workers yields its next turn to tenants that hold fewer. A turn
does not change when a job moves from queued to running (rank -1, running +1), so positions only shrink
while nobody new arrives.

The same ordering answers ``queue_position`` (``position_of``) and drives ``claim`` (``fair_candidates``).
Per-tenant concurrency caps (``tenant_cap``) drop from the candidates every tenant that already runs
``tenant_cap`` jobs; ``JobStore.claim`` re-checks the cap at the claim itself.

Both are plain SQL window functions (SQLite >= 3.25, PostgreSQL): no per-tenant state outside the table.
"""

from __future__ import annotations

import functools
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, and_, bindparam, func, or_, select

from imagegen.jobs.models import JobRow

#: which queue: the shared one (no owner), jobs reserved by one in-process pool (``owner``), or given ids
Queue = Literal["shared", "reserved", "ids"]
#: the cap passed when there is none (every tenant runs fewer jobs than this)
NO_CAP = 2**31 - 1


def _queue_filter(queue: Queue) -> ColumnElement[bool]:
    if queue == "shared":
        return JobRow.worker_id.is_(None)
    if queue == "reserved":
        return JobRow.worker_id == bindparam("owner")
    return JobRow.id.in_(bindparam("ids", expanding=True))


def _running_counts() -> Any:
    """(tenant_id, n): jobs of each tenant that are running now."""
    return (select(JobRow.tenant_id.label("tenant_id"), func.count().label("n"))
            .where(JobRow.status == "in_progress").group_by(JobRow.tenant_id).subquery("running"))


def _turns(queue: Queue) -> Any:
    """Every queued job of one queue with its turn (see the module docstring)."""
    running = _running_counts()
    rank = func.row_number().over(partition_by=JobRow.tenant_id, order_by=(JobRow.created_at, JobRow.id))
    queued = (select(JobRow.id.label("id"), JobRow.tenant_id.label("tenant_id"),
                     JobRow.created_at.label("created_at"), rank.label("rank"))
              .where(JobRow.status == "in_queue", _queue_filter(queue)).subquery("queued"))
    n_running = func.coalesce(running.c.n, 0)
    return (select(queued.c.id, queued.c.tenant_id, queued.c.created_at, n_running.label("running"),
                   (queued.c.rank + n_running).label("turn"))
            .select_from(queued.outerjoin(running, running.c.tenant_id == queued.c.tenant_id))
            .subquery("turns"))


@functools.cache
def fair_candidates(queue: Queue, limit: int) -> Select[Any]:
    """(id, tenant_id) of the next ``limit`` jobs in fair order, skipping tenants that run ``:cap`` jobs.

    Bind ``cap`` (``NO_CAP`` for none) and ``owner`` or ``ids`` as the queue needs. Built once per shape:
    executing a cached statement skips rebuilding and recompiling it."""
    t = _turns(queue)
    return (select(t.c.id, t.c.tenant_id).where(t.c.running < bindparam("cap"))
            .order_by(t.c.turn, t.c.created_at, t.c.id).limit(limit))


@functools.cache
def position_of(queue: Queue) -> Select[Any]:
    """1-based place of the job ``:job_id`` in the fair order of its queue (bind ``owner`` as needed)."""
    t = _turns(queue)
    me = select(t.c.turn, t.c.created_at, t.c.id).where(t.c.id == bindparam("job_id")).subquery("me")
    ahead = or_(t.c.turn < me.c.turn,
                and_(t.c.turn == me.c.turn, t.c.created_at < me.c.created_at),
                and_(t.c.turn == me.c.turn, t.c.created_at == me.c.created_at, t.c.id < me.c.id))
    return select(func.count(t.c.id) + 1).select_from(me.join(t, ahead, isouter=True))
