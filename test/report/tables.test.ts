// Report tables: every header is named, no cell is empty (a dash gives the reason), numbers are
// marked numeric, estimates show their 95% interval, and the best mean of each scored column is bold
// unless every row ties. The page: every table names its model and kind, every conclusion its model.
import { test } from "node:test";
import assert from "node:assert/strict";
import { table } from "../../src/report/tables.ts";
import { reportHtml } from "../../src/report/report.ts";
import type { Figure } from "../../src/report/report.ts";
import { fakeSummary } from "./fixture.ts";
import { FIGURE_NAMES } from "./figure_names.ts";
import { ci95 } from "../../src/report/interval.ts";

const st = (mean: number, n = 2) => ({ mean, sd: 0.01, n });

test("a missing value is a dash with its reason; the best mean is bold; numbers are right-aligned cells", () => {
  const html = table([{ head: "method" }, { head: "WGA %", best: "max", missing: "not measured" }], [
    ["a", st(0.5)],
    ["b", st(0.7)],
    ["c", st(NaN)],
  ]);
  assert.match(html, /<th scope="col">method<\/th><th scope="col">WGA %<\/th>/);
  // Two seeds: the 95% interval is mean ± 12.706 * 0.01 / sqrt(2) = ± 9.0 points.
  assert.match(html, /<td class="num best"><strong[^>]*>70\.0 \[61\.0, 79\.0\]<\/strong><\/td>/);
  assert.match(html, /<td class="num">50\.0 \[41\.0, 59\.0\]<\/td>/);
  assert.match(html, /95% confidence interval/);
  assert.match(html, /<td class="missing"[^>]*>– <span class="why">\(not measured\)<\/span><\/td>/);
  assert.doesNotMatch(html, /<t[dh][^>]*><\/t[dh]>/, "no empty cell");
});

test("a column where every row ties has no best", () => {
  const html = table([{ head: "x", best: "max" }], [[st(0)], [st(0)]]);
  assert.doesNotMatch(html, /best/);
});

test("a null cell is a dash with the column's reason; counts show in their own scale; one seed has no interval", () => {
  const html = table([{ head: "n", scale: 1, digits: 0 }, { head: "x", missing: "baseline" }], [
    [{ mean: 123.4, sd: 0, n: 1 }, null],
  ]);
  assert.match(html, /<td class="num">123<\/td>/);
  assert.match(html, /– <span class="why">\(baseline\)<\/span>/);
  assert.doesNotMatch(html, /confidence interval/);
});

/** The page with placeholder figures (tables and text only). */
function page(s = fakeSummary()): string {
  const figures: Figure[] = FIGURE_NAMES.map((name) => ({
    name,
    caption: name,
    spec: {} as Figure["spec"],
    vega: {},
    svg: "<svg></svg>",
  }));
  return reportHtml(s, figures);
}

test("the report's tables have no empty header or cell; each names its model and the kind", () => {
  const s = fakeSummary();
  const html = page(s);
  const tables = html.match(/<table>.*?<\/table>/gs) ?? [];
  // Per model: ERM, methods, protocols, worst groups, kinds, strengths, retraining, held-out, labels, two for Q3,
  // Q4; and the comparison.
  assert.equal(tables.length, 12 * s.models.length + 1);
  for (const t of tables) {
    assert.doesNotMatch(t, /<t[dh][^>]*>\s*<\/t[dh]>/, "no empty cell");
    const heads = (t.match(/<th /g) ?? []).length;
    for (const row of t.match(/<tr>.*?<\/tr>/gs)!.slice(1)) assert.equal((row.match(/<td /g) ?? []).length, heads);
    const caption = t.match(/<caption>(.*?)<\/caption>/s)?.[1] ?? "";
    assert.ok(caption.includes(s.config.kind), `caption names the kind: ${caption}`);
  }
  // Each model's twelve tables name it first; the comparison (last) names them all.
  for (const m of s.models) {
    const own = tables.slice(0, -1).filter((t) => t.startsWith(`<table><caption>${m.label}, `));
    assert.equal(own.length, 12, `${m.label}'s tables`);
  }
  const labels = s.models.map((m) => m.label).join(", ");
  assert.ok(tables.at(-1)!.startsWith(`<table><caption>${labels}, ${s.config.kind} feature: where the models`));
  // Q1's table lists each strength once (the base strength is in both sweeps).
  const strengths = tables.find((t) => t.includes("at each strength"))!;
  const rows = [...strengths.matchAll(/<tr><td class="num">([^<]*)<\/td><td class="num">([^<]*)<\/td>/g)].map((m) =>
    `${m[1]}|${m[2]}`
  );
  assert.equal(rows.length, s.config.rhos.length + s.config.amplitudes.length - 1);
  assert.equal(new Set(rows).size, rows.length, `${rows}`);
  // Q4's differences carry their sign.
  const q4 = tables.find((t) => t.includes("more attention to the worst group"))!;
  const d = s.models[0].worstGroup.rows.find((r) => r.difference && r.difference.mean > 0)!.difference!;
  assert.ok(q4.includes(`>+${(100 * d.mean).toFixed(1)} [`), "a positive difference shows its +");
  assert.doesNotMatch(html, /<script/, "without the vega builds, the page has no scripts");
});

test("conclusions are each model's, labelled with it", () => {
  const s = fakeSummary();
  const html = page(s);
  for (const m of s.models) {
    for (const text of [m.base.conclusion, m.kinds.conclusion, m.retraining.referenceConclusion, m.labels.conclusion]) {
      const escaped = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
      assert.ok(html.includes(`<p class="conclusion"><strong>${m.label}:</strong> ${escaped}</p>`), text);
    }
  }
  for (const c of s.comparison) assert.ok(html.includes(c.text.replace(/&/g, "&amp;")), c.topic);
});

test("oracle-test is a reference column, last, never a result", () => {
  const html = page();
  const protocols = html.match(/<table><caption>[^<]*selection protocol.*?<\/table>/s)![0];
  const heads = [...protocols.matchAll(/<th scope="col">(.*?)<\/th>/g)].map((m) => m[1]);
  assert.match(heads.at(-1)!, /^oracle-test .*reference only/);
  assert.equal(heads.filter((h) => h.includes("oracle-test")).length, 1);
});

test("the header lists models, kinds, seeds, groupings, held-out set, methods with hyperparameters and cells", () => {
  const s = fakeSummary();
  const header = page(s).match(/<\/h1>(.*?)<h2>/s)![1];
  for (const part of ["Models: mlp, cnn", "patch, frequency, offset", "seeds: 0, 1, 2", "coarse (20 groups)"]) {
    assert.ok(header.includes(part), part);
  }
  assert.ok(header.includes(`held-out set: ${s.config.heldoutSize} examples, decorrelated`));
  assert.ok(header.includes("dfr (C 1, 0.3, 0.1, 0.03; refits 5"), "DFR's grid and refits");
  assert.equal((header.match(/<p>/g) ?? []).length, 2, "two paragraphs: the setting, the methods and questions");
  assert.match(header, /fewer than published \(7 values and 20 refits\)/);
  assert.ok(header.includes(`${s.cells} cells`));
  // The published setting: no such note.
  const full = fakeSummary({ methods: { dfr: { C: [1, 0.7, 0.3, 0.1, 0.07, 0.03, 0.01], refits: 20 } } });
  assert.doesNotMatch(page(full), /fewer than published/);
});

test("the Q3 tables put the published arm first and give ESS and the minority weight ratio", () => {
  const s = fakeSummary();
  const html = page(s);
  const arms = html.match(/<table><caption>[^<]*at each gamma.*?<\/table>/s)![0];
  assert.match(arms, /effective sample size/);
  assert.match(arms, /conflicting \/ aligned weight/);
  const first = arms.match(/<tbody><tr><td class="txt">(.*?)<\/td>/)![1];
  assert.equal(first, "like-training (published)");
  const ratio = s.models[0].reweighting.arms[0].gammaRows[0].minorityWeightRatio;
  const ci = ci95(ratio)!;
  assert.ok(
    arms.includes(`${ratio.mean.toFixed(1)} [${ci.lo.toFixed(1)}, ${ci.hi.toFixed(1)}]`),
    "ratio with its interval",
  );
});
