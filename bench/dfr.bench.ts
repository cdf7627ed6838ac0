// DFR against the published DFR in scikit-learn (liblinear, L1, one-vs-rest; bench/dfr_sklearn.py),
// in the same run and alternating, on real ERM embeddings of the study's held-out set (MLP and CNN,
// 5,000 examples, 20 coarse groups; bench/study_embeddings.ts), the published C grid and 20 refits
// (timed without the grid extension, as published; then once more with it).
// Then one timed run of every other last-layer method on the same embeddings.
// Run: taskset -c 1 node build/js/bench/dfr.bench.js [SEEDS]   (npm run bench:dfr)
// Without scikit-learn (Debian: apt-get install python3-sklearn) the baseline is skipped and said so.
import { spawnSync } from "node:child_process";
import process from "node:process";
import { embeddingTask, runOnEmbeddings } from "../src/methods/embedding_task.ts";
import { tfReady } from "../src/tf/backend.ts";
import { readArrays, studyEmbeddings } from "./study_embeddings.ts";

const PYTHON = "/usr/bin/python3";
const seeds = Number(process.argv[2] ?? 3);
const tf = await tfReady();
const hasSklearn = spawnSync(PYTHON, ["-c", "import sklearn"], { stdio: "ignore" }).status === 0;
if (!hasSklearn) {
  console.log(
    `scikit-learn is missing (${PYTHON} cannot import sklearn): apt-get install python3-sklearn; baseline skipped`,
  );
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const sd = (v: number[]) => Math.sqrt(mean(v.map((x) => (x - mean(v)) ** 2)));
const pct = (v: number[]) => `${(100 * mean(v)).toFixed(1)} ± ${(100 * sd(v)).toFixed(1)}%`;

for (const model of ["mlp", "cnn"] as const) {
  const dir = await studyEmbeddings(tf, model);
  const arrays = readArrays(dir);
  const ours: { seconds: number; wga: number; C: number }[] = [];
  const theirs: { seconds: number; wga: number; C: number }[] = [];
  const extended: { seconds: number; wga: number; C: number }[] = [];
  for (let seed = 0; seed < seeds; seed++) {
    if (hasSklearn) {
      const p = spawnSync(PYTHON, ["bench/dfr_sklearn.py", dir, String(seed)], { encoding: "utf8" });
      if (p.status !== 0) throw new Error(`dfr_sklearn.py failed: ${p.stderr}`);
      const r = JSON.parse(p.stdout.trim());
      theirs.push({ seconds: r.seconds, wga: r.worstGroupAccuracy, C: r.C });
    }
    const task = embeddingTask(tf, arrays, { seed });
    // The published grid as published (no extension) for the comparison; then with the extension.
    const r = runOnEmbeddings(task, "dfr", { extendGrid: 0 });
    const x = runOnEmbeddings(task, "dfr");
    task.dispose();
    ours.push({ seconds: r.seconds, wga: r.test.worstGroupAccuracy, C: r.selected.C });
    extended.push({ seconds: x.seconds, wga: x.test.worstGroupAccuracy, C: x.selected.C });
    console.log(
      `${model} seed ${seed}: spurious1d ${r.seconds.toFixed(2)} s (C ${r.selected.C}, edge ${r.selected.gridEdge}, ` +
        `WGA ${(100 * r.test.worstGroupAccuracy).toFixed(1)}%; grid extended: ${
          x.seconds.toFixed(2)
        } s, C ${x.selected.C}, ` +
        `WGA ${(100 * x.test.worstGroupAccuracy).toFixed(1)}%)` +
        (hasSklearn
          ? `; sklearn ${theirs[seed].seconds.toFixed(2)} s (C ${theirs[seed].C}, WGA ${
            (100 * theirs[seed].wga).toFixed(1)
          }%)`
          : ""),
    );
  }
  const line = [
    `${model}: DFR (published grid, 20 refits) median ${median(ours.map((r) => r.seconds)).toFixed(2)} s`,
    `WGA ${pct(ours.map((r) => r.wga))}`,
    `with the grid extended: median ${median(extended.map((r) => r.seconds)).toFixed(2)} s, WGA ${
      pct(extended.map((r) => r.wga))
    }`,
  ];
  if (hasSklearn) {
    const ratio = median(theirs.map((r) => r.seconds)) / median(ours.map((r) => r.seconds));
    line.push(
      `sklearn median ${median(theirs.map((r) => r.seconds)).toFixed(2)} s, WGA ${pct(theirs.map((r) => r.wga))}`,
      `ratio ${ratio.toFixed(2)}x`,
    );
  }
  console.log(line.join("; "));
  // One run of every other last-layer method (defaults), for per-run times.
  const task = embeddingTask(tf, arrays, { seed: 0 });
  for (const name of ["afr", "afr-wg", "gdro-ll", "probe"]) {
    const r = runOnEmbeddings(task, name);
    console.log(
      `${model} ${name}: ${r.seconds.toFixed(2)} s, WGA ${(100 * r.test.worstGroupAccuracy).toFixed(1)}%, selected ${
        JSON.stringify(r.selected)
      }`,
    );
  }
  task.dispose();
}
