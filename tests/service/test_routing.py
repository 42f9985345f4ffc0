"""Model routing: defaults (SPEC §1), operator overrides, lazy cached engines, clear refusals."""

from __future__ import annotations

import json
from pathlib import Path

import imagegen_test_engines as fake_engines
import pytest
from service_helpers import make_settings

from imagegen.contract.errors import EngineUnavailable, InvalidValue, ModelNotFound
from imagegen.engines.routing import DEFAULT_ROUTES, EngineRouter, model_from_path


def test_default_routes_know_the_contract_ids(tmp_path: Path) -> None:
    router = EngineRouter(make_settings(tmp_path))
    for model in ("gpt-image-2", "gpt-image-2-2026-04-21", "gpt-image-1", "gpt-image-1.5",
                  "gpt-image-1-mini", "imagegen-design", "diffusers/some/repo"):
        assert router.is_known(model), model
    for model in ("dall-e-3", "diffusers/", "gpt-image-3", ""):
        assert not router.is_known(model), model
    with pytest.raises(ModelNotFound) as err:
        router.engine_for("dall-e-3")
    assert err.value.status == 404 and err.value.code == "model_not_found"


def test_missing_engine_is_503(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, routes=json.dumps({"ghost/": "imagegen_no_such_module:Engine",
                                                          "half": "imagegen_test_engines:NoSuchFactory"}))
    router = EngineRouter(settings)
    with pytest.raises(EngineUnavailable) as err:
        router.engine_for("ghost/model")
    assert err.value.status == 503 and "not installed" in err.value.message
    with pytest.raises(EngineUnavailable):
        router.engine_for("half")


def test_overrides_from_env_json_and_file(tmp_path: Path) -> None:
    routes_file = tmp_path / "routes.json"
    routes_file.write_text(json.dumps({"gpt-image-1": "imagegen_test_engines:SlowEngine"}))
    quick = json.dumps({"gpt-image-2": "imagegen_test_engines:QuickEngine"})
    settings = make_settings(tmp_path / "h", routes=quick, routes_file=str(routes_file))
    router = EngineRouter(settings)
    assert isinstance(router.engine_for("gpt-image-2"), fake_engines.QuickEngine)
    assert isinstance(router.engine_for("gpt-image-1"), fake_engines.SlowEngine)
    assert router.routes()["gpt-image-2"] == "imagegen_test_engines:QuickEngine"
    assert router.routes()["imagegen-design"] == "imagegen.engines.planning.engine:PlanningEngine"
    assert DEFAULT_ROUTES["imagegen-design"] is router._routes["imagegen-design"]


def test_bad_override_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidValue):
        EngineRouter(make_settings(tmp_path, routes="{not json"))
    with pytest.raises(InvalidValue):
        EngineRouter(make_settings(tmp_path / "b", routes=json.dumps({"x": "no-colon"})))


def test_engines_are_lazy_and_cached(tmp_path: Path) -> None:
    router = EngineRouter(make_settings(tmp_path))
    fake_engines.CountingFactory.built = 0
    router.register("counted", fake_engines.CountingFactory())
    router.register("also-counted", router._routes["counted"])
    assert fake_engines.CountingFactory.built == 0
    first = router.engine_for("counted")
    assert router.engine_for("counted") is first
    assert router.engine_for("also-counted") is first  # one engine per target, not per id
    assert fake_engines.CountingFactory.built == 1


def test_factory_gets_settings_and_model(tmp_path: Path) -> None:
    seen: dict[str, object] = {}

    def factory(settings, model):  # type: ignore[no-untyped-def]
        seen.update(settings=settings, model=model)
        return fake_engines.QuickEngine()

    router = EngineRouter(make_settings(tmp_path))
    router.register("pre/", factory)
    router.engine_for("pre/x")
    assert seen["model"] == "pre/x" and seen["settings"] is router.settings


def test_model_paths() -> None:
    assert model_from_path("openai/gpt-image-2") == "gpt-image-2"
    assert model_from_path("imagegen-design") == "imagegen-design"
    assert model_from_path("diffusers/org/repo") == "diffusers/org/repo"
