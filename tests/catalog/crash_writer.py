"""Subprocess for the kill -9 test: records small images in a loop until it is killed."""

from __future__ import annotations

import sys
from pathlib import Path

from catalog_helpers import context, engine_result, picture

from imagegen.config import Settings
from imagegen.provenance.catalog.recorder import Recorder


def main() -> None:
    home = Path(sys.argv[1])
    seed = int(sys.argv[2])
    rec = Recorder(Settings(home=home, database_url=f"sqlite:///{home / 'imagegen.db'}"))
    _ = rec.signer
    i = 0
    while True:
        n = 1 + i % 3
        rec.record(
            context("acme", f"crash test poster {seed} {i}"),
            engine_result([picture(seed * 1000 + i * 3 + k, (320, 320)) for k in range(n)]),
        )
        if i == 0:
            # "ready" once one record is in: the kill then lands among the writes, however long this
            # process took to warm up (the first record took ~1 s on a loaded machine: as long as some waits)
            print("ready", flush=True)
        i += 1


if __name__ == "__main__":
    main()
