"""Pipelines: each shipped recipe runs as one job through the service, every step's output is an asset with a
lineage edge and a C2PA ingredient to its input, the recipe and its version are recorded, progress names the
steps, a cancelled pipeline records nothing, and bad recipes are refused by name."""

from __future__ import annotations

import io
import itertools
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from imagegen.contract.errors import ImagegenError, InvalidValue, JobCancelled, ModelNotFound
from imagegen.contract.parse import parse_edit_request, parse_generate_request
from imagegen.engines.pipeline import list_recipes, load_recipe, parse_recipe
from imagegen.provenance.catalog.search import SearchQuery
from imagegen.provenance.marks.inspect import inspect_file
from imagegen.service import Service
from imagegen.tenants import LOCAL_TENANT

TENANT = LOCAL_TENANT


def _run(service: Service, body: dict[str, Any], images: list[Any] | None = None,
         on_progress: Any = None) -> Any:
    known = service.is_known_model
    if images is None:
        parsed = parse_generate_request(body, default_model=service.default_model, known_model=known)
    else:
        parsed = parse_edit_request(body, images, None, default_model=service.default_model,
                                    known_model=known)
    return service.run(TENANT, parsed.operation, parsed.spec, params=parsed.params, on_progress=on_progress,
                       timeout=240)


def _chain(service: Service, asset_ids: list[str]) -> None:
    """Each asset after the first has the one before it as its parent (lineage and C2PA ingredient)."""
    catalog = service.catalog(TENANT)
    for parent, child in itertools.pairwise(asset_ids):
        tree = catalog.lineage(child)
        assert parent in json.dumps(tree.get("ancestors", tree)), (parent, tree)
        found = inspect_file(catalog.content(child).data)
        assert found.c2pa.validation_state in ("Valid", "Trusted")
        assert parent in json.dumps(found.c2pa.ingredients), found.c2pa.ingredients


def _texts(nodes: list[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    for node in nodes:
        if node.get("kind") == "text":
            out.append(node["text"])
        out += _texts(node.get("children") or [])
    return out


def test_shipped_recipes_validate_and_are_listed() -> None:
    names = [r.recipe.name for r in list_recipes()]
    assert names == ["edit-review", "storyboard-keyframes", "typography-hero-4k"]
    for loaded in list_recipes():
        assert loaded.recipe.version >= 1 and len(loaded.sha256) == 64


def test_typography_hero_stylize_4k(service: Service) -> None:
    messages: list[str] = []
    outcome = _run(service, {"model": "pipeline/typography-hero-4k", "quality": "low", "seed": 5,
                             "prompt": 'A launch hero with the headline "Northwind Labs" and the subhead '
                                       '"Field notes from the edge"'},
                   on_progress=lambda f, m: messages.append(m))
    assets = outcome.assets
    # hero (planning engine), stylized + exact text set again (planning engine over the picture), 4K
    assert [(a.width, a.height) for a in assets] == [(2048, 1152), (2048, 1152), (3840, 2160)]
    ids = [a.asset_id for a in assets]
    _chain(service, ids)
    catalog = service.catalog(TENANT)
    records = [catalog.asset(i) for i in ids]
    steps = [r["extra"]["pipeline"]["step"] for r in records]
    assert steps == ["hero", "stylize", "deliver"]
    loaded = load_recipe("typography-hero-4k")
    for r in records:
        assert r["extra"]["pipeline"]["recipe"] == "typography-hero-4k"
        assert (r["extra"]["pipeline"]["version"], r["extra"]["pipeline"]["sha256"]) == (1, loaded.sha256)
    assert records[1]["extra"]["stylized_by"] == "test-stylize:fake"
    # the text layer was verified: the headline reads back on the stylized picture
    report = records[1]["report"]
    assert report and report.get("passed") is True, report
    assert any("step 1/3" in m for m in messages) and any("step 3/3 upscale" in m for m in messages)
    assert records[2]["report"]["pipeline"]["steps"][1] == {"id": "stylize", "kind": "stylize", "images": 1}


def test_stylize_is_skipped_and_said_without_a_backend(service: Service, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(service.router.settings.extra, "stylize_model", "")
    outcome = _run(service, {"model": "pipeline/typography-hero-4k", "quality": "low", "seed": 6,
                             "prompt": 'A hero with the headline "Quiet Hours"'})
    assert [(a.width, a.height) for a in outcome.assets] == [(2048, 1152), (3840, 2160)]
    _chain(service, [a.asset_id for a in outcome.assets])
    final = service.catalog(TENANT).asset(outcome.assets[-1].asset_id)
    notes = final["report"]["pipeline"]["notes"]
    assert len(notes) == 1 and "stylize 'stylize' skipped" in notes[0]
    assert "IMAGEGEN_STYLIZE_MODEL" in notes[0]


def test_storyboard_keyframes_four_frames_upscaled_and_queued_for_review(service: Service) -> None:
    outcome = _run(service, {"model": "pipeline/storyboard-keyframes", "quality": "low", "seed": 9,
                             "prompt": "a cyclist at dawn; rain; a flat tire; coasting downhill"})
    assets = outcome.assets
    assert len(assets) == 8
    assert [(a.width, a.height) for a in assets] == [(1536, 1024)] * 4 + [(3072, 2048)] * 4
    catalog = service.catalog(TENANT)
    for frame, key in zip(assets[:4], assets[4:], strict=True):
        _chain(service, [frame.asset_id, key.asset_id])
        record = catalog.asset(key.asset_id)
        assert record["review"]["state"] == "draft"
        assert record["review"]["comment"] == "Keyframes ready for the director's review"
        assert record["review_history"][0]["by"].startswith("pipeline:pipeline/storyboard-keyframes")
        assert catalog.asset(frame.asset_id)["review_history"] == []


def test_edit_loop_then_client_review_and_approval(service: Service) -> None:
    first = _run(service, {"model": "imagegen-design", "quality": "low", "seed": 3, "size": "1536x1024",
                           "prompt": 'A sale banner with the headline "Spring Sale" and "20% off"'})
    root = first.assets[0]
    source = service.load_input(TENANT, root.asset_id)
    outcome = _run(service, {"model": "pipeline/edit-review", "quality": "low", "seed": 3,
                             "prompt": 'change the headline to "Summer Sale"'}, images=[source])
    (revised,) = outcome.assets
    catalog = service.catalog(TENANT)
    record = catalog.asset(revised.asset_id)
    texts = json.dumps(_texts(record["plan"]["nodes"]))
    assert "Summer Sale" in texts and "Spring Sale" not in texts
    assert record["report"]["passed"] is True, record["report"]
    assert record["review"] == {**record["review"], "state": "draft", "comment": "Sent for client review"}
    _chain(service, [root.asset_id, revised.asset_id])
    # the client approves; "which version did we approve" is one lineage query
    catalog.review(revised.asset_id, "approved", by="client@example.com", comment="Ship it")
    approved = catalog.search(SearchQuery(review="approved", root=root.asset_id))
    assert [a["asset_id"] for a in approved.items] == [revised.asset_id]


def test_a_cancelled_pipeline_records_nothing(tmp_path: Path) -> None:
    from pipeline_fakes import SlowUpscaler

    from imagegen.config import Settings
    from imagegen.db.engine import dispose_all

    SlowUpscaler.started.clear()  # a class-level event: set by any earlier run of the slow upscaler
    home = tmp_path / "home"
    settings = Settings(home=home, database_url=f"sqlite:///{home / 'imagegen.db'}", workers=1,
                        extra={"job_heartbeat_s": "0.1", "job_poll_s": "0.1"})
    settings.ensure_dirs()
    with Service(settings) as svc:
        svc.router.register("imagegen-upscale", SlowUpscaler)
        parsed = parse_generate_request({"model": "pipeline/storyboard-keyframes", "quality": "low", "n": 1,
                                         "prompt": "a lighthouse at night"}, default_model=svc.default_model,
                                        known_model=svc.is_known_model)
        job_ids: list[str] = []
        errors: list[BaseException] = []

        def run() -> None:
            try:
                svc.run(TENANT, parsed.operation, parsed.spec, params=parsed.params,
                        on_submitted=job_ids.append, timeout=120)
            except BaseException as exc:
                errors.append(exc)

        worker = threading.Thread(target=run)
        worker.start()
        assert SlowUpscaler.started.wait(60)
        svc.cancel(TENANT, job_ids[0])
        worker.join(60)
        assert errors and isinstance(errors[0], JobCancelled | ImagegenError)
        assert svc.status(TENANT, job_ids[0]).status == "cancelled"
        assert svc.catalog(TENANT).search(SearchQuery()).items == []
    dispose_all()


def test_bad_and_unknown_recipes_are_refused_by_name(service: Service) -> None:
    with pytest.raises(ModelNotFound, match="no recipe named 'nope'"):
        _run(service, {"model": "pipeline/nope", "prompt": "x"})
    with pytest.raises(InvalidValue, match="starts from an image"):
        _run(service, {"model": "pipeline/edit-review", "prompt": "x"})
    bad = [
        ("name: x\nversion: 1\nsteps: []\n", "steps"),
        ("name: x\nversion: 1\nsteps: [{id: a, kind: edit, prompt: p}]\n", "first step"),
        ("name: x\nversion: 1\nsteps: [{id: a, kind: generate}, {id: b, kind: upscale}]\n", "exactly one"),
        ("name: x\nversion: 1\nsteps: [{id: a, kind: generate, size: 1792x936}]\n", "divisible by 16"),
        ("name: x\nversion: 1\nsteps: [{id: a, kind: generate}, {id: b, kind: edit, prompt: p, from: z}]\n",
         "not an earlier step"),
        ("name: x\nversion: 1\nsteps: [{id: a, kind: paint}]\n", "steps.0"),
        ("[1, 2", "not valid YAML"),
    ]
    for text, expected in bad:
        with pytest.raises(InvalidValue, match=expected):
            parse_recipe(text)


def test_an_operators_recipe_in_home_is_used(service: Service) -> None:
    folder = service.settings.home / "recipes"
    folder.mkdir(exist_ok=True)
    (folder / "two-sizes.yaml").write_text(
        "name: two-sizes\nversion: 3\nsteps:\n"
        "  - {id: a, kind: generate, model: imagegen-design, size: 1024x1024}\n"
        "  - {id: b, kind: upscale, scale: 2}\n")
    outcome = _run(service, {"model": "pipeline/two-sizes", "quality": "low",
                             "prompt": 'A badge that says "Beta"'})
    assert [(a.width, a.height) for a in outcome.assets] == [(1024, 1024), (2048, 2048)]
    with Image.open(io.BytesIO(outcome.assets[1].data)) as im:
        assert im.size == (2048, 2048)
    assert service.catalog(TENANT).asset(outcome.assets[1].asset_id)["extra"]["pipeline"]["version"] == 3
