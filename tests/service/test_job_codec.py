"""What a job persists: the spec (with its edit inputs) and its error, rebuilt exactly."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from imagegen.contract.errors import InvalidImage, InvalidValue, RateLimited
from imagegen.contract.images import load_input_image
from imagegen.contract.specs import EditSpec, GenerateSpec
from imagegen.jobs.errors import JobTimeout
from imagegen.jobs.records import error_from_json, error_to_json, public_error
from imagegen.jobs.spec_codec import encode_inputs, spec_from_json, spec_to_json


def test_generate_spec_round_trips() -> None:
    spec = GenerateSpec(prompt="p", model="gpt-image-2", n=3, width=1536, height=1024, quality="high",
                        background="opaque", output_format="webp", output_compression=80, seed=42,
                        user="u1", partial_images=2, stream=True, plan={"version": "1"}, extra={"k": 1})
    assert spec_from_json(spec_to_json(spec), encode_inputs(spec)) == spec


def test_edit_spec_round_trips_with_files() -> None:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (9, 8, 7)).save(buf, format="JPEG")
    mask = Image.new("RGBA", (40, 30), (0, 0, 0, 0))
    first = load_input_image(buf.getvalue())
    spec = EditSpec(prompt="e", model="imagegen-design", seed=1, mask=mask, input_fidelity="high",
                    images=(first, load_input_image(buf.getvalue())))
    files = encode_inputs(spec)
    assert sorted(files) == ["input_0.bin", "input_1.bin", "mask.png"]
    back = spec_from_json(spec_to_json(spec), files)
    assert isinstance(back, EditSpec)
    assert [im.data for im in back.images] == [im.data for im in spec.images]  # the exact bytes
    assert back.mask is not None and back.mask.tobytes() == mask.tobytes()
    assert back.input_fidelity == "high" and back.prompt == "e"
    with pytest.raises(InvalidImage, match="changed in the job store"):
        spec_from_json(spec_to_json(spec), {**files, "input_1.bin": b"changed"})
    with pytest.raises(InvalidImage, match="missing"):
        spec_from_json(spec_to_json(spec), {})


def test_errors_keep_their_class() -> None:
    for err in (JobTimeout("slow"), RateLimited("busy"), InvalidValue("bad", param="size")):
        back = error_from_json(error_to_json(err))
        def facts(e):  # type: ignore[no-untyped-def]
            return type(e), e.status, e.code, e.param

        assert facts(back) == facts(err)
    assert public_error(error_to_json(InvalidValue("bad", param="size"))) == {
        "message": "bad", "type": "invalid_request_error", "param": "size", "code": "invalid_value"}
    assert error_from_json(None).status == 502
