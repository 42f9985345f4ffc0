// Peer reference for bench/service_speed.py: a 1024x1024 slide (headline, body, a few shapes, a bar chart)
// rendered Satori -> SVG -> resvg -> PNG, render only (no verification, no provenance, no HTTP).
// Usage: node bench/peer/render.mjs [--runs 15] [--size 1024] [--out slide.png]
// Prints one JSON line: {"p50_ms", "p95_ms", "runs", "size", "png_bytes"}. Fonts are read once (as a
// server would keep them); each run times satori() + new Resvg(svg).render().asPng().
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import satori from "satori";
import { Resvg } from "@resvg/resvg-js";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const runs = Number(args.runs ?? 15);
const size = Number(args.size ?? 1024);

const FONT_DIRS = ["/usr/share/fonts/truetype/noto/", "/usr/share/fonts/truetype/dejavu/"];
function font(names) {
  for (const dir of FONT_DIRS) for (const n of names) if (existsSync(dir + n)) return readFileSync(dir + n);
  throw new Error(`none of ${names.join(", ")} under ${FONT_DIRS.join(", ")} (apt-get install fonts-noto-core)`);
}
const fonts = [
  { name: "Sans", data: font(["NotoSans-Regular.ttf", "DejaVuSans.ttf"]), weight: 400, style: "normal" },
  { name: "Sans", data: font(["NotoSans-Bold.ttf", "DejaVuSans-Bold.ttf"]), weight: 700, style: "normal" },
];

const h = (type, style, children) => ({ type, props: { style, children } });
const k = size / 1024;
const px = (v) => `${Math.round(v * k)}px`;
const bars = [["Q1", 4.2], ["Q2", 4.8], ["Q3", 5.7], ["Q4", 6.3]];

function slide() {
  return h("div", {
    width: "100%", height: "100%", display: "flex", flexDirection: "column", padding: px(72),
    backgroundImage: "linear-gradient(135deg, #0f2a4a 0%, #1d5c8c 100%)", fontFamily: "Sans", color: "#ffffff",
  }, [
    h("div", { display: "flex", fontSize: px(84), fontWeight: 700, lineHeight: 1.1 }, "Q3 Results"),
    h("div", { display: "flex", fontSize: px(34), marginTop: px(20), color: "#cfe3f7", lineHeight: 1.35 },
      "Revenue grew for the third quarter in a row, led by the new subscription plans and strong retail."),
    h("div", { display: "flex", flexDirection: "row", alignItems: "flex-end", marginTop: px(56), height: px(460),
      padding: px(32), borderRadius: px(28), backgroundColor: "rgba(255,255,255,0.10)" },
      bars.map(([label, v]) => h("div", { display: "flex", flexDirection: "column", alignItems: "center",
        justifyContent: "flex-end", marginRight: px(44), width: px(150), height: "100%" }, [
        h("div", { display: "flex", fontSize: px(30), fontWeight: 700, marginBottom: px(10) }, String(v)),
        h("div", { display: "flex", width: "100%", height: px(v * 50), borderRadius: px(14),
          backgroundColor: "#f5b83d" }, ""),
        h("div", { display: "flex", fontSize: px(28), marginTop: px(12), color: "#cfe3f7" }, label),
      ]))),
    h("div", { display: "flex", flexDirection: "row", alignItems: "center", marginTop: "auto" }, [
      h("div", { display: "flex", width: px(64), height: px(64), borderRadius: px(32), backgroundColor: "#f5b83d" }, ""),
      h("div", { display: "flex", fontSize: px(30), marginLeft: px(24) }, "Northwind Traders · Board update"),
      h("div", { display: "flex", marginLeft: "auto", padding: `${px(14)} ${px(30)}`, borderRadius: px(40),
        border: `${px(3)} solid #ffffff`, fontSize: px(28), fontWeight: 700 }, "See the details"),
    ]),
  ]);
}

async function once() {
  const svg = await satori(slide(), { width: size, height: size, fonts });
  return new Resvg(svg, { fitTo: { mode: "original" } }).render().asPng();
}

await once(); // warm (font parsing, wasm)
const times = [];
let png;
for (let i = 0; i < runs; i++) {
  const t = process.hrtime.bigint();
  png = await once();
  times.push(Number(process.hrtime.bigint() - t) / 1e6);
}
if (args.out) writeFileSync(args.out, png);
times.sort((a, b) => a - b);
const pct = (q) => times[Math.min(times.length - 1, Math.round(q * (times.length - 1)))];
console.log(JSON.stringify({ p50_ms: +pct(0.5).toFixed(1), p95_ms: +pct(0.95).toFixed(1), runs, size,
  png_bytes: png.length }));
