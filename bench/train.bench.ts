// Training throughput (samples per second) of spurious1d's trainer against PyTorch on one thread,
// in the same run: for each model and batch size, PAIRS alternating pairs of fresh processes (one
// PyTorch, one ours, who goes first alternating), both pinned to the same core with taskset. Each
// process warms up for 100 steps, then reports the median of RUNS timed runs of the reference's
// loop (Adam 1e-2, sequential batches). The table gives medians over the pairs and their ratio.
// Then the MLP's prediction speed (logits of 200,000 rows) against PyTorch's forward pass.
// Run: npm run bench:train [-- --pairs N] [-- --model mlp] [-- --batch 100]
import process from "node:process";
import { spawnSync } from "node:child_process";
import { makeMnist1d } from "../src/data/mnist1d.ts";
import { resolveMnist1dArgs } from "../src/data/mnist1d_args.ts";
import { CAN_PIN, CORE, pinned, runTorch, torchMissing, torchVersion, writeData } from "./torch_baseline.ts";
import { MNIST1D_CLASSES } from "../src/data/mnist1d_args.ts";

const IS_DENO = "Deno" in globalThis;
const RUNS = 3; // timed runs per process (median reported)
const SAMPLES = 100_000; // per timed run: 1,000 steps at batch 100, 200 at batch 500
const DATA_DIR = ".tmp/bench-train";
const PREDICT_ROWS = 200_000;

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Ours, in a child process: warm-up, then the median of RUNS timed runs. */
async function ours(model: "mlp" | "cnn" | "linear", batch: number, steps: number): Promise<number> {
  const { tfReady } = await import("../src/tf/backend.ts");
  const { train } = await import("../src/tf/trainer.ts");
  const { resolveTrainConfig } = await import("../src/tf/train_config.ts");
  const { disposeModel } = await import("../src/tf/models.ts");
  const tf = await tfReady();
  const ds = await makeMnist1d(resolveMnist1dArgs({}));
  const data = { x: ds.x32, y: ds.y, seqLength: 40, numClasses: MNIST1D_CLASSES };
  const config = resolveTrainConfig({ model, batchSize: batch, steps, evalEvery: steps });
  disposeModel(train(tf, { config: { ...config, steps: 100 }, data }).model); // warm-up
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = train(tf, { config, data });
    disposeModel(r.model);
    runs.push(r.samplesPerSecond);
  }
  return median(runs);
}

/** Ours, in a child process: the median samples/s of RUNS predictions of PREDICT_ROWS rows' logits. */
async function oursPredict(model: "mlp" | "cnn" | "linear"): Promise<number> {
  const { tfReady } = await import("../src/tf/backend.ts");
  const { predictLogits } = await import("../src/tf/trainer.ts");
  const { createModel, disposeModel } = await import("../src/tf/models.ts");
  const { TRAIN_DEFAULTS } = await import("../src/tf/train_config.ts");
  const tf = await tfReady();
  const ds = await makeMnist1d(resolveMnist1dArgs({}));
  const x = new Float32Array(PREDICT_ROWS * 40).map((_, i) => ds.x32[i % ds.x32.length]);
  const m = createModel(tf, model, 0, 40, 10, TRAIN_DEFAULTS);
  predictLogits(tf, m, x.subarray(0, 4096 * 40), 40); // warm-up
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    predictLogits(tf, m, x, 40);
    runs.push(PREDICT_ROWS / ((performance.now() - start) / 1000));
  }
  disposeModel(m);
  return median(runs);
}

function oursInChild(model: string, batch: number, steps: number): number {
  const args = batch ? ["--child", model, String(batch), String(steps)] : ["--predict-child", model];
  const [cmd, argv] = IS_DENO
    ? pinned(process.execPath, ["run", "--allow-read", "--allow-env", "--allow-sys", "bench/train.bench.ts", ...args])
    : pinned(process.execPath, ["build/js/bench/train.bench.js", ...args]);
  const r = spawnSync(cmd, argv, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`our child failed: ${r.stderr.slice(-400)}`);
  return Number(r.stdout.trim().split("\n").pop());
}

if (process.argv.includes("--predict-child")) {
  console.log(await oursPredict(process.argv[process.argv.indexOf("--predict-child") + 1] as "mlp"));
  process.exit(0);
}
if (process.argv.includes("--child")) {
  const [model, batch, steps] = process.argv.slice(process.argv.indexOf("--child") + 1);
  console.log(await ours(model as "mlp" | "cnn" | "linear", Number(batch), Number(steps)));
  process.exit(0);
}

const pairs = Number(flag("--pairs") ?? 3);
const models = flag("--model") ? [flag("--model")!] : ["mlp", "cnn", "linear"];
const batches = flag("--batch") ? [Number(flag("--batch"))] : [100, 500];
const missing = torchMissing();
const ds = await makeMnist1d(resolveMnist1dArgs({}));
writeData(DATA_DIR, ds.x32, ds.y, ds.xTest32, ds.yTest);
console.log(
  `training throughput, samples/s: ${IS_DENO ? "deno" : `node ${process.version}`} against ` +
    `${missing ? "no PyTorch" : `PyTorch ${torchVersion()}`}, one thread each, ` +
    `${CAN_PIN ? `both pinned to core ${CORE}` : "not pinned (no taskset)"}; ${pairs} alternating pairs of ` +
    `processes, each the median of ${RUNS} timed runs of ${SAMPLES} samples`,
);
if (missing) console.log(`${missing}: reporting spurious1d alone, without ratios`);
const range = (v: number[]) => `${(Math.min(...v) / 1000).toFixed(1)}k-${(Math.max(...v) / 1000).toFixed(1)}k`;
const results: Record<string, unknown> = {};
for (const model of models) {
  for (const batch of batches) {
    const steps = Math.round(SAMPLES / batch);
    const torchRuns: number[] = [];
    const oursRuns: number[] = [];
    for (let p = 0; p < pairs; p++) {
      const torch = () =>
        !missing && torchRuns.push(runTorch(["speed", model, String(batch), String(steps), String(RUNS), DATA_DIR]));
      const mine = () => oursRuns.push(oursInChild(model, batch, steps));
      if (p % 2) [mine(), torch()];
      else [torch(), mine()];
    }
    const o = median(oursRuns);
    const line = `${model} batch ${batch}: spurious1d ${(o / 1000).toFixed(1)}k (${range(oursRuns)})`;
    if (missing) {
      console.log(line);
      results[`${model}_b${batch}`] = { ours: o, oursRuns };
      continue;
    }
    const t = median(torchRuns);
    const pairRatios = oursRuns.map((v, i) => v / torchRuns[i]);
    console.log(
      `${line}, PyTorch ${(t / 1000).toFixed(1)}k (${range(torchRuns)}): ${(o / t).toFixed(2)}x ` +
        `(pairs ${Math.min(...pairRatios).toFixed(2)}-${Math.max(...pairRatios).toFixed(2)}x)`,
    );
    results[`${model}_b${batch}`] = { ours: o, torch: t, ratio: o / t, oursRuns, torchRuns, pairRatios };
  }
}
// Prediction (evaluation and embeddings): the MLP's logits, PyTorch's forward under no_grad.
if (!flag("--model") || flag("--model") === "mlp") {
  const torchRuns: number[] = [];
  const oursRuns: number[] = [];
  for (let p = 0; p < pairs; p++) {
    if (!missing) torchRuns.push(runTorch(["predict", "mlp", String(PREDICT_ROWS), String(RUNS), DATA_DIR]));
    oursRuns.push(oursInChild("mlp", 0, 0));
  }
  const o = median(oursRuns);
  const t = missing ? NaN : median(torchRuns);
  console.log(
    `mlp predict (${PREDICT_ROWS} rows' logits): spurious1d ${(o / 1e6).toFixed(2)}M (${range(oursRuns)})` +
      (missing ? "" : `, PyTorch ${(t / 1e6).toFixed(2)}M (${range(torchRuns)}): ${(o / t).toFixed(2)}x`),
  );
  results.mlp_predict = { ours: o, torch: t, oursRuns, torchRuns };
}
console.log(JSON.stringify(results));
