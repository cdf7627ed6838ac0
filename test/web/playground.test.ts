// The playground in a real browser: headless Chromium (Debian's) opens the page `spurious1d serve`
// sends, with no console errors and no request leaving the server; it sets rho and the method, the
// URL follows, a small model trains in the worker, and the worst-group figure shows a number in
// [0, 1]; cancel stops a run; on a phone-sized screen nothing overflows sideways. Screenshots are
// saved beside the test's other output. Runs from Node (playwright drives the browser).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { browserUnavailable, launchChromium } from "../helpers/browser.ts";
import { freshPath, IS_DENO } from "../helpers/env.ts";
import { startServer } from "../helpers/serve.ts";

const LABELS = ["Feature kind", "rho", "Feature amplitude", "Model", "Training steps", "Method", "Seed"];
// A control's accessible name starts with its label text (a select's also holds the chosen option).
const label = (text: string) => new RegExp(`^${text}`);

test("the served playground trains in the browser, keeps its settings in the URL, and cancels", async (t) => {
  if (IS_DENO) return t.skip("runs from the Node side (playwright drives the browser)");
  const why = await browserUnavailable();
  if (why) return t.skip(why);
  const out = await freshPath("playground");
  await mkdir(out, { recursive: true });
  const server = await startServer("node");
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    const foreign: string[] = [];
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("request", (r) => {
      if (!r.url().startsWith(server.url) && !r.url().startsWith("data:")) foreign.push(r.url());
    });
    await page.goto(`${server.url}/?model=linear&steps=40`);
    await page.waitForFunction(() => !(document.getElementById("train") as HTMLButtonElement).disabled, null, {
      timeout: 60_000,
    });
    // Every control is reachable by its label (a screen reader and the keyboard find them the same way).
    for (const text of LABELS) assert.equal(await page.getByLabel(label(text)).count(), 1, text);
    // The link's settings were applied.
    assert.equal(await page.inputValue("#model"), "linear");
    assert.equal(await page.inputValue("#steps"), "40");

    await page.getByLabel(label("rho")).fill("0.8");
    await page.getByLabel(label("Method")).selectOption("afr");
    const query = new URL(page.url()).searchParams;
    assert.equal(query.get("rho"), "0.8", page.url());
    assert.equal(query.get("method"), "afr", page.url());
    assert.equal(query.get("model"), "linear", page.url());

    // Train from the keyboard: Enter in a field submits the form.
    await page.getByLabel(label("Training steps")).press("Enter");
    await page.waitForFunction(() => !document.getElementById("results")!.hidden, null, { timeout: 240_000 });
    await page.waitForFunction(() => document.querySelectorAll("#results svg.marks").length >= 5, null, {
      timeout: 30_000,
    });
    const wga = Number(await page.getAttribute("#wga-method", "data-value"));
    assert.ok(wga >= 0 && wga <= 1, `worst-group accuracy ${wga}`);
    assert.equal(Number(await page.textContent("#wga-method")).toFixed(3), wga.toFixed(3));
    assert.equal(await page.textContent("#headline-method"), "afr");
    assert.match(
      (await page.textContent("#result-settings"))!,
      /kind patch, rho 0\.8, amplitude 1, model linear, steps 40, method afr, seed 0/,
    );
    assert.equal(await page.locator("#scores-body tr").count(), 4);
    assert.equal(await page.evaluate(() => (document.getElementById("progress") as HTMLProgressElement).value), 1);
    // A tooltip appears on a bar (vega-embed's tooltip handler).
    await page.locator("#chart-accuracy svg path[role=graphics-symbol]").first().hover();
    await page.waitForSelector("#vg-tooltip-element.visible", { timeout: 10_000 });
    await page.screenshot({ path: `${out}/wide.png`, fullPage: true });

    // Cancel: a long run stops at once, and the page can train again.
    await page.getByLabel(label("Training steps")).fill("3000");
    await page.click("#train");
    await page.waitForFunction(() => /training ERM/.test(document.getElementById("status")!.textContent ?? ""), null, {
      timeout: 60_000,
    });
    await page.click("#cancel");
    assert.equal(await page.textContent("#status"), "Cancelled.");
    await page.waitForFunction(() => !(document.getElementById("train") as HTMLButtonElement).disabled, null, {
      timeout: 60_000,
    });

    // A phone-sized screen: the page does not scroll sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(500);
    const [scrollWidth, viewport] = await page.evaluate(
      () => [document.documentElement.scrollWidth, globalThis.innerWidth],
    );
    assert.ok(scrollWidth <= viewport, `page is ${scrollWidth} px wide in a ${viewport} px viewport`);
    await page.screenshot({ path: `${out}/narrow.png`, fullPage: true });
    t.diagnostic(`screenshots: ${out}/wide.png, ${out}/narrow.png`);

    assert.deepEqual(errors, []);
    assert.deepEqual(foreign, []);
    // One log line per request, the page's included.
    assert.match(server.output(), / GET \/ 200 /);
    assert.match(server.output(), / GET \/playground\/worker\.js 200 /);
  } finally {
    await browser.close();
    assert.equal(await server.stop("SIGTERM"), 0, server.output());
  }
});
