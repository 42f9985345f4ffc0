"""FastAPI dependencies shared by the route modules: the app's ``Service`` and the caller's tenant."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, cast

from fastapi import Depends, Request

from imagegen.api.auth import current_tenant

if TYPE_CHECKING:
    from imagegen.service import Service


def get_service(request: Request) -> Service:
    """The service the app was built with (``app.state.service``, set by ``create_app``)."""
    return cast("Service", request.app.state.service)


#: ``tenant: TenantId`` in a route signature authenticates the request and gives its tenant id
TenantId = Annotated[str, Depends(current_tenant)]
