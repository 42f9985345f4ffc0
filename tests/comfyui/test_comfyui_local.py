"""The nodes with server_url empty: the planning engine inside this process, the pack's cached service."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from imagegen.contract.errors import ImagegenError, InvalidMask, InvalidValue
from imagegen.contract.limits import TRANSPARENT_REFUSED, limits_for
from imagegen.integrations.comfyui import ImagegenEdit, ImagegenGenerate, ImagegenPlan
from imagegen.integrations.comfyui.runtime import local_service
from imagegen.integrations.comfyui.tensors import to_numpy, to_uint8
from imagegen.tenants import LOCAL_TENANT

OPTIONS: dict[str, Any] = {"model": "gpt-image-2", "quality": "low", "output_format": "png",
                           "background": "auto"}
PROMPT = 'A launch poster with the headline "Ship It Friday"'


def contract_message(call: Any) -> str:
    """The message the contract itself gives (computed, never copied into the test)."""
    with pytest.raises(ImagegenError) as info:
        call()
    return info.value.message


@pytest.fixture(scope="module")
def generated(local_home: Path) -> tuple[Any, dict[str, Any]]:
    images, info = ImagegenGenerate().generate(PROMPT, size="1024x1024", n=2, seed=11, **OPTIONS)
    # a torch tensor where torch is installed (as inside ComfyUI), else numpy: the same values either way
    return to_numpy(images), json.loads(info)


def test_generate_returns_a_float_batch_of_the_requested_size(generated: tuple[Any, dict]) -> None:
    images, info = generated
    assert images.shape == (2, 1024, 1024, 3) and images.dtype == np.float32
    assert images.min() >= 0.0 and images.max() <= 1.0 and images.std() > 0
    assert info["mode"] == "in-process" and info["server"] is None
    assert (info["model"], info["size"], info["seed"], info["output_format"]) == (
        "gpt-image-2", "1024x1024", 11, "png")
    assert len(info["revised_prompts"]) == 2 and all(info["revised_prompts"])


def test_the_asset_ids_are_in_the_catalog_with_these_pixels(generated: tuple[Any, dict]) -> None:
    images, info = generated
    ids = info["asset_ids"]
    assert len(set(ids)) == 2
    service = local_service()
    for index, asset_id in enumerate(ids):
        asset = service.open_asset(LOCAL_TENANT, asset_id)
        assert (asset.width, asset.height, asset.output_format) == (1024, 1024, "png")
        with Image.open(io.BytesIO(asset.data)) as im:
            stored = np.asarray(im.convert("RGB"))
        assert (to_uint8(images[index]) == stored).all()


def test_edit_with_a_mask_keeps_every_pixel_outside_it(generated: tuple[Any, dict]) -> None:
    images, _ = generated
    source = images[:1]  # what a ComfyUI graph passes on: the float batch
    mask = np.zeros((1, 1024, 1024), dtype=np.float32)  # ComfyUI: 1 = editable
    mask[0, 620:900, 300:720] = 1.0
    edited, raw = ImagegenEdit().edit(source, "add a red balloon", size="auto", n=1, seed=5, mask=mask,
                                      **OPTIONS)
    out = to_numpy(edited)
    info = json.loads(raw)
    assert out.shape == (1, 1024, 1024, 3) and out.dtype == np.float32
    before, after = to_uint8(source[0]), to_uint8(out[0])
    outside = mask[0] < 0.5
    assert (before[outside] == after[outside]).all()
    assert (before[~outside] != after[~outside]).any()
    assert info["operation"] == "edit" and len(info["asset_ids"]) == 1
    assert local_service().open_asset(LOCAL_TENANT, info["asset_ids"][0]).width == 1024


def test_plan_then_generate_the_plan(local_home: Path) -> None:
    (plan_json,) = ImagegenPlan().plan(PROMPT, model="gpt-image-2", size="1536x1024", background="auto",
                                       seed=3)
    plan = json.loads(plan_json)
    assert (plan["canvas"]["width"], plan["canvas"]["height"]) == (1536, 1024)
    assert "Ship It Friday" in plan_json
    images, _ = ImagegenGenerate().generate("render the plan", size="auto", n=1, seed=3,
                                            plan_json=plan_json, **OPTIONS)
    assert tuple(images.shape) == (1, 1024, 1536, 3)


def test_refused_values_raise_the_contracts_message(local_home: Path, generated: tuple[Any, dict]) -> None:
    node = ImagegenGenerate()
    expected = contract_message(lambda: limits_for("gpt-image-2").sizes.check(3840, 1024, "3840x1024"))
    with pytest.raises(InvalidValue) as info:
        node.generate(PROMPT, size="Custom", custom_width=3840, custom_height=1024, n=1, seed=1, **OPTIONS)
    assert info.value.message == expected and info.value.param == "size"
    assert str(info.value) == expected  # what ComfyUI shows on the node

    with pytest.raises(InvalidValue, match=TRANSPARENT_REFUSED):
        node.generate(PROMPT, size="auto", n=1, seed=1, **{**OPTIONS, "background": "transparent"})
    with pytest.raises(InvalidValue, match="between 1 and 10"):
        node.generate(PROMPT, size="auto", n=11, seed=1, **OPTIONS)
    with pytest.raises(InvalidValue, match="'plan': not valid JSON"):
        node.generate(PROMPT, size="auto", n=1, seed=1, plan_json="{", **OPTIONS)

    images, _ = generated
    with pytest.raises(InvalidMask, match="it is 512x512 but the first image is 1024x1024"):
        ImagegenEdit().edit(images[:1], "make it red", size="auto", n=1, seed=1,
                            mask=np.ones((512, 512), dtype=np.float32), **OPTIONS)
