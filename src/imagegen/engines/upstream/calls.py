"""What the engine asks an upstream for, and what comes back, independent of the wire protocol."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlsplit

from imagegen.contract.errors import UpstreamError

#: the largest output file fetched by URL from an upstream (a gateway answering ``url`` instead of
#: ``b64_json``, a queue host's result)
MAX_OUTPUT_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class UpstreamCall:
    prompt: str
    #: the model the upstream is asked for
    model: str
    n: int = 1
    #: ``auto`` or ``WxH``
    size: str = "auto"
    quality: str = "auto"
    background: str = "auto"
    output_format: str = "png"
    output_compression: int = 100
    moderation: str = "auto"
    user: str | None = None
    #: partial images to stream (0: no streaming)
    partial_images: int = 0
    #: edit inputs as (filename, encoded bytes, mime type); empty for a generation
    images: tuple[tuple[str, bytes, str], ...] = ()
    #: the mask as PNG bytes (edits only)
    mask: bytes | None = None
    input_fidelity: str | None = None

    @property
    def is_edit(self) -> bool:
        return bool(self.images)

    def output_options(self) -> dict[str, Any]:
        """The output fields an upstream is sent only when they differ from its defaults: ``background``
        unless ``auto``, ``output_compression`` for a lossy format below 100."""
        options: dict[str, Any] = {}
        if self.background != "auto":
            options["background"] = self.background
        if self.output_format in ("jpeg", "webp") and self.output_compression != 100:
            options["output_compression"] = self.output_compression
        return options


@dataclass
class UpstreamReply:
    #: the encoded files exactly as the upstream delivered them
    files: list[bytes]
    #: the upstream model that answered
    model: str
    request_id: str | None = None
    #: OpenAI-style usage when the upstream reports it
    usage: dict[str, Any] | None = None
    #: what the upstream says it resolved (``quality``, ``size``, ``background``), where it says
    resolved: dict[str, str] = field(default_factory=dict)


#: ``(partial index, encoded bytes)``: relayed as our partial images
OnPartial = Callable[[int, bytes], None]
#: ``(fraction, message)``: the upstream's own progress, where it reports one
OnProgress = Callable[[float, str], None]


class Transport(Protocol):
    """One wire protocol (the OpenAI Images API, a queue-style host). ``call`` does its own retries and
    time-outs (``retry.with_retries``) and raises contract errors; cancelling its task aborts the upstream
    request (and asks a queue host to cancel it)."""

    async def call(self, call: UpstreamCall, on_partial: OnPartial, on_progress: OnProgress) -> UpstreamReply:
        ...

    async def aclose(self) -> None: ...


def origin(url: str) -> tuple[str, str, int]:
    """``(scheme, host, port)`` of a URL, default ports filled in."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


def require_same_origin(url: str, base_url: str, label: str) -> str:
    """``url`` (absolute, or relative to ``base_url``) when it is on the upstream's own origin."""
    from urllib.parse import urljoin

    absolute = urljoin(base_url.rstrip("/") + "/", url)
    if origin(absolute) != origin(base_url):
        raise UpstreamError(f"{label} pointed at {origin(absolute)[1]!r} for its output; outputs are fetched "
                            "only from the upstream's own origin.")
    return absolute
