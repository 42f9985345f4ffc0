"""The origin this server writes into the URLs it hands out (queue status/result URLs, asset URLs).

Never the request's ``Host`` header: a client (or anyone who can make a victim's client send a request)
controls it, and a reflected host turns the server's answers into links to an attacker's site. The
origin is ``IMAGEGEN_PUBLIC_URL`` when the operator set it (the address clients reach, e.g. the reverse
proxy: ``https://images.example.com``), else the address the connection was accepted on (the socket's
own local address, ``scope["server"]``), which a client cannot choose.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import Request

from imagegen.config import Settings


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
    if ":" in host:
        host = f"[{host}]"
    default_port = {"http": 80, "https": 443}.get(scheme)
    return f"{scheme}://{host}" + ("" if port in (None, default_port) else f":{port}")
