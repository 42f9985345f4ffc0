"""The two recognizers, loaded once per process and guarded by locks: RapidOCR's PP-OCRv4 (models ship in the
wheel; ~0.3 s to load) and Tesseract through its C API (``tesserocr``, built by ``scripts/setup`` against
Debian's libtesseract 5.3 and its ``tesseract-ocr-*`` traineddata: the wheel's bundled 5.5 reads some bold
Arabic lines as nothing in single-line mode).

Tesseract used to run as one ``tesseract`` subprocess per line (pytesseract): every call started a process and
loaded the language model again, ~0.2 s idle and over 1 s per line on a loaded machine. A loaded
``PyTessBaseAPI`` reads a line in ~0.02-0.07 s. APIs are kept per language in a small pool (an API is not
thread-safe; the verifier reads lines on two threads and the server runs several jobs at once); RapidOCR
engines are pooled the same way, so a job's line batches run on both cores.
"""

from __future__ import annotations

import functools
import glob
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from PIL import Image


class _Recognizers:
    """Process-wide lazy singletons (loading RapidOCR takes ~0.3 s; do it once)."""

    def __init__(self) -> None:
        self._init_lock = threading.Lock()
        self._rapid_idle: list[Any] = []
        self._tess_idle: dict[str, list[Any]] = {}

    @contextmanager
    def _rapid_engine(self) -> Iterator[Any]:
        """An idle RapidOCR (made on first need, ~0.3 s; as many as ever ran at once), returned after."""
        with self._init_lock:
            engine = self._rapid_idle.pop() if self._rapid_idle else None
        if engine is None:
            from rapidocr_onnxruntime import RapidOCR  # heavy import: only when OCR runs

            # One onnxruntime thread per engine: the service runs several jobs at once and a 2-thread pool
            # spin-waits against them (measured under load: 5 line crops took 1.07 s with the default pool,
            # 0.35 s with one thread; half the CPU time). Parallelism comes from engines on threads instead.
            engine = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)
        try:
            yield engine
        finally:
            with self._init_lock:
                self._rapid_idle.append(engine)

    def rapid(self) -> Any:
        """A loaded RapidOCR (for callers that only read its settings)."""
        with self._rapid_engine() as engine:
            return engine

    def rapid_groups(self, crops: list[Image.Image], groups: int = 2) -> list[list[int]]:
        """Indices of ``crops`` in up to ``groups`` groups of whole recognition batches, balanced by width.

        RapidOCR sorts the crops by aspect ratio and pads each batch of ``rec_batch_num`` to its widest;
        cutting only between those batches gives every crop the batch (and padding) it gets in one call,
        so the readings do not depend on how the work is split."""
        if not crops:
            return []
        batch = int(getattr(self.rapid().text_rec, "rec_batch_num", 6))
        ratios = np.array([c.width / max(1, c.height) for c in crops])
        order = np.argsort(ratios)
        batches = [order[i : i + batch] for i in range(0, len(order), batch)]
        out: list[list[int]] = [[] for _ in range(min(groups, len(batches)))]
        load = [0.0] * len(out)
        for b in sorted(batches, key=lambda b: -len(b) * float(ratios[b].max())):
            k = load.index(min(load))
            out[k].extend(int(i) for i in b)
            load[k] += len(b) * float(ratios[b].max())
        return out

    def read_rapid(self, crops: list[Image.Image]) -> list[str]:
        """Recognition only (no detection): the crops already hold exactly one line each. Callers that want
        both cores pass the groups of ``rapid_groups`` on a thread each (onnxruntime runs without the GIL)."""
        if not crops:
            return []
        arrays = [np.ascontiguousarray(np.asarray(c.convert("RGB"))[..., ::-1]) for c in crops]  # BGR
        with self._rapid_engine() as engine:
            results, _ = engine.text_rec(arrays)
        return [str(r[0]) for r in results]

    @contextmanager
    def _tesseract(self, lang: str) -> Iterator[Any]:
        """An idle API for ``lang`` (made on first need: loading a model takes ~0.1-0.4 s), returned after."""
        with self._init_lock:
            idle = self._tess_idle.setdefault(lang, [])
            api = idle.pop() if idle else None
        if api is None:
            # Tesseract's OpenMP pool fights the other jobs on a busy server; one thread per line is faster
            # there (measured 0.24 s vs 0.35 s per line under load). Set before the library first loads.
            os.environ.setdefault("OMP_THREAD_LIMIT", "1")
            import tesserocr

            api = tesserocr.PyTessBaseAPI(path=tessdata_dir(), lang=lang, psm=tesserocr.PSM.SINGLE_LINE)
        try:
            yield api
        finally:
            with self._init_lock:
                self._tess_idle[lang].append(api)

    def read_tesseract(self, crop: Image.Image, lang: str) -> str:
        """One line (page segmentation mode 7: a single text line, as the crops are)."""
        with self._tesseract(lang) as api:
            api.SetImage(crop.convert("RGB"))
            return str(api.GetUTF8Text()).strip()

    def read_page_rapid(self, image: Image.Image) -> list[tuple[str, float, list[list[float]]]]:
        """Full-page detection + recognition (used by tools that must not trust the plan's boxes)."""
        array = np.ascontiguousarray(np.asarray(image.convert("RGB"))[..., ::-1])
        with self._rapid_engine() as engine:
            result, _ = engine(array)
        return [(str(r[1]), float(r[2]), r[0]) for r in (result or [])]


@functools.cache
def tessdata_dir() -> str:
    """Where Tesseract's traineddata live: ``TESSDATA_PREFIX``, else Debian's folder (tesseract-ocr-*)."""
    env = os.environ.get("TESSDATA_PREFIX")
    if env:
        return env.rstrip("/") + "/"
    found = sorted(glob.glob("/usr/share/tesseract-ocr/*/tessdata"))
    return (found[-1] if found else "/usr/share/tesseract-ocr/5/tessdata") + "/"


@functools.cache
def tesseract_languages() -> frozenset[str]:
    """The traineddata installed (``Latin`` comes from Debian's tesseract-ocr-script-latn); empty if none."""
    try:
        import tesserocr

        return frozenset(tesserocr.get_languages(tessdata_dir())[1])
    except (ImportError, RuntimeError, OSError):  # no library or no data: OCR checks report misreads
        return frozenset()


RECOGNIZERS = _Recognizers()
