"""When the studio opens without a key prompt: local single-user mode (tenant ``local``).

All of these must hold, checked on every request that carries no session:
- the service allows a key-less request from this client (``Service.auth_policy``: the operator started
  ``imagegen serve --local``, the server is bound to loopback, and the TCP peer is on loopback);
- the page was asked for by a loopback name (``Host`` is ``localhost``, ``127.x.x.x`` or ``[::1]``): a page
  of another name that resolves to 127.0.0.1 (DNS rebinding) gets the sign-in form, never the catalog;
- no API key is active: once an operator has created keys, people sign in with them (a key-less studio would
  show every visitor the ``local`` tenant and hide the tenant they belong to).

Unsafe requests of a key-less studio still need a CSRF token (``session.local_csrf_token``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from starlette.requests import Request

from imagegen.service.auth_policy import is_loopback

if TYPE_CHECKING:
    from imagegen.service import Service


def host_name(host_header: str | None) -> str | None:
    """The host name of a ``Host`` header (``127.0.0.1:8000`` -> ``127.0.0.1``, ``[::1]:80`` -> ``::1``)."""
    if not host_header:
        return None
    try:
        return urlsplit(f"//{host_header.strip()}").hostname
    except ValueError:
        return None


def from_this_machine(request: Request) -> bool:
    """Whether a key-less request is the local user's own, by what the browser says of it.

    Its ``Host`` names a loopback address (a page of another name resolving to 127.0.0.1, DNS rebinding, is
    refused), and a request a browser sends on behalf of a page comes from a loopback page of this server:
    ``Origin``, when present, is a loopback origin (``null`` is not), and ``Sec-Fetch-Site``, when present,
    is ``same-origin`` or ``none``. The CLI and the SDKs send neither header, so they are unaffected; a web
    page elsewhere cannot drive the key-less API through the user's browser (cross-site request forgery)."""
    if not is_loopback(host_name(request.headers.get("host"))):
        return False
    site = request.headers.get("sec-fetch-site")
    if site is not None and site.strip().lower() not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is not None:
        try:
            origin_host = urlsplit(origin.strip()).hostname
        except ValueError:
            return False
        if not is_loopback(origin_host):
            return False
    return True


def keyless_studio(request: Request, service: Service) -> bool:
    """Whether this request may use the studio as the local tenant without signing in (module docstring)."""
    peer = request.client.host if request.client else None
    if not service.auth_policy.allows_keyless(peer):
        return False
    if not from_this_machine(request):
        return False
    return not any(k.revoked_at is None for k in service.tenants.list_keys())
