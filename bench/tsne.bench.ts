// Barnes-Hut t-SNE on the default MNIST-1D (all 5,000 examples x 40), sklearn 1.2's defaults.
// Targets (from the issue): no slower than sklearn 1.2's Barnes-Hut here (26 s on one thread) and a final
// KL divergence within 5% of sklearn's (2.449). Run: npm run bench:tsne
import { tsne } from "../src/study/tsne.ts";
import { makeMnist1d } from "../src/data/mnist1d.ts";
import { resolveMnist1dArgs } from "../src/data/mnist1d_args.ts";

const ds = await makeMnist1d(resolveMnist1dArgs({}));
const x = new Float64Array(5000 * 40);
x.set(ds.x);
x.set(ds.xTest, ds.x.length);
const start = performance.now();
const r = tsne(x, 40);
const seconds = (performance.now() - start) / 1000;
const gap = (r.klDivergence - 2.449) / 2.449;
console.log(
  `t-SNE 5000 x 40: ${seconds.toFixed(1)} s (sklearn: 26 s); KL ${r.klDivergence.toFixed(4)} (sklearn: 2.449, ${
    (100 * gap).toFixed(1)
  }%)`,
);
console.log(JSON.stringify({ seconds, klDivergence: r.klDivergence }));
