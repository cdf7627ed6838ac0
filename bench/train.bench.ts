// Training throughput (samples per second) of spurious1d's trainer against stock tfjs-wasm
// model.fit, in the same run, for the MLP and the CNN at batch 100 and 500. The stock numbers come
// from a child process that loads tfjs-wasm without spurious1d's kernel patches.
// Run: npm run bench:train
import process from "node:process";
import { spawn } from "node:child_process";
import { makeMnist1d } from "../src/data/mnist1d.ts";
import { resolveMnist1dArgs } from "../src/data/mnist1d_args.ts";

const IS_DENO = "Deno" in globalThis;
const STEPS = 300;
const RUNS = 5; // timed runs per process (median reported)
const PROCESSES = 3; // fresh processes per configuration: this VM's speed varies between processes

async function data() {
  const ds = await makeMnist1d(resolveMnist1dArgs({}));
  return { x: ds.x32, y: ds.y };
}

/** Stock: tfjs-layers model.fit on unpatched tfjs-wasm (no shuffle, which would use Math.random). */
async function stock(model: string, batch: number): Promise<number | string> {
  const tf = await import("@tensorflow/tfjs");
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  const { wasmBase64 } = await import("../build/wasm/tfjs-backend-wasm-simd.wasm.ts");
  const url = `data:application/wasm;base64,${wasmBase64}`;
  wasm.setWasmPaths({
    "tfjs-backend-wasm.wasm": url,
    "tfjs-backend-wasm-simd.wasm": url,
    "tfjs-backend-wasm-threaded-simd.wasm": url,
  }, true);
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
  await tf.setBackend("wasm");
  const { x, y } = await data();
  const m = tf.sequential();
  if (model === "mlp") {
    m.add(tf.layers.dense({ inputShape: [40], units: 100, activation: "relu" }));
    m.add(tf.layers.dense({ units: 100, activation: "relu" }));
    m.add(tf.layers.dense({ units: 10 }));
  } else {
    m.add(tf.layers.reshape({ inputShape: [40], targetShape: [40, 1] }));
    m.add(tf.layers.conv1d({ filters: 25, kernelSize: 5, strides: 2, padding: "same", activation: "relu" }));
    m.add(tf.layers.conv1d({ filters: 25, kernelSize: 3, strides: 2, padding: "same", activation: "relu" }));
    m.add(tf.layers.conv1d({ filters: 25, kernelSize: 3, strides: 2, padding: "same", activation: "relu" }));
    m.add(tf.layers.flatten());
    m.add(tf.layers.dense({ units: 10 }));
  }
  m.compile({ optimizer: tf.train.adam(0.01), loss: "sparseCategoricalCrossentropy" });
  const n = y.length;
  const xs = tf.tensor2d(x, [n, 40]);
  const ys = tf.tensor1d(Float32Array.from(y));
  const epochs = Math.max(1, Math.round((STEPS * batch) / n));
  try {
    await m.fit(xs, ys, { batchSize: batch, epochs: 1, shuffle: false, verbose: 0 }); // warm-up
    const start = performance.now();
    await m.fit(xs, ys, { batchSize: batch, epochs, shuffle: false, verbose: 0 });
    return (epochs * n) / ((performance.now() - start) / 1000);
  } catch (error) {
    return `fails: ${(error as Error).message.slice(0, 80)}`;
  }
}

/** Ours: the hand-written loop on patched tfjs-wasm. */
async function ours(model: "mlp" | "cnn", batch: number): Promise<number> {
  const { tfReady } = await import("../src/tf/backend.ts");
  const { train } = await import("../src/tf/trainer.ts");
  const { resolveTrainConfig } = await import("../src/tf/train_config.ts");
  const { disposeModel } = await import("../src/tf/models.ts");
  const tf = await tfReady();
  const { x, y } = await data();
  const cfg = resolveTrainConfig({ model, batchSize: batch, steps: STEPS, evalEvery: STEPS });
  disposeModel(train(tf, { config: { ...cfg, steps: 100 }, data: { x, y, seqLength: 40 } }).model); // warm-up
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = train(tf, { config: cfg, data: { x, y, seqLength: 40 } });
    disposeModel(r.model);
    runs.push(r.samplesPerSecond);
  }
  return median(runs);
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function child(args: string[]): Promise<string> {
  const cmd = IS_DENO
    ? [process.execPath, ["run", "--allow-read", "--allow-env", "--allow-sys", "bench/train.bench.ts", ...args]]
    : [process.execPath, ["build/js/bench/train.bench.js", ...args]];
  return new Promise((resolve, reject) => {
    const c = spawn(cmd[0] as string, cmd[1] as string[], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    c.stdout.on("data", (d: Uint8Array) => (out += new TextDecoder().decode(d)));
    c.on(
      "close",
      (code) => (code === 0 ? resolve(out.trim().split("\n").pop()!) : reject(new Error(`child exited ${code}`))),
    );
  });
}

if (process.argv.includes("--child")) {
  const [which, model, batch] = process.argv.slice(process.argv.indexOf("--child") + 1);
  const v = which === "stock" ? await stock(model, Number(batch)) : await ours(model as "mlp" | "cnn", Number(batch));
  console.log(JSON.stringify(v));
  process.exit(0);
}

console.log(
  `training throughput on ${IS_DENO ? "deno" : `node ${process.version}`}, one thread, ${STEPS} steps, ` +
    `median of ${RUNS} runs in each of ${PROCESSES} processes`,
);
const results: Record<string, unknown> = {};
for (const model of ["mlp", "cnn"]) {
  for (const batch of [100, 500]) {
    const stockRuns: (number | string)[] = [];
    const oursRuns: number[] = [];
    for (let p = 0; p < PROCESSES; p++) {
      stockRuns.push(JSON.parse(await child(["--child", "stock", model, String(batch)])));
      oursRuns.push(JSON.parse(await child(["--child", "ours", model, String(batch)])));
    }
    const numeric = stockRuns.filter((v): v is number => typeof v === "number");
    const s = numeric.length === stockRuns.length
      ? median(numeric)
      : String(stockRuns.find((v) => typeof v === "string"));
    const o = median(oursRuns);
    const ratio = typeof s === "number" ? `${(o / s).toFixed(1)}x` : "stock cannot train it";
    results[`${model}_b${batch}`] = { stock: s, ours: o, stockRuns, oursRuns };
    const range = (v: number[]) => `${Math.min(...v).toFixed(0)}-${Math.max(...v).toFixed(0)}`;
    console.log(
      `${model} batch ${batch}: stock model.fit ${
        typeof s === "number" ? `${s.toFixed(0)} (${range(numeric)})` : s
      }; ` +
        `spurious1d ${o.toFixed(0)} (${range(oursRuns)}) samples/s (${ratio})`,
    );
  }
}
console.log(JSON.stringify(results));
