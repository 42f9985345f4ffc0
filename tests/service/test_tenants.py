"""Tenants, API keys and the authentication policy (keys, revocation, local single-user mode)."""

from __future__ import annotations

from pathlib import Path

import pytest
from service_helpers import make_settings
from sqlalchemy import select

from imagegen.contract.errors import AuthenticationError, InvalidValue, NotFound
from imagegen.jobs.models import ApiKeyRow
from imagegen.service import Service, replace_settings
from imagegen.service.auth_policy import LocalModeRefused, is_loopback
from imagegen.tenants import TenantStore


def test_keys_are_stored_hashed_and_verify(tmp_path: Path) -> None:
    store = TenantStore(make_settings(tmp_path).database_url)
    info, key = store.create_key("acme", label="ci")
    assert key.startswith("ig_") and info.key_id in key and len(key) > 50
    assert store.verify_key(key) == "acme"
    with store._sessions() as s:
        row = s.scalars(select(ApiKeyRow)).one()
        assert key not in (row.key_sha256, row.id) and len(row.key_sha256) == 64
    for bad in ("", "ig_nope", key[:-1] + ("A" if key[-1] != "A" else "B"), "sk-123"):
        with pytest.raises(AuthenticationError):
            store.verify_key(bad)
    _other_info, other_key = store.create_key("globex")
    assert store.verify_key(other_key) == "globex"
    assert [k.key_id for k in store.list_keys("acme")] == [info.key_id]
    assert len(store.list_keys()) == 2
    store.revoke_key(key)  # a whole key works as well as its id
    with pytest.raises(AuthenticationError, match="revoked"):
        store.verify_key(key)
    assert store.verify_key(other_key) == "globex"
    with pytest.raises(NotFound):
        store.revoke_key("0000000000000000")
    with pytest.raises(InvalidValue):
        store.create_key("Not A Slug")


def test_authenticate_needs_a_bearer_key(tmp_path: Path) -> None:
    svc = Service(make_settings(tmp_path), workers=0)
    _info, key = svc.tenants.create_key("acme")
    assert svc.authenticate(f"Bearer {key}", client_host="10.0.0.5") == "acme"
    assert svc.authenticate(f"bearer {key}", client_host=None) == "acme"
    for header in (None, "", f"Basic {key}", "Bearer ", "Bearer ig_0000000000000000_" + "x" * 43):
        with pytest.raises(AuthenticationError) as err:
            svc.authenticate(header, client_host="127.0.0.1")
        assert err.value.status == 401 and err.value.code == "invalid_api_key"


def test_local_mode_only_on_loopback(tmp_path: Path) -> None:
    base = make_settings(tmp_path)
    local = Service(replace_settings(base, local_mode="1", bind_host="127.0.0.1"), workers=0)
    assert local.authenticate(None, client_host="127.0.0.1") == "local"
    assert local.authenticate(None, client_host="::1") == "local"
    with pytest.raises(AuthenticationError):
        local.authenticate(None, client_host="192.168.1.20")
    _info, key = local.tenants.create_key("acme")
    assert local.authenticate(f"Bearer {key}", client_host="127.0.0.1") == "acme"  # keys still work
    with pytest.raises(LocalModeRefused, match="loopback"):
        Service(replace_settings(base, local_mode="1", bind_host="0.0.0.0"), workers=0)
    # asked for, but the bind is unknown (an in-process front door): keys stay required
    unknown = Service(replace_settings(base, local_mode="1"), workers=0)
    with pytest.raises(AuthenticationError):
        unknown.authenticate(None, client_host="127.0.0.1")
    # not asked for: loopback alone is not enough
    plain = Service(replace_settings(base, bind_host="127.0.0.1"), workers=0)
    with pytest.raises(AuthenticationError):
        plain.authenticate(None, client_host="127.0.0.1")


def test_is_loopback() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("127.9.9.9") and is_loopback("::1")
    assert is_loopback("localhost") and is_loopback("[::1]")
    assert not is_loopback("0.0.0.0") and not is_loopback("::") and not is_loopback("10.1.1.1")
    assert not is_loopback(None) and not is_loopback("example.com")
