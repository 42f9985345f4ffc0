"""``imagegen keys`` and the refusals of ``imagegen serve``, through the real command entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from imagegen.cli.main import main
from imagegen.db.engine import dispose_all
from imagegen.tenants import TenantStore


def test_keys_create_list_revoke(imagegen_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keys", "create", "--tenant", "acme", "--label", "laptop"]) == 0
    key = capsys.readouterr().out.strip()
    assert key.startswith("ig_") and "\n" not in key
    store = TenantStore(f"sqlite:///{imagegen_home / 'imagegen.db'}")
    assert store.verify_key(key) == "acme"
    assert main(["keys", "create", "--tenant", "acme", "--json"]) == 0
    made = json.loads(capsys.readouterr().out)
    assert made["tenant"] == "acme" and made["key"].startswith("ig_" + made["key_id"])
    assert main(["keys", "list", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["label"] for r in rows] == ["laptop", None] and all("key" not in r for r in rows)
    assert key not in json.dumps(rows)
    assert main(["keys", "revoke", made["key_id"]]) == 0
    assert main(["keys", "list"]) == 0
    listing = capsys.readouterr().out
    assert "revoked" in listing and "active" in listing
    assert main(["keys", "create", "--tenant", "Not Valid"]) == 65
    assert main(["keys", "revoke", "0123456789abcdef"]) != 0
    dispose_all()


def test_keys_weight_shows_and_sets_the_fair_share(imagegen_home: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keys", "weight", "acme"]) == 0
    assert capsys.readouterr().out.strip() == "acme 1"  # the default, for a tenant without a row too
    assert main(["keys", "weight", "acme", "3"]) == 0
    assert capsys.readouterr().out.strip() == "acme 3"
    assert TenantStore(f"sqlite:///{imagegen_home / 'imagegen.db'}").weight("acme") == 3
    assert main(["keys", "weight", "acme", "0"]) != 0  # 1-100
    dispose_all()


def test_serve_refuses_local_mode_off_loopback(
    imagegen_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--local", "--host", "0.0.0.0", "--port", "0"]) == 64
    err = capsys.readouterr().err
    assert "loopback" in err and "0.0.0.0" in err
    dispose_all()
