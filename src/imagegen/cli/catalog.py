"""Catalog commands: ``search``, ``lineage``, ``ingest``, ``verify``, ``reproduce``, ``export``, ``usage``.

They work on the catalog under ``IMAGEGEN_HOME`` directly (the CLI runs with the operator's rights over
that folder), so ``--tenant`` picks whose catalog to read; it defaults to the local single-user tenant.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from imagegen.cli.options import emit_json
from imagegen.config import Settings
from imagegen.contract.limits import REVIEW_STATES
from imagegen.tenants import LOCAL_TENANT

if TYPE_CHECKING:
    from imagegen.service.catalog import Catalog

tenant_option = click.option(
    "--tenant", default=LOCAL_TENANT, show_default=True, help="Tenant whose catalog to use."
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")


def _recorder() -> Any:
    from imagegen.provenance.catalog.recorder import Recorder

    return Recorder(Settings.from_env())


def _catalog(tenant: str) -> Catalog:
    """The tenant's catalog facade (the same one the API and the studio use)."""
    from imagegen.service.catalog import open_catalog

    return open_catalog(Settings.from_env(), tenant)


@click.command("search")
@click.argument("query", nargs=-1)
@tenant_option
@click.option("--model", help="Requested model id (e.g. gpt-image-2).")
@click.option("--engine", help="Engine that made the pixels (planning, diffusion, upstream, comfyui...).")
@click.option("--user", help="The request's user field.")
@click.option("--source", type=click.Choice(["generated", "edited", "ingested", "upstream"]))
@click.option("--format", "output_format", type=click.Choice(["png", "jpeg", "webp"]))
@click.option("--size", help="WxH of the stored file.")
@click.option("--from", "date_from", help="From this date/time (UTC, inclusive).")
@click.option("--to", "date_to", help="To this date (inclusive: the whole day) or datetime (exclusive).")
@click.option("-q", "--text", help="Full text over prompt and rendered text.")
@click.option("--family", help="Only this prompt family id.")
@click.option("--review", type=click.Choice(REVIEW_STATES), help="Only this review state.")
@click.option("--root", help="Only this asset and its descendants at any depth (with --review approved: "
              "which version did we approve).")
@click.option("--group-by", type=click.Choice(["family"]), help="Group every match by prompt family.")
@click.option("--limit", type=click.IntRange(1, 500), default=50, show_default=True)
@click.option("--cursor", help="Next-page cursor from a previous --json answer.")
@json_option
def search_cmd(
    query: tuple[str, ...],
    tenant: str,
    text: str | None,
    group_by: str | None,
    as_json: bool,
    limit: int,
    cursor: str | None,
    **filters: str | None,
) -> None:
    """Search the catalog for QUERY (free text, like -q; filters AND together; --group-by family answers
    the auditor's question)."""
    text = " ".join(part for part in (*query, text or "") if part.strip()) or None
    from imagegen.provenance.catalog.search import SearchQuery

    # the filter options are named as the contract's reader takes them: one reader for every front door
    q = SearchQuery.from_filters(text=text, limit=limit, cursor=cursor, **filters)
    catalog = _catalog(tenant)
    if group_by == "family":
        doc = catalog.listing(q, group_by="family")
        if as_json:
            emit_json(doc | {"tenant": tenant})
            return
        click.echo(f"{doc['total']} assets in {len(doc['groups'])} prompt families")
        for g in doc["groups"]:
            click.echo(
                f"\n[{g['family_id']}] {g['count']} assets  {g['first_created']} .. {g['last_created']}"
            )
            click.echo(f"  {g['prompt'][:100]!r}")
            for a in g["assets"]:
                click.echo(
                    f"    {a['asset_id']}  {a['created_at']}  {a['requested_model']}  {a['engine']}"
                    f"  {a['user'] or '-'}"
                )
        return
    page = catalog.search(q)
    if as_json:
        emit_json({"object": "list", "tenant": tenant, "data": page.items, "next_cursor": page.next_cursor})
        return
    for a in page.items:
        click.echo(
            f"{a['asset_id']}  {a['created_at']}  {a['requested_model']:<16} {a['engine']:<10} "
            f"{a['width']}x{a['height']} {a['output_format']:<4}  {a['prompt'][:60]!r}"
        )
    if page.next_cursor:
        click.echo(f"(more: --cursor {page.next_cursor})", err=True)


@click.command("lineage")
@click.argument("asset_id")
@tenant_option
@json_option
def lineage_cmd(asset_id: str, tenant: str, as_json: bool) -> None:
    """Print the ancestors and descendants of ASSET_ID."""
    from imagegen.provenance.catalog.lineage import render_tree

    doc = _catalog(tenant).lineage(asset_id)
    if as_json:
        emit_json(doc)
        return
    for line in render_tree(doc["ancestors"], label="made from"):
        click.echo(line)
    for line in render_tree(doc["descendants"], label="used by"):
        click.echo(line)


@click.command("ingest")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@tenant_option
@click.option(
    "--watch", is_flag=True, help="Keep running and ingest new files as they appear (Ctrl-C stops)."
)
@json_option
def ingest_cmd(folder: Path, tenant: str, watch: bool, as_json: bool) -> None:
    """Catalog the images in FOLDER (ComfyUI, A1111, C2PA, imagegen files); sources stay untouched."""
    from imagegen.provenance.catalog.ingest import IngestReport, ingest_dir
    from imagegen.provenance.catalog.ingest import watch as watch_folder

    rec = _recorder()
    report = ingest_dir(rec, tenant, folder)
    _print_ingest(report, as_json)
    if not watch:
        return
    click.echo(f"imagegen: watching {folder} (Ctrl-C to stop)", err=True)
    stop = threading.Event()

    def on_report(r: IngestReport) -> None:
        if r.added or r.linked or r.failed:
            _print_ingest(r, as_json)

    try:
        watch_folder(rec, tenant, folder, on_report, stop)
    except KeyboardInterrupt:
        stop.set()


def _print_ingest(report: Any, as_json: bool) -> None:
    if as_json:
        emit_json(report.to_json())
        return
    for path, aid in report.added:
        click.echo(f"added   {aid}  {path}")
    for path, aid in report.linked:
        click.echo(f"linked  {aid}  {path}")
    for path, reason in report.failed:
        click.echo(f"FAILED  {path}: {reason}", err=True)
    click.echo(
        f"{len(report.added)} added, {len(report.linked)} linked, {len(report.duplicates)} already known, "
        f"{len(report.failed)} unreadable, {report.skipped} skipped",
        err=True,
    )


@click.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@tenant_option
@json_option
def verify_cmd(file: Path, tenant: str, as_json: bool) -> None:
    """Show FILE's XMP, C2PA state, watermark id and catalog entry (even with its metadata stripped)."""
    doc: dict[str, Any] = {"file": str(file)} | _catalog(tenant).verify(file.read_bytes())
    trace = doc["trace"]
    if as_json:
        emit_json(doc)
        return
    c2 = doc.get("c2pa") or {}
    click.echo(f"file:       {file}")
    click.echo(f"XMP:        {'present' if doc.get('xmp') else 'absent'}")
    if doc.get("digital_source_type"):
        click.echo(f"DST:        {doc['digital_source_type']}")
    click.echo(
        f"C2PA:       {c2.get('validation_state') or 'no manifest'}"
        + (f"  ({c2.get('manifest_label')})" if c2.get("manifest_label") else "")
    )
    wm = trace["watermark"] or {}
    click.echo(f"watermark:  {wm.get('asset_id') or doc.get('watermark_id') or 'not decoded'}")
    if trace["asset_id"]:
        cat = doc["catalog"]
        click.echo(
            f"catalog:    {trace['asset_id']} (found by {trace['method']})  {cat['created_at']}  "
            f"{cat['requested_model']} via {cat['engine']} {cat['engine_version']}  user={cat['user']}"
        )
        click.echo(f"prompt:     {cat['prompt'][:200]!r}")
    else:
        click.echo("catalog:    not found in this tenant's catalog")


@click.command("reproduce")
@click.argument("asset_id")
@tenant_option
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the re-render (PNG).")
@json_option
def reproduce_cmd(asset_id: str, tenant: str, output: Path | None, as_json: bool) -> None:
    """Re-render a planning-engine asset from its stored plan and seed; compare render hashes.

    The render hash (raw pixels before marks) must match. The file bytes differ by design: each file carries
    its own asset id in the watermark, its own timestamps and its own signature.
    """
    from imagegen.provenance.catalog.reproduce import reproduce

    rec = _recorder()
    with rec.sessions() as session:
        result = reproduce(session, tenant, asset_id)
    if output is not None:
        result.image.save(output, format="PNG")
    doc = result.to_json() | ({"output": str(output)} if output else {})
    if as_json:
        emit_json(doc)
    else:
        verdict = "MATCH" if result.match else "DIFFERENT"
        click.echo(
            f"{asset_id}: render_sha256 {verdict}\n  stored: {result.stored_sha256}\n"
            f"  now:    {result.render_sha256}  ({result.seconds:.2f} s)"
        )
    if not result.match:
        raise click.exceptions.Exit(1)


@click.command("export")
@tenant_option
@click.option("--from", "date_from", help="From this date/time (UTC, inclusive).")
@click.option("--to", "date_to", help="To this date (inclusive) or datetime (exclusive).")
@click.option("--model", help="Only this requested model.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("--hash-prompts", is_flag=True, help="Write the prompt's sha256 instead of its text.")
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="File (default stdout)."
)
def export_cmd(
    tenant: str,
    date_from: str | None,
    date_to: str | None,
    model: str | None,
    fmt: str,
    hash_prompts: bool,
    output: Path | None,
) -> None:
    """One line per asset with what an EU AI Act Article 50 disclosure needs."""
    catalog = _catalog(tenant)
    options: dict[str, Any] = {"fmt": fmt, "date_from": date_from, "date_to": date_to, "model": model,
                               "hash_prompts": hash_prompts}
    if output is None:
        n = catalog.export(sys.stdout, **options)
    else:
        with open(output, "w", encoding="utf-8", newline="") as fh:
            n = catalog.export(fh, **options)
    click.echo(f"imagegen: exported {n} assets", err=True)


@click.command("usage")
@tenant_option
@click.option("--from", "date_from", help="From this date/time (UTC, inclusive).")
@click.option("--to", "date_to", help="To this date (inclusive) or datetime (exclusive).")
@json_option
def usage_cmd(tenant: str, date_from: str | None, date_to: str | None, as_json: bool) -> None:
    """Compute seconds, credits and upstream costs of a tenant over a period."""
    doc = _catalog(tenant).usage(date_from, date_to)
    if as_json:
        emit_json(doc)
        return
    click.echo(
        f"tenant {tenant}: {doc['assets']} assets, {doc['compute_seconds']} compute s, "
        f"{doc['cost_credits']} credits, upstream {doc['upstream_tokens']} tokens / "
        f"${doc['upstream_cost_usd']}"
    )
    for line in doc["by_model"]:
        click.echo(
            f"  {line['requested_model']:<20} {line['engine']:<10} {line['assets']:>6} assets "
            f"{line['compute_seconds']:>10} s {line['cost_credits']:>10} credits"
        )


@click.command("sweep")
@click.option(
    "--grace",
    type=float,
    default=3600.0,
    show_default=True,
    help="Keep files younger than this many seconds (a writer may not have committed yet).",
)
@click.option("--full", is_flag=True,
              help="S3 store: list every object, not only the writes since the last sweep.")
@json_option
def sweep_cmd(grace: float, full: bool, as_json: bool) -> None:
    """Remove asset-store files that no catalog row references (left by a crash mid-write)."""
    report = _recorder().sweep(grace_s=grace, full=full)
    doc = {
        "removed_orphans": report.removed_orphans,
        "removed_temp": report.removed_temp,
        "kept": report.kept,
        "mode": report.mode,
        "more": report.more,
    }
    if as_json:
        emit_json(doc)
    else:
        click.echo(
            f"removed {len(report.removed_orphans)} orphan files and {len(report.removed_temp)} temp files; "
            f"kept {report.kept}"
        )


def register(group: click.Group) -> None:
    """Add this module's commands to the ``imagegen`` group."""
    for cmd in (
        search_cmd,
        lineage_cmd,
        ingest_cmd,
        verify_cmd,
        reproduce_cmd,
        export_cmd,
        usage_cmd,
        sweep_cmd,
    ):
        group.add_command(cmd)
