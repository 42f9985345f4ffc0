"""The HTTP application: ``create_app(settings)`` builds the FastAPI app every server runs.

Routes: the OpenAI-compatible images API (``routes_openai``), the queue API (``routes_queue``) and the
catalog (``routes_catalog``), all under ``/v1``; ``GET /healthz`` for readiness probes. Every error
leaves as the OpenAI envelope (``api.errors``); bodies over the cap are refused with 413.

Run it with ``imagegen serve`` (connection limits: ``api.server_limits``) or ``uvicorn --factory
imagegen.api.app:app_from_env --http imagegen.api.server_limits:GuardedH11Protocol``.
"""

from __future__ import annotations

import gc
import importlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from imagegen import __version__
from imagegen.api import engine_waits, routes_openai
from imagegen.api.body_limits import BodyLimits, operator_cap
from imagegen.api.deployment import api_docs_enabled
from imagegen.api.errors import install_error_handlers
from imagegen.api.public_url import configured_public_url
from imagegen.api.server_limits import on_client_disconnect
from imagegen.api.uploads import RemoteImagePolicy
from imagegen.config import Settings

if TYPE_CHECKING:
    from imagegen.service import Service

log = logging.getLogger("imagegen.api")

def _optional_router(module: str) -> APIRouter | None:
    # The queue and catalog routes are built alongside; the app serves whichever exist.
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        return None
    router = getattr(mod, "router", None)
    return router if isinstance(router, APIRouter) else None


def create_app(settings: Settings, *, service: Service | None = None) -> FastAPI:
    """Build the app. Without ``service`` one is created from ``settings`` and started with the app."""
    owned = service is None
    if service is None:
        from imagegen.service import Service

        service = Service(settings)
    running_service = service

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if owned:
            await run_in_threadpool(running_service.start)
            await run_in_threadpool(running_service.warm)
            # everything built at start-up lives as long as the server: keep it out of the collector's
            # full passes, which otherwise add 20-50 ms to an unlucky request (docs/benchmarks-catalog.md)
            gc.freeze()
        try:
            yield
        finally:
            if owned:
                await run_in_threadpool(running_service.stop)

    # the interactive docs are a setting, off in production mode (api/deployment.py)
    docs = api_docs_enabled(settings)
    app = FastAPI(
        title="imagegen",
        version=__version__,
        summary="Self-hosted image generation that speaks the GPT Image API.",
        lifespan=lifespan,
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
        openapi_url="/openapi.json" if docs else None,
    )
    app.state.settings = settings
    # URLs in answers use this origin, else the bound address; never the Host header (api/public_url.py)
    app.state.public_url = configured_public_url(settings)
    # synchronous requests wait for their jobs on a pool of their own (api/engine_waits.py)
    engine_waits.install(app, settings)
    app.state.service = running_service
    app.state.remote_image_policy = RemoteImagePolicy.from_settings(settings)
    install_error_handlers(app)
    app.add_exception_handler(ClientDisconnect, on_client_disconnect)

    app.include_router(routes_openai.router, prefix="/v1", tags=["images"])
    for module, tag in (("imagegen.api.routes_queue", "queue"), ("imagegen.api.routes_catalog", "catalog")):
        router = _optional_router(module)
        if router is not None:
            app.include_router(router, prefix=_prefix_for(router), tags=[tag])
    # the web studio (SPEC §11): server-rendered pages under /studio, same service, same auth rules
    from imagegen.studio.routes import router as studio_router

    app.include_router(studio_router)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, Any]:
        return {"status": "ok", "version": __version__}

    # per-route body caps from the contract (api.body_limits); IMAGEGEN_MAX_BODY_BYTES only lowers them
    app.add_middleware(BodyLimits, ceiling=operator_cap(settings))
    return app


def _prefix_for(router: APIRouter) -> str:
    # Routers that already spell their paths from /v1 are mounted as they are; others under /v1.
    paths = [getattr(route, "path", "") for route in router.routes]
    if paths and all(str(path).startswith("/v1/") for path in paths):
        return ""
    return "/v1"


def app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory``: settings from ``IMAGEGEN_*`` variables."""
    settings = Settings.from_env()
    settings.ensure_dirs()
    return create_app(settings)
