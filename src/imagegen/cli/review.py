"""``imagegen review ID approved|rejected|draft [--comment C]``: record a review decision (SPEC §11).

Locally (the default) it writes the catalog under ``IMAGEGEN_HOME`` for ``--tenant`` through the catalog
facade, recording the OS user (or ``--user``) as the reviewer. With ``--server`` it posts to
``/v1/assets/{id}/review`` with a key; the server records the key's id plus ``--user``.
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

import click

from imagegen.cli.options import emit_json, make_client, server_options
from imagegen.config import Settings
from imagegen.contract.limits import REVIEW_STATES
from imagegen.tenants import LOCAL_TENANT


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry and no LOGNAME/USER: still record something honest
        return "unknown"


@click.command("review")
@click.argument("asset_id")
@click.argument("state", type=click.Choice(REVIEW_STATES))
@click.option("--comment", "-m", default=None, help="Why (kept in the review history).")
@click.option("--user", default=None, help="Reviewer name (default: the OS user locally; with --server it "
              "is recorded beside the key's id).")
@click.option("--tenant", default=None,
              help=f"Tenant whose catalog to use locally (default: {LOCAL_TENANT}).")
@click.option("--server", default=None, help="Send the decision to this server instead (needs a key).")
@server_options
@click.option("--json", "as_json", is_flag=True, help="Print the asset as JSON.")
def review_cmd(
    asset_id: str,
    state: str,
    comment: str | None,
    user: str | None,
    tenant: str | None,
    server: str | None,
    api_key: str | None,
    token_file: Path | None,
    as_json: bool,
) -> None:
    """Mark ASSET_ID approved, rejected or draft (with --comment); prints the asset's review."""
    doc: dict[str, Any]
    if server:
        if tenant:
            raise click.UsageError(
                "--tenant is for the local catalog; a server takes the tenant from the key.")
        body: dict[str, Any] = {"state": state}
        if comment is not None:
            body["comment"] = comment
        if user:
            body["user"] = user
        with make_client(server, api_key, token_file) as client:
            doc = client.review(asset_id, body)
    else:
        from imagegen.service.catalog import open_catalog

        catalog = open_catalog(Settings.from_env(), tenant or LOCAL_TENANT)
        doc = catalog.review(asset_id, state, by=user or _os_user(), comment=comment)
    if as_json:
        emit_json(doc)
        return
    review = doc["review"]
    click.echo(f"{doc['id']}: {review['state']} by {review['by']} at {review['at']}"
               + (f"  {review['comment']!r}" if review.get("comment") else ""))


def register(group: click.Group) -> None:
    group.add_command(review_cmd)
