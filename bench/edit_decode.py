"""What decoding a large edit input costs, door to engine: once (the door's pixels handed to this process's
worker, ``jobs.decoded``) against twice (the worker rebuilding the spec from the stored bytes, as a worker in
another process, or every worker before the hand-off, does).

Usage: ``.venv/bin/python bench/edit_decode.py [--side 4096] [--runs 3] [--json]``

Each measurement runs in a fresh Python process, so its peak RSS (``VmHWM``) is its own. The input is a
photo-like PNG (a gradient with per-pixel noise, ~37 MB at 4096x4096), edited with ``size`` auto for
gpt-image-2 (working size 2880x2880). Timed: the contract's parse (decode, checks, working size) plus what
the worker does before the engine runs: ``take`` of the parked spec, or ``spec_from_json`` on the stored
bytes (``spec_to_json`` + ``encode_inputs``, exactly what the job row keeps), while the door's parsed request
stays alive as it does in a synchronous route waiting for its job.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import time
from typing import Any


def photo_png(side: int) -> bytes:
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(1)
    pixels = rng.random((side, side, 3)) * 40 + np.linspace(0, 200, side)[None, :, None]
    buf = io.BytesIO()
    Image.fromarray(pixels.astype("uint8")).save(buf, format="PNG")
    return buf.getvalue()


def _peak_mb() -> float:
    """This process's peak RSS (``VmHWM``: its own address space; ``ru_maxrss`` would count the parent's
    before the exec)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def measure(mode: str, path: str) -> dict[str, Any]:
    """One run in this process: door + worker, ``mode`` ``once`` or ``twice``."""
    from imagegen.contract.parse import parse_edit_request
    from imagegen.contract.specs import EditSpec
    from imagegen.jobs.decoded import DecodedInputs
    from imagegen.jobs.spec_codec import encode_inputs, spec_from_json, spec_to_json

    with open(path, "rb") as fh:
        data = fh.read()
    base_rss = _peak_mb()
    started = time.perf_counter()
    parsed = parse_edit_request({"prompt": "make it warmer", "model": "gpt-image-2"}, [data],
                                default_model="gpt-image-2", known_model=lambda _m: True)
    door = time.perf_counter()
    spec = parsed.spec
    assert isinstance(spec, EditSpec)
    # the job row is written either way; the synchronous route keeps its parsed request while it waits
    stored_json, files = spec_to_json(spec), encode_inputs(spec)
    if mode == "once":
        parked = DecodedInputs()
        parked.park("job", spec)
        worker_spec = parked.take("job")
    else:
        worker_spec = spec_from_json(stored_json, files)
    done = time.perf_counter()
    assert worker_spec is not None and worker_spec.images[0].image.size == (2880, 2880)
    return {"mode": mode, "door_s": door - started, "worker_s": done - door, "total_s": done - started,
            "peak_rss_mb": _peak_mb(),
            "rss_at_start_mb": base_rss}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=4096)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(*args.child)))
        return
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".png") as tmp:
        data = photo_png(args.side)
        tmp.write(data)
        tmp.flush()
        rows: dict[str, list[dict[str, Any]]] = {"once": [], "twice": []}
        for _ in range(args.runs):
            for mode in ("twice", "once"):  # interleaved: machine load hits both alike
                out = subprocess.run([sys.executable, __file__, "--child", mode, tmp.name], check=True,
                                     capture_output=True, text=True).stdout
                rows[mode].append(json.loads(out.strip().splitlines()[-1]))
    summary = {mode: {key: round(statistics.median(r[key] for r in runs), 2)
                      for key in ("door_s", "worker_s", "total_s", "peak_rss_mb", "rss_at_start_mb")}
               for mode, runs in rows.items()}
    if args.json:
        print(json.dumps({"input_bytes": len(data), "side": args.side, "runs": args.runs, **summary},
                         indent=2))
        return
    print(f"{args.side}x{args.side} PNG input, {len(data) / 1e6:.1f} MB; medians of {args.runs} runs, "
          "each in a fresh process")
    print(f"{'decodes':<8} {'door s':>7} {'worker s':>9} {'total s':>8} {'peak RSS':>9} {'(start)':>8}")
    for mode, s in summary.items():
        print(f"{mode:<8} {s['door_s']:>7.2f} {s['worker_s']:>9.2f} {s['total_s']:>8.2f} "
              f"{s['peak_rss_mb']:>6.0f} MB {s['rss_at_start_mb']:>5.0f} MB")


if __name__ == "__main__":
    main()
