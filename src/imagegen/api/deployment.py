"""Production mode, and what it turns off: the interactive API docs.

Production mode is ``IMAGEGEN_ENV=production``. When ``IMAGEGEN_ENV`` is unset, a server that
``imagegen serve`` binds to a non-loopback address (``--host 0.0.0.0``, a LAN address) counts as
production too: it is reachable from other machines. Anything else (``IMAGEGEN_ENV=development``, a
loopback bind, an in-process app) is development.

``/docs``, ``/redoc`` and ``/openapi.json`` are served without an API key, so they are off in production
unless ``IMAGEGEN_API_DOCS=1`` turns them on; ``IMAGEGEN_API_DOCS=0`` turns them off everywhere. The
contract itself stays public to key holders at ``GET /v1/limits``.
"""

from __future__ import annotations

from imagegen.config import Settings
from imagegen.service.auth_policy import is_loopback

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def is_production(settings: Settings) -> bool:
    """Whether ``settings`` describe a production server (module docstring)."""
    env = (settings.extra.get("env") or "").strip().lower()
    if env:
        return env in ("production", "prod")
    bind_host = settings.extra.get("bind_host")
    return bool(bind_host) and not is_loopback(bind_host)


def api_docs_enabled(settings: Settings) -> bool:
    """``IMAGEGEN_API_DOCS`` when set (1/0), else on outside production mode."""
    raw = (settings.extra.get("api_docs") or "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    if raw:
        raise ValueError(f"IMAGEGEN_API_DOCS must be 1 or 0, got {raw!r}.")
    return not is_production(settings)
