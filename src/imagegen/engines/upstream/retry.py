"""Retries and time-outs around one upstream call, and the mapping of what went wrong (SPEC §10).

A transport raises ``Failure`` for an answer it did not like. 429 and 5xx (and a refused or dropped
connection) are retried with exponential backoff, waiting ``retry-after`` when the upstream sends it; any
other 4xx is passed through with the upstream's status, message and code. A time-out ends the call at once
(``upstream_timeout``, 504): a slow upstream is not asked again for the same minutes.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from imagegen.contract.errors import (
    ImagegenError,
    RateLimited,
    UpstreamError,
    UpstreamTimeout,
    upstream_rejected,
)
from imagegen.engines.upstream.config import MAX_RETRY_AFTER_S

log = logging.getLogger(__name__)

T = TypeVar("T")


class Failure(Exception):
    """An upstream answer that is not a success. ``status`` None: no answer (connection refused/dropped)."""

    def __init__(self, status: int | None, message: str, *, code: str | None = None,
                 param: str | None = None, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.param = param
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        return self.status is None or self.status == 429 or self.status >= 500


def retry_after_s(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait from ``retry-after-ms`` / ``retry-after`` (seconds or an HTTP date), if sent."""
    raw_ms = headers.get("retry-after-ms")
    if raw_ms:
        try:
            return max(0.0, float(raw_ms) / 1000)
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        when = email.utils.parsedate_to_datetime(raw) if raw else None
        return None if when is None else max(0.0, when.timestamp() - time.time())


@dataclass(frozen=True)
class RetryPolicy:
    #: the name shown in messages (``upstream/<name>``)
    label: str
    max_retries: int
    backoff_s: float
    #: per attempt; None: no limit here (the caller bounds the whole call)
    timeout_s: float | None


def final_error(label: str, failure: Failure) -> ImagegenError:
    """What the client sees for ``failure`` once no retry is left."""
    if failure.status is not None and 400 <= failure.status < 500 and failure.status != 429:
        return upstream_rejected(failure.status, failure.message, code=failure.code, param=failure.param)
    if failure.status == 429:
        return RateLimited(f"{label} is rate limiting: {failure.message}")
    what = f"answered {failure.status}" if failure.status is not None else "could not be reached"
    return UpstreamError(f"{label} {what}: {failure.message}")


async def with_retries(policy: RetryPolicy, attempt: Callable[[], Awaitable[T]],
                       sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> T:
    """Run ``attempt`` until it succeeds, a failure is final, or the retries are spent."""
    tries = 0
    while True:
        try:
            if policy.timeout_s is None:
                return await attempt()
            return await asyncio.wait_for(attempt(), policy.timeout_s)
        except TimeoutError as exc:
            raise UpstreamTimeout(
                f"{policy.label} did not answer within {policy.timeout_s:g} s (time-outs are not retried)."
            ) from exc
        except Failure as failure:
            if not failure.retryable or tries >= policy.max_retries:
                raise final_error(policy.label, failure) from failure
            delay = failure.retry_after if failure.retry_after is not None else policy.backoff_s * 2**tries
            if delay > MAX_RETRY_AFTER_S:
                raise final_error(policy.label, failure) from failure
            tries += 1
            log.info("%s answered %s; retry %d/%d in %.2f s", policy.label, failure.status, tries,
                     policy.max_retries, delay)
            await sleep(delay)
