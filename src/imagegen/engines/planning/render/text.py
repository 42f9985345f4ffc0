"""Text: itemize into font runs, shape with raqm, break lines, fit to a box, draw, measure ink boxes.

Pipeline for one text node (all lengths in *drawing* px, i.e. canvas px x render scale):

1. ``itemize``: split each paragraph into grapheme clusters and give each cluster a face: the face of its
   script for the requested family (Inter for Latin, Noto Sans CJK JP/KR/SC, Noto Sans Devanagari ...), or
   the first face of the fallback chain that covers it; neutral characters (spaces, digits, punctuation)
   stay in the current run's face so runs stay long and shaping sees whole words.
2. ``break``: words for spaced scripts, single characters for Chinese/Japanese (no line starts with a
   closing mark, none ends with an opening one); a cluster is never split; a word is split between
   clusters only when it alone is wider than the box.
3. ``fit``: the largest size <= size and >= min_size whose lines fit the width, the height and max_lines;
   otherwise min_size with ``overflow=True``.
4. ``draw``: runs placed by advance in visual (bidi) order; a line drawn by one face is shaped as a whole by
   raqm (HarfBuzz + FriBiDi), so joining, reordering and conjuncts are the shaper's, not ours.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image, ImageDraw

from imagegen.engines.planning.plan import FontRef
from imagegen.engines.planning.render.fonts import FontBook, FontFace
from imagegen.engines.planning.render.scripts import (
    CJK_BREAK_SCRIPTS,
    NO_BREAK_AFTER,
    NO_BREAK_BEFORE,
    clusters,
    embedding_levels,
    paragraph_rtl,
    script_of,
    visual_order,
)

#: shaping language per script when the node gives none (selects locl forms, e.g. Hindi vs Marathi)
_SCRIPT_LANG = {
    "devanagari": "hi",
    "bengali": "bn",
    "arabic": "ar",
    "hebrew": "he",
    "kana": "ja",
    "hangul": "ko",
    "han": "zh",
    "thai": "th",
}


#: characters a line may break after when they sit inside a word
_BREAK_AFTER = frozenset({"-", "\u2010", "\u2013", "/"})


@dataclass
class Cluster:
    """One grapheme cluster with the face that draws it and its bidi level."""

    text: str
    face: FontFace
    level: int
    script: str

    @property
    def is_space(self) -> bool:
        """Whitespace: a break opportunity that takes no room at a line end."""
        return self.text.isspace()


@dataclass
class Run:
    """Consecutive clusters drawn with one face in one direction."""

    text: str
    face: FontFace
    rtl: bool
    lang: str | None
    width: float = 0.0
    #: x of the run's left edge relative to the line's left edge (visual order)
    x: float = 0.0


@dataclass
class Segment:
    """An unbreakable piece of a paragraph (cluster indices) with its runs and its trailing spaces' runs."""

    start: int
    end: int
    end_sp: int
    runs: list[Run]
    space_runs: list[Run]


@dataclass
class Line:
    """One laid-out line: its logical text and runs in visual order."""

    text: str
    runs: list[Run]
    width: float
    rtl: bool


@dataclass
class TextLayout:
    """A fitted text block, ready to draw."""

    size: float
    lines: list[Line]
    line_advance: float
    ascent: float
    descent: float
    overflow: bool
    missing: list[str] = field(default_factory=list)
    faces: list[FontFace] = field(default_factory=list)

    @property
    def height(self) -> float:
        """Height from the first line's ascent to the last line's descent."""
        if not self.lines:
            return 0.0
        return (len(self.lines) - 1) * self.line_advance + self.ascent + self.descent


@dataclass
class DrawnLine:
    """Where a line landed: its tight ink box in drawing px and its runs."""

    line: Line
    ink: tuple[float, float, float, float]  # x0, y0, x1, y1
    baseline: float
    #: ink box per run (same order as ``line.runs``); a run without ink gets a zero-width box
    run_inks: list[tuple[float, float, float, float]] = field(default_factory=list)


class TextEngine:
    """Lays out and draws text with a font book; caches itemizations and measured widths."""

    def __init__(self, fonts: FontBook) -> None:
        self.fonts = fonts
        self._widths: dict[tuple[FontFace, float, str, bool, str | None], float] = {}
        self._faces: dict[FontFace, FontFace] = {}

    # -- 1. itemize -------------------------------------------------------------------------------------
    def itemize(
        self, paragraph: str, font: FontRef, lang: str | None, direction: str, context: str
    ) -> tuple[list[Cluster], bool]:
        """Clusters of one paragraph with faces and bidi levels; returns (clusters, paragraph is RTL)."""
        rtl = paragraph_rtl(paragraph, direction)
        chain = self.fonts.chain(context, font, lang)
        primary = chain[0]
        levels = embedding_levels(paragraph, rtl)
        out: list[Cluster] = []
        pos = 0
        by_script: dict[str, FontFace] = {}
        for cl in clusters(paragraph):
            level = levels[pos]
            pos += len(cl)
            script = next((s for s in map(script_of, cl) if s != "common"), "common")
            face: FontFace | None = None
            if script == "common":
                prev = out[-1].face if out else primary
                # whitespace and controls are drawn as spaces (see _drawable): any face will do, so they
                # never split a run
                if cl.isspace() or _drawable(cl) != cl or self.fonts.covers(prev.path, prev.index, cl):
                    face = prev
            else:
                if script not in by_script:
                    by_script[script] = self.fonts.resolve(font, script=script, lang=lang, text=context)
                cand = by_script[script]
                if self.fonts.covers(cand.path, cand.index, cl):
                    face = cand
            if face is None:
                face = next((f for f in chain if self.fonts.covers(f.path, f.index, cl)), primary)
            # interned so run grouping can compare faces by identity (hot loop)
            out.append(Cluster(cl, self._faces.setdefault(face, face), level, script))
        # leading neutrals took the primary face before the first real script was seen; give them the
        # face of the run they precede when it covers them (fewer runs, better kerning)
        first = next((i for i, c in enumerate(out) if c.script != "common"), 0)
        for i in range(first, 0, -1):
            a, b = out[i - 1], out[i]
            if a.face is not b.face and self.fonts.covers(b.face.path, b.face.index, a.text):
                a.face = b.face
        return out, rtl

    # -- measuring ---------------------------------------------------------------------------------------
    def _lang_for(self, run_clusters: list[Cluster], lang: str | None) -> str | None:
        if lang:
            return lang
        script = next((c.script for c in run_clusters if c.script != "common"), "common")
        return _SCRIPT_LANG.get(script)

    def runs(self, cls: list[Cluster], lang: str | None, para_rtl: bool) -> list[Run]:
        """Group clusters into runs (same face, same level) and order them visually."""
        if not cls:
            return []
        # one face for the whole line: let raqm do the bidi of the whole line (full UAX #9, FriBiDi)
        first = cls[0].face
        if all(c.face is first for c in cls):
            return [
                Run(_drawable("".join(c.text for c in cls)), cls[0].face, para_rtl, self._lang_for(cls, lang))
            ]
        groups: list[list[Cluster]] = [[cls[0]]]
        for c in cls[1:]:
            last = groups[-1][-1]
            if c.face is last.face and c.level == last.level:
                groups[-1].append(c)
            else:
                groups.append([c])
        levels = [g[0].level for g in groups]
        order = visual_order(levels)
        return [
            Run(
                _drawable("".join(c.text for c in groups[i])),
                groups[i][0].face,
                levels[i] % 2 == 1,
                self._lang_for(groups[i], lang),
            )
            for i in order
        ]

    def width(self, face: FontFace, size: float, text: str, rtl: bool, lang: str | None) -> float:
        """Advance width of ``text`` shaped with ``face`` at ``size`` (cached)."""
        key = (face, size, text, rtl, lang)
        w = self._widths.get(key)
        if w is None:
            font = self.fonts.font(face, size)
            w = font.getlength(
                text, direction="rtl" if rtl else "ltr", language=lang, features=face_features(face)
            )
            if len(self._widths) > 100_000:
                self._widths.clear()
            self._widths[key] = w
        return w

    def measure_runs(self, runs: list[Run], size: float) -> float:
        """Set each run's width and x (visual order); return the line width."""
        x = 0.0
        for r in runs:
            r.width = self.width(r.face, size, r.text, r.rtl, r.lang)
            r.x = x
            x += r.width
        return x

    def _cluster_width(self, cls: list[Cluster], size: float, lang: str | None, para_rtl: bool) -> float:
        return self.measure_runs(self.runs(cls, lang, para_rtl), size)

    # -- 2. break ----------------------------------------------------------------------------------------
    @staticmethod
    def segments(cls: list[Cluster]) -> list[tuple[int, int, int]]:
        """Unbreakable segments as (start, end of content, end including trailing spaces) cluster indices."""
        segs: list[tuple[int, int, int]] = []
        i, n = 0, len(cls)
        while i < n:
            start = i
            if cls[i].is_space:
                # leading spaces of the paragraph are content (kept exact), as their own segment
                while i < n and cls[i].is_space:
                    i += 1
                segs.append((start, i, i))
                continue
            while i < n and not cls[i].is_space:
                cur = cls[i]
                i += 1
                if i < n and not cls[i].is_space:
                    nxt = cls[i]
                    breakable = (cur.script in CJK_BREAK_SCRIPTS or nxt.script in CJK_BREAK_SCRIPTS) and (
                        nxt.text[0] not in NO_BREAK_BEFORE and cur.text[-1] not in NO_BREAK_AFTER
                    )
                    # after a hyphen or slash inside a word ("state-of-the-art", URLs), as UAX #14 allows
                    after_hyphen = (
                        cur.text in _BREAK_AFTER
                        and i >= 2
                        and cls[i - 2].text[-1].isalnum()
                        and nxt.text[0].isalnum()
                    )
                    if breakable or after_hyphen:
                        break
            end = i
            while i < n and cls[i].is_space:
                i += 1
            segs.append((start, end, i))
        return segs

    def prepare(self, cls: list[Cluster], lang: str | None, para_rtl: bool) -> list[Segment]:
        """Segments of a paragraph with their (size-independent) runs, computed once per layout."""
        return [
            Segment(
                start,
                end,
                end_sp,
                self.runs(cls[start:end], lang, para_rtl),
                self.runs(cls[end:end_sp], lang, para_rtl),
            )
            for start, end, end_sp in self.segments(cls)
        ]

    def runs_width(self, runs: list[Run], size: float, ref: float | None = None) -> float:
        """Total advance of runs at ``size`` (cached per run text); with ``ref``, measured at ``ref``
        and scaled linearly (an estimate)."""
        if ref:
            return sum(self.width(r.face, ref, r.text, r.rtl, r.lang) for r in runs) * size / ref
        return sum(self.width(r.face, size, r.text, r.rtl, r.lang) for r in runs)

    def break_paragraph(
        self,
        cls: list[Cluster],
        size: float,
        max_width: float,
        lang: str | None,
        para_rtl: bool,
        segs: list[Segment] | None = None,
        ref: float | None = None,
    ) -> list[list[Cluster]]:
        """Greedy line breaking of one paragraph at ``size``.

        Widths add up per segment (a word, or one CJK character) and per run of spaces, each shaped and
        cached on its own: linear in the paragraph, where re-measuring every candidate line would be
        quadratic. Shaping does not cross spaces, so the sums match the drawn line to within kerning.
        """
        if not cls:
            return [[]]
        lines: list[list[Cluster]] = []
        cur_start: int | None = None
        cur_end = 0
        cur_w = 0.0
        pending = 0.0  # width of the spaces after the line's last segment
        for seg in segs if segs is not None else self.prepare(cls, lang, para_rtl):
            start, end, end_sp = seg.start, seg.end, seg.end_sp
            wc = self.runs_width(seg.runs, size, ref)
            ws = self.runs_width(seg.space_runs, size, ref)
            if cur_start is not None:
                if cur_w + pending + wc <= max_width:
                    cur_w += pending + wc
                    cur_end, pending = end_sp, ws
                    continue
                lines.append(cls[cur_start:cur_end])
            if wc > max_width:
                # a single word wider than the box: split between clusters (last resort)
                pieces = self._split_word(cls[start:end], size, max_width, lang, para_rtl)
                lines.extend(pieces[:-1])
                cur_start = end - len(pieces[-1])
                cur_w = self._cluster_width(pieces[-1], size, lang, para_rtl)
            else:
                cur_start, cur_w = start, wc
            cur_end, pending = end_sp, ws
        if cur_start is not None:
            lines.append(cls[cur_start:cur_end])
        # trailing spaces belong to the line but take no room; drop them so alignment stays true
        return [_strip_trailing_spaces(line) for line in lines]

    def _split_word(
        self, cls: list[Cluster], size: float, max_width: float, lang: str | None, para_rtl: bool
    ) -> list[list[Cluster]]:
        pieces: list[list[Cluster]] = []
        cur: list[Cluster] = []
        cur_w = 0.0
        for c in cls:
            cw = self._cluster_width([c], size, lang, para_rtl)
            if cur and cur_w + cw > max_width:
                pieces.append(cur)
                cur, cur_w = [], 0.0
            cur.append(c)
            cur_w += cw
        pieces.append(cur)
        return pieces

    # -- 3. fit ------------------------------------------------------------------------------------------
    def layout(
        self,
        text: str,
        font: FontRef,
        *,
        size: float,
        min_size: float,
        max_lines: int,
        line_height: float,
        width: float,
        height: float,
        direction: str = "auto",
        lang: str | None = None,
    ) -> TextLayout:
        """Fit ``text`` into width x height (drawing px): the largest size in [min_size, size] that fits."""
        itemized = [self.itemize(p, font, lang, direction, text) for p in text.split("\n")]
        paragraphs = [(cls, rtl, self.prepare(cls, lang, rtl)) for cls, rtl in itemized]
        faces = sorted({c.face for cls, _ in itemized for c in cls})
        chain = self.fonts.chain(text, font, lang)
        missing = self.fonts.missing(text, chain)
        hi = max(size, min_size)
        lo = min(min_size, size)

        def attempt(s: float, ref: float | None = None) -> tuple[TextLayout, bool]:
            lay = self._layout_at(paragraphs, s, width, line_height, lang, faces or chain[:1], ref)
            ok = (
                len(lay.lines) <= max_lines
                and all(line.width <= width + 0.5 for line in lay.lines)
                and lay.height <= height + 0.5
            )
            return lay, ok

        best, ok = attempt(hi)
        if not ok:
            low_lay, low_ok = attempt(lo)
            if not low_ok:
                low_lay.overflow = True
                best = low_lay
            else:
                # 1. binary search over quarter-px sizes on widths measured once at ``hi`` and scaled
                #    (no shaping per candidate: advances are nearly linear in size) ...
                a, b = int(lo * 4), int(hi * 4)  # a fits, b does not
                while b - a > 1:
                    mid = (a + b) // 2
                    if attempt(mid / 4, ref=hi)[1]:
                        a = mid
                    else:
                        b = mid
                # 2. ... then confirm with real shaping, stepping down where hinting made it wider
                best = low_lay
                s = a / 4
                while s > lo:
                    lay, fits = attempt(s)
                    if fits:
                        best = lay
                        break
                    s = max(lo, s - max(0.25, round(s * 0.02 * 4) / 4))
        best.missing = missing
        best.faces = faces
        return best

    def _layout_at(
        self,
        paragraphs: list[tuple[list[Cluster], bool, list[Segment]]],
        size: float,
        width: float,
        line_height: float,
        lang: str | None,
        faces: list[FontFace],
        ref: float | None = None,
    ) -> TextLayout:
        """Break and measure at ``size``; with ``ref``, widths and metrics come from ``ref`` scaled
        (an estimate used while searching for the size; the chosen size is always measured for real)."""
        lines: list[Line] = []
        for cls, rtl, segs in paragraphs:
            for line_cls in self.break_paragraph(cls, size, width, lang, rtl, segs, ref):
                runs = self.runs(line_cls, lang, rtl)
                w = self.runs_width(runs, size, ref) if ref else self.measure_runs(runs, size)
                lines.append(Line("".join(c.text for c in line_cls), runs, w, rtl))
        ascent, descent = 0.0, 0.0
        k = size / ref if ref else 1.0
        for face in faces:
            a, d = self.fonts.font(face, ref or size).getmetrics()
            ascent, descent = max(ascent, a * k), max(descent, d * k)
        # the block height counts ascent+descent once; leading only between lines
        return TextLayout(size, lines, max(line_height * size, 1.0), ascent, descent, False)

    # -- 4. draw -----------------------------------------------------------------------------------------
    def draw(
        self, layout: TextLayout, x: float, y: float, w: float, h: float, align: str, valign: str
    ) -> tuple[Image.Image, tuple[int, int], list[DrawnLine]]:
        """Draw the layout as a coverage mask placed over the box (x, y, w, h).

        Returns (mask "L", mask origin in drawing px, drawn lines with ink boxes in drawing px).
        """
        block = layout.height
        if valign == "middle":
            top = y + (h - block) / 2
        elif valign == "bottom":
            top = y + h - block
        else:
            top = y
        starts = []
        for line in layout.lines:
            if align == "center":
                starts.append(x + (w - line.width) / 2)
            elif align == "right":
                starts.append(x + w - line.width)
            else:
                starts.append(x)
        # the mask covers the box and wherever overflowing lines went (an overflow must stay visible: the
        # verifier and a person should see what did not fit, not a silently clipped line)
        pad = int(layout.size) + 4
        left = min([x, *starts])
        right = max([x + w, *(sx + ln.width for sx, ln in zip(starts, layout.lines, strict=True))])
        ox, oy = int(left) - pad, int(min(y, top)) - pad
        mask_w = int(right - ox) + pad + 1
        mask_h = int(max(y + h, top + block) - oy) + pad + 1
        mask = Image.new("L", (mask_w, mask_h), 0)
        draw = ImageDraw.Draw(mask)
        out: list[DrawnLine] = []
        for i, line in enumerate(layout.lines):
            baseline = top + layout.ascent + i * layout.line_advance
            lx = starts[i]
            ink: tuple[float, float, float, float] | None = None
            run_inks: list[tuple[float, float, float, float]] = []
            for run in line.runs:
                font = self.fonts.font(run.face, layout.size)
                direction = "rtl" if run.rtl else "ltr"
                pos = (lx + run.x - ox, baseline - oy)
                draw.text(
                    pos,
                    run.text,
                    fill=255,
                    font=font,
                    anchor="ls",
                    direction=direction,
                    language=run.lang,
                    features=face_features(run.face),
                )
                bx0, by0, bx1, by1 = font.getbbox(
                    run.text,
                    anchor="ls",
                    direction=direction,
                    language=run.lang,
                    features=face_features(run.face),
                )
                if not (bx1 > bx0 and by1 > by0):
                    run_inks.append((lx + run.x, baseline, lx + run.x, baseline))
                else:
                    box = (lx + run.x + bx0, baseline + by0, lx + run.x + bx1, baseline + by1)
                    run_inks.append(box)
                    ink = (
                        box
                        if ink is None
                        else (
                            min(ink[0], box[0]),
                            min(ink[1], box[1]),
                            max(ink[2], box[2]),
                            max(ink[3], box[3]),
                        )
                    )
            if ink is None:
                ink = (lx, baseline, lx, baseline)
            out.append(DrawnLine(line, ink, baseline, run_inks))
        return mask, (ox, oy), out


_CONTROLS = {c: " " for c in range(0x20) if c != 0x0A} | {0x7F: " "}


def _drawable(text: str) -> str:
    """Text as handed to the shaper: control characters (tabs, carriage returns) become spaces, since
    fonts map them to no glyph and FreeType would draw a .notdef box. Line texts keep the originals."""
    return text.translate(_CONTROLS)


def face_features(face: FontFace) -> list[str] | None:
    """OpenType features the renderer turns on per face.

    Inter's ``cv08`` draws the capital I with serifs: in Inter, I and l are otherwise the same bar, so
    "AI" reads as "Al" to people and to both OCR engines. Everything else uses the fonts' defaults.
    """
    return ["cv08"] if "/Inter" in face.path else None


def _strip_trailing_spaces(line: list[Cluster]) -> list[Cluster]:
    end = len(line)
    while end > 0 and line[end - 1].is_space:
        end -= 1
    # a line of only spaces keeps them (it is content the plan asked for)
    return line[:end] if end else line
