"""``Service``: the one object every front door (HTTP API, in-process CLI, ComfyUI node) talks to.

It owns the job store, the engine router, the worker pool and the save point, and enforces tenancy:
every call takes the caller's tenant id, and another tenant's job or asset is ``NotFound``.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from imagegen.config import Settings
from imagegen.contract.errors import (
    AuthenticationError,
    EngineUnavailable,
    ImagegenError,
    InvalidValue,
    JobCancelled,
    NotFound,
    RateLimited,
)
from imagegen.contract.limits import REQUEST_LIMITS
from imagegen.contract.specs import EditSpec, GenerateSpec, InputImage
from imagegen.engines.base import PartialImage
from imagegen.engines.routing import EngineRouter
from imagegen.jobs.errors import JobNotReady, JobTimeout
from imagegen.jobs.records import JobRecord, error_to_json
from imagegen.jobs.recovery import RecoveryPolicy
from imagegen.jobs.spec_codec import encode_inputs, remove_inputs, spec_to_json
from imagegen.jobs.store import JobStore, new_job_id
from imagegen.jobs.worker import PoolConfig, WorkerPool
from imagegen.provenance.records import StoredAsset
from imagegen.service.auth_policy import LocalModePolicy
from imagegen.service.outcome import JobOutcome, result_from_summary
from imagegen.service.runner import JobRunner
from imagegen.service.savepoint import SavePoint
from imagegen.tenants import LOCAL_TENANT, TenantStore

if TYPE_CHECKING:
    from imagegen.service.catalog import Catalog

log = logging.getLogger(__name__)

Operation = Literal["generate", "edit"]
Scope = Literal["all", "own"]


def _float(settings: Settings, name: str, default: float) -> float:
    raw = settings.extra.get(name)
    try:
        return float(raw) if raw not in (None, "") else default
    except ValueError as exc:
        raise InvalidValue(f"IMAGEGEN_{name.upper()} must be a number, got {raw!r}.") from exc


class _Listener:
    """One in-process waiter of a job (``run``)."""

    def __init__(self, on_partial: Callable[[PartialImage], None] | None,
                 on_progress: Callable[[float, str], None] | None) -> None:
        self.on_partial = on_partial
        self.on_progress = on_progress
        self.done = threading.Event()
        self.outcome: JobOutcome | None = None


class Service:
    """The service core (see the module docstring). Use ``start()``/``stop()`` or ``with Service(...)``.

    ``scope="own"`` makes this instance's workers run only the jobs it submitted itself: what an
    in-process CLI wants when it shares ``IMAGEGEN_HOME`` with a running server (it must not pick up
    the server's queue). ``workers`` overrides ``settings.workers``.
    """

    def __init__(self, settings: Settings, *, router: EngineRouter | None = None,
                 recorder: SavePoint | None = None, scope: Scope = "all", workers: int | None = None) -> None:
        self.settings = settings
        settings.ensure_dirs()
        self.router = router or EngineRouter(settings)
        self.store = JobStore(settings.database_url)
        self.tenants = TenantStore(settings.database_url)
        self.auth_policy = LocalModePolicy.from_settings(settings)
        self.max_open_jobs = int(_float(settings, "max_queued_per_tenant", 100))
        self._recorder_obj: SavePoint | None = recorder
        self._recorder_lock = threading.Lock()
        self._listeners: dict[str, list[_Listener]] = {}
        self._listeners_lock = threading.Lock()
        self._own_ids: set[str] | None = set() if scope == "own" else None
        self._swept = False
        config = PoolConfig(
            workers=settings.workers if workers is None else workers,
            heartbeat_s=_float(settings, "job_heartbeat_s", 1.0),
            poll_s=_float(settings, "job_poll_s", 1.0),
            recover_every_s=_float(settings, "job_recover_every_s", 10.0),
            recovery=RecoveryPolicy(stale_after=_float(settings, "job_stale_after_s", 60.0),
                                    max_attempts=int(_float(settings, "job_max_attempts", 3))),
            # fair scheduling (jobs.fair): at most this many running jobs per tenant; 0 means no cap
            tenant_cap=None if scope == "own" else int(_float(settings, "max_running_per_tenant", 0)) or None)
        self.runner = JobRunner(home=settings.home, store=self.store, router=self.router,
                                recorder=self._recorder, hooks=self,
                                job_timeout_s=_float(settings, "job_timeout_s", REQUEST_LIMITS.job_timeout_s))
        self.pool = WorkerPool(self.store, self.runner.run, config, only_ids=self._own_ids)

    # -- lifecycle -------------------------------------------------------------------------------------

    def start(self) -> Service:
        """Recover jobs of dead workers and start the worker pool (idempotent)."""
        if self.auth_policy.local_mode:
            self.tenants.ensure_tenant(LOCAL_TENANT)
        self.pool.start()
        if self._own_ids is None and not self._swept:
            # a server start removes store files a killed writer left without a catalog row; in the
            # background (it walks the store) and never for short-lived in-process runs (scope "own")
            self._swept = True
            threading.Thread(target=self._sweep_store, name="imagegen-store-sweep", daemon=True).start()
        return self

    def warm(self) -> None:
        """Build the default route's engine and let it preload (fonts...), so the first request is not slow.

        Engines may offer an optional ``warm()``; an engine that cannot be built here is left for the
        request that needs it to report."""
        try:
            engine = self.router.engine_for(self.default_model)
        except ImagegenError as exc:
            log.warning("default engine not warmed: %s", exc.message)
            return
        warm = getattr(engine, "warm", None)
        if callable(warm):
            warm()

    def _sweep_store(self) -> None:
        try:
            report = self._recorder().sweep()
            log.info("store sweep: %s", report)
        except Exception:  # a failed sweep must never take the server down; it runs again next start
            log.exception("store sweep failed")

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the pool; running jobs go back to the queue (see docs/jobs.md). With ``scope="own"``
        the jobs this instance still holds or reserved end ``cancelled`` instead: nobody else runs them."""
        self.pool.stop(timeout)
        if self._own_ids is not None:
            self.store.end_owned(self.pool.worker_id, "cancelled", error_to_json(
                JobCancelled("The job was cancelled: the process running it in-process stopped.")))

    def __enter__(self) -> Service:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- models and auth -------------------------------------------------------------------------------

    @property
    def default_model(self) -> str:
        """The model a request that names none gets (SPEC §1)."""
        return self.settings.default_model

    def is_known_model(self, model: str) -> bool:
        """Whether a route serves ``model`` (it may still be unavailable here: that is a 503 at run)."""
        return self.router.is_known(model)

    def authenticate(self, authorization_header: str | None, *, client_host: str | None) -> str:
        """The tenant id of a request, from ``Authorization: Bearer <key>``.

        Local single-user mode answers ``"local"`` without a key, only when the operator enabled it,
        the server is bound to loopback and this client is on loopback too."""
        header = (authorization_header or "").strip()
        scheme, _, token = header.partition(" ")
        if header and scheme.lower() == "bearer" and token.strip():
            return self.tenants.verify_key(token.strip())
        if header:
            raise AuthenticationError("The Authorization header must be 'Bearer <API key>'.")
        if self.auth_policy.allows_keyless(client_host):
            return LOCAL_TENANT
        raise AuthenticationError(
            "You didn't provide an API key. Send 'Authorization: Bearer <key>' "
            "(create one with: imagegen keys create --tenant NAME).")

    # -- jobs ------------------------------------------------------------------------------------------

    def submit(self, tenant_id: str, operation: Operation, spec: GenerateSpec, *,
               params: dict[str, Any] | None = None, idempotency_key: str | None = None) -> JobRecord:
        """Persist a job (row + input files) and queue it. ``params``: the contract's normalized
        parameters (``ParsedRequest.params``), recorded in provenance; derived from ``spec`` if None.
        An ``idempotency_key`` the tenant already used returns that job instead of a new one."""
        return self._submit(new_job_id(), tenant_id, operation, spec, params, idempotency_key)

    def _submit(self, job_id: str, tenant_id: str, operation: Operation, spec: GenerateSpec,
                params: dict[str, Any] | None, idempotency_key: str | None) -> JobRecord:
        if operation not in ("generate", "edit"):
            raise InvalidValue(f"Unknown operation {operation!r}.", param="operation")
        if (operation == "edit") != isinstance(spec, EditSpec):
            raise InvalidValue(f"Operation {operation!r} does not match the request.", param="operation")
        if not self.is_known_model(spec.model):
            self.router.engine_for(spec.model)  # raises ModelNotFound with the standard message
        if spec.plan is not None:
            # a client plan is judged at the door by the engine that will read it (400, not a failed job)
            check_plan = getattr(self.router.engine_for(spec.model), "check_plan", None)
            if check_plan is not None:
                check_plan(spec.plan)
        if self.store.count_open(tenant_id) >= self.max_open_jobs:
            raise RateLimited(f"Too many queued jobs: at most {self.max_open_jobs} per tenant may be "
                              "queued or running. Try again when some have finished.")
        spec_json = spec_to_json(spec)
        if params is None:
            params = {k: v for k, v in spec_json.items()
                      if k not in ("v", "kind", "width", "height", "has_mask")}
            params["size"] = spec.size
            params["operation"] = operation
        # this process's workers take the decoded inputs back instead of decoding the stored bytes again
        parked = (isinstance(spec, EditSpec) and self.pool.config.workers > 0
                  and self.runner.decoded.park(job_id, spec))
        # the row and its input files in one transaction, in the database: any worker can run it
        try:
            record, created = self.store.create(
                job_id=job_id, tenant_id=tenant_id, operation=operation, model=spec.model,
                params={"spec": spec_json, "params": params}, idempotency_key=idempotency_key,
                owner=self.pool.worker_id if self._own_ids is not None else None, inputs=encode_inputs(spec))
        except BaseException:
            if parked:
                self.runner.decoded.discard(job_id)
            raise
        if not created:
            if parked:
                self.runner.decoded.discard(job_id)
            return record
        if self._own_ids is not None:
            self._own_ids.add(job_id)
        self.pool.wake()
        return record

    def run(self, tenant_id: str, operation: Operation, spec: GenerateSpec, *,
            params: dict[str, Any] | None = None,
            on_partial: Callable[[PartialImage], None] | None = None,
            on_progress: Callable[[float, str], None] | None = None,
            on_submitted: Callable[[str], None] | None = None,
            timeout: float | None = None) -> JobOutcome:
        """Submit and wait. Returns the outcome or raises the job's error (``JobCancelled`` when it was
        cancelled, ``JobTimeout`` after ``timeout`` seconds, the job then being cancelled). Partials and
        progress reach the callbacks (on a worker thread) when this process runs the job.
        ``on_submitted(job_id)`` is called once the job is persisted, before the wait: a caller that may
        go away (an SSE stream whose client disconnects) keeps the id to ``cancel`` the job."""
        if not self.pool.running:
            raise EngineUnavailable("The service is not started: no worker would run the job.")
        listener = _Listener(on_partial, on_progress)
        job_id = new_job_id()
        # listen before the job exists, so a fast worker cannot finish it unheard
        with self._listeners_lock:
            self._listeners.setdefault(job_id, []).append(listener)
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            self._submit(job_id, tenant_id, operation, spec, params, None)
            if on_submitted is not None:
                on_submitted(job_id)
            while not listener.done.wait(0.5):
                # another process may run the job (shared IMAGEGEN_HOME): poll the row too
                if self.store.get(tenant_id, job_id).done:
                    break
                if not self.pool.running:
                    raise EngineUnavailable(f"The service stopped before job {job_id} finished; it stays "
                                            "queued and runs at the next start.")
                if deadline is not None and time.monotonic() > deadline:
                    self.cancel(tenant_id, job_id)
                    raise JobTimeout(f"The job {job_id} did not finish within {timeout:g} s; "
                                     "it was cancelled.")
        finally:
            with self._listeners_lock:
                group = self._listeners.get(job_id, [])
                if listener in group:
                    group.remove(listener)
                if not group:
                    self._listeners.pop(job_id, None)
        if listener.outcome is not None:
            return listener.outcome
        return self.result(tenant_id, job_id)

    def status(self, tenant_id: str, job_id: str) -> JobRecord:
        """The job as it stands (``NotFound`` for another tenant's or an unknown id)."""
        return self.store.get(tenant_id, job_id)

    def result(self, tenant_id: str, job_id: str) -> JobOutcome:
        """A completed job's outcome; the job's error if it failed; ``JobCancelled`` if cancelled;
        ``JobNotReady`` while it is queued or running."""
        record = self.store.get(tenant_id, job_id)
        if not record.done:
            raise JobNotReady(f"The job {job_id} is {record.status}; its result is not ready yet.")
        record.raise_error()
        assets = [self.open_asset(tenant_id, a) for a in record.asset_ids]
        return JobOutcome(job_id, result_from_summary(record.result_summary or {}, assets), assets)

    def cancel(self, tenant_id: str, job_id: str) -> JobRecord:
        """Cancel a job. A queued job ends at once; a running one stops at its next check; one past the
        commit point (being recorded) or finished is not affected. Returns the status after the call."""
        record, took = self.store.request_cancel(tenant_id, job_id)
        if took:
            self.pool.cancel_local(job_id)
            if record.status == "cancelled":
                remove_inputs(self.settings.home, job_id)
                self.on_finished(job_id, None)
        return self.store.get(tenant_id, job_id)

    def open_asset(self, tenant_id: str, asset_id: str) -> StoredAsset:
        """An asset of the tenant's catalog (``NotFound`` for another tenant's or an unknown id)."""
        asset: StoredAsset = self._recorder().get_asset(tenant_id, asset_id)
        if asset.tenant_id != tenant_id:  # the catalog scopes by tenant; this is a second lock
            raise NotFound(f"No asset found with id '{asset_id}'.", param="asset_id")
        return asset

    def load_input(self, tenant_id: str, asset_id: str) -> InputImage:
        """An asset of the tenant's catalog as an edit input (``file_id``; its plan included)."""
        return self._recorder().load_input(tenant_id, asset_id)

    # -- the save point ---------------------------------------------------------------------------------

    def catalog(self, tenant_id: str) -> Catalog:
        """The catalog facade of ``tenant_id``: search, asset, lineage, review, usage, export, trace."""
        from imagegen.service.catalog import Catalog, thumbnail_cache

        return Catalog(self._recorder(), tenant_id, thumbnail_cache(self.settings))

    def _recorder(self) -> SavePoint:
        with self._recorder_lock:
            if self._recorder_obj is None:
                try:
                    from imagegen.provenance.catalog.recorder import Recorder
                except ImportError as exc:
                    raise EngineUnavailable(f"The provenance recorder is not available: {exc}") from exc
                self._recorder_obj = Recorder(self.settings)
            return self._recorder_obj

    # -- JobHooks (called on worker threads) --------------------------------------------------------------

    def _group(self, job_id: str) -> list[_Listener]:
        with self._listeners_lock:
            return list(self._listeners.get(job_id, ()))

    def on_progress(self, job_id: str, fraction: float, message: str) -> None:
        for listener in self._group(job_id):
            if listener.on_progress is not None:
                try:
                    listener.on_progress(fraction, message)
                except Exception:  # a listener's bug must not fail the job
                    log.exception("progress listener of %s failed", job_id)

    def on_partial(self, job_id: str, partial: PartialImage) -> None:
        for listener in self._group(job_id):
            if listener.on_partial is not None:
                try:
                    listener.on_partial(partial)
                except Exception:
                    log.exception("partial-image listener of %s failed", job_id)

    def on_finished(self, job_id: str, outcome: JobOutcome | None) -> None:
        self.runner.decoded.discard(job_id)
        if self._own_ids is not None:
            self._own_ids.discard(job_id)
        for listener in self._group(job_id):
            listener.outcome = outcome
            listener.done.set()


def replace_settings(settings: Settings, **extra: str) -> Settings:
    """``settings`` with more ``extra`` entries (e.g. ``local_mode``, ``bind_host`` from ``serve``)."""
    return dataclasses.replace(settings, extra={**settings.extra, **extra})
