"""When a request without an API key is allowed: local single-user mode (tenant ``local``).

All three must hold: the operator turned it on (``imagegen serve --local`` or ``IMAGEGEN_LOCAL_MODE=1``),
the server is bound to a loopback address, and the client connects from loopback. A server asked for
local mode on a non-loopback bind refuses to start (``LocalModeRefused``), because anyone who can reach
it would otherwise act as the local user.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from imagegen.config import Settings

_TRUE = {"1", "true", "yes", "on"}


class LocalModeRefused(RuntimeError):
    """Local mode was asked for on a server that is reachable from other machines."""


def is_loopback(host: str | None) -> bool:
    """Whether ``host`` (an address or ``localhost``) is a loopback address."""
    if not host:
        return False
    host = host.strip().strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class LocalModePolicy:
    """The operator's choice and the bind address, checked once; ``allows_keyless`` per request."""

    requested: bool
    bind_host: str | None

    @classmethod
    def from_settings(cls, settings: Settings) -> LocalModePolicy:
        policy = cls(requested=settings.extra.get("local_mode", "").strip().lower() in _TRUE,
                     bind_host=settings.extra.get("bind_host") or None)
        policy.check()
        return policy

    def check(self) -> None:
        """Raise ``LocalModeRefused`` when local mode is asked for on a non-loopback bind."""
        if self.requested and self.bind_host is not None and not is_loopback(self.bind_host):
            raise LocalModeRefused(
                f"Local mode (no API keys) needs the server bound to loopback, but it binds to "
                f"{self.bind_host!r}. Use --host 127.0.0.1, or drop --local and create keys with "
                "'imagegen keys create --tenant NAME'.")

    @property
    def local_mode(self) -> bool:
        """Active only with a known loopback bind (an unknown bind, e.g. in-process, keeps keys required)."""
        return self.requested and self.bind_host is not None and is_loopback(self.bind_host)

    def allows_keyless(self, client_host: str | None) -> bool:
        return self.local_mode and is_loopback(client_host)
