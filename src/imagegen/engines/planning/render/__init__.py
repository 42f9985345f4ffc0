"""The renderer: draw a Plan with real typography in every script, codes, icons, charts and procedural art.

Public surface (pinned by ``tests/render/test_public.py``)::

    render(plan, *, scale=1.0, fonts=None, references=(), node_images=None) -> Rendering
    supersample_for(width, height, quality) -> float
    FontBook, FontFace, default_fontbook, FontNotFoundError, ShapingUnavailableError
    available_icons, resolve_icon, validate_code, CodeDataError
"""

from imagegen.engines.planning.render.codes import CodeDataError, validate_code
from imagegen.engines.planning.render.compose import render, supersample_for
from imagegen.engines.planning.render.fonts import (
    FontBook,
    FontFace,
    FontNotFoundError,
    ShapingUnavailableError,
    default_fontbook,
)
from imagegen.engines.planning.render.icons import available_icons, resolve_icon

__all__ = [
    "CodeDataError",
    "FontBook",
    "FontFace",
    "FontNotFoundError",
    "ShapingUnavailableError",
    "available_icons",
    "default_fontbook",
    "render",
    "resolve_icon",
    "supersample_for",
    "validate_code",
]
