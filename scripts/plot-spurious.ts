// Draws docs/spurious-kinds.svg: one MNIST-1D example per class-attribute pair, clean and with each
// kind of spurious feature at the default settings. Run: npx deno run --allow-read=. --allow-write=docs scripts/plot-spurious.ts
import { writeFile } from "node:fs/promises";
import { makeMnist1d } from "../src/data/mnist1d.ts";
import { resolveMnist1dArgs } from "../src/data/mnist1d_args.ts";
import { injectSpurious } from "../src/data/spurious.ts";
import { resolveAttributeDraw, resolveSpuriousFeature, SPURIOUS_KINDS } from "../src/data/spurious_config.ts";

const ds = await makeMnist1d(resolveMnist1dArgs({}));
const rows = [0, 1, 2]; // three training examples
const W = 220;
const H = 90;
const pad = 24;
const columns = ["clean", ...SPURIOUS_KINDS];
const panels: string[] = [];
const colors = ["#1f77b4", "#d62728", "#2ca02c"];
for (const [c, kind] of columns.entries()) {
  const x = kind === "clean" ? ds.x : injectSpurious(
    ds.x,
    ds.y,
    40,
    resolveSpuriousFeature({ kind }, 40),
    resolveAttributeDraw({ rho: 1 }),
  ).x;
  const ox = pad + c * (W + pad);
  panels.push(`<text x="${ox + W / 2}" y="16" text-anchor="middle" font-size="13">${kind}</text>`);
  if (kind === "patch") {
    panels.push(`<rect x="${ox}" y="${pad}" width="${(6 / 39) * W}" height="${rows.length * H}" fill="#eee"/>`);
  }
  for (const [k, r] of rows.entries()) {
    const y0 = pad + k * H + H / 2;
    const pts = Array.from(
      { length: 40 },
      (_, t) => `${(ox + (t / 39) * W).toFixed(1)},${(y0 - x[r * 40 + t] * 14).toFixed(1)}`,
    );
    panels.push(`<polyline points="${pts.join(" ")}" fill="none" stroke="${colors[k]}" stroke-width="1.5"/>`);
    if (c === 0) panels.push(`<text x="4" y="${y0}" font-size="11">y=${ds.y[r]}</text>`);
  }
}
const width = pad + columns.length * (W + pad);
const height = pad + rows.length * H + 10;
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">` +
  `<rect width="100%" height="100%" fill="white"/>${panels.join("")}</svg>\n`;
await writeFile("docs/spurious-kinds.svg", svg);
console.log("wrote docs/spurious-kinds.svg");
