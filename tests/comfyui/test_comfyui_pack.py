"""The pack without ComfyUI or torch: import cost, the mappings ComfyUI reads, INPUT_TYPES from the limits
table, the loader shim, and image/mask conversion."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import re
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

import imagegen.contract.limits as limits_mod
from imagegen.contract.limits import IntRange, describe_limits, limits_for
from imagegen.integrations import comfyui
from imagegen.integrations.comfyui import inputs, tensors

PACK = Path(comfyui.__file__).resolve().parent
SRC = PACK.parents[2]


def _run(code: str, *flags: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *flags, "-c", code], capture_output=True, text=True, timeout=60,
                          env=env)


def test_the_pack_imports_without_comfyui_and_torch() -> None:
    # torch and comfy are made unimportable even where they are installed; nothing heavy may load
    code = """
import json, sys
sys.modules["torch"] = None
sys.modules["comfy"] = None
import imagegen.integrations.comfyui as pack
for cls in pack.NODE_CLASS_MAPPINGS.values():
    cls.INPUT_TYPES()
inner = ("imagegen.service", "imagegen.engines", "imagegen.provenance", "imagegen.jobs", "imagegen.client",
         "imagegen.api", "imagegen.cli", "imagegen.db")
tops = {"httpx", "numpy", "PIL", "sqlalchemy", "pydantic", "torch", "comfy"}
print(json.dumps(sorted(name for name, module in sys.modules.items()
                        if module is not None and (name.split(".")[0] in tops or name.startswith(inner)))))
"""
    out = _run(code)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == []


def test_the_shim_loads_the_pack_from_a_symlinked_custom_nodes_folder(tmp_path: Path) -> None:
    """As ComfyUI loads a custom node folder, with imagegen not installed (-S: no site-packages); the
    pack needs only the standard library to import, so the shim's sys.path fallback is enough."""
    custom_nodes = tmp_path / "custom_nodes"
    custom_nodes.mkdir()
    (custom_nodes / "imagegen").symlink_to(PACK / "custom_node", target_is_directory=True)
    code = f"""
import importlib.util, sys
folder = {str(custom_nodes / "imagegen")!r}
spec = importlib.util.spec_from_file_location("imagegen_nodes", folder + "/__init__.py",
                                              submodule_search_locations=[folder])
module = importlib.util.module_from_spec(spec)
sys.modules["imagegen_nodes"] = module
spec.loader.exec_module(module)
print(sorted(module.NODE_CLASS_MAPPINGS), sorted(module.NODE_DISPLAY_NAME_MAPPINGS.values()))
import imagegen.integrations.comfyui.nodes as nodes
assert module.NODE_CLASS_MAPPINGS is nodes.NODE_CLASS_MAPPINGS
print(nodes.__file__)
"""
    out = _run(code, "-S")
    assert out.returncode == 0, out.stderr
    assert "['ImagegenEdit', 'ImagegenGenerate', 'ImagegenPlan', 'ImagegenSave']" in out.stdout
    assert "['imagegen Edit', 'imagegen Generate', 'imagegen Plan', 'imagegen Save']" in out.stdout
    assert str(SRC) in out.stdout


def test_a_copied_shim_without_imagegen_says_how_to_install(tmp_path: Path) -> None:
    folder = tmp_path / "custom_nodes" / "imagegen"
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text((PACK / "custom_node" / "__init__.py").read_text())
    code = f"""
import importlib.util
spec = importlib.util.spec_from_file_location("imagegen_nodes", {str(folder / "__init__.py")!r})
spec.loader.exec_module(importlib.util.module_from_spec(spec))
"""
    # nothing may lead it to imagegen: no site-packages (-S), and neither PYTHONPATH nor IMAGEGEN_SRC from
    # the environment the suite runs in
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "IMAGEGEN_SRC")}
    out = _run(code, "-S", env=env)
    assert out.returncode != 0
    assert "pip install /path/to/imagegen" in out.stderr and "IMAGEGEN_SRC" in out.stderr


def test_node_class_mappings_have_the_shape_comfyui_reads() -> None:
    mappings = comfyui.NODE_CLASS_MAPPINGS
    assert set(mappings) == {"ImagegenGenerate", "ImagegenEdit", "ImagegenPlan", "ImagegenSave"}
    assert set(comfyui.NODE_DISPLAY_NAME_MAPPINGS) == set(mappings)
    assert comfyui.NODE_DISPLAY_NAME_MAPPINGS["ImagegenGenerate"] == "imagegen Generate"
    assert comfyui.NODE_DISPLAY_NAME_MAPPINGS["ImagegenEdit"] == "imagegen Edit"
    for cls in mappings.values():
        assert cls.CATEGORY == "imagegen"
        assert callable(getattr(cls(), cls.FUNCTION))
        spec = cls.INPUT_TYPES()
        assert set(spec) <= {"required", "optional", "hidden"} and spec["required"]
        assert len(cls.RETURN_NAMES) == len(cls.RETURN_TYPES)
        # no input may hold a credential: ComfyUI saves every input in workflows, history and PNGs
        assert not [n for part in spec.values() for n in part if "key" in n or "token" in n]
        for entry in (*spec["required"].values(), *spec.get("optional", {}).values()):
            kind, options = entry
            assert isinstance(kind, list | str) and isinstance(options, dict)
            if isinstance(kind, list):
                assert options["default"] in kind
    for name in ("ImagegenGenerate", "ImagegenEdit"):
        assert mappings[name].RETURN_TYPES == ("IMAGE", "STRING")
    edit = mappings["ImagegenEdit"].INPUT_TYPES()
    assert edit["required"]["image"][0] == "IMAGE" and edit["optional"]["mask"][0] == "MASK"
    assert mappings["ImagegenGenerate"].INPUT_TYPES()["optional"]["server_url"][1]["default"] == ""


def test_input_types_come_from_the_limits_table() -> None:
    table = describe_limits()
    gpt2 = limits_for("gpt-image-2")
    spec = comfyui.ImagegenGenerate.INPUT_TYPES()
    required, optional = spec["required"], spec["optional"]
    assert required["size"][0] == ["auto", *gpt2.presets, "Custom"]
    assert required["model"][0] == list(table["models"])
    assert required["quality"][0] == list(gpt2.qualities)
    assert required["output_format"][0] == list(gpt2.output_formats)
    assert required["background"][0] == ["auto", "opaque", "transparent"]  # union: gpt-image-1 allows it
    # the stock OpenAIGPTImageNodeV2's range (1..8), inside the contract's
    assert (required["n"][1]["min"], required["n"][1]["max"]) == (gpt2.n.low, 8) and gpt2.n.high >= 8
    assert (required["seed"][1]["min"], required["seed"][1]["max"]) == (gpt2.seed.low, gpt2.seed.high)
    compression = optional["output_compression"][1]
    assert (compression["min"], compression["max"]) == (gpt2.output_compression.low,
                                                        gpt2.output_compression.high)
    # every other listed model's presets are among gpt-image-2's (the list is a union in table order)
    for model in table["models"].values():
        assert set(model["presets"]) <= set(gpt2.presets)
    edit = comfyui.ImagegenEdit.INPUT_TYPES()["required"]
    assert edit["size"] == required["size"] and edit["model"] == required["model"]


def test_changing_the_table_changes_the_inputs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits_mod, "PRESETS_FLEXIBLE", (*limits_mod.PRESETS_FLEXIBLE, "1280x720"))
    real = limits_mod.limits_for
    monkeypatch.setattr(limits_mod, "limits_for",
                        lambda model: dataclasses.replace(real(model), n=IntRange(1, 4)))
    for cls in comfyui.NODE_CLASS_MAPPINGS.values():
        required = cls.INPUT_TYPES()["required"]
        if "size" in required:
            assert required["size"][0][-2:] == ["1280x720", "Custom"]
        if "n" in required:
            assert required["n"][1]["max"] == 4


def test_choices_of_a_given_table() -> None:
    table = {"models": {"m1": {**limits_for("gpt-image-1").describe(), "model": "m1"},
                        "m2": {**limits_for("imagegen-design").describe(), "model": "m2",
                               "n": {"min": 1, "max": 3}}}}
    c = inputs.choices(table)
    assert c.models == ("m1", "m2")
    assert c.sizes[:4] == ("auto", "1024x1024", "1536x1024", "1024x1536")
    assert c.n == (1, 10)


def test_the_nodes_list_no_values_of_their_own() -> None:
    """Choices live in the table only: no size, format or quality literal in the node sources."""
    for name in ("nodes.py", "inputs.py"):
        source = (PACK / name).read_text()
        assert not re.search(r"\"\d{3,4}x\d{3,4}\"", source), name
        for literal in ('"png"', '"jpeg"', '"webp"', '"low"', '"medium"', '"high"', '"opaque"',
                        '"transparent"', '"gpt-image-2"', '"gpt-image-1"'):
            assert literal not in source, (name, literal)


# -- tensors ------------------------------------------------------------------------------------------


def _decode(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as im:
        return np.asarray(im)


def test_uint8_survives_the_float_round_trip_exactly() -> None:
    rng = np.random.default_rng(1)
    pixels = rng.integers(0, 256, size=(2, 5, 7, 3), dtype=np.uint8)
    batch = tensors.to_numpy(tensors.images_to_batch([Image.fromarray(p) for p in pixels]))
    assert batch.shape == (2, 5, 7, 3) and batch.dtype == np.float32
    assert batch.min() >= 0.0 and batch.max() <= 1.0
    pngs = tensors.batch_to_pngs(batch)
    assert [(_decode(p) == pixels[i]).all() for i, p in enumerate(pngs)] == [True, True]
    # every byte value, including the ends (truncation would turn some into their neighbor)
    ramp = np.arange(256, dtype=np.uint8).reshape(16, 16, 1).repeat(3, axis=2)
    assert (_decode(tensors.batch_to_pngs(ramp.astype(np.float32) / 255.0)[0]) == ramp).all()


def test_batch_to_pngs_takes_one_image_gray_and_rgba_and_refuses_odd_shapes() -> None:
    one = np.full((4, 6, 3), 0.5, dtype=np.float32)
    assert _decode(tensors.batch_to_pngs(one)[0]).shape == (4, 6, 3)
    gray = np.zeros((1, 4, 6, 1), dtype=np.float32)
    assert _decode(tensors.batch_to_pngs(gray)[0]).shape == (4, 6, 3)
    rgba = np.ones((1, 4, 6, 4), dtype=np.float32)
    assert _decode(tensors.batch_to_pngs(rgba)[0]).shape == (4, 6, 4)
    clipped = _decode(tensors.batch_to_pngs(np.full((2, 2, 3), 1.7, dtype=np.float32))[0])
    assert (clipped == 255).all()
    for bad in (np.zeros((4, 6)), np.zeros((1, 4, 6, 2)), np.zeros((0, 4, 6, 3))):
        with pytest.raises(ValueError, match="IMAGE"):
            tensors.batch_to_pngs(bad)


def test_images_of_different_sizes_are_not_a_batch() -> None:
    with pytest.raises(ValueError, match="different sizes"):
        tensors.images_to_batch([Image.new("RGB", (4, 4)), Image.new("RGB", (4, 5))])


@pytest.mark.parametrize("shape", [(3, 5), (2, 3, 5)])
def test_a_comfyui_mask_becomes_an_openai_mask(shape: tuple[int, ...]) -> None:
    mask = np.zeros(shape, dtype=np.float32)
    region = (..., slice(1, 2), slice(1, 4))
    mask[region] = 1.0
    mask[..., 0, 0] = 0.6  # soft edge above the threshold: editable
    mask[..., 2, 4] = 0.4  # below: kept
    rgba = _decode(tensors.mask_to_png(mask))
    assert rgba.shape == (3, 5, 4)
    alpha = rgba[..., 3]
    editable = np.zeros((3, 5), dtype=bool)
    editable[1, 1:4] = True
    editable[0, 0] = True
    assert ((alpha == 0) == editable).all() and set(np.unique(alpha)) == {0, 255}
    back = tensors.png_to_mask(tensors.mask_to_png(mask))
    assert back.shape == (1, 3, 5) and (back[0] == editable).all()
    with pytest.raises(ValueError, match="MASK"):
        tensors.mask_to_png(np.zeros((1, 1, 3, 5)))


class _FakeTensor:
    """Quacks like a torch tensor (ComfyUI hands these to the nodes)."""

    def __init__(self, array: np.ndarray) -> None:
        self.array = array

    def detach(self) -> _FakeTensor:
        return self

    def cpu(self) -> _FakeTensor:
        return self

    def float(self) -> _FakeTensor:
        return _FakeTensor(self.array.astype(np.float32))

    def numpy(self) -> np.ndarray:
        return self.array


_FakeTensor.__module__ = "torch"


def test_torch_is_used_when_importable(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[Any] = []
    fake = types.ModuleType("torch")

    def from_numpy(array: np.ndarray) -> _FakeTensor:
        made.append(array)
        return _FakeTensor(array)

    fake.from_numpy = from_numpy  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "torch", fake)
    batch = tensors.images_to_batch([Image.new("RGB", (3, 2), (255, 0, 51))])
    assert isinstance(batch, _FakeTensor) and tensors.is_torch(batch)
    assert made[0].shape == (1, 2, 3, 3) and made[0].dtype == np.float32
    # and tensors come back in: image and mask
    assert (_decode(tensors.batch_to_pngs(batch)[0]) == [255, 0, 51]).all()
    mask = _FakeTensor(np.ones((1, 2, 3), dtype=np.float64))
    assert (_decode(tensors.mask_to_png(mask))[..., 3] == 0).all()



def test_progress_reaches_comfyuis_progress_bar_when_there_is_one(monkeypatch: pytest.MonkeyPatch) -> None:
    from imagegen.integrations.comfyui import nodes

    assert nodes._comfy_progress() is None  # no ComfyUI here
    updates: list[tuple[int, int]] = []

    class Bar:
        def __init__(self, total: int) -> None:
            self.total = total

        def update_absolute(self, value: int, total: int) -> None:
            if value > 50:
                raise RuntimeError("the UI went away")
            updates.append((value, total))

    comfy = types.ModuleType("comfy")
    utils = types.ModuleType("comfy.utils")
    utils.ProgressBar = Bar  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "comfy", comfy)
    monkeypatch.setitem(sys.modules, "comfy.utils", utils)
    update = nodes._comfy_progress()
    assert update is not None
    for fraction in (0.25, 1.5, 0.5, 0.75, 0.3):
        update(fraction, "working")
    # clipped to 0..100; after the first failure the bar is left alone
    assert updates == [(25, 100)]
