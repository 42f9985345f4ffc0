"""Server-sent events for ``stream=true`` (SPEC §6).

The job runs in a worker thread (``Service.run`` blocks); the engine's partial images arrive through the
``on_partial`` callback on that thread, are encoded there (CPU work stays off the event loop) and are
handed to the event loop through a queue. The response streams ``event: <type>`` / ``data: <json>``
frames as they come, a comment line every few seconds while the engine works (so proxies keep the
connection), then one ``*.completed`` event per output image, or an ``error`` event carrying the
OpenAI envelope (the SDK raises it as ``APIError``).
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import logging
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any, TypeVar

import anyio
from PIL import Image
from starlette.concurrency import run_in_threadpool

from imagegen.api.engine_waits import Abandon
from imagegen.contract.errors import ImagegenError
from imagegen.contract.responses import error_event
from imagegen.engines.base import PartialImage
from imagegen.provenance.marks.png_encode import encode_png

log = logging.getLogger("imagegen.api")

T = TypeVar("T")
KEEPALIVE_S = 10.0


def sse_frame(event: str, data: Mapping[str, Any]) -> bytes:
    """One SSE frame."""
    return f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


def encode_preview(pixels: Image.Image, output_format: str, compression: int) -> bytes:
    """Encode a partial image in the requested format, favouring speed (it is a preview)."""
    buf = io.BytesIO()
    if output_format == "jpeg":
        pixels.convert("RGB").save(buf, format="JPEG", quality=max(1, min(compression, 95)))
    elif output_format == "webp":
        pixels.save(buf, format="WEBP", quality=compression, method=0)
    else:
        # the outputs' PNG writer at zlib level 1 (Pillow's per-row choice among five filters is most of its
        # time at any level)
        return encode_png(pixels, [], level=1)
    return buf.getvalue()


def b64(data: bytes) -> str:
    """Base64 text of ``data``."""
    return base64.b64encode(data).decode("ascii")


async def stream_job(
    run: Callable[[Callable[[PartialImage], None], Callable[[str], None]], T],
    *,
    partial_event: Callable[[PartialImage], tuple[str, dict[str, Any]] | None],
    final_events: Callable[[T], list[tuple[str, dict[str, Any]]]],
    cancel: Callable[[str], object] | None = None,
    limiter: anyio.CapacityLimiter | None = None,
) -> AsyncIterator[bytes]:
    """Run ``run(on_partial, on_submitted)`` in a thread and yield SSE frames for its partials and its
    outcome.

    ``partial_event`` maps a partial to ``(event name, payload)`` or ``None`` to drop it; it runs on the
    worker thread. ``final_events`` maps the outcome to the closing events. A failure before the first
    frame is *raised* (so the route can still answer with the error's HTTP status: a full queue is a 429,
    not a 200 stream); after it, it becomes an ``error`` event. ``run`` calls ``on_submitted(job_id)``
    once the job exists; if the stream ends before the job (the client disconnected: Starlette cancels
    the response, or the generator is closed), ``cancel(job_id)`` is called, so nobody's job keeps
    running and recording assets that no one will receive. ``limiter``: the pool the wait runs on (the
    app's engine-wait limiter, ``api.engine_waits``; default Starlette's shared one).
    """
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
    abandon = Abandon(cancel)

    def on_partial(partial: PartialImage) -> None:
        try:
            event = partial_event(partial)
        except Exception:  # a preview must never fail the job
            log.exception("could not encode a partial image")
            return
        if event is not None:
            loop.call_soon_threadsafe(queue.put_nowait, ("event", event))

    async def runner() -> None:
        try:
            outcome = await anyio.to_thread.run_sync(run, on_partial, abandon.submitted, limiter=limiter)
            events = await run_in_threadpool(final_events, outcome)
        except Exception as exc:
            queue.put_nowait(("error", exc))
            return
        # queued behind every partial the worker thread scheduled before it returned
        loop.call_soon(queue.put_nowait, ("done", events))

    task = asyncio.create_task(runner())
    sent = False
    try:
        while True:
            try:
                kind, value = await asyncio.wait_for(queue.get(), timeout=KEEPALIVE_S)
            except TimeoutError:
                sent = True
                yield b": working\n\n"
                continue
            if kind == "event":
                name, payload = value
                sent = True
                yield sse_frame(name, payload)
            elif kind == "error":
                if not sent:
                    raise value
                yield sse_frame("error", error_event(_envelope(value)))
                return
            else:
                for name, payload in value:
                    yield sse_frame(name, payload)
                return
    finally:
        if not task.done():
            # the client went away before the job ended: cancel it (a job past its commit point still
            # completes; its assets stay in the catalog)
            task.add_done_callback(lambda t: t.exception() if not t.cancelled() else None)
            abandon.abandon()


def _envelope(exc: BaseException) -> dict[str, Any]:
    if isinstance(exc, ImagegenError):
        return exc.to_openai()
    log.error("streamed job failed unexpectedly", exc_info=exc)
    return {"error": {"message": "The server had an internal error while processing your request.",
                      "type": "server_error", "param": None, "code": "internal_error"}}


async def committed(frames: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """Wait for the first frame of ``frames`` (raising an early failure), then stream all of them."""
    first = await anext(frames)

    async def all_frames() -> AsyncIterator[bytes]:
        yield first
        async for frame in frames:
            yield frame

    return all_frames()
