"""Issue 8, item 4: the answer reports a dropped element -- CLI ``--json`` carries the verification, the CLI
warns on stderr, and the API's ``data[]`` item carries it (``contract.responses``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from imagegen.contract.responses import ImageItem, verification_summary

#: five rows counted, four listed: the count cannot be honoured without inventing a row
SHORT = (
    "Spec sheet titled Lamp X with 5 specification rows "
    "(Height: 40 cm; Weight: 1.1 kg; Bulb: E27; Cable: 2 m)"
)


def test_summary_lists_what_is_missing() -> None:
    report = {
        "passed": False,
        "unresolved": ["ask: asked '5 specification rows': 5 row is not on the canvas (4 drawn)"],
        "checks": [
            {"kind": "ask", "passed": True, "detail": "asked text 'Lamp X' (title): drawn"},
            {
                "kind": "ask",
                "passed": False,
                "detail": "asked '5 specification rows': 5 row is not on the canvas",
            },
            {"kind": "ocr", "passed": True, "detail": "read"},
        ],
    }
    summary = verification_summary(report)
    assert summary == {
        "passed": False,
        "unresolved": report["unresolved"],
        "asked": 2,
        "missing": ["asked '5 specification rows': 5 row is not on the canvas"],
    }
    assert verification_summary(None) is None
    item = ImageItem(revised_prompt="r", asset_id="img_1", b64_json="", verification=summary).to_json()
    assert item["verification"]["passed"] is False
    assert "verification" not in ImageItem(revised_prompt="r", asset_id="img_1", b64_json="").to_json()


def test_cli_json_carries_the_report_and_stderr_warns(tmp_path: Path) -> None:
    env = {**os.environ, "IMAGEGEN_HOME": str(tmp_path / "home"), "HF_HUB_OFFLINE": "1"}
    env.pop("IMAGEGEN_PLANNER_URL", None)
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "imagegen.cli.main",
            "generate",
            SHORT,
            "-o",
            str(tmp_path / "out"),
            "--json",
            "--quality",
            "low",
            "--seed",
            "3",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    (image,) = json.loads(out.stdout)["images"]
    checked = image["verification"]
    assert checked["passed"] is False and checked["asked"] >= 6
    assert any("5 specification rows" in m for m in checked["missing"])
    warnings = [line for line in out.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "5 specification rows" in warnings[0]
