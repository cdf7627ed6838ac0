// Rendering every figure of the report (vega-lite compile, vega dataflow, SVG) for a study of the
// default size: the default sweeps, three seeds, 2,000 t-SNE points per panel. Target (issue 16):
// all figures under 5 s together. There is no alternative renderer left to time against, so this
// prints the absolute figure, wall and CPU time, cold (first in the process) and warm.
// Run: node build/js/bench/report.bench.js (or deno run -A bench/report.bench.ts)
import process from "node:process";
import { buildFigures } from "../src/report/report.ts";
import { fakeSummary, fakeViews } from "../test/report/fixture.ts";
import { FIGURE_NAMES } from "../test/report/figure_names.ts";

const summary = fakeSummary();
const views = fakeViews(summary.config);
const runs: { wall: number; cpu: number }[] = [];
for (let i = 0; i < 4; i++) {
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const figures = await buildFigures(summary, views);
  const cpu = process.cpuUsage(cpu0);
  runs.push({ wall: (performance.now() - start) / 1000, cpu: (cpu.user + cpu.system) / 1e6 });
  if (figures.length !== FIGURE_NAMES.length) {
    throw new Error(`expected ${FIGURE_NAMES.length} figures, got ${figures.length}`);
  }
}
const warm = runs.slice(1).sort((a, b) => a.wall - b.wall)[1];
console.log(
  `${FIGURE_NAMES.length} figures (${summary.models.length} models), ${views.tsne.points.length} t-SNE points: cold ${
    runs[0].wall.toFixed(2)
  } s wall / ` +
    `${runs[0].cpu.toFixed(2)} s CPU; warm (median of 3) ${warm.wall.toFixed(2)} s wall / ${warm.cpu.toFixed(2)} s CPU`,
);
console.log(JSON.stringify({ cold: runs[0], warm }));
