"""Issue 10 findings checked on their mechanism (no server): SSRF address judging and the host:port
allow-list, the size rule's ``fit``, the working size of edit inputs, the plan door, the JSON bounds and
the overlap check's spatial index."""

from __future__ import annotations

import random
import time

import pytest
from PIL import Image

from imagegen.api.body_limits import route_cap
from imagegen.api.uploads import RemoteImagePolicy, special_address
from imagegen.contract.bounds import check_json_value, check_plan, check_string, loads_json
from imagegen.contract.errors import InvalidValue
from imagegen.contract.limits import REQUEST_LIMITS, UploadLimits, limits_for
from imagegen.contract.sizes import FixedSizes, FlexibleSizes
from imagegen.contract.specs import EditSpec, InputImage
from imagegen.engines.planning.plan import Box, Canvas, Plan, TextNode
from imagegen.engines.planning.rendered import RenderedLine, RenderedText, Rendering
from imagegen.engines.planning.verify import geometry


@pytest.mark.parametrize(
    "address",
    [
        "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254",  # IPv4-mapped
        "::127.0.0.1", "::10.1.2.3",  # IPv4-compatible
        "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b::c0a8:101", "64:ff9b:1::a00:1",  # NAT64
        "2002:7f00:1::", "2002:a9fe:a9fe::1", "2002:c0a8:0101::",  # 6to4 around 127/8, 169.254/16, 192.168/16
        "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo whose client is 127.0.0.1 (obfuscated)
        "127.0.0.1", "10.0.0.1", "::1", "fe80::1", "fc00::1",
    ],
)
def test_addresses_that_embed_private_ipv4_are_special(address: str) -> None:
    assert special_address(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1",
                                     "2606:4700::1111"])
def test_public_addresses_stay_public(address: str) -> None:
    assert not special_address(address)


def test_the_allow_list_matches_host_and_port() -> None:
    policy = RemoteImagePolicy(
        allowed_hosts=("images.example.com", "*.cdn.example.org:8443", "raw.example.net:*"))
    assert policy.host_allowed("images.example.com", 443)
    assert not policy.host_allowed("images.example.com", 6379)  # no port named: the default port only
    assert not policy.host_allowed("images.example.com", 443, default_port=80)
    assert policy.host_allowed("a.cdn.example.org", 8443)
    assert not policy.host_allowed("a.cdn.example.org", 443)
    assert policy.host_allowed("raw.example.net", 1234)
    assert RemoteImagePolicy(allowed_hosts=("*",)).host_allowed("anything.net")
    assert not RemoteImagePolicy(allowed_hosts=("*",)).host_allowed("anything.net", 22)
    assert RemoteImagePolicy(allowed_hosts=("[::1]:8080",)).host_allowed("::1", 8080)


def test_fit_obeys_every_size_rule() -> None:
    flexible = FlexibleSizes()
    rng = random.Random(7)
    for _ in range(500):
        w, h = rng.randint(1, 20000), rng.randint(1, 20000)
        fw, fh = flexible.fit(w, h)
        flexible.check(fw, fh, f"{fw}x{fh}")  # raises if the rule refuses it
        if flexible.allows(w, h):
            assert (fw, fh) == (w, h)  # an allowed input keeps its own size (bit-identical edits)
    assert flexible.fit(8192, 8192) == (2880, 2880)
    fixed = FixedSizes(allowed=((1024, 1024), (1536, 1024), (1024, 1536)), label="gpt-image-1")
    assert fixed.fit(8192, 1024) == (1536, 1024) and fixed.fit(100, 900) == (1024, 1536)


def test_edit_inputs_come_to_the_working_size() -> None:
    big = Image.new("RGB", (4000, 2000), (1, 2, 3))
    ref = Image.new("RGB", (5000, 5000))
    small_ref = Image.new("RGB", (100, 50))
    mask = Image.new("RGBA", (4000, 2000), (0, 0, 0, 0))
    spec = EditSpec(prompt="p", model="gpt-image-2", width=2048, height=1152, mask=mask,
                    images=tuple(InputImage(image=im, data=b"", sha256="") for im in (big, ref, small_ref)))
    assert spec.images[0].image.size == spec.mask.size == (2048, 1152)  # type: ignore[union-attr]
    assert spec.images[1].image.size == (1152, 1152)  # within the working size, aspect kept
    assert spec.images[2].image is small_ref  # never upscaled
    rng = random.Random(3)
    for _ in range(30):  # any input shape, any working size: the cover crop stays inside the input
        w, h = rng.randint(1, 400), rng.randint(1, 400)
        tw, th = FlexibleSizes().fit(w, h)
        spec = EditSpec(prompt="p", model="m", width=tw, height=th, mask=Image.new("RGBA", (w, h)),
                        images=(InputImage(image=Image.new("RGB", (w, h)), data=b"", sha256=""),))
        assert spec.images[0].image.size == spec.mask.size == (tw, th)  # type: ignore[union-attr]
    unchanged = EditSpec(prompt="p", model="m", images=(InputImage(image=big, data=b"", sha256=""),))
    assert unchanged.images[0].image is big  # no size given: nothing to do


def test_plan_door() -> None:
    limits = limits_for("gpt-image-2")
    plan = {"canvas": {"width": 1024, "height": 1024}, "nodes": [{"kind": "text", "id": "t", "text": "x"}]}
    assert check_plan(plan, limits) == (1024, 1024)
    with pytest.raises(InvalidValue, match="divisible by 16"):
        check_plan({**plan, "canvas": {"width": 1000, "height": 1024}}, limits)
    with pytest.raises(InvalidValue, match="nodes"):
        children = [{"kind": "shape", "id": str(i)} for i in range(500)]
        group = {"kind": "group", "id": "g", "children": children}
        check_plan({**plan, "nodes": [group]}, limits)  # nested nodes count too
    with pytest.raises(InvalidValue, match="canvas"):
        check_plan({"nodes": []}, limits)


def test_json_and_string_bounds() -> None:
    with pytest.raises(InvalidValue, match="nested"):
        loads_json("[" * 100_000 + "]" * 100_000)
    check_json_value([[[1]]], "extra")
    with pytest.raises(InvalidValue) as err:
        check_json_value({"nodes": [{"text": "a\ud800"}]}, "plan")
    assert err.value.param == "plan.nodes[0].text"
    with pytest.raises(InvalidValue):
        check_string("u" * 257, "user")
    assert check_string("k" * 255, "idempotency_key")


def test_body_caps_per_route() -> None:
    uploads = UploadLimits()
    assert route_cap("POST", "/v1/images/generations", "application/json") == REQUEST_LIMITS.json_body_bytes
    assert route_cap("POST", "/v1/models/gpt-image-2/text-to-image", "") == REQUEST_LIMITS.json_body_bytes
    json_edit = route_cap("POST", "/v1/images/edits", "application/json")
    assert json_edit == route_cap("POST", "/v1/models/openai/gpt-image-2/edit", "application/json")
    assert json_edit >= REQUEST_LIMITS.json_image_bytes * 4 // 3
    assert route_cap("POST", "/v1/images/edits", "multipart/form-data; boundary=x") >= (
        uploads.max_images + 1) * uploads.max_image_bytes
    assert route_cap("POST", "/v1/assets/trace", "image/png") == uploads.max_image_bytes
    assert route_cap("POST", "/studio/verify", "image/png") == uploads.max_image_bytes


def _rendering_with_texts(count: int) -> tuple[Plan, Rendering]:
    nodes, texts = [], {}
    for i in range(count):
        box = Box(x=(i % 70) * 50.0, y=(i // 70) * 30.0 + (7 if i % 11 == 0 else 0), w=48, h=26)
        nodes.append(TextNode(id=f"t{i}", text="x", box=box))
        line = RenderedLine(text="x", box=box, font_path="", font_index=0, font_size=20)
        texts[f"t{i}"] = RenderedText(node_id=f"t{i}", text="x", lines=[line], font_size=20, color="#000",
                                      background_color=None)
    plan = Plan(canvas=Canvas(width=3840, height=2160), nodes=nodes)
    return plan, Rendering(image=Image.new("RGB", (8, 8)), scale=1.0, texts=texts)


def test_overlap_check_is_near_linear_and_agrees_with_a_full_scan() -> None:
    plan, rendering = _rendering_with_texts(300)
    items = geometry._overlap_items(plan, rendering)
    checks = geometry.check_overlap(plan, rendering)
    for item, check in zip(items, checks, strict=True):  # the brute-force answer, item by item
        areas = [(geometry._intersection(item.box, o.box), o.node_id) for o in items if o is not item]
        worst = max((a for a in areas if a[0] > 0), default=None, key=lambda a: a[0])
        assert check.passed == (worst is None) and (worst is None or check.value == worst[0])
    big_plan, big_rendering = _rendering_with_texts(5000)
    # CPU time, not wall-clock: it measures the work, however busy the machine (a blow-up shows in both)
    started = time.process_time()
    assert len(geometry.check_overlap(big_plan, big_rendering)) == 5000
    assert time.process_time() - started < 5  # the full scan took minutes at this size
