"""The upstream engine against fake upstreams: results, retries, time-outs, errors, cancellation, origins."""

from __future__ import annotations

import time

import pytest
from fakes import FakeOpenAI, FakeQueueHost, Scripted, error, picture, png
from PIL import Image

from conftest import Recording, openai_engine, queue_engine
from imagegen.contract.errors import (
    JobCancelled,
    RateLimited,
    UpstreamError,
    UpstreamNotFound,
    UpstreamRejected,
    UpstreamTimeout,
)
from imagegen.contract.specs import EditSpec, GenerateSpec, InputImage
from imagegen.engines.upstream.config import Prices


def spec(**kw: object) -> GenerateSpec:
    base: dict[str, object] = {"prompt": "a matte ceramic water bottle on warm linen", "model": "upstream/gw",
                               "width": 1024, "height": 1024, "quality": "low", "seed": 7}
    base.update(kw)
    return GenerateSpec(**base)  # type: ignore[arg-type]


def test_generate_maps_fields_usage_and_cost(fake_openai: FakeOpenAI) -> None:
    engine = openai_engine(fake_openai, prices=Prices(input_per_mtok=5.0, output_per_mtok=40.0))
    result = engine.generate(spec(n=2, output_format="webp", output_compression=80, background="opaque",
                                  user="u1"), Recording())
    (request,) = fake_openai.requests
    assert request["path"] == "/v1/images/generations"
    assert request["headers"]["authorization"] == "Bearer sk-test"
    sent = request["fields"]
    assert sent["model"] == "gpt-image-2" and sent["n"] == 2 and sent["size"] == "1024x1024"
    assert sent["quality"] == "low" and sent["output_format"] == "webp" and sent["output_compression"] == 80
    assert sent["background"] == "opaque" and sent["user"] == "u1" and "response_format" not in sent
    assert len(result.images) == 2 and (result.width, result.height) == (1024, 1024)
    assert result.quality == "low" and result.background == "opaque"
    assert result.backend == "upstream/gw:gpt-image-2"
    assert result.usage["total_tokens"] == 1096
    cost = result.upstream_cost
    assert cost is not None and cost["request_id"] == "req_fake_1" and cost["total_tokens"] == 1096
    assert cost["usd"] == pytest.approx((40 * 5.0 + 1056 * 40.0) / 1e6)
    extra = result.images[0].extra
    assert extra["upstream"] == {"name": "gw", "kind": "openai", "model": "gpt-image-2",
                                 "request_id": "req_fake_1"}
    assert extra["contributors"][0]["backend"] == "upstream/gw"
    assert result.images[0].sources and result.images[0].sources[0].format == "png"


def test_gpt_image_id_passes_through_and_size_is_exact(fake_openai: FakeOpenAI) -> None:
    fake_openai.make_file = lambda w, h, f: png(picture(1024, 1024))
    result = openai_engine(fake_openai).generate(spec(model="gpt-image-1.5", width=1536, height=1024),
                                                 Recording())
    assert fake_openai.requests[0]["fields"]["model"] == "gpt-image-1.5"
    # the upstream answered 1024x1024: brought to the exact contract size, the upstream's size noted
    assert result.images[0].pixels.size == (1536, 1024)
    assert result.images[0].extra["upstream_size"] == "1024x1024"


def test_429_waits_for_retry_after_then_succeeds(fake_openai: FakeOpenAI) -> None:
    fake_openai.script = [error(429, "Rate limit reached", "rate_limit_exceeded", retry_after="0.4")]
    result = openai_engine(fake_openai, backoff_s=0.0).generate(spec(), Recording())
    assert len(result.images) == 1
    first, second = fake_openai.requests
    assert second["at"] - first["at"] >= 0.4


def test_500_then_success(fake_openai: FakeOpenAI) -> None:
    fake_openai.script = [error(500, "The server had an error"), error(503, "overloaded")]
    result = openai_engine(fake_openai).generate(spec(), Recording())
    assert len(result.images) == 1 and len(fake_openai.requests) == 3


def test_5xx_after_retries_is_502_and_429_stays_429(fake_openai: FakeOpenAI) -> None:
    fake_openai.script = [error(500, "boom")] * 3
    with pytest.raises(UpstreamError) as info:
        openai_engine(fake_openai, max_retries=2).generate(spec(), Recording())
    assert info.value.status == 502 and info.value.code == "upstream_error" and "boom" in info.value.message
    assert len(fake_openai.requests) == 3
    fake_openai.script = [error(429, "slow down", "rate_limit_exceeded")] * 2
    with pytest.raises(RateLimited) as limited:
        openai_engine(fake_openai, max_retries=1).generate(spec(), Recording())
    assert limited.value.status == 429 and "slow down" in limited.value.message


def test_4xx_passes_through_with_status_message_and_code(fake_openai: FakeOpenAI) -> None:
    fake_openai.script = [error(400, "Your request was rejected by the safety system.", "moderation_blocked")]
    with pytest.raises(UpstreamRejected) as info:
        openai_engine(fake_openai).generate(spec(), Recording())
    assert info.value.status == 400 and info.value.code == "moderation_blocked"
    assert info.value.message == "Your request was rejected by the safety system."
    assert len(fake_openai.requests) == 1  # a 4xx is never retried
    fake_openai.script = [error(404, "The model 'gpt-image-9' does not exist", "model_not_found")]
    with pytest.raises(UpstreamNotFound) as missing:
        openai_engine(fake_openai).generate(spec(), Recording())
    assert missing.value.status == 404 and missing.value.to_openai()["error"]["code"] == "model_not_found"


def test_hang_past_the_timeout_is_504_and_not_retried(fake_openai: FakeOpenAI) -> None:
    fake_openai.script = [Scripted(hang_s=30)]
    started = time.monotonic()
    with pytest.raises(UpstreamTimeout) as info:
        openai_engine(fake_openai, timeout_s=0.5).generate(spec(), Recording())
    assert info.value.status == 504 and info.value.code == "upstream_timeout"
    assert time.monotonic() - started < 10  # not the 30 s hang
    assert len(fake_openai.requests) == 1
    assert fake_openai.disconnected.wait(3)  # the timed-out HTTP call was aborted


def test_cancel_aborts_the_http_call(fake_openai: FakeOpenAI) -> None:
    fake_openai.script = [Scripted(hang_s=30)]
    started = time.monotonic()
    with pytest.raises(JobCancelled):
        openai_engine(fake_openai).generate(spec(), Recording(cancel_after_s=0.3))
    assert time.monotonic() - started < 10  # not the 30 s hang
    assert fake_openai.disconnected.wait(3)


def test_stream_relays_partials(fake_openai: FakeOpenAI) -> None:
    progress = Recording()
    result = openai_engine(fake_openai).generate(spec(stream=True, partial_images=2), progress)
    assert fake_openai.requests[0]["fields"]["stream"] is True
    assert [p.index for p in progress.partials] == [0, 1]
    assert progress.partials[0].pixels.size == (1024, 1024)
    assert result.upstream_cost is not None and result.upstream_cost["request_id"] == "req_fake_1"
    assert result.usage["output_tokens"] == 1056


def test_queue_host_submit_poll_result(fake_queue: FakeQueueHost) -> None:
    progress = Recording()
    result = queue_engine(fake_queue).generate(spec(n=2, width=1536, height=1024), progress)
    submit = fake_queue.requests[0]
    assert submit["path"] == "/v1/models/openai/gpt-image-2/text-to-image"
    assert submit["headers"]["authorization"] == "Bearer qh-token"
    assert submit["fields"]["size"] == "1536x1024" and submit["fields"]["n"] == 2
    assert len(result.images) == 2 and result.images[0].pixels.size == (1536, 1024)
    assert result.images[0].extra["upstream"]["request_id"] == "q_1"
    assert any(0 < f < 1 for f in progress.fractions)


def test_queue_host_cancel_reaches_the_host() -> None:
    with FakeQueueHost(hold=True) as fake:
        with pytest.raises(JobCancelled):
            queue_engine(fake).generate(spec(), Recording(cancel_after_s=0.3))
        assert fake.cancelled == ["q_1"]  # type: ignore[attr-defined]


def test_a_cancel_during_the_submit_still_cancels_at_the_host() -> None:
    # the host has accepted the request but not yet answered when the job is cancelled: the engine waits
    # for the answer (briefly) to learn the request id, and cancels it there, so nothing runs on unpaid-for
    with FakeQueueHost(hold=True, submit_delay_s=1.0) as fake:
        with pytest.raises(JobCancelled):
            queue_engine(fake).generate(spec(), Recording(cancel_after_s=0.2))
        assert fake.cancelled == ["q_1"]  # type: ignore[attr-defined]


def test_queue_host_timeout_cancels_there() -> None:
    with FakeQueueHost(hold=True) as fake:
        with pytest.raises(UpstreamTimeout):
            queue_engine(fake, timeout_s=0.4).generate(spec(), Recording())
        assert fake.cancelled == ["q_1"]  # type: ignore[attr-defined]


def test_queue_host_outputs_only_from_its_own_origin() -> None:
    with FakeQueueHost(output_origin="http://127.0.0.2:9") as fake:
        with pytest.raises(UpstreamError, match="own origin"):
            queue_engine(fake).generate(spec(), Recording())
        assert not any(r["path"].startswith("/files/") for r in fake.requests)  # type: ignore[attr-defined]


def test_queue_host_submit_retries_429(fake_queue: FakeQueueHost) -> None:
    fake_queue.script = [error(429, "busy", retry_after="0.2"), error(502, "bad gateway")]
    result = queue_engine(fake_queue).generate(spec(), Recording())
    assert len(result.images) == 1
    assert sum(1 for r in fake_queue.requests if r["method"] == "POST") == 3


def test_url_outputs_are_fetched_only_from_the_upstreams_origin(fake_openai: FakeOpenAI) -> None:
    fake_openai.url_origin = fake_openai.url
    result = openai_engine(fake_openai).generate(spec(), Recording())
    assert result.images[0].pixels.size == (1024, 1024)
    assert [r["method"] for r in fake_openai.requests] == ["POST", "GET"]
    fake_openai.url_origin = "http://127.0.0.2:9"
    with pytest.raises(UpstreamError, match="own origin"):
        openai_engine(fake_openai).generate(spec(), Recording())
    assert [r["method"] for r in fake_openai.requests] == ["POST", "GET", "POST"]


def test_edit_streams_partials(fake_openai: FakeOpenAI) -> None:
    source = Image.new("RGB", (1024, 1024), (10, 20, 30))
    data = png(source)
    progress = Recording()
    edit = EditSpec(prompt="add a moon", model="upstream/gw", stream=True, partial_images=1, seed=1,
                    images=(InputImage(image=source, data=data, sha256="x", filename="in.png"),))
    result = openai_engine(fake_openai).edit(edit, progress)
    assert fake_openai.requests[0]["fields"]["stream"] is True
    assert [p.index for p in progress.partials] == [0] and len(result.images) == 1


def test_an_error_event_mid_stream_is_an_upstream_error(fake_openai: FakeOpenAI) -> None:
    fake_openai.stream_error = "generation failed half way"
    progress = Recording()
    with pytest.raises(UpstreamError, match="generation failed half way"):
        openai_engine(fake_openai, max_retries=1).generate(spec(stream=True, partial_images=1), progress)
    assert len(fake_openai.requests) == 2  # a 5xx-like failure: retried once, then 502
