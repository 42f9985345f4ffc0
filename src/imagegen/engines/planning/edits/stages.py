"""What an edit needs from the engine that runs it: three stages, passed in, never imported.

The planning engine satisfies this protocol (``PlanningEngine.render/verify/generate``); an edit run with
no engine (``engine=None``) uses the module-level renderer, verifier and planner with the budget's
settings. The edits therefore never import ``engine.py``: imports run engine -> edits, one way.
"""

from __future__ import annotations

from typing import Protocol

from imagegen.contract.specs import GenerateSpec
from imagegen.engines.base import EngineResult, Progress
from imagegen.engines.planning.plan import Plan
from imagegen.engines.planning.rendered import Rendering
from imagegen.engines.planning.report import VerifyReport


class EditStages(Protocol):
    """The engine stages an edit calls: draw a plan, verify a drawing, generate from a prompt."""

    def render(self, plan: Plan, *, quality: str = "medium") -> Rendering:
        """Draw ``plan`` with the engine's font book at the quality's supersampling."""
        ...

    def verify(self, plan: Plan, rendering: Rendering, *, quality: str = "medium") -> VerifyReport:
        """The quality's checks on one rendering."""
        ...

    def generate(self, spec: GenerateSpec, progress: Progress) -> EngineResult:
        """A whole generation (plan, paint, render, verify) from a prompt: the re-plan fallback."""
        ...
