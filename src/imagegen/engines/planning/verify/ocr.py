"""OCR read-back of every text line, on crops taken where the renderer says each line is.

Two recognizers, each where it is exact (measured, see FIELD-NOTES): RapidOCR's PP-OCRv4 recognizer
(models ship in the wheel) for Latin and Chinese, run recognition-only on line crops in one batch;
Tesseract (``--psm 7``: a single text line) for Japanese, Korean, Devanagari, Bengali and Arabic.
Both are loaded once per process and guarded by locks (the recognizers keep mutable state).
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import os
import re
import threading
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image

from imagegen.engines.planning.plan import Plan, TextNode
from imagegen.engines.planning.rendered import RenderedText, Rendering
from imagegen.engines.planning.report import Check
from imagegen.engines.planning.verify.contrast import relative_luminance
from imagegen.engines.planning.verify.pixels import flatten, hex_to_rgb

#: text drawn smaller than this (canvas px) fails read-back without running OCR
MIN_READABLE_PX = 8.0

#: script -> Tesseract language (traineddata installed by Debian's tesseract-ocr-* packages)
TESSERACT_LANGS = {"ja": "jpn", "ko": "kor", "hi": "hin", "bn": "ben", "ar": "ara"}

_RANGES: list[tuple[int, int, str]] = [
    (0x3040, 0x30FF, "ja"),  # Hiragana + Katakana
    (0x31F0, 0x31FF, "ja"),
    (0xFF66, 0xFF9F, "ja"),
    (0x1100, 0x11FF, "ko"),  # Hangul
    (0x3130, 0x318F, "ko"),
    (0xAC00, 0xD7AF, "ko"),
    (0x0900, 0x097F, "hi"),  # Devanagari
    (0x0980, 0x09FF, "bn"),  # Bengali
    (0x0600, 0x06FF, "ar"),  # Arabic
    (0x0750, 0x077F, "ar"),
    (0xFB50, 0xFDFF, "ar"),
    (0xFE70, 0xFEFF, "ar"),
]


def scripts_in(text: str, lang: str | None = None) -> set[str]:
    """Every script of a line that matters for recognition: ja/ko/hi/bn/ar/han/latin."""
    found: set[str] = set()
    for char in text:
        code = ord(char)
        for lo, hi, script in _RANGES:
            if lo <= code <= hi:
                found.add(script)
                break
        else:
            if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF:
                found.add("han")
            elif char.isalpha():
                found.add("latin")
    if "han" in found and (("ja" in found) or (lang and lang.lower().startswith("ja"))):
        found.discard("han")
        found.add("ja")  # kanji in Japanese text read best with the Japanese model
    return found


def script_of(text: str, lang: str | None = None) -> str:
    """The script that decides which recognizer reads a line: ja/ko/hi/bn/ar, "latin"/"han", "mixed"
    (several scripts beyond Latin+Chinese: Tesseract with every language the line needs) or "latin_ext"
    (Latin with letters beyond ASCII such as é, ñ, ø, ß: Tesseract's Latin-script model when installed)."""
    found = scripts_in(text, lang)
    special = found - {"latin"}
    if len(special) > 1:
        return "mixed" if special != {"han"} else "han"
    if special:
        return next(iter(special))
    if extended_latin(text) and tesseract_has("Latin"):
        return "latin_ext"
    return "latin"


def extended_latin(text: str) -> bool:
    """Latin letters outside ASCII (é, ñ, ø, ß, Æ): RapidOCR's model and Tesseract's ``eng`` drop them."""
    return any(ord(c) > 127 and c.isalpha() and "LATIN" in unicodedata.name(c, "") for c in text)


@functools.cache
def tesseract_has(language: str) -> bool:
    """Whether Tesseract has that traineddata (``Latin`` comes from Debian's tesseract-ocr-script-latn)."""
    import subprocess

    # pytesseract.get_languages() drops capitalised script models such as "Latin": ask the binary
    try:
        listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):  # no tesseract binary: OCR checks report misreads instead
        return False
    return language in {line.strip() for line in (listed.stdout + listed.stderr).splitlines()}


def normalize(text: str) -> str:
    """NFKC (full-width forms fold to ASCII), format characters dropped (bidi marks Tesseract adds around
    Arabic runs), whitespace collapsed: how expected and read text compare."""
    folded = unicodedata.normalize("NFKC", text)
    folded = "".join(c for c in folded if unicodedata.category(c) != "Cf")
    return re.sub(r"\s+", " ", folded).strip()


def strip_marks(text: str) -> str:
    """Latin letters without their diacritics (é -> e): what the installed recognizers can represent."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if unicodedata.category(c) != "Mn"))


def has_latin_marks(text: str) -> bool:
    """Whether a line holds Latin letters with diacritics (neither RapidOCR's model nor Tesseract's
    ``eng`` data represent them reliably)."""
    return any(
        unicodedata.category(c) == "Mn" and i > 0 and "LATIN" in unicodedata.name(d[i - 1], "")
        for d in [unicodedata.normalize("NFD", text)]
        for i, c in enumerate(d)
    )


def same_text(expected: str, observed: str) -> tuple[bool, float]:
    """(exact after normalization, similarity 0..1).

    Text that differs only in whitespace also passes: a recognizer commonly drops or adds a space next to
    punctuation or in tightly-set type, while the renderer drew the exact string it was given.
    """
    a, b = normalize(expected), normalize(observed)
    similarity = difflib.SequenceMatcher(None, a, b).ratio() if (a or b) else 1.0
    exact = a == b or re.sub(r"\s", "", a) == re.sub(r"\s", "", b)
    return exact, round(similarity, 4)


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


@dataclass
class LineJob:
    node_id: str
    line_index: int
    expected: str
    script: str
    crop: Image.Image


def _matte_for(color: str) -> tuple[int, int, int]:
    lum = float(relative_luminance(np.array(hex_to_rgb(color))))
    return (0, 0, 0) if lum > 0.4 else (255, 255, 255)


def line_crop(
    rendering: Rendering, text: RenderedText, line_index: int, *, target_height: int
) -> Image.Image:
    """One line's ink on a clean margin, scaled so its ink is about ``target_height`` px tall.

    Only the tight line box (+2 px of antialiasing) is copied; the margin is filled with the median
    color of that box's border, so neighbouring lines or nodes never leak into the crop.
    """
    box = text.lines[line_index].box
    image = flatten(rendering.image, _matte_for(text.color))
    width, height = image.size
    x0, y0 = max(0, int(np.floor(box.x - 2))), max(0, int(np.floor(box.y - 2)))
    x1, y1 = min(width, int(np.ceil(box.right + 2))), min(height, int(np.ceil(box.bottom + 2)))
    if x1 <= x0 or y1 <= y0:
        return Image.new("RGB", (8, 8), _matte_for(text.color))
    ink = image.crop((x0, y0, x1, y1))
    arr = np.asarray(ink)
    border = np.concatenate([arr[0], arr[-1], arr[:, 0], arr[:, -1]])
    fill = tuple(int(v) for v in np.median(border, axis=0))
    ink_h = y1 - y0
    margin_x, margin_y = max(8, int(0.5 * ink_h)), max(6, int(0.35 * ink_h))
    crop = Image.new("RGB", (x1 - x0 + 2 * margin_x, ink_h + 2 * margin_y), fill)
    crop.paste(ink, (margin_x, margin_y))
    scale = target_height / max(1, ink_h)
    if scale > 1.15 or scale < 0.5:
        crop = crop.resize(
            (max(1, round(crop.width * scale)), max(1, round(crop.height * scale))), Image.Resampling.LANCZOS
        )
    return crop


def _jobs(plan: Plan, rendering: Rendering) -> tuple[list[LineJob], list[Check]]:
    jobs: list[LineJob] = []
    early: list[Check] = []
    for node_id, text in rendering.texts.items():
        node = plan.find(node_id)
        if isinstance(node, TextNode) and not node.verify:
            continue
        expected_all = node.text if isinstance(node, TextNode) else text.text
        drawn = "".join(line.text for line in text.lines)
        if re.sub(r"\s", "", drawn) != re.sub(r"\s", "", expected_all):
            early.append(
                Check(
                    kind="ocr",
                    node_id=node_id,
                    passed=False,
                    detail="the drawn lines do not spell the node's text (something was dropped or cut)",
                    expected=expected_all,
                    observed=" / ".join(line.text for line in text.lines),
                    value=0.0,
                )
            )
            continue
        if text.font_size < MIN_READABLE_PX:
            # type this small is not legible in a deliverable, and recognizing hundreds of 6 px glyphs per
            # line scaled up to the model's height costs seconds: fail without reading
            early.append(
                Check(
                    kind="ocr",
                    node_id=node_id,
                    passed=False,
                    detail=f"drawn at {text.font_size:.1f}px, below the {MIN_READABLE_PX}px legibility floor",
                    expected=expected_all,
                    value=0.0,
                )
            )
            continue
        lang = text.lang or (node.lang if isinstance(node, TextNode) else None)
        for index, line in enumerate(text.lines):
            if not line.text.strip():
                continue
            script = script_of(line.text, lang)
            target = 64 if script in TESSERACT_LANGS or script in ("mixed", "latin_ext") else 48
            jobs.append(
                LineJob(
                    node_id, index, line.text, script, line_crop(rendering, text, index, target_height=target)
                )
            )
    return jobs, early


_TESSERACT_ALL = {**TESSERACT_LANGS, "han": "chi_sim", "latin": "eng"}


def _uses_tesseract(job: LineJob) -> bool:
    return job.script in TESSERACT_LANGS or job.script in ("mixed", "latin_ext")


def _tesseract_lang(job: LineJob) -> str:
    if job.script == "latin_ext":
        # measured exact: "Café Olé — Niño's Crème Brûlée", "Ærøskøbing", "Smörgåsbord" (eng drops marks)
        return "Latin"
    # every script of the line needs its model (Tesseract combines them: "eng+chi_sim+ara+hin" read
    # "Hello 世界 مرحبا नमस्ते" exactly where any single model garbled the other scripts)
    scripts = scripts_in(job.expected)
    if re.search(r"[A-Za-z]", job.expected):
        scripts.add("latin")
    order = ["latin", "han", "ja", "ko", "hi", "bn", "ar"]
    return "+".join(_TESSERACT_ALL[s] for s in order if s in scripts) or "eng"


def _key(job: LineJob) -> tuple[str, str, bytes]:
    crop = job.crop
    return (
        job.script,
        f"{crop.width}x{crop.height}",
        hashlib.blake2b(crop.tobytes(), digest_size=16).digest(),
    )


def read_jobs(jobs: list[LineJob], cache: dict[Any, str] | None = None) -> list[str]:
    """Recognize every job's crop: RapidOCR in one batch, Tesseract lines two at a time.

    ``cache`` maps crop pixels to readings: a refine pass re-renders the whole canvas, but lines it did
    not touch give identical crops, and identical pixels read the same.
    """
    if cache is not None:
        keys = [_key(j) for j in jobs]
        todo = [i for i, k in enumerate(keys) if k not in cache]
        fresh = read_jobs([jobs[i] for i in todo]) if todo else []
        for i, reading in zip(todo, fresh, strict=True):
            cache[keys[i]] = reading
        return [cache[k] for k in keys]
    readings = [""] * len(jobs)
    rapid = [i for i, j in enumerate(jobs) if not _uses_tesseract(j)]
    for i, reading in zip(rapid, RECOGNIZERS.read_rapid([jobs[i].crop for i in rapid]), strict=True):
        readings[i] = reading
    tess = [i for i, j in enumerate(jobs) if _uses_tesseract(j)]
    if tess:
        # Tesseract runs as a subprocess per line: two in flight keeps both cores busy
        with ThreadPoolExecutor(max_workers=2) as pool:
            for i, reading in zip(
                tess,
                pool.map(lambda i: RECOGNIZERS.read_tesseract(jobs[i].crop, _tesseract_lang(jobs[i])), tess),
                strict=True,
            ):
                readings[i] = reading
    return readings


def _second_opinion(job: LineJob) -> str:
    lang = "chi_sim" if job.script == "han" else "eng"
    crop = job.crop
    if crop.height < 64:
        # Tesseract wants taller type than RapidOCR's 48 px input
        factor = 64 / crop.height
        crop = crop.resize((round(crop.width * factor), 64), Image.Resampling.LANCZOS)
    return RECOGNIZERS.read_tesseract(crop, lang)


def check_ocr(plan: Plan, rendering: Rendering, cache: dict[Any, str] | None = None) -> list[Check]:
    """One ``ocr`` check per text node: every line read back exactly (after whitespace normalization)."""
    jobs, checks = _jobs(plan, rendering)
    readings = [r.strip() for r in read_jobs(jobs, cache)]
    seconded: set[int] = set()
    # A near miss gets one more look at twice the size: small or thin type is the usual cause. A reading
    # far from the text (nothing, or other words) is a real defect that a bigger crop will not change.
    retry = [
        i
        for i, (j, r) in enumerate(zip(jobs, readings, strict=True))
        if not same_text(j.expected, r)[0] and same_text(j.expected, r)[1] >= 0.5
    ]
    if retry:
        bigger = [
            LineJob(
                j.node_id,
                j.line_index,
                j.expected,
                j.script,
                j.crop.resize((j.crop.width * 2, j.crop.height * 2), Image.Resampling.LANCZOS),
            )
            for j in (jobs[i] for i in retry)
        ]
        for i, reading in zip(retry, read_jobs(bigger, cache), strict=True):
            if same_text(jobs[i].expected, reading)[0]:
                readings[i] = reading
    # A Latin/Chinese near miss that RapidOCR still misreads gets a second opinion from Tesseract: the
    # question is whether the pixels are legible, and one exact reading by an independent model says so
    # (RapidOCR alone confuses e.g. "s..." with "...." in small type).
    second = [
        i for i in retry if not _uses_tesseract(jobs[i]) and not same_text(jobs[i].expected, readings[i])[0]
    ]
    if second:
        with ThreadPoolExecutor(max_workers=2) as pool:
            opinions = list(pool.map(lambda i: _second_opinion(jobs[i]), second))
        for i, reading in zip(second, opinions, strict=True):
            if same_text(jobs[i].expected, reading)[0]:
                readings[i] = reading
                seconded.add(i)
    by_node: dict[str, list[tuple[LineJob, str]]] = {}
    engines_by_node: dict[str, set[str]] = {}
    for i, (job, reading) in enumerate(zip(jobs, readings, strict=True)):
        by_node.setdefault(job.node_id, []).append((job, reading))
        used = "tesseract" if _uses_tesseract(job) or i in seconded else "rapidocr"
        engines_by_node.setdefault(job.node_id, set()).add(used)
    for node_id, pairs in by_node.items():
        results = [same_text(job.expected, reading) for job, reading in pairs]
        # Accented Latin (é, ñ, û): no installed model outputs the marks, so those lines are compared
        # without them and the report says so; the glyphs check has confirmed the marks were drawn.
        unmarked = False
        for index, ((job, reading), (ok, similarity)) in enumerate(zip(pairs, results, strict=True)):
            if (
                not ok
                and has_latin_marks(job.expected)
                and same_text(strip_marks(job.expected), strip_marks(reading))[0]
            ):
                results[index] = (True, similarity)
                unmarked = True
        passed = all(ok for ok, _ in results)
        similarity = float(np.mean([s for _, s in results]))
        engines = sorted(engines_by_node[node_id])
        note = " (diacritics not machine-readable here: compared without them)" if unmarked else ""
        bad = [
            f"line {j.line_index + 1}: {r!r}"
            for (j, r), (ok, _) in zip(pairs, results, strict=True)
            if not ok
        ]
        checks.append(
            Check(
                kind="ocr",
                node_id=node_id,
                passed=passed,
                detail=f"read exactly by {'+'.join(engines)}{note}"
                if passed
                else "misread " + "; ".join(bad),
                expected=" / ".join(j.expected for j, _ in pairs),
                observed=" / ".join(r for _, r in pairs),
                value=round(similarity, 4),
            )
        )
    return checks
