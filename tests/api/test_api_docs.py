"""Run every ``bash`` and ``python`` block of docs/api.md, in order, against a live server.

Blocks share one working directory (later examples use files earlier ones wrote), and get the server and
key as ``IMAGEGEN_SERVER`` / ``IMAGEGEN_API_KEY``, exactly as the page tells readers to set them.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from api_server import Server

DOC = Path(__file__).parents[2] / "docs" / "api.md"
BLOCK = re.compile(r"^```(bash|python)\n(.*?)^```", re.S | re.M)


def blocks() -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in BLOCK.finditer(DOC.read_text())]


def test_the_page_has_examples() -> None:
    kinds = [kind for kind, _ in blocks()]
    assert kinds.count("bash") >= 4 and kinds.count("python") >= 4


def test_examples_run(server: Server, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "IMAGEGEN_SERVER": server.url,
        "IMAGEGEN_API_KEY": server.key,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    for index, (kind, code) in enumerate(blocks()):
        command = ["bash", "-euo", "pipefail", "-c", code] if kind == "bash" else [sys.executable, "-c", code]
        done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"block {index} ({kind}) failed:\n{code}\n--- stderr:\n{done.stderr}"
        if kind == "bash" and "jq" in code and "b64_json" not in code and "grep" not in code:
            assert done.stdout.strip(), f"block {index} printed nothing"
    from PIL import Image

    sizes = {name: Image.open(tmp_path / name).size for name in ("poster.png", "edited.png", "warmer.png")}
    assert sizes == {"poster.png": (1536, 1024), "edited.png": (1024, 1024), "warmer.png": (1024, 1024)}
