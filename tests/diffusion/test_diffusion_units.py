"""The diffusion engine's torch-free parts: family detection, sizes, the quality table, locating folders,
and the 503 a server without the extra answers. These run with or without torch."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from PIL import Image

from imagegen.contract.errors import EngineUnavailable, ModelNotFound
from imagegen.engines.diffusion.families import GENERIC_STEP_FACTORS, QUALITY, detect, steps_for
from imagegen.engines.diffusion.locate import locate, model_name
from imagegen.engines.diffusion.runtime import require_torch
from imagegen.engines.diffusion.sizes import fit, render_size


def write_folder(folder: Path, pipeline: str, **configs: dict[str, object]) -> Path:
    folder.mkdir(parents=True)
    (folder / "model_index.json").write_text(json.dumps({"_class_name": pipeline}))
    for component, config in configs.items():
        (folder / component).mkdir()
        (folder / component / "config.json").write_text(json.dumps(config))
    return folder


VAE8 = {"block_out_channels": [128, 256, 512, 512]}


@pytest.mark.parametrize(("pipeline", "configs", "family", "multiple", "max_edge"), [
    ("StableDiffusionPipeline", {"unet": {"sample_size": 64, "cross_attention_dim": 768}}, "sd1", 8, 768),
    ("StableDiffusionPipeline", {"unet": {"sample_size": 96, "cross_attention_dim": 1024}}, "sd2", 8, 1024),
    ("StableDiffusionXLPipeline", {"unet": {"sample_size": 128}}, "sdxl", 8, 1536),
    ("StableDiffusion3Pipeline", {"transformer": {"sample_size": 128}}, "sd3", 16, 1536),
    ("FluxPipeline", {"transformer": {"guidance_embeds": True}}, "flux", 16, 2048),
    ("FluxPipeline", {"transformer": {"guidance_embeds": False}}, "flux-schnell", 16, 2048),
    ("PixArtSigmaPipeline", {"transformer": {"sample_size": 128}}, "generic", 8, 1024),
])
def test_family_and_geometry_come_from_the_folder(tmp_path: Path, pipeline: str,
                                                  configs: dict[str, dict[str, object]],
                                                  family: str, multiple: int, max_edge: int) -> None:
    info = detect(write_folder(tmp_path / "m", pipeline, vae=VAE8, **configs))
    assert (info.family, info.multiple, info.max_edge, info.inpainting) == (family, multiple, max_edge, False)


def test_small_native_scales_the_family_maximum_and_inpainting_is_seen(tmp_path: Path) -> None:
    tiny = detect(write_folder(tmp_path / "t", "StableDiffusionPipeline",
                               vae={"block_out_channels": [8, 8, 16, 16]}, unet={"sample_size": 16}))
    assert (tiny.native, tiny.max_edge) == (128, 192)  # SD 1.x: max 768 at native 512
    inpaint = detect(write_folder(tmp_path / "i", "StableDiffusionInpaintPipeline", vae=VAE8,
                                  unet={"sample_size": 64, "in_channels": 9}))
    assert inpaint.family == "sd1" and inpaint.inpainting


def test_a_folder_without_model_index_is_503(tmp_path: Path) -> None:
    (tmp_path / "weights").mkdir()
    with pytest.raises(EngineUnavailable, match=r"model_index\.json"):
        detect(tmp_path / "weights")


def test_quality_table_and_generic_defaults() -> None:
    assert steps_for("sdxl", "high", (50, 7.5)) == QUALITY["sdxl"]["high"]
    for quality, factor in GENERIC_STEP_FACTORS.items():
        assert steps_for("generic", quality, (40, 4.5)) == (round(40 * factor), 4.5)
    assert steps_for("generic", "low", (1, None)) == (1, None)  # never zero steps


@pytest.mark.parametrize(("size", "multiple", "max_edge", "render"), [
    ((1024, 1024), 8, 1536, (1024, 1024)),      # native sizes render as they are
    ((1536, 1024), 16, 2048, (1536, 1024)),
    ((3840, 2160), 16, 2048, (2048, 1152)),     # the long edge is capped, aspect kept
    ((1024, 1536), 8, 768, (512, 768)),
    ((2160, 3840), 8, 192, (112, 192)),
    ((1072, 1008), 64, 4096, (1088, 1024)),     # nearest multiples
])
def test_render_size(size: tuple[int, int], multiple: int, max_edge: int, render: tuple[int, int]) -> None:
    got = render_size(*size, multiple=multiple, max_edge=max_edge)
    assert got == render and got[0] % multiple == 0 and got[1] % multiple == 0 and max(got) <= max_edge


@pytest.mark.parametrize(("render", "out"), [((112, 192), (2160, 3840)), ((1088, 1024), (1072, 1008)),
                                              ((512, 512), (512, 512)), ((192, 192), (1536, 1024))])
def test_fit_gives_exactly_the_contract_size(render: tuple[int, int], out: tuple[int, int]) -> None:
    image = Image.linear_gradient("L").resize(render).convert("RGB")
    fitted = fit(image, *out)
    assert fitted.size == out
    if render == out:
        assert fitted is image


def test_names_locate_folders_symlinks_and_nested_names(tmp_path: Path) -> None:
    real = write_folder(tmp_path / "elsewhere" / "sd", "StableDiffusionPipeline", vae=VAE8)
    models = tmp_path / "home" / "models"
    (models / "org").mkdir(parents=True)
    (models / "org" / "sd").symlink_to(real, target_is_directory=True)
    assert locate(tmp_path / "home", model_name("diffusers/org/sd")) == real.resolve()
    for bad in ("diffusers/../secrets", "diffusers/", "diffusers/a//b", "diffusers/.hidden",
                "diffusers/a/../b"):
        with pytest.raises(ModelNotFound):
            model_name(bad)


def test_a_missing_model_says_where_to_put_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf"))
    with pytest.raises(EngineUnavailable) as err:
        locate(tmp_path / "home", "org/absent")
    assert err.value.status == 503 and err.value.code == "engine_unavailable"
    assert str(tmp_path / "home" / "models" / "org" / "absent") in err.value.message
    assert "Hugging Face cache" in err.value.message


def test_the_local_hugging_face_cache_serves_repo_ids(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("huggingface_hub", reason="huggingface_hub comes with the diffusion extra")
    cache = tmp_path / "hf"
    repo = cache / "models--org--cached"
    commit = "0123456789abcdef0123456789abcdef01234567"
    snapshot = write_folder(repo / "snapshots" / commit, "StableDiffusionPipeline", vae=VAE8)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_CACHE", str(cache))
    assert locate(tmp_path / "home", "org/cached") == snapshot


def test_without_torch_the_engine_is_503_naming_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch -> ImportError, as on a default install
    with pytest.raises(EngineUnavailable) as err:
        require_torch()
    assert err.value.status == 503 and "scripts/setup --diffusion" in err.value.message


def test_the_package_imports_without_torch() -> None:
    import subprocess

    code = ("import sys; sys.modules['torch'] = None; sys.modules['diffusers'] = None; "
            "import imagegen.engines.routing, imagegen.engines.diffusion; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "ok", out.stderr


def test_a_missing_folder_without_the_extra_says_both(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from imagegen.config import Settings
    from imagegen.engines.diffusion import DiffusionEngine

    monkeypatch.setitem(sys.modules, "torch", None)
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf"))
    settings = Settings(home=tmp_path / "home", database_url="sqlite://")
    with pytest.raises(EngineUnavailable) as err:
        DiffusionEngine(settings=settings, model="diffusers/absent")
    assert str(tmp_path / "home" / "models" / "absent") in err.value.message
    assert "scripts/setup --diffusion" in err.value.message
