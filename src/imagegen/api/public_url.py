"""The origin this server writes into the URLs it hands out (queue status/result URLs, asset URLs).

Never the request's ``Host`` header: a client (or anyone who can make a victim's client send a request)
controls it, and a reflected host turns the server's answers into links to an attacker's site. The
origin is ``IMAGEGEN_PUBLIC_URL`` when the operator set it (the address clients reach, e.g. the reverse
proxy: ``https://images.example.com``), else the address the connection was accepted on (the socket's
own local address, ``scope["server"]``), which a client cannot choose. The one use of ``Host`` is to keep
a client's own spelling of that same address (``localhost:8000`` for a server on 127.0.0.1:8000), so its
same-origin checks hold; any other name is ignored.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import Request

from imagegen.config import Settings
from imagegen.service.auth_policy import is_loopback


def configured_public_url(settings: Settings) -> str | None:
    """``IMAGEGEN_PUBLIC_URL`` without a trailing slash, checked (``ValueError`` when it is not an
    http(s) origin with an optional path prefix), or ``None`` when unset."""
    raw = (settings.extra.get("public_url") or "").strip()
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"IMAGEGEN_PUBLIC_URL must be an http(s) URL such as https://images.example.com, "
                         f"got {raw!r}.")
    return raw.rstrip("/")


def public_origin(request: Request) -> str:
    """The origin for URLs in answers to ``request`` (see the module docstring)."""
    configured: str | None = getattr(request.app.state, "public_url", None)
    if configured:
        return configured
    scheme = request.scope.get("scheme") or "http"
    server = request.scope.get("server")
    if not server:
        # no socket (an in-process test client): the loopback address is the honest answer
        return f"{scheme}://127.0.0.1"
    host, port = server[0], server[1]
    default_port = {"http": 80, "https": 443}.get(scheme)
    called = request.headers.get("host", "")
    if _names_this_address(called, host, port or default_port, default_port):
        return f"{scheme}://{called}"
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}" + ("" if port in (None, default_port) else f":{port}")


def _names_this_address(called: str, host: str, port: int | None, default_port: int | None) -> bool:
    """Whether a ``Host`` header value names exactly the bound ``host:port`` (or ``localhost`` for a
    loopback bind)."""
    parts = urlsplit(f"//{called}")
    try:
        called_port = parts.port or default_port
    except ValueError:
        return False
    name = (parts.hostname or "").lower()
    if not name or "@" in called or called_port != port or called != parts.netloc:
        return False
    return name == host.lower() or (name == "localhost" and is_loopback(host))
