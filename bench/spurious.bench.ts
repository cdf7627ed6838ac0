// Injection and group metrics against straightforward TypeScript loops, in the same run:
// injecting a patch into 1,000,000 examples, and group metrics over 10,000,000 predictions.
// Run: npm run bench:spurious (Node) or npx deno task bench:spurious.
import process from "node:process";
import { makeMnist1d } from "../src/data/mnist1d.ts";
import { resolveMnist1dArgs } from "../src/data/mnist1d_args.ts";
import { drawAttributes, injectSpurious, patchCodes } from "../src/data/spurious.ts";
import { resolveAttributeDraw, resolveSpuriousFeature } from "../src/data/spurious_config.ts";
import { groupMetrics } from "../src/metrics/group_metrics.ts";
import { plainGroupMetrics } from "../test/helpers/plain_metrics.ts";

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timeIt(runs: number, fn: () => void): number {
  fn(); // warm-up (V8 tiers the code up)
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    times.push((performance.now() - start) / 1000);
  }
  return median(times);
}

const runtime = "Deno" in globalThis ? `deno ${process.versions.deno}` : `node ${process.version}`;
console.log(`injection and metrics benchmark on ${runtime}`);
const results: Record<string, unknown> = { runtime };

// --- Injection: 1M examples, the default patch feature, aligned with rho 0.95.
{
  const n = 1_000_000;
  const ds = await makeMnist1d(resolveMnist1dArgs({ numSamples: n, trainSplit: 0.5 }));
  const x = new Float64Array(n * 40);
  x.set(ds.x);
  x.set(ds.xTest, ds.x.length);
  const y = new Int32Array(n);
  y.set(ds.y);
  y.set(ds.yTest, ds.y.length);
  const feature = resolveSpuriousFeature({}, 40);
  const draw = resolveAttributeDraw({ seed: 1 });
  const codes = patchCodes(feature);
  const reused = new Float64Array(x.length);
  const fresh = timeIt(3, () => void injectSpurious(x, y, 40, feature, draw));
  const into = timeIt(3, () => void injectSpurious(x, y, 40, feature, draw, { into: reused }));
  // The straightforward loop: attributes drawn the same way, then a copy with the code added.
  const plain = (out: Float64Array) => {
    const a = drawAttributes(y, 10, draw);
    out.set(x);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < feature.windowWidth; j++) {
        out[i * 40 + feature.windowStart + j] += feature.amplitude * codes[a[i] * feature.windowWidth + j];
      }
    }
  };
  const plainFresh = timeIt(3, () => plain(new Float64Array(x.length)));
  const plainInto = timeIt(3, () => plain(reused));
  results.inject1M = { fresh, into, plainFresh, plainInto };
  console.log(`inject 1M (new output array): ${fresh.toFixed(3)} s; TS loop ${plainFresh.toFixed(3)} s`);
  console.log(`inject 1M (into a reused array): ${into.toFixed(3)} s; TS loop ${plainInto.toFixed(3)} s`);
}

// --- Metrics: 10M predictions, 10 classes, 100 groups.
{
  const n = 10_000_000;
  const c = 10;
  const labels = new Int32Array(n);
  const groups = new Int32Array(n);
  const predictions = new Int32Array(n);
  const logits = new Float32Array(n * c);
  let s = 12345;
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32; // a fixed LCG: inputs only
  for (let i = 0; i < n; i++) {
    labels[i] = i % c;
    groups[i] = (i * 7) % 100;
    predictions[i] = next() < 0.8 ? labels[i] : Math.floor(next() * c);
  }
  for (let i = 0; i < logits.length; i++) logits[i] = next() * 8 - 4;
  const ours = timeIt(3, () => void groupMetrics({ labels, groups, numGroups: 100, numClasses: c, predictions }));
  const plain = timeIt(3, () => void plainGroupMetrics(labels, groups, 100, c, undefined, predictions));
  const oursLogits = timeIt(3, () => void groupMetrics({ labels, groups, numGroups: 100, numClasses: c, logits }));
  const plainLogits = timeIt(3, () => void plainGroupMetrics(labels, groups, 100, c, logits));
  results.metrics10M = {
    predictions: { ours, plain, speedup: plain / ours },
    logits: { ours: oursLogits, plain: plainLogits, speedup: plainLogits / oursLogits },
  };
  console.log(
    `metrics 10M from labels: ${ours.toFixed(3)} s; TS loop ${plain.toFixed(3)} s; ${(plain / ours).toFixed(1)}x`,
  );
  console.log(
    `metrics 10M from logits (loss, ECE): ${oursLogits.toFixed(3)} s; TS loop ${plainLogits.toFixed(3)} s; ${
      (plainLogits / oursLogits).toFixed(1)
    }x`,
  );
}
console.log(JSON.stringify(results));
