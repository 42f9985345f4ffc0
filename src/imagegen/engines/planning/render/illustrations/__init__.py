"""Offline pictures from an open-licensed illustration library (docs/rendering.md, "Pictures")."""

from imagegen.engines.planning.render.illustrations.illustrate import warm
from imagegen.engines.planning.render.illustrations.library import IllustrationsMissingError, library

__all__ = ["IllustrationsMissingError", "library", "warm"]
