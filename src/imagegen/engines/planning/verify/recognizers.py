"""The two recognizers, loaded once per process (RapidOCR takes ~0.3 s to load) and guarded by locks:
RapidOCR's PP-OCRv4 (models ship in the wheel) and Tesseract (Debian, one subprocess per call)."""

from __future__ import annotations

import os
import threading
from typing import Any

import numpy as np
from PIL import Image


class _Recognizers:
    """Process-wide lazy singletons (loading RapidOCR takes ~0.3 s; do it once)."""

    def __init__(self) -> None:
        self._init_lock = threading.Lock()
        self._rapid_lock = threading.Lock()
        self._rapid: Any = None

    def rapid(self) -> Any:
        if self._rapid is None:
            with self._init_lock:
                if self._rapid is None:
                    from rapidocr_onnxruntime import RapidOCR  # heavy import: only when OCR runs

                    # One onnxruntime thread: the service runs several jobs at once and a 2-thread pool
                    # spin-waits against them (measured under load: 5 line crops took 1.07 s with the
                    # default pool, 0.35 s with one thread; half the CPU time).
                    self._rapid = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)
        return self._rapid

    def read_rapid(self, crops: list[Image.Image]) -> list[str]:
        """Recognition only (no detection): the crops already hold exactly one line each."""
        if not crops:
            return []
        engine = self.rapid()
        arrays = [np.ascontiguousarray(np.asarray(c.convert("RGB"))[..., ::-1]) for c in crops]  # BGR
        with self._rapid_lock:
            results, _ = engine.text_rec(arrays)
        return [str(r[0]) for r in results]

    def read_tesseract(self, crop: Image.Image, lang: str) -> str:
        import pytesseract

        # Tesseract's OpenMP pool fights the other jobs on a busy server; one thread per line is faster
        # there (measured 0.24 s vs 0.35 s per line under load). Only affects OpenMP programs we spawn.
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")

        return str(pytesseract.image_to_string(crop, lang=lang, config="--psm 7")).strip()

    def read_page_rapid(self, image: Image.Image) -> list[tuple[str, float, list[list[float]]]]:
        """Full-page detection + recognition (used by tools that must not trust the plan's boxes)."""
        engine = self.rapid()
        array = np.ascontiguousarray(np.asarray(image.convert("RGB"))[..., ::-1])
        with self._rapid_lock:
            result, _ = engine(array)
        return [(str(r[1]), float(r[2]), r[0]) for r in (result or [])]


RECOGNIZERS = _Recognizers()
