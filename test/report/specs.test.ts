// The report's figures: every spec compiles and renders without a warning, results facet by model and
// name it, each method has one colour in every figure, error bars are 95% intervals, gamma and the
// held-out size sit on log-type axes, and the same summary gives the same SVG bytes.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as vl from "vega-lite";
import { figureSpecs, symlogTicks } from "../../src/report/specs.ts";
import { buildFigures } from "../../src/report/report.ts";
import { ci95 } from "../../src/report/interval.ts";
import { sha256 } from "../helpers/hash.ts";
import { fakeSummary, fakeViews } from "./fixture.ts";
import fc from "fast-check";

type Json = Record<string, unknown>;

/** Every object nested in a spec (depth first). */
function nodes(x: unknown, out: Json[] = []): Json[] {
  if (x && typeof x === "object") {
    if (!Array.isArray(x)) out.push(x as Json);
    for (const v of Object.values(x)) nodes(v, out);
  }
  return out;
}

const RESULT_FIGURES = [
  "b_erm",
  "c_methods",
  "d1_strength_rho",
  "d2_strength_amplitude",
  "e_heldout_size",
  "f1_afr_gamma",
  "f2_afr_confidence",
  "g_worst_group",
];

test("every result figure facets by model, names the model and the feature, and every row carries a model", () => {
  const s = fakeSummary();
  const specs = figureSpecs(s, fakeViews(s.config, 100));
  for (const name of RESULT_FIGURES) {
    const f = specs.find((x) => x.name === name);
    assert.ok(f, name);
    const spec = f.spec as unknown as Json;
    assert.equal(((spec.facet as Json).row as Json).field, "model", `${name} has one row per model`);
    const title = JSON.stringify(spec.title);
    assert.ok(title.includes(s.config.model) && title.includes(s.config.kind), `${name}'s title: ${title}`);
    const rows = (spec.data as Json).values as Json[];
    assert.ok(rows.length > 0 && rows.every((r) => r.model === s.config.model), `${name}'s rows name the model`);
  }
});

test("each method keeps one colour across all figures", () => {
  const s = fakeSummary();
  const colours = new Map<string, Set<string>>();
  const owners = new Map<string, Set<string>>();
  for (const f of figureSpecs(s, fakeViews(s.config, 100))) {
    for (const node of nodes(f.spec)) {
      if (node.field !== "method" || !node.scale) continue;
      const scale = node.scale as { domain: string[]; range: string[] };
      scale.domain.forEach((m, i) => {
        colours.set(m, (colours.get(m) ?? new Set()).add(scale.range[i]));
        owners.set(scale.range[i], (owners.get(scale.range[i]) ?? new Set()).add(m));
      });
    }
  }
  assert.ok(colours.size >= s.config.methods.length + 2, `methods coloured: ${[...colours.keys()]}`);
  for (const [m, c] of colours) assert.equal(c.size, 1, `${m} has colours ${[...c]}`);
  for (const [c, ms] of owners) assert.equal(ms.size, 1, `${c} is shared by ${[...ms]}`);
});

test("held-out size is on a log axis and gamma on a symmetric log axis with nice ticks", () => {
  const s = fakeSummary();
  const specs = figureSpecs(s, fakeViews(s.config, 100));
  const xScale = (name: string) =>
    nodes(specs.find((f) => f.name === name)!.spec).find((n) => n.title && String(n.title).includes("log scale"))!;
  assert.equal((xScale("e_heldout_size").scale as Json).type, "log");
  const gamma = xScale("f1_afr_gamma");
  assert.equal((gamma.scale as Json).type, "symlog");
  assert.deepEqual((gamma.axis as Json).values, [0, 1, 3, 10, 30, 100]);
});

test("symlogTicks: starts at 0, increases, alternates 1-3-10, and its last tick is the first to reach max", () => {
  fc.assert(fc.property(fc.double({ min: 0, max: 1e6, noNaN: true }), (max) => {
    const t = symlogTicks(max);
    assert.equal(t[0], 0);
    for (let i = 1; i < t.length; i++) assert.ok(t[i] > t[i - 1]);
    for (const v of t.slice(1)) assert.ok(/^[13]0*$/.test(String(v)), `${v} is a 1-3-10 tick`);
    assert.ok(t.at(-1)! >= max, `last tick ${t.at(-1)} covers ${max}`);
    if (t.length > 2) assert.ok(t.at(-2)! < max, `one tick too many for ${max}: ${t}`);
  }));
});

test("error bars are 95% Student-t intervals of the mean; one seed has none", () => {
  assert.equal(ci95({ mean: 0.5, sd: 0.1, n: 1 }), null);
  const two = ci95({ mean: 0.5, sd: 0.1, n: 2 })!;
  assert.ok(Math.abs(two.hi - 0.5 - (12.706 * 0.1) / Math.sqrt(2)) < 1e-12);
  const three = ci95({ mean: 0.5, sd: 0.1, n: 3 })!;
  assert.ok(Math.abs(three.hi - 0.5 - (4.303 * 0.1) / Math.sqrt(3)) < 1e-12);
  assert.ok(Math.abs(three.lo + three.hi - 1) < 1e-12, "symmetric about the mean");
  const many = ci95({ mean: 0, sd: 1, n: 100 })!;
  assert.ok(Math.abs(many.hi - 1.96 / 10) < 1e-12);
  // In a figure: the bars' ends are the interval's, in percent.
  const s = fakeSummary();
  const f = figureSpecs(s, fakeViews(s.config, 100)).find((x) => x.name === "c_methods")!;
  const row = ((f.spec as unknown as Json).data as Json).values as Json[];
  const erm = row.find((r) => r.method === "erm" && r.measure === "worst-group accuracy")!;
  const ci = ci95(s.base.erm.absent.worstGroupAccuracy)!;
  assert.ok(Math.abs((erm.lo as number) - 100 * ci.lo) < 1e-9 && Math.abs((erm.hi as number) - 100 * ci.hi) < 1e-9);
});

test("every figure compiles and renders to SVG with axes and a legend; the same input gives the same bytes", async (t) => {
  const s = fakeSummary();
  const views = fakeViews(s.config);
  const start = performance.now();
  const figures = await buildFigures(s, views);
  const seconds = (performance.now() - start) / 1000;
  t.diagnostic(
    `${figures.length} figures (t-SNE ${views.tsne.points.length} points) rendered in ${seconds.toFixed(2)} s`,
  );
  assert.equal(figures.length, 11);
  for (const f of figures) {
    assert.ok(vl.compile(f.spec).spec, f.name);
    assert.match(f.svg, /^<svg/, f.name);
    assert.ok((f.svg.match(/role-axis"/g) ?? []).length >= 2, `${f.name} has axes`);
    assert.match(f.svg, /role-legend"/, `${f.name} has a legend`);
    assert.match(f.svg, /role-mark/, `${f.name} has marks`);
    assert.doesNotMatch(f.svg, /…/, `${f.name} truncates no label`);
  }
  const again = await buildFigures(s, views);
  assert.deepEqual(
    again.map((f) => sha256(new TextEncoder().encode(f.svg))),
    figures.map((f) => sha256(new TextEncoder().encode(f.svg))),
  );
});
