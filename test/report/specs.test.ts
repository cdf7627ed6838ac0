// The report's figures: every spec compiles and renders without a warning, results facet by model (one
// row per model summary, in order) and name the models and the kind, each method has one colour in every
// figure, error bars are 95% intervals, gamma, the held-out size and the group labels sit on log-type
// axes, Q2 has a line per composition and Q3 a panel per arm (published first), and the same summary
// gives the same SVG bytes.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as vl from "vega-lite";
import { figureSpecs, symlogTicks } from "../../src/report/specs.ts";
import { buildFigures } from "../../src/report/report.ts";
import { ci95 } from "../../src/report/interval.ts";
import { sha256 } from "../helpers/hash.ts";
import { fakeSummary, fakeViews } from "./fixture.ts";
import { FIGURE_NAMES, RESULT_FIGURES } from "./figure_names.ts";
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

/** A figure's spec as JSON, by name. */
function specOf(specs: readonly { name: string; spec: unknown }[], name: string): Json {
  const f = specs.find((x) => x.name === name);
  assert.ok(f, `figure ${name}`);
  return f.spec as Json;
}

test("every result figure has one row per model in the summary's order, names models and kind; rows of every model", () => {
  for (const groupings of [["coarse"], ["coarse", "fine"]]) {
    const s = fakeSummary({ groupings });
    const labels = s.models.map((m) => m.label);
    assert.equal(labels.length, 2 * groupings.length, `${labels}`);
    const specs = figureSpecs(s, fakeViews(s.config, 100));
    assert.deepEqual(specs.map((f) => f.name), FIGURE_NAMES);
    for (const name of RESULT_FIGURES) {
      const spec = specOf(specs, name);
      const row = (spec.facet as Json).row as Json;
      assert.equal(row.field, "model", `${name} has one row per model`);
      assert.deepEqual(row.sort, labels, `${name}'s rows follow the summary`);
      const title = JSON.stringify(spec.title);
      for (const l of [...s.config.models, s.config.kind]) {
        assert.ok(title.includes(l), `${name}'s title names ${l}: ${title}`);
      }
      const rows = (spec.data as Json).values as Json[];
      assert.deepEqual(
        [...new Set(rows.map((r) => r.model))],
        labels,
        `${name} has rows of every model, and only those`,
      );
    }
  }
});

test("c2_kinds: a column per feature kind, a bar per method and ERM, per model", () => {
  const s = fakeSummary();
  const rows = (specOf(figureSpecs(s, fakeViews(s.config, 50)), "c2_kinds").data as Json).values as Json[];
  const methods = ["erm", ...Object.keys(s.config.methods)];
  assert.equal(rows.length, s.models.length * s.config.kinds.length * methods.length);
  assert.deepEqual([...new Set(rows.map((r) => r.measure))], s.config.kinds.map((k) => `${k} feature`));
  const m = s.models[1];
  const kind = m.kinds.rows[2];
  const bar = rows.find((r) => r.model === m.label && r.measure === `${kind.kind} feature` && r.method === "dfr")!;
  assert.ok(Math.abs((bar.mean as number) - 100 * kind.methods.dfr.mean) < 1e-9, "the bar is that model's and kind's");
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
  assert.ok(colours.size >= Object.keys(s.config.methods).length + 2, `methods coloured: ${[...colours.keys()]}`);
  for (const [m, c] of colours) assert.equal(c.size, 1, `${m} has colours ${[...c]}`);
  for (const [c, ms] of owners) assert.equal(ms.size, 1, `${c} is shared by ${[...ms]}`);
});

test("held-out size is on a log axis with a dash per composition; gamma on a symmetric log axis, a panel per arm", () => {
  const s = fakeSummary();
  const specs = figureSpecs(s, fakeViews(s.config, 100));
  const xScale = (name: string) =>
    nodes(specOf(specs, name)).find((n) => n.title && String(n.title).includes("log scale"))!;
  assert.equal((xScale("e_heldout_size").scale as Json).type, "log");
  const dash = nodes(specOf(specs, "e_heldout_size")).find((n) => n.field === "composition" && n.scale)!;
  const compositions = ["decorrelated", "like-training", "mix 0.5"];
  assert.deepEqual((dash.scale as Json).domain, compositions);
  assert.equal(new Set(((dash.scale as Json).range as unknown[]).map(String)).size, 3, "three distinct dashes");
  const held = (specOf(specs, "e_heldout_size").data as Json).values as Json[];
  assert.deepEqual([...new Set(held.map((r) => r.composition))], compositions);
  const gamma = xScale("f1_afr_gamma");
  assert.equal((gamma.scale as Json).type, "symlog");
  assert.deepEqual((gamma.axis as Json).values, [0, 1, 3, 10, 30, 100]);
  const column = (specOf(specs, "f1_afr_gamma").facet as Json).column as Json;
  assert.deepEqual(column.sort, ["like-training (published)", "decorrelated"], "the published arm first, marked");
});

test("e2_group_labels: label-free methods at 0, the sweep method at each size, on a symmetric log axis from 0", () => {
  const s = fakeSummary();
  const spec = specOf(figureSpecs(s, fakeViews(s.config, 50)), "e2_group_labels");
  const rows = (spec.data as Json).values as Json[];
  for (const m of s.models) {
    const own = rows.filter((r) => r.model === m.label);
    assert.deepEqual(own.map((r) => [r.method, r.labels]), m.labels.rows.map((r) => [r.method, r.groupLabels]));
  }
  const atZero = rows.filter((r) => r.labels === 0).map((r) => r.method);
  assert.ok(atZero.length > 0 && !atZero.includes(s.config.heldoutSweep.method), `label-free: ${atZero}`);
  assert.deepEqual(
    [...new Set(rows.filter((r) => (r.labels as number) > 0).map((r) => r.labels))],
    s.config.heldoutSweep.sizes,
  );
  const x = nodes(spec).find((n) => n.field === "labels" && n.scale)!;
  assert.equal((x.scale as Json).type, "symlog");
  assert.deepEqual((x.axis as Json).values, [0, 100, 1000, 10000]);
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
  const m = s.models[1];
  const erm = row.find((r) => r.model === m.label && r.method === "erm" && r.measure === "worst-group accuracy")!;
  const ci = ci95(m.base.erm.absent.worstGroupAccuracy)!;
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
  assert.deepEqual(figures.map((f) => f.name), FIGURE_NAMES);
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

test("a one-model, one-seed study with DFR only renders every figure, with no interval to draw", async () => {
  const s = fakeSummary({ models: ["mlp"], seeds: [0], methods: ["dfr"] });
  const figures = await buildFigures(s, fakeViews(s.config, 50));
  assert.deepEqual(figures.map((f) => f.name), FIGURE_NAMES);
  for (const f of figures.filter((x) => RESULT_FIGURES.includes(x.name))) {
    const rows = ((f.spec as unknown as Json).data as Json).values as Json[];
    assert.ok(rows.every((r) => r.lo === null && r.hi === null && r.model === "mlp"), `${f.name}: no interval`);
  }
});
