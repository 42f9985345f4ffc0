"""Upstream declarations: ``$IMAGEGEN_HOME/upstreams.toml`` parsed once into typed values (SPEC §10).

One table per upstream; the table name is what follows ``upstream/`` in a model id. ``upstream/openai``
exists without a file (the official SDK reads ``OPENAI_API_KEY`` and ``OPENAI_BASE_URL``); an ``[openai]``
table overrides it. The file is read again only when its modification time changes.
"""

from __future__ import annotations

import math
import threading
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from imagegen.contract.errors import EngineUnavailable

Kind = Literal["openai", "queue"]

#: gpt-image-2 at high quality takes minutes: the per-attempt default (SPEC §10)
DEFAULT_TIMEOUT_S = 360.0
DEFAULT_POLL_S = 2.0
DEFAULT_MAX_RETRIES = 3
DEFAULT_BACKOFF_S = 1.0
#: a retry-after longer than this is not waited for (the error is returned instead)
MAX_RETRY_AFTER_S = 60.0
DEFAULT_MODEL = {"openai": "gpt-image-2", "queue": "openai/gpt-image-2"}
_KEYS = {"kind", "base_url", "api_key_env", "model", "timeout_s", "poll_s", "max_retries", "backoff_s",
         "prices"}


@dataclass(frozen=True)
class Prices:
    """USD per million tokens, or per image by quality; either may be absent."""

    input_per_mtok: float | None = None
    output_per_mtok: float | None = None
    per_image: dict[str, float] = field(default_factory=dict)

    def cost_usd(self, usage: dict[str, Any] | None, quality: str, images: int) -> float | None:
        """The price of one request, or None when the table does not cover it."""
        if self.per_image:
            price = self.per_image.get(quality)
            return None if price is None else round(price * images, 8)
        if usage and (self.input_per_mtok is not None or self.output_per_mtok is not None):
            usd = int(usage.get("input_tokens") or 0) * (self.input_per_mtok or 0.0)
            usd += int(usage.get("output_tokens") or 0) * (self.output_per_mtok or 0.0)
            return round(usd / 1_000_000, 8)
        return None


@dataclass(frozen=True)
class UpstreamConfig:
    name: str
    kind: Kind
    #: up to and including ``/v1``; None for ``openai`` lets the SDK read ``OPENAI_BASE_URL``
    base_url: str | None = None
    #: the environment variable holding the key; None for ``openai`` lets the SDK read ``OPENAI_API_KEY``
    api_key_env: str | None = None
    model: str = "gpt-image-2"
    timeout_s: float = DEFAULT_TIMEOUT_S
    poll_s: float = DEFAULT_POLL_S
    max_retries: int = DEFAULT_MAX_RETRIES
    backoff_s: float = DEFAULT_BACKOFF_S
    prices: Prices | None = None


BUILTIN_OPENAI = UpstreamConfig(name="openai", kind="openai")


def _bad(path: Path, name: str, message: str) -> EngineUnavailable:
    return EngineUnavailable(f"{path}: upstream '{name}': {message}")


def _number(path: Path, name: str, table: dict[str, Any], key: str, default: float, *, low: float) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
            or value < low:
        raise _bad(path, name, f"'{key}' must be a number >= {low:g}, got {value!r}.")
    return float(value)


def _prices(path: Path, name: str, raw: Any) -> Prices | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) - {"input_per_mtok", "output_per_mtok", "per_image"}:
        raise _bad(path, name,
                   "'prices' takes input_per_mtok, output_per_mtok or per_image = {quality = USD}.")
    per_image = raw.get("per_image", {})
    if not isinstance(per_image, dict) or not all(
        q in ("low", "medium", "high") and isinstance(v, int | float) and v >= 0 for q, v in per_image.items()
    ):
        raise _bad(path, name, "'prices.per_image' maps low/medium/high to USD per image.")
    return Prices(
        input_per_mtok=_number(path, name, raw, "input_per_mtok", 0.0, low=0) if "input_per_mtok" in raw
        else None,
        output_per_mtok=_number(path, name, raw, "output_per_mtok", 0.0, low=0) if "output_per_mtok" in raw
        else None,
        per_image={str(q): float(v) for q, v in per_image.items()},
    )


def parse_upstreams(text: str, path: Path) -> dict[str, UpstreamConfig]:
    """Every upstream declared in ``text`` (the contents of ``path``), validated."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise EngineUnavailable(f"{path} is not valid TOML: {exc}") from exc
    out: dict[str, UpstreamConfig] = {}
    for name, table in doc.items():
        if not isinstance(table, dict):
            raise _bad(path, name, "each upstream is a [table].")
        unknown = set(table) - _KEYS
        if unknown:
            raise _bad(path, name, f"unknown setting(s) {sorted(unknown)}; known: {sorted(_KEYS)}.")
        kind = table.get("kind", "openai")
        if kind not in ("openai", "queue"):
            raise _bad(path, name, f"kind must be 'openai' or 'queue', got {kind!r}.")
        base_url = table.get("base_url")
        if base_url is not None and (not isinstance(base_url, str) or not base_url.startswith(("http://",
                                                                                              "https://"))):
            raise _bad(path, name, f"base_url must be an http(s) URL, got {base_url!r}.")
        if kind == "queue" and not base_url:
            raise _bad(path, name, "a queue upstream needs base_url.")
        for key in ("api_key_env", "model"):
            if key in table and not (isinstance(table[key], str) and table[key]):
                raise _bad(path, name, f"'{key}' must be a non-empty string.")
        out[name] = UpstreamConfig(
            name=name,
            kind=kind,
            base_url=base_url.rstrip("/") if base_url else None,
            api_key_env=table.get("api_key_env"),
            model=table.get("model") or DEFAULT_MODEL[kind],
            timeout_s=_number(path, name, table, "timeout_s", DEFAULT_TIMEOUT_S, low=0.01),
            poll_s=_number(path, name, table, "poll_s", DEFAULT_POLL_S, low=0.01),
            max_retries=int(_number(path, name, table, "max_retries", DEFAULT_MAX_RETRIES, low=0)),
            backoff_s=_number(path, name, table, "backoff_s", DEFAULT_BACKOFF_S, low=0),
            prices=_prices(path, name, table.get("prices")),
        )
    return out


_cache: dict[Path, tuple[float, dict[str, UpstreamConfig]]] = {}
_lock = threading.Lock()


def load_upstreams(home: Path) -> dict[str, UpstreamConfig]:
    """The upstreams of ``$IMAGEGEN_HOME/upstreams.toml`` (plus the built-in ``openai``), parsed once."""
    path = home / "upstreams.toml"
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return {"openai": BUILTIN_OPENAI}
    with _lock:
        cached = _cache.get(path)
        if cached is None or cached[0] != mtime:
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise EngineUnavailable(f"{path} cannot be read: {exc}") from exc
            cached = (mtime, {"openai": BUILTIN_OPENAI} | parse_upstreams(text, path))
            _cache[path] = cached
        return cached[1]


def upstream_config(home: Path, name: str) -> UpstreamConfig:
    """The declaration of ``upstream/<name>`` (503 naming the file when there is none)."""
    found = load_upstreams(home).get(name)
    if found is None:
        raise EngineUnavailable(
            f"No upstream named '{name}': declare [{name}] in {home / 'upstreams.toml'} "
            "(kind, base_url, api_key_env; see docs/backends.md)."
        )
    return found
