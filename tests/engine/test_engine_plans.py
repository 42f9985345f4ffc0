"""PlanningEngine on client-supplied plans: result shape, partials, determinism, transparency, errors."""

from __future__ import annotations

import hashlib

import pytest

from imagegen.contract.errors import InvalidValue, JobCancelled
from imagegen.contract.specs import GenerateSpec
from imagegen.engines.base import CallbackProgress, Engine, NullProgress


def _spec(plan: dict, **kw: object) -> GenerateSpec:
    fields: dict = {"prompt": "night market poster", "model": "imagegen-design", "plan": plan, "seed": 3}
    fields.update(kw)
    return GenerateSpec(**fields)


def test_result_carries_pixels_plan_report_and_identity(engine, poster_plan):
    assert isinstance(engine, Engine)
    result = engine.generate(_spec(poster_plan, quality="medium"), NullProgress())
    assert (result.width, result.height, result.quality, result.background) == (768, 768, "medium", "opaque")
    assert result.engine == "imagegen-planning" and result.backend == "procedural" and result.seed == 3
    assert result.usage["total_tokens"] == 0
    assert {"plan", "render", "verify", "total"} <= set(result.timings)
    image = result.images[0]
    assert image.pixels.size == (768, 768) and image.pixels.mode == "RGB"
    assert image.render_sha256 == hashlib.sha256(image.pixels.convert("RGBA").tobytes()).hexdigest()
    assert image.report["passed"], image.report
    ocr = {c["node_id"]: c for c in image.report["checks"] if c["kind"] == "ocr"}
    assert ocr["headline"]["passed"] and ocr["headline"]["observed"] == "Night Market"
    assert any(c["kind"] == "code" and c["passed"] for c in image.report["checks"])
    assert image.plan["nodes"][0]["text"] == "Night Market"
    assert "Night Market" in image.revised_prompt


def test_partial_images_are_real_renders(engine, poster_plan):
    partials = []
    progress = CallbackProgress(on_partial=partials.append)
    # a low-contrast subhead forces a refinement pass: the first partial is the render before it
    poster_plan["nodes"][1]["color"] = "#1e293b"
    result = engine.generate(_spec(poster_plan, quality="medium", partial_images=2, stream=True), progress)
    assert [p.index for p in partials] == [0, 1] and all(p.image_index == 0 for p in partials)
    assert partials[0].pixels.tobytes() != result.images[0].pixels.tobytes()
    assert partials[-1].pixels.convert("RGB").tobytes() == result.images[0].pixels.tobytes()
    report = result.images[0].report
    assert any(f["node_id"] == "date" and f["action"] in ("recolor", "plate") for f in report["fixes"])
    assert report["passed"]


def test_same_seed_same_pixels_and_reproduce(engine, poster_plan):
    a = engine.generate(_spec(poster_plan, quality="low"), NullProgress()).images[0]
    b = engine.generate(_spec(poster_plan, quality="low"), NullProgress()).images[0]
    assert a.render_sha256 == b.render_sha256
    pixels, sha = engine.render_plan(a.plan, quality="low")
    assert sha == a.render_sha256 and pixels.size == (768, 768)


def test_transparent_background_has_alpha(engine, poster_plan):
    result = engine.generate(_spec(poster_plan, quality="medium", background="transparent"), NullProgress())
    pixels = result.images[0].pixels
    assert result.background == "transparent" and pixels.mode == "RGBA"
    low, high = pixels.getchannel("A").getextrema()
    assert low == 0 and high == 255
    # light text on nothing: OCR reads it over a contrasting matte; contrast is left to where it is placed
    report = result.images[0].report
    assert all(c["passed"] for c in report["checks"] if c["kind"] == "ocr"), report
    assert any("transparent" in c["detail"] for c in report["checks"] if c["kind"] == "contrast")


def test_bad_plan_is_invalid_value(engine, poster_plan):
    poster_plan["nodes"][0]["color"] = "red"
    with pytest.raises(InvalidValue) as err:
        engine.generate(_spec(poster_plan), NullProgress())
    assert err.value.param == "plan" and "color" in err.value.message


@pytest.mark.parametrize(
    ("data", "words"), [("590123412345", "5901234123457"), ("5901234123458", "check digit")]
)
def test_a_plan_with_an_ean13_the_policy_refuses_is_invalid_value(engine, poster_plan, data, words):
    # one EAN-13 policy (rules/ean13.py), applied when the client's plan is read: 400, never a 500 mid-render
    code = next(n for n in poster_plan["nodes"] if n["kind"] == "code")
    code.update(symbology="ean13", data=data)
    for call in (
        lambda: engine.generate(_spec(poster_plan), NullProgress()),
        lambda: engine.render_plan(poster_plan, quality="low"),
    ):
        with pytest.raises(InvalidValue) as err:
            call()
        assert err.value.param == "plan" and words in err.value.message


def test_size_that_contradicts_the_plan_is_refused(engine, poster_plan):
    with pytest.raises(InvalidValue) as err:
        engine.generate(_spec(poster_plan, width=1024, height=1024), NullProgress())
    assert err.value.param == "size"


def test_cancel_stops_between_stages(engine, poster_plan):
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(JobCancelled):
        engine.generate(_spec(poster_plan, n=3), CallbackProgress(is_cancelled=cancelled))


def test_edit_is_wrapped_into_an_engine_result(engine, poster_plan):
    import io

    from imagegen.contract.specs import EditSpec, InputImage

    made = engine.generate(_spec(poster_plan, quality="low"), NullProgress()).images[0]
    buffer = io.BytesIO()
    made.pixels.save(buffer, format="PNG")
    data = buffer.getvalue()
    source = InputImage(
        image=made.pixels,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        asset_id="img_1",
        plan=made.plan,
    )
    spec = EditSpec(
        prompt='change the headline to "Day Market"', model="imagegen-design", images=(source,), quality="low"
    )
    result = engine.edit(spec, NullProgress())
    assert (result.width, result.height, result.engine, result.backend) == (
        768,
        768,
        "imagegen-planning",
        "procedural",
    )
    assert result.usage["total_tokens"] == 0 and "total" in result.timings
    edited = result.images[0]
    assert edited.plan is not None
    assert any(n.get("text") == "Day Market" for n in edited.plan["nodes"])


def test_refine_with_the_real_renderer_fixes_overlap_and_overflow(engine, poster_plan):
    nodes = poster_plan["nodes"]
    # the subhead collides with the headline, and the caption cannot fit its box at its min size
    nodes[1]["box"] = {"x": 64, "y": 150, "w": 640, "h": 70}
    nodes.append(
        {
            "kind": "text",
            "id": "caption",
            "text": "Street food, live music and late shopping",
            "box": {"x": 64, "y": 340, "w": 200, "h": 40},
            "size": 28,
            "min_size": 24,
            "max_lines": 1,
            "color": "#e2e8f0",
        }
    )
    result = engine.generate(_spec(poster_plan, quality="high"), NullProgress())
    report = result.images[0].report
    actions = {(f["node_id"], f["action"]) for f in report["fixes"]}
    assert ("date", "move") in actions
    assert {("caption", "resize"), ("caption", "shrink")} & actions
    assert report["passed"], report["unresolved"]
    plan = result.images[0].plan
    assert [n["text"] for n in plan["nodes"] if n["kind"] == "text"] == [
        "Night Market",
        "Friday 21:00",
        "Street food, live music and late shopping",
    ]


def test_concurrent_requests_give_the_same_pixels(engine, poster_plan):
    from concurrent.futures import ThreadPoolExecutor

    spec = _spec(poster_plan, quality="medium")
    alone = engine.generate(spec, NullProgress()).images[0].render_sha256
    with ThreadPoolExecutor(max_workers=3) as pool:
        shas = list(
            pool.map(lambda _: engine.generate(spec, NullProgress()).images[0].render_sha256, range(3))
        )
    assert shas == [alone] * 3


def test_accented_latin_and_mixed_script_lines_read_back(engine):
    plan = {
        "canvas": {"width": 1024, "height": 1024},
        "nodes": [
            {
                "kind": "text",
                "id": "accents",
                "text": "Crème Brûlée à Café Olé",
                "box": {"x": 64, "y": 100, "w": 896, "h": 90},
                "size": 56,
            },
            {
                "kind": "text",
                "id": "mixed",
                "text": "Hello 世界 مرحبا नमस्ते",
                "box": {"x": 64, "y": 300, "w": 896, "h": 110},
                "size": 64,
            },
        ],
    }
    report = engine.generate(_spec(plan, quality="medium"), NullProgress()).images[0].report
    ocr = {c["node_id"]: c for c in report["checks"] if c["kind"] == "ocr"}
    assert ocr["accents"]["passed"], ocr["accents"]
    assert ocr["mixed"]["passed"] and "tesseract" in ocr["mixed"]["detail"], ocr["mixed"]


def test_text_across_a_black_to_white_gradient_gets_a_plate(engine):
    # no single text color reaches 3:1 against both ends of the gradient behind it: only a plate works
    plan = {
        "canvas": {
            "width": 1024,
            "height": 768,
            "background": {"kind": "gradient", "colors": ["#000000", "#ffffff"], "angle": 0},
        },
        "nodes": [
            {
                "kind": "text",
                "id": "t",
                "text": "Across the gradient",
                "box": {"x": 100, "y": 300, "w": 824, "h": 120},
                "size": 64,
                "color": "#808080",
                "align": "center",
            }
        ],
    }
    image = engine.generate(_spec(plan, quality="medium"), NullProgress()).images[0]
    assert [f["action"] for f in image.report["fixes"]] == ["plate"]
    assert image.plan["nodes"][0]["plate"] is not None
    contrast = next(c for c in image.report["checks"] if c["kind"] == "contrast")
    assert contrast["passed"] and contrast["value"] >= 3.0
