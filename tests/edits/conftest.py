"""Fixtures for the edits area: deterministic inputs, masks, a hand-made poster plan and its render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from edits_helpers import poster_plan, textured
from PIL import Image

from imagegen.contract.specs import EditSpec, InputImage
from imagegen.engines.planning.plan import (
    Plan,
)


@pytest.fixture(scope="session")
def photo() -> Image.Image:
    return Image.fromarray(textured(), "RGB")


@pytest.fixture
def make_spec() -> Callable[..., EditSpec]:
    def _make(
        prompt: str,
        image: Image.Image,
        *,
        mask: Image.Image | None = None,
        plan: dict[str, Any] | None = None,
        **kw: Any,
    ) -> EditSpec:
        kw.setdefault("quality", "medium")
        kw.setdefault("seed", 11)
        return EditSpec(
            prompt=prompt,
            model="gpt-image-2",
            images=(InputImage(image=image, data=b"", sha256="", plan=plan),),
            mask=mask,
            **kw,
        )

    return _make


@pytest.fixture(scope="session")
def poster() -> tuple[Plan, Image.Image]:
    """The poster plan and its render as an RGB input image (as a stored imagegen asset would be)."""
    from imagegen.engines.planning.render import render

    plan = poster_plan()
    return plan, render(plan).image.convert("RGB")
