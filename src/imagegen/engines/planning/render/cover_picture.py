"""The picture of a cover whose brief describes none: the drawable things its own words name.

A magazine cover's art node (``layouts/editorial.py``) carries, one per line, the picture the brief
described (if any) and the cover lines, each as ``- line`` ("- The New Space Race", "- Living on Mars",
"- 10 Telescopes to Watch"), in style :data:`COVER_PICTURE`. :func:`cover_prompt` picks what to draw:
the described picture when its words name a drawing; otherwise the line whose first thing matches a
drawing best (ties: the earlier line), with the best thing of up to two other lines as props ("mars with
telescope"). Weak matches (an exact keyword far from the phrase: "race" -> horse racing at 0.56) do not
count. When no line names anything, the cover keeps its abstract art (``editorial.cover_art``).

A poster whose brief describes nothing drawable (``layouts/hero.py``) asks the same with its headline as
the line, after the occasion its brief names ("A launch poster": a rocket, :data:`OCCASIONS`); it falls
back to its geometric art (style ``cover-picture:geometric``).
"""

from __future__ import annotations

import re

from PIL import Image

from imagegen.engines.planning.plan import ImageNode, Plan, Theme
from imagegen.engines.planning.render.illustrations.embed import EmbeddingModelMissingError
from imagegen.engines.planning.render.illustrations.illustrate import illustrate
from imagegen.engines.planning.render.illustrations.index import IllustrationIndex, index
from imagegen.engines.planning.render.illustrations.library import IllustrationsMissingError
from imagegen.engines.planning.render.illustrations.words import Thing, read_brief

#: the ImageNode style of a picture chosen from the design's own words; ``cover-picture:STYLE`` names the
#: abstract style drawn when no line names anything (plain: the abstract cover art)
COVER_PICTURE = "cover-picture"
#: occasions that name no drawing but have an obvious picture ("a launch poster": a rocket), read in the
#: described picture's words only (a headline's "launch" may be a product's)
OCCASIONS: dict[str, str] = {
    "launch": "rocket",
    "liftoff": "rocket",
    "hackathon": "laptop",
    "graduation": "graduation-cap",
}
#: how well a line's thing must match its drawing to be drawn on the cover
MIN_COVER_SCORE = 0.6
#: other lines' things drawn beside the subject
MAX_PROPS = 2


def _first_thing(line: str, idx: IllustrationIndex, min_score: float = MIN_COVER_SCORE) -> Thing | None:
    things = [t for t in read_brief(line, idx).things if t.name and t.score >= min_score]
    return things[0] if things else None


def _described(prompt: str) -> list[str]:
    return [ln.strip() for ln in prompt.splitlines() if ln.strip() and not ln.strip().startswith("- ")]


def cover_prompt(prompt: str, idx: IllustrationIndex) -> str:
    """What to illustrate for a cover-picture node's ``prompt``; "" when no line names a drawing well
    enough. Lines starting with ``- `` are the cover's text lines; any other line is the picture the brief
    described."""
    lines = [ln.strip() for ln in prompt.splitlines() if ln.strip()]
    described = _described(prompt)
    if any(_first_thing(ln, idx, 0.0) is not None for ln in described):
        # the brief described the picture ("a fox in the snow"): draw that, as described (any match the
        # illustrations accept: the planner's picture is drawn as it always was)
        return "\n".join(described)
    words = set(re.findall(r"[a-z]+", " ".join(described).lower()))
    occasion = next((d for w, d in OCCASIONS.items() if w in words and d in idx.lib.bodies), None)
    if occasion is not None:
        return occasion
    found: list[tuple[float, int, Thing]] = []
    for k, line in enumerate(ln[2:] for ln in lines if ln.startswith("- ")):
        thing = _first_thing(line, idx)
        if thing is not None:
            found.append((round(thing.score, 2), -k, thing))
    if not found:
        return ""
    found.sort(key=lambda f: (f[0], f[1]), reverse=True)
    subject = found[0][2]
    props: list[Thing] = []
    for _, _, thing in sorted(found[1:], key=lambda f: -f[1]):
        if thing.name != subject.name and thing.name not in {p.name for p in props}:
            props.append(thing)
    return " with ".join([subject.phrase, *(p.phrase for p in props[:MAX_PROPS])])


def cover_picture(
    node: ImageNode, theme: Theme, w: int, h: int, seed: int, *, plan: Plan | None = None
) -> Image.Image | None:
    """The cover's picture from the illustrations, or None (nothing named, or no library installed)."""
    try:
        idx = index()
    except (IllustrationsMissingError, EmbeddingModelMissingError):
        return None  # illustrate() logs the missing library once; the caller draws the abstract cover
    words = cover_prompt(node.prompt, idx)
    if not words and node.style.partition(":")[2]:
        # a poster's own picture prompt, read as it always was (a place alone is still a scene)
        words = "\n".join(_described(node.prompt))
    if not words:
        return None
    return illustrate(node.model_copy(update={"prompt": words}), theme, w, h, seed, plan=plan)
