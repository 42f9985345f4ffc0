"""``imagegen worker`` refuses to start when its store is misconfigured (65) or unreachable (69)."""

from __future__ import annotations

from pathlib import Path

import pytest
from workers_helpers import free_port

from imagegen.cli.main import main


@pytest.mark.parametrize(("settings", "code", "says"), [
    ({"IMAGEGEN_STORE_URL": "ftp://somewhere"}, 65, "must start with s3:// or file://"),
    ({"IMAGEGEN_STORE_URL": "s3://bucket", "IMAGEGEN_S3_ACCESS_KEY_ID": "id-only"}, 65, "or neither"),
    ({"IMAGEGEN_STORE_URL": "s3://bucket", "IMAGEGEN_S3_ENDPOINT_URL": "http://127.0.0.1:{port}",
      "IMAGEGEN_S3_ACCESS_KEY_ID": "k", "IMAGEGEN_S3_SECRET_ACCESS_KEY": "s"}, 69, "could not be reached"),
])
def test_worker_refuses_a_store_it_cannot_use(settings: dict[str, str], code: int, says: str, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("IMAGEGEN_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    port = free_port()
    for name, value in settings.items():
        monkeypatch.setenv(name, value.format(port=port))
    assert main(["worker"]) == code
    err = capsys.readouterr().err
    assert says in err and f"127.0.0.1:{port}" not in err.splitlines()[-1]
