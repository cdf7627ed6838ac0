// Clean MNIST-1D accuracy with the reference protocol (Adam lr 1e-2, batch 100, 6000 steps,
// sequential batches), mean of 3 seeds per model. Run: npm run bench:accuracy [-- --steps N].
import process from "node:process";
import { tfReady } from "../src/tf/backend.ts";
import { evaluate, train } from "../src/tf/trainer.ts";
import { resolveTrainConfig } from "../src/tf/train_config.ts";
import { makeMnist1d } from "../src/data/mnist1d.ts";
import { resolveMnist1dArgs } from "../src/data/mnist1d_args.ts";
import { MODEL_KINDS } from "../src/tf/models.ts";

const stepsArg = process.argv.indexOf("--steps");
const steps = stepsArg > 0 ? Number(process.argv[stepsArg + 1]) : 6000;
const only = process.argv.includes("--model") ? [process.argv[process.argv.indexOf("--model") + 1]] : MODEL_KINDS;
const tf = await tfReady();
const ds = await makeMnist1d(resolveMnist1dArgs({}));
const results: Record<string, unknown> = {};
for (const model of only) {
  const accs: number[] = [];
  const speeds: number[] = [];
  for (const seed of [0, 1, 2]) {
    const cfg = resolveTrainConfig({ model, steps, evalEvery: steps, seed });
    const r = train(tf, { config: cfg, data: { x: ds.x32, y: ds.y, seqLength: 40 } });
    accs.push(evaluate(tf, r.model, { x: ds.xTest32, y: ds.yTest }, 40).averageAccuracy);
    speeds.push(r.samplesPerSecond);
    r.model.variables.forEach((v) => v.dispose());
  }
  const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
  results[model] = { accuracies: accs, mean, samplesPerSecond: speeds };
  console.log(
    `${model}: test accuracy ${accs.map((a) => a.toFixed(3)).join(", ")} (mean ${mean.toFixed(3)}), ${
      speeds.map((s) => s.toFixed(0)).join(", ")
    } samples/s`,
  );
}
console.log(JSON.stringify({ steps, results }));
