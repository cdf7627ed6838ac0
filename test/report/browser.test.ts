// The report in a real browser: headless Chromium (Debian's) opens report.html, built from the synthetic
// two-model study (test/report/fixture.ts, through the real summarise()) with the inlined vega builds,
// twice: with scripts off (the inline SVG) and on (vega-embed's live views). Both times: no console
// error, no request beyond the file, every figure has visible marks and axes and names every model, no
// two tick labels overlap, element ids are unique. Live: a tooltip shows a cell's numbers and the t-SNE
// zooms. Screenshots of both pages are saved beside the test's output. (The CLI's writing of figures/
// and report.html is the CLI's tests' business.)
import { test } from "node:test";
import { browserUnavailable, launchChromium } from "../helpers/browser.ts";
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { freshPath, IS_DENO } from "../helpers/env.ts";
import { buildFigures, reportHtml } from "../../src/report/report.ts";
import { readVegaSources } from "../../src/cli/vega_sources.ts";
import { fakeSummary, fakeViews } from "./fixture.ts";
import { FIGURE_NAMES, RESULT_FIGURES } from "./figure_names.ts";

/** What the page shows of one figure. */
interface FigureReport {
  id: string;
  visibleMarks: number;
  axes: number;
  axesWithLabels: number;
  overlaps: string[];
  text: string;
}

/** Runs in the page: marks, axes and tick-label boxes of every figure's SVG (as the browser laid them out). */
function inspectFigures(): FigureReport[] {
  const visible = (el: Element) => {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return (r.width > 0 || r.height > 0) && style.visibility !== "hidden" && style.display !== "none" &&
      Number(style.opacity) > 0 && el.getAttribute("opacity") !== "0";
  };
  return Array.from(document.querySelectorAll("figure")).map((figure) => {
    const svg = figure.querySelector(".chart svg")!;
    const marks = Array.from(svg.querySelectorAll(".role-mark > *")).filter(visible);
    const axes = Array.from(svg.querySelectorAll(".role-axis"));
    const labelsOf = (root: Element) =>
      Array.from(root.querySelectorAll(".role-axis-label text")).filter((t) => visible(t) && t.textContent !== "");
    const labels = labelsOf(svg).map((t) => ({ text: t.textContent ?? "", box: t.getBoundingClientRect() }));
    const overlaps: string[] = [];
    for (let i = 0; i < labels.length; i++) {
      for (let j = i + 1; j < labels.length; j++) {
        const a = labels[i].box;
        const b = labels[j].box;
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 0.5 && h > 0.5) overlaps.push(`"${labels[i].text}" and "${labels[j].text}"`);
      }
    }
    return {
      id: figure.id,
      visibleMarks: marks.length,
      axes: axes.length,
      // Grid-only axes have neither; a sweep with one value has one tick label.
      axesWithLabels: axes.filter((a) => labelsOf(a).length >= 1 && a.querySelector(".role-axis-domain")).length,
      overlaps,
      text: svg.textContent ?? "",
    };
  });
}

test("report.html in Chromium, scripts off and on: no errors or requests, visible marks and axes, no overlapping ticks", async (t) => {
  if (IS_DENO) return t.skip("runs from the Node side (playwright drives the browser)");
  const why = await browserUnavailable();
  if (why) return t.skip(why);
  const out = await freshPath("browser");
  await mkdir(out, { recursive: true });
  const summary = fakeSummary();
  const figures = await buildFigures(summary, fakeViews(summary.config, 300));
  const html = reportHtml(summary, figures, await readVegaSources());
  await writeFile(`${out}/report.html`, html);
  const ids = [...html.matchAll(/<figure id="([^"]+)">/g)].map((m) => m[1]);
  assert.deepEqual(ids, FIGURE_NAMES, "the page shows every figure once, in order");
  const labels = summary.models.map((m) => m.label);
  assert.ok(labels.length >= 2, `the fixture has several models: ${labels}`);
  t.diagnostic(`report.html: ${(html.length / 1e6).toFixed(2)} MB`);
  const url = pathToFileURL(resolve(`${out}/report.html`)).href;
  const browser = await launchChromium();
  try {
    for (const scripts of [false, true]) {
      const mode = scripts ? "live" : "static";
      const context = await browser.newContext({ javaScriptEnabled: scripts, viewport: { width: 1100, height: 900 } });
      const page = await context.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      page.on("pageerror", (e) => errors.push(String(e)));
      page.on("request", (q) => q.url() !== url && requests.push(q.url()));
      const start = performance.now();
      await page.goto(url);
      if (scripts) {
        await page.waitForFunction((n) => document.querySelectorAll("figure[data-live]").length === n, ids.length, {
          timeout: 120_000,
        });
        t.diagnostic(`live views ready ${((performance.now() - start) / 1000).toFixed(1)} s after load`);
      }
      assert.deepEqual(errors, [], `${mode}: console errors`);
      assert.deepEqual(requests, [], `${mode}: requests`);
      const duplicateIds = await page.evaluate(() => {
        const seen = Array.from(document.querySelectorAll("[id]")).map((e) => e.id);
        return seen.filter((id, i) => seen.indexOf(id) !== i);
      });
      assert.deepEqual(duplicateIds, [], `${mode}: duplicate element ids`);
      const figures = await page.evaluate(inspectFigures);
      assert.equal(figures.length, ids.length);
      for (const f of figures) {
        assert.ok(f.visibleMarks > 0, `${mode} ${f.id}: no visible mark`);
        assert.ok(f.axes >= 2 && f.axesWithLabels >= 2, `${mode} ${f.id}: ${f.axesWithLabels} of ${f.axes} axes`);
        assert.deepEqual(f.overlaps, [], `${mode} ${f.id}: overlapping tick labels`);
        if (!RESULT_FIGURES.includes(f.id)) continue;
        for (const label of labels) assert.ok(f.text.includes(label), `${mode} ${f.id} names ${label}`);
      }
      const shot = `${out}/report-${mode}.png`;
      await page.screenshot({ path: shot, fullPage: true });
      t.diagnostic(`screenshot (${mode}): ${shot}`);
      if (scripts) {
        // A bar's tooltip shows its numbers.
        await page.locator("#c_methods .role-mark path").first().hover();
        const tip = page.locator("#vg-tooltip-element");
        await tip.waitFor({ state: "visible", timeout: 10_000 });
        assert.match(await tip.innerText(), /mean %/);
        // The t-SNE zooms: wheel over the first panel changes its x-axis ticks.
        const ticks = () =>
          page.locator("#a2_tsne_labels .role-axis-label text").allTextContents().then((x) => x.join(","));
        const before = await ticks();
        const panel = page.locator("#a2_tsne_labels .mark-symbol.role-mark").first();
        await panel.scrollIntoViewIfNeeded();
        const box = (await panel.boundingBox())!;
        await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        await page.mouse.wheel(0, -400);
        await page.waitForTimeout(500);
        assert.notEqual(await ticks(), before, "the t-SNE's axes change when zoomed");
      }
      await context.close();
    }
  } finally {
    await browser.close();
  }
});
