// The report in a real browser: headless Chromium (Debian's) opens report.html from the quick
// study's output, with no console errors, and every figure renders (a screenshot is not blank).
import { test } from "node:test";
import { browserUnavailable, launchChromium } from "../helpers/browser.ts";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { cliCommand, freshPath, IS_DENO } from "../helpers/env.ts";
import { run } from "../helpers/run.ts";

test("report.html opens in headless Chromium without console errors and every figure renders", async (t) => {
  if (IS_DENO) return t.skip("runs from the Node side (playwright drives the browser)");
  const why = await browserUnavailable();
  if (why) return t.skip(why);
  const out = await freshPath("browser");
  const c = cliCommand(["experiment", "--config", "test/fixtures/tiny_study.json", "--out", out, "--run", "r"]);
  const r = await run(c.cmd, c.args);
  assert.equal(r.code, 0, r.stderr);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(pathToFileURL(`${out}/r/report.html`).href);
    assert.deepEqual(errors, []);
    const figures = await page.locator("figure svg").count();
    assert.ok(figures >= 10, `${figures} figures`);
    // A blank area of the same size compresses to a small PNG; a drawn chart does not.
    await page.evaluate(() => {
      const blank = document.createElement("div");
      blank.id = "blank";
      blank.style.cssText = "width:560px;height:320px;background:white";
      document.body.appendChild(blank);
    });
    const blankSize = (await page.locator("#blank").screenshot()).length;
    for (let i = 0; i < figures; i++) {
      const box = await page.locator("figure svg").nth(i).boundingBox();
      assert.ok(box && box.width > 100 && box.height > 100, `figure ${i} has a size`);
      const png = await page.locator("figure svg").nth(i).screenshot();
      assert.ok(png.length > 3 * blankSize, `figure ${i} looks blank (${png.length} bytes vs ${blankSize} for blank)`);
      if (i === 4) await writeFile(`${out}/figure.png`, png);
    }
  } finally {
    await browser.close();
  }
});
