"""``imagegen recipes`` lists shipped and operator recipes; ``recipes check`` refuses a bad file (65)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from imagegen.cli.main import main


def test_recipes_lists_shipped_and_operator_recipes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("IMAGEGEN_HOME", str(tmp_path))
    (tmp_path / "recipes").mkdir()
    (tmp_path / "recipes" / "edit-review.yaml").write_text(  # an operator's file hides the shipped one
        "name: edit-review\nversion: 7\n"
        "steps: [{id: a, kind: capture}, {id: b, kind: edit, prompt: '{prompt}'}]\n")
    assert main(["recipes", "--json"]) == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)["recipes"]}
    assert set(rows) == {"edit-review", "storyboard-keyframes", "typography-hero-4k"}
    assert rows["edit-review"]["version"] == 7 and rows["edit-review"]["starts_from_image"] is True
    assert rows["storyboard-keyframes"]["model"] == "pipeline/storyboard-keyframes"
    assert [s["kind"] for s in rows["typography-hero-4k"]["steps"]] == ["generate", "stylize", "upscale"]


def test_recipes_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("name: good\nversion: 1\nsteps: [{id: a, kind: generate, n: 2}]\n")
    assert main(["recipes", "check", str(good)]) == 0
    assert "ok: pipeline/good v1 (1 steps)" in capsys.readouterr().out
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"name": "bad", "version": 1, "steps": [{"id": "a", "kind": "review"}]}))
    assert main(["recipes", "check", str(bad)]) == 65
    err = capsys.readouterr().err.strip()
    assert err == ("imagegen: error: Invalid recipe bad.json: the first step must be 'capture' or "
                   "'generate' (param: recipe)")
