"""Cost of the illustrated pictures: cold loads, reading a brief, and the whole request at 1024² medium.

    .venv/bin/python bench/illustrations.py [--runs 5]

Prints the one-time costs of a process (the set, the cached index, the MiniLM model), the time to read a brief
into drawings with and without the query cache, and the whole request (PlanningEngine.generate: plan, render,
verify) for each brief of ``bench/illustration_briefs.json`` at 1024x1024 medium after a warm-up, as wall and
CPU p50 over ``--runs`` seeds (a new seed is a new take: the raster cache is warm for the same drawings).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from imagegen.contract.specs import GenerateSpec
from imagegen.engines.base import NullProgress
from imagegen.engines.planning.engine import PlanningEngine
from imagegen.engines.planning.render.illustrations import index as index_mod
from imagegen.engines.planning.render.illustrations.embed import encoder
from imagegen.engines.planning.render.illustrations.library import library
from imagegen.engines.planning.render.illustrations.words import read_brief

BRIEFS = Path(__file__).with_name("illustration_briefs.json")


def timed(fn):  # type: ignore[no-untyped-def]
    t, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - t, time.process_time() - c


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    cases = json.loads(BRIEFS.read_text())["cases"]

    _, wall, _ = timed(library)
    print(f"load the set (icons.json):        {wall * 1000:7.0f} ms")
    idx, wall, _ = timed(index_mod.index)
    print(f"load the cached index:            {wall * 1000:7.0f} ms  ({len(idx.names)} drawings)")
    _, wall, _ = timed(encoder)
    print(f"load MiniLM (numpy):              {wall * 1000:7.0f} ms")
    _, wall, _ = timed(lambda: [read_brief(c["prompt"], idx) for c in cases])
    print(f"read {len(cases)} briefs, cold queries:     {wall * 1000:7.0f} ms")
    _, wall, _ = timed(lambda: [read_brief(c["prompt"], idx) for c in cases])
    print(f"read {len(cases)} briefs, cached queries:   {wall * 1000:7.0f} ms")

    engine = PlanningEngine()
    engine.warm()
    print(f"\nwhole request, 1024x1024 medium, n=1, p50 over {args.runs} seeds (after one warm-up):")
    print(f"{'brief':<16} {'wall p50':>9} {'cpu p50':>9}")
    for case in cases:

        def run(seed: int, prompt: str = case["prompt"]) -> None:
            spec = GenerateSpec(
                prompt=prompt, model="gpt-image-2", n=1, width=1024, height=1024, quality="medium", seed=seed
            )
            engine.generate(spec, NullProgress())

        run(1)
        walls, cpus = [], []
        for seed in range(2, 2 + args.runs):
            _, wall, cpu = timed(lambda seed=seed: run(seed))
            walls.append(wall)
            cpus.append(cpu)
        print(f"{case['id']:<16} {statistics.median(walls):8.3f}s {statistics.median(cpus):8.3f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
