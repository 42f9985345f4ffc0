"""``imagegen keys create|list|revoke|weight``: API keys of tenants (a key is shown once, stored hashed), and
a tenant's fair-scheduling weight."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from imagegen.tenants import TenantStore


def _store() -> TenantStore:
    from imagegen.config import Settings
    from imagegen.tenants import TenantStore

    settings = Settings.from_env()
    settings.ensure_dirs()
    return TenantStore(settings.database_url)


def _when(ts: float | None) -> str | None:
    return None if ts is None else datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@click.group("keys")
def keys() -> None:
    """Manage API keys (each key belongs to one tenant)."""


@keys.command("create")
@click.option("--tenant", required=True, help="Tenant name (created if new): a-z, 0-9, '.', '_', '-'.")
@click.option("--label", default=None, help="A note to recognise the key by in 'keys list'.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object instead of the bare key.")
def create(tenant: str, label: str | None, as_json: bool) -> None:
    """Create a key for TENANT and print it. It is shown only this once."""
    info, key = _store().create_key(tenant, label=label)
    if as_json:
        click.echo(json.dumps({"key": key, "key_id": info.key_id, "tenant": info.tenant_id,
                               "label": info.label, "created_at": _when(info.created_at)}))
    else:
        click.echo(key)
        click.echo(f"imagegen: key {info.key_id} for tenant '{info.tenant_id}' created; it is shown only "
                   "once (set it as IMAGEGEN_API_KEY).", err=True)


@keys.command("list")
@click.option("--tenant", default=None, help="Only this tenant's keys.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines.")
def list_keys(tenant: str | None, as_json: bool) -> None:
    """List keys (ids, tenants, dates; never the keys themselves)."""
    for info in _store().list_keys(tenant):
        row = {"key_id": info.key_id, "tenant": info.tenant_id, "label": info.label,
               "created_at": _when(info.created_at), "last_used_at": _when(info.last_used_at),
               "revoked_at": _when(info.revoked_at)}
        if as_json:
            click.echo(json.dumps(row))
        else:
            state = "revoked " + str(row["revoked_at"]) if info.revoked_at else "active"
            click.echo(f"{info.key_id}  {info.tenant_id:<20} {state:<28} created {row['created_at']}"
                       + (f"  ({info.label})" if info.label else ""))


@keys.command("revoke")
@click.argument("key_id")
def revoke(key_id: str) -> None:
    """Revoke KEY_ID (the 16 hex digits after 'ig_', or the whole key). Takes effect at once."""
    info = _store().revoke_key(key_id)
    when = _when(info.revoked_at)
    click.echo(f"imagegen: key {info.key_id} of tenant '{info.tenant_id}' revoked at {when}", err=True)


@keys.command("weight")
@click.argument("tenant")
@click.argument("weight", type=click.IntRange(1, 100), required=False)
def weight(tenant: str, weight: int | None) -> None:
    """Show TENANT's scheduling weight, or set it to WEIGHT: jobs it takes per fair round (default 1)."""
    store = _store()
    if weight is not None:
        store.set_weight(tenant, weight)
    click.echo(f"{tenant} {store.weight(tenant)}")


def register(group: click.Group) -> None:
    """Add ``keys`` to the ``imagegen`` group."""
    group.add_command(keys)
