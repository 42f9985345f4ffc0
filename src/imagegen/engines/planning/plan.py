"""The plan: a typed, versioned, JSON-serializable scene document.

This is the vocabulary shared by every stage of the planning engine (planner -> renderer -> verifier ->
refiner -> edits). Boxes are absolute canvas pixels (floats), origin top-left; a group's children carry
absolute boxes too, so geometry checks never need to walk transforms.

Text nodes hold *exact* content: no stage may alter, translate, re-case or drop it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .rules import ean13

PLAN_VERSION = "1.0"

Color = Annotated[
    str, Field(pattern=r"^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$", description="#RRGGBB or #RRGGBBAA")
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Box(_Model):
    x: float
    y: float
    w: float = Field(ge=0)
    h: float = Field(ge=0)

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def intersects(self, other: Box) -> bool:
        return (
            self.x < other.right and other.x < self.right and self.y < other.bottom and other.y < self.bottom
        )

    def contains(self, other: Box, tol: float = 0.5) -> bool:
        return (
            other.x >= self.x - tol
            and other.y >= self.y - tol
            and other.right <= self.right + tol
            and other.bottom <= self.bottom + tol
        )


class Palette(_Model):
    background: Color = "#ffffff"
    surface: Color = "#f4f4f5"
    primary: Color = "#111827"
    secondary: Color = "#374151"
    accent: Color = "#2563eb"
    text: Color = "#111827"
    muted: Color = "#6b7280"
    on_accent: Color = "#ffffff"
    #: extra named colors (e.g. chart series)
    extra: list[Color] = Field(default_factory=list)


class FontRef(_Model):
    #: a generic family ("sans", "serif", "mono", "condensed", "display", "handwriting") or a named font
    #: the prompt asked for ("SF Pro", "Poppins") -- the font book maps it to an open equivalent
    family: str = "sans"
    weight: int = Field(default=400, ge=100, le=900)
    style: Literal["normal", "italic"] = "normal"


class Theme(_Model):
    palette: Palette = Field(default_factory=Palette)
    heading_font: FontRef = Field(default_factory=lambda: FontRef(family="sans", weight=700))
    body_font: FontRef = Field(default_factory=FontRef)
    mono_font: FontRef = Field(default_factory=lambda: FontRef(family="mono"))
    #: modular type scale ratio and base size (px at 1024 short edge; renderer scales with canvas)
    type_scale: float = 1.25
    base_size: float = 28
    #: mood/style words that steer procedural art and decoration ("calm", "neon", "ink", "luxury" ...)
    mood: str = "neutral"
    style: str = "flat"
    dark: bool = False
    corner_radius: float = 16


class Background(_Model):
    kind: Literal["solid", "gradient", "radial", "pattern", "procedural", "transparent", "image"] = "solid"
    colors: list[Color] = Field(default_factory=lambda: ["#ffffff"])
    angle: float = 90
    #: pattern / procedural style name ("dots", "grid", "waves", "bokeh", "brick", "linen", "studio" ...)
    pattern: str | None = None
    #: index into the request's input images when kind == "image"
    reference: int | None = None


class Canvas(_Model):
    width: int = Field(ge=16, le=8192)
    height: int = Field(ge=16, le=8192)
    background: Background = Field(default_factory=Background)
    #: safe margin in px
    margin: float = 64
    grid_columns: int = 12


class _Node(_Model):
    id: str
    box: Box
    z: int = 0
    #: free-form note on why the planner put it there (shown in the plan summary, never drawn)
    note: str | None = None


class TextNode(_Node):
    kind: Literal["text"] = "text"
    #: the exact content; newlines are hard breaks
    text: str
    #: headline, subhead, body, caption, label, button, price, masthead, cover_line, title, row, bullet,
    #: item, bubble, sign, nav, stat, source, footer ...
    role: str = "body"
    font: FontRef = Field(default_factory=FontRef)
    #: preferred size in px; the renderer shrinks (never below min_size) to fit the box
    size: float = Field(default=32, gt=0)
    min_size: float = Field(default=10, gt=0)
    color: Color = "#111827"
    align: Literal["left", "center", "right"] = "left"
    valign: Literal["top", "middle", "bottom"] = "top"
    max_lines: int = Field(default=3, ge=1)
    line_height: float = 1.2
    direction: Literal["auto", "ltr", "rtl"] = "auto"
    #: BCP-47-ish language hint used for shaping and OCR ("ja", "ko", "zh-Hans", "hi", "bn", "ar", "en")
    lang: str | None = None
    #: a plate drawn behind the text (buttons, labels, price tags)
    plate: Color | None = None
    #: the text must be read back exactly by the verifier (all text nodes do by default)
    verify: bool = True


class ImageNode(_Node):
    kind: Literal["image"] = "image"
    #: procedural art (offline default), a request input image, or an image backend
    source: Literal["procedural", "reference", "backend"] = "procedural"
    #: what the image should show (a prompt for a backend; a subject keyword for procedural art)
    prompt: str = ""
    reference: int | None = None
    #: procedural art style ("product", "landscape", "portrait", "abstract", "studio", "character" ...)
    style: str = "abstract"
    fit: Literal["cover", "contain"] = "cover"
    corner_radius: float = 0
    #: colors the art should use (defaults to the theme)
    colors: list[Color] = Field(default_factory=list)


class ShapeNode(_Node):
    kind: Literal["shape"] = "shape"
    shape: Literal[
        "rect", "rounded_rect", "ellipse", "line", "bubble", "divider", "phone_frame", "polygon"
    ] = "rect"
    fill: Color | None = None
    stroke: Color | None = None
    stroke_width: float = 0
    radius: float = 0
    #: for speech bubbles: the point (canvas px) the tail points at
    tail: tuple[float, float] | None = None
    #: for polygons: the outline's corners in canvas px, in order (3 to 256; a dense run of points draws a
    #: curve: a coastline, a river bank); ``box`` is their bounding box
    points: list[tuple[float, float]] | None = Field(default=None, min_length=3, max_length=256)
    opacity: float = Field(default=1.0, ge=0, le=1)


class IconNode(_Node):
    kind: Literal["icon"] = "icon"
    #: icon name in the icon set (e.g. "home", "bar_chart", "person"); the planner matches prompt nouns
    name: str
    color: Color = "#111827"


class CodeNode(_Node):
    kind: Literal["code"] = "code"
    symbology: Literal["qr", "ean13", "code128"]
    #: the exact payload; verification decodes it back
    data: str
    #: quiet zone in modules (QR: 4, linear codes: 10)
    quiet_zone: int = 4
    fg: Color = "#000000"
    bg: Color = "#ffffff"
    #: print the human-readable digits under a linear code
    human_readable: bool = True
    error_correction: Literal["L", "M", "Q", "H"] = "M"

    @model_validator(mode="after")
    def _ean13_payload(self) -> CodeNode:
        """A client's plan meets the one EAN-13 policy (``rules/ean13.py``) when read, not when drawn."""
        reason = ean13.problem(self.data) if self.symbology == "ean13" else None
        if reason:
            raise ValueError(reason)
        return self


class DataPoint(_Model):
    label: str
    value: float


class ChartNode(_Node):
    kind: Literal["chart"] = "chart"
    chart: Literal["bar", "hbar", "donut", "line", "progress"] = "bar"
    series: list[DataPoint]
    unit: str = ""
    colors: list[Color] = Field(default_factory=list)
    #: draw value labels (their text is verified like text nodes)
    show_values: bool = True


class GroupNode(_Node):
    kind: Literal["group"] = "group"
    #: panel (comic), card, frame (storyboard), phone (app screen), navbar, section ...
    role: str = "group"
    fill: Color | None = None
    stroke: Color | None = None
    stroke_width: float = 0
    radius: float = 0
    clip: bool = True
    children: list[Node] = Field(default_factory=list)


Node = Annotated[
    TextNode | ImageNode | ShapeNode | IconNode | CodeNode | ChartNode | GroupNode,
    Field(discriminator="kind"),
]
GroupNode.model_rebuild()


class Brief(_Model):
    """What the planner understood of the prompt, kept for the summary, provenance and plan edits."""

    prompt: str = ""
    goal: str | None = None
    subject: str | None = None
    scene: str | None = None
    style: str | None = None
    details: str | None = None
    constraints: str | None = None
    aspect_hint: str | None = None
    #: words that named the layout ("magazine cover", "infographic" ...)
    archetype_reason: str | None = None


class Ask(_Model):
    """One element the brief asked for; the verifier checks each is on the canvas (``verify/asks.py``)."""

    #: text: an exact string; code: a payload; chart: a data set; color: a design colour; count: how many of
    #: a role; picture: something to depict
    kind: Literal["text", "code", "chart", "color", "count", "picture"]
    #: text: the string; code: the payload; chart: its kind; color: #rrggbb; count: the role; picture: what
    value: str
    #: the words that asked (text: its role; code: its symbology; color: the colour words; count: the phrase)
    detail: str = ""
    #: count: how many
    n: int | None = None
    #: chart: the data, in order
    points: list[DataPoint] = Field(default_factory=list)


class Plan(_Model):
    version: str = PLAN_VERSION
    archetype: str = "poster"
    canvas: Canvas
    theme: Theme = Field(default_factory=Theme)
    nodes: list[Node] = Field(default_factory=list)
    brief: Brief = Field(default_factory=Brief)
    seed: int = 0
    #: which of the n variants this is (0-based), and how many there are
    variant: int = 0
    variants: int = 1
    #: every element the brief asked for (the planner fills it; a client plan may list its own)
    asks: list[Ask] = Field(default_factory=list)
    #: which planner made the plan ("compiler", or "llm:<model>"), recorded in provenance
    planner: str | None = None

    def walk(self) -> Iterator[Node]:
        """Every node, depth first, parents before children."""

        def _walk(nodes: list[Any]) -> Iterator[Node]:
            for node in nodes:
                yield node
                if isinstance(node, GroupNode):
                    yield from _walk(node.children)

        yield from _walk(self.nodes)

    def find(self, node_id: str) -> Node | None:
        return next((n for n in self.walk() if n.id == node_id), None)

    def texts(self) -> list[TextNode]:
        return [n for n in self.walk() if isinstance(n, TextNode)]

    def codes(self) -> list[CodeNode]:
        return [n for n in self.walk() if isinstance(n, CodeNode)]

    def summary(self) -> str:
        """A one-paragraph description used as ``revised_prompt``."""
        texts = "; ".join(f'{t.role} "{t.text}"' for t in self.texts())
        codes = "; ".join(f"{c.symbology} {c.data!r}" for c in self.codes())
        parts = [
            f"{self.archetype.replace('_', ' ')} {self.canvas.width}x{self.canvas.height}",
            f"{self.theme.mood} {self.theme.style} style, palette {self.theme.palette.background}/"
            f"{self.theme.palette.primary}/{self.theme.palette.accent}",
        ]
        if self.brief.subject:
            parts.append(f"subject: {self.brief.subject}")
        if texts:
            parts.append(f"text: {texts}")
        if codes:
            parts.append(f"codes: {codes}")
        if self.variants > 1:
            parts.append(f"variant {self.variant + 1} of {self.variants}")
        return ". ".join(parts) + "."

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Plan:
        return cls.model_validate(data)


def plan_json_schema() -> dict[str, Any]:
    return Plan.model_json_schema()
