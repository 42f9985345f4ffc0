"""Routing to upstreams (SPEC §10): upstream/<name>, aliases in IMAGEGEN_ROUTES, the picture model, config."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from imagegen.config import Settings
from imagegen.contract.errors import EngineUnavailable, InvalidValue
from imagegen.engines.planning.engine import PlanningEngine
from imagegen.engines.routing import EngineRouter
from imagegen.engines.upstream import UpstreamEngine, load_upstreams

TOML = """
[gateway]
kind = "openai"
base_url = "https://gateway.example/v1"
api_key_env = "GATEWAY_KEY"
timeout_s = 120
prices = { output_per_mtok = 30.0, input_per_mtok = 8.0 }

[runcomfy]
kind = "queue"
base_url = "https://queue-host.example/v1"
api_key_env = "QUEUE_HOST_TOKEN"
model = "openai/gpt-image-2"
poll_s = 2
timeout_s = 600
prices = { per_image = { low = 0.01, medium = 0.04, high = 0.17 } }
"""


def settings(home: Path, **extra: str) -> Settings:
    home.mkdir(parents=True, exist_ok=True)
    return Settings(home=home, database_url=f"sqlite:///{home / 'db'}", extra=extra)


def test_upstreams_toml_is_parsed_into_typed_config(tmp_path: Path) -> None:
    (tmp_path / "upstreams.toml").write_text(TOML)
    ups = load_upstreams(tmp_path)
    assert set(ups) == {"openai", "gateway", "runcomfy"}
    gw, q = ups["gateway"], ups["runcomfy"]
    assert gw.kind == "openai" and gw.model == "gpt-image-2" and gw.timeout_s == 120
    assert gw.prices is not None and gw.prices.cost_usd({"input_tokens": 1000, "output_tokens": 2000},
                                                        "high", 1) == pytest.approx(0.068)
    assert q.kind == "queue" and q.model == "openai/gpt-image-2" and q.poll_s == 2
    assert q.prices is not None and q.prices.cost_usd(None, "medium", 3) == pytest.approx(0.12)
    assert ups["openai"].timeout_s == 360 and ups["openai"].base_url is None
    assert load_upstreams(tmp_path) is ups  # parsed once


@pytest.mark.parametrize("bad,needle", [
    ('[x]\nkind = "ftp"\n', "kind must be"),
    ('[x]\nkind = "queue"\n', "needs base_url"),
    ('[x]\ntimeout_s = -1\n', "timeout_s"),
    ('[x]\nbase_url = "file:///etc"\n', "http(s)"),
    ('[x]\nretries = 3\n', "unknown setting"),
    ("[x\n", "not valid TOML"),
])
def test_bad_upstreams_toml_is_a_clear_503(tmp_path: Path, bad: str, needle: str) -> None:
    (tmp_path / "upstreams.toml").write_text(bad)
    with pytest.raises(EngineUnavailable, match=r"upstreams\.toml") as info:
        load_upstreams(tmp_path)
    assert needle in info.value.message


def test_upstream_routes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "upstreams.toml").write_text(TOML)
    monkeypatch.setenv("GATEWAY_KEY", "k")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-x")
    router = EngineRouter(settings(tmp_path))
    gateway = router.engine_for("upstream/gateway")
    assert isinstance(gateway, UpstreamEngine) and gateway.config.base_url == "https://gateway.example/v1"
    assert isinstance(router.engine_for("upstream/openai"), UpstreamEngine)
    with pytest.raises(EngineUnavailable, match=r"\[nope\]"):
        router.engine_for("upstream/nope")
    monkeypatch.delenv("QUEUE_HOST_TOKEN", raising=False)
    with pytest.raises(EngineUnavailable, match="QUEUE_HOST_TOKEN"):
        router.engine_for("upstream/runcomfy")


def test_a_route_may_name_another_model_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-x")
    router = EngineRouter(settings(tmp_path, routes=json.dumps({"gpt-image-2": "upstream/openai"})))
    engine = router.engine_for("gpt-image-2")
    assert isinstance(engine, UpstreamEngine) and engine.config.name == "openai"
    assert engine.upstream_model("gpt-image-2") == "gpt-image-2"
    assert isinstance(router.engine_for("gpt-image-1"), PlanningEngine)
    with pytest.raises(InvalidValue, match="no route serves"):
        EngineRouter(settings(tmp_path / "b", routes=json.dumps({"gpt-image-2": "nothing-here"})))
    looped = EngineRouter(settings(tmp_path / "c", routes=json.dumps({"a": "b", "b": "a"})))
    with pytest.raises(EngineUnavailable, match="routes back"):
        looped.engine_for("a")


def test_picture_model_gives_the_planning_engine_a_painter(tmp_path: Path) -> None:
    router = EngineRouter(settings(tmp_path, picture_model="upstream/gateway"))
    engine = router.engine_for("gpt-image-2")
    assert isinstance(engine, PlanningEngine) and engine.picture_model == "upstream/gateway"
    assert engine._painter is not None
    plain = EngineRouter(settings(tmp_path / "p")).engine_for("gpt-image-2")
    assert isinstance(plain, PlanningEngine) and plain._painter is None
