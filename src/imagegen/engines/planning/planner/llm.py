"""An optional language-model planner in front of the compiler, with the compiler as its safety net.

``IMAGEGEN_PLANNER_URL`` points at any OpenAI-compatible chat endpoint (a local Ollama, vLLM or llama.cpp
server, or a hosted one: ``http://127.0.0.1:11434/v1``), ``IMAGEGEN_PLANNER_MODEL`` names the model and
``IMAGEGEN_PLANNER_KEY`` is sent as a bearer token when set (``IMAGEGEN_PLANNER_TIMEOUT_S``, default 20).

For each image the compiler plans first (it is fast and exact); the model then receives the brief and that
draft and returns a whole plan as structured output (``response_format`` = the Plan JSON Schema, the one
committed as ``docs/plan.schema.json``). The answer is used only when it is a valid Plan *and* keeps what
the brief asked for: the requested canvas, every asked text exactly, every code payload. Anything else --
no answer, a timeout, invalid JSON, a schema violation, a dropped or altered text -- falls back to the
compiler's plan. ``Plan.planner`` records the choice (``llm:<model>`` or ``compiler (llm fallback: why)``),
so it lands in provenance with the plan. The asks are always the compiler's reading of the brief, so the
verifier holds a model's plan to the same account.
"""

from __future__ import annotations

import json
import logging
import os
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from ..plan import Plan, plan_json_schema
from .compile import compile_prompt

log = logging.getLogger(__name__)

SYSTEM_PROMPT = (
    "You are the layout planner of an image engine. Read the brief and return ONE JSON object: a Plan that "
    "follows the given JSON Schema (canvas, theme, nodes with absolute pixel boxes, asks). Keep every text "
    "the brief asks for exactly as written (same characters, case and punctuation), each exactly once; "
    "never add text the brief did not ask for; keep every code payload exact; keep the canvas size. "
    "A draft plan from a rule-based compiler is given: improve its composition, hierarchy and colours "
    "where the brief asks for something it missed, or return it unchanged."
)


@dataclass(frozen=True)
class PlannerEndpoint:
    """Where the model planner lives (``from_env`` reads the ``IMAGEGEN_PLANNER_*`` variables)."""

    url: str
    model: str
    key: str | None = None
    timeout_s: float = 20.0

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> PlannerEndpoint | None:
        env = dict(os.environ) if env is None else env
        url = (env.get("IMAGEGEN_PLANNER_URL") or "").strip()
        if not url:
            return None
        return cls(
            url=url,
            model=(env.get("IMAGEGEN_PLANNER_MODEL") or "default").strip(),
            key=(env.get("IMAGEGEN_PLANNER_KEY") or "").strip() or None,
            timeout_s=float(env.get("IMAGEGEN_PLANNER_TIMEOUT_S") or 20.0),
        )

    @property
    def chat_url(self) -> str:
        base = self.url.rstrip("/")
        return base if base.endswith("/chat/completions") else base + "/chat/completions"


class PlannerRejected(Exception):
    """The model's answer cannot be used (the message says why); the compiler's plan is used instead."""


def plan_prompt(prompt: str, *, endpoint: PlannerEndpoint | None = None, **options: Any) -> Plan:
    """The plan of one image: the model's when ``IMAGEGEN_PLANNER_URL`` is set and it answers with a
    usable plan, else the compiler's (``Plan.planner`` says which, and why). ``options`` are
    ``compile_prompt``'s (width, height, seed, variant, variants, background, sizes)."""
    draft = compile_prompt(prompt, **options)
    endpoint = endpoint if endpoint is not None else PlannerEndpoint.from_env()
    if endpoint is None:
        return draft
    try:
        answer = _ask_model(endpoint, prompt, draft)
        plan = accept(answer, draft)
    except PlannerRejected as exc:
        log.warning("model planner answer not used, compiler plan instead: %s", exc)
        draft.planner = f"compiler (llm fallback: {exc})"[:300]
        return draft
    plan.planner = f"llm:{endpoint.model}"
    return plan


def accept(answer: Any, draft: Plan) -> Plan:
    """The model's plan if valid and it keeps the brief's canvas, texts and codes, else PlannerRejected."""
    if not isinstance(answer, dict):
        raise PlannerRejected("the answer is not a JSON object")
    try:
        plan = Plan.model_validate(answer)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise PlannerRejected(f"not a valid plan: {where}: {first.get('msg')}") from exc
    if (plan.canvas.width, plan.canvas.height) != (draft.canvas.width, draft.canvas.height):
        got, want_size = plan.canvas, draft.canvas
        raise PlannerRejected(f"canvas {got.width}x{got.height}, asked {want_size.width}x{want_size.height}")
    want = Counter(a.value for a in draft.asks if a.kind == "text")
    have = Counter(t.text for t in plan.texts())
    lost = want - have
    if lost:
        raise PlannerRejected(f"dropped or altered asked text {sorted(lost)[:3]}")
    codes = {(c.symbology, c.data) for c in plan.codes()}
    missing = [a.value for a in draft.asks if a.kind == "code" and (a.detail, a.value) not in codes]
    if missing:
        raise PlannerRejected(f"dropped or altered code payload {missing[:2]}")
    # the brief's reading stays the compiler's: the verifier checks the model's plan against it
    return plan.model_copy(
        update={"asks": draft.asks, "seed": draft.seed, "variant": draft.variant, "variants": draft.variants}
    )


def _ask_model(endpoint: PlannerEndpoint, prompt: str, draft: Plan) -> Any:
    draft_json = json.dumps(draft.to_json(), ensure_ascii=False)
    body = {
        "model": endpoint.model,
        "temperature": 0,
        "seed": draft.seed,
        "messages": [
            {"role": "system", "content": SYSTEM_PROMPT},
            {
                "role": "user",
                "content": f"Brief:\n{prompt}\n\nDraft plan:\n{draft_json}",
            },
        ],
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "plan", "schema": plan_json_schema(), "strict": False},
        },
    }
    if not endpoint.chat_url.startswith(("http://", "https://")):
        raise PlannerRejected("IMAGEGEN_PLANNER_URL must be an http(s) URL")
    headers = {"Content-Type": "application/json"}
    if endpoint.key:
        headers["Authorization"] = f"Bearer {endpoint.key}"
    request = urllib.request.Request(
        endpoint.chat_url, data=json.dumps(body).encode("utf-8"), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=endpoint.timeout_s) as response:
            raw = response.read(8 * 1024 * 1024 + 1)
    except urllib.error.HTTPError as exc:
        raise PlannerRejected(f"the endpoint answered HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise PlannerRejected(f"the endpoint could not be reached: {exc}") from exc
    if len(raw) > 8 * 1024 * 1024:
        raise PlannerRejected("the answer is larger than 8 MiB")
    try:
        content = json.loads(raw)["choices"][0]["message"]["content"]
        return json.loads(content) if isinstance(content, str) else content
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise PlannerRejected(f"no JSON plan in the answer ({type(exc).__name__})") from exc
