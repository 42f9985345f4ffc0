"""SVG drawings to pixels (resvg), cached per process.

A drawing is rasterised once per (name, size bucket, fills) and kept in an LRU cache, so refine loops and
the n frames of a storyboard pay for each drawing once. Sizes are rounded up to a bucket (steps of about 9%:
a variant's slightly larger or smaller take reuses the same raster) and the result is resized down to the
exact size asked for.
"""

from __future__ import annotations

import bisect
import io
import math
import threading
from collections import OrderedDict

from PIL import Image

from imagegen.engines.planning.render.illustrations.library import IllustrationSet

_CACHE_BYTES = 256 * 1024 * 1024
_cache: OrderedDict[tuple[str, str, int, tuple[tuple[str, str], ...]], Image.Image] = OrderedDict()
_cache_bytes = 0
_lock = threading.Lock()


def rasterize(lib: IllustrationSet, name: str, size: int, fills: dict[str, str] | None = None) -> Image.Image:
    """``name`` drawn as a ``size`` x ``size`` RGBA image (a copy the caller may change)."""
    global _cache_bytes
    size = max(4, int(size))
    step = bucket(size)
    key = (str(lib.root), name, step, tuple(sorted((fills or {}).items())))
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
    if hit is None:
        import resvg_py

        png = resvg_py.svg_to_bytes(
            svg_string=lib.svg(name, fills), width=step, height=step, skip_system_fonts=True
        )
        hit = Image.open(io.BytesIO(bytes(png))).convert("RGBA")
        hit.load()
        with _lock:
            _cache[key] = hit
            _cache_bytes += step * step * 4
            while _cache_bytes > _CACHE_BYTES and len(_cache) > 1:
                _, old = _cache.popitem(last=False)
                _cache_bytes -= old.width * old.height * 4
    if step != size:
        return hit.resize((size, size), Image.Resampling.LANCZOS)
    return hit.copy()


#: raster sizes: every 4 px up to 32, then steps of 2^(1/8) (about 9%) rounded to 4 px, up to 8192
_BUCKETS = sorted({*range(4, 33, 4), *(-(-math.ceil(2 ** (k / 8)) // 4) * 4 for k in range(40, 105))})


def bucket(size: int) -> int:
    """The raster size that serves ``size``: the smallest bucket not below it."""
    i = bisect.bisect_left(_BUCKETS, size)
    return _BUCKETS[i] if i < len(_BUCKETS) else int(size)


def snap(size: float) -> int:
    """The largest bucket not above ``size``: drawings placed at it rasterise once, without a resize."""
    i = bisect.bisect_right(_BUCKETS, size)
    return _BUCKETS[i - 1] if i > 0 else 4


