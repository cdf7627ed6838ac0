// What the report shows of the data itself, computed by the study (the report only draws it): a few
// examples with and without the spurious feature, and t-SNE embeddings of the clean and the
// spurious training sets with each point's label and whether its attribute agrees with the label.
import { makeMnist1d } from "../data/mnist1d.ts";
import { resolveMnist1dArgs } from "../data/mnist1d_args.ts";
import { injectSpurious } from "../data/spurious.ts";
import { resolveAttributeDraw, resolveSpuriousFeature } from "../data/spurious_config.ts";
import { alignedAttribute } from "../data/groups.ts";
import type { StudyConfig } from "./config.ts";
import { tsne } from "./tsne.ts";

/** How many training examples the report draws, each clean and spurious. */
const EXAMPLES = 4;
/** t-SNE perplexity (scikit-learn's default, also tsne()'s). */
export const TSNE_PERPLEXITY = 30;

/** One example sequence, clean or with the feature. */
export interface ExampleView {
  readonly index: number;
  readonly label: number;
  readonly attribute: number;
  readonly variant: "clean" | "spurious";
  readonly values: readonly number[];
}

/** One training example's place in both t-SNE embeddings. */
export interface TsnePoint {
  readonly index: number;
  readonly label: number;
  readonly aligned: boolean;
  readonly clean: readonly [number, number];
  readonly spurious: readonly [number, number];
}

/** The data views of one study: the data only, the same for every model. */
export interface StudyViews {
  readonly kind: string;
  readonly rho: number;
  readonly amplitude: number;
  readonly examples: readonly ExampleView[];
  /** The patch's time window [start, end), when the feature is a patch. */
  readonly window: readonly [number, number] | null;
  readonly tsne: {
    readonly points: readonly TsnePoint[];
    readonly perplexity: number;
    readonly klClean: number;
    readonly klSpurious: number;
    /** Share of conflicting examples whose nearest embedded neighbour also conflicts, per embedding. */
    readonly conflictingNeighbours: { readonly clean: number; readonly spurious: number };
  };
}

/** Share of the flagged points whose nearest other point in a 2-D embedding (x0, y0, x1, ...) is flagged too. */
export function flaggedNeighbourShare(embedding: ArrayLike<number>, flagged: readonly boolean[]): number {
  let hits = 0;
  let count = 0;
  for (let i = 0; i < flagged.length; i++) {
    if (!flagged[i]) continue;
    let best = -1;
    let bestD = Infinity;
    for (let j = 0; j < flagged.length; j++) {
      if (j === i) continue;
      const d = (embedding[2 * i] - embedding[2 * j]) ** 2 + (embedding[2 * i + 1] - embedding[2 * j + 1]) ** 2;
      if (d < bestD) (bestD = d), (best = j);
    }
    count++;
    if (best >= 0 && flagged[best]) hits++;
  }
  return count ? hits / count : NaN;
}

/** Regenerate the default training set, inject the study's feature, and embed both sets with t-SNE. */
export async function studyViews(c: StudyConfig): Promise<StudyViews> {
  const args = resolveMnist1dArgs({});
  const SEQ = args.finalSeqLength;
  const ds = await makeMnist1d(args);
  const feature = resolveSpuriousFeature({ kind: c.kind, amplitude: c.amplitude }, SEQ);
  const spurious = injectSpurious(ds.x, ds.y, SEQ, feature, resolveAttributeDraw({ rho: c.rho, seed: 1 }));
  const row = (x: Float64Array, i: number) => Array.from(x.subarray(i * SEQ, (i + 1) * SEQ));
  const examples: ExampleView[] = [];
  for (let i = 0; i < EXAMPLES; i++) {
    const common = { index: i, label: ds.y[i], attribute: spurious.a[i] };
    examples.push({ ...common, variant: "clean", values: row(ds.x, i) });
    examples.push({ ...common, variant: "spurious", values: row(spurious.x, i) });
  }
  const n = Math.min(c.tsnePoints, ds.y.length);
  const cleanT = tsne(ds.x.subarray(0, n * SEQ), SEQ, { perplexity: TSNE_PERPLEXITY });
  const spurT = tsne(spurious.x.subarray(0, n * SEQ), SEQ, { perplexity: TSNE_PERPLEXITY });
  const points: TsnePoint[] = Array.from({ length: n }, (_, i) => ({
    index: i,
    label: ds.y[i],
    aligned: spurious.a[i] === alignedAttribute(ds.y[i], feature.numAttributes),
    clean: [cleanT.embedding[2 * i], cleanT.embedding[2 * i + 1]],
    spurious: [spurT.embedding[2 * i], spurT.embedding[2 * i + 1]],
  }));
  const conflicting = points.map((p) => !p.aligned);
  return {
    kind: c.kind,
    rho: c.rho,
    amplitude: c.amplitude,
    examples,
    window: c.kind === "patch" ? [feature.windowStart, feature.windowStart + feature.windowWidth] : null,
    tsne: {
      points,
      perplexity: TSNE_PERPLEXITY,
      klClean: cleanT.klDivergence,
      klSpurious: spurT.klDivergence,
      conflictingNeighbours: {
        clean: flaggedNeighbourShare(cleanT.embedding, conflicting),
        spurious: flaggedNeighbourShare(spurT.embedding, conflicting),
      },
    },
  };
}
