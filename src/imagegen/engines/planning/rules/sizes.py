"""Text size rules shared by the layouts and the refiner."""

from __future__ import annotations

#: type is never set or shrunk below this (px at canvas scale): smaller is not legible in a deliverable.
#: The layouts give every text node at least this ``min_size`` (or its fitted size, when that is smaller);
#: the refiner never shrinks a node below it.
MIN_LEGIBLE = 11.0
