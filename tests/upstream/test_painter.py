"""The painter behind the plan: picture regions from a backend, exact text over them, and the fallback."""

from __future__ import annotations

import numpy as np
import pytest
from fakes import FakeOpenAI, Scripted, picture

from conftest import Recording, openai_engine
from imagegen.contract.errors import JobCancelled, UpstreamError
from imagegen.contract.sizes import FlexibleSizes
from imagegen.contract.specs import GenerateSpec
from imagegen.engines.base import Engine, NullProgress
from imagegen.engines.painter import NEGATIVE, EnginePainter, Picture, PictureRequest, painter_size
from imagegen.engines.planning.engine import PlanningEngine
from imagegen.engines.planning.plan import ImageNode

BOTTLE = 'a matte ceramic water bottle on warm linen, soft window light, the word "AQUA+" on the label'
#: the painter's pictures are this colour, far from any procedural palette
PAINT = (12, 200, 40)


class FakePainter:
    model = "fake/painter"

    def __init__(self, fail: bool = False) -> None:
        self.requests: list[PictureRequest] = []
        self.fail = fail

    def paint(self, request: PictureRequest) -> Picture:
        self.requests.append(request)
        if self.fail:
            raise UpstreamError("upstream/fake answered 500: boom")
        return Picture(image=picture(request.width, request.height, PAINT), engine="fake-engine",
                       backend="fake-backend", model="fake-1")


def generate(engine: PlanningEngine, prompt: str, **kw: object) -> object:
    spec = GenerateSpec(prompt=prompt, model="gpt-image-2", width=1024, height=1536, quality="low", seed=11,
                        **kw)  # type: ignore[arg-type]
    return engine.generate(spec, NullProgress())


def painted_nodes(plan: dict) -> list[dict]:
    return [n for n in _walk(plan["nodes"]) if n.get("kind") == "image" and n.get("source") == "backend"]


def _walk(nodes: list[dict]) -> list[dict]:
    out = []
    for n in nodes:
        out.append(n)
        out.extend(_walk(n.get("children") or []))
    return out


def test_painter_size_keeps_the_aspect_within_the_contract() -> None:
    for w, h in ((896, 1296), (300, 1200), (1920, 400), (64, 64)):
        pw, ph = painter_size(w, h)
        assert FlexibleSizes().allows(pw, ph)
        assert abs(np.log(pw / ph) - np.log(max(1 / 3, min(3, w / h)))) < 0.05


def test_plan_regions_are_painted_and_text_is_set_over_them() -> None:
    painter = FakePainter()
    result = generate(PlanningEngine(painter=painter), BOTTLE, n=1)
    (request,) = painter.requests
    assert request.region == "product" and "water bottle" in request.subject
    assert NEGATIVE in request.prompt and "warm linen" in request.prompt and "#" in request.prompt
    image = result.images[0]  # type: ignore[attr-defined]
    (node,) = painted_nodes(image.plan)
    box = node["box"]
    arr = np.asarray(image.pixels.convert("RGB"))
    x0, y0, x1, y1 = (int(v) for v in (box["x"], box["y"], box["x"] + box["w"], box["y"] + box["h"]))
    region = arr[y0 + 20: y1 - 20, x0 + 20: x1 - 20]
    assert abs(float(region[:, :, 1].mean()) - (PAINT[1] + 127) / 2) < 20  # the painter's picture is there
    texts = [n for n in _walk(image.plan["nodes"]) if n.get("kind") == "text"]
    assert any(t["text"] == "AQUA+" for t in texts)
    assert image.report["checks"] and all(c["passed"] for c in image.report["checks"])
    assert image.extra["contributors"] == [
        {"engine": "imagegen-planning", "backend": "procedural", "model": "gpt-image-2",
         "region": "layout, text and codes"},
        {"engine": "fake-engine", "backend": "fake-backend", "model": "fake-1",
         "region": f"product {node['id']}"},
    ]
    assert image.extra["picture_backend"]["fallback"] is False
    assert image.report["painter"]["regions"][0]["painted_by"] == "fake-backend"


def test_n_images_share_subject_and_seed_family() -> None:
    painter = FakePainter()
    generate(PlanningEngine(painter=painter), "Photorealistic portrait of an elderly fisherman in a yellow "
             'raincoat, poster headline "THE LAST CATCH"', n=3)
    assert len(painter.requests) >= 3
    subjects = {r.subject for r in painter.requests}
    assert len(subjects) == 1 and "fisherman" in next(iter(subjects))
    seeds = sorted(r.seed for r in painter.requests)
    assert all((s - seeds[0]) % 7919 == 0 for s in seeds)  # one family: request seed + 7919 x variant


def test_a_failing_backend_falls_back_and_says_so() -> None:
    painter = FakePainter(fail=True)
    result = generate(PlanningEngine(painter=painter), BOTTLE)
    image = result.images[0]  # type: ignore[attr-defined]
    assert not painted_nodes(image.plan)
    backend = image.extra["picture_backend"]
    assert backend["fallback"] is True and backend["model"] == "fake/painter"
    assert backend["regions"][0]["painted_by"] == "offline illustrator"
    assert "boom" in backend["regions"][0]["reason"]
    assert image.report["painter"]["fallback"] is True
    assert [c["engine"] for c in image.extra["contributors"]] == ["imagegen-planning"]


def test_the_upstream_fake_as_the_painter_with_text_verified(fake_openai: FakeOpenAI) -> None:
    upstream = openai_engine(fake_openai)
    engines: dict[str, Engine] = {"upstream/gw": upstream}
    painter = EnginePainter("upstream/gw", engines.__getitem__)
    spec = GenerateSpec(prompt=BOTTLE, model="gpt-image-2", width=1024, height=1536, quality="medium", seed=4)
    result = PlanningEngine(painter=painter).generate(spec, NullProgress())
    (sent,) = fake_openai.requests
    fields = sent["fields"]
    assert NEGATIVE in fields["prompt"] and FlexibleSizes().allows(*map(int, fields["size"].split("x")))
    image = result.images[0]
    painted = image.extra["contributors"][1]
    assert painted["engine"] == "imagegen-upstream" and painted["backend"] == "upstream/gw:gpt-image-2"
    assert painted["model"] == "gpt-image-2" and painted["region"].startswith("product ")
    assert image.extra["picture_backend"]["regions"][0]["upstream"]["request_id"] == "req_fake_1"
    assert image.sources and image.sources[0].format == "png"  # the upstream's file: a C2PA ingredient
    checks = image.report["checks"]
    assert any(c["kind"] == "ocr" for c in checks) and all(c["passed"] for c in checks)
    assert result.upstream_cost is not None and result.upstream_cost["total_tokens"] == 1096


def test_a_picture_model_that_routes_back_is_refused_not_recursed() -> None:
    holder: dict[str, Engine] = {}
    painter = EnginePainter("gpt-image-2", holder.__getitem__)
    engine = PlanningEngine(painter=painter)
    holder["gpt-image-2"] = engine
    result = generate(engine, BOTTLE)
    backend = result.images[0].extra["picture_backend"]  # type: ignore[attr-defined]
    assert backend["fallback"] is True and "routes back" in backend["regions"][0]["reason"]


@pytest.mark.parametrize("style,role", [("character", "portrait"), ("landscape", "scene"), ("data", None)])
def test_region_roles(style: str, role: str | None) -> None:
    from imagegen.engines.planning.painting import region_role
    from imagegen.engines.planning.plan import Box, Canvas, Plan

    plan = Plan(canvas=Canvas(width=1024, height=1024))
    node = ImageNode(id="i", box=Box(x=0, y=0, w=500, h=500), style=style, prompt="a harbour")
    assert region_role(plan, node) == role
    plan.archetype = "storyboard"
    assert region_role(plan, node) == "storyboard frame"  # every picture of a storyboard is a frame


def test_picture_model_through_the_router(tmp_path, fake_openai: FakeOpenAI, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from imagegen.config import Settings
    from imagegen.engines.routing import EngineRouter

    (tmp_path / "upstreams.toml").write_text(
        f'[gw]\nkind = "openai"\nbase_url = "{fake_openai.url}/v1"\napi_key_env = "GW_KEY"\ntimeout_s = 10\n')
    monkeypatch.setenv("GW_KEY", "sk-gw")
    settings = Settings(home=tmp_path, database_url=f"sqlite:///{tmp_path / 'db'}",
                        extra={"picture_model": "upstream/gw"})
    engine = EngineRouter(settings).engine_for("gpt-image-2")
    spec = GenerateSpec(prompt=BOTTLE, model="gpt-image-2", width=1024, height=1536, quality="low", seed=2)
    image = engine.generate(spec, NullProgress()).images[0]
    assert len(fake_openai.requests) == 1 and NEGATIVE in fake_openai.requests[0]["fields"]["prompt"]
    assert image.extra["contributors"][1]["backend"] == "upstream/gw:gpt-image-2"
    assert painted_nodes(image.plan or {})


def test_cancelling_the_job_cancels_the_painters_upstream_call(fake_openai: FakeOpenAI) -> None:
    fake_openai.script = [Scripted(hang_s=20)]
    upstream = openai_engine(fake_openai)
    painter = EnginePainter("upstream/gw", {"upstream/gw": upstream}.__getitem__)
    spec = GenerateSpec(prompt=BOTTLE, model="gpt-image-2", width=1024, height=1536, quality="low", seed=4)
    with pytest.raises(JobCancelled):  # not a fallback: the job is going away
        # cancelled once the painter's upstream call has really started (a fixed 0.5 s could fall before it
        # on a loaded machine: the job then ended before calling, and there was nothing to disconnect)
        PlanningEngine(painter=painter).generate(spec, Recording(cancel_on=fake_openai.arrived))
    assert fake_openai.disconnected.wait(5)
