"""The verifier's entry point: run the requested families of checks and collect one report."""

from __future__ import annotations

import time
from typing import Any

from imagegen.engines.planning.plan import Plan
from imagegen.engines.planning.rendered import Rendering
from imagegen.engines.planning.report import Check, VerifyReport
from imagegen.engines.planning.verify.asks import check_asks
from imagegen.engines.planning.verify.codes import check_codes
from imagegen.engines.planning.verify.contrast import check_contrast
from imagegen.engines.planning.verify.geometry import check_bounds, check_overflow, check_overlap
from imagegen.engines.planning.verify.glyphs import CmapCoverage, GlyphCoverage, check_glyphs
from imagegen.engines.planning.verify.ocr import check_ocr

#: every check family the verifier runs, in the order it runs them
ALL_CHECKS: frozenset[str] = frozenset({"glyphs", "overflow", "bounds", "overlap", "contrast", "ocr", "code"})
#: what the ``low`` budget affords: no pixel statistics, no OCR
CHEAP_CHECKS: frozenset[str] = frozenset({"glyphs", "overflow", "bounds", "overlap", "code"})

_ORDER = ("glyphs", "overflow", "bounds", "overlap", "code", "contrast", "ocr")


def verify(
    plan: Plan,
    rendering: Rendering,
    *,
    checks: set[str] | frozenset[str] = ALL_CHECKS,
    fonts: GlyphCoverage | None = None,
    timings: dict[str, float] | None = None,
    ocr_cache: dict[Any, str] | None = None,
) -> VerifyReport:
    """Check a rendering against its plan.

    ``checks`` picks the families to run (``ALL_CHECKS`` names them); the others are listed in the
    report's ``skipped``. ``fonts`` answers glyph coverage (the renderer's ``FontBook``; a cmap reader is
    used when none is given). When ``timings`` is given, seconds per family are added to it.
    ``ocr_cache`` (any dict, kept by the caller across refine passes) skips re-reading identical crops.
    """
    unknown = set(checks) - ALL_CHECKS
    if unknown:
        raise ValueError(f"unknown checks: {sorted(unknown)}")
    coverage = fonts if fonts is not None else CmapCoverage()
    runners = {
        "glyphs": lambda: check_glyphs(rendering, coverage),
        "overflow": lambda: check_overflow(plan, rendering),
        "bounds": lambda: check_bounds(plan, rendering),
        "overlap": lambda: check_overlap(plan, rendering),
        "code": lambda: check_codes(plan, rendering),
        "contrast": lambda: check_contrast(plan, rendering),
        "ocr": lambda: check_ocr(plan, rendering, ocr_cache),
    }
    found: list[Check] = []
    missing_texts = [t.id for t in plan.texts() if t.text.strip() and t.id not in rendering.texts]
    for node_id in missing_texts:
        found.append(
            Check(kind="overflow", node_id=node_id, passed=False, detail="the text was not drawn at all")
        )
    for kind in _ORDER:
        if kind not in checks:
            continue
        started = time.perf_counter()
        found.extend(runners[kind]())
        if timings is not None:
            timings[kind] = timings.get(kind, 0.0) + time.perf_counter() - started
    # every element the brief asked for is on the canvas (cheap: plan lookups and one small pixel grid)
    started = time.perf_counter()
    found.extend(check_asks(plan, rendering))
    if timings is not None:
        timings["ask"] = timings.get("ask", 0.0) + time.perf_counter() - started
    return VerifyReport(checks=found, skipped=sorted(ALL_CHECKS - set(checks)))
