"""kill -9 at random points while recording: never a row without its file; the sweep leaves no orphan."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from imagegen.cli.main import main as cli_main
from imagegen.config import Settings
from imagegen.db.engine import dispose_all
from imagegen.provenance.catalog.models import Asset
from imagegen.provenance.catalog.recorder import Recorder

HERE = Path(__file__).resolve().parent


def _check_rows_have_files(rec: Recorder) -> set[str]:
    with rec.sessions() as s:
        rows = s.execute(select(Asset.storage_key, Asset.sha256)).all()
    for key, sha in rows:
        data = rec.store.read(key)  # raises if a row lost its file
        assert hashlib.sha256(data).hexdigest() == sha
    return {k for k, _ in rows}


def test_sigkill_during_writes_leaves_no_orphans(tmp_path, monkeypatch, capsys):
    home = tmp_path / "home"
    settings = Settings(home=home, database_url=f"sqlite:///{home / 'imagegen.db'}")
    rec = Recorder(settings)
    _ = rec.signer  # create the keys once, outside the killed processes
    rng = random.Random(1234)
    env = os.environ | {"PYTHONPATH": str(HERE) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    kills = 0
    for round_ in range(4):
        proc = subprocess.Popen(
            [sys.executable, str(HERE / "crash_writer.py"), str(home), str(round_)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        try:
            assert proc.stdout is not None
            assert proc.stdout.readline().strip() == b"ready", proc.stderr.read() if proc.stderr else ""
            time.sleep(rng.uniform(0.05, 1.2))
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
            kills += 1
        _check_rows_have_files(rec)
    # a file written by a killed process may have no row yet: the sweep removes it (grace 0 in the test)
    monkeypatch.setenv("IMAGEGEN_HOME", str(home))
    assert cli_main(["sweep", "--grace", "0", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    referenced = _check_rows_have_files(rec)
    on_disk = {key for key, _mtime, _tmp in rec.store.iter_files()}
    assert on_disk == referenced
    assert kills == 4 and len(referenced) > 0
    # the sweep never touches young files (a writer in flight in another process)
    _sha, orphan_key = rec.store.put(b"in flight", "png")
    assert rec.sweep(grace_s=3600).removed_orphans == []
    assert rec.store.exists(orphan_key)
    assert rec.sweep(grace_s=0).removed_orphans == [orphan_key]
    assert isinstance(report["removed_orphans"], list)
    dispose_all()
