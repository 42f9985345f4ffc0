"""The OpenAI Images API (and any compatible gateway) through the official ``openai`` SDK.

``images.generate`` / ``images.edit`` with every contract field; with partial images requested the call
streams (``image_generation.partial_image`` / ``image_edit.partial_image`` events) and each partial is
relayed. The SDK's own retries are off (``max_retries=0``): ``retry.with_retries`` retries the same way for
every upstream kind and maps the outcome.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

import httpx
import openai

from imagegen.contract.errors import EngineUnavailable
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


class OpenAIImages:
    """``Transport`` for ``kind = "openai"``."""

    def __init__(self, config: UpstreamConfig, env: Mapping[str, str]) -> None:
        self.config = config
        self.label = f"upstream/{config.name}"
        key = None
        if config.api_key_env:
            key = env.get(config.api_key_env)
            if not key:
                raise EngineUnavailable(f"{self.label} needs an API key in ${config.api_key_env}.")
        elif not env.get("OPENAI_API_KEY"):
            raise EngineUnavailable(f"{self.label} needs OPENAI_API_KEY (and OPENAI_BASE_URL for a gateway).")
        base_url = config.base_url or env.get("OPENAI_BASE_URL") or None
        self.client = openai.AsyncOpenAI(
            api_key=key or env.get("OPENAI_API_KEY"),
            base_url=base_url,
            max_retries=0,
            # the per-attempt bound is retry.with_retries'; this one only backs it up
            timeout=config.timeout_s + 5,
        )
        self.base_url = str(self.client.base_url)
        self.policy = RetryPolicy(self.label, config.max_retries, config.backoff_s, config.timeout_s)

    async def aclose(self) -> None:
        await self.client.close()

    def _params(self, call: UpstreamCall) -> dict[str, Any]:
        params: dict[str, Any] = {"prompt": call.prompt, "model": call.model, "n": call.n, "size": call.size,
                                  "quality": call.quality, "output_format": call.output_format}
        params.update(call.output_options())
        if call.user:
            params["user"] = call.user
        if call.is_edit:
            params["image"] = list(call.images) if len(call.images) > 1 else call.images[0]
            if call.mask is not None:
                params["mask"] = ("mask.png", call.mask, "image/png")
            if call.input_fidelity:
                params["input_fidelity"] = call.input_fidelity
        else:
            params["moderation"] = call.moderation
        if call.partial_images:
            params["stream"] = True
            params["partial_images"] = call.partial_images
        return params

    async def call(self, call: UpstreamCall, on_partial: OnPartial, on_progress: OnProgress) -> UpstreamReply:
        return await with_retries(self.policy, lambda: self._attempt(call, on_partial))

    async def _attempt(self, call: UpstreamCall, on_partial: OnPartial) -> UpstreamReply:
        images = self.client.images
        params = self._params(call)
        try:
            if call.is_edit:
                answer = await images.edit(**params)
            else:
                answer = await images.generate(**params)
            if call.partial_images:
                return await self._collect(answer, call, on_partial)
            return await self._reply(answer, call)
        except openai.APIStatusError as exc:
            raise _failure(exc) from exc
        except openai.APITimeoutError as exc:
            raise TimeoutError(str(exc)) from exc
        except openai.APIConnectionError as exc:
            raise Failure(None, str(exc)) from exc
        except openai.APIError as exc:  # e.g. an ``error`` event in the middle of a stream
            raise Failure(502, exc.message, code=exc.code, param=exc.param) from exc

    async def _collect(self, stream: Any, call: UpstreamCall, on_partial: OnPartial) -> UpstreamReply:
        files: list[bytes] = []
        usage: dict[str, Any] | None = None
        resolved: dict[str, str] = {}
        async for event in stream:
            kind = getattr(event, "type", "")
            if kind.endswith(".partial_image"):
                on_partial(int(event.partial_image_index), base64.b64decode(event.b64_json))
            elif kind.endswith(".completed"):
                files.append(base64.b64decode(event.b64_json))
                usage = event.usage.model_dump() if getattr(event, "usage", None) else usage
                resolved = {k: str(getattr(event, k)) for k in ("quality", "size", "background")
                            if getattr(event, k, None)}
        if not files:
            raise Failure(502, "the stream ended without an image_generation.completed event")
        response = getattr(stream, "response", None)
        request_id = response.headers.get("x-request-id") if response is not None else None
        return UpstreamReply(files, call.model, request_id, usage, resolved)

    async def _reply(self, answer: Any, call: UpstreamCall) -> UpstreamReply:
        files: list[bytes] = []
        for item in answer.data or []:
            if item.b64_json:
                files.append(base64.b64decode(item.b64_json))
            elif item.url:
                files.append(await self._fetch(item.url))
        if not files:
            raise Failure(502, "the answer held no image")
        resolved = {k: str(getattr(answer, k)) for k in ("quality", "size", "background")
                    if getattr(answer, k, None)}
        usage = answer.usage.model_dump() if answer.usage else None
        return UpstreamReply(files, call.model, getattr(answer, "_request_id", None), usage, resolved)

    async def _fetch(self, url: str) -> bytes:
        absolute = require_same_origin(url, self.base_url, self.label)
        async with httpx.AsyncClient(timeout=self.config.timeout_s, follow_redirects=False) as client, \
                client.stream("GET", absolute) as response:
            if response.status_code != 200:
                raise Failure(response.status_code, f"fetching the output answered {response.status_code}",
                              retry_after=retry_after_s(response.headers))
            data = bytearray()
            async for chunk in response.aiter_bytes():
                data += chunk
                if len(data) > MAX_OUTPUT_BYTES:
                    raise Failure(502, f"an output file is larger than {MAX_OUTPUT_BYTES} bytes")
            return bytes(data)


def _failure(exc: openai.APIStatusError) -> Failure:
    """The SDK's error as a ``Failure``: the upstream's own message and code, and its retry-after."""
    body = exc.body if isinstance(exc.body, dict) else {}
    message = body.get("message") if isinstance(body.get("message"), str) else None
    return Failure(exc.status_code, message or exc.message, code=exc.code, param=exc.param,
                   retry_after=retry_after_s(exc.response.headers))
