"""The verification report: what was checked, what passed, and what refinement changed."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

CheckKind = Literal["glyphs", "overflow", "bounds", "overlap", "contrast", "ocr", "code", "shaping", "ask"]


@dataclass
class Check:
    kind: CheckKind
    node_id: str | None
    passed: bool
    #: what was expected / measured, human-readable
    detail: str = ""
    expected: str | None = None
    observed: str | None = None
    #: numeric measure where there is one (contrast ratio, overlap area, OCR similarity)
    value: float | None = None


@dataclass
class Fix:
    pass_index: int
    node_id: str
    action: Literal[
        "shrink", "rewrap", "move", "recolor", "plate", "rebalance", "resize", "reorder", "refont"
    ]
    detail: str


@dataclass
class VerifyReport:
    checks: list[Check] = field(default_factory=list)
    fixes: list[Fix] = field(default_factory=list)
    passes: int = 0
    #: checks that were skipped by the quality budget (e.g. OCR at quality=low), by kind
    skipped: list[str] = field(default_factory=list)
    #: what refinement could not fix within the budget, human-readable (empty when every check passed)
    unresolved: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    def failures(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["passed"] = self.passed
        return data
