"""A tiny Stable Diffusion 1.x folder built from configs (random weights), saved like a user's model.

Every component is the real diffusers/transformers class at a toy size: a 4-block VAE (8x downscale, as
every SD family uses), a two-level UNet, a 2-layer CLIP text encoder and a CLIP BPE tokenizer written as
``vocab.json`` + ``merges.txt`` and loaded with ``from_pretrained`` (constructing ``CLIPTokenizer`` from
file arguments silently ignores them in transformers 5). ``save_pretrained`` writes the folder with its
``model_index.json``; the engine then loads it exactly as it loads a downloaded model.
"""

from __future__ import annotations

import json
from pathlib import Path

TORCH_MISSING = "torch/diffusers are not installed (the diffusion extra: scripts/setup --test installs it)"


def need_torch() -> None:
    """Skip the calling test module where the diffusion extra cannot be imported, saying why."""
    import pytest

    pytest.importorskip("torch", reason=TORCH_MISSING)
    pytest.importorskip("diffusers", reason=TORCH_MISSING)


#: the UNet's sample size: 16 latents x 8 (VAE) = 128 px native, so renders stay small on a CPU
SAMPLE_SIZE = 16


def _bytes_to_unicode() -> dict[int, str]:
    """GPT-2/CLIP's byte -> printable character table (every byte has a one-character token)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) \
        + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs], strict=True))


def write_tokenizer(folder: Path) -> None:
    """A byte-level CLIP BPE vocabulary: every byte alone and word-final, a few merges, the two specials."""
    folder.mkdir(parents=True, exist_ok=True)
    chars = list(_bytes_to_unicode().values())
    tokens = chars + [c + "</w>" for c in chars]
    merges = ["t h", "th e</w>", "a n", "an d</w>", "r e", "e d</w>", "i n", "in g</w>"]
    for merge in merges:
        tokens.append(merge.replace(" ", ""))
    tokens += ["<|startoftext|>", "<|endoftext|>"]
    vocab = {tok: i for i, tok in enumerate(dict.fromkeys(tokens))}
    (folder / "vocab.json").write_text(json.dumps(vocab))
    (folder / "merges.txt").write_text("#version: 0.2\n" + "\n".join(merges) + "\n")
    (folder / "tokenizer_config.json").write_text(json.dumps({
        "model_max_length": 77, "bos_token": "<|startoftext|>", "eos_token": "<|endoftext|>",
        "unk_token": "<|endoftext|>", "pad_token": "<|endoftext|>", "do_lower_case": True,
        "tokenizer_class": "CLIPTokenizer"}))


def build_tiny_sd(folder: Path) -> Path:
    """Write the tiny pipeline to ``folder`` (save_pretrained) and return it."""
    import torch
    from diffusers import AutoencoderKL, DDIMScheduler, StableDiffusionPipeline, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

    torch.manual_seed(0)
    tok_dir = folder.parent / (folder.name + "-tokenizer-src")
    write_tokenizer(tok_dir)
    tokenizer = CLIPTokenizer.from_pretrained(tok_dir)
    assert len(tokenizer) > 500, "the tokenizer files were not read"
    text_encoder = CLIPTextModel(CLIPTextConfig(
        vocab_size=len(tokenizer), hidden_size=32, intermediate_size=37, num_attention_heads=4,
        num_hidden_layers=2, max_position_embeddings=77, bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id))
    unet = UNet2DConditionModel(
        sample_size=SAMPLE_SIZE, in_channels=4, out_channels=4, layers_per_block=1,
        block_out_channels=(16, 32), norm_num_groups=8, cross_attention_dim=32, attention_head_dim=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"))
    vae = AutoencoderKL(
        in_channels=3, out_channels=3, latent_channels=4, block_out_channels=(8, 8, 16, 16),
        layers_per_block=1, norm_num_groups=4, sample_size=SAMPLE_SIZE * 8,
        down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4)
    scheduler = DDIMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
                              clip_sample=False, set_alpha_to_one=False, steps_offset=1)
    pipe = StableDiffusionPipeline(vae=vae, text_encoder=text_encoder, tokenizer=tokenizer, unet=unet,
                                   scheduler=scheduler, safety_checker=None, feature_extractor=None,
                                   requires_safety_checker=False)
    pipe.save_pretrained(folder)
    return folder


def build_tiny_sd3(folder: Path) -> Path:
    """A tiny Stable Diffusion 3 folder: an MMDiT transformer with 2x2 patches (renders multiples of 16),
    a 16-channel VAE with a shift factor, two CLIP encoders with projection and no T5 (SD3 runs without
    it). The transformer family's paths (patch multiples, latent shift) on a CPU in seconds."""
    import torch
    from diffusers import (
        AutoencoderKL,
        FlowMatchEulerDiscreteScheduler,
        SD3Transformer2DModel,
        StableDiffusion3Pipeline,
    )
    from transformers import CLIPTextConfig, CLIPTextModelWithProjection, CLIPTokenizer

    torch.manual_seed(0)
    tok_dir = folder.parent / (folder.name + "-tokenizer-src")
    write_tokenizer(tok_dir)
    tokenizer = CLIPTokenizer.from_pretrained(tok_dir)

    def clip() -> CLIPTextModelWithProjection:
        return CLIPTextModelWithProjection(CLIPTextConfig(
            vocab_size=len(tokenizer), hidden_size=32, intermediate_size=37, num_attention_heads=4,
            num_hidden_layers=2, max_position_embeddings=77, projection_dim=32,
            bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
            pad_token_id=tokenizer.pad_token_id))

    transformer = SD3Transformer2DModel(
        sample_size=SAMPLE_SIZE, patch_size=2, in_channels=16, out_channels=16, num_layers=2,
        attention_head_dim=8, num_attention_heads=4, joint_attention_dim=64, caption_projection_dim=32,
        pooled_projection_dim=64, pos_embed_max_size=32)
    vae = AutoencoderKL(
        in_channels=3, out_channels=3, latent_channels=16, block_out_channels=(8, 8, 16, 16),
        layers_per_block=1, norm_num_groups=4, sample_size=SAMPLE_SIZE * 8, scaling_factor=1.5305,
        shift_factor=0.0609, use_quant_conv=False, use_post_quant_conv=False,
        down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4)
    pipe = StableDiffusion3Pipeline(
        transformer=transformer, scheduler=FlowMatchEulerDiscreteScheduler(), vae=vae, text_encoder=clip(),
        tokenizer=tokenizer, text_encoder_2=clip(), tokenizer_2=tokenizer, text_encoder_3=None,
        tokenizer_3=None)
    pipe.save_pretrained(folder)
    return folder


def write_t5_tokenizer(folder: Path) -> None:
    """A tiny T5-style (Unigram, Metaspace) tokenizer as ``tokenizer.json``: letters and the specials."""
    from tokenizers import Tokenizer, models, pre_tokenizers

    letters = "abcdefghijklmnopqrstuvwxyz▁"
    vocab = [("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0)] + [(c, -1.0) for c in letters]
    tokenizer = Tokenizer(models.Unigram(vocab, unk_id=2))
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace()
    folder.mkdir(parents=True, exist_ok=True)
    tokenizer.save(str(folder / "tokenizer.json"))
    (folder / "tokenizer_config.json").write_text(json.dumps({
        "tokenizer_class": "T5Tokenizer", "pad_token": "<pad>", "eos_token": "</s>", "unk_token": "<unk>",
        "model_max_length": 512, "extra_ids": 0}))


def build_tiny_flux(folder: Path) -> Path:
    """A tiny FLUX.1-dev-style folder: a FLUX transformer with guidance embeddings over packed 2x2
    latents, a 16-channel shifted VAE, CLIP + a tiny T5. Its native size is the family's (1024): ask for
    small sizes."""
    import torch
    from diffusers import AutoencoderKL, FlowMatchEulerDiscreteScheduler, FluxPipeline, FluxTransformer2DModel
    from transformers import (
        CLIPTextConfig,
        CLIPTextModel,
        CLIPTokenizer,
        T5Config,
        T5EncoderModel,
        T5TokenizerFast,
    )

    torch.manual_seed(0)
    write_tokenizer(folder.parent / (folder.name + "-clip-src"))
    write_t5_tokenizer(folder.parent / (folder.name + "-t5-src"))
    clip_tok = CLIPTokenizer.from_pretrained(folder.parent / (folder.name + "-clip-src"))
    t5_tok = T5TokenizerFast.from_pretrained(folder.parent / (folder.name + "-t5-src"))
    clip = CLIPTextModel(CLIPTextConfig(
        vocab_size=len(clip_tok), hidden_size=32, intermediate_size=37, num_attention_heads=4,
        num_hidden_layers=2, max_position_embeddings=77, bos_token_id=clip_tok.bos_token_id,
        eos_token_id=clip_tok.eos_token_id, pad_token_id=clip_tok.pad_token_id))
    t5 = T5EncoderModel(T5Config(vocab_size=len(t5_tok), d_model=32, d_kv=8, d_ff=37, num_layers=2,
                                 num_heads=4, pad_token_id=0, eos_token_id=1))
    transformer = FluxTransformer2DModel(
        patch_size=1, in_channels=64, num_layers=1, num_single_layers=1, attention_head_dim=16,
        num_attention_heads=2, joint_attention_dim=32, pooled_projection_dim=32, guidance_embeds=True,
        axes_dims_rope=(4, 6, 6))
    vae = AutoencoderKL(
        in_channels=3, out_channels=3, latent_channels=16, block_out_channels=(8, 8, 16, 16),
        layers_per_block=1, norm_num_groups=4, sample_size=128, scaling_factor=0.3611, shift_factor=0.1159,
        use_quant_conv=False, use_post_quant_conv=False,
        down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4)
    FluxPipeline(scheduler=FlowMatchEulerDiscreteScheduler(), vae=vae, text_encoder=clip, tokenizer=clip_tok,
                 text_encoder_2=t5, tokenizer_2=t5_tok, transformer=transformer).save_pretrained(folder)
    return folder


def build_tiny_inpaint(base: Path, folder: Path) -> Path:
    """An inpainting-only folder: the tiny pipeline with a 9-channel UNet (latents + mask + masked image),
    saved as ``StableDiffusionInpaintPipeline``, as inpainting checkpoints are."""
    import shutil

    import torch
    from diffusers import UNet2DConditionModel

    shutil.copytree(base, folder)
    config = dict(UNet2DConditionModel.load_config(base / "unet"))
    config["in_channels"] = 9
    torch.manual_seed(1)
    shutil.rmtree(folder / "unet")
    UNet2DConditionModel.from_config(config).save_pretrained(folder / "unet")
    index = json.loads((folder / "model_index.json").read_text())
    index["_class_name"] = "StableDiffusionInpaintPipeline"
    (folder / "model_index.json").write_text(json.dumps(index))
    return folder


if __name__ == "__main__":  # build one by hand: python tests/diffusion/tiny_sd.py OUT_DIR
    import sys

    print(build_tiny_sd(Path(sys.argv[1])))
