"""Running one request for the nodes: in this process (the service) or on an imagegen server (the client).

The two paths mirror the CLI's (``cli/generate.py``): the request body is the same OpenAI-shaped mapping;
in-process it is parsed by ``contract.parse`` and run by ``Service(settings, scope="own")``, remotely it is
sent with ``imagegen.client.Client`` and validated by the server. Either way a refused value raises the
contract's error (``imagegen.contract.errors``) with the contract's message.

ComfyUI is a long-lived process, so the in-process service is started once per settings (``IMAGEGEN_HOME``,
database, routes...) and kept until exit (``close_services``), instead of once per run as the CLI does.
Everything heavy (the service, the engines, httpx) is imported on first use.
"""

from __future__ import annotations

import atexit
import base64
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from imagegen.config import Settings
    from imagegen.service import Service

Operation = Literal["generate", "edit"]
#: an edit input as the contract and the client take it: ``(filename, bytes)``
NamedFile = tuple[str, bytes]
ProgressFn = Callable[[float, str], None]


@dataclass(frozen=True)
class OutputImage:
    """One output: the stored (marked, signed) file and its catalog id."""

    data: bytes
    asset_id: str | None
    revised_prompt: str | None


@dataclass(frozen=True)
class RunResult:
    """The outputs of one request and what the engine reported about them."""

    images: list[OutputImage]
    meta: dict[str, Any] = field(default_factory=dict)


_services: dict[tuple[Any, ...], Service] = {}
_services_lock = threading.Lock()
_atexit_registered = False


def _settings_key(settings: Settings) -> tuple[Any, ...]:
    return (str(settings.home), settings.database_url, settings.default_model, settings.workers,
            tuple(sorted(settings.extra.items())))


def local_service() -> Service:
    """The started in-process service for the current environment (one per settings, kept until exit).

    ``scope="own"``: it runs only the jobs it submits, so a ComfyUI sharing ``IMAGEGEN_HOME`` with a
    running server never picks up the server's queue.
    """
    global _atexit_registered
    from imagegen.config import Settings
    from imagegen.service import Service

    settings = Settings.from_env()
    key = _settings_key(settings)
    with _services_lock:
        service = _services.get(key)
        if service is None:
            service = Service(settings, scope="own").start()
            _services[key] = service
            if not _atexit_registered:
                atexit.register(close_services)
                _atexit_registered = True
        return service


def close_services() -> None:
    """Stop every in-process service this module started (at exit; tests call it between homes)."""
    with _services_lock:
        services = list(_services.values())
        _services.clear()
    for service in services:
        service.stop()


def run_request(
    operation: Operation,
    body: dict[str, Any],
    images: Sequence[NamedFile] = (),
    mask: NamedFile | None = None,
    *,
    server_url: str = "",
    on_progress: ProgressFn | None = None,
) -> RunResult:
    """Run ``body`` (an OpenAI images request) on ``server_url``, or in this process when it is empty."""
    if server_url.strip():
        return run_remote(operation, body, images, mask, server_url=server_url.strip())
    return run_local(operation, body, images, mask, on_progress=on_progress)


def run_local(
    operation: Operation,
    body: dict[str, Any],
    images: Sequence[NamedFile] = (),
    mask: NamedFile | None = None,
    *,
    on_progress: ProgressFn | None = None,
) -> RunResult:
    """Parse ``body`` with the contract and run it on the in-process service (tenant ``local``)."""
    from imagegen.contract.parse import parse_edit_request, parse_generate_request
    from imagegen.tenants import LOCAL_TENANT

    service = local_service()
    if operation == "generate":
        parsed = parse_generate_request(body, default_model=service.default_model,
                                        known_model=service.is_known_model)
    else:
        parsed = parse_edit_request(body, list(images), mask, default_model=service.default_model,
                                    known_model=service.is_known_model)
    outcome = service.run(LOCAL_TENANT, parsed.operation, parsed.spec, params=parsed.params,
                          on_progress=on_progress)
    res = outcome.result
    return RunResult(
        images=[OutputImage(a.data, a.asset_id, a.revised_prompt) for a in outcome.assets],
        meta={
            "model": parsed.spec.model,
            "size": f"{res.width}x{res.height}",
            "quality": res.quality,
            "background": res.background,
            "output_format": parsed.spec.output_format,
            "seed": res.seed,
            "engine": res.engine,
            "engine_version": res.engine_version,
            "job_id": outcome.job_id,
        },
    )


def run_remote(
    operation: Operation,
    body: dict[str, Any],
    images: Sequence[NamedFile] = (),
    mask: NamedFile | None = None,
    *,
    server_url: str,
) -> RunResult:
    """Send ``body`` to an imagegen server. The key is ``IMAGEGEN_API_KEY``, else the token file
    (``imagegen.client.resolve_api_key``), else none (a server in local mode). It never comes from a
    node input: ComfyUI saves every input in the workflow, its history and the PNGs SaveImage writes."""
    from imagegen.client import Client, resolve_api_key

    with Client(server_url, api_key=resolve_api_key(None)) as client:
        resp = client.generate(body) if operation == "generate" else client.edit(body, images, mask)
    outputs = [
        OutputImage(base64.b64decode(item["b64_json"]), item.get("asset_id"), item.get("revised_prompt"))
        for item in resp.get("data") or []
    ]
    meta = {key: resp.get(key) for key in ("size", "quality", "background", "output_format")}
    meta["model"] = body.get("model")
    meta["seed"] = body.get("seed")
    return RunResult(images=outputs, meta=meta)
