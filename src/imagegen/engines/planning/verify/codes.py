"""Every code node decodes (zxing-cpp) to its exact payload, read from a crop of where it was drawn."""

from __future__ import annotations

import numpy as np
import zxingcpp
from PIL import Image

from imagegen.engines.planning.plan import CodeNode, Plan
from imagegen.engines.planning.rendered import Rendering
from imagegen.engines.planning.report import Check
from imagegen.engines.planning.verify.pixels import clamp_rect, flatten

_FORMATS = {
    "qr": zxingcpp.BarcodeFormat.QRCode,
    "ean13": zxingcpp.BarcodeFormat.EAN13,
    "code128": zxingcpp.BarcodeFormat.Code128,
}


def decode(image: Image.Image, symbology: str) -> list[str]:
    """Payloads of every code of that symbology found in the image."""
    formats = zxingcpp.BarcodeFormats(_FORMATS[symbology])
    results = zxingcpp.read_barcodes(np.asarray(image.convert("RGB")), formats=formats)
    return [r.text for r in results]


def _crop(rendering: Rendering, node: CodeNode) -> Image.Image:
    drawn = rendering.nodes.get(node.id)
    box = drawn.box if drawn else node.box
    # a margin of a tenth of the code (min 8 px) gives the reader some quiet zone to find its edges
    margin = max(8.0, 0.1 * max(box.w, box.h))
    image = flatten(rendering.image, (255, 255, 255))
    return image.crop(clamp_rect(box, image.width, image.height, margin, margin))


def check_code(node: CodeNode, rendering: Rendering) -> Check:
    crop = _crop(rendering, node)
    found = decode(crop, node.symbology)
    if node.data not in found and crop.width * crop.height < 1_000_000:
        # modules of 1-2 px are hard to binarize; nearest-neighbour upscaling keeps them sharp
        found = found or decode(
            crop.resize((crop.width * 2, crop.height * 2), Image.Resampling.NEAREST), node.symbology
        )
    passed = node.data in found
    if passed:
        detail = f"{node.symbology} decodes to the exact payload"
    elif found:
        detail = f"{node.symbology} decodes to {found[0]!r}, not the payload"
    else:
        detail = f"no {node.symbology} could be decoded in the node's box"
    return Check(
        kind="code",
        node_id=node.id,
        passed=passed,
        detail=detail,
        expected=node.data,
        observed=found[0] if found else None,
        value=1.0 if passed else 0.0,
    )


def check_codes(plan: Plan, rendering: Rendering) -> list[Check]:
    return [check_code(node, rendering) for node in plan.codes()]
