"""Queue-style hosts (``kind = "queue"``): submit, poll the status, fetch the result, cancel.

The shape is the RunComfy-style model API that imagegen itself serves (SPEC §7):
``POST {base}/models/{model}/text-to-image`` (or ``/edit``) answers ``request_id`` and the ``status_url``,
``result_url`` and ``cancel_url`` of the request; the status is ``in_queue``/``in_progress``/``completed``/
``failed``/``cancelled`` (any case); the result's ``output`` holds ``image`` / ``images`` URLs. Every URL
the host hands back, and every output, must be on the host's own origin. Each HTTP call is retried on
429/5xx; ``timeout_s`` bounds the whole request; cancelling (or timing out) asks the host to cancel.
"""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import Mapping
from typing import Any

import httpx

from imagegen.contract.errors import EngineUnavailable, UpstreamError, UpstreamTimeout
from imagegen.engines.upstream.calls import (
    MAX_OUTPUT_BYTES,
    OnPartial,
    OnProgress,
    UpstreamCall,
    UpstreamReply,
    require_same_origin,
)
from imagegen.engines.upstream.config import UpstreamConfig
from imagegen.engines.upstream.retry import Failure, RetryPolicy, retry_after_s, with_retries

log = logging.getLogger(__name__)

#: one HTTP call to the host (submit, one poll, one download) may take this long before it is retried
CALL_TIMEOUT_S = 60.0
#: how long a cancel request may take when the job is going away anyway
CANCEL_TIMEOUT_S = 5.0
_DONE = {"completed", "succeeded", "success"}
_FAILED = {"failed", "error", "cancelled", "canceled"}


def _data_url(data: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


class QueueHost:
    """``Transport`` for ``kind = "queue"``."""

    def __init__(self, config: UpstreamConfig, env: Mapping[str, str]) -> None:
        assert config.base_url is not None  # the config parser requires it for queue hosts
        self.config = config
        self.label = f"upstream/{config.name}"
        self.base_url = config.base_url
        headers = {"Accept": "application/json"}
        if config.api_key_env:
            key = env.get(config.api_key_env)
            if not key:
                raise EngineUnavailable(f"{self.label} needs an API key in ${config.api_key_env}.")
            headers["Authorization"] = f"Bearer {key}"
        self.headers = headers
        self.policy = RetryPolicy(self.label, config.max_retries, config.backoff_s, None)

    async def aclose(self) -> None:
        return None

    def _body(self, call: UpstreamCall) -> dict[str, Any]:
        body: dict[str, Any] = {"prompt": call.prompt, "size": call.size, "n": call.n,
                                "quality": call.quality, "output_format": call.output_format}
        body.update(call.output_options())
        if call.is_edit:
            body["images"] = [_data_url(data, mime) for _name, data, mime in call.images]
            if call.mask is not None:
                body["mask"] = _data_url(call.mask, "image/png")
        return body

    async def call(self, call: UpstreamCall, on_partial: OnPartial, on_progress: OnProgress) -> UpstreamReply:
        timeout = httpx.Timeout(CALL_TIMEOUT_S, connect=10.0)
        async with httpx.AsyncClient(headers=self.headers, timeout=timeout, follow_redirects=False) as client:
            endpoint = "edit" if call.is_edit else "text-to-image"
            submit_url = f"{self.base_url}/models/{call.model}/{endpoint}"
            submit = asyncio.ensure_future(self._json(client, "POST", submit_url, self._body(call)))
            try:
                submitted = await asyncio.shield(submit)
            except asyncio.CancelledError:
                # the host may have accepted the request already: learn its id and cancel it there too
                await self._cancel_submitted(client, submit)
                raise
            request_id = str(submitted.get("request_id") or "")
            if not request_id:
                raise UpstreamError(f"{self.label} accepted the request without a request_id.")
            urls = self._urls(submitted, request_id)
            try:
                return await asyncio.wait_for(self._finish(client, call, request_id, urls, on_progress),
                                              self.config.timeout_s)
            except TimeoutError as exc:
                await self._cancel(client, urls["cancel"], request_id)
                raise UpstreamTimeout(f"{self.label} did not finish request {request_id} within "
                                      f"{self.config.timeout_s:g} s; it was cancelled there.") from exc
            except asyncio.CancelledError:
                await self._cancel(client, urls["cancel"], request_id)
                raise

    async def _finish(self, client: httpx.AsyncClient, call: UpstreamCall, request_id: str,
                      urls: dict[str, str], on_progress: OnProgress) -> UpstreamReply:
        while True:
            status = await self._json(client, "GET", urls["status"])
            state = str(status.get("status") or "").lower()
            if state in _DONE or state in _FAILED:
                break
            progress = status.get("progress")
            if isinstance(progress, int | float):
                on_progress(float(progress) if progress <= 1 else float(progress) / 100, state)
            await asyncio.sleep(self.config.poll_s)
        result = await self._json(client, "GET", urls["result"])
        state = str(result.get("status") or state).lower()
        if state not in _DONE:
            error = result.get("error")
            detail = error.get("message") if isinstance(error, dict) else error
            raise UpstreamError(f"{self.label} request {request_id} ended {state}: {detail or 'no detail'}")
        output = result.get("output") if isinstance(result.get("output"), dict) else {}
        assert isinstance(output, dict)
        listed = output.get("images") if isinstance(output.get("images"), list) else []
        assert isinstance(listed, list)
        links = [str(u) for u in listed] or ([str(output["image"])] if output.get("image") else [])
        if not links:
            raise UpstreamError(f"{self.label} request {request_id} completed without an output image.")
        files = [await self._download(client, require_same_origin(u, self.base_url, self.label))
                 for u in links]
        usage = result.get("usage") if isinstance(result.get("usage"), dict) else None
        return UpstreamReply(files, call.model, request_id, usage, {})

    async def _json(self, client: httpx.AsyncClient, method: str, url: str,
                    body: dict[str, Any] | None = None) -> dict[str, Any]:
        async def attempt() -> dict[str, Any]:
            try:
                response = await client.request(method, url, json=body)
            except httpx.TimeoutException as exc:
                raise Failure(None, f"{method} {url} timed out") from exc
            except httpx.TransportError as exc:
                raise Failure(None, f"{method} {url}: {exc}") from exc
            if response.status_code >= 300:
                raise _failure(response)
            try:
                data = response.json()
            except ValueError as exc:
                raise Failure(502, f"{method} {url} answered something other than JSON") from exc
            if not isinstance(data, dict):
                raise Failure(502, f"{method} {url} answered JSON that is not an object")
            return data

        return await with_retries(self.policy, attempt)

    async def _download(self, client: httpx.AsyncClient, url: str) -> bytes:
        async def attempt() -> bytes:
            try:
                async with client.stream("GET", url) as response:
                    if response.status_code != 200:
                        raise _failure(response, await response.aread())
                    data = bytearray()
                    async for chunk in response.aiter_bytes():
                        data += chunk
                        if len(data) > MAX_OUTPUT_BYTES:
                            raise UpstreamError(
                                f"{self.label}: an output is larger than {MAX_OUTPUT_BYTES} bytes.")
                    return bytes(data)
            except httpx.TransportError as exc:
                raise Failure(None, f"GET {url}: {exc}") from exc

        return await with_retries(self.policy, attempt)

    def _urls(self, submitted: dict[str, Any], request_id: str) -> dict[str, str]:
        """The status, result and cancel URLs of a submitted request (the host's own, else the defaults)."""
        return {kind: require_same_origin(str(submitted.get(f"{kind}_url")
                                              or f"{self.base_url}/requests/{request_id}/{kind}"),
                                          self.base_url, self.label)
                for kind in ("status", "result", "cancel")}

    async def _cancel_submitted(self, client: httpx.AsyncClient,
                                submit: asyncio.Future[dict[str, Any]]) -> None:
        """Cancelled while submitting: wait briefly for the host's answer, then cancel that request there."""
        try:
            submitted = await asyncio.wait_for(submit, CANCEL_TIMEOUT_S)
            request_id = str(submitted.get("request_id") or "")
            if request_id:
                await self._cancel(client, self._urls(submitted, request_id)["cancel"], request_id)
        except Exception as exc:  # the job is going away either way
            log.warning("%s: a request cancelled while it was being submitted: %s", self.label, exc)

    async def _cancel(self, client: httpx.AsyncClient, url: str, request_id: str) -> None:
        """Ask the host to stop ``request_id`` (best effort: the job is going away either way)."""
        try:
            await asyncio.wait_for(asyncio.shield(client.post(url)), CANCEL_TIMEOUT_S)
        except Exception as exc:
            log.warning("%s: cancelling request %s failed: %s", self.label, request_id, exc)


def _failure(response: httpx.Response, raw: bytes | None = None) -> Failure:
    """A non-2xx answer as a ``Failure``, with the host's own message and code where it sends them."""
    message, code, param = f"HTTP {response.status_code}", None, None
    try:
        body = response.json() if raw is None else None
    except ValueError:
        body = None
    err = body.get("error", body) if isinstance(body, dict) else None
    if isinstance(err, dict):
        message = str(err.get("message") or err.get("detail") or message)
        code = err.get("code") if isinstance(err.get("code"), str) else None
        param = err.get("param") if isinstance(err.get("param"), str) else None
    elif isinstance(err, str):
        message = err
    return Failure(response.status_code, message, code=code, param=param,
                   retry_after=retry_after_s(response.headers))
