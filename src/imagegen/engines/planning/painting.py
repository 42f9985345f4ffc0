"""Picture regions of a plan painted by an image backend (``IMAGEGEN_PICTURE_MODEL``, SPEC §10).

For each picture region (hero photo, product, portrait, scene, comic panel art, storyboard frame) a prompt
is written from the plan -- subject, setting, style, palette, and "no text" so the model invents no
lettering -- and sent through the ``Painter`` protocol at the region's aspect. The plan keeps every text and
code: the renderer sets them over the pictures and the verifier checks them as always. Decorative art
(data motifs, waves, geometric fields) stays with the offline illustrator. A backend that fails or is
missing leaves the region to the offline illustrator; the report and provenance say so.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PIL import Image

from imagegen.contract.errors import JobCancelled
from imagegen.contract.specs import Quality
from imagegen.engines.base import SourceFile
from imagegen.engines.painter import NEGATIVE, Painter, PictureRequest
from imagegen.engines.planning.plan import ImageNode, Plan

log = logging.getLogger(__name__)

#: a region smaller than this (canvas px, either edge) is not worth a backend call
MIN_EDGE = 48
#: ImageNode styles that are decoration, not a picture of something
DECORATIVE = frozenset({"data", "waves", "geometric", "abstract", "pattern", "bokeh", "gradient"})
_ROLE_BY_STYLE = {"character": "portrait", "product": "product", "studio": "product", "food": "product",
                  "scene": "scene", "landscape": "scene"}
_ROLE_BY_ARCHETYPE = {"comic_page": "comic panel art", "storyboard": "storyboard frame"}
_LOOK = {
    "hero photo": "a photorealistic editorial photograph, natural light, shallow depth of field",
    "product": "a photorealistic studio product photograph, soft window light, clean backdrop",
    "portrait": "a photorealistic portrait photograph, natural light, 85mm lens",
    "scene": "a photorealistic photograph of the setting, natural light",
    "comic panel art": "comic book panel art, clean inked lines, flat colours",
    "storyboard frame": "a storyboard frame, loose pencil sketch with grey wash",
}


@dataclass
class Painting:
    """What the painter made for one plan."""

    #: node id -> picture, for ``render(node_images=...)``
    images: dict[str, Image.Image] = field(default_factory=dict)
    contributors: list[dict[str, Any]] = field(default_factory=list)
    sources: list[SourceFile] = field(default_factory=list)
    #: per region: painted by whom, or why the offline illustrator drew it
    regions: list[dict[str, Any]] = field(default_factory=list)
    costs: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def fell_back(self) -> bool:
        return any(r["painted_by"] == "offline illustrator" for r in self.regions)


def region_role(plan: Plan, node: ImageNode) -> str | None:
    """The kind of picture a node is, or None for decoration (left to the offline illustrator)."""
    if node.source != "procedural" or min(node.box.w, node.box.h) < MIN_EDGE:
        return None
    if plan.archetype in _ROLE_BY_ARCHETYPE:
        return _ROLE_BY_ARCHETYPE[plan.archetype]
    if node.style in _ROLE_BY_STYLE:
        return _ROLE_BY_STYLE[node.style]
    if node.style in DECORATIVE or not (node.prompt or plan.brief.subject):
        return None
    return "hero photo"


def subject_of(plan: Plan, node: ImageNode) -> str:
    """The subject description shared by every variant of a request (identity across the n images)."""
    return (plan.brief.subject or node.prompt or plan.brief.prompt).strip()


def picture_request(plan: Plan, node: ImageNode, role: str, index: int, quality: Quality,
                    cancelled: Callable[[], bool] | None = None) -> PictureRequest:
    """The prompt and size for one region, written from the plan."""
    subject = subject_of(plan, node)
    theme = plan.theme
    palette = tuple(dict.fromkeys([*node.colors, theme.palette.primary, theme.palette.accent,
                                   theme.palette.background]))[:4]
    parts = [f"{_LOOK[role]} of {subject}"]
    if plan.brief.scene and plan.brief.scene not in subject:
        parts.append(f"setting: {plan.brief.scene}")
    if node.prompt and node.prompt != subject and node.prompt not in subject:
        parts.append(f"showing {node.prompt}")
    parts.append(f"style: {theme.style}, mood: {theme.mood}")
    parts.append("colour palette " + ", ".join(palette))
    if plan.variants > 1:
        parts.append(f"take {plan.variant + 1} of {plan.variants}: the same subject from another angle")
    prompt = "; ".join(parts) + f". {NEGATIVE}."
    return PictureRequest(
        prompt=prompt, width=max(1, round(node.box.w)), height=max(1, round(node.box.h)),
        # one seed family per request: every variant starts from the request seed, regions offset by index
        seed=(plan.seed + 7919 * plan.variant + 104729 * index) & 0x7FFFFFFF,
        region=role, subject=subject, style=theme.style, palette=palette, quality=quality, node_id=node.id,
        cancelled=cancelled,
    )


def paint_plan(plan: Plan, painter: Painter, *, model: str, quality: Quality,
               cancelled: Callable[[], bool] | None = None) -> Painting:
    """Ask ``painter`` for every picture region of ``plan``; mark the painted nodes ``source="backend"``.

    After the first failure the remaining regions go straight to the offline illustrator (a backend that
    is down would otherwise be waited for region by region)."""
    started = time.perf_counter()
    painting = Painting()
    failure: str | None = None
    regions = [(n, r) for n in plan.walk() if isinstance(n, ImageNode) and (r := region_role(plan, n))]
    for index, (node, role) in enumerate(regions):
        where = {"node_id": node.id, "region": role, "model": model}
        if failure is None:
            request = picture_request(plan, node, role, index, quality, cancelled)
            try:
                picture = painter.paint(request)
            except JobCancelled:
                raise  # the job is going away: no fallback to draw
            except Exception as exc:  # any backend failure falls back; the reason is reported
                failure = f"{type(exc).__name__}: {getattr(exc, 'message', None) or exc}"
                log.warning("picture backend %s failed for %s: %s", model, node.id, failure)
            else:
                painting.images[node.id] = picture.image
                node.source = "backend"
                painting.sources.extend(picture.sources)
                if picture.cost:
                    painting.costs.append(picture.cost)
                painting.contributors.append({"engine": picture.engine, "backend": picture.backend,
                                              "model": picture.model, "region": f"{role} {node.id}"})
                painting.regions.append(where | {"painted_by": picture.backend, "prompt": request.prompt}
                                        | picture.extra)
                continue
        painting.regions.append(where | {"painted_by": "offline illustrator",
                                         "reason": f"the picture backend failed ({failure})"})
    painting.seconds = time.perf_counter() - started
    return painting
