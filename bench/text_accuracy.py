"""Text-accuracy and latency benchmark of the planning engine over the public text cases.

    .venv/bin/python bench/text_accuracy.py [--repeat N] [--json out.json] [--cases FILE] [--only ID ...]

1. Every case of ``text-cases.json`` runs through the real ``PlanningEngine`` (its size, quality and n).
2. Each output is read by an OCR that is independent of the renderer's layout: full-page detection +
   recognition (RapidOCR's whole pipeline for Latin/Chinese; for Japanese, Korean, Devanagari, Bengali and
   Arabic, RapidOCR's script-agnostic text detector finds the lines and Tesseract reads each with the
   script's language, plus Tesseract's own page mode), never the plan's boxes. Each expected
   string must appear (whitespace-normalized: runs of spaces collapse, and a string whose only difference
   is spacing counts). Codes are decoded by zxing-cpp on the whole image.
3. Latency: wall time of ``generate`` (plan + render + verify + refine), ``--repeat`` times per case; p50/p95
   per (size, quality, n). A sweep also runs every n=1 case at 1024x1024 medium and 2048x2048 high, the
   sizes the targets name (1024² medium p50 <= 0.3 s, 2048² high p50 <= 1.5 s).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import sys
import time
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import zxingcpp
from PIL import Image

from imagegen.contract.specs import GenerateSpec
from imagegen.engines.base import NullProgress
from imagegen.engines.planning.engine import PlanningEngine
from imagegen.engines.planning.verify.ocr import RECOGNIZERS

#: the shared public cases beside the repository (``../shared``), else the copy kept with the tests
_SHARED = Path(__file__).resolve().parents[2] / "shared" / "bench" / "text-cases.json"
CASES = _SHARED if _SHARED.exists() else Path(__file__).resolve().parents[1] / "tests/planner/text_cases.json"
SEED = 20260422
TESSERACT = {"Japanese": "jpn", "Korean": "kor", "Devanagari": "hin", "Bengali": "ben", "Arabic": "ara"}


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _flat(image: Image.Image) -> Image.Image:
    rgb = image.convert("RGBA")
    return Image.alpha_composite(Image.new("RGBA", rgb.size, (255, 255, 255, 255)), rgb).convert("RGB")


def page_text(image: Image.Image, script: str) -> str:
    """What the primary reader finds on the whole page, line by line, without the plan.

    Latin/Chinese: RapidOCR's full pipeline (detection + recognition). Other scripts: RapidOCR's text
    detector (a script-agnostic DB model) finds the lines and Tesseract reads each with the script's
    language, plus Tesseract's own page segmentation of the page and of its inverse (page mode alone
    returned nothing for clearly legible signs on gradient pages).
    """
    flat = _flat(image)
    if script in TESSERACT:
        return _detected_lines_tesseract(flat, TESSERACT[script], page_mode=True)
    found_1x = RECOGNIZERS.read_page_rapid(flat)
    lines = [text for text, _score, _box in found_1x]
    if _has_large_text([box for _t, _s, box in found_1x], flat):
        # multi-scale: the detector was trained on ~10-60 px text and splits display type ("Fresha /
        # and / clean"); the half-size page reads it whole. Both readings are the page's (union).
        lines += [text for text, _score, _box in RECOGNIZERS.read_page_rapid(_half(flat))]
    return "\n".join(lines)


#: a detected box taller than this share of the short edge (or the page having no text found at all)
#: makes the reader look again at half size (~82 px at 1024: display type)
LARGE_TEXT_SHARE = 0.08


def _has_large_text(quads: Any, page: Image.Image) -> bool:
    heights = [float(np.asarray(q)[:, 1].max() - np.asarray(q)[:, 1].min()) for q in quads]
    return not heights or max(heights) > LARGE_TEXT_SHARE * min(page.size)


def _half(page: Image.Image) -> Image.Image:
    """The page at 0.5x, area-averaged (no aliasing of thin strokes)."""
    return page.reduce(2)


def second_reader_text(image: Image.Image, script: str) -> str:
    """A second, different reader (for the "either reader" figure): Tesseract on the detected lines."""
    flat = _flat(image)
    lang = TESSERACT.get(script, "chi_sim+eng" if script == "Chinese" else "eng")
    return _detected_lines_tesseract(flat, lang, page_mode=False)


def _detected_lines_tesseract(flat: Image.Image, lang: str, *, page_mode: bool) -> str:
    import pytesseract
    from PIL import ImageOps

    engine = RECOGNIZERS.rapid()
    boxes, _ = engine.text_det(np.ascontiguousarray(np.asarray(flat)[..., ::-1]))
    quads = list(boxes) if boxes is not None else []
    line_boxes = _merge_line_boxes(quads)
    if _has_large_text(quads, flat):
        # multi-scale detection (see page_text): the half-size page's lines, mapped back to full size,
        # are read too; each line is cropped from the full-size page and normalized below
        half, _ = engine.text_det(np.ascontiguousarray(np.asarray(_half(flat))[..., ::-1]))
        line_boxes += [
            (2 * x0, 2 * y0, 2 * x1, 2 * y1)
            for x0, y0, x1, y1 in _merge_line_boxes(half if half is not None else [])
        ]
    lines: list[str] = []
    for x0, y0, x1, y1 in line_boxes:
        # the detector's boxes hug the ink and may clip a flat final mark (the kana long-vowel bar "ー")
        mx, my = int(0.6 * (y1 - y0)) + 4, int(0.3 * (y1 - y0)) + 4
        crop = flat.crop((max(0, int(x0) - mx), max(0, int(y0) - my), int(x1) + mx, int(y1) + my))
        # Tesseract reads best at ~40-60 px line height; huge display type (a 2048² sign) degrades it
        factor = 64 / max(1.0, float(y1 - y0))
        if factor < 0.8 or factor > 1.5:
            crop = crop.resize(
                (max(1, round(crop.width * factor)), max(1, round(crop.height * factor))),
                Image.Resampling.BOX if factor < 1 else Image.Resampling.BICUBIC,
            )
        # each line read twice: as is, and Otsu-binarized (texture such as background dots vanishes; a
        # neon glow, though, fattens strokes): the page says what either reading says
        variants = [crop, _binarize(crop)]
        clean = _clean_line(flat, (x0, y0, x1, y1))
        if clean is not None:
            variants.append(clean)
        for variant in variants:
            lines.append(pytesseract.image_to_string(variant, lang=lang, config="--psm 7"))
    if page_mode:
        gray = ImageOps.grayscale(flat)
        lines += [
            pytesseract.image_to_string(page, lang=lang, config="--psm 3")
            for page in (gray, ImageOps.invert(gray))
        ]
    return "\n".join(lines)


def _merge_line_boxes(quads: Any) -> list[tuple[float, float, float, float]]:
    """Detector boxes -> line boxes: boxes on the same line (vertical overlap > 50%) that touch or sit
    within one line height of each other are one line (the detector splits widely tracked display type,
    e.g. a 2048² kana sign, into overlapping pieces)."""
    rects = sorted(
        (float(q[:, 0].min()), float(q[:, 1].min()), float(q[:, 0].max()), float(q[:, 1].max()))
        for q in quads
    )
    merged: list[list[float]] = []
    for x0, y0, x1, y1 in rects:
        for m in merged:
            overlap = min(y1, m[3]) - max(y0, m[1])
            height = min(y1 - y0, m[3] - m[1])
            if height > 0 and overlap > 0.5 * height and x0 <= m[2] + height:
                m[0], m[1], m[2], m[3] = min(m[0], x0), min(m[1], y0), max(m[2], x1), max(m[3], y1)
                break
        else:
            merged.append([x0, y0, x1, y1])
    return [(m[0], m[1], m[2], m[3]) for m in merged]


#: ink height (px) a cleaned line is normalized to: Tesseract's best x-height is ~30-40 px
CLEAN_LINE_PX = 48


def _clean_line(flat: Image.Image, box: tuple[float, float, float, float]) -> Image.Image | None:
    """The detected line as Tesseract reads display type best: Otsu-binarized, specks dropped (background
    dots, noise: components under 8% of the line's height and area), cut tight to the remaining ink and
    area-averaged to ``CLEAN_LINE_PX`` of ink height on a white margin. Only the detector's box is used:
    a 200 px Bengali headline on a dotted page read "২০" from the plain crop and exactly from this one."""
    import cv2

    x0, y0, x1, y1 = box
    h = max(1.0, y1 - y0)
    mx, my = int(0.6 * h) + 4, int(0.1 * h) + 4
    crop = flat.crop((max(0, int(x0) - mx), max(0, int(y0) - my), int(x1) + mx, int(y1) + my))
    ink = (np.asarray(_binarize(crop)) < 128).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, 8)
    big = [
        i
        for i in range(1, count)
        if stats[i, cv2.CC_STAT_HEIGHT] >= 0.08 * h or stats[i, cv2.CC_STAT_AREA] >= (0.06 * h) ** 2
    ]
    if not big:
        return None
    keep = np.isin(labels, big)
    ys, xs = np.nonzero(keep)
    tight = Image.fromarray(np.where(keep, 0, 255).astype(np.uint8)).crop(
        (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)
    )
    factor = CLEAN_LINE_PX / tight.height
    resample = Image.Resampling.BOX if factor < 1 else Image.Resampling.BICUBIC
    tight = tight.resize((max(1, round(tight.width * factor)), CLEAN_LINE_PX), resample)
    page = Image.new("L", (tight.width + 2 * CLEAN_LINE_PX, tight.height + CLEAN_LINE_PX), 255)
    page.paste(tight, (CLEAN_LINE_PX, CLEAN_LINE_PX // 2))
    return page


def _binarize(crop: Image.Image) -> Image.Image:
    """Otsu threshold of one line crop, dark ink on white: drops light background texture (dots, noise)
    that Tesseract otherwise reads as punctuation. Standard OCR preprocessing, no knowledge of the plan."""
    import cv2

    gray = np.asarray(crop.convert("L"))
    _, binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    # the ink is the minority class: if most pixels are dark, the text is light on dark -> invert
    if (binary < 128).mean() > 0.5:
        binary = 255 - binary
    return Image.fromarray(binary)


def found(expected: str, text: str) -> bool:
    """Whether the expected string is on the page: within one read line, or across consecutive pieces of
    several (a wrapped headline), in any order of the lines (readers order lines differently); spacing is
    ignored. Every piece but the first and last must be a whole line."""
    target = squash(expected)
    lines = [squash(line) for line in text.splitlines() if line.strip()]
    if any(target in line for line in lines):
        return True

    def rest(position: int, depth: int) -> bool:
        if position == len(target):
            return True
        if depth > 6:
            return False
        for line in lines:
            if target.startswith(line, position) and line and rest(position + len(line), depth + 1):
                return True
            # the last piece may be the start of a longer line
            if line.startswith(target[position:]):
                return True
        return False

    # the first piece may be the end of a longer line
    return any(
        target.startswith(line[-k:]) and rest(k, 1)
        for line in lines
        for k in range(1, min(len(line), len(target)) + 1)
    )


def codes_in(image: Image.Image) -> list[str]:
    rgb = image.convert("RGBA")
    flat = Image.alpha_composite(Image.new("RGBA", rgb.size, (255, 255, 255, 255)), rgb).convert("RGB")
    return [r.text for r in zxingcpp.read_barcodes(np.asarray(flat))]


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def spec_for(
    case: dict[str, Any], *, size: str | None = None, quality: str | None = None, n: int | None = None
) -> GenerateSpec:
    w, h = (int(v) for v in (size or case["size"]).split("x"))
    return GenerateSpec(
        prompt=case["prompt"],
        model="gpt-image-2",
        n=n or case.get("n", 1),
        width=w,
        height=h,
        quality=quality or case.get("quality", "medium"),  # type: ignore[arg-type]
        seed=SEED,
    )


def run_case(engine: PlanningEngine, case: dict[str, Any], spec: GenerateSpec, repeat: int) -> dict[str, Any]:
    times: list[float] = []
    cpu: list[float] = []
    result = None
    for _ in range(repeat):
        before = os.times()
        started = time.perf_counter()
        result = engine.generate(spec, NullProgress())
        times.append(time.perf_counter() - started)
        after = os.times()
        # CPU seconds of this process and its Tesseract subprocesses: on a shared machine wall time
        # depends on the neighbours, CPU time much less
        cpu.append(sum(after[:4]) - sum(before[:4]))
    assert result is not None
    script = case.get("script", "Latin" if not re.search(r"[\u4e00-\u9fff]", case["prompt"]) else "Chinese")
    expected_per_image = case.get("texts_per_image") or [case.get("texts", [])] * len(result.images)
    lines: list[dict[str, Any]] = []
    codes: list[dict[str, Any]] = []
    for index, image in enumerate(result.images):
        text = page_text(image.pixels, script)
        second: str | None = None
        for expected in expected_per_image[index]:
            exact = found(expected, text)
            if not exact and second is None:
                second = second_reader_text(image.pixels, script)
            either = exact or found(expected, second or "")
            line = {"image": index, "expected": expected, "exact": exact, "either_reader": either}
            if not exact:
                line["read"] = text
            lines.append(line)
        decoded = codes_in(image.pixels) if case.get("codes") else []
        for code in case.get("codes", []):
            codes.append(
                {
                    "image": index,
                    "kind": code["kind"],
                    "data": code["data"],
                    "decoded": code["data"] in decoded,
                }
            )
        if index == 0:
            report = image.report or {}
    return {
        "id": case["id"],
        "script": script,
        "size": spec.size,
        "quality": spec.quality,
        "n": spec.n,
        "times": [round(t, 4) for t in times],
        "cpu": [round(t, 4) for t in cpu],
        "lines": lines,
        "codes": codes,
        "engine_report_passed": bool(report.get("passed")),
        "engine_fixes": len(report.get("fixes", [])),
        "timings": result.timings,
    }


def summarize(runs: list[dict[str, Any]]) -> dict[str, Any]:
    by_script: dict[str, list[bool]] = defaultdict(list)
    either: dict[str, list[bool]] = defaultdict(list)
    codes: list[bool] = []
    latency: dict[str, list[float]] = defaultdict(list)
    cpu: dict[str, list[float]] = defaultdict(list)
    for run in runs:
        for line in run["lines"]:
            by_script[run["script"]].append(line["exact"])
            either[run["script"]].append(line["either_reader"])
        codes.extend(c["decoded"] for c in run["codes"])
        latency[f"{run['size']} {run['quality']} n={run['n']}"].extend(run["times"])
        cpu[f"{run['size']} {run['quality']} n={run['n']}"].extend(run["cpu"])
    return {
        "exact_lines": {
            s: {"exact": sum(v), "either_reader": sum(either[s]), "total": len(v), "rate": sum(v) / len(v)}
            for s, v in by_script.items()
        },
        "codes": {
            "decoded": sum(codes),
            "total": len(codes),
            "rate": (sum(codes) / len(codes)) if codes else None,
        },
        "latency_s": {
            k: {
                "p50": round(statistics.median(v), 4),
                "p95": round(percentile(v, 95), 4),
                "cpu_p50": round(statistics.median(cpu[k]), 4),
                "runs": len(v),
            }
            for k, v in sorted(latency.items())
        },
        "misses": [
            {"id": r["id"], "size": r["size"], "image": line["image"], "expected": line["expected"]}
            for r in runs
            for line in r["lines"]
            if not line["exact"]
        ]
        + [
            {"id": r["id"], "size": r["size"], "code": c["data"]}
            for r in runs
            for c in r["codes"]
            if not c["decoded"]
        ],
    }


def print_summary(title: str, summary: dict[str, Any]) -> None:
    print(f"\n== {title}")
    for script, s in sorted(summary["exact_lines"].items()):
        print(
            f"  exact lines {script:<11} {s['exact']:>3}/{s['total']:<3} {100 * s['rate']:.1f}%"
            f"   (either reader: {s['either_reader']}/{s['total']})"
        )
    c = summary["codes"]
    if c["total"]:
        print(f"  codes decoded           {c['decoded']:>3}/{c['total']:<3} {100 * c['rate']:.1f}%")
    for key, lat in summary["latency_s"].items():
        print(
            f"  latency {key:<26} p50 {lat['p50']:.3f} s  p95 {lat['p95']:.3f} s  "
            f"cpu p50 {lat['cpu_p50']:.3f} s  ({lat['runs']} runs)"
        )
    for miss in summary["misses"]:
        print(f"  MISS {miss}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per case for latency (default 3)")
    parser.add_argument("--json", type=Path, help="write every measurement to this file")
    parser.add_argument("--cases", type=Path, default=CASES)
    parser.add_argument("--only", nargs="*", help="case ids to run")
    parser.add_argument("--no-sweep", action="store_true", help="skip the 1024² medium / 2048² high sweep")
    args = parser.parse_args(argv)

    cases = json.loads(args.cases.read_text())["cases"]
    if args.only:
        cases = [c for c in cases if c["id"] in set(args.only)]
    engine = PlanningEngine()
    # warm-up: fonts, OCR models and onnxruntime sessions load once per process, not per request
    engine.generate(spec_for(cases[0], quality="medium", n=1), NullProgress())

    load_before = os.getloadavg()
    started = time.time()
    runs = [run_case(engine, case, spec_for(case), args.repeat) for case in cases]
    sweep: list[dict[str, Any]] = []
    if not args.no_sweep:
        for size, quality in (("1024x1024", "medium"), ("2048x2048", "high")):
            for case in cases:
                if case.get("n", 1) == 1:
                    sweep.append(
                        run_case(engine, case, spec_for(case, size=size, quality=quality), args.repeat)
                    )
    load_after = os.getloadavg()

    machine = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(started)),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "loadavg_before": [round(v, 2) for v in load_before],
        "loadavg_after": [round(v, 2) for v in load_after],
        "repeat": args.repeat,
        "seed": SEED,
    }
    out = {
        "machine": machine,
        "cases": summarize(runs),
        "sweep": summarize(sweep) if sweep else None,
        "runs": runs + sweep,
    }
    print(f"machine: {machine}")
    print_summary("cases as given (size, quality, n from text-cases.json)", out["cases"])
    if sweep:
        print_summary("sweep: every n=1 case at 1024x1024 medium and 2048x2048 high", out["sweep"])
    if args.json:
        args.json.write_text(json.dumps(out, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
