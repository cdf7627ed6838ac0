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
  // Two models x two strengths x one seed.
  assert.equal((await lines(`${dir}/results.jsonl`)).length, 4);
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
  for (const m of summary.models) {
    assert.ok(
      m.base.erm.inDistribution.accuracy.mean > m.base.erm.conflicting.accuracy.mean,
      `${m.label}: the shortcut hurts on conflicting data`,
    );
  }
  const again = await cli(["experiment", "--config", TINY, "--out", out, "--run", "t"]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /4 already done, 0 to run/);
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
  assert.equal(all.length, 4);
  assert.equal(new Set(all.map((l) => JSON.parse(l).id)).size, 4, "no duplicates");
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
  assert.match(r.stdout, /study \(quick\): 8 cells to run, estimated CPU time \d+ s on one quiet core/);
  const dir = `${out}/quick`;
  const s = JSON.parse(await readFile(`${dir}/summary.json`, "utf8"));
  assert.deepEqual(s.models.map((m: { label: string }) => m.label), s.config.models, "one summary per model");
  const html = await readFile(`${dir}/report.html`, "utf8");
  for (
    const h of ["a. The data", "b. ERM on spurious data", "c. All methods vs ERM", "d. Q1", "e. Q2", "f. Q3", "g. Q4"]
  ) {
    assert.ok(html.includes(h), `section ${h}`);
  }
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  for (const m of s.models) {
    const erm = m.base.erm;
    // The shortcut helps in distribution and hurts without the feature, and more when it conflicts.
    assert.ok(erm.inDistribution.accuracy.mean > erm.absent.accuracy.mean + 0.2, `${m.label}: ${JSON.stringify(erm)}`);
    assert.ok(erm.absent.accuracy.mean > erm.conflicting.accuracy.mean, m.label);
    assert.ok(
      m.base.clean.accuracy.mean > erm.absent.accuracy.mean,
      `${m.label}: the clean model beats ERM without the feature`,
    );
    assert.ok(m.base.trainAccuracy.mean > 0.9, `${m.label}: spurious data is easy to fit`);
    for (const name of Object.keys(s.config.methods)) {
      assert.ok(Number.isFinite(m.base.methods[name].accuracy.mean), `${m.label}: ${name}`);
    }
    // Each conclusion is written from the summary's own numbers (and has no hole in it).
    const expected: [string, string, string[]][] = [
      ["base", m.base.conclusion, [pct(erm.inDistribution.accuracy.mean), pct(erm.absent.accuracy.mean)]],
      ["strength", m.strength.conclusion, [pct(m.strength.byRho[0].erm.mean), `rho ${m.strength.byRho[0].rho}`]],
      ["heldout", m.heldout.conclusion, [`${Math.max(...s.config.heldoutSweep.sizes)} examples`]],
      ["reweighting", m.reweighting.conclusion, [pct(m.reweighting.arms[0].confidenceAligned.mean), "like-training"]],
      ["worstGroup", m.worstGroup.conclusion, s.config.worstGroupMethods.slice(1)],
    ];
    for (const [key, text, parts] of expected) {
      assert.doesNotMatch(text, /NaN|undefined/, `${m.label} ${key}: ${text}`);
      for (const part of parts) assert.ok(text.includes(part), `${m.label} ${key} should mention ${part}: ${text}`);
      assert.ok(
        html.includes(text.slice(0, 40).replaceAll("&", "&amp;").replaceAll("<", "&lt;")),
        `${key} is in the page`,
      );
    }
  }
  // The models' comparison is computed and shown.
  assert.ok(s.comparison.length > 0 && html.includes(s.comparison[0].text.slice(0, 30)));
  t.diagnostic(`experiment --quick took ${seconds.toFixed(1)} s`);
});

test("the full preset prints its cell count and estimated CPU time before it starts", async () => {
  const out = await freshPath("full");
  const c = cliCommand(["experiment", "--preset", "full", "--out", out, "--workers", "1"]);
  const child = spawn(c.cmd, c.args, { stdio: ["ignore", "pipe", "ignore"] });
  let text = "";
  const line = await new Promise<string>((resolve) => {
    child.stdout!.on("data", (chunk: Uint8Array) => {
      text += new TextDecoder().decode(chunk);
      const first = text.split("\n").find((l) => l.startsWith("study (full)"));
      if (first) resolve(first);
    });
    child.once("exit", () => resolve(text));
  });
  child.kill("SIGKILL");
  await new Promise((r) => child.once("exit", r));
  // 5 seeds x 2 models x 2 groupings x (10 strengths of the patch kind + 2 other kinds) = 240.
  assert.match(line, /^study \(full\): 240 cells to run, estimated CPU time [\d.]+ h on one quiet core/);
});
