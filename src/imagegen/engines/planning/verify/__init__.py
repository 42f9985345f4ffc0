"""The verifier: read the rendered pixels back and check them against the plan.

``verify(plan, rendering, checks=..., fonts=...)`` is the entry point; each module holds one family of
checks (glyph coverage, geometry, contrast, OCR read-back, code decoding).
"""

from imagegen.engines.planning.verify.verifier import ALL_CHECKS, CHEAP_CHECKS, verify

__all__ = ["ALL_CHECKS", "CHEAP_CHECKS", "verify"]
