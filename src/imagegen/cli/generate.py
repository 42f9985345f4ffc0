"""``imagegen generate`` and ``imagegen edit``: in-process by default, or against ``--server URL``.

Both paths parse the options through the same contract table the API uses, so a value the API refuses
is refused here with the same message (exit 65).
"""

from __future__ import annotations

import base64
import io
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from PIL import Image

from imagegen.cli.options import emit_json, make_client, server_options
from imagegen.contract.responses import verification_summary

LOCAL_TENANT = "local"
EXTENSIONS = {"png": ".png", "jpeg": ".jpg", "webp": ".webp"}


@dataclass
class Written:
    path: Path
    asset_id: str | None
    width: int
    height: int
    revised_prompt: str | None
    #: what the verifier found (contract.responses.verification_summary); None when the engine has none
    verification: dict[str, Any] | None = None


#: CLI option name -> request field (the contract table validates the values)
REQUEST_FIELDS = {
    "model": "model",
    "size": "size",
    "quality": "quality",
    "n": "n",
    "fmt": "output_format",
    "compression": "output_compression",
    "background": "background",
    "seed": "seed",
    "user": "user",
}


def _write(data: bytes, output_dir: Path, stem: str, fmt: str) -> tuple[Path, int, int]:
    output_dir.mkdir(parents=True, exist_ok=True)
    path = output_dir / f"{stem}{EXTENSIONS.get(fmt, '.' + fmt)}"
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_bytes(data)
    tmp.replace(path)
    with Image.open(io.BytesIO(data)) as im:
        return path, im.width, im.height


def _run_local(
    operation: str,
    body: dict[str, Any],
    images: list[tuple[str, bytes]],
    mask: tuple[str, bytes] | None,
    output_dir: Path,
) -> tuple[list[Written], dict[str, Any]]:
    # Imported here so `imagegen --help` and the remote path stay fast.
    from imagegen.config import Settings
    from imagegen.contract.parse import parse_edit_request, parse_generate_request
    from imagegen.service import Service

    settings = Settings.from_env()
    # scope="own": an in-process run never picks up a server's queued jobs from a shared IMAGEGEN_HOME
    with Service(settings, scope="own") as service:
        if operation == "generate":
            parsed = parse_generate_request(
                body, default_model=service.default_model, known_model=service.is_known_model
            )
        else:
            parsed = parse_edit_request(
                body, images, mask, default_model=service.default_model, known_model=service.is_known_model
            )
        spec = parsed.spec
        outcome = service.run(LOCAL_TENANT, parsed.operation, spec, params=parsed.params)
    written = []
    engine_images = outcome.result.images
    for index, asset in enumerate(outcome.assets):
        path, w, h = _write(asset.data, output_dir, asset.asset_id, asset.output_format)
        report = engine_images[index].report if index < len(engine_images) else None
        written.append(
            Written(path, asset.asset_id, w, h, asset.revised_prompt, verification_summary(report))
        )
    res = outcome.result
    meta = {
        "model": spec.model,
        "size": f"{res.width}x{res.height}",
        "quality": res.quality,
        "background": res.background,
        "output_format": spec.output_format,
        "seed": res.seed,
        "engine": res.engine,
        "engine_version": res.engine_version,
        "job_id": outcome.job_id,
    }
    return written, meta


def _run_remote(
    operation: str,
    body: dict[str, Any],
    images: list[tuple[str, bytes]],
    mask: tuple[str, bytes] | None,
    output_dir: Path,
    server: str | None,
    api_key: str | None,
    token_file: Path | None,
) -> tuple[list[Written], dict[str, Any]]:
    with make_client(server, api_key, token_file) as client:
        resp = client.generate(body) if operation == "generate" else client.edit(body, images, mask)
    fmt = str(resp.get("output_format") or body.get("output_format") or "png")
    written = []
    for i, item in enumerate(resp.get("data") or []):
        data = base64.b64decode(item["b64_json"])
        stem = item.get("asset_id") or f"{int(time.time())}-{i}"
        path, w, h = _write(data, output_dir, stem, fmt)
        written.append(
            Written(path, item.get("asset_id"), w, h, item.get("revised_prompt"), item.get("verification"))
        )
    meta = {k: resp.get(k) for k in ("size", "quality", "background", "output_format")}
    return written, meta


def _report(written: list[Written], meta: dict[str, Any], started: float, as_json: bool) -> None:
    elapsed = round(time.perf_counter() - started, 3)
    for w in written:
        checked = w.verification
        if checked is not None and not checked.get("passed", True):
            # one line on stderr, whatever the output mode: the image is not everything the brief asked for
            missing = checked.get("missing") or checked.get("unresolved") or []
            click.echo(
                f"warning: {w.path.name}: verification failed ({len(missing)} unresolved): "
                + "; ".join(str(m) for m in missing[:3]),
                err=True,
            )
    if as_json:
        emit_json(
            {
                "images": [
                    {
                        "path": str(w.path),
                        "asset_id": w.asset_id,
                        "width": w.width,
                        "height": w.height,
                        "revised_prompt": w.revised_prompt,
                        "verification": w.verification,
                    }
                    for w in written
                ],
                "elapsed_s": elapsed,
                **meta,
            }
        )
        return
    for w in written:
        click.echo(str(w.path))


def common_options(func: Any) -> Any:
    opts = [
        click.option("--model", "-m", default=None, help="Model id (default: the server's default route)."),
        click.option("--size", "-s", default=None, help="auto or WxH (also W_H, W*H)."),
        click.option("--quality", "-q", default=None, help="low, medium, high or auto."),
        click.option("--n", "-n", "n", type=int, default=None, help="Number of images (1-10)."),
        click.option("--format", "-f", "fmt", default=None, help="png, jpeg or webp."),
        click.option("--compression", type=int, default=None, help="0-100, for jpeg and webp."),
        click.option("--background", default=None, help="auto, opaque or transparent."),
        click.option("--seed", type=int, default=None, help="Same seed + same request -> same pixels."),
        click.option("--user", default=None, help="End-user id recorded in provenance."),
        click.option(
            "--output-dir",
            "-o",
            type=click.Path(file_okay=False, path_type=Path),
            default=Path("outputs"),
            show_default=True,
        ),
        click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of paths."),
        click.option("--server", default=None, help="Run on this imagegen server instead of in-process."),
        server_options,
    ]
    for opt in reversed(opts):
        func = opt(func)
    return func


def _execute(
    operation: str,
    prompt: str,
    opts: dict[str, Any],
    files: list[tuple[str, bytes]],
    mask: tuple[str, bytes] | None,
) -> None:
    started = time.perf_counter()
    body = {"prompt": prompt} | {
        field: opts[name] for name, field in REQUEST_FIELDS.items() if opts[name] is not None
    }
    output_dir: Path = opts["output_dir"]
    if opts["server"]:
        written, meta = _run_remote(
            operation, body, files, mask, output_dir, opts["server"], opts["api_key"], opts["token_file"]
        )
    else:
        written, meta = _run_local(operation, body, files, mask, output_dir)
    _report(written, meta, started, opts["as_json"])


@click.command("generate")
@click.argument("prompt")
@common_options
def generate_cmd(prompt: str, **opts: Any) -> None:
    """Generate images from PROMPT and print where they went."""
    _execute("generate", prompt, opts, [], None)


@click.command("edit")
@click.argument("prompt")
@click.option(
    "--image",
    "-i",
    "images",
    multiple=True,
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Input image (repeatable).",
)
@click.option(
    "--mask",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="PNG whose alpha 0 marks the region to edit (applies to the first image).",
)
@common_options
def edit_cmd(prompt: str, images: tuple[Path, ...], mask: Path | None, **opts: Any) -> None:
    """Edit images with PROMPT (outside a mask, every pixel stays bit-identical)."""
    files = [(p.name, p.read_bytes()) for p in images]
    mask_file = (mask.name, mask.read_bytes()) if mask else None
    _execute("edit", prompt, opts, files, mask_file)


def register(group: click.Group) -> None:
    group.add_command(generate_cmd)
    group.add_command(edit_cmd)
