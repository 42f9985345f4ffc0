"""Queue-style commands (SPEC §7, §8): ``run`` (submit, poll, fetch), ``status``, ``result``, ``cancel``."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

from imagegen.cli.options import emit_json, make_client, note, server_options
from imagegen.client import Client
from imagegen.contract.errors import EngineFailure, ImagegenError, InvalidValue, JobCancelled, from_envelope

ENDPOINTS = ("text-to-image", "edit")
POLL_SECONDS = 2.0
TERMINAL = {"completed", "failed", "cancelled"}


def _split_target(target: str) -> tuple[str, str]:
    model_path, _, endpoint = target.strip("/").rpartition("/")
    if not model_path or endpoint not in ENDPOINTS:
        raise click.UsageError(
            f"'{target}' is not MODEL-PATH/ENDPOINT; the endpoint must be one of {', '.join(ENDPOINTS)} "
            "(e.g. openai/gpt-image-2/text-to-image)."
        )
    return model_path, endpoint


def _load_input(raw: str) -> dict[str, Any]:
    text = raw
    if raw.startswith("@"):
        text = Path(raw[1:]).read_text()
    elif not raw.lstrip().startswith("{") and Path(raw).is_file():
        text = Path(raw).read_text()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidValue(
            f"--input is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}.", param="input"
        ) from exc
    if not isinstance(data, dict):
        raise InvalidValue("--input must be a JSON object.", param="input")
    return data


def _job_error(result: dict[str, Any]) -> ImagegenError:
    if result.get("status") == "cancelled":
        return JobCancelled("The job was cancelled.")
    err = result.get("error")
    if not isinstance(err, dict) or not err:
        return EngineFailure(f"The job ended '{result.get('status')}' without an error message.")
    # the job's error kept its OpenAI type: client mistakes exit 65, server/engine failures 69
    status = 400 if err.get("type") == "invalid_request_error" else 500
    return from_envelope(status, {"error": err})


def _extension(url: str) -> str:
    """The output URL's image extension; ``.png`` (the API's default format) when it names none."""
    ext = Path(urlsplit(url).path).suffix
    return ext if ext in {".png", ".jpg", ".jpeg", ".webp"} else ".png"


def _outputs(result: dict[str, Any]) -> list[str]:
    output = result.get("output") or {}
    urls = list(output.get("images") or [])
    if not urls and output.get("image"):
        urls = [output["image"]]
    return [u for u in urls if isinstance(u, str)]


def wait_and_fetch(
    client: Client, request_id: str, output_dir: Path, *, poll: float = POLL_SECONDS
) -> dict[str, Any]:
    """Poll until the job ends, download its outputs (same origin only) and return the result JSON."""
    last = ""
    while True:
        status = client.status(request_id)
        state = str(status.get("status"))
        line = state
        if status.get("queue_position") is not None and state == "in_queue":
            line += f" (position {status['queue_position']})"
        if status.get("progress") is not None and state == "in_progress":
            line += f" {float(status['progress']) * 100:.0f}%"
        if line != last:
            note(f"{request_id}: {line}")
            last = line
        if state in TERMINAL:
            break
        time.sleep(poll)
    result = client.result(request_id)
    if result.get("status") != "completed":
        emit_json(result)
        raise _job_error(result)
    output_dir.mkdir(parents=True, exist_ok=True)
    files = []
    for i, url in enumerate(_outputs(result)):
        dest = output_dir / f"{request_id}-{i}{_extension(url)}"
        client.download(url, dest)
        files.append(str(dest))
    result["files"] = files
    return result


@click.command("run")
@click.argument("target", metavar="MODEL-PATH/ENDPOINT")
@click.option("--input", "input_json", required=True, help="JSON object (inline, a file path, or @file).")
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("outputs"),
    show_default=True,
)
@click.option("--no-wait", is_flag=True, help="Submit, print the request ids and return.")
@click.option(
    "--server", default=None, help="Server URL (default: IMAGEGEN_SERVER or http://127.0.0.1:8000)."
)
@server_options
def run_cmd(
    target: str,
    input_json: str,
    output_dir: Path,
    no_wait: bool,
    server: str | None,
    api_key: str | None,
    token_file: Path | None,
) -> None:
    """Submit a queue job, poll it every 2 s, download its outputs and print the result JSON.

    Ctrl-C cancels the job on the server.
    """
    model_path, endpoint = _split_target(target)
    payload = _load_input(input_json)
    with make_client(server, api_key, token_file) as client:
        submitted = client.submit(model_path, endpoint, payload)
        request_id = str(submitted["request_id"])
        if no_wait:
            emit_json(submitted)
            return
        note(f"submitted {request_id}")
        try:
            result = wait_and_fetch(client, request_id, output_dir)
        except KeyboardInterrupt:
            note(f"interrupted: cancelling {request_id}")
            try:
                emit_json(client.cancel(request_id))
            except ImagegenError as exc:
                note(f"cancel failed: {exc.message}")
            raise click.exceptions.Exit(130) from None
        emit_json(result)


def _simple(name: str, help_text: str, call: str) -> click.Command:
    @click.command(name, help=help_text)
    @click.argument("request_id")
    @click.option(
        "--server", default=None, help="Server URL (default: IMAGEGEN_SERVER or http://127.0.0.1:8000)."
    )
    @server_options
    def command(request_id: str, server: str | None, api_key: str | None, token_file: Path | None) -> None:
        with make_client(server, api_key, token_file) as client:
            emit_json(getattr(client, call)(request_id))

    return command


def register(group: click.Group) -> None:
    group.add_command(run_cmd)
    group.add_command(_simple("status", "Print a queue job's status.", "status"))
    group.add_command(_simple("result", "Print a queue job's result.", "result"))
    group.add_command(
        _simple("cancel", "Cancel a queue job (a cancelled job never produces an asset).", "cancel")
    )
