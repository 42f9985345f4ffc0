"""A picture node drawn from the illustration library: what the brief names, in the setting it names.

:func:`illustrate` reads the node's prompt (and the plan's brief when the node's prompt names nothing), and
for the n variants of a request keeps one **identity**: the subject and its colours come from the whole
brief, so every frame shows the same character; what changes per frame (time of day, weather, setting,
props) comes from that frame's beat — the node's own prompt, or, when a storyboard brief lists its beats
after a colon ("a cyclist: dawn, rain, flat tire, coast"), the variant's item of that list. What the
character does in the frame and how close the camera is come from the same beat (:func:`pose_for`,
poses.py).

It returns ``None`` when the words name nothing drawable (the caller draws abstract art), and when the
library or the embedding model is not installed: then a warning is logged once per process and the caller
falls back to abstract art (docs/rendering.md, "Illustrations").
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace

from PIL import Image, ImageColor, ImageOps

from imagegen.engines.planning.plan import ImageNode, Plan, Theme
from imagegen.engines.planning.render.illustrations.embed import EmbeddingModelMissingError
from imagegen.engines.planning.render.illustrations.index import IllustrationIndex, index
from imagegen.engines.planning.render.illustrations.library import IllustrationsMissingError
from imagegen.engines.planning.render.illustrations.poses import Pose, beat_words, read_pose
from imagegen.engines.planning.render.illustrations.scene import SceneColors, compose_scene, scene_kind
from imagegen.engines.planning.render.illustrations.storefront import is_shop_front
from imagegen.engines.planning.render.illustrations.words import Reading, read_brief

log = logging.getLogger(__name__)
_warned: set[str] = set()


#: a colon list after these words is the page's content (rows, items, bullets), never frames of a story
_CONTENT_LIST = re.compile(
    r"\b(?:rows?|items?|specs?|specifications?|features?|bullets?|bullet points|ingredients?|sections?|dishes"
    r"|prices?|menu|columns?|fields?|kpis?|stats?|statistics)\s*$",
    re.I,
)


def frame_beat(prompt: str, variant: int, variants: int) -> tuple[str, str]:
    """(the brief without its beat list, this variant's beat) for a brief that lists one beat per frame
    after a colon; (prompt, "") otherwise."""
    if variants < 2 or ":" not in prompt:
        return prompt, ""
    head, _, tail = prompt.partition(":")
    beats = [b.strip(" .") for b in re.split(r"[;,]|\band then\b|\bthen\b", tail) if b.strip(" .")]
    if len(beats) < 2 or _CONTENT_LIST.search(head) or any(":" in b for b in beats):
        # a list of the page's content ("rows: Height: 180 cm; …", "features: …") is not one beat a frame
        return prompt, ""
    return head, beats[variant % len(beats)] if variant < len(beats) else ""


def merge(identity: Reading, frame: Reading) -> Reading:
    """The frame's setting, time and weather over the brief's; the brief's subject first."""
    names = {t.name for t in identity.things}
    return replace(
        identity,
        things=identity.things + [t for t in frame.things if t.name not in names],
        setting=frame.setting or identity.setting,
        surface=frame.surface or identity.surface,
        time=frame.time or identity.time,
        landmark=frame.landmark or identity.landmark,
        weather=frame.weather or identity.weather,
        colors=identity.colors + [c for c in frame.colors if c not in identity.colors],
        words=identity.words + frame.words,
    )


def reading_for(node: ImageNode, plan: Plan | None, idx: IllustrationIndex) -> Reading:
    brief = plan.brief.prompt if plan is not None and plan.brief.prompt else node.prompt
    variant, variants = (plan.variant, plan.variants) if plan is not None else (0, 1)
    whole, beat = frame_beat(brief, variant, variants)
    own = read_brief(node.prompt, idx)
    whole_reading = own if whole == node.prompt else read_brief(whole, idx)
    if own.things:
        # the node names its own subject (one of several pictures in a layout): the brief only adds the
        # setting, time and weather it did not name
        identity = merge(replace(whole_reading, things=[], colors=[]), own)
    else:
        identity = merge(whole_reading, own)
    if not beat:
        if variants > 1:
            return _take(identity, variant, idx)
        return _side_on(identity, idx)
    framed = merge(identity, read_brief(beat, idx))
    # every frame of a storyboard is outdoors unless one says where it is (a studio frame would break
    # the sequence)
    if not (framed.setting or framed.time or framed.weather):
        framed = replace(framed, setting="open")
    return framed


#: a story for n frames of one person that the brief gives no beats for: (pose drawing, setting, time,
#: words that add motion, shot). The character, its colours and what it carries stay; what it does, where
#: it is and how close the camera is change, the way a storyboard artist would fill an unscripted
#: sequence (on foot throughout: a bike would bring a helmet, another look).
_STORY: tuple[tuple[str, str, str | None, tuple[str, ...], str], ...] = (
    ("person-standing", "city", "dawn", (), "wide"),
    ("person-walking", "city", None, (), ""),
    ("person-running", "city", None, ("running",), "wide"),
    ("person-standing", "park", None, (), "close"),
    ("person-kneeling", "city", None, (), ""),
    ("person-walking", "park", None, (), "wide"),
    ("person-running", "open", "dusk", ("running",), ""),
    ("person-standing", "city", "night", (), "close"),
)


def _take(identity: Reading, variant: int, idx: IllustrationIndex) -> Reading:
    """The variant's beat of :data:`_STORY` when the subject is a person (a courier, a cyclist, a woman);
    anything else is unchanged (its takes differ by camera only)."""
    if not _storied(identity, idx):
        return identity
    subject = identity.things[0]
    pose, setting, time, words, _ = _STORY[variant % len(_STORY)]
    if pose not in idx.lib:
        return identity
    return replace(
        identity,
        things=[replace(subject, name=pose), *identity.things[1:]],
        setting=identity.setting or setting,
        time=identity.time or time,
        words=[*identity.words, *words],
    )


def pose_for(node: ImageNode, plan: Plan | None, idx: IllustrationIndex) -> Pose:
    """What the character does in this picture: the variant's beat of a storyboard brief, else the node's
    own prompt when a layout wrote one per panel ("a robot wakes up, spills it"); an unscripted story
    take gets its shot from :data:`_STORY`."""
    brief = plan.brief.prompt if plan is not None and plan.brief.prompt else node.prompt
    variant, variants = (plan.variant, plan.variants) if plan is not None else (0, 1)
    beat = frame_beat(brief, variant, variants)[1]
    text = beat or (node.prompt if node.prompt and node.prompt != brief else "")
    pose = read_pose(beat_words(text))
    if not beat and variants > 1 and not pose.shot and _storied(reading_for(node, plan, idx), idx):
        pose = replace(pose, shot=_STORY[variant % len(_STORY)][4])
    return pose


def _side_on(reading: Reading, idx: IllustrationIndex) -> Reading:
    """A person standing with something on the back ("a courier with a yellow backpack") is drawn walking:
    seen side-on the bag shows on the back; seen from the front it would hide behind the body."""
    if not reading.things or not reading.things[0].carried:
        return reading
    subject = reading.things[0]
    walking = subject.name.removesuffix("-standing") + "-walking"
    if not subject.name.endswith("-standing") or walking not in idx.lib:
        return reading
    return replace(reading, things=[replace(subject, name=walking), *reading.things[1:]])


def _storied(reading: Reading, idx: IllustrationIndex) -> bool:
    """The subject is a person, whose takes tell :data:`_STORY`."""
    if not reading.things:
        return False
    name = reading.things[0].name
    return idx.lib.categories.get(name) == "People & Body" and name.startswith("person")


def _value(word: str, planned: str | None) -> str:
    """The plan's value for a colour word when it is that colour (the planner's tuned table), else the CSS
    value of the word (the plan's colours may be the theme's, not the words')."""
    r, g, b = ImageColor.getrgb(word)[:3]
    if planned is not None:
        pr, pg, pb = ImageColor.getrgb(planned)[:3]
        if abs(pr - r) + abs(pg - g) + abs(pb - b) < 200:
            return planned
    return f"#{r:02x}{g:02x}{b:02x}"


def illustrate(
    node: ImageNode, theme: Theme, w: int, h: int, seed: int, *, plan: Plan | None = None
) -> Image.Image | None:
    """The node's picture composed from the library, or None (nothing drawable, or no library)."""
    try:
        idx = index()
    except (IllustrationsMissingError, EmbeddingModelMissingError) as exc:
        key = type(exc).__name__
        if key not in _warned:
            _warned.add(key)
            log.warning("illustrations unavailable, drawing abstract art instead: %s", exc)
        return None
    reading = reading_for(node, plan, idx)
    if not reading.things and scene_kind(reading) not in ("outdoor", "space"):
        return None  # nothing drawable named, and no place either: abstract art
    p = theme.palette
    # colour words in the order the brief named them; their values are the plan's (the planner's colour
    # table), else the CSS value of the word
    values = {
        word: _value(word, node.colors[i] if i < len(node.colors) else None)
        for i, word in enumerate(reading.colors)
    }
    colors = SceneColors(
        background=p.background,
        surface=p.surface,
        accent=p.accent,
        named=tuple(values.values()),
        values=values,
    )
    variant = plan.variant if plan is not None else 0
    img = compose_scene(idx.lib, w, h, reading, colors, seed, variant, pose=pose_for(node, plan, idx))
    if (
        plan is not None
        and plan.variants > 1
        and plan.variant % 2 == 1
        and not _has_beats(plan)
        and not _storied(reading, idx)
        and not (scene_kind(reading) == "outdoor" and is_shop_front(reading, idx.lib))
    ):
        # (a shop front draws its own mirrored take: the sign layout's board must stay where it is drawn)
        # n takes of one brief with nothing to tell them apart: every other one is seen from the other side
        # (a person's takes tell a story instead, facing one way throughout, the backpack always on the back)
        img = ImageOps.mirror(img)
    if any(k in f"{theme.style} {theme.mood}".lower() for k in ("manga", "ink", "black-and-white", "b&w")):
        img = ImageOps.autocontrast(img.convert("L"), cutoff=1).convert("RGB")
    return img


def _has_beats(plan: Plan) -> bool:
    return bool(frame_beat(plan.brief.prompt, plan.variant, plan.variants)[1])


def warm() -> bool:
    """Load the set, its index and the embedding model now (server start) instead of on the first
    request; False when the library is not installed (the first picture then logs the fallback)."""
    try:
        idx = index()
    except (IllustrationsMissingError, EmbeddingModelMissingError):
        return False
    idx.embed("a picture")
    return True
