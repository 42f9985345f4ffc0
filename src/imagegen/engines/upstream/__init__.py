"""Upstream engines: OpenAI's Images API, OpenAI-compatible gateways and queue-style hosts (SPEC §10).

``upstream_engine(settings=..., model="upstream/<name>")`` is the router's factory: ``<name>`` is
``openai`` (built in) or a table of ``$IMAGEGEN_HOME/upstreams.toml``.
"""

from __future__ import annotations

import os

from imagegen.config import Settings
from imagegen.engines.upstream.config import UpstreamConfig, load_upstreams, upstream_config
from imagegen.engines.upstream.engine import UpstreamEngine

__all__ = ["UpstreamConfig", "UpstreamEngine", "load_upstreams", "upstream_engine"]


def upstream_engine(*, settings: Settings, model: str) -> UpstreamEngine:
    """The engine for ``upstream/<name>`` (a route naming ``upstream/`` for another id gets ``openai``)."""
    name = model.split("/", 1)[1] if model.startswith("upstream/") else "openai"
    # upstream credentials are the operator's environment (OPENAI_API_KEY, each table's api_key_env)
    return UpstreamEngine(upstream_config(settings.home, name), os.environ)
