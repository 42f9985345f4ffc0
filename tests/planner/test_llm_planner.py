"""Issue 8, item 5: the optional model planner, against a fake OpenAI-compatible endpoint on loopback.

The fake server answers ``POST /v1/chat/completions`` with whatever the test sets (a good plan, invalid
JSON, a plan that drops a text, an HTTP error, or nothing in time) and records each request, so the tests
check both what the planner sends (structured output with the plan schema, bearer key) and what it does
with the answer (use it, or fall back to the compiler and say why in ``Plan.planner``).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from imagegen.contract.specs import GenerateSpec
from imagegen.engines.planning.engine import PlanningEngine
from imagegen.engines.planning.planner import compile_prompt
from imagegen.engines.planning.planner.llm import PlannerEndpoint, plan_prompt

BRIEF = 'Gala poster "Night at the Museum" with a QR code linking to https://example.com/gala, gold on navy'


class FakeChat:
    """A loopback chat-completions endpoint whose next answer the test decides."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.reply: Any = None
        self.status = 200
        self.delay = 0.0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                fake.requests.append(json.loads(self.rfile.read(length)))
                fake.headers.append(dict(self.headers))
                time.sleep(fake.delay)
                body = (
                    fake.reply
                    if isinstance(fake.reply, bytes)
                    else json.dumps({"choices": [{"message": {"role": "assistant", "content": fake.reply}}]})
                )
                data = body if isinstance(body, bytes) else body.encode()
                try:
                    self.send_response(fake.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the planner gave up waiting (the timeout test)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def fake() -> Iterator[FakeChat]:
    server = FakeChat()
    try:
        yield server
    finally:
        server.close()


def _draft() -> dict[str, Any]:
    return compile_prompt(BRIEF, width=1024, height=1536, seed=5).to_json()


def _plan(fake: FakeChat, **endpoint: Any) -> Any:
    ep = PlannerEndpoint(
        url=fake.url, model="tiny-planner", key="sk-test", timeout_s=endpoint.get("timeout", 5)
    )
    return plan_prompt(BRIEF, width=1024, height=1536, seed=5, endpoint=ep)


def test_a_valid_plan_from_the_model_is_used_and_recorded(fake: FakeChat) -> None:
    answer = _draft()
    # the model moves the headline and recolours it: a different, valid plan that keeps every ask
    head = next(n for n in answer["nodes"] if n["kind"] == "text")
    head["box"]["y"] += 10
    head["color"] = "#d4af37"
    fake.reply = json.dumps(answer)
    plan = _plan(fake)
    assert plan.planner == "llm:tiny-planner"
    assert next(t for t in plan.texts() if t.id == head["id"]).box.y == head["box"]["y"]
    # the request: the brief, the draft, structured output with the plan schema, the bearer key
    (req,) = fake.requests
    assert req["model"] == "tiny-planner" and req["temperature"] == 0
    assert req["response_format"]["type"] == "json_schema"
    assert "canvas" in req["response_format"]["json_schema"]["schema"]["properties"]
    assert BRIEF in req["messages"][1]["content"]
    assert fake.headers[0]["Authorization"] == "Bearer sk-test"
    # the asks stay the compiler's reading of the brief
    assert [a.value for a in plan.asks] == [a["value"] for a in _draft()["asks"]]


@pytest.mark.parametrize(
    ("mutate", "why"),
    [
        (lambda p: "not json at all", "no JSON plan"),
        (lambda p: json.dumps({**p, "canvas": {"width": 10}}), "not a valid plan"),
        (lambda p: json.dumps({**p, "canvas": {**p["canvas"], "width": 2048, "height": 2048}}), "canvas"),
        (
            lambda p: json.dumps({**p, "nodes": [n for n in p["nodes"] if n["kind"] != "text"]}),
            "dropped or altered asked text",
        ),
        (
            lambda p: json.dumps(
                {
                    **p,
                    "nodes": [
                        {**n, "text": n["text"].upper()} if n["kind"] == "text" else n for n in p["nodes"]
                    ],
                }
            ),
            "dropped or altered asked text",
        ),
        (
            lambda p: json.dumps(
                {
                    **p,
                    "nodes": [
                        {**n, "data": "https://evil.example"} if n["kind"] == "code" else n
                        for n in p["nodes"]
                    ],
                }
            ),
            "code payload",
        ),
    ],
)
def test_an_unusable_answer_falls_back_to_the_compiler(fake: FakeChat, mutate: Any, why: str) -> None:
    fake.reply = mutate(_draft())
    plan = _plan(fake)
    assert (
        plan.planner is not None
        and plan.planner.startswith("compiler (llm fallback:")
        and why in plan.planner
    )
    assert plan.to_json() | {"planner": None} == _draft() | {"planner": None}


def test_http_error_and_timeout_fall_back(fake: FakeChat) -> None:
    fake.status = 500
    fake.reply = b'{"error": "boom"}'
    assert "HTTP 500" in (_plan(fake).planner or "")
    fake.status, fake.delay = 200, 1.5
    fake.reply = json.dumps(_draft())
    assert "could not be reached" in (_plan(fake, timeout=0.3).planner or "")


def test_unreachable_endpoint_falls_back() -> None:
    ep = PlannerEndpoint(url="http://127.0.0.1:9/v1", model="m", timeout_s=1)
    plan = plan_prompt(BRIEF, width=1024, height=1536, seed=5, endpoint=ep)
    assert (plan.planner or "").startswith("compiler (llm fallback:")


def test_without_the_variable_the_compiler_plans() -> None:
    assert PlannerEndpoint.from_env({}) is None
    ep = PlannerEndpoint.from_env(
        {"IMAGEGEN_PLANNER_URL": "http://127.0.0.1:1/v1/", "IMAGEGEN_PLANNER_MODEL": "x"}
    )
    assert ep is not None and ep.chat_url == "http://127.0.0.1:1/v1/chat/completions" and ep.key is None
    assert plan_prompt(BRIEF, width=1024, height=1536, seed=5).planner == "compiler"


def test_the_engine_records_the_planner_in_the_plan(fake: FakeChat, monkeypatch: pytest.MonkeyPatch) -> None:
    """End to end through the engine: the plan it returns (the one provenance stores) names the planner."""
    fake.reply = json.dumps(compile_prompt(BRIEF, width=1024, height=1024, seed=3).to_json())
    monkeypatch.setenv("IMAGEGEN_PLANNER_URL", fake.url)
    monkeypatch.setenv("IMAGEGEN_PLANNER_MODEL", "fake-7b")
    spec = GenerateSpec(prompt=BRIEF, model="gpt-image-2", width=1024, height=1024, seed=3, quality="low")
    (plan,) = PlanningEngine().plans_for(spec)
    assert plan.planner == "llm:fake-7b"
