// The study end to end on a tiny config: report files, resume after SIGKILL without losing or
// duplicating a cell, parallel results equal to serial ones, and `report` rebuilding the same page.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readdir, readFile, stat } from "node:fs/promises";
import { cliCommand, freshPath } from "../helpers/env.ts";
import { run } from "../helpers/run.ts";

const TINY = "test/fixtures/tiny_study.json";
const cli = (args: string[]) => {
  const c = cliCommand(args);
  return run(c.cmd, c.args);
};
const lines = async (file: string) => (await readFile(file, "utf8")).split("\n").filter((l) => l.trim() !== "");
const withoutTimes = (text: string) =>
  JSON.stringify(JSON.parse(text, (k, v) => (k === "seconds" || k === "profile" ? 0 : v)));

test("experiment writes results, summary, figures and a self-contained report; rerunning resumes", async () => {
  const out = await freshPath("study");
  const r = await cli(["experiment", "--config", TINY, "--out", out, "--run", "t", "--workers", "2"]);
  assert.equal(r.code, 0, r.stderr);
  const dir = `${out}/t`;
  const files = await readdir(dir);
  for (const f of ["config.json", "results.jsonl", "summary.json", "summary.csv", "report.html", "figures"]) {
    assert.ok(files.includes(f), f);
  }
  assert.equal((await lines(`${dir}/results.jsonl`)).length, 2);
  const html = await readFile(`${dir}/report.html`, "utf8");
  // Self-contained: its policy allows no request and no eval; every figure is inline SVG (readable
  // without scripts) with its vega-lite spec beside it.
  assert.match(html, /Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; /);
  assert.doesNotMatch(html, /unsafe-eval/);
  const figureFiles = await readdir(`${dir}/figures`);
  const svgs = figureFiles.filter((f) => f.endsWith(".svg"));
  assert.equal((html.match(/<div class="chart"><svg/g) ?? []).length, svgs.length);
  assert.equal(figureFiles.filter((f) => f.endsWith(".vl.json")).length, svgs.length);
  for (const svg of svgs) {
    const png = new Uint8Array(await readFile(`${dir}/figures/${svg.replace(/\.svg$/, ".png")}`));
    assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47], `${svg} has a PNG copy`);
    assert.ok(png.length > 3000, `${svg}'s PNG is not blank`);
  }
  const summary = JSON.parse(await readFile(`${dir}/summary.json`, "utf8"));
  assert.ok(
    summary.base.erm.inDistribution.accuracy.mean > summary.base.erm.conflicting.accuracy.mean,
    "the shortcut hurts on conflicting data",
  );
  const again = await cli(["experiment", "--config", TINY, "--out", out, "--run", "t"]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /2 already done, 0 to run/);
  // report DIR rebuilds the same page from the results.
  const before = await readFile(`${dir}/report.html`, "utf8");
  assert.equal((await cli(["report", dir])).code, 0);
  assert.equal(await readFile(`${dir}/report.html`, "utf8"), before);
});

test("a run killed with SIGKILL loses no finished cell and leaves no corrupt record; one worker gives the same results as two", async () => {
  const out = await freshPath("kill");
  const dir = `${out}/k`;
  const c = cliCommand(["experiment", "--config", TINY, "--out", out, "--run", "k", "--workers", "1"]);
  const child = spawn(c.cmd, c.args, { stdio: "ignore" });
  // Kill as soon as the first cell is recorded (or after 60 s, whatever happened by then).
  for (let i = 0; i < 600; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const s = await stat(`${dir}/results.jsonl`).catch(() => undefined);
    if (s && s.size > 0) break;
  }
  child.kill("SIGKILL");
  await new Promise((r) => child.once("exit", r));
  const partial = await lines(`${dir}/results.jsonl`).catch(() => []);
  for (const l of partial) JSON.parse(l);
  const resumed = await cli(["experiment", "--config", TINY, "--out", out, "--run", "k", "--workers", "1"]);
  assert.equal(resumed.code, 0, resumed.stderr);
  const all = await lines(`${dir}/results.jsonl`);
  assert.equal(all.length, 2);
  assert.equal(new Set(all.map((l) => JSON.parse(l).id)).size, 2, "no duplicates");
  for (const p of partial) assert.ok(all.includes(p), "finished cells are kept, not recomputed");
  // Serial (this run) and parallel (two workers) give identical results.
  const par = await freshPath("par");
  assert.equal((await cli(["experiment", "--config", TINY, "--out", par, "--run", "p", "--workers", "2"])).code, 0);
  const byId = async (file: string) =>
    Object.fromEntries((await lines(file)).map((l) => [JSON.parse(l).id, withoutTimes(l)]));
  assert.deepEqual(await byId(`${par}/p/results.jsonl`), await byId(`${dir}/results.jsonl`));
});

test("bad study input: unreadable or invalid config files, another config for the same run", async () => {
  const out = await freshPath("badstudy");
  const missing = await cli(["experiment", "--config", "nope.json", "--out", out]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--config: expected a readable JSON file, got "nope.json"/);
  const bad = await cli(["experiment", "--config", "package.json", "--out", out]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /package\.json: [a-z]+: expected one of the known fields/);
  const workers = await cli(["experiment", "--workers", "0", "--out", out]);
  assert.equal(workers.code, 2);
  assert.match(workers.stderr, /--workers: expected an integer in \[1, 256\], got "0"/);
});

test("smoke test: experiment --quick finishes, its report has every section, and its numbers make sense", async (t) => {
  if ((await import("../helpers/env.ts")).IS_DENO) return t.skip("runs once, from the Node side");
  const out = await freshPath("quick");
  const start = performance.now();
  const r = await cli(["experiment", "--quick", "--out", out]);
  assert.equal(r.code, 0, r.stderr);
  const seconds = (performance.now() - start) / 1000;
  const dir = `${out}/quick`;
  const s = JSON.parse(await readFile(`${dir}/summary.json`, "utf8"));
  const erm = s.base.erm;
  // The shortcut helps in distribution and hurts without the feature, and more when it conflicts.
  assert.ok(erm.inDistribution.accuracy.mean > erm.absent.accuracy.mean + 0.2, JSON.stringify(erm));
  assert.ok(erm.absent.accuracy.mean > erm.conflicting.accuracy.mean);
  assert.ok(s.base.clean.accuracy.mean > erm.absent.accuracy.mean, "the clean model beats ERM without the feature");
  assert.ok(s.base.trainAccuracy.mean > 0.9, "spurious data is easy to fit");
  for (const m of s.config.methods) assert.ok(Number.isFinite(s.base.methods[m].accuracy.mean), m);
  const html = await readFile(`${dir}/report.html`, "utf8");
  for (
    const h of ["a. The data", "b. ERM on spurious data", "c. All methods vs ERM", "d. Q1", "e. Q2", "f. Q3", "g. Q4"]
  ) {
    assert.ok(html.includes(h), `section ${h}`);
  }
  // Each conclusion is written from the summary's own numbers (and has no hole in it).
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const expected: Record<string, string[]> = {
    base: [pct(erm.inDistribution.accuracy.mean), pct(erm.absent.accuracy.mean), pct(erm.conflicting.accuracy.mean)],
    strength: [pct(s.strength.byRho[0].erm.mean), `rho ${s.strength.byRho[0].rho}`],
    heldout: [`${s.config.heldoutSizes.at(-1)}`],
    reweighting: [pct(s.reweighting.confidenceAligned.mean), `${s.reweighting.reweightingSetSize} examples`],
    worstGroup: ["afr-wg", "gdro-ll"],
  };
  for (const [key, parts] of Object.entries(expected)) {
    const text: string = s[key].conclusion;
    assert.doesNotMatch(text, /NaN|undefined/, `${key}: ${text}`);
    for (const part of parts) assert.ok(text.includes(part), `${key} conclusion should mention ${part}: ${text}`);
  }
  t.diagnostic(`experiment --quick took ${seconds.toFixed(1)} s`);
});
