"""Model id -> engine (SPEC §1).

imagegen's own engines are listed in ``ENGINES``, imported statically (one line per in-package engine).
An operator's route names a factory as ``"module.path:Attribute"`` (or is a callable in code). Exact model
ids win over prefix routes (``"diffusers/"``: a key ending in ``/`` matches every id under it).
Operators override or add routes with ``IMAGEGEN_ROUTES`` (a JSON object) or ``IMAGEGEN_ROUTES_FILE``
(a JSON file holding one); code (and tests) use ``EngineRouter.register``. Engines are built on first
use and cached per route key and model id, because building one may load fonts or weights.
A factory is called with whichever of ``settings`` and ``model`` it accepts as keyword arguments, with
``painter`` (the ``IMAGEGEN_PICTURE_MODEL`` backend as an ``EnginePainter``) when it takes one and one is set,
and with ``resolve`` (this router's ``engine_for``) when it takes one (``pipeline/<recipe>``).
A route may also name another model id (``{"gpt-image-2": "upstream/openai"}``): clients keep sending their
id and get that model's engine (SPEC §10).
"""

from __future__ import annotations

import importlib
import inspect
import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from imagegen.config import Settings
from imagegen.contract.errors import EngineUnavailable, InvalidValue, ModelNotFound
from imagegen.engines.base import Engine
from imagegen.engines.diffusion import DiffusionEngine
from imagegen.engines.painter import EnginePainter
from imagegen.engines.pipeline import PipelineEngine
from imagegen.engines.planning.engine import PlanningEngine
from imagegen.engines.upscale import UpscaleEngine
from imagegen.engines.upstream import upstream_engine

Factory = Callable[..., Engine]
Route = str | Factory

#: imagegen's own engines (SPEC §1, §10): model id, or prefix ending in ``/``, -> factory. Add one line per
#: in-package engine; an engine whose optional dependencies are missing reports 503 itself when built.
ENGINES: dict[str, Factory] = {
    "gpt-image-2": PlanningEngine,
    "gpt-image-2-2026-04-21": PlanningEngine,
    "gpt-image-1": PlanningEngine,
    "gpt-image-1.5": PlanningEngine,
    "gpt-image-1-mini": PlanningEngine,
    "imagegen-design": PlanningEngine,
    "imagegen-upscale": UpscaleEngine,
    "diffusers/": DiffusionEngine,
    "upstream/": upstream_engine,
    "pipeline/": PipelineEngine,
}

#: the routes every router starts from (operators override them, SPEC §10)
DEFAULT_ROUTES: dict[str, Route] = dict(ENGINES)


def model_from_path(model_path: str) -> str:
    """Queue-API model paths to model ids: ``openai/gpt-image-2`` -> ``gpt-image-2``; imagegen ids as is."""
    path = model_path.strip("/")
    return path.removeprefix("openai/")


def _routes_from_settings(settings: Settings) -> dict[str, Route]:
    routes: dict[str, Route] = {}
    path = settings.extra.get("routes_file")
    if path:
        try:
            routes.update(json.loads(Path(path).expanduser().read_text()))
        except (OSError, ValueError) as exc:
            raise InvalidValue(f"IMAGEGEN_ROUTES_FILE {path!r} is not a readable JSON object: {exc}",
                               param="routes_file") from exc
    raw = settings.extra.get("routes")
    if raw:
        try:
            data = json.loads(raw)
        except ValueError as exc:
            raise InvalidValue(f"IMAGEGEN_ROUTES is not valid JSON: {exc}", param="routes") from exc
        if not isinstance(data, dict):
            raise InvalidValue("IMAGEGEN_ROUTES must be a JSON object of model id -> 'module:Factory'.",
                               param="routes")
        routes.update(data)
    for key, value in routes.items():
        if not isinstance(value, str) or not value.strip() or " " in value:
            raise InvalidValue(
                f"Route for {key!r} must be 'module.path:Factory' or a model id, got {value!r}.",
                param="routes")
    return routes


def _load(target: str) -> Factory:
    module_name, _, attr = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise EngineUnavailable(
            f"The engine '{target}' is not installed on this server ({exc}). Install the module that "
            "provides it or route this model elsewhere with IMAGEGEN_ROUTES.",
        ) from exc
    obj: Any = module
    for part in attr.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            raise EngineUnavailable(f"The engine factory '{target}' does not exist on this server.")
    if not callable(obj):
        raise EngineUnavailable(f"The engine factory '{target}' is not callable.")
    return obj


def _is_alias(route: Route) -> bool:
    """A route that names another model id rather than a factory."""
    return isinstance(route, str) and ":" not in route


def _call_factory(factory: Factory, settings: Settings, model: str,
                  painter: EnginePainter | None = None,
                  resolve: Callable[[str], Engine] | None = None) -> Engine:
    try:
        params = inspect.signature(factory).parameters
    except (TypeError, ValueError):
        params = {}  # type: ignore[assignment]
    kwargs: dict[str, Any] = {}
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    if "settings" in params or takes_any:
        kwargs["settings"] = settings
    if "model" in params or takes_any:
        kwargs["model"] = model
    if painter is not None and "painter" in params:
        kwargs["painter"] = painter
    if resolve is not None and "resolve" in params:
        kwargs["resolve"] = resolve  # an engine that runs other engines (a pipeline) resolves them here
    return factory(**kwargs)


class _Resolving(threading.local):
    #: the model ids whose alias routes this thread is following (a cycle is refused)
    chain: tuple[str, ...] = ()


_resolving = _Resolving()


class EngineRouter:
    """Resolves model ids to engines; thread-safe; engines are built lazily and cached."""

    def __init__(self, settings: Settings, routes: dict[str, Route] | None = None) -> None:
        self.settings = settings
        self._routes: dict[str, Route] = dict(DEFAULT_ROUTES)
        self._routes.update(_routes_from_settings(settings))
        if routes:
            self._routes.update(routes)
        for key, route in self._routes.items():
            if _is_alias(route) and self.route_key(str(route)) is None:
                raise InvalidValue(f"Route for {key!r} names the model {route!r}, which no route serves.",
                                   param="routes")
        self._cache: dict[tuple[str, str], Engine] = {}
        self._lock = threading.Lock()

    def register(self, model: str, route: Route) -> None:
        """Add or replace a route (a key ending in ``/`` is a prefix route)."""
        with self._lock:
            self._routes[model] = route
            self._cache.clear()

    def route_key(self, model: str) -> str | None:
        """The route key that serves ``model`` (exact id first, then the longest prefix), or None."""
        if model in self._routes and not model.endswith("/"):
            return model
        best = None
        for key in self._routes:
            if key.endswith("/") and model.startswith(key) and len(model) > len(key) \
                    and (best is None or len(key) > len(best)):
                best = key
        return best

    def _painter(self) -> EnginePainter | None:
        """The picture backend of ``IMAGEGEN_PICTURE_MODEL`` as a painter resolved through this router."""
        model = (self.settings.extra.get("picture_model") or "").strip()
        return EnginePainter(model, self.engine_for) if model else None

    def is_known(self, model: str) -> bool:
        return self.route_key(model) is not None

    def routes(self) -> dict[str, str]:
        """Model id (or prefix) -> target, for ``/v1/models`` and diagnostics."""
        return {k: v if isinstance(v, str) else f"{v.__module__}:{getattr(v, '__qualname__', v)}"
                for k, v in self._routes.items()}

    def engine_for(self, model: str) -> Engine:
        """The engine for ``model``: ``ModelNotFound`` for an id no route serves, ``EngineUnavailable``
        when the route's engine cannot be loaded here."""
        key = self.route_key(model)
        if key is None:
            raise ModelNotFound(f"The model '{model}' does not exist or you do not have access to it.",
                                param="model")
        alias = self._routes[key]
        if _is_alias(alias):
            assert isinstance(alias, str)
            if alias == model or alias in _resolving.chain:
                raise EngineUnavailable(f"The route for '{model}' names '{alias}', which routes back to it.")
            _resolving.chain = (*_resolving.chain, model)
            try:
                return self.engine_for(alias)
            finally:
                _resolving.chain = _resolving.chain[:-1]
        with self._lock:
            route = self._routes[key]
            # one engine per target for exact ids (gpt-image-2 and gpt-image-1 share the planning engine);
            # prefix routes get one per model id, which is what their factories are built for.
            target = route if isinstance(route, str) else f"{id(route)}"
            cache_key = (target, model if key.endswith("/") else "")
            engine = self._cache.get(cache_key)
            if engine is not None:
                return engine
            factory = _load(route) if isinstance(route, str) else route
            try:
                engine = _call_factory(factory, self.settings, model, self._painter(), self.engine_for)
            except (EngineUnavailable, ModelNotFound):
                raise
            except Exception as exc:
                raise EngineUnavailable.from_exception(f"The engine for '{model}' could not start",
                                                       exc) from exc
            self._cache[cache_key] = engine
            return engine
