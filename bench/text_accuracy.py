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

CASES = Path("/work/shared/bench/text-cases.json")
SEED = 20260422
TESSERACT = {"Japanese": "jpn", "Korean": "kor", "Devanagari": "hin", "Bengali": "ben", "Arabic": "ara"}


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def page_text(image: Image.Image, script: str) -> str:
    """Everything an OCR finds on the whole page, in its reading order, without the plan."""
    rgb = image.convert("RGBA")
    flat = Image.alpha_composite(Image.new("RGBA", rgb.size, (255, 255, 255, 255)), rgb).convert("RGB")
    if script in TESSERACT:
        return _tesseract_page(flat, TESSERACT[script])
    return "\n".join(text for text, _score, _box in RECOGNIZERS.read_page_rapid(flat))


def _tesseract_page(flat: Image.Image, lang: str) -> str:
    """Text lines found by RapidOCR's detector (a script-agnostic DB model; no plan boxes), each read by
    Tesseract in single-line mode; plus Tesseract's own page segmentation of the page and of its inverse.

    Tesseract's page segmentation alone returned nothing for clearly legible signs on gradient pages
    (measured on the Arabic and Japanese cases), so the detector finds the lines.
    """
    import pytesseract
    from PIL import ImageOps

    engine = RECOGNIZERS.rapid()
    boxes, _ = engine.text_det(np.ascontiguousarray(np.asarray(flat)[..., ::-1]))
    lines: list[str] = []
    for quad in boxes if boxes is not None else []:
        (x0, y0), (x1, y1) = quad.min(0), quad.max(0)
        margin = int(0.3 * (y1 - y0)) + 4
        crop = flat.crop(
            (max(0, int(x0) - margin), max(0, int(y0) - margin), int(x1) + margin, int(y1) + margin)
        )
        lines.append(pytesseract.image_to_string(crop, lang=lang, config="--psm 7"))
    gray = ImageOps.grayscale(flat)
    lines += [
        pytesseract.image_to_string(page, lang=lang, config="--psm 3")
        for page in (gray, ImageOps.invert(gray))
    ]
    return "\n".join(lines)


def found(expected: str, text: str) -> bool:
    lines = [norm(line) for line in text.splitlines() if line.strip()]
    joined = " ".join(lines)
    return norm(expected) in joined or squash(expected) in squash(joined)


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
        for expected in expected_per_image[index]:
            lines.append({"image": index, "expected": expected, "exact": found(expected, text)})
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
    codes: list[bool] = []
    latency: dict[str, list[float]] = defaultdict(list)
    cpu: dict[str, list[float]] = defaultdict(list)
    for run in runs:
        for line in run["lines"]:
            by_script[run["script"]].append(line["exact"])
        codes.extend(c["decoded"] for c in run["codes"])
        latency[f"{run['size']} {run['quality']} n={run['n']}"].extend(run["times"])
        cpu[f"{run['size']} {run['quality']} n={run['n']}"].extend(run["cpu"])
    return {
        "exact_lines": {
            s: {"exact": sum(v), "total": len(v), "rate": sum(v) / len(v)} for s, v in by_script.items()
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
        print(f"  exact lines {script:<11} {s['exact']:>3}/{s['total']:<3} {100 * s['rate']:.1f}%")
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
