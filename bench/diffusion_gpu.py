"""Diffusion speed on the machine at hand: steps/s and s/image per family and size, through the engine.

For the day a GPU is at hand (it runs on a CPU too, slowly). Models come from ``$IMAGEGEN_HOME/models``
(``--model NAME``, repeatable: every folder you have) or are built with random weights at the real
architectures' sizes (``--synthetic sd15|sdxl|tiny``): speed does not depend on the weights' values, so a
synthetic SDXL times like SDXL without downloading anything. One command, prints one line per run:

    .venv/bin/python bench/diffusion_gpu.py --synthetic sd15 --synthetic sdxl --sizes 1024x1024,1536x1024
    .venv/bin/python bench/diffusion_gpu.py --model flux-dev --model sd3-medium --quality medium

Each run is the engine's ``generate`` (pipeline cached, one warm-up first): s/image includes the VAE decode
and the resize to the contract size, not imagegen's save point (watermark, C2PA, catalog).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "diffusion"))  # the tiny pipeline and its tokenizer writer

from imagegen.config import Settings  # noqa: E402
from imagegen.contract.specs import GenerateSpec  # noqa: E402
from imagegen.engines.base import CallbackProgress  # noqa: E402
from imagegen.engines.diffusion import DiffusionEngine  # noqa: E402

#: the published architectures (diffusers configs of SD 1.5 and SDXL base 1.0), for random-weight builds
_SD15_UNET: dict[str, Any] = dict(
    sample_size=64,
    in_channels=4,
    out_channels=4,
    layers_per_block=2,
    cross_attention_dim=768,
    block_out_channels=(320, 640, 1280, 1280),
    attention_head_dim=8,
    down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
    up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
)
_SDXL_UNET: dict[str, Any] = dict(
    sample_size=128,
    in_channels=4,
    out_channels=4,
    layers_per_block=2,
    cross_attention_dim=2048,
    block_out_channels=(320, 640, 1280),
    transformer_layers_per_block=(1, 2, 10),
    attention_head_dim=(5, 10, 20),
    down_block_types=("DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"),
    up_block_types=("CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"),
    use_linear_projection=True,
    addition_embed_type="text_time",
    addition_time_embed_dim=256,
    projection_class_embeddings_input_dim=2816,
)
_VAE: dict[str, Any] = dict(
    in_channels=3,
    out_channels=3,
    latent_channels=4,
    block_out_channels=(128, 256, 512, 512),
    layers_per_block=2,
    down_block_types=("DownEncoderBlock2D",) * 4,
    up_block_types=("UpDecoderBlock2D",) * 4,
)


def build_synthetic(kind: str, folder: Path) -> Path:
    """Write a random-weight pipeline of ``kind`` to ``folder`` (save_pretrained) and return it."""
    if kind == "tiny":
        from tiny_sd import build_tiny_sd

        return build_tiny_sd(folder)
    import torch
    from diffusers import (
        AutoencoderKL,
        EulerDiscreteScheduler,
        StableDiffusionPipeline,
        StableDiffusionXLPipeline,
        UNet2DConditionModel,
    )
    from tiny_sd import write_tokenizer
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection, CLIPTokenizer

    torch.manual_seed(0)
    tok_dir = folder.parent / f"{folder.name}-tokenizer"
    write_tokenizer(tok_dir)
    tokenizer = CLIPTokenizer.from_pretrained(tok_dir)

    def clip(hidden: int, layers: int, heads: int, projection: bool) -> Any:
        config = CLIPTextConfig(
            vocab_size=len(tokenizer),
            hidden_size=hidden,
            intermediate_size=hidden * 4,
            num_attention_heads=heads,
            num_hidden_layers=layers,
            max_position_embeddings=77,
            projection_dim=hidden,
            bos_token_id=tokenizer.bos_token_id,
            eos_token_id=tokenizer.eos_token_id,
            pad_token_id=tokenizer.pad_token_id,
        )
        return CLIPTextModelWithProjection(config) if projection else CLIPTextModel(config)

    scheduler = EulerDiscreteScheduler(
        beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", steps_offset=1
    )
    if kind == "sd15":
        pipe: Any = StableDiffusionPipeline(
            vae=AutoencoderKL(**_VAE, sample_size=512),
            text_encoder=clip(768, 12, 12, False),
            tokenizer=tokenizer,
            unet=UNet2DConditionModel(**_SD15_UNET),
            scheduler=scheduler,
            safety_checker=None,
            feature_extractor=None,
            requires_safety_checker=False,
        )
    elif kind == "sdxl":
        pipe = StableDiffusionXLPipeline(
            vae=AutoencoderKL(**_VAE, sample_size=1024, scaling_factor=0.13025, force_upcast=True),
            text_encoder=clip(768, 12, 12, False),
            text_encoder_2=clip(1280, 32, 20, True),
            tokenizer=tokenizer,
            tokenizer_2=tokenizer,
            unet=UNet2DConditionModel(**_SDXL_UNET),
            scheduler=scheduler,
        )
    else:
        raise SystemExit(
            f"unknown --synthetic {kind!r}: tiny, sd15 or sdxl (for SD3/FLUX use --model FOLDER)"
        )
    pipe.save_pretrained(folder)
    return folder


def run(
    engine: DiffusionEngine, model: str, size: tuple[int, int], quality: str, n: int, repeats: int
) -> dict[str, Any]:
    import torch

    steps_seen: list[float] = []
    progress = CallbackProgress(
        on_progress=lambda f, m: steps_seen.append(time.perf_counter()) if m.startswith("denoising") else None
    )
    spec = GenerateSpec(
        prompt="a lighthouse on a cliff at dusk, oil painting",
        model=model,
        n=n,
        width=size[0],
        height=size[1],
        quality=quality,  # type: ignore[arg-type]
        seed=1,
    )
    engine.generate(spec, progress)  # warm-up: load, kernels, allocator
    if torch.cuda.is_available():
        torch.cuda.reset_peak_memory_stats()
    times = []
    for _ in range(repeats):
        steps_seen.clear()
        t = time.perf_counter()
        result = engine.generate(spec, progress)
        times.append(time.perf_counter() - t)
    facts = result.images[0].extra
    elapsed = min(times)
    denoise = (steps_seen[-1] - steps_seen[0]) / max(1, len(steps_seen) - 1) if len(steps_seen) > 1 else None
    return {
        "model": model,
        "family": facts["family"],
        "device": facts["device"],
        "dtype": facts["dtype"],
        "size": f"{size[0]}x{size[1]}",
        "render": facts["render_size"],
        "steps": facts["steps"],
        "n": n,
        "s_per_image": round(elapsed / n, 3),
        "steps_per_s": round(1 / denoise, 2) if denoise else None,
        "peak_gpu_gib": round(torch.cuda.max_memory_allocated() / 2**30, 2)
        if torch.cuda.is_available()
        else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--model", action="append", default=[], help="a folder name under $IMAGEGEN_HOME/models"
    )
    parser.add_argument(
        "--synthetic", action="append", default=[], help="tiny, sd15 or sdxl (random weights)"
    )
    parser.add_argument("--sizes", default="1024x1024,1536x1024")
    parser.add_argument("--quality", default="medium", choices=["low", "medium", "high"])
    parser.add_argument("--n", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="one JSON object per line instead of a table")
    args = parser.parse_args()
    if not args.model and not args.synthetic:
        args.synthetic = ["tiny"]
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    scratch = Path(tempfile.mkdtemp(prefix="imagegen-bench-"))
    home = Path(os.environ.get("IMAGEGEN_HOME") or scratch / "home")
    settings = Settings(home=home, database_url="sqlite://", extra={})
    names = list(args.model)
    for kind in args.synthetic:
        folder = scratch / "home" / "models" / f"synthetic-{kind}"
        t = time.perf_counter()
        build_synthetic(kind, folder)
        print(f"# built synthetic {kind} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
        names.append(f"synthetic-{kind}")
    sizes = [tuple(int(v) for v in s.lower().split("x")) for s in args.sizes.split(",")]
    import torch

    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no CUDA"
    print(
        f"# {time.strftime('%Y-%m-%d')} {platform.node()} {platform.machine()} {os.cpu_count()} CPUs, {gpu}, "
        f"torch {torch.__version__}, quality {args.quality}"
    )
    for name in names:
        s = (
            settings
            if (home / "models" / name).exists()
            else Settings(home=scratch / "home", database_url="sqlite://", extra={})
        )
        engine = DiffusionEngine(settings=s, model=f"diffusers/{name}")
        for size in sizes:
            row = run(engine, f"diffusers/{name}", size, args.quality, args.n, args.repeats)  # type: ignore[arg-type]
            if args.json:
                print(json.dumps(row))
            else:
                print(
                    f"{name:18s} {row['family']:12s} {row['device']:5s} {row['dtype']:9s} {row['size']:>9s} "
                    f"(render {row['render']:>9s}) {row['steps']:3d} steps  "
                    f"{row['steps_per_s'] or 0:7.2f} steps/s "
                    f"{row['s_per_image']:8.3f} s/image  peak GPU {row['peak_gpu_gib']} GiB"
                )


if __name__ == "__main__":
    main()
