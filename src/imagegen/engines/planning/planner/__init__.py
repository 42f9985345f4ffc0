"""The planner: a deterministic compiler from the prompts people write to a :class:`~..plan.Plan`.

Reading the prompt (what it asks for) lives in :mod:`..reading`; the planner compiles that reading into
a plan with the layouts. Imports run one way: planner -> layouts -> reading -> rules -> plan.

Public surface: :func:`compile_prompt` (what the planning engine calls) and :func:`summarize` (a
``revised_prompt`` that says what the plan will draw).
"""

from __future__ import annotations

from .compile import compile_prompt
from .summary import summarize

__all__ = ["compile_prompt", "summarize"]
