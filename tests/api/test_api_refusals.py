"""Every refusal of SPEC §4-§5 through the official SDK and raw HTTP: status, code and param.

No input may produce a 500: the module fixture checks the server log after the last test.
"""

from __future__ import annotations

import base64
from typing import Any

import httpx
import openai
import pytest
from api_server import Server, encode
from openai import OpenAI


def refusal(call: Any) -> openai.APIStatusError:
    with pytest.raises(openai.APIStatusError) as err:
        call()
    return err.value


def check(err: openai.APIStatusError, status: int, code: str, param: str | None) -> None:
    assert err.status_code == status, err.body
    body = err.body
    assert isinstance(body, dict), body
    assert set(body) == {"message", "type", "param", "code"}, body
    assert (body["code"], body["param"]) == (code, param), body
    assert body["message"]


GEN_REFUSALS = [
    ({"size": "1792x936"}, "invalid_value", "size", "divisible by 16"),
    ({"size": "3856x2160"}, "invalid_value", "size", "longest edge"),
    ({"size": "1536x496"}, "invalid_value", "size", "3:1"),
    ({"size": "800x800"}, "invalid_value", "size", "at least 655,360"),
    ({"size": "3840x2176"}, "invalid_value", "size", "at most 8,294,400"),
    ({"size": "huge"}, "invalid_value", "size", "WIDTHxHEIGHT"),
    ({"background": "transparent"}, "invalid_value", "background", "Transparent background is not supported"),
    ({"response_format": "b64_json"}, "unknown_parameter", "response_format", "response_format"),
    ({"response_format": "url"}, "unknown_parameter", "response_format", "response_format"),
    ({"n": 0}, "invalid_value", "n", "between 1 and 10"),
    ({"n": 11}, "invalid_value", "n", "between 1 and 10"),
    ({"quality": "ultra"}, "invalid_value", "quality", "ultra"),
    ({"output_format": "gif"}, "invalid_value", "output_format", "gif"),
    ({"output_compression": 101}, "invalid_value", "output_compression", "between 0 and 100"),
    ({"partial_images": 4}, "invalid_value", "partial_images", "between 0 and 3"),
    ({"moderation": "none"}, "invalid_value", "moderation", "none"),
    ({"seed": -1}, "invalid_value", "seed", "between"),
    ({"style": "vivid"}, "unknown_parameter", "style", "style"),
]


@pytest.mark.parametrize(("fields", "code", "param", "text"), GEN_REFUSALS)
def test_generation_refusals(
    client: OpenAI, fields: dict[str, Any], code: str, param: str, text: str
) -> None:
    # seed is an imagegen extension the SDK does not know: it travels in extra_body
    sdk = {k: v for k, v in fields.items() if k != "seed"}
    extra = {k: v for k, v in fields.items() if k == "seed"}
    err = refusal(lambda: client.images.generate(model="gpt-image-2", prompt="p", extra_body=extra, **sdk))
    check(err, 400, code, param)
    assert text in err.body["message"]  # type: ignore[index]


def test_transparent_message_exact(client: OpenAI) -> None:
    err = refusal(lambda: client.images.generate(model="gpt-image-2", prompt="p", background="transparent"))
    assert err.body["message"] == "Transparent background is not supported for this model."  # type: ignore[index]


def test_gpt_image_1_sizes(client: OpenAI) -> None:
    err = refusal(lambda: client.images.generate(model="gpt-image-1", prompt="p", size="2048x1152"))
    check(err, 400, "invalid_value", "size")


def test_unknown_model(client: OpenAI) -> None:
    check(
        refusal(lambda: client.images.generate(model="dall-e-9", prompt="p")), 404, "model_not_found", "model"
    )


def test_uninstalled_engine_is_503(client: OpenAI) -> None:
    err = refusal(
        lambda: client.images.generate(model="diffusers/not-installed", prompt="p", size="1024x1024")
    )
    assert err.status_code == 503 and err.body["code"] == "engine_unavailable"  # type: ignore[index]


def test_missing_prompt(server: Server) -> None:
    r = httpx.post(f"{server.v1}/images/generations", headers=server.headers(), json={"model": "gpt-image-2"})
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "missing_required_parameter"
    assert r.json()["error"]["param"] == "prompt"


def test_wrong_key(server: Server) -> None:
    bad = OpenAI(base_url=server.v1, api_key="ig_0000000000000000_nope", max_retries=0)
    err = refusal(lambda: bad.images.generate(model="gpt-image-2", prompt="p"))
    assert isinstance(err, openai.AuthenticationError)
    check(err, 401, "invalid_api_key", None)
    r = httpx.post(f"{server.v1}/images/generations", json={"prompt": "p"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_api_key"


def test_auth_comes_before_validation(server: Server) -> None:
    r = httpx.post(
        f"{server.v1}/images/generations",
        json={"prompt": "p", "size": "1x1"},
        headers={"Authorization": "Bearer wrong"},
    )
    assert r.status_code == 401


PNG = encode((1024, 1024))
MASK = encode((1024, 1024), mode="RGBA", color=(0, 0, 0, 0))


def test_mask_of_another_size(client: OpenAI) -> None:
    err = refusal(
        lambda: client.images.edit(
            image=("a.png", PNG, "image/png"),
            prompt="p",
            mask=("m.png", encode((512, 512), mode="RGBA"), "image/png"),
        )
    )
    check(err, 400, "invalid_mask", "mask")
    assert "same width and height" in err.body["message"]  # type: ignore[index]


def test_mask_without_alpha(client: OpenAI) -> None:
    err = refusal(
        lambda: client.images.edit(
            image=("a.png", PNG, "image/png"), prompt="p", mask=("m.png", encode((1024, 1024)), "image/png")
        )
    )
    check(err, 400, "invalid_mask", "mask")


def test_mask_against_the_second_image_is_refused(client: OpenAI) -> None:
    # the mask applies to the FIRST image: sized like the second, it does not fit
    err = refusal(
        lambda: client.images.edit(
            image=[("a.png", PNG, "image/png"), ("b.png", encode((512, 512)), "image/png")],
            prompt="p",
            mask=("m.png", encode((512, 512), mode="RGBA", color=(0, 0, 0, 0)), "image/png"),
        )
    )
    check(err, 400, "invalid_mask", "mask")


def test_mask_without_image(server: Server) -> None:
    r = httpx.post(
        f"{server.v1}/images/edits",
        headers=server.headers(),
        files={"mask": ("m.png", MASK, "image/png")},
        data={"prompt": "p"},
    )
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "missing_required_parameter"
    assert r.json()["error"]["param"] == "image"
    mask_url = "data:image/png;base64," + base64.b64encode(MASK).decode()
    j = httpx.post(
        f"{server.v1}/images/edits",
        headers=server.headers(),
        json={"prompt": "p", "mask": {"image_url": mask_url}},
    )
    assert j.status_code == 400 and j.json()["error"]["param"] == "image"


def test_unreadable_and_unsupported_images(client: OpenAI) -> None:
    err = refusal(lambda: client.images.edit(image=("a.png", b"not an image", "image/png"), prompt="p"))
    check(err, 400, "invalid_image", "image")
    err = refusal(
        lambda: client.images.edit(image=("a.gif", encode((64, 64), fmt="GIF"), "image/gif"), prompt="p")
    )
    check(err, 400, "invalid_image_format", "image")


def test_too_many_images(server: Server) -> None:
    small = encode((16, 16))
    files = [("image[]", (f"{i}.png", small, "image/png")) for i in range(17)]
    r = httpx.post(f"{server.v1}/images/edits", headers=server.headers(), files=files, data={"prompt": "p"})
    assert r.status_code == 400 and r.json()["error"]["param"] == "image"
    refs = [{"image_url": "data:image/png;base64," + base64.b64encode(small).decode()}] * 17
    j = httpx.post(
        f"{server.v1}/images/edits", headers=server.headers(), json={"prompt": "p", "images": refs}
    )
    assert j.status_code == 400 and j.json()["error"]["param"] == "images"


def test_edit_refusals_share_the_table(client: OpenAI) -> None:
    err = refusal(lambda: client.images.edit(image=("a.png", PNG, "image/png"), prompt="p", size="1000x1000"))
    check(err, 400, "invalid_value", "size")
    err = refusal(
        lambda: client.images.edit(image=("a.png", PNG, "image/png"), prompt="p", response_format="b64_json")
    )
    check(err, 400, "unknown_parameter", "response_format")
    err = refusal(lambda: client.images.edit(image=("a.png", PNG, "image/png"), prompt="p", n=12))
    check(err, 400, "invalid_value", "n")


def test_other_tenants_asset_is_not_found(client: OpenAI, other_client: OpenAI, server: Server) -> None:
    made = client.images.generate(model="gpt-image-2", prompt="Mine", size="1024x1024", quality="low")
    asset_id = (made.data[0].model_extra or {})["asset_id"]
    r = httpx.post(
        f"{server.v1}/images/edits",
        headers=server.headers(server.other_key),
        json={"prompt": "steal it", "images": [{"file_id": asset_id}]},
    )
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    unknown = httpx.post(
        f"{server.v1}/images/edits",
        headers=server.headers(server.other_key),
        json={"prompt": "x", "images": [{"file_id": "img_0000000000000000"}]},
    )
    # an unknown id and another tenant's id read the same: existence is never revealed
    assert unknown.status_code == 404
    assert (
        unknown.json()["error"]["message"].replace("img_0000000000000000", asset_id)
        == r.json()["error"]["message"]
    )
    # the owner can edit it by file_id (JSON form)
    own = httpx.post(
        f"{server.v1}/images/edits",
        headers=server.headers(),
        json={"prompt": "Make it warmer", "quality": "low", "images": [{"file_id": asset_id}]},
        timeout=300,
    )
    assert own.status_code == 200, own.text
    assert own.json()["data"][0]["asset_id"] != asset_id


def test_json_edit_with_data_url(server: Server) -> None:
    url = "data:image/png;base64," + base64.b64encode(PNG).decode()
    r = httpx.post(
        f"{server.v1}/images/edits",
        headers=server.headers(),
        timeout=300,
        json={
            "prompt": "Add a border",
            "quality": "low",
            "images": [{"image_url": url}],
            "mask": {"image_url": "data:image/png;base64," + base64.b64encode(MASK).decode()},
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["size"] == "1024x1024"


@pytest.mark.parametrize(
    ("ref", "code", "param"),
    [
        ({"image_url": "https://example.com/a.png"}, "invalid_value", "images[0].image_url"),
        ({"image_url": "http://127.0.0.1:9/a.png"}, "invalid_value", "images[0].image_url"),
        ({"image_url": "ftp://example.com/a.png"}, "invalid_value", "images[0].image_url"),
        ({"image_url": "https://[::1/a.png"}, "invalid_value", "images[0].image_url"),
        ({"image_url": "https://exa mple.com:99999/a.png"}, "invalid_value", "images[0].image_url"),
        ({"image_url": "data:image/png;base64,!!!"}, "invalid_image", "images[0].image_url"),
        ({"image_url": "x", "file_id": "y"}, "invalid_value", "images[0]"),
        ({"url": "x"}, "unknown_parameter", "images[0].url"),
        (5, "invalid_value", "images[0]"),
    ],
)
def test_json_image_ref_refusals(server: Server, ref: Any, code: str, param: str) -> None:
    r = httpx.post(
        f"{server.v1}/images/edits", headers=server.headers(), json={"prompt": "p", "images": [ref]}
    )
    assert r.status_code == 400, r.text
    assert (r.json()["error"]["code"], r.json()["error"]["param"]) == (code, param)


def test_body_too_large(server: Server) -> None:
    big = b"x" * (25 * 1024 * 1024)
    r = httpx.post(
        f"{server.v1}/images/edits",
        headers={**server.headers(), "Content-Type": "application/json"},
        content=big,
    )
    assert r.status_code == 413 and r.json()["error"]["code"] == "request_too_large"

    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(25):
            yield b"y" * (1024 * 1024)

    chunked = httpx.post(
        f"{server.v1}/images/generations",
        headers={**server.headers(), "Content-Type": "application/json"},
        content=chunks(),
    )
    assert chunked.status_code == 413 and chunked.json()["error"]["code"] == "request_too_large"


@pytest.mark.parametrize(
    ("path", "kwargs"),
    [
        ("/images/generations", {"content": b"{not json"}),
        ("/images/generations", {"content": b"[1, 2, 3]"}),
        ("/images/generations", {"content": b'"just a string"'}),
        ("/images/generations", {"content": b"\xff\xfe\x00garbage"}),
        ("/images/generations", {"content": b""}),
        ("/images/generations", {"content": b"[" * 200_000}),
        ("/images/generations", {"content": b'{"prompt": "p", "seed": NaN}'}),
        ("/images/generations", {"content": b'{"prompt": "p", "n": Infinity}'}),
        ("/images/generations", {"json": {"prompt": "p", "size": "999999x999999"}}),
        ("/images/generations", {"json": {"prompt": "p", "user": {"id": 1}}}),
        ("/images/generations", {"json": {"prompt": "p", "quality": 5}}),
        ("/images/edits", {"files": {"prompt": ("p.txt", b"hello", "text/plain")}}),
        ("/images/generations", {"json": {"prompt": ["a", "b"]}}),
        ("/images/generations", {"json": {"prompt": "p", "n": "three"}}),
        ("/images/generations", {"json": {"prompt": "p", "size": 1024}}),
        ("/images/generations", {"json": {"prompt": "p", "plan": "not an object"}}),
        ("/images/generations", {"json": {"prompt": "p", "seed": 1e30}}),
        (
            "/images/edits",
            {"content": b"--x\r\nbroken multipart", "headers": {"Content-Type": "multipart/form-data"}},
        ),
        (
            "/images/edits",
            {"content": b"--b\r\n\r\n--b--", "headers": {"Content-Type": "multipart/form-data; boundary=b"}},
        ),
        ("/images/edits", {"json": {"prompt": "p", "images": "not a list"}}),
        ("/images/edits", {"json": {"prompt": "p", "images": [{}]}}),
        ("/images/edits", {"json": [1]}),
        ("/images/edits", {"data": {"prompt": "p", "image": "not a file"}}),
        ("/images/edits", {"files": {"markup": ("m.png", PNG, "image/png")}, "data": {"prompt": "p"}}),
    ],
)
def test_malformed_bodies_get_an_envelope(server: Server, path: str, kwargs: dict[str, Any]) -> None:
    headers = {**server.headers(), **kwargs.pop("headers", {})}
    r = httpx.post(f"{server.v1}{path}", headers=headers, timeout=60, **kwargs)
    assert 400 <= r.status_code < 500, r.text
    error = r.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}


def test_urlencoded_edit_without_files(server: Server) -> None:
    r = httpx.post(f"{server.v1}/images/edits", headers=server.headers(), data={"prompt": "p"})
    assert r.status_code == 400
    assert (r.json()["error"]["code"], r.json()["error"]["param"]) == ("missing_required_parameter", "image")


def test_limits_route(server: Server) -> None:
    from imagegen.contract.limits import describe_limits

    r = httpx.get(f"{server.v1}/limits", headers=server.headers())
    assert r.status_code == 200 and r.json() == describe_limits()
    assert httpx.get(f"{server.v1}/limits").status_code == 401


def test_routes_and_methods(server: Server) -> None:
    var = httpx.post(
        f"{server.v1}/images/variations", headers=server.headers(), files={"image": ("a.png", PNG)}
    )
    assert var.status_code == 400 and var.json()["error"]["code"] == "unsupported_endpoint"
    missing = httpx.get(f"{server.v1}/nothing-here", headers=server.headers())
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    wrong = httpx.get(f"{server.v1}/images/generations", headers=server.headers())
    assert wrong.status_code == 405 and wrong.json()["error"]["code"] == "method_not_allowed"
    model = httpx.get(f"{server.v1}/models/dall-e-9", headers=server.headers())
    assert model.status_code == 404 and model.json()["error"]["code"] == "model_not_found"
