"""OCR read-back of every text line, on crops taken where the renderer says each line is.

Two recognizers, each where it is exact (measured, see FIELD-NOTES): RapidOCR's PP-OCRv4 recognizer
(models ship in the wheel) for Latin and Chinese, run recognition-only on line crops in one batch;
Tesseract (``--psm 7``: a single text line) for Japanese, Korean, Devanagari, Bengali, Arabic, lines that
mix scripts, and accented Latin (``scripts.py`` routes; ``recognizers.py`` holds the loaded models).
"""

from __future__ import annotations

import hashlib
import re
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
from imagegen.engines.planning.verify.recognizers import RECOGNIZERS
from imagegen.engines.planning.verify.scripts import (
    TESSERACT_LANGS,
    has_latin_marks,
    normalize,
    same_text,
    script_of,
    scripts_in,
    strip_marks,
)

__all__ = [
    "MIN_READABLE_PX",
    "RECOGNIZERS",
    "TESSERACT_LANGS",
    "LineJob",
    "check_ocr",
    "line_crop",
    "normalize",
    "read_jobs",
    "same_text",
    "script_of",
]

#: text drawn smaller than this (canvas px) fails read-back without running OCR
MIN_READABLE_PX = 8.0


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
    rendering: Rendering,
    text: RenderedText,
    line_index: int,
    *,
    target_height: int,
    flats: dict[tuple[int, int, int], Image.Image] | None = None,
) -> Image.Image:
    """One line's ink on a clean margin, scaled so its ink is about ``target_height`` px tall (the
    recognizer's preferred line height: RapidOCR's 48 px input, ~64 px lines for Tesseract's ~30-40 px
    x-height), whatever size the type was set at.

    Only the tight line box (+2 px of antialiasing) is copied; the margin is filled with the median
    color of that box's border, so neighbouring lines or nodes never leak into the crop.

    ``flats`` keeps the canvas flattened per matte across the lines of one check: a transparent canvas is
    composited once per matte, not once per line (~10-20 ms each at 1024²).
    """
    box = text.lines[line_index].box
    matte = _matte_for(text.color)
    image = flats.get(matte) if flats is not None else None
    if image is None:
        image = flatten(rendering.image, matte)
        if flats is not None:
            flats[matte] = image
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
    size = (max(1, round(crop.width * scale)), max(1, round(crop.height * scale)))
    if scale < 0.85:
        # display type (a 200 px headline) is brought down to the recognizer's line height by area
        # averaging: each output pixel is the mean of the ink it covers, so strokes keep their weight
        # and nothing aliases (the recognizers' own bilinear resize of a 5x crop skips pixels)
        crop = crop.resize(size, Image.Resampling.BOX)
    elif scale > 1.15:
        crop = crop.resize(size, Image.Resampling.LANCZOS)
    return crop


def _jobs(plan: Plan, rendering: Rendering) -> tuple[list[LineJob], list[Check]]:
    jobs: list[LineJob] = []
    early: list[Check] = []
    flats: dict[tuple[int, int, int], Image.Image] = {}
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
            crop = line_crop(rendering, text, index, target_height=target, flats=flats)
            jobs.append(LineJob(node_id, index, line.text, script, crop))
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
    """Recognize every job's crop on two threads: RapidOCR's batches in two groups, Tesseract line by line.

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
    tess = [i for i, j in enumerate(jobs) if _uses_tesseract(j)]
    # both cores: RapidOCR's batches in two groups and Tesseract's lines, all on one 2-thread pool (both
    # recognizers run without the GIL); a lone small batch stays on this thread
    groups = [[rapid[k] for k in g] for g in RECOGNIZERS.rapid_groups([jobs[i].crop for i in rapid])]
    if len(groups) + len(tess) <= 1:
        for i, reading in zip(rapid, RECOGNIZERS.read_rapid([jobs[i].crop for i in rapid]), strict=True):
            readings[i] = reading
        for i in tess:
            readings[i] = RECOGNIZERS.read_tesseract(jobs[i].crop, _tesseract_lang(jobs[i]))
        return readings
    with ThreadPoolExecutor(max_workers=2) as pool:
        rapid_done = [(g, pool.submit(RECOGNIZERS.read_rapid, [jobs[i].crop for i in g])) for g in groups]
        tess_done = [
            (i, pool.submit(RECOGNIZERS.read_tesseract, jobs[i].crop, _tesseract_lang(jobs[i]))) for i in tess
        ]
        for group, batch in rapid_done:
            for i, reading in zip(group, batch.result(), strict=True):
                readings[i] = reading
        for i, line in tess_done:
            readings[i] = line.result()
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
