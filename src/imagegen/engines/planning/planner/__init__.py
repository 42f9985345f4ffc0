"""The planner: a deterministic compiler from the prompts people write to a :class:`~..plan.Plan`.

Public surface: :func:`compile_prompt` (what the planning engine calls) and :func:`summarize` (a
``revised_prompt`` that says what the plan will draw).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .compile import compile_prompt
    from .summary import summarize

__all__ = ["compile_prompt", "summarize"]


def __getattr__(name: str) -> Any:
    # Imported on first use: the layouts import planner submodules (content, codes, contrast ...), and an
    # eager ``compile`` import here would close a cycle (compile imports the layouts), so that importing
    # ``layouts`` before ``planner`` failed.
    if name == "compile_prompt":
        from .compile import compile_prompt

        return compile_prompt
    if name == "summarize":
        from .summary import summarize

        return summarize
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
