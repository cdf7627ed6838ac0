// Report tables: every header is named, no cell is empty (a dash gives the reason), numbers are
// marked numeric, and the best mean of each scored column is bold unless every row ties.
import { test } from "node:test";
import assert from "node:assert/strict";
import { table } from "../../src/report/tables.ts";
import { reportHtml } from "../../src/report/report.ts";
import type { Figure } from "../../src/report/report.ts";
import { fakeSummary } from "./fixture.ts";

const st = (mean: number, n = 2) => ({ mean, sd: 0.01, n });

test("a missing value is a dash with its reason; the best mean is bold; numbers are right-aligned cells", () => {
  const html = table([{ head: "method" }, { head: "WGA %", best: "max", missing: "not measured" }], [
    ["a", st(0.5)],
    ["b", st(0.7)],
    ["c", st(NaN)],
  ]);
  assert.match(html, /<th scope="col">method<\/th><th scope="col">WGA %<\/th>/);
  assert.match(html, /<td class="num best"><strong[^>]*>70\.0 ± 1\.0<\/strong><\/td>/);
  assert.match(html, /<td class="num">50\.0 ± 1\.0<\/td>/);
  assert.match(html, /<td class="missing"[^>]*>– <span class="why">\(not measured\)<\/span><\/td>/);
  assert.doesNotMatch(html, /<t[dh][^>]*><\/t[dh]>/, "no empty cell");
});

test("a column where every row ties has no best", () => {
  const html = table([{ head: "x", best: "max" }], [[st(0)], [st(0)]]);
  assert.doesNotMatch(html, /best/);
});

test("the report's tables have no empty header or cell, with scripts or without", () => {
  const s = fakeSummary();
  const names = [
    "a1_examples",
    "a2_tsne_labels",
    "a3_tsne_agreement",
    "b_erm",
    "c_methods",
    "d1_strength_rho",
    "d2_strength_amplitude",
    "e_heldout_size",
    "f1_afr_gamma",
    "f2_afr_confidence",
    "g_worst_group",
  ];
  const figures: Figure[] = names.map((name) => ({
    name,
    caption: name,
    spec: {} as Figure["spec"],
    vega: {},
    svg: "<svg></svg>",
  }));
  const html = reportHtml(s, figures);
  const tables = html.match(/<table>.*?<\/table>/gs) ?? [];
  assert.equal(tables.length, 6);
  for (const t of tables) {
    assert.doesNotMatch(t, /<t[dh][^>]*>\s*<\/t[dh]>/, "no empty cell");
    const heads = (t.match(/<th /g) ?? []).length;
    for (const row of t.match(/<tr>.*?<\/tr>/gs)!.slice(1)) assert.equal((row.match(/<td /g) ?? []).length, heads);
  }
  // The methods table has worst-class accuracy for ERM and the probe too.
  const methods = tables[1];
  for (const row of methods.match(/<tr>.*?<\/tr>/gs)!.slice(1)) assert.doesNotMatch(row, /class="missing"/, row);
  assert.doesNotMatch(html, /<script/, "without the vega builds, the page has no scripts");
});
