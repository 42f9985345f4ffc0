"""Recording is idempotent per job: a worker SIGKILLed after the catalog rows of a job committed but before
the job row said ``completed`` leaves the job to recovery, and the rerun completes it with the assets the
first attempt recorded — never a second set (docs/jobs.md, "Restart policy")."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from service_helpers import wait_for
from sqlalchemy import select

from imagegen.config import Settings
from imagegen.contract.specs import GenerateSpec
from imagegen.provenance.catalog.models import Asset
from imagegen.service import Service

HERE = Path(__file__).resolve().parent


def _catalog_ids(svc: Service, job_id: str) -> list[str]:
    with svc.store._sessions() as s:
        return list(s.scalars(select(Asset.asset_id).where(Asset.job_id == job_id).order_by(Asset.seq)))


def test_sigkill_after_record_gives_one_set_of_assets(
        make_service: Callable[..., Service], settings: Settings) -> None:
    submitter = make_service(workers=0)
    job = submitter.submit("acme", "generate", GenerateSpec(prompt="crash after record", model="test-quick",
                                                             seed=7, n=2))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, str(HERE / "crash_after_record_worker.py"), str(settings.home)],
                          env=env, capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-3000:]

    # the crash window: the catalog holds the job's two assets, the job row is still mid-recording
    first = _catalog_ids(submitter, job.id)
    stranded = submitter.store.get("acme", job.id)
    assert len(first) == 2, first
    assert (stranded.status, stranded.asset_ids, stranded.attempts) == ("in_progress", (), 1)

    # restart: recovery sees the dead pid, requeues the job, the rerun reuses the recorded assets
    svc = make_service(workers=2)
    wait_for(lambda: svc.store.get("acme", job.id).done, timeout=60)
    done = svc.store.get("acme", job.id)
    assert (done.status, done.attempts) == ("completed", 2), done
    assert list(done.asset_ids) == first
    assert _catalog_ids(svc, job.id) == first  # exactly one set
    outcome = svc.result("acme", job.id)
    assert [a.asset_id for a in outcome.assets] == first
    assert all(a.width == 256 for a in outcome.assets)
