"""``imagegen serve``: run the HTTP API (OpenAI-compatible images, queue, catalog) with its worker pool."""

from __future__ import annotations

import click


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="TCP port.")
@click.option("--local", "local_mode", is_flag=True,
              help="Single-user mode: loopback clients need no API key (tenant 'local'). "
                   "Refused unless --host is a loopback address.")
@click.option("--workers", type=click.IntRange(0, 256), default=None,
              help="Job worker threads in this process (default: IMAGEGEN_WORKERS or 2).")
@click.option("--log-level", default="info", show_default=True,
              type=click.Choice(["critical", "error", "warning", "info", "debug"]))
def serve(host: str, port: int, local_mode: bool, workers: int | None, log_level: str) -> None:
    """Serve the API on HOST:PORT until interrupted (jobs left running resume on the next start)."""
    import dataclasses

    import uvicorn

    from imagegen.config import Settings
    from imagegen.service.auth_policy import LocalModePolicy, LocalModeRefused

    settings = Settings.from_env()
    extra = {**settings.extra, "bind_host": host}
    if local_mode:
        extra["local_mode"] = "1"
    settings = dataclasses.replace(settings, extra=extra,
                                   workers=settings.workers if workers is None else workers)
    try:
        LocalModePolicy.from_settings(settings)
    except LocalModeRefused as exc:
        raise click.UsageError(str(exc)) from exc
    settings.ensure_dirs()

    from imagegen.api.app import create_app
    from imagegen.api.server_limits import ServerLimits, uvicorn_options

    try:
        limits = ServerLimits.from_extra(settings.extra)
        app = create_app(settings)
    except ValueError as exc:  # a malformed IMAGEGEN_* setting
        raise click.UsageError(str(exc)) from exc
    mode = "local single-user mode (no keys from loopback)" if local_mode else "API keys required"
    click.echo(f"imagegen: serving http://{host}:{port} ({mode}); data in {settings.home}", err=True)
    # one uvicorn worker process: the job workers are threads in it, and more processes may share
    # IMAGEGEN_HOME (or a PostgreSQL URL) to scale out (docs/jobs.md)
    # header/body time-outs and a connection cap for slow or half-sent requests (api/server_limits.py)
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=log_level == "debug",
                **uvicorn_options(limits))


def register(group: click.Group) -> None:
    """Add ``serve`` to the ``imagegen`` group."""
    group.add_command(serve)
