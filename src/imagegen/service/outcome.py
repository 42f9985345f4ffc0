"""What a finished job hands back to in-process callers."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from PIL import Image

from imagegen.engines.base import EngineImage, EngineResult
from imagegen.provenance.records import StoredAsset


@dataclass(frozen=True)
class JobOutcome:
    """A completed job: the engine's result and the assets the save point stored."""

    job_id: str
    result: EngineResult
    assets: list[StoredAsset]


def summarize(result: EngineResult, output_format: str, compute_seconds: float) -> dict[str, Any]:
    """The JSON-able part of an ``EngineResult`` kept with the job (pixels live in the assets)."""
    return {
        "width": result.width, "height": result.height, "quality": result.quality,
        "background": result.background, "output_format": output_format, "engine": result.engine,
        "engine_version": result.engine_version, "backend": result.backend, "seed": result.seed,
        "timings": dict(result.timings), "usage": dict(result.usage),
        "upstream_cost": result.upstream_cost, "compute_seconds": round(compute_seconds, 4),
        "revised_prompts": [im.revised_prompt for im in result.images],
    }


def result_from_summary(summary: dict[str, Any], assets: list[StoredAsset]) -> EngineResult:
    """Rebuild an ``EngineResult`` for a job that finished in another process (pixels decoded from the
    stored files, which carry the provenance marks; the engine's unmarked pixels are not kept)."""
    images = []
    for asset in assets:
        with Image.open(io.BytesIO(asset.data)) as im:
            im.load()
            pixels = im.copy()
        images.append(EngineImage(pixels=pixels, revised_prompt=asset.revised_prompt))
    return EngineResult(
        images=images, width=int(summary.get("width") or 0), height=int(summary.get("height") or 0),
        quality=summary.get("quality", "medium"), background=summary.get("background", "opaque"),
        engine=str(summary.get("engine", "")), engine_version=str(summary.get("engine_version", "")),
        backend=str(summary.get("backend", "")), seed=int(summary.get("seed") or 0),
        timings=dict(summary.get("timings") or {}), usage=dict(summary.get("usage") or {}),
        upstream_cost=summary.get("upstream_cost"))
