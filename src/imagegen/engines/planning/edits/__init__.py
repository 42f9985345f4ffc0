"""Targeted edits: masked edits that keep every pixel outside the mask, and plan-level edits that re-render
only what changed. ``apply_edit`` is the entry point ``PlanningEngine.edit`` calls (see docs/edits.md)."""

from imagegen.engines.planning.edits.apply import apply_edit

__all__ = ["apply_edit"]
