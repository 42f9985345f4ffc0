"""Watermark figures: embed/decode time, PSNR, bit accuracy and id recovery after common edits, and the
whole provenance pipeline (watermark + encode + sign) per format.

    .venv/bin/python bench/watermark.py          # 1024² and 2048², 6 ids per image kind (~35 s of CPU)
    .venv/bin/python bench/watermark.py --ids 2  # quicker

Images are made here (no data files): a flat-colour poster with text (the hard case: smooth areas, white
panels), a photo-like noise texture, and two real planning-engine renders (a minimal white poster, a
product banner). Each figure is a mean over images × ids; "cost" is the mean time of the attack plus the
decode (the decoder tries the aspect's frame and its neighbours until a CRC checks).
Times are given as CPU seconds of this process (``time.process_time``) next to wall-clock: on a shared,
loaded machine the wall clock mostly measures the neighbours.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from imagegen.provenance.marks import watermark as wm

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "marks"))  # the marks tests' images
from marks_helpers import FONT, canvas, poster


def texture(width: int, height: int, seed: int = 1) -> Image.Image:
    rng = np.random.default_rng(seed)
    base = rng.normal(0, 1, (height // 4, width // 4, 3)) * 40 + 128
    img = Image.fromarray(base.clip(0, 255).astype(np.uint8)).resize(
        (width, height), Image.Resampling.BICUBIC
    )
    img = img.filter(ImageFilter.GaussianBlur(1.5))
    arr = np.asarray(img).astype(float) + rng.normal(0, 6, (height, width, 3))
    return Image.fromarray(arr.clip(0, 255).astype(np.uint8))


def white_poster(width: int, height: int) -> Image.Image:
    """Pure white page with black type: the commonest flat case (white must stay 255 or near it)."""
    return canvas((255, 255, 255), (10, 10, 10), width, height)


def soft_gradient(width: int, height: int) -> Image.Image:
    """A soft vertical blue gradient (about one level per 8 px) with white type."""
    y = np.linspace(0.0, 1.0, height)[:, None, None]
    top, bottom = np.array([190.0, 215.0, 245.0]), np.array([120.0, 160.0, 225.0])
    arr = np.broadcast_to(top + (bottom - top) * y, (height, width, 3))
    img = Image.fromarray(np.rint(arr).astype(np.uint8))
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, height // 10)
    draw.text((width // 10, height // 3), "Quiet Hours", font=font, fill=(255, 255, 255))
    return img


def dark_ui(width: int, height: int) -> Image.Image:
    """A dark UI mockup: near-black page, flat panels, light type."""
    img = Image.new("RGB", (width, height), (18, 18, 24))
    draw = ImageDraw.Draw(img)
    for i in range(3):
        x0 = width // 16 + i * width * 5 // 16
        draw.rounded_rectangle(
            [x0, height // 3, x0 + width // 4, height * 5 // 6], radius=width // 40, fill=(36, 38, 52)
        )
    draw.rectangle([0, 0, width, height // 10], fill=(0, 0, 0))
    font = ImageFont.truetype(FONT, height // 16)
    draw.text((width // 16, height // 6), "Dashboard", font=font, fill=(230, 230, 240))
    return img


def saturated(width: int, height: int) -> Image.Image:
    """A saturated red field (R at 255) with white type: luma room is only in the other channels."""
    return canvas((255, 0, 0), (255, 255, 255), width, height)


RENDER_PROMPTS = (
    'A minimalist white poster for a jazz night "Blue Notes" on Friday 8pm, black type',
    'A product launch banner for "Aurora" earbuds, dark background, neon accents',
)


def rendered(size: int) -> dict[str, Image.Image]:
    """Real outputs of the planning engine (when it is importable), the images the mark actually goes on."""
    try:
        from imagegen.contract.specs import GenerateSpec
        from imagegen.engines.base import NullProgress
        from imagegen.engines.planning.engine import PlanningEngine
    except ImportError:
        return {}
    engine = PlanningEngine()
    out = {}
    for i, prompt in enumerate(RENDER_PROMPTS):
        spec = GenerateSpec(
            prompt=prompt, model="gpt-image-2", width=size, height=size, quality="low", seed=7
        )
        out[f"rendered{i}"] = engine.generate(spec, NullProgress()).images[0].pixels.convert("RGB")
    return out


def jpeg(img: Image.Image, quality: int) -> Image.Image:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buf.getvalue()))


def png(img: Image.Image) -> Image.Image:
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return Image.open(io.BytesIO(buf.getvalue()))


ATTACKS: dict[str, Callable[[Image.Image], Image.Image]] = {
    "png round trip": png,
    "jpeg q80": lambda im: jpeg(im, 80),
    "jpeg q60": lambda im: jpeg(im, 60),
    "jpeg q40": lambda im: jpeg(im, 40),
    "resize 0.75x": lambda im: im.resize((im.width * 3 // 4, im.height * 3 // 4), Image.Resampling.LANCZOS),
    "resize 0.5x": lambda im: im.resize((im.width // 2, im.height // 2), Image.Resampling.LANCZOS),
    "resize 0.33x": lambda im: im.resize((im.width // 3, im.height // 3), Image.Resampling.BICUBIC),
    "resize 0.75x + jpeg q80": lambda im: jpeg(
        im.resize((im.width * 3 // 4, im.height * 3 // 4), Image.Resampling.LANCZOS), 80
    ),
    "crop 10%": lambda im: im.crop(
        (im.width // 20, im.height // 20, im.width * 19 // 20, im.height * 19 // 20)
    ),
}


def psnr(a: Image.Image, b: Image.Image) -> float:
    x = np.asarray(a.convert("RGB"), float)
    y = np.asarray(b.convert("RGB"), float)
    return float(10 * np.log10(255**2 / np.mean((x - y) ** 2)))


def bit_accuracy(img: Image.Image, wm_id: int) -> float:
    """Share of the 96 payload bits read right on the aspect's own frame (before any CRC retry)."""
    fw, fh = wm.frame_size(*img.size)
    resample = Image.Resampling.BOX if fw < img.width else Image.Resampling.BILINEAR
    soft = wm.extract_soft(np.asarray(img.convert("RGB").resize((fw, fh), resample)))
    return float(np.mean((soft > 0.5) == wm.payload_bits(wm_id)))


def flat_mask(img: Image.Image) -> np.ndarray:
    """Pixels whose 9×9 neighbourhood is one colour (local variance ~0 in every channel)."""
    arr = np.asarray(img.convert("RGB"), np.float32)
    var = np.zeros(arr.shape[:2], np.float32)
    for c in range(3):
        ch = arr[:, :, c]
        mean = cv2.blur(ch, (9, 9))
        var = np.maximum(var, cv2.blur(ch * ch, (9, 9)) - mean * mean)
    return var < 0.05


def ssim(a: Image.Image, b: Image.Image) -> float:
    """Mean SSIM of the luma planes (Gaussian window 11, sigma 1.5; Wang et al. 2004)."""
    x = np.asarray(a.convert("L"), np.float64)
    y = np.asarray(b.convert("L"), np.float64)
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2

    def blur(v: np.ndarray) -> np.ndarray:
        return cv2.GaussianBlur(v, (11, 11), 1.5)

    mx, my = blur(x), blur(y)
    sxx, syy, sxy = blur(x * x) - mx * mx, blur(y * y) - my * my, blur(x * y) - mx * my
    num = (2 * mx * my + c1) * (2 * sxy + c2)
    den = (mx * mx + my * my + c1) * (sxx + syy + c2)
    return float(np.mean(num / den))


def visibility(orig: Image.Image, marked: Image.Image) -> dict[str, float]:
    """How much the mark changes the image, on flat regions above all (where it would show)."""
    a = np.asarray(orig.convert("RGB"), np.int16)
    b = np.asarray(marked.convert("RGB"), np.int16)
    diff = np.abs(b - a)
    flat = flat_mask(orig)
    fd = diff[flat] if flat.any() else np.zeros((1, 3), np.int16)
    white = np.all(a == 255, axis=2)
    return {
        "flat_share": float(flat.mean()),
        "flat_max": float(fd.max()),
        "flat_p99": float(np.percentile(fd.max(axis=1), 99)),
        "flat_changed": float(np.mean(fd.max(axis=1) > 0)),
        "flat_psnr": float(10 * np.log10(255**2 / max(np.mean(fd.astype(np.float64) ** 2), 1e-9))),
        "white_min": float(b[white].min()) if white.any() else float("nan"),
        "psnr": psnr(orig, marked),
        "ssim": ssim(orig, marked),
    }


VISIBILITY_SET: dict[str, Callable[[int, int], Image.Image]] = {
    "white poster": white_poster,
    "soft gradient": soft_gradient,
    "dark ui": dark_ui,
    "saturated red": saturated,
    "photo texture": texture,
    "poster": poster,
}


def bench_visibility(size: int, ids: list[int]) -> None:
    print(
        f"\n## visibility at {size}x{size} (mean over {len(ids)} ids; flat = 9x9 neighbourhood of one colour)"
    )
    head = ("image", "flat %", "max", "p99", "changed", "flat dB", "white>=", "PSNR", "SSIM")
    print("{:14} {:>6} {:>4} {:>4} {:>8} {:>7} {:>7} {:>6} {:>7}".format(*head))
    for name, make in VISIBILITY_SET.items():
        img = make(size, size)
        rows = [visibility(img, wm.embed(img, wm_id)) for wm_id in ids]
        m = {k: statistics.mean(r[k] for r in rows) for k in rows[0]}
        worst = max(r["flat_max"] for r in rows)
        print(
            f"{name:14} {m['flat_share'] * 100:6.1f} {worst:4.0f} {m['flat_p99']:4.1f}"
            f" {m['flat_changed'] * 100:7.1f}% {m['flat_psnr']:7.1f}"
            f" {min(r['white_min'] for r in rows):7.0f} {m['psnr']:6.1f} {m['ssim']:7.4f}"
        )


def bench_size(size: int, ids: list[int]) -> None:
    images = {
        "poster": poster(size, size),
        "texture": texture(size, size),
        "white": white_poster(size, size),
        "gradient": soft_gradient(size, size),
        "dark ui": dark_ui(size, size),
        **rendered(size),
    }
    embed_t: list[float] = []
    embed_c: list[float] = []
    psnrs: list[float] = []
    marked: list[tuple[Image.Image, int]] = []
    wm.embed(images["poster"], ids[0])  # warm the shuffle cache, as a server would be
    for img in images.values():
        for wm_id in ids:
            t, c = time.perf_counter(), time.process_time()
            out = wm.embed(img, wm_id)
            embed_t.append(time.perf_counter() - t)
            embed_c.append(time.process_time() - c)
            psnrs.append(psnr(img, out))
            marked.append((out, wm_id))
    dec_t, dec_c = [], []
    for out, _ in marked[:4]:
        t, c = time.perf_counter(), time.process_time()
        wm.decode(out)
        dec_t.append(time.perf_counter() - t)
        dec_c.append(time.process_time() - c)
    print(f"\n## {size}x{size}: {len(marked)} marked images ({', '.join(images)} × {len(ids)} ids)")
    ms = 1000
    print(
        f"embed  cpu mean {statistics.mean(embed_c) * ms:6.1f} ms min {min(embed_c) * ms:6.1f} ms;"
        f" wall mean {statistics.mean(embed_t) * ms:6.1f} ms min {min(embed_t) * ms:6.1f} ms"
    )
    print(
        f"decode cpu mean {statistics.mean(dec_c) * ms:6.1f} ms;"
        f" wall mean {statistics.mean(dec_t) * ms:6.1f} ms (clean file, first frame)"
    )
    print(f"PSNR   mean {statistics.mean(psnrs):5.1f} dB   min {min(psnrs):5.1f} dB")
    print(f"{'attack':26} {'id recovered':>12} {'bit acc':>8} {'conf':>6} {'cpu ms':>7} {'wall ms':>8}")
    for name, attack in ATTACKS.items():
        ok, accs, confs, costs, cpus = 0, [], [], [], []
        for out, wm_id in marked:
            t, c = time.perf_counter(), time.process_time()
            attacked = attack(out)
            reading = wm.decode(attacked)
            costs.append(time.perf_counter() - t)
            cpus.append(time.process_time() - c)
            ok += reading.wm_id == wm_id
            accs.append(bit_accuracy(attacked, wm_id))
            confs.append(reading.confidence)
        print(
            f"{name:26} {ok:>5}/{len(marked):<6} {statistics.mean(accs):8.3f} {statistics.mean(confs):6.2f}"
            f" {statistics.mean(cpus) * 1000:7.1f} {statistics.mean(costs) * 1000:8.1f}"
        )
    false_ids = sum(wm.decode(img).wm_id is not None for img in images.values())
    print(f"unmarked originals read as an id: {false_ids}/{len(images)}")


def bench_pipeline() -> None:
    from imagegen.provenance.marks.certs import load_or_create_signer
    from imagegen.provenance.marks.marking import mark
    from imagegen.provenance.records import DST_TRAINED, FileProvenance, new_asset_id

    with tempfile.TemporaryDirectory() as keys:
        signer = load_or_create_signer(Path(keys))
        print("\n## finalize (watermark + encode with XMP/text record + C2PA sign)")
        print("wall ms per step; cpu ms for the whole call")
        head = ("size", "format", "watermark", "encode", "sign", "total", "cpu", "bytes")
        print("{:>10} {:>7} {:>9} {:>7} {:>6} {:>7} {:>7} {:>9}".format(*head))
        for w, h in ((1024, 1024), (2048, 2048), (3840, 2160)):
            img = poster(w, h)
            for fmt, comp in (("png", 100), ("jpeg", 85), ("webp", 90), ("webp", 100)):
                prov = FileProvenance(
                    asset_id=new_asset_id(),
                    tenant_id="bench",
                    digital_source_type=DST_TRAINED,
                    requested_model="gpt-image-2",
                    engine="planning",
                    engine_version="bench",
                    backend="cpu",
                    prompt="bench",
                    created_at="2026-11-21T00:00:00Z",
                )
                c = time.process_time()
                res = mark(img, output_format=fmt, compression=comp, prov=prov, signer=signer)  # type: ignore[arg-type]
                cpu = time.process_time() - c
                t = res.timings
                label = f"{fmt}{'' if fmt == 'png' else comp}"
                print(
                    f"{w}x{h:<5} {label:>7} {t['watermark_s'] * 1000:9.1f} {t['encode_s'] * 1000:7.1f}"
                    f" {t['sign_s'] * 1000:6.1f} {t['total_s'] * 1000:7.1f} {cpu * 1000:7.1f}"
                    f" {len(res.data):9d}"
                )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--ids", type=int, default=6, help="watermark ids per image kind")
    parser.add_argument("--sizes", default="1024,2048")
    parser.add_argument("--no-pipeline", action="store_true")
    parser.add_argument("--visibility-only", action="store_true", help="only the visibility table")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(20260421)
    ids = [int(rng.integers(0, 2**63)) * 2 + int(rng.integers(0, 2)) for _ in range(args.ids)]
    print(f"frame long edge {wm.FRAME_LONG}px, D1={wm.D1} D2={wm.D2}, payload {wm.PAYLOAD_BITS} bits")
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    for size in (int(s) for s in args.sizes.split(",")):
        bench_visibility(size, ids)
        if not args.visibility_only:
            bench_size(size, ids)
    if not args.no_pipeline:
        bench_pipeline()
    return 0


if __name__ == "__main__":
    sys.exit(main())
