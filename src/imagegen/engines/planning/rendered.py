"""What the renderer reports about what it drew: where every line of text and every node ended up.

The verifier reads this instead of detecting text on the whole canvas (the plan knows where every line
is, so OCR runs on each line's crop), and the refiner uses it to decide what to shrink/move/recolor.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image

from imagegen.engines.planning.plan import Box


@dataclass
class RenderedLine:
    text: str
    #: tight box of the drawn glyphs in canvas px
    box: Box
    #: font actually used for (most of) the line; fallbacks listed per run
    font_path: str
    font_index: int
    font_size: float
    #: (font_path, face index, text run) for each run when fallback split the line
    runs: list[tuple[str, int, str]] = field(default_factory=list)
    direction: str = "ltr"
    #: tight ink box of each run in canvas px, same order as ``runs`` (visual, left to right); lets the
    #: verifier OCR a mixed-script line run by run with the right engine/language
    run_boxes: list[Box] = field(default_factory=list)


@dataclass
class RenderedText:
    node_id: str
    #: the exact content the node must read as
    text: str
    lines: list[RenderedLine]
    font_size: float
    color: str
    #: the color behind the text, sampled or known (plate / background) for contrast checks
    background_color: str | None
    #: the text did not fit its box at min_size or needed more than max_lines
    overflow: bool = False
    #: codepoints no font in the chain could draw
    missing_glyphs: list[str] = field(default_factory=list)
    lang: str | None = None
    #: the plate the text is drawn on (a badge's pill, a button), canvas px, and its corner radius: the
    #: pixels behind the text are the plate's, never the page around it
    plate_box: Box | None = None
    plate_radius: float = 0.0


@dataclass
class RenderedNode:
    node_id: str
    kind: str
    #: box actually painted (may differ from the plan box after fitting), canvas px
    box: Box
    parent_id: str | None = None


@dataclass
class Rendering:
    image: Image.Image
    #: render scale used (supersampling factor before the final downsample)
    scale: float
    nodes: dict[str, RenderedNode] = field(default_factory=dict)
    texts: dict[str, RenderedText] = field(default_factory=dict)
    #: seconds per step
    timings: dict[str, float] = field(default_factory=dict)
    #: every font face that drew something, as (file path, face index), sorted (for provenance)
    fonts_used: list[tuple[str, int]] = field(default_factory=list)
