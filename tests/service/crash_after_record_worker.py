"""A worker process that dies by SIGKILL right after the save point committed a job's catalog rows, before
the job row says ``completed`` (used by test_record_crash.py; never imported by the package).

Usage: ``python crash_after_record_worker.py IMAGEGEN_HOME`` with this folder on ``sys.path``.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

import imagegen_test_engines as engines
from service_helpers import make_settings

from imagegen.engines.base import EngineResult
from imagegen.provenance.catalog.recorder import Recorder
from imagegen.provenance.records import RecordContext, StoredAsset
from imagegen.service import Service


class CrashAfterRecord(Recorder):
    """The real save point, then a hard kill: the worst moment for the job row."""

    def record(self, ctx: RecordContext, result: EngineResult, *args: Any, **kw: Any) -> list[StoredAsset]:
        assets = super().record(ctx, result, *args, **kw)
        os.kill(os.getpid(), signal.SIGKILL)
        return assets


def main() -> None:
    settings = make_settings(Path(sys.argv[1]))
    svc = Service(settings, workers=1, recorder=CrashAfterRecord(settings))
    svc.router.register("test-quick", engines.QuickEngine)
    svc.start()
    time.sleep(60)  # the first recorded job kills this process long before
    sys.exit(3)


if __name__ == "__main__":
    main()
