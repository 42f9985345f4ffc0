"""Lineage trees, Art. 50 export (csv/json), usage sums; each scoped to one tenant."""

from __future__ import annotations

import csv
import hashlib
import io
import json

import pytest
from catalog_helpers import context, engine_result, picture

from imagegen.cli.main import main as cli_main
from imagegen.contract.errors import NotFound
from imagegen.provenance.catalog.export import export_rows, write_csv, write_json
from imagegen.provenance.catalog.lineage import lineage, render_tree
from imagegen.provenance.catalog.usage import usage_report


def _edit(recorder, tenant, parents, prompt="edit", n=1):
    inputs = tuple(recorder.load_input(tenant, p.asset_id) for p in parents)
    ctx = context(tenant, prompt, operation="edit", inputs=inputs)
    return recorder.record(ctx, engine_result([picture(100 + i + len(prompt)) for i in range(n)]))


def test_lineage_tree_both_directions(record, recorder, settings, monkeypatch, capsys):
    [root] = record("acme", "original poster")
    [child1, child2] = _edit(recorder, "acme", [root], "two variants", n=2)
    [grandchild] = _edit(recorder, "acme", [child1], "make it red")
    [other] = record("acme", "unrelated logo")
    [merged] = _edit(recorder, "acme", [grandchild, other], "combine both")
    with recorder.sessions() as s:
        doc = lineage(s, "acme", child1.asset_id)
        up, down = doc["ancestors"], doc["descendants"]
        assert [c["asset_id"] for c in up["children"]] == [root.asset_id]
        assert up["children"][0]["relation"] == "edit"
        assert [c["asset_id"] for c in down["children"]] == [grandchild.asset_id]
        assert [c["asset_id"] for c in down["children"][0]["children"]] == [merged.asset_id]
        whole = lineage(s, "acme", root.asset_id)["descendants"]
        assert {c["asset_id"] for c in whole["children"]} == {child1.asset_id, child2.asset_id}
        up_merged = lineage(s, "acme", merged.asset_id)["ancestors"]
        assert {c["asset_id"] for c in up_merged["children"]} == {grandchild.asset_id, other.asset_id}
        lines = render_tree(up_merged, label="made from")
        assert any(root.asset_id in line for line in lines)
        with pytest.raises(NotFound):
            lineage(s, "intruder", root.asset_id)
    monkeypatch.setenv("IMAGEGEN_HOME", str(settings.home))
    assert cli_main(["lineage", merged.asset_id, "--tenant", "acme"]) == 0
    out = capsys.readouterr().out
    assert root.asset_id in out and "└── " in out
    assert cli_main(["lineage", merged.asset_id, "--tenant", "intruder"]) == 65
    assert "No asset found" in capsys.readouterr().err


def test_export_csv_and_json(record, recorder, settings, monkeypatch, capsys):
    [a] = record("acme", "launch poster for Nova", user="ann")
    [b] = _edit(recorder, "acme", [a], "make the title bigger")
    record("other", "someone else's poster")
    with recorder.sessions() as s:
        rows = list(export_rows(s, "acme"))
        assert [r["asset_id"] for r in rows] == [a.asset_id, b.asset_id]
        assert rows[0]["prompt"] == "launch poster for Nova" and rows[0]["user"] == "ann"
        assert rows[0]["ai_generated"] is True and rows[0]["engine"] == "planning"
        assert rows[0]["digital_source_type"].endswith("trainedAlgorithmicMedia")
        assert rows[1]["digital_source_type"].endswith("compositeWithTrainedAlgorithmicMedia")
        assert rows[1]["parents"] == [a.asset_id]
        assert rows[0]["watermark_id"] == a.asset_id.removeprefix("img_")
        hashed = list(export_rows(s, "acme", hash_prompts=True))
        assert hashed[0]["prompt"] is None
        assert hashed[0]["prompt_sha256"] == hashlib.sha256(b"launch poster for Nova").hexdigest()
        buf = io.StringIO()
        assert write_csv(iter(rows), buf) == 2
        parsed = list(csv.DictReader(io.StringIO(buf.getvalue())))
        assert parsed[1]["parents"] == a.asset_id and parsed[0]["tenant_id"] == "acme"
        buf = io.StringIO()
        write_json(iter(rows), buf)
        assert [r["asset_id"] for r in json.loads(buf.getvalue())] == [a.asset_id, b.asset_id]
        assert list(export_rows(s, "acme", model="gpt-image-1")) == []
    monkeypatch.setenv("IMAGEGEN_HOME", str(settings.home))
    assert (
        cli_main(["export", "--tenant", "acme", "--format", "json", "--hash-prompts", "--from", "2020-01-01"])
        == 0
    )
    doc = json.loads(capsys.readouterr().out)
    assert len(doc) == 2 and all(r["prompt"] is None and r["tenant_id"] == "acme" for r in doc)


def test_usage_sums(recorder, settings, monkeypatch, capsys):
    recorder.record(context("acme", "a", compute_seconds=4.0), engine_result([picture(1), picture(2)]))
    recorder.record(
        context("acme", "b", model="gpt-image-1", compute_seconds=1.0), engine_result([picture(3)])
    )
    up = engine_result([picture(4)], engine="upstream")
    up.upstream_cost = {"total_tokens": 1200, "usd": 0.04}
    recorder.record(context("acme", "c", model="upstream/openai", source="upstream", compute_seconds=2.0), up)
    recorder.record(context("other", "d", compute_seconds=100.0), engine_result([picture(5)]))
    with recorder.sessions() as s:
        doc = usage_report(s, "acme", None, None)
    assert doc["assets"] == 4
    assert doc["compute_seconds"] == pytest.approx(7.0)
    mp = 256 * 256 / 1e6
    assert doc["cost_credits"] == pytest.approx(7.0 * 2 + 4 * mp, abs=1e-3)
    assert doc["upstream_tokens"] == 1200 and doc["upstream_cost_usd"] == pytest.approx(0.04)
    lines = {(x["requested_model"], x["engine"]): x for x in doc["by_model"]}
    assert lines[("gpt-image-2", "planning")]["assets"] == 2
    assert lines[("upstream/openai", "upstream")]["upstream_tokens"] == 1200
    monkeypatch.setenv("IMAGEGEN_HOME", str(settings.home))
    assert (
        cli_main(["usage", "--tenant", "acme", "--from", "2000-01-01", "--to", "2999-12-31", "--json"]) == 0
    )
    assert json.loads(capsys.readouterr().out)["assets"] == 4
