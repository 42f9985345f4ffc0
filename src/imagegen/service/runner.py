"""Running one job, in numbered steps (the worker pool calls ``JobRunner.run``).

1. rebuild the spec from the job row and the input files (survives restarts), unless this process
   submitted it and still holds its decoded inputs (``jobs.decoded``: edit inputs are decoded once);
2. resolve edit inputs against the tenant's catalog (a matched asset brings its plan: plan-level edits);
3. route the model to an engine;
4. run the engine with a Progress that reports progress/partials and reads the cancel flag;
5. pass the commit point (``JobStore.begin_commit``): from here a cancel no longer applies;
6. record through the save point (``Recorder.record``), store asset ids, timings and status.

A job that was cancelled before step 5 never reaches step 6: no asset is produced.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from imagegen.contract.errors import EngineFailure, ImagegenError, JobCancelled
from imagegen.contract.limits import REQUEST_LIMITS
from imagegen.contract.specs import EditSpec, GenerateSpec, InputImage
from imagegen.engines.base import PartialImage
from imagegen.engines.routing import EngineRouter
from imagegen.jobs.decoded import DecodedInputs
from imagegen.jobs.errors import JobTimeout
from imagegen.jobs.records import JobRecord, error_to_json
from imagegen.jobs.spec_codec import load_inputs, remove_inputs, spec_from_json
from imagegen.jobs.store import JobStore
from imagegen.jobs.worker import JobControl
from imagegen.provenance.records import RecordContext, StoredAsset
from imagegen.service.outcome import JobOutcome, summarize
from imagegen.service.savepoint import SavePoint

log = logging.getLogger(__name__)


class JobHooks(Protocol):
    """In-process listeners of a job (``Service.run`` callers, SSE streams)."""

    def on_progress(self, job_id: str, fraction: float, message: str) -> None: ...

    def on_partial(self, job_id: str, partial: PartialImage) -> None: ...

    def on_finished(self, job_id: str, outcome: JobOutcome | None) -> None: ...


class _Interrupted(Exception):
    """The engine returned or raised because the job was told to stop."""


class JobProgress:
    """The ``Progress`` an engine receives for one job."""

    #: write progress to the database at most this often (listeners in this process get every call)
    WRITE_EVERY_S = 0.5

    def __init__(self, store: JobStore, control: JobControl, hooks: JobHooks,
                 deadline: float | None = None) -> None:
        self._store = store
        self._control = control
        self._hooks = hooks
        self._last_write = 0.0
        #: ``time.monotonic()`` past which the job must stop (its time bound); None: unbounded
        self.deadline = deadline

    def progress(self, fraction: float, message: str = "") -> None:
        fraction = max(0.0, min(1.0, float(fraction)))
        now = time.monotonic()
        if now - self._last_write >= self.WRITE_EVERY_S or fraction >= 1.0:
            self._last_write = now
            try:
                self._store.set_progress(self._control.job_id, self._control.worker_id, fraction, message)
            except Exception:  # progress is advisory; a busy database must not fail the job
                log.warning("could not store progress of %s", self._control.job_id, exc_info=True)
        self._hooks.on_progress(self._control.job_id, fraction, message)

    def partial(self, partial: PartialImage) -> None:
        self._hooks.on_partial(self._control.job_id, partial)

    def timed_out(self) -> bool:
        return self.deadline is not None and time.monotonic() > self.deadline

    def cancelled(self) -> bool:
        # engines check this between stages: a cancelled job and one over its time bound stop alike
        return self._control.cancelled() or self.timed_out()


class JobRunner:
    """Executes claimed jobs: ``run(job, control)`` always leaves the job in a final or queued state."""

    def __init__(self, *, home: Path, store: JobStore, router: EngineRouter,
                 recorder: Callable[[], SavePoint], hooks: JobHooks,
                 job_timeout_s: float | None = None) -> None:
        self.home = home
        self.store = store
        self.router = router
        #: every job's time bound (``IMAGEGEN_JOB_TIMEOUT_S``; the contract's default; 0: unbounded)
        timeout = REQUEST_LIMITS.job_timeout_s if job_timeout_s is None else job_timeout_s
        self.job_timeout_s = timeout if timeout > 0 else None
        self._recorder = recorder
        self.hooks = hooks
        #: edit specs decoded by this process's front door, by job id (``Service.submit`` parks them)
        self.decoded = DecodedInputs()

    # 2. ---------------------------------------------------------------------------------------------
    def resolve_inputs(self, tenant_id: str, spec: GenerateSpec) -> GenerateSpec:
        """Attach catalog facts to edit inputs the client sent as bytes (asset id and plan)."""
        if not isinstance(spec, EditSpec):
            return spec
        match = self._recorder().match_input
        images: list[InputImage] = []
        changed = False
        for im in spec.images:
            # bytes the client uploaded, and file_id inputs fetched as bytes by the front door, both lack
            # the plan: the catalog knows it by content hash (that is what enables plan-level edits)
            if im.plan is None:
                found = match(tenant_id, im.data)
                if found is not None:
                    im = dataclasses.replace(im, asset_id=im.asset_id or found.asset_id, plan=found.plan)
                    changed = True
            images.append(im)
        return dataclasses.replace(spec, images=tuple(images)) if changed else spec

    def run(self, job: JobRecord, control: JobControl) -> None:
        """Run ``job`` to its end (see the module docstring for the steps)."""
        started = time.monotonic()
        worker = control.worker_id
        deadline = None if self.job_timeout_s is None else started + self.job_timeout_s
        progress = JobProgress(self.store, control, self.hooks, deadline)
        try:
            # 1.-2.
            parked = self.decoded.take(job.id)
            spec = parked if parked is not None else spec_from_json(
                job.params["spec"], load_inputs(self.store, self.home, job.id))
            spec = self.resolve_inputs(job.tenant_id, spec)
            # 3.
            engine = self.router.engine_for(job.model)
            # 4.
            if progress.cancelled():
                raise _Interrupted
            if job.operation == "edit":
                assert isinstance(spec, EditSpec)
                result = engine.edit(spec, progress)
            else:
                result = engine.generate(spec, progress)
        except BaseException as exc:  # every way out must leave the job in a final state
            ending: BaseException = exc
            if progress.timed_out() and not control.cancelled():
                ending = JobTimeout(f"The job {job.id} ran longer than {self.job_timeout_s:g} s "
                                    "(IMAGEGEN_JOB_TIMEOUT_S) and was stopped.")
            self._end_without_result(job, control, ending)
            if not isinstance(exc, Exception | _Interrupted):
                raise
            return
        compute_s = time.monotonic() - started

        # 5. The commit point: one guarded UPDATE decides between a concurrent cancel and recording.
        if control.user_cancelled or not self.store.begin_commit(job.id, worker):
            self._cancelled(job, worker)
            return

        # 6.
        try:
            ctx = RecordContext(
                tenant_id=job.tenant_id, operation=job.operation,  # type: ignore[arg-type]
                requested_model=job.model, prompt=spec.prompt, params=dict(job.params.get("params") or {}),
                user=spec.user, job_id=job.id,
                inputs=spec.images if isinstance(spec, EditSpec) else (),
                parents=tuple(im.asset_id for im in spec.images if im.asset_id)
                if isinstance(spec, EditSpec) else (),
                source="edited" if job.operation == "edit" else "generated",
                compute_seconds=compute_s)
            recorder = self._recorder()
            # a rerun (attempts > 1) whose earlier attempt died after the catalog transaction committed
            # reuses that attempt's assets: recording is idempotent per job (docs/jobs.md)
            assets = self._already_recorded(recorder, job) if job.attempts > 1 else []
            if assets:
                log.info("job %s: reusing the %d asset(s) an earlier attempt recorded", job.id, len(assets))
            else:
                assets = list(recorder.record(ctx, result))
        except Exception as exc:
            log.exception("recording job %s failed", job.id)
            err = exc if isinstance(exc, ImagegenError) else EngineFailure.from_exception(
                "The images were made but could not be saved", exc)
            if self.store.finish(job.id, "failed", error_to_json(err), worker_id=worker):
                self._done(job, None)
            return
        summary = summarize(result, spec.output_format, compute_s)
        if self.store.complete(job.id, worker, [a.asset_id for a in assets], summary):
            self._done(job, JobOutcome(job.id, result, assets))
        else:
            log.warning("job %s was taken from this worker while it recorded; its assets stay orphaned",
                        job.id)

    @staticmethod
    def _already_recorded(recorder: SavePoint, job: JobRecord) -> list[StoredAsset]:
        return list(recorder.recorded_for_job(job.tenant_id, job.id))

    # -- endings -------------------------------------------------------------------------------------

    def _end_without_result(self, job: JobRecord, control: JobControl, exc: BaseException) -> None:
        worker = control.worker_id
        user_cancel = control.user_cancelled or self._cancel_flag(job.id)
        if user_cancel:
            self._cancelled(job, worker)
            return
        interrupted = control.stopping and (isinstance(exc, _Interrupted | JobCancelled)
                                            or not isinstance(exc, ImagegenError))
        if interrupted and not control.requeue_on_stop:
            # an in-process run (the CLI) that is shutting down, e.g. Ctrl-C: nobody else would run it
            self._cancelled(job, worker)
            return
        # shutting down: the job goes back to the queue for the next start (or another process)
        if interrupted and self.store.release(job.id, worker):
            log.info("job %s returned to the queue at shutdown", job.id)
            return
        if isinstance(exc, ImagegenError):
            err = exc
        else:
            # the client gets a reference to the log, never the exception's text (it may echo internals)
            err = EngineFailure.from_exception(f"The engine failed on job {job.id}", exc)
        if self.store.finish(job.id, "failed", error_to_json(err), worker_id=worker):
            self._done(job, None)

    def _cancel_flag(self, job_id: str) -> bool:
        try:
            return self.store.cancel_requested(job_id)
        except Exception:
            return False

    def _cancelled(self, job: JobRecord, worker: str) -> None:
        # only the worker that still holds the job may end it: after a recovery another worker owns it
        # (and its input files), and this stale worker must leave both alone
        if self.store.finish(job.id, "cancelled", error_to_json(JobCancelled("The job was cancelled.")),
                             worker_id=worker):
            self._done(job, None)

    def _done(self, job: JobRecord, outcome: JobOutcome | None) -> None:
        remove_inputs(self.home, job.id)
        self.decoded.discard(job.id)
        self.hooks.on_finished(job.id, outcome)
