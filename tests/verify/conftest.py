"""A tiny test renderer: draws hand-made plans (one line per text node, QR/linear codes) and reports
a ``Rendering`` exactly like the real renderer does, so the verifier is tested on its own.

Faults are planted by drawing the plan as told (a Latin font on CJK text, text past its box, a code
whose pixels carry another payload ...).
"""

from __future__ import annotations

import io

import barcode
import pytest
import segno
from barcode.writer import ImageWriter
from PIL import Image, ImageDraw, ImageFont

from imagegen.engines.planning.plan import Box, Canvas, CodeNode, Plan, TextNode
from imagegen.engines.planning.rendered import RenderedLine, RenderedNode, RenderedText, Rendering

NOTO = "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"
NOTO_BOLD = "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"
CJK = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def draw_plan(
    plan: Plan,
    *,
    fonts: dict[str, tuple[str, int]] | None = None,
    code_payloads: dict[str, str] | None = None,
    background: str | None = None,
) -> Rendering:
    """Draw each text node on one line at its preferred size at its box's top-left.

    ``fonts`` forces a (path, face index) per node id; ``code_payloads`` draws another payload than the
    plan's for a code node (a planted broken code).
    """
    fonts = fonts or {}
    code_payloads = code_payloads or {}
    image = Image.new(
        "RGB", (plan.canvas.width, plan.canvas.height), background or plan.canvas.background.colors[0]
    )
    draw = ImageDraw.Draw(image)
    rendering = Rendering(image=image, scale=1.0)
    for node in plan.walk():
        if isinstance(node, TextNode):
            path, index = fonts.get(node.id, (NOTO_BOLD if node.font.weight >= 700 else NOTO, 0))
            font = ImageFont.truetype(
                path, round(node.size), index=index, layout_engine=ImageFont.Layout.RAQM
            )
            if node.plate:
                draw.rectangle((node.box.x, node.box.y, node.box.right, node.box.bottom), fill=node.plate)
            origin = (node.box.x, node.box.y)
            draw.text(origin, node.text, font=font, fill=node.color)
            left, top, right, bottom = draw.textbbox(origin, node.text, font=font)
            line = RenderedLine(
                text=node.text,
                box=Box(x=left, y=top, w=right - left, h=bottom - top),
                font_path=path,
                font_index=index,
                font_size=node.size,
                runs=[(path, index, node.text)],
            )
            rendering.texts[node.id] = RenderedText(
                node_id=node.id,
                text=node.text,
                lines=[line],
                font_size=node.size,
                color=node.color,
                background_color=node.plate or plan.canvas.background.colors[0],
                overflow=right > node.box.right + 2,
                lang=node.lang,
            )
            rendering.nodes[node.id] = RenderedNode(node_id=node.id, kind="text", box=node.box)
        elif isinstance(node, CodeNode):
            payload = code_payloads.get(node.id, node.data)
            art = _code_image(node.symbology, payload)
            side = int(min(node.box.w, node.box.h)) if node.symbology == "qr" else None
            if side:
                art = art.resize((side, side), Image.Resampling.NEAREST)
            else:
                art = art.resize((int(node.box.w), int(node.box.h)), Image.Resampling.NEAREST)
            image.paste(art, (int(node.box.x), int(node.box.y)))
            rendering.nodes[node.id] = RenderedNode(
                node_id=node.id, kind="code", box=Box(x=node.box.x, y=node.box.y, w=art.width, h=art.height)
            )
    return rendering


def _code_image(symbology: str, payload: str) -> Image.Image:
    if symbology == "qr":
        buffer = io.BytesIO()
        segno.make(payload, error="m").save(buffer, kind="png", scale=8, border=4)
        return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    code = barcode.get(symbology, payload, writer=ImageWriter())
    return code.render(
        writer_options={"module_width": 0.5, "module_height": 12, "quiet_zone": 6, "write_text": False}
    )


def plan_of(*nodes: object, width: int = 800, height: int = 500, background: str = "#ffffff") -> Plan:
    """A plan holding the given nodes on a solid canvas."""
    plan = Plan(canvas=Canvas(width=width, height=height))
    plan.canvas.background.colors = [background]
    plan.nodes = list(nodes)  # type: ignore[arg-type]
    return plan


@pytest.fixture
def text_node():
    def make(
        node_id: str, text: str, x: float, y: float, w: float = 600, h: float = 80, **kw: object
    ) -> TextNode:
        return TextNode(id=node_id, text=text, box=Box(x=x, y=y, w=w, h=h), size=kw.pop("size", 40), **kw)  # type: ignore[arg-type]

    return make


@pytest.fixture
def draw():
    """The test renderer (see ``draw_plan``)."""
    return draw_plan


@pytest.fixture
def make_plan():
    """Build a plan from nodes (see ``plan_of``)."""
    return plan_of
