"""Every element the brief asked for is on the canvas: one ``ask`` check per entry of ``Plan.asks``.

- text: a text node with exactly this string was drawn (its OCR, contrast and overflow checks judge how);
- code: a code node of that symbology with exactly this payload (the code check decodes it);
- chart: a chart node whose series is the brief's data, labels and values in order;
- count: as many nodes of the counted role (a KPI card group, a ``row`` text ...) as the brief said;
- color: the colour shows in the pixels (hue within ``HUE_TOLERANCE`` degrees for chromatic colours, the
  lightness band for white, black, grey and neutrals) on at least ``MIN_SHARE`` of the canvas;
- picture: an image node depicts the subject.

A missing or substituted element fails its check, so ``VerifyReport.passed`` is never true when an element
was dropped.
"""

from __future__ import annotations

import colorsys
from collections import Counter

import numpy as np
from PIL import Image

from imagegen.engines.planning.plan import Ask, ChartNode, CodeNode, GroupNode, ImageNode, Plan, TextNode
from imagegen.engines.planning.rendered import Rendering
from imagegen.engines.planning.report import Check

#: a chromatic colour is present when this share of the canvas is within its hue band
MIN_SHARE = 0.002
HUE_TOLERANCE = 20.0
#: the pixel grid a colour is looked for on (long edge, px)
SAMPLE_EDGE = 192


def check_asks(plan: Plan, rendering: Rendering) -> list[Check]:
    """One check per ask (nothing when the plan lists none, e.g. a client's plan without asks)."""
    if not plan.asks:
        return []
    nodes = list(plan.walk())
    texts = Counter(n.text for n in nodes if isinstance(n, TextNode) and n.id in rendering.texts)
    hsv: np.ndarray | None = None
    out: list[Check] = []
    for ask in plan.asks:
        if ask.kind == "text":
            ok = texts[ask.value] > 0
            if ok:
                texts[ask.value] -= 1
            out.append(_check(ask, ok, f"text {ask.value!r} ({ask.detail})", "drawn" if ok else "missing"))
        elif ask.kind == "code":
            ok = any(
                isinstance(n, CodeNode) and n.data == ask.value and n.symbology == ask.detail for n in nodes
            )
            out.append(_check(ask, ok, f"{ask.detail} code {ask.value!r}", "placed" if ok else "missing"))
        elif ask.kind == "chart":
            want = [(p.label, p.value) for p in ask.points]
            ok = any(
                isinstance(n, ChartNode) and [(p.label, p.value) for p in n.series] == want and n.show_values
                for n in nodes
            )
            data = ", ".join(f"{label} {value:g}" for label, value in want)
            out.append(_check(ask, ok, f"{ask.value} chart of {data}", "drawn" if ok else "missing"))
        elif ask.kind == "count":
            have = sum(
                1
                for n in nodes
                if isinstance(n, (TextNode, GroupNode)) and getattr(n, "role", None) == ask.value
            )
            ok = have == ask.n
            out.append(_check(ask, ok, f"{ask.detail!r}: {ask.n} {ask.value}", f"{have} drawn"))
        elif ask.kind == "color":
            if hsv is None:
                hsv = _hsv(rendering.image)
            share = color_share(hsv, ask.value)
            ok = share >= MIN_SHARE
            out.append(
                _check(ask, ok, f"colour {ask.detail} ({ask.value})", f"{share:.2%} of the canvas", share)
            )
        elif ask.kind == "picture":
            ok = any(isinstance(n, ImageNode) and n.prompt for n in nodes)
            out.append(_check(ask, ok, f"picture of {ask.value!r}", "drawn" if ok else "missing"))
    return out


def _check(ask: Ask, ok: bool, expected: str, observed: str, value: float | None = None) -> Check:
    return Check(
        kind="ask",
        node_id=None,
        passed=ok,
        detail=f"asked {expected}: {observed}"
        if ok
        else f"asked {expected} is not on the canvas ({observed})",
        expected=expected,
        observed=observed,
        value=value,
    )


def _hsv(image: Image.Image) -> np.ndarray:
    rgb = image.convert("RGB")
    scale = SAMPLE_EDGE / max(rgb.size)
    if scale < 1:
        rgb = rgb.resize(
            (max(1, round(rgb.width * scale)), max(1, round(rgb.height * scale))), Image.Resampling.BILINEAR
        )
    return np.asarray(rgb.convert("HSV"), dtype=np.float32).reshape(-1, 3) / 255.0


def color_share(hsv: np.ndarray, color: str) -> float:
    """The share of pixels that read as ``color`` (hue band for chromatic colours, else lightness band)."""
    r, g, b = (int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    h, s, v = colorsys.rgb_to_hsv(r, g, b)
    if s >= 0.2 and v >= 0.15:
        dh = np.abs(hsv[:, 0] - h)
        dh = np.minimum(dh, 1.0 - dh) * 360.0
        mask = (dh <= HUE_TOLERANCE) & (hsv[:, 1] >= max(0.12, s * 0.35)) & (hsv[:, 2] >= 0.12)
    else:
        mask = (hsv[:, 1] <= 0.25) & (np.abs(hsv[:, 2] - v) <= 0.15)
    return float(mask.mean()) if len(mask) else 0.0
