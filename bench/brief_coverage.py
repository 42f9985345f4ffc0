"""Brief coverage: does the image carry everything a brief asked for, when the brief does not quote it?

    .venv/bin/python bench/brief_coverage.py [--only ID ...] [--json out.json] [--keep DIR]

Twenty-nine briefs of our own, written the way people write them (unquoted lists in parentheses and after
colons, ``key: value`` rows, numbered steps, KPI cards, chart data, dates, prices, phone numbers, named
colours, hex codes, counts; mastheads, taglines, offers, buttons, seats, barcodes, net weights, bare web
addresses, venues, handles). Each runs through the real ``PlanningEngine`` (medium quality). Then,
independently of the plan:

- **text**: every requested item is looked for in what the page OCR reads (``bench/text_accuracy.py``'s
  reader: RapidOCR detection + recognition at 1x and 0.5x); items of four characters or fewer must be a
  whole read line (so ``3`` is not "found" inside ``p95``);
- **counts**: a count (``three KPI cards``) is honoured when every item of that list is read on the page
  and the plan holds exactly that many nodes of the role;
- **colours**: every named colour shows in the pixels (hue band, or lightness band for neutrals) on at
  least 0.2% of the canvas;
- **codes**: every payload is decoded from the whole image by zxing-cpp.

Prints coverage per category (targets: 100% each), the failures, and the engine's own verdicts.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from imagegen.contract.specs import GenerateSpec
from imagegen.engines.base import NullProgress
from imagegen.engines.planning.engine import PlanningEngine
from imagegen.engines.planning.plan import GroupNode, Plan, TextNode
from imagegen.engines.planning.verify.asks import color_share
from text_accuracy import codes_in, found, page_text, squash

SEED = 20261203

#: id, size, prompt, expected texts, counts {role: (n, [items])}, colours {words: hex}, codes [payloads]
BRIEFS: list[dict[str, Any]] = [
    {
        "id": "museum-label",
        "prompt": "Museum label: 12 specification rows (Object ID: AST-1592-07; Maker: Georg "
        "Hartmann; Date: 1592; "
        "Material: Brass; Origin: Nuremberg; Dimensions: 32 x 18 cm; Weight: 1.2 kg; Acquired: 1921; "
        "Collection: Astronomy; Gallery: Room 4; Condition: Good; Loan: Permanent), a Code 128 barcode "
        "AST159207",
        "counts": {"row": 12},
        "codes": ["AST159207"],
    },
    {
        "id": "saas-dashboard",
        "size": "1536x1024",
        "prompt": 'A SaaS dashboard titled "Pipeline Health" with a sidebar (Overview, '
        "Jobs, Assets, Settings), "
        "three KPI cards (Jobs today 1,284; Failures 3; p95 latency 412 ms) and a line chart",
        "texts": ["Pipeline Health"],
        "counts": {"kpi": 3},
        "lists": {"kpi": ["Jobs today", "1,284", "Failures", "3", "p95 latency", "412 ms"]},
        "extra": ["Overview", "Jobs", "Assets", "Settings"],
    },
    {
        "id": "revenue-bars",
        "prompt": "A bar chart of quarterly revenue Q1 4.2, Q2 4.8, Q3 5.7",
        "texts": ["Q1", "Q2", "Q3", "4.2", "4.8", "5.7"],
    },
    {
        "id": "lunar-poster",
        "prompt": "Lunar New Year poster titled Year of the Horse, red and gold, lanterns",
        "texts": ["Year of the Horse"],
        "colors": {"red": "#d62828", "gold": "#d4af37"},
    },
    {
        "id": "neon-flyer",
        "prompt": "Club night flyer titled Afterglow in neon purple and pink, Friday 14 March "
        "2027, doors 10 pm",
        "texts": ["Afterglow", "Friday 14 March 2027", "Doors 10 pm"],
        "colors": {"purple": "#7c3aed", "pink": "#ec4899"},
    },
    {
        "id": "wedding",
        "prompt": "Elegant watercolour wedding invitation titled Anna & Ben, Saturday, June 12, 2027 at 4 pm",
        "texts": ["Anna & Ben", "Saturday, June 12, 2027 at 4 pm"],
    },
    {
        "id": "cafe-menu",
        "prompt": "Cafe menu titled Morning Brew with items (Espresso $3.50; Flat white $4.20; "
        "Croissant $2.90; "
        "Banana bread $3.80), colours: teal and cream",
        "texts": ["Morning Brew"],
        "counts": {"item": 4},
        "lists": {"item": ["Espresso", "Flat white", "Croissant", "Banana bread"]},
        "extra": ["$3.50", "$4.20", "$2.90", "$3.80"],
        "colors": {"teal": "#0f766e"},
    },
    {
        "id": "recipe-steps",
        "prompt": "Recipe card titled Lemon Drizzle Cake with five steps: 1. Cream butter 2. Add eggs "
        "3. Fold in flour 4. Bake 40 min 5. Drizzle icing",
        "texts": ["Lemon Drizzle Cake"],
        "counts": {"step": 5},
        "lists": {"step": ["Cream butter", "Add eggs", "Fold in flour", "Bake 40 min", "Drizzle icing"]},
    },
    {
        "id": "city-map",
        "prompt": "A tourist map of the old port with labelled places (Harbor, Old Town, Central Station, "
        "Museum Quarter), navy and sand",
        "counts": {"place": 4},
        "lists": {"place": ["Harbor", "Old Town", "Central Station", "Museum Quarter"]},
        "colors": {"navy": "#14213d"},
    },
    {
        "id": "budget-pie",
        "prompt": "Pie chart of the household budget: Rent 40%, Food 25%, Transport 15%, Savings 20%",
        "texts": ["Rent", "Food", "Transport", "Savings", "40%", "25%", "15%", "20%"],
    },
    {
        "id": "signups-line",
        "size": "1536x1024",
        "prompt": "Line chart of weekly signups (Mon 120; Tue 180; Wed 260; Thu 240; Fri 310) in emerald",
        "texts": ["Mon", "Tue", "Wed", "Thu", "Fri", "120", "180", "260", "240", "310"],
        "colors": {"emerald": "#059669"},
    },
    {
        "id": "house-flyer",
        "prompt": 'Real-estate flyer: agent "Jane Doe" 555-014-2277, "12 Elm Street", price: $1,250,000, '
        "white studio background",
        "texts": ["12 Elm Street", "$1,250,000", "Jane Doe", "555-014-2277"],
        "colors": {"white": "#ffffff"},
    },
    {
        "id": "lamp-spec",
        "prompt": "Spec sheet titled Arc Floor Lamp, rows: Height: 180 cm; Shade: 40 cm linen; "
        "Bulb: E27 LED; "
        "Cable: 2.5 m; Weight: 6.2 kg, EAN-13 4006381333931",
        "texts": ["Arc Floor Lamp"],
        "counts": {"row": 5},
        "lists": {
            "row": ["Height: 180 cm", "Shade: 40 cm linen", "Bulb: E27 LED", "Cable: 2.5 m", "Weight: 6.2 kg"]
        },
        "codes": ["4006381333931"],
    },
    {
        "id": "concert-ticket",
        "prompt": "Concert ticket titled Northern Lights Live, Saturday 9 May 2027, doors 7:30 pm, "
        "seat: Row F; Seat 12, Code 128 value NL-2027-F12",
        "texts": ["Northern Lights Live", "Saturday 9 May 2027", "Doors 7:30 pm"],
        "codes": ["NL-2027-F12"],
    },
    {
        "id": "music-app",
        "prompt": "Music app screen titled Now Playing with tabs: Home, Search, Library; buttons "
        "(Play, Share)",
        "texts": ["Now Playing", "Home", "Search", "Library", "Play", "Share"],
    },
    {
        "id": "granola-pack",
        "prompt": "Packaging front titled Oat Crunch Granola with badges (Vegan, Gluten free, High fibre), "
        "price $6.99, orange and brown",
        "texts": ["Oat Crunch Granola", "Vegan", "Gluten free", "High fibre", "$6.99"],
        "colors": {"orange": "#f97316"},
    },
    {
        "id": "stats-infographic",
        "prompt": "Infographic about our platform with three KPI cards (Users 12,400; Countries "
        "38; Uptime 99.9%)",
        "counts": {"kpi": 3},
        "lists": {"kpi": ["Users", "12,400", "Countries", "38", "Uptime", "99.9%"]},
    },
    {
        "id": "job-flyer",
        "prompt": "Hiring flyer titled We are hiring, key points: Remote first; Four-day week; "
        "Equity for all, "
        "apply at jobs@example.com",
        "texts": ["We are hiring", "Remote first", "Four-day week", "Equity for all", "jobs@example.com"],
    },
    {
        "id": "hex-badge",
        "prompt": "Conference badge titled DevSummit 2027 in #1e3a8a and #f59e0b",
        "texts": ["DevSummit 2027"],
        "colors": {"#1e3a8a": "#1e3a8a", "#f59e0b": "#f59e0b"},
    },
    {
        "id": "wood-stool",
        "size": "1024x1024",
        "prompt": "Product card titled Oak Stool on a wood background, buttons (Buy now, Details)",
        "texts": ["Oak Stool", "Buy now", "Details"],
        "colors": {"wood": "#8b5a2b"},
    },
    # one-off phrases named by a cue word (reading/cued.py)
    {
        "id": "tide-cover",
        "prompt": "Magazine cover with masthead TIDE, cover lines: Oceans at Risk; The Reef Diaries; "
        "7 Dives to Try, issue 18",
        "texts": ["TIDE", "Oceans at Risk", "The Reef Diaries", "7 Dives to Try", "issue 18"],
    },
    {
        "id": "spring-banner",
        "size": "1536x1024",
        "prompt": "Web banner for our spring collection: 40% off everything, button Shop the sale",
        "texts": ["40% off everything", "Shop the sale"],
    },
    {
        "id": "boarding-pass",
        "size": "1536x1024",
        "prompt": "Boarding pass titled Lisbon to Oslo, Gate B22 Seat 14A, 14 March 2027, barcode TP4471B22",
        "texts": ["Lisbon to Oslo", "Gate B22 Seat 14A", "14 March 2027"],
        "codes": ["TP4471B22"],
    },
    {
        "id": "podcast-card",
        "size": "1024x1024",
        "prompt": "Instagram post for our podcast episode 31: The Quiet Studio, follow @quietpod",
        "texts": ["episode 31", "The Quiet Studio", "@quietpod"],
    },
    {
        "id": "tea-tin",
        "prompt": "Packaging front titled Jasmine Pearl Tea with the tagline Picked at Dawn, "
        "net weight 100 g",
        "texts": ["Jasmine Pearl Tea", "Picked at Dawn", "net weight 100 g"],
    },
    {
        "id": "garden-invite",
        "prompt": "Garden party invitation titled Midsummer Supper, Friday 18 June 2027 at 6 pm, "
        "Orchard House, rsvp at soiree.example.org",
        "texts": ["Midsummer Supper", "Friday 18 June 2027 at 6 pm", "Orchard House", "soiree.example.org"],
    },
    # names, courses and places written without a cue word (reading/cued.py, reading/listed.py)
    {
        "id": "birthday-card",
        "prompt": "A birthday party invitation for Mia turning 7, Saturday 3 July at 2 pm, balloons",
        "texts": ["Mia turning 7", "Saturday 3 July at 2 pm"],
    },
    {
        "id": "trattoria-menu",
        "prompt": "A menu for Trattoria Luna with starters, mains and desserts",
        "texts": ["Trattoria Luna", "Starters", "Mains", "Desserts"],
    },
    {
        "id": "jazz-night",
        "prompt": "A poster for a jazz night at Blue Lantern Hall, Friday 3 May 2027, doors 8 pm",
        "texts": ["Blue Lantern Hall", "Friday 3 May 2027", "Doors 8 pm"],
    },
]


def _role_count(plan: Plan, role: str) -> int:
    return sum(
        1 for n in plan.walk() if isinstance(n, TextNode | GroupNode) and getattr(n, "role", "") == role
    )


def _on_page(item: str, text: str) -> bool:
    if len(squash(item)) <= 4:
        return any(squash(line) == squash(item) for line in text.splitlines())
    return found(item, text)


def run_brief(engine: PlanningEngine, brief: dict[str, Any], keep: Path | None) -> dict[str, Any]:
    w, h = (int(v) for v in brief["size"].split("x")) if brief.get("size") else (None, None)
    spec = GenerateSpec(
        prompt=brief["prompt"], model="gpt-image-2", width=w, height=h, seed=SEED, quality="medium"
    )
    started = time.perf_counter()
    result = engine.generate(spec, NullProgress())
    seconds = time.perf_counter() - started
    image = result.images[0]
    plan = Plan.from_json(image.plan or {})
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        image.pixels.save(keep / f"{brief['id']}.png")
    text = page_text(image.pixels, "Latin")
    items = list(brief.get("texts", []))
    for values in brief.get("lists", {}).values():
        items += values
    items += brief.get("extra", [])
    texts = [{"item": t, "found": _on_page(t, text)} for t in items]
    counts = []
    for role, n in brief.get("counts", {}).items():
        listed = brief.get("lists", {}).get(role, [])
        drawn = _role_count(plan, role)
        ok = drawn == n and all(_on_page(t, text) for t in listed)
        counts.append({"role": role, "n": n, "drawn": drawn, "honoured": ok})
    hsv = (
        np.asarray(
            image.pixels.convert("RGB")
            .resize((192, round(192 * image.pixels.height / image.pixels.width)), Image.Resampling.BILINEAR)
            .convert("HSV"),
            dtype=np.float32,
        ).reshape(-1, 3)
        / 255.0
    )
    colors = [
        {"color": name, "hex": hex_, "share": round(color_share(hsv, hex_), 4)}
        for name, hex_ in brief.get("colors", {}).items()
    ]
    for c in colors:
        c["present"] = c["share"] >= 0.002
    decoded = codes_in(image.pixels) if brief.get("codes") else []
    codes = [{"data": d, "decoded": d in decoded} for d in brief.get("codes", [])]
    report = image.report or {}
    return {
        "id": brief["id"],
        "size": f"{result.width}x{result.height}",
        "archetype": plan.archetype,
        "seconds": round(seconds, 3),
        "texts": texts,
        "counts": counts,
        "colors": colors,
        "codes": codes,
        "engine_passed": bool(report.get("passed")),
        "engine_unresolved": report.get("unresolved", []),
        "read": text if not all(t["found"] for t in texts) else None,
    }


def _share(rows: list[dict[str, Any]], key: str, flag: str) -> tuple[int, int]:
    items = [x for r in rows for x in r[key]]
    return sum(1 for x in items if x[flag]), len(items)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="brief ids")
    parser.add_argument("--json", type=Path, help="write the full results here")
    parser.add_argument("--keep", type=Path, help="save each image here")
    args = parser.parse_args(argv)
    engine = PlanningEngine()
    engine.warm()
    rows = [run_brief(engine, b, args.keep) for b in BRIEFS if not args.only or b["id"] in args.only]
    print(
        f"brief coverage, {len(rows)} briefs, {platform.node()} ({platform.machine()}), "
        f"{time.strftime('%Y-%m-%d')}"
    )
    summary = {}
    for title, key, flag in (
        ("requested text items found", "texts", "found"),
        ("counts honoured", "counts", "honoured"),
        ("named colours present", "colors", "present"),
        ("codes decoded", "codes", "decoded"),
    ):
        ok, total = _share(rows, key, flag)
        summary[key] = (ok, total)
        pct = 100.0 * ok / total if total else 100.0
        print(f"  {title:30s} {ok:4d}/{total:<4d} {pct:6.1f}%")
    passed = sum(1 for r in rows if r["engine_passed"])
    print(f"  engine verification passed    {passed:4d}/{len(rows):<4d}")
    secs = sorted(r["seconds"] for r in rows)
    print(f"  seconds per brief: p50 {secs[len(secs) // 2]:.2f}, max {secs[-1]:.2f}")
    for r in rows:
        misses = (
            [f"text {t['item']!r}" for t in r["texts"] if not t["found"]]
            + [f"count {c['role']} {c['drawn']}/{c['n']}" for c in r["counts"] if not c["honoured"]]
            + [f"colour {c['color']} {c['share']:.2%}" for c in r["colors"] if not c["present"]]
            + [f"code {c['data']}" for c in r["codes"] if not c["decoded"]]
        )
        if misses or not r["engine_passed"]:
            print(
                f"  - {r['id']} ({r['archetype']}): {'; '.join(misses) or 'all found'}"
                f"{'' if r['engine_passed'] else ' | engine: ' + '; '.join(r['engine_unresolved'][:3])}"
            )
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "briefs": rows}, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
