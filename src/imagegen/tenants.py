"""Tenants and API keys.

A key is ``ig_<key id>_<secret>``. Only ``sha256(key)`` is stored; the key id (16 hex digits, also the
primary key of ``api_keys``) finds the row without scanning, and the hash is compared in constant time.
sha256 (not a slow password hash) is right here: the secret carries 256 random bits, so there is nothing
to brute-force, and every request checks a key.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from imagegen.contract.errors import AuthenticationError, InvalidValue, NotFound
from imagegen.db.engine import session_factory
from imagegen.jobs.fair import DEFAULT_WEIGHT, MAX_WEIGHT
from imagegen.jobs.models import ApiKeyRow, TenantRow

KEY_PREFIX = "ig_"
#: the tenant of local single-user mode (SPEC: no keys, loopback only)
LOCAL_TENANT = "local"
_TENANT_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
_KEY_RE = re.compile(r"^ig_([0-9a-f]{16})_([A-Za-z0-9_-]{20,100})$")


@dataclass(frozen=True)
class KeyInfo:
    """What ``keys list`` shows: never the key itself."""

    key_id: str
    tenant_id: str
    label: str | None
    created_at: float
    revoked_at: float | None
    last_used_at: float | None


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def key_id_of(authorization_or_key: str | None) -> str | None:
    """The key id (``ig_<16 hex>``) of a key or of a ``Bearer <key>`` header; None when it is neither.

    It names the key (reviews record it) without revealing it; the secret part never leaves this function."""
    token = (authorization_or_key or "").strip()
    scheme, _, rest = token.partition(" ")
    if scheme.lower() == "bearer":
        token = rest.strip()
    m = _KEY_RE.match(token)
    return f"{KEY_PREFIX}{m.group(1)}" if m else None


def validate_tenant_id(tenant_id: str) -> str:
    """Tenant ids are short lowercase slugs (they appear in paths, logs and provenance)."""
    if not _TENANT_RE.match(tenant_id):
        raise InvalidValue(
            f"Invalid tenant name {tenant_id!r}: use 1-64 characters a-z, 0-9, '.', '_' or '-', "
            "starting with a letter or digit.", param="tenant")
    return tenant_id


class TenantStore:
    """Tenants and their keys in the shared database (``Settings.database_url``)."""

    def __init__(self, database_url: str) -> None:
        self._sessions: sessionmaker[Session] = session_factory(database_url)

    def ensure_tenant(self, tenant_id: str, *, display_name: str | None = None) -> None:
        """Create the tenant if it does not exist yet (idempotent)."""
        validate_tenant_id(tenant_id)
        with self._sessions.begin() as s:
            if s.get(TenantRow, tenant_id) is None:
                s.add(TenantRow(id=tenant_id, created_at=time.time(), display_name=display_name))

    def set_weight(self, tenant_id: str, weight: int) -> None:
        """Fair-scheduling weight of ``tenant_id`` (created if new): jobs it takes per round (jobs.fair)."""
        if type(weight) is not int or not 1 <= weight <= MAX_WEIGHT:
            raise InvalidValue(f"A tenant's weight must be a whole number from 1 to {MAX_WEIGHT}, "
                               f"got {weight!r}.", param="weight")
        self.ensure_tenant(tenant_id)
        with self._sessions.begin() as s:
            row = s.get(TenantRow, tenant_id)
            assert row is not None
            row.weight = weight

    def weight(self, tenant_id: str) -> int:
        """The fair-scheduling weight of ``tenant_id`` (1 for a tenant without a row)."""
        with self._sessions() as s:
            row = s.get(TenantRow, tenant_id)
            return DEFAULT_WEIGHT if row is None else int(row.weight)

    def create_key(self, tenant_id: str, *, label: str | None = None) -> tuple[KeyInfo, str]:
        """Make a key for ``tenant_id`` (creating the tenant); returns its info and the key, shown once."""
        self.ensure_tenant(tenant_id)
        key_id = secrets.token_hex(8)
        key = f"{KEY_PREFIX}{key_id}_{secrets.token_urlsafe(32)}"
        now = time.time()
        with self._sessions.begin() as s:
            s.add(ApiKeyRow(id=key_id, tenant_id=tenant_id, key_sha256=_sha256(key), label=label,
                            created_at=now))
        return KeyInfo(key_id, tenant_id, label, now, None, None), key

    def list_keys(self, tenant_id: str | None = None) -> list[KeyInfo]:
        """Every key (or one tenant's), oldest first."""
        with self._sessions() as s:
            q = select(ApiKeyRow).order_by(ApiKeyRow.created_at)
            if tenant_id is not None:
                q = q.where(ApiKeyRow.tenant_id == tenant_id)
            return [KeyInfo(r.id, r.tenant_id, r.label, r.created_at, r.revoked_at, r.last_used_at)
                    for r in s.scalars(q)]

    def revoke_key(self, key_id: str) -> KeyInfo:
        """Revoke by key id (the 16 hex digits after ``ig_``, or a whole key). Idempotent."""
        m = _KEY_RE.match(key_id)
        if m:
            key_id = m.group(1)
        with self._sessions.begin() as s:
            row = s.get(ApiKeyRow, key_id)
            if row is None:
                raise NotFound(f"No API key with id {key_id!r}.", param="key_id")
            if row.revoked_at is None:
                row.revoked_at = time.time()
            return KeyInfo(row.id, row.tenant_id, row.label, row.created_at, row.revoked_at,
                           row.last_used_at)

    def verify_key(self, key: str) -> str:
        """The tenant id of a valid, unrevoked key; ``AuthenticationError`` otherwise."""
        m = _KEY_RE.match(key.strip())
        if not m:
            raise AuthenticationError("Incorrect API key provided.")
        with self._sessions() as s:
            row = s.get(ApiKeyRow, m.group(1))
            if row is None or not hmac.compare_digest(row.key_sha256, _sha256(key.strip())):
                raise AuthenticationError("Incorrect API key provided.")
            if row.revoked_at is not None:
                raise AuthenticationError("This API key has been revoked.")
            now = time.time()
            # last_used_at is informational; writing it at most once a minute keeps reads read-only.
            if row.last_used_at is None or now - row.last_used_at > 60:
                row.last_used_at = now
                s.commit()
            return row.tenant_id
