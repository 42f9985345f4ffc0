"""Layouts: one module per archetype family; each places nodes with boxes on a 12-column grid.

``LAYOUTS`` maps an archetype name (or, failing that, its family) to the function that lays it out.
Add an archetype with ``planner.archetypes.register`` and, if it needs its own arrangement, an entry here.
"""

from __future__ import annotations

from collections.abc import Callable

from ..plan import Node
from .dashboard import layout_dashboard
from .data import layout_infographic, layout_menu, layout_rows, layout_ticket
from .editorial import layout_magazine
from .hero import layout_hero
from .invitation import layout_invitation
from .kit import Ctx
from .map import layout_map
from .packaging import layout_packaging
from .screen import layout_app
from .sequential import frames_for_variant, layout_comic, layout_storyboard
from .sign import layout_sign

Layout = Callable[[Ctx], list[Node]]

LAYOUTS: dict[str, Layout] = {
    "poster": layout_hero,
    "product_hero": layout_hero,
    "banner": layout_hero,
    "social_card": layout_hero,
    "slide": layout_hero,
    "hero": layout_hero,
    "sign": layout_sign,
    "invitation": layout_invitation,
    "packaging": layout_packaging,
    "magazine_cover": layout_magazine,
    "editorial": layout_magazine,
    "infographic": layout_infographic,
    "spec_sheet": layout_rows,
    "label": layout_rows,
    "menu": layout_menu,
    "ticket": layout_ticket,
    "data": layout_rows,
    "dashboard": layout_dashboard,
    "map": layout_map,
    "app_screen": layout_app,
    "screen": layout_app,
    "comic_page": layout_comic,
    "storyboard": layout_storyboard,
    "sequential": layout_comic,
}


def layout_for(archetype: str, family: str) -> Layout:
    """The layout function of an archetype (by name, then by family, then the hero layout)."""
    return LAYOUTS.get(archetype) or LAYOUTS.get(family) or layout_hero


__all__ = ["LAYOUTS", "Ctx", "Layout", "frames_for_variant", "layout_for"]
