"""HTTP authentication: ``Authorization: Bearer <key>`` -> tenant id (the policy lives in the service).

The rules (key lookup, revocation, local single-user mode on loopback) are ``Service.authenticate``'s,
so every front door applies the same ones; this module only reads the request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from fastapi import Request

if TYPE_CHECKING:
    from imagegen.service import Service


def client_host(request: Request) -> str | None:
    """The peer address of the connection (never a forwarded header: those are client-controlled)."""
    return request.client.host if request.client else None


def current_tenant(request: Request) -> str:
    """Authenticate the caller and return its tenant id; ``AuthenticationError`` (401) otherwise."""
    service = cast("Service", request.app.state.service)
    tenant = service.authenticate(request.headers.get("authorization"), client_host=client_host(request))
    # kept for handlers and logs that want it without re-authenticating
    request.state.tenant_id = tenant
    return tenant
