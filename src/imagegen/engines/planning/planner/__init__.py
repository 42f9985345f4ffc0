"""The planner: a deterministic compiler from the prompts people write to a :class:`~..plan.Plan`.

Public surface: :func:`compile_prompt` (what the planning engine calls) and :func:`summarize` (a
``revised_prompt`` that says what the plan will draw).
"""

from __future__ import annotations

from .compile import compile_prompt
from .summary import summarize

__all__ = ["compile_prompt", "summarize"]
