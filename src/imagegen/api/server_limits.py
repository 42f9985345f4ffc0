"""Connection-level limits: slow clients, half-sent requests and too many connections.

A plain uvicorn server waits forever for the rest of a request: 200 connections that send half a request
line hold 200 file descriptors until the clients go away, and a body trickled at one byte a second keeps a
request open for days. ``GuardedH11Protocol`` is uvicorn's h11 protocol with a watchdog per connection:

- **header time-out** (``IMAGEGEN_HEADER_TIMEOUT_S``, 10 s): the request line and headers must arrive
  within this time of the connection opening (or of the first byte of the next keep-alive request);
  a byte-trickle does not reset it;
- **body time-outs**: while a request body is being sent, no silence longer than
  ``IMAGEGEN_BODY_IDLE_TIMEOUT_S`` (15 s), and after that same grace period an average rate of at least
  ``IMAGEGEN_BODY_MIN_RATE`` bytes/s (1024). Time during which the *server* paused reading (the app has not
  asked for more yet) does not count against the client;
- **send time-outs** (the numbers live in ``contract.limits.RequestLimits``): while the server holds response
  bytes the client has not taken (the socket's kernel buffer is full and the rest waits in the
  connection's write buffer), no stall longer than ``IMAGEGEN_SEND_TIMEOUT_S`` (30 s), and after that same
  grace an average of at least ``IMAGEGEN_SEND_MIN_RATE`` bytes/s (1024). A client that stops reading a
  large answer (or reads it a byte a second) is dropped (TCP reset) with everything buffered for it, and a
  handler waiting to write more is released (it sees ``http.disconnect``); this also holds after the
  response is complete and uvicorn is closing a keep-alive connection whose buffer has not drained;
- **connection cap** (``IMAGEGEN_MAX_CONNECTIONS``, 512): a connection over the cap gets a 503 and is
  closed at once, before any request is read;
- **header size** (``IMAGEGEN_MAX_HEADER_BYTES``, 16 KiB): h11's limit on an incomplete request head
  (over it: 400, closed).

A request that runs out of time gets ``408 Request Timeout`` (when no response was started) and its
connection is closed; the app sees ``http.disconnect``. What one slow reader can hold is thus bounded: one
connection (of the cap), the kernel's socket buffer, and the unsent part of one response for at most
``send_timeout_s`` + (bytes buffered) / ``send_min_rate``; streamed responses (files) stop at uvicorn's
64 KiB write high-water mark until the client reads. Everything here is per process and applies
before the app; a reverse proxy in front (docs/deploy.md) does the same job at the edge.

``imagegen serve`` uses it (``uvicorn_options``); with the uvicorn command line pass
``--http imagegen.api.server_limits:GuardedH11Protocol`` (limits from the same ``IMAGEGEN_*`` variables).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import socket
import struct
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import h11
from starlette.requests import Request
from starlette.responses import Response
from uvicorn.protocols.http.h11_impl import H11Protocol

from imagegen.contract.limits import REQUEST_LIMITS

log = logging.getLogger("imagegen.api.limits")


@dataclass(frozen=True)
class ServerLimits:
    """The connection limits (see the module docstring); ``from_env``/``from_extra`` read the settings."""

    header_timeout_s: float = 10.0
    body_idle_timeout_s: float = 15.0
    body_min_rate: int = 1024
    max_connections: int = 512
    max_header_bytes: int = 16 * 1024
    keep_alive_s: float = 5.0
    send_timeout_s: float = REQUEST_LIMITS.send_timeout_s
    send_min_rate: int = REQUEST_LIMITS.send_min_rate

    #: setting name (``IMAGEGEN_<NAME>``, lower-cased in ``Settings.extra``) -> field
    SETTINGS: ClassVar[dict[str, str]] = {
        "header_timeout_s": "header_timeout_s",
        "body_idle_timeout_s": "body_idle_timeout_s",
        "body_min_rate": "body_min_rate",
        "max_connections": "max_connections",
        "max_header_bytes": "max_header_bytes",
        "keep_alive_s": "keep_alive_s",
        "send_timeout_s": "send_timeout_s",
        "send_min_rate": "send_min_rate",
    }

    @classmethod
    def from_extra(cls, extra: Mapping[str, str]) -> ServerLimits:
        """Limits from ``Settings.extra`` (the ``IMAGEGEN_*`` variables); unset or empty keeps the default."""
        values: dict[str, Any] = {}
        for name, attr in cls.SETTINGS.items():
            raw = extra.get(name)
            if raw in (None, ""):
                continue
            default = getattr(cls, attr)
            try:
                value = type(default)(float(raw)) if isinstance(default, int) else float(raw)
            except ValueError as exc:
                raise ValueError(f"IMAGEGEN_{name.upper()} must be a number, got {raw!r}.") from exc
            if value <= 0:
                raise ValueError(f"IMAGEGEN_{name.upper()} must be positive, got {raw!r}.")
            values[attr] = value
        return cls(**values)

    @classmethod
    def from_env(cls) -> ServerLimits:
        extra = {k[len("IMAGEGEN_"):].lower(): v for k, v in os.environ.items() if k.startswith("IMAGEGEN_")}
        return cls.from_extra(extra)

    @property
    def tick_s(self) -> float:
        """How often a connection's watchdog looks (a quarter of the shortest time-out, 0.05-1 s)."""
        return max(0.05, min(1.0, self.header_timeout_s / 4, self.body_idle_timeout_s / 4,
                             self.send_timeout_s / 4))


@functools.cache
def _env_limits() -> ServerLimits:
    return ServerLimits.from_env()


def _raw_response(status: int, reason: str, message: str) -> bytes:
    body = message.encode()
    return (f"HTTP/1.1 {status} {reason}\r\ncontent-type: text/plain; charset=utf-8\r\n"
            f"connection: close\r\ncontent-length: {len(body)}\r\n\r\n").encode() + body


class _CountingTransport:
    """The connection's transport, counting the bytes handed to it (sent = written - still buffered)."""

    def __init__(self, transport: asyncio.Transport) -> None:
        self._transport = transport
        self.written = 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.written += len(data)
        self._transport.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with header/body/send time-outs and a connection cap (module docstring)."""

    #: set by ``protocol_for``; ``None``: read from the ``IMAGEGEN_*`` environment (uvicorn command line)
    limits: ClassVar[ServerLimits | None] = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._limits = type(self).limits or _env_limits()
        self._watchdog: asyncio.TimerHandle | None = None
        #: when the current request head started (connection open, or first byte after a response)
        self._head_since: float | None = None
        self._last_data = 0.0
        self._body_bytes = 0
        self._body_active_s = 0.0
        self._last_tick = 0.0
        self._refused = False
        #: the current send stall: since when bytes wait unsent, how many were sent then, last progress
        self._send_since: float | None = None
        self._send_start = 0
        self._sent = 0
        self._send_progress = 0.0

    # -- protocol events ---------------------------------------------------------------------------
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        if len(self.connections) >= self._limits.max_connections:
            # refused before uvicorn tracks it: it never counts, never reads, and goes at once
            self._refused = True
            self.transport = transport
            transport.write(_raw_response(503, "Service Unavailable",
                                          "Too many connections to this server; retry shortly.\n"))
            transport.close()
            log.warning("connection refused: %d open (IMAGEGEN_MAX_CONNECTIONS)", len(self.connections))
            return
        super().connection_made(transport)
        # every response write (the cycles take ``self.transport``) goes through the counter
        self.transport = _CountingTransport(transport)  # type: ignore[assignment]
        now = time.monotonic()
        self._head_since = now
        self._last_data = now
        self._last_tick = now
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()
            self._watchdog = None
        if self._refused:
            return
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        now = time.monotonic()
        self._last_data = now
        if self._head_since is None and self.conn.their_state is h11.IDLE:
            self._head_since = now  # the first byte of the next keep-alive request
        before = self.conn.their_state
        super().data_received(data)
        if before is h11.SEND_BODY or self.conn.their_state is h11.SEND_BODY:
            self._body_bytes += len(data)

    def on_response_complete(self) -> None:
        # the next request's head is timed from its first byte; until then uvicorn's keep-alive applies
        self._head_since = None
        self._body_bytes = 0
        self._body_active_s = 0.0
        super().on_response_complete()

    # -- the watchdog ------------------------------------------------------------------------------
    def _arm(self) -> None:
        self._watchdog = self.loop.call_later(self._limits.tick_s, self._check)

    def _check(self) -> None:
        self._watchdog = None
        if self.transport is None:
            return
        now = time.monotonic()
        elapsed, self._last_tick = now - self._last_tick, now
        limits = self._limits
        stalled = self._send_stalled(now)
        if stalled:
            self._send_time_out(stalled)
            return
        if self.transport.is_closing():
            if self._send_since is not None:
                self._arm()  # closing, but the buffer has not drained: keep watching the send
            return
        state = self.conn.their_state
        if state is h11.IDLE and self._head_since is not None:
            if now - self._head_since > limits.header_timeout_s:
                self._time_out(f"the request head did not arrive within {limits.header_timeout_s:g} s")
                return
        elif state is h11.SEND_BODY:
            if self.flow.read_paused:
                self._last_data = now  # the server is not reading: the client is not late
            else:
                self._body_active_s += elapsed
                if now - self._last_data > limits.body_idle_timeout_s:
                    self._time_out(f"no body data for {limits.body_idle_timeout_s:g} s")
                    return
                if (self._body_active_s > limits.body_idle_timeout_s
                        and self._body_bytes / self._body_active_s < limits.body_min_rate):
                    self._time_out(f"the body arrived slower than {limits.body_min_rate} bytes/s")
                    return
        self._arm()

    def _send_stalled(self, now: float) -> str | None:
        """Why the response send is too slow (module docstring), or None."""
        buffered = self.transport.get_write_buffer_size()
        if buffered == 0:
            self._send_since = None  # everything went to the kernel: the client keeps up
            return None
        sent = self.transport.written - buffered  # type: ignore[attr-defined]
        if self._send_since is None:
            self._send_since, self._send_start, self._sent, self._send_progress = now, sent, sent, now
            return None
        if sent > self._sent:
            self._sent, self._send_progress = sent, now
        limits = self._limits
        if now - self._send_progress > limits.send_timeout_s:
            return f"the client took no response data for {limits.send_timeout_s:g} s"
        waited = now - self._send_since
        if waited > limits.send_timeout_s and (sent - self._send_start) / waited < limits.send_min_rate:
            return f"the client took the response slower than {limits.send_min_rate} bytes/s"
        return None

    def _send_time_out(self, why: str) -> None:
        """Reset the connection and drop what it buffered (``abort``: ``close`` would wait for the buffer
        to drain, i.e. for the client); uvicorn's ``connection_lost`` then frees a handler that waits to
        write."""
        log.info("dropping connection from %s: %s (%d bytes unsent)", self.client, why,
                 self.transport.get_write_buffer_size())
        if self.cycle is not None and not self.cycle.response_complete:
            self.cycle.disconnected = True
            self.cycle.message_event.set()
        sock = self.transport.get_extra_info("socket")
        if sock is not None:
            # linger 0: the close sends a reset and frees the kernel's send buffer too (a plain close would
            # queue a FIN behind the unsent bytes and leave them to the kernel until the client read them)
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.transport.abort()

    def _time_out(self, why: str) -> None:
        log.info("closing connection from %s: %s", self.client, why)
        if self.cycle is None or not self.cycle.response_started:
            self.transport.write(_raw_response(408, "Request Timeout", f"Request timed out: {why}.\n"))
        if self.cycle is not None and not self.cycle.response_complete:
            self.cycle.disconnected = True  # the app's receive() now answers http.disconnect
            self.cycle.message_event.set()
        self.transport.close()
        if self.transport.get_write_buffer_size():
            self._arm()  # the close waits for the client to read: the send time-outs still apply


def protocol_for(limits: ServerLimits) -> type[GuardedH11Protocol]:
    """A ``GuardedH11Protocol`` class bound to ``limits`` (uvicorn instantiates the class per connection)."""
    return type("GuardedH11Protocol", (GuardedH11Protocol,), {"limits": limits})


def uvicorn_options(limits: ServerLimits) -> dict[str, Any]:
    """Keyword arguments for ``uvicorn.run``/``uvicorn.Config`` that put ``limits`` in force."""
    return {
        "http": protocol_for(limits),
        "h11_max_incomplete_event_size": limits.max_header_bytes,
        "timeout_keep_alive": limits.keep_alive_s,
        # uvicorn answers 503 to requests over this many connections or tasks; the protocol's own cap
        # refuses the connection itself
        "limit_concurrency": limits.max_connections + 16,
    }


async def on_client_disconnect(_request: Request, _exc: Exception) -> Response:
    """The client went away while the app read its body (it closed, or a time-out above closed it): nobody
    reads this answer, and it is no server error to log (``create_app`` installs it for
    ``ClientDisconnect``)."""
    return Response(status_code=400)
