"""HTTP authentication: ``Authorization: Bearer <key>`` -> tenant id (the policy lives in the service).

The rules (key lookup, revocation, local single-user mode on loopback) are ``Service.authenticate``'s,
so every front door applies the same ones; this module only reads the request. Without an
``Authorization`` header, the studio's session cookie carries the key (``studio.session``); an unsafe
request authenticated that way must carry the session's CSRF token.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from fastapi import Request

from imagegen.contract.errors import AuthenticationError
from imagegen.studio import session as studio_session
from imagegen.studio.local_mode import from_this_machine
from imagegen.tenants import key_id_of

if TYPE_CHECKING:
    from imagegen.service import Service


def client_host(request: Request) -> str | None:
    """The peer address of the connection (never a forwarded header: those are client-controlled)."""
    return request.client.host if request.client else None


def current_tenant(request: Request) -> str:
    """Authenticate the caller and return its tenant id; ``AuthenticationError`` (401) otherwise."""
    service = cast("Service", request.app.state.service)
    header = request.headers.get("authorization")
    if not header:
        key = studio_session.session_key(request)
        if key is not None:
            secret = studio_session.server_secret(service.settings.keys_dir)
            studio_session.require_csrf(request, secret, key)
            header = f"Bearer {key}"
        elif service.auth_policy.allows_keyless(client_host(request)) and not from_this_machine(request):
            # local single-user mode is for this machine's own clients, never a web page elsewhere
            raise AuthenticationError(
                "A request without an API key must come from this machine's own client (a loopback Host, "
                "and no Origin of another site). Send 'Authorization: Bearer <key>'.")
    tenant = service.authenticate(header, client_host=client_host(request))
    # kept for handlers and logs that want it without re-authenticating
    request.state.tenant_id = tenant
    request.state.key_id = key_id_of(header) or tenant
    return tenant


def reviewer(request: Request, user: str | None = None) -> str:
    """Who a review decision is recorded as (SPEC §11): the key's id, plus the request's ``user``."""
    key_id = str(getattr(request.state, "key_id", "") or getattr(request.state, "tenant_id", ""))
    return f"{key_id} ({user})" if user else key_id
