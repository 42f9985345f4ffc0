"""Options shared by CLI commands, and the one way commands print results."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from imagegen.client import DEFAULT_SERVER, Client, resolve_api_key

F = TypeVar("F", bound=Callable[..., Any])


def server_options(func: F) -> F:
    """``--server`` / ``--api-key`` / ``--token-file`` for commands that talk to a server."""
    func = click.option(
        "--token-file",
        type=click.Path(path_type=Path),
        default=None,
        help="File holding the API key (must be mode 0600). Default: IMAGEGEN_TOKEN_FILE or "
        "~/.config/imagegen/token.",
    )(func)
    func = click.option(
        "--api-key", default=None, help="API key (default: IMAGEGEN_API_KEY, then the token file)."
    )(func)
    return func


def server_url(explicit: str | None) -> str:
    return explicit or os.environ.get("IMAGEGEN_SERVER") or DEFAULT_SERVER


def make_client(server: str | None, api_key: str | None, token_file: Path | None) -> Client:
    return Client(server_url(server), api_key=resolve_api_key(api_key, token_file))


def emit_json(obj: Any) -> None:
    click.echo(json.dumps(obj, indent=2, ensure_ascii=False, default=str))


def note(message: str) -> None:
    """Progress and notes go to stderr so stdout stays machine-readable."""
    print(f"imagegen: {message}", file=sys.stderr, flush=True)
