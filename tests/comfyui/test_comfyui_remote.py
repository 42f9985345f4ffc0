"""The nodes against a real ``imagegen serve`` on loopback (gpt-image-2 routed to the quick test engine)."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from queue_helpers import Server

from imagegen.contract.errors import AuthenticationError, ImagegenError, InvalidValue
from imagegen.contract.limits import limits_for
from imagegen.integrations.comfyui import ImagegenEdit, ImagegenGenerate
from imagegen.integrations.comfyui.tensors import to_numpy

OPTIONS: dict[str, Any] = {"model": "gpt-image-2", "quality": "low", "output_format": "png",
                           "background": "auto"}


@pytest.fixture(autouse=True)
def _no_ambient_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.delenv("IMAGEGEN_API_KEY", raising=False)
    monkeypatch.delenv("IMAGEGEN_TOKEN_FILE", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-config"))


@pytest.fixture
def env_key(key: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The key as the pack takes it: from the environment (the nodes have no key input)."""
    monkeypatch.setenv("IMAGEGEN_API_KEY", key)
    return key


def test_remote_generate_with_a_key(server: Server, env_key: str) -> None:
    key = env_key
    out, raw = ImagegenGenerate().generate("a solid test card", size="1024x1024", n=2, seed=4,
                                           server_url=server.url, **OPTIONS)
    info = json.loads(raw)
    assert key not in raw  # the node's answer (kept in ComfyUI's history) never carries the key
    images = to_numpy(out)
    assert images.shape == (2, 1024, 1024, 3) and images.dtype == np.float32
    assert images.min() >= 0.0 and images.max() <= 1.0
    assert info["mode"] == "remote" and info["server"] == server.url
    assert (info["size"], info["output_format"], info["seed"]) == ("1024x1024", "png", 4)
    with server.client(key) as http:
        for asset_id in info["asset_ids"]:
            record = http.get(f"/v1/assets/{asset_id}")
            assert record.status_code == 200, record.text
            assert (record.json()["width"], record.json()["seed"]) == (1024, 4)


def test_remote_edit_with_a_mask(server: Server, env_key: str) -> None:
    image = np.random.default_rng(2).random((1, 640, 1024, 3), dtype=np.float32)
    mask = np.zeros((640, 1024), dtype=np.float32)
    mask[100:200, 100:300] = 1.0
    out, raw = ImagegenEdit().edit(image, "make it red", size="auto", n=2, seed=9, mask=mask,
                                   server_url=server.url, **OPTIONS)
    info = json.loads(raw)
    assert out.shape == (2, 640, 1024, 3)
    assert info["operation"] == "edit" and len(info["asset_ids"]) == 2


def test_the_key_may_come_from_the_environment(server: Server, key: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMAGEGEN_API_KEY", key)
    images, _ = ImagegenGenerate().generate("env key", size="1024x1024", n=1, seed=1,
                                            server_url=server.url + "/", **OPTIONS)
    assert images.shape == (1, 1024, 1024, 3)


def test_remote_refusals_carry_the_contracts_message(server: Server, env_key: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ImagegenError) as local:
        limits_for("gpt-image-2").sizes.check(3840, 1024, "3840x1024")
    with pytest.raises(InvalidValue) as remote:
        # the server's contract refuses it too (the node's VALIDATE_INPUTS would have said so first)
        ImagegenGenerate().generate("x", size="Custom", custom_width=3840, custom_height=1024, n=1, seed=1,
                                    server_url=server.url, **OPTIONS)
    assert remote.value.message == local.value.message and remote.value.param == "size"

    monkeypatch.setenv("IMAGEGEN_API_KEY", "ig_not_a_key")
    with pytest.raises(AuthenticationError):
        ImagegenGenerate().generate("x", size="auto", n=1, seed=1, server_url=server.url, **OPTIONS)
