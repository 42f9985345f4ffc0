"""reproduce: a planning-engine asset re-rendered from its stored plan gives the same render_sha256."""

from __future__ import annotations

import json

import pytest
from catalog_helpers import context, engine_result, picture
from sqlalchemy import update

from imagegen.cli.main import main as cli_main
from imagegen.contract.specs import GenerateSpec
from imagegen.engines.base import NullProgress
from imagegen.provenance.catalog.models import Asset


@pytest.fixture(scope="module")
def generated():
    from imagegen.engines.planning.engine import PlanningEngine

    spec = GenerateSpec(
        prompt='Poster: headline "Summer Jazz", subhead "Friday 9 pm"',
        model="gpt-image-2",
        width=1024,
        height=1024,
        quality="low",
        seed=5,
    )
    return PlanningEngine().generate(spec, NullProgress())


def test_reproduce_matches_and_detects_change(recorder, settings, generated, monkeypatch, capsys):
    ctx = context("acme", 'Poster: headline "Summer Jazz"', params={"quality": "low", "seed": 5})
    [a] = recorder.record(ctx, generated)
    monkeypatch.setenv("IMAGEGEN_HOME", str(settings.home))
    out = settings.home / "again.png"
    assert cli_main(["reproduce", a.asset_id, "--tenant", "acme", "--json", "--output", str(out)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["match"] is True and doc["render_sha256"] == generated.images[0].render_sha256
    assert out.exists()
    # the stored file itself differs from any other render by design (per-asset watermark, time, signature)
    assert a.sha256 != generated.images[0].render_sha256
    # a changed plan no longer reproduces: exit 1 and DIFFERENT
    plan = dict(generated.images[0].plan)
    plan["canvas"] = dict(plan["canvas"]) | {"width": 1040}
    with recorder.sessions() as s, s.begin():
        s.execute(update(Asset).where(Asset.asset_id == a.asset_id).values(plan=plan))
    assert cli_main(["reproduce", a.asset_id, "--tenant", "acme"]) == 1
    assert "DIFFERENT" in capsys.readouterr().out
    assert cli_main(["reproduce", a.asset_id, "--tenant", "other"]) == 65  # not found for another tenant


def test_reproduce_refuses_assets_without_plan(recorder, settings, monkeypatch, capsys):
    [a] = recorder.record(context("acme", "x"), engine_result([picture(1)]))
    monkeypatch.setenv("IMAGEGEN_HOME", str(settings.home))
    assert cli_main(["reproduce", a.asset_id, "--tenant", "acme"]) == 65
    assert "no stored plan" in capsys.readouterr().err
