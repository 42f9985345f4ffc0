"""OCR on both cores (verify/recognizers.py, verify/ocr.py): RapidOCR's batches split into two groups on
two threads read exactly what one call reads, and Tesseract lines run beside them."""

from __future__ import annotations

import threading

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from imagegen.engines.planning.verify.ocr import LineJob, read_jobs
from imagegen.engines.planning.verify.recognizers import RECOGNIZERS

NOTO = "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"
WORDS = ["Espresso 3.50", "Q3 Results", "Spring Sale", "20% off everything", "Croissant", "Tartine 7.00",
         "Ship It Friday", "Revenue grew for the third quarter", "Board update", "See the details",
         "Northwind", "Café", "Q1 4.2", "Open daily from 8 to 18", "Lighthouse tours"]


def _crop(text: str) -> Image.Image:
    font = ImageFont.truetype(NOTO, 34)
    width = int(font.getlength(text)) + 40
    img = Image.new("RGB", (width, 56), "white")
    ImageDraw.Draw(img).text((20, 6), text, font=font, fill="black")
    return img


def test_groups_are_whole_batches_and_read_the_same_as_one_call() -> None:
    crops = [_crop(w) for w in WORDS]
    groups = RECOGNIZERS.rapid_groups(crops)
    assert len(groups) == 2
    assert sorted(i for g in groups for i in g) == list(range(len(crops)))
    batch = RECOGNIZERS.rapid().text_rec.rec_batch_num
    assert sum(len(g) % batch != 0 for g in groups) <= 1  # only the last, partial batch is short
    whole = RECOGNIZERS.read_rapid(crops)
    assert sum(a.strip() == b for a, b in zip(whole, WORDS, strict=True)) >= 12  # a real read-back
    split = [""] * len(crops)
    threads = []

    def run(group: list[int]) -> None:
        for i, reading in zip(group, RECOGNIZERS.read_rapid([crops[i] for i in group]), strict=True):
            split[i] = reading

    for group in groups:
        threads.append(threading.Thread(target=run, args=(group,)))
        threads[-1].start()
    for t in threads:
        t.join()
    assert split == whole
    # read_jobs (Latin on RapidOCR, accented Latin on Tesseract, on one 2-thread pool) agrees too
    jobs = [LineJob(f"n{i}", 0, w, "latin_ext" if "é" in w else "latin", c)
            for i, (w, c) in enumerate(zip(WORDS, crops, strict=True))]
    readings = read_jobs(jobs)
    assert [r for j, r in zip(jobs, readings, strict=True) if j.script == "latin"] == [
        r for j, r in zip(jobs, whole, strict=True) if j.script == "latin"]
    assert readings[WORDS.index("Café")].strip().startswith("Caf")


def test_engines_are_pooled_not_shared() -> None:
    crops = [_crop(w) for w in WORDS[:6]]
    seen: set[int] = set()
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def run() -> None:
        try:
            with RECOGNIZERS._rapid_engine() as engine:
                barrier.wait(timeout=30)  # both hold one at the same time: two distinct engines
                seen.add(id(engine))
                results, _ = engine.text_rec([np.asarray(c)[..., ::-1].copy() for c in crops])
                assert len(results) == len(crops)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(seen) == 2


def test_transparent_canvas_is_flattened_once_per_matte(draw, make_plan, text_node, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from imagegen.engines.planning.verify import ocr

    plan = make_plan(
        text_node("a", "First line", 20, 20, color="#111111"),
        text_node("b", "Second line", 20, 120, color="#222222"),
        text_node("c", "Light line", 20, 220, color="#f0f0f0"),
        width=700,
        height=320,
    )
    rendering = draw(plan, background="#808080")
    rgba = rendering.image.convert("RGBA")
    alpha = np.where(np.asarray(rendering.image.convert("L")) == 128, 0, 255).astype(np.uint8)
    rgba.putalpha(Image.fromarray(alpha))
    rendering.image = rgba
    plain = [ocr.line_crop(rendering, rendering.texts[n], 0, target_height=48) for n in "abc"]
    calls: list[tuple[int, int, int]] = []
    real = ocr.flatten

    def counting(image: Image.Image, matte: tuple[int, int, int]) -> Image.Image:
        calls.append(matte)
        return real(image, matte)

    monkeypatch.setattr(ocr, "flatten", counting)
    flats: dict[tuple[int, int, int], Image.Image] = {}
    shared = [ocr.line_crop(rendering, rendering.texts[n], 0, target_height=48, flats=flats) for n in "abc"]
    assert [np.asarray(c).tolist() for c in shared] == [np.asarray(c).tolist() for c in plain]
    assert sorted(calls) == [(0, 0, 0), (255, 255, 255)]  # dark ink on white, light ink on black: once each
