// sha256 fingerprints of everything the toolkit computes from a seed, for comparing runtimes.
// Run directly (deno run / node) it prints them as JSON.
import process from "node:process";
import { makeMnist1d } from "../../src/data/mnist1d.ts";
import { resolveMnist1dArgs } from "../../src/data/mnist1d_args.ts";
import { injectSpurious } from "../../src/data/spurious.ts";
import { resolveAttributeDraw, resolveSpuriousFeature } from "../../src/data/spurious_config.ts";
import { groupMetrics } from "../../src/metrics/group_metrics.ts";
import { sha256 } from "./hash.ts";
import { tfReady } from "../../src/tf/backend.ts";
import { train } from "../../src/tf/trainer.ts";
import { resolveTrainConfig } from "../../src/tf/train_config.ts";
import { disposeModel, snapshot } from "../../src/tf/models.ts";
import { tsne } from "../../src/study/tsne.ts";
import { buildFigures } from "../../src/report/report.ts";
import { fakeSummary, fakeViews } from "../report/fixture.ts";
import { MNIST1D_CLASSES } from "../../src/data/mnist1d_args.ts";
import { HeadAdam } from "../../src/lastlayer/head_adam.ts";

/** Hashes of a generated dataset, three injections (one per kind, with noise and jitter) and metrics. */
export async function fingerprints(): Promise<Record<string, string>> {
  const ds = await makeMnist1d(resolveMnist1dArgs({ numSamples: 3000, seed: 17, shuffleSeq: true }));
  const out: Record<string, string> = {
    x: sha256(ds.x),
    xTest: sha256(ds.xTest),
    t: sha256(ds.t),
    x32: sha256(ds.x32),
  };
  for (const kind of ["patch", "frequency", "offset"] as const) {
    const feature = resolveSpuriousFeature({ kind, noise: 0.3, jitter: 2, windowStart: 5, featureSeed: 3 }, 40);
    const s = injectSpurious(ds.x, ds.y, 40, feature, resolveAttributeDraw({ rho: 0.8, seed: 9 }));
    out[`inject_${kind}`] = sha256(s.x);
    out[`attributes_${kind}`] = sha256(s.a);
  }
  const logits = new Float32Array(ds.y.length * 10).map((_, i) => ds.x32[i % ds.x32.length] * 3);
  const m = groupMetrics({ labels: ds.y, groups: ds.y, numGroups: 10, numClasses: 10, logits });
  out.tsne = sha256(tsne(ds.x.subarray(0, 300 * 40), 40, { iterations: 300 }).embedding);
  const summary = fakeSummary();
  const figures = await buildFigures(summary, fakeViews(summary.config, 300));
  out.reportSvg = sha256(new TextEncoder().encode(figures.map((f) => f.svg).join("\n")));
  out.metrics = sha256(Float64Array.from([m.averageAccuracy, m.worstGroupAccuracy, m.meanLoss!, m.ece!]));
  // Last-layer Adam in WebAssembly (AFR's and Group DRO's loop): heads, group weights, predictions.
  const rows = 500;
  const fast = new HeadAdam(
    ds.x32.subarray(0, rows * 40),
    ds.y.subarray(0, rows),
    40,
    10,
    ds.x32.subarray(0, 300 * 40),
  );
  const start = { W: new Float64Array(400), b: new Float64Array(10) };
  fast.setWeights(new Float64Array(rows).fill(1 / rows));
  out.headAdam = sha256(fast.run(start, { steps: 30, learningRate: 0.01, lambda: 0.1, anchor: start }).W);
  fast.setGroups(ds.y.subarray(0, rows), 10);
  out.headAdamGroups = sha256(fast.run(start, { steps: 30, learningRate: 0.01, eta: 1 }).W);
  out.headAdamQ = sha256(fast.groupWeights());
  out.headAdamPredictions = sha256(fast.predictEval());
  // The same read compressed (rectified features, as embeddings after a ReLU).
  const relu = ds.x32.subarray(0, rows * 40).map((v) => Math.max(v, 0));
  const sparse = new HeadAdam(relu, ds.y.subarray(0, rows), 40, 10, relu, "sparse");
  sparse.setGroups(ds.y.subarray(0, rows), 10);
  out.headAdamSparse = sha256(sparse.run(start, { steps: 30, learningRate: 0.01, eta: 1 }).W);
  out.headAdamSparsePredictions = sha256(sparse.predictEval());
  // Training: weights after a few steps of each model (tfjs-wasm kernels and ours, Adam and SGD).
  const tf = await tfReady();
  for (const model of ["linear", "mlp", "cnn"] as const) {
    for (const optimizer of ["adam", "sgd"] as const) {
      const cfg = resolveTrainConfig({
        model,
        optimizer,
        steps: 15,
        batchSize: 64,
        batchOrder: "shuffled",
        seed: 5,
        weightDecay: 1e-3,
      });
      const r = train(tf, { config: cfg, data: { x: ds.x32, y: ds.y, seqLength: 40, numClasses: MNIST1D_CLASSES } });
      out[`train_${model}_${optimizer}`] = sha256(Float32Array.from(snapshot(r.model).flatMap((v) => Array.from(v))));
      disposeModel(r.model);
    }
  }
  return out;
}

if (process.argv.some((a) => a.endsWith("fingerprint.ts") || a.endsWith("fingerprint.js"))) {
  console.log(JSON.stringify(await fingerprints()));
}
