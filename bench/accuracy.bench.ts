// Clean MNIST-1D test accuracy with the reference protocol (Adam lr 1e-2, batch 100, 6000 steps,
// sequential batches), 3 seeds per model, against PyTorch trained the same way on the same data in
// the same run (bench/train_torch.py; different initial draws, so compare means, not seeds).
// Run: npm run bench:accuracy [-- --steps N] [-- --model mlp]
import process from "node:process";
import { tfReady } from "../src/tf/backend.ts";
import { evaluate, train } from "../src/tf/trainer.ts";
import { resolveTrainConfig } from "../src/tf/train_config.ts";
import { makeMnist1d } from "../src/data/mnist1d.ts";
import { resolveMnist1dArgs } from "../src/data/mnist1d_args.ts";
import { disposeModel, MODEL_KINDS } from "../src/tf/models.ts";
import { runTorch, torchMissing, writeData } from "./torch_baseline.ts";
import { MNIST1D_CLASSES } from "../src/data/mnist1d_args.ts";

const stepsArg = process.argv.indexOf("--steps");
const steps = stepsArg > 0 ? Number(process.argv[stepsArg + 1]) : 6000;
const only = process.argv.includes("--model") ? [process.argv[process.argv.indexOf("--model") + 1]] : MODEL_KINDS;
const tf = await tfReady();
const ds = await makeMnist1d(resolveMnist1dArgs({}));
const dir = writeData(".tmp/bench-accuracy", ds.x32, ds.y, ds.xTest32, ds.yTest);
const missing = torchMissing();
if (missing) console.log(`${missing}: reporting spurious1d alone`);
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const results: Record<string, unknown> = {};
for (const model of only) {
  const accs: number[] = [];
  const torchAccs: number[] = [];
  const speeds: number[] = [];
  for (const seed of [0, 1, 2]) {
    const cfg = resolveTrainConfig({ model, steps, evalEvery: steps, seed });
    const r = train(tf, { config: cfg, data: { x: ds.x32, y: ds.y, seqLength: 40, numClasses: MNIST1D_CLASSES } });
    accs.push(evaluate(tf, r.model, { x: ds.xTest32, y: ds.yTest }, 40).averageAccuracy);
    speeds.push(r.samplesPerSecond);
    disposeModel(r.model);
    if (!missing) torchAccs.push(runTorch(["accuracy", model, String(seed), String(steps), dir]));
  }
  results[model] = { accuracies: accs, mean: mean(accs), torch: torchAccs, samplesPerSecond: speeds };
  const fmt = (v: number[]) => `${v.map((a) => a.toFixed(3)).join(", ")} (mean ${mean(v).toFixed(3)})`;
  console.log(
    `${model}: spurious1d ${fmt(accs)}` +
      (missing
        ? ""
        : `; PyTorch ${fmt(torchAccs)}; difference ${(100 * (mean(accs) - mean(torchAccs))).toFixed(1)} points`),
  );
}
console.log(JSON.stringify({ steps, results }));
