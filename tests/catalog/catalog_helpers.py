"""Helpers shared by the catalog tests: test pictures, plans, engine results, record contexts."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw

from imagegen.config import Settings
from imagegen.db.engine import dispose_all
from imagegen.engines.base import EngineImage, EngineResult
from imagegen.provenance.catalog.recorder import Recorder
from imagegen.provenance.records import RecordContext


def picture(seed: int, size: tuple[int, int] = (256, 256)) -> Image.Image:
    """A distinct, structured test picture (shapes + text) so perceptual hashes differ between seeds."""
    rng = np.random.default_rng(seed)
    img = Image.new("RGB", size, tuple(int(x) for x in rng.integers(0, 255, 3)))
    d = ImageDraw.Draw(img)
    for _ in range(6):
        x0, y0 = (int(v) for v in rng.integers(0, size[0] - 40, 2))
        d.rectangle(
            [x0, y0, x0 + int(rng.integers(20, 120)), y0 + int(rng.integers(20, 120))],
            fill=tuple(int(v) for v in rng.integers(0, 255, 3)),
        )
    d.text((10, size[1] - 30), f"seed {seed}", fill=(255, 255, 255))
    return img


def plan_with(texts: list[str], w: int = 256, h: int = 256) -> dict[str, Any]:
    nodes = [{"kind": "text", "id": f"t{i}", "text": t, "role": "headline"} for i, t in enumerate(texts)]
    return {"version": "1", "canvas": {"width": w, "height": h}, "nodes": nodes}


def engine_result(
    images: list[Image.Image],
    *,
    plans: list[dict[str, Any] | None] | None = None,
    seed: int = 1,
    engine: str = "planning",
) -> EngineResult:
    plans = plans or [None] * len(images)
    eimgs = [
        EngineImage(
            pixels=im,
            revised_prompt=f"summary {i}",
            plan=plans[i],
            report={"ok": True},
            render_sha256=hashlib.sha256(im.tobytes()).hexdigest(),
        )
        for i, im in enumerate(images)
    ]
    w, h = images[0].size
    return EngineResult(
        images=eimgs,
        width=w,
        height=h,
        quality="medium",
        background="opaque",
        engine=engine,
        engine_version="0.1.0",
        backend="procedural",
        seed=seed,
        timings={"render": 0.1},
        usage={"total_tokens": 0},
    )


def context(tenant: str, prompt: str, **kw: Any) -> RecordContext:
    params = {"output_format": "png", "size": "256x256", "quality": "medium"} | kw.pop("params", {})
    return RecordContext(
        tenant_id=tenant,
        operation=kw.pop("operation", "generate"),
        requested_model=kw.pop("model", "gpt-image-2"),
        prompt=prompt,
        params=params,
        **kw,
    )


#: the cost settings every catalog test runs with (usage tests assert figures derived from them)
CREDIT_SETTINGS = {"credits_per_second": "2.0", "credits_per_megapixel": "1.0"}


def catalog_settings(home: Path, database_url: str) -> Iterator[Settings]:
    """Catalog settings under a fresh ``home`` on ``database_url``; the engines are disposed afterwards (the
    body of both conftests' ``settings`` fixture: SQLite in tests/catalog, PostgreSQL in tests/pg)."""
    s = Settings(home=home, database_url=database_url, extra=dict(CREDIT_SETTINGS))
    s.ensure_dirs()
    yield s
    dispose_all()


# the fixtures on top of ``settings``, the same for both databases (each conftest imports them)
@pytest.fixture
def recorder(settings: Settings) -> Recorder:
    return Recorder(settings)


@pytest.fixture
def record(recorder: Recorder) -> Callable[..., list[Any]]:
    """``record(tenant, prompt, n=.., texts=[..], **ctx)``: record n pictures, return StoredAssets."""
    return make_record(recorder)


def make_record(recorder: Any) -> Any:
    """``record(tenant, prompt, n=.., texts=[..], size=.., **ctx)``: record n distinct pictures through
    ``recorder`` (a real ``Recorder``) and return its StoredAssets.

    Shared by the SQLite and PostgreSQL catalog tests."""
    counter = iter(range(10_000, 100_000))

    def _record(
        tenant: str,
        prompt: str,
        *,
        n: int = 1,
        texts: list[str] | None = None,
        size: tuple[int, int] = (256, 256),
        **kw: Any,
    ) -> list[Any]:
        imgs = [picture(next(counter), size) for _ in range(n)]
        plans = [plan_with(texts, *size) if texts else None for _ in range(n)]
        return list(recorder.record(context(tenant, prompt, **kw), engine_result(imgs, plans=plans)))

    return _record
