"""Where a ``diffusers/<name>`` model lives on this machine (SPEC §10). Nothing is ever downloaded.

1. ``$IMAGEGEN_HOME/models/<name>``: a folder or a symlink to one; nested names (``org/name``) allowed.
2. else, for an ``org/name`` id, a snapshot already in the local Hugging Face cache (``HF_HOME``), looked
   up with ``local_files_only``.
Neither: 503 ``engine_unavailable`` saying where to put the folder.
"""

from __future__ import annotations

import re
from pathlib import Path

from imagegen.contract.errors import EngineUnavailable, ModelNotFound

PREFIX = "diffusers/"
_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def model_name(model: str) -> str:
    """``diffusers/org/name`` -> ``org/name``; 404 for names that could escape the models folder."""
    name = model.removeprefix(PREFIX).strip("/")
    parts = name.split("/")
    if not name or any(not _PART.match(p) or p in (".", "..") for p in parts):
        raise ModelNotFound(f"The model '{model}' does not exist or you do not have access to it: a "
                            "diffusers model name is a folder name such as 'diffusers/org/name'.",
                            param="model")
    return name


def models_dir(home: Path) -> Path:
    return home / "models"


def locate(home: Path, name: str) -> Path:
    """The folder holding the pipeline ``name`` (see the module docstring)."""
    folder = models_dir(home) / name
    if folder.exists():
        return folder.resolve()
    cached = _from_hf_cache(name) if "/" in name else None
    if cached is not None:
        return cached
    raise EngineUnavailable(
        f"The diffusion model '{name}' is not installed on this server. Put its diffusers folder (the one "
        f"holding model_index.json, or a symlink to it) at {folder}, or place the repository '{name}' in "
        "the local Hugging Face cache (HF_HOME) beforehand: imagegen never downloads weights at request "
        "time.")


def _from_hf_cache(repo_id: str) -> Path | None:
    try:
        from huggingface_hub import snapshot_download
    except ImportError:  # the diffusion extra is absent: the engine reports that itself
        return None
    try:
        return Path(snapshot_download(repo_id=repo_id, local_files_only=True))
    except Exception:  # not in the cache (LocalEntryNotFoundError) or an unusable cache entry
        return None
