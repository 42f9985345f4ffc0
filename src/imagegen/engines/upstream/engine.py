"""``UpstreamEngine``: an image service elsewhere (OpenAI, a gateway, a queue-style host) behind our Engine.

The call runs on one shared asyncio loop thread; the job's worker thread waits for it and polls the job's
cancel flag, and a cancel cancels the call's task, which aborts the HTTP request (and asks a queue host to
cancel). The upstream's files are kept as they came (C2PA ingredients of ours), decoded, brought to the
exact contract size, and for a masked edit composited inside the mask so every pixel outside it is
bit-identical to the input (the unmasked-region hash proves it, as for the planning engine's edits).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import io
import threading
import time
from collections.abc import Mapping
from typing import Any

from PIL import Image, UnidentifiedImageError

from imagegen.contract.errors import JobCancelled, UpstreamError
from imagegen.contract.specs import EditSpec, GenerateSpec, Quality
from imagegen.engines.base import (
    Capabilities,
    EngineImage,
    EngineResult,
    PartialImage,
    Progress,
    ResolvedBackground,
    SourceFile,
)
from imagegen.engines.masks import (
    composite,
    editable_from_mask,
    region_image,
    to_array,
    unmasked_sha256,
    working_mode,
)
from imagegen.engines.upstream.calls import Transport, UpstreamCall, UpstreamReply
from imagegen.engines.upstream.config import UpstreamConfig
from imagegen.engines.upstream.queue_api import CANCEL_TIMEOUT_S, QueueHost

ENGINE_NAME = "imagegen-upstream"
ENGINE_VERSION = "1.0.0"
#: how often the waiting worker thread looks at the job's cancel flag
CANCEL_POLL_S = 0.05
_FORMATS = {"PNG": "png", "JPEG": "jpeg", "WEBP": "webp", "MPO": "jpeg"}
_QUALITY: dict[str, Quality] = {"low": "low", "medium": "medium", "high": "high", "xhigh": "high",
                                "max": "high", "standard": "medium", "hd": "high"}
_ZERO_USAGE: dict[str, Any] = {"input_tokens": 0, "output_tokens": 0, "total_tokens": 0,
                               "input_tokens_details": {"text_tokens": 0, "image_tokens": 0}}


class _Loop:
    """One event loop on a daemon thread for every upstream call of the process (clients keep their
    connection pools on it)."""

    _instance: _Loop | None = None
    _lock = threading.Lock()

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, name="imagegen-upstream-loop", daemon=True).start()

    @classmethod
    def get(cls) -> asyncio.AbstractEventLoop:
        with cls._lock:
            if cls._instance is None:
                cls._instance = _Loop()
            return cls._instance.loop


def make_transport(config: UpstreamConfig, env: Mapping[str, str]) -> Transport:
    """The wire protocol of ``config.kind``. The openai SDK (~0.5 s to import) loads only when an
    OpenAI-kind upstream is first built, not with the router that every CLI command and worker imports."""
    if config.kind == "openai":
        from imagegen.engines.upstream.openai_api import OpenAIImages

        return OpenAIImages(config, env)
    return QueueHost(config, env)


def _decode(data: bytes, label: str) -> tuple[Image.Image, str]:
    try:
        pixels = Image.open(io.BytesIO(data))
        pixels.load()  # decoded from memory: no file stays open, no copy is needed
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise UpstreamError(f"{label} returned a file that is not a readable image.") from exc
    fmt = _FORMATS.get(pixels.format or "")
    if fmt is None:
        raise UpstreamError(f"{label} returned an image in an unsupported format ({pixels.format}).")
    return pixels, fmt


def _fit(image: Image.Image, width: int, height: int) -> Image.Image:
    """``image`` at exactly ``width`` x ``height``: scaled to cover, centre-cropped (no-op when equal)."""
    if image.size == (width, height):
        return image
    k = max(width / image.width, height / image.height)
    scaled = image.resize((max(width, round(image.width * k)), max(height, round(image.height * k))),
                          Image.Resampling.LANCZOS)
    left, top = (scaled.width - width) // 2, (scaled.height - height) // 2
    return scaled.crop((left, top, left + width, top + height))


class UpstreamEngine:
    """Implements ``imagegen.engines.base.Engine`` for one upstream (``upstream/<name>``)."""

    name = ENGINE_NAME
    version = ENGINE_VERSION

    def __init__(self, config: UpstreamConfig, env: Mapping[str, str], *,
                 transport: Transport | None = None) -> None:
        self.config = config
        self.label = f"upstream/{config.name}"
        self.transport = transport or make_transport(config, env)

    def capabilities(self) -> Capabilities:
        return Capabilities(generate=True, edit=True, mask_edit=True, transparent=True, max_n=10,
                            partial_images=self.config.kind == "openai", requires=("network",))

    # -- the recipe ---------------------------------------------------------------------------------
    def generate(self, spec: GenerateSpec, progress: Progress) -> EngineResult:
        return self._run(spec, progress)

    def edit(self, spec: EditSpec, progress: Progress) -> EngineResult:
        return self._run(spec, progress)

    def upstream_model(self, requested: str) -> str:
        """The model the upstream is asked for: a GPT Image id a client sent through an OpenAI-kind route
        (``IMAGEGEN_ROUTES``) goes as is; anything else gets the upstream's configured model."""
        if self.config.kind == "openai" and requested.startswith("gpt-image-"):
            return requested
        return self.config.model

    def _call(self, spec: GenerateSpec) -> UpstreamCall:
        images: tuple[tuple[str, bytes, str], ...] = ()
        mask = None
        if isinstance(spec, EditSpec):
            images = tuple((im.filename or f"image-{i}.png", im.data,
                            Image.MIME.get(im.image.format or "PNG", "image/png"))
                           for i, im in enumerate(spec.images))
            if spec.mask is not None:
                buf = io.BytesIO()
                spec.mask.save(buf, "PNG")
                mask = buf.getvalue()
        stream = spec.stream and spec.partial_images > 0 and spec.n == 1 and self.config.kind == "openai"
        return UpstreamCall(
            prompt=spec.prompt, model=self.upstream_model(spec.model), n=spec.n, size=spec.size,
            quality=spec.quality, background=spec.background, output_format=spec.output_format,
            output_compression=spec.output_compression, moderation=spec.moderation, user=spec.user,
            partial_images=spec.partial_images if stream else 0, images=images, mask=mask,
            input_fidelity=getattr(spec, "input_fidelity", None),
        )

    def _run(self, spec: GenerateSpec, progress: Progress) -> EngineResult:
        started = time.perf_counter()
        if progress.cancelled():
            raise JobCancelled("The job was cancelled.")
        call = self._call(spec)
        progress.progress(0.02, f"asking {self.label}")
        t_call = time.perf_counter()
        reply = self._invoke(call, spec, progress)
        upstream_s = time.perf_counter() - t_call
        t_images = time.perf_counter()
        images = [self._image(data, reply, spec, i) for i, data in enumerate(reply.files[: spec.n])]
        decode_s = time.perf_counter() - t_images
        first = images[0].pixels
        quality = _QUALITY.get(reply.resolved.get("quality", ""), _QUALITY.get(spec.quality, "medium"))
        background: ResolvedBackground
        if reply.resolved.get("background") in ("opaque", "transparent"):
            background = reply.resolved["background"]  # type: ignore[assignment]
        else:
            background = "transparent" if first.mode == "RGBA" else "opaque"
        usage = _usage(reply.usage)
        progress.progress(1.0, "done")
        return EngineResult(
            images=images, width=first.width, height=first.height, quality=quality, background=background,
            engine=self.name, engine_version=self.version, backend=f"{self.label}:{reply.model}",
            seed=spec.seed,
            timings={"upstream": round(upstream_s, 4), "decode": round(decode_s, 4),
                     "total": round(time.perf_counter() - started, 4)},
            usage=usage, upstream_cost=self._cost(reply, usage, quality, len(images)),
        )

    # -- the call and its cancellation --------------------------------------------------------------
    def _invoke(self, call: UpstreamCall, spec: GenerateSpec, progress: Progress) -> UpstreamReply:
        finished = threading.Event()

        def on_partial(index: int, data: bytes) -> None:
            if index < spec.partial_images:
                pixels, _fmt = _decode(data, self.label)
                progress.partial(PartialImage(index=index, image_index=0, pixels=pixels))

        def on_progress(fraction: float, message: str) -> None:
            progress.progress(0.02 + 0.9 * max(0.0, min(1.0, fraction)), f"{self.label}: {message}")

        async def run() -> UpstreamReply:
            try:
                return await self.transport.call(call, on_partial, on_progress)
            finally:
                finished.set()

        future = asyncio.run_coroutine_threadsafe(run(), _Loop.get())
        while True:
            try:
                return future.result(timeout=CANCEL_POLL_S)
            except concurrent.futures.TimeoutError:
                if progress.cancelled():
                    future.cancel()
                    # let the task abort its HTTP call and ask a queue host to cancel before we go
                    finished.wait(CANCEL_TIMEOUT_S + 1)
                    raise JobCancelled("The job was cancelled; the upstream request was cancelled too.") \
                        from None
            except concurrent.futures.CancelledError:
                raise JobCancelled("The job was cancelled.") from None

    # -- results ------------------------------------------------------------------------------------
    def _image(self, data: bytes, reply: UpstreamReply, spec: GenerateSpec, index: int) -> EngineImage:
        pixels, fmt = _decode(data, self.label)
        upstream = {"name": self.config.name, "kind": self.config.kind, "model": reply.model,
                    "request_id": reply.request_id}
        extra: dict[str, Any] = {
            "upstream": upstream,
            "contributors": [{"engine": ENGINE_NAME, "backend": self.label, "model": reply.model,
                              "region": "image"}],
        }
        editable_region = None
        if isinstance(spec, EditSpec) and spec.mask is not None and spec.images:
            # the upstream result inside the mask, the input byte for byte outside it
            source = spec.images[0].image
            mode = working_mode(source)
            editable = editable_from_mask(spec.mask, source.size)
            original = to_array(source, mode)
            if pixels.size != source.size:
                extra["upstream_size"] = f"{pixels.width}x{pixels.height}"
            edited = to_array(_fit(pixels, *source.size), mode)
            out = composite(original, edited, editable)
            pixels = Image.fromarray(out, mode=mode)
            editable_region = region_image(editable)
            extra |= {"edit_mode": "mask", "mask_pixels": int(editable.sum()),
                      "unmasked_sha256_before": unmasked_sha256(original, editable),
                      "unmasked_sha256_after": unmasked_sha256(out, editable)}
        elif spec.width is not None and spec.height is not None and pixels.size != (spec.width, spec.height):
            extra["upstream_size"] = f"{pixels.width}x{pixels.height}"
            pixels = _fit(pixels, spec.width, spec.height)
        if pixels.mode not in ("RGB", "RGBA"):
            pixels = pixels.convert("RGBA" if "A" in pixels.getbands() else "RGB")
        title = f"{self.label} {reply.request_id or ''} #{index}".replace("  ", " ")
        return EngineImage(
            pixels=pixels, revised_prompt=spec.prompt, plan=None,
            report={"backend": self.label, "upstream": upstream},
            # no render_sha256: an upstream's pixels are not reproducible here (the sources keep its file)
            render_sha256=None, editable_region=editable_region, extra=extra,
            sources=[SourceFile(data=data, format=fmt, title=title)],
        )

    def _cost(self, reply: UpstreamReply, usage: dict[str, Any], quality: str, images: int) -> dict[str, Any]:
        cost: dict[str, Any] = {"upstream": self.config.name, "model": reply.model,
                                "request_id": reply.request_id, "images": images,
                                "input_tokens": int(usage.get("input_tokens") or 0),
                                "output_tokens": int(usage.get("output_tokens") or 0),
                                "total_tokens": int(usage.get("total_tokens") or 0)}
        prices = self.config.prices
        usd = prices.cost_usd(reply.usage, quality, images) if prices is not None else None
        if usd is not None:
            cost["usd"] = usd
        return cost


def _usage(raw: dict[str, Any] | None) -> dict[str, Any]:
    """The upstream's usage in the OpenAI shape (zeros when it reports none)."""
    if not raw:
        return dict(_ZERO_USAGE)
    usage = dict(_ZERO_USAGE) | {k: v for k, v in raw.items() if v is not None}
    if not usage.get("total_tokens"):
        usage["total_tokens"] = int(usage.get("input_tokens") or 0) + int(usage.get("output_tokens") or 0)
    return usage


