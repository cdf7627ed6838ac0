// Small, dependency-free SVG charts (line charts with error bars, grouped bar charts): the figures
// are plain strings, so the report is self-contained and renders anywhere without scripts.

const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"];
const W = 560;
const H = 320;
const M = { left: 56, right: 175, top: 34, bottom: 46 };

export interface Point {
  x: number;
  y: number;
  err?: number;
}
export interface Series {
  name: string;
  points: Point[];
  dashed?: boolean;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(1) : v.toFixed(2));

function frame(title: string, xLabel: string, yLabel: string, body: string, legend: string[]): string {
  const items = legend.map((name, i) =>
    `<g transform="translate(${W - M.right + 12},${M.top + 16 * i})"><rect width="12" height="3" y="4" fill="${
      PALETTE[i % PALETTE.length]
    }"/>` +
    `<text x="18" y="10" font-size="11">${esc(name)}</text></g>`
  ).join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif">` +
    `<rect width="${W}" height="${H}" fill="white"/>` +
    `<text x="${M.left}" y="18" font-size="13" font-weight="bold">${esc(title)}</text>` +
    `<text x="${(M.left + W - M.right) / 2}" y="${H - 8}" font-size="11" text-anchor="middle">${esc(xLabel)}</text>` +
    `<text transform="translate(14,${(M.top + H - M.bottom) / 2}) rotate(-90)" font-size="11" text-anchor="middle">${
      esc(yLabel)
    }</text>` +
    body + items + `</svg>`;
}

function yAxis(y: (v: number) => number, lo: number, hi: number): string {
  const ticks = 5;
  let out = "";
  for (let i = 0; i <= ticks; i++) {
    const v = lo + ((hi - lo) * i) / ticks;
    out += `<line x1="${M.left}" x2="${W - M.right}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/>` +
      `<text x="${M.left - 6}" y="${y(v) + 4}" font-size="10" text-anchor="end">${fmt(v)}</text>`;
  }
  return out + `<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${H - M.bottom}" stroke="#333"/>`;
}

/** A line chart; `logX` spaces x by its logarithm. */
export function lineChart(
  o: { title: string; xLabel: string; yLabel: string; series: Series[]; logX?: boolean; yMin?: number; yMax?: number },
): string {
  const all = o.series.flatMap((s) => s.points.filter((p) => Number.isFinite(p.y)));
  const xs = all.map((p) => (o.logX ? Math.log10(p.x) : p.x));
  const xLo = Math.min(...xs);
  const xHi = Math.max(...xs) === xLo ? xLo + 1 : Math.max(...xs);
  const yLo = o.yMin ?? Math.min(0, ...all.map((p) => p.y - (p.err ?? 0)));
  const yHi = o.yMax ?? Math.max(...all.map((p) => p.y + (p.err ?? 0)), yLo + 1e-9);
  const x = (v: number) => M.left + ((W - M.left - M.right) * ((o.logX ? Math.log10(v) : v) - xLo)) / (xHi - xLo);
  const y = (v: number) => H - M.bottom - ((H - M.top - M.bottom) * (v - yLo)) / (yHi - yLo);
  const ticksX = [...new Set(all.map((p) => p.x))].sort((a, b) => a - b);
  let body = yAxis(y, yLo, yHi) +
    `<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" stroke="#333"/>`;
  body += ticksX.map((v) =>
    `<text x="${x(v)}" y="${H - M.bottom + 14}" font-size="10" text-anchor="middle">${fmt(v)}</text>`
  ).join("");
  o.series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length];
    const pts = s.points.filter((p) => Number.isFinite(p.y)).sort((a, b) => a.x - b.x);
    body += `<polyline fill="none" stroke="${color}" stroke-width="2"${
      s.dashed ? ' stroke-dasharray="5,4"' : ""
    } points="${pts.map((p) => `${x(p.x)},${y(p.y)}`).join(" ")}"/>`;
    for (const p of pts) {
      body += `<circle cx="${x(p.x)}" cy="${y(p.y)}" r="3" fill="${color}"><title>${esc(s.name)}: ${
        fmt(p.y)
      }</title></circle>`;
      if (p.err) {
        body += `<line x1="${x(p.x)}" x2="${x(p.x)}" y1="${y(p.y - p.err)}" y2="${y(p.y + p.err)}" stroke="${color}"/>`;
      }
    }
  });
  return frame(o.title, o.xLabel, o.yLabel, body, o.series.map((s) => s.name));
}

/** Grouped bars: one group per category, one bar per series (value with an optional error bar). */
export function barChart(
  o: {
    title: string;
    yLabel: string;
    categories: string[];
    series: { name: string; values: { y: number; err?: number }[] }[];
    yMax?: number;
  },
): string {
  const yHi = o.yMax ?? Math.max(1e-9, ...o.series.flatMap((s) => s.values.map((v) => v.y + (v.err ?? 0))));
  const y = (v: number) => H - M.bottom - ((H - M.top - M.bottom) * v) / yHi;
  const groupW = (W - M.left - M.right) / o.categories.length;
  const barW = (groupW * 0.8) / o.series.length;
  let body = yAxis(y, 0, yHi);
  o.categories.forEach((cat, g) => {
    body += `<text x="${M.left + groupW * (g + 0.5)}" y="${H - M.bottom + 14}" font-size="10" text-anchor="middle">${
      esc(cat)
    }</text>`;
    o.series.forEach((s, i) => {
      const v = s.values[g];
      if (!v || !Number.isFinite(v.y)) return;
      const x0 = M.left + groupW * g + groupW * 0.1 + barW * i;
      body += `<rect x="${x0}" y="${y(v.y)}" width="${barW - 1}" height="${y(0) - y(v.y)}" fill="${
        PALETTE[i % PALETTE.length]
      }"><title>${esc(s.name)} ${esc(cat)}: ${fmt(v.y)}</title></rect>`;
      if (v.err) {
        body += `<line x1="${x0 + barW / 2}" x2="${x0 + barW / 2}" y1="${y(v.y - v.err)}" y2="${
          y(v.y + v.err)
        }" stroke="#000"/>`;
      }
    });
  });
  body += `<line x1="${M.left}" x2="${W - M.right}" y1="${y(0)}" y2="${y(0)}" stroke="#333"/>`;
  return frame(o.title, "", o.yLabel, body, o.series.map((s) => s.name));
}

/** Sequences drawn as small line plots in a grid (examples of the data). */
export function sequencePanels(
  o: {
    title: string;
    panels: { label: string; values: ArrayLike<number>; highlight?: [number, number] }[];
    columns: number;
  },
): string {
  const cw = 180;
  const ch = 80;
  const rows = Math.ceil(o.panels.length / o.columns);
  const width = o.columns * cw + 20;
  const height = rows * ch + 40;
  let body = `<text x="10" y="18" font-size="13" font-weight="bold">${esc(o.title)}</text>`;
  o.panels.forEach((p, i) => {
    const ox = 10 + (i % o.columns) * cw;
    const oy = 28 + Math.floor(i / o.columns) * ch;
    const n = p.values.length;
    if (p.highlight) {
      const [a, b] = p.highlight;
      body += `<rect x="${ox + (a / (n - 1)) * (cw - 20)}" y="${oy}" width="${
        ((b - a) / (n - 1)) * (cw - 20)
      }" height="${ch - 18}" fill="#fde7c8"/>`;
    }
    const pts = Array.from(
      { length: n },
      (_, t) => `${(ox + (t / (n - 1)) * (cw - 20)).toFixed(1)},${(oy + (ch - 18) / 2 - p.values[t] * 12).toFixed(1)}`,
    );
    body += `<polyline fill="none" stroke="#1f77b4" stroke-width="1.4" points="${pts.join(" ")}"/>`;
    body += `<text x="${ox}" y="${oy + ch - 6}" font-size="10">${esc(p.label)}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="sans-serif"><rect width="${width}" height="${height}" fill="white"/>${body}</svg>`;
}

/** A scatter plot of points coloured by group (ten colours). */
export function scatterChart(o: { title: string; points: { x: number; y: number; group: number }[] }): string {
  const colors = [
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
  ];
  const xs = o.points.map((p) => p.x);
  const ys = o.points.map((p) => p.y);
  const [xLo, xHi, yLo, yHi] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const size = 320;
  const x = (v: number) => 20 + ((size - 40) * (v - xLo)) / (xHi - xLo || 1);
  const y = (v: number) => size - 20 - ((size - 50) * (v - yLo)) / (yHi - yLo || 1);
  const dots = o.points.map((p) =>
    `<circle cx="${x(p.x).toFixed(1)}" cy="${y(p.y).toFixed(1)}" r="1.6" fill="${
      colors[p.group % 10]
    }" fill-opacity="0.6"/>`
  ).join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" width="${size}" height="${size}" font-family="sans-serif">` +
    `<rect width="${size}" height="${size}" fill="white"/><text x="10" y="18" font-size="13" font-weight="bold">${
      esc(o.title)
    }</text>${dots}</svg>`;
}
