"""Pipelines built once and kept: a bounded LRU cache of loaded folders, with their edit forms.

A loaded folder keeps its text-to-image pipeline and, on first use, the image-to-image and inpainting
forms made from the same components (``AutoPipelineFor*.from_pipe``: no second copy of the weights).
The cache holds at most ``capacity`` folders (``IMAGEGEN_DIFFUSION_CACHE``, default 2); the least
recently used one is dropped (and its GPU memory released) when another is loaded. Runs on one pipeline
are serialized by its lock: schedulers keep per-run state.
"""

from __future__ import annotations

import gc
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from imagegen.contract.errors import EngineUnavailable, InvalidValue
from imagegen.engines.diffusion.families import ModelInfo
from imagegen.engines.diffusion.runtime import Placement, require_torch

Form = Literal["text2img", "img2img", "inpaint"]

DEFAULT_CAPACITY = 2


@dataclass
class Loaded:
    """One folder's pipeline on one device, and its edit forms."""

    info: ModelInfo
    placement: Placement
    base: Any
    forms: dict[str, Any] = field(default_factory=dict)
    #: held for the whole of one run (generation or edit) on this pipeline
    lock: threading.Lock = field(default_factory=threading.Lock)

    def form(self, kind: Form, model: str) -> Any:
        """The pipeline for ``kind``, built from the same components on first use."""
        if kind in self.forms:
            return self.forms[kind]
        from diffusers import AutoPipelineForImage2Image, AutoPipelineForInpainting, AutoPipelineForText2Image

        if kind == "text2img" and self.info.inpainting:
            raise InvalidValue(f"The diffusion model '{model}' is an inpainting model: it makes mask edits "
                               "(POST /v1/images/edits with a mask), not new images.", param="model")
        auto = {"text2img": AutoPipelineForText2Image, "img2img": AutoPipelineForImage2Image,
                "inpaint": AutoPipelineForInpainting}[kind]
        try:
            pipe = auto.from_pipe(self.base)
        except (ValueError, KeyError, TypeError) as exc:
            if kind == "text2img":  # a pipeline diffusers maps nowhere: use it as it was saved
                pipe = self.base
            else:
                what = "image-to-image" if kind == "img2img" else "inpainting"
                raise InvalidValue(
                    f"The diffusion model '{model}' ({self.info.pipeline_class}) cannot edit images: "
                    f"diffusers has no {what} form of it.", param="model") from exc
        pipe.set_progress_bar_config(disable=True)
        self.forms[kind] = pipe
        return pipe


class PipelineCache:
    """LRU cache of ``Loaded`` pipelines keyed by folder and placement (see the module docstring)."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self.capacity = max(1, capacity)
        self._items: OrderedDict[tuple[str, str, str], Loaded] = OrderedDict()
        self._lock = threading.Lock()
        #: how many pipelines were loaded from disk (tests and diagnostics)
        self.loads = 0

    def resize(self, capacity: int) -> None:
        with self._lock:
            self.capacity = max(1, capacity)
            self._evict()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, info: ModelInfo, placement: Placement) -> Loaded:
        key = (str(info.folder), placement.device, placement.dtype)
        with self._lock:
            loaded = self._items.get(key)
            if loaded is not None:
                self._items.move_to_end(key)
                return loaded
            # loading holds the cache lock: two requests for a new folder load it once
            loaded = Loaded(info=info, placement=placement, base=_load(info, placement))
            self.loads += 1
            self._items[key] = loaded
            self._evict()
            return loaded

    def _evict(self) -> None:
        dropped = False
        while len(self._items) > self.capacity:
            _key, old = self._items.popitem(last=False)
            with old.lock:  # let a run in progress on it finish
                old.forms.clear()
                old.base = None
            dropped = True
        if dropped:
            gc.collect()
            torch = require_torch()
            if torch.cuda.is_available():
                torch.cuda.empty_cache()


def _load(info: ModelInfo, placement: Placement) -> Any:
    torch = require_torch()
    from diffusers import DiffusionPipeline
    from diffusers.utils import logging as diffusers_logging

    diffusers_logging.disable_progress_bar()  # a server's log is no terminal
    try:
        pipe = DiffusionPipeline.from_pretrained(
            str(info.folder), dtype=placement.torch_dtype(torch), local_files_only=True,
            **{name: None for name in _absent_components(info.folder)})
    except (OSError, ValueError) as exc:
        raise EngineUnavailable(
            f"The diffusion model in {info.folder} could not be loaded ({type(exc).__name__}: {exc}). It "
            "must be a complete diffusers folder (model_index.json and every component it names).") from exc
    pipe.to(placement.device)
    pipe.set_progress_bar_config(disable=True)
    return pipe


def _absent_components(folder: Path) -> list[str]:
    """Components the folder saved as absent (``[null, null]`` in model_index.json: SD3 without T5, SD
    without a safety checker). diffusers loads such a folder only when told so again."""
    try:
        index = json.loads((folder / "model_index.json").read_text())
    except (OSError, ValueError):
        return []
    return [name for name, value in index.items() if not name.startswith("_")
            and isinstance(value, list) and value and all(v is None for v in value)]


#: the process-wide cache every diffusion engine shares (memory is per process, not per model id)
SHARED = PipelineCache()
