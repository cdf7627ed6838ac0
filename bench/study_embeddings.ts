// Real ERM embeddings for the last-layer benchmarks: the study's base cell (default config, rho 0.95,
// amplitude 1, seed 0, coarse groups), its ERM model trained as the study trains it, and every split's
// embeddings, labels and groups plus ERM's head, written as the .npy files `spurious1d lastlayer` reads.
// Cached under .tmp/lastlayer-bench/MODEL (delete the folder to retrain).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TF } from "../src/tf/tf_type.ts";
import { makeSplit, type SplitSpec } from "../src/data/splits.ts";
import { resolveSpuriousFeature } from "../src/data/spurious_config.ts";
import { decodeNpy, encodeNpy, int64Of, type NpyArray } from "../src/data/npy.ts";
import { OPTIONAL_ARRAYS, REQUIRED_ARRAYS } from "../src/methods/embedding_task.ts";
import { makeContext } from "../src/methods/context.ts";
import { resolveTrainConfig } from "../src/tf/train_config.ts";
import { disposeModel, type ModelKind } from "../src/tf/models.ts";
import { deriveSeed } from "../src/random/draws.ts";
import { STUDY_DEFAULTS } from "../src/study/config.ts";

/** Write (or reuse) the embeddings of the study's base cell for `model`; returns the folder. */
export async function studyEmbeddings(tf: TF, model: ModelKind, root = ".tmp/lastlayer-bench"): Promise<string> {
  const dir = join(root, model);
  if (existsSync(join(dir, "head_b.npy"))) return dir;
  const c = STUDY_DEFAULTS;
  const seed = (k: number) => deriveSeed(0, k);
  const feature = resolveSpuriousFeature({ kind: c.kind, amplitude: c.amplitude, featureSeed: seed(1) }, 40);
  const spec = (
    dataSeed: number,
    numSamples: number,
    part: SplitSpec["part"],
    mode: "aligned" | "random" | "absent",
    s: number,
  ): SplitSpec => ({
    dataSeed,
    numSamples,
    part,
    attributes: { mode, rho: c.rho, exact: false, seed: s },
  });
  const splits = {
    train: await makeSplit(spec(42, 5000, "train", "aligned", seed(2)), {}, feature),
    heldout: await makeSplit(spec(seed(3), 5000, "all", "random", seed(4)), {}, feature),
    val: await makeSplit(spec(seed(5), 5000, "all", "random", seed(6)), {}, feature),
    test: await makeSplit(spec(seed(7), c.testSize, "all", "absent", seed(8)), {}, feature),
  };
  const training = resolveTrainConfig({ model, steps: c.steps, evalEvery: c.steps, seed: seed(9) });
  const ctx = makeContext(tf, splits, training, c.groupings[0]);
  mkdirSync(dir, { recursive: true });
  const d = ctx.erm.embeddingSize;
  const save = (name: string, bytes: Uint8Array) => writeFileSync(join(dir, `${name}.npy`), bytes);
  for (const s of ["train", "heldout", "val", "test"] as const) {
    const x = ctx.embeddings(s);
    save(`${s}_x`, encodeNpy({ dtype: "<f4", shape: [x.length / d, d], data: x }));
    save(`${s}_y`, encodeNpy({ dtype: "<i8", shape: [splits[s].y.length], data: int64Of(splits[s].y) }));
    save(`${s}_g`, encodeNpy({ dtype: "<i8", shape: [splits[s].y.length], data: int64Of(ctx.groups(s)) }));
  }
  const W = Float32Array.from(ctx.erm.head.W.dataSync());
  save("head_w", encodeNpy({ dtype: "<f4", shape: [d, ctx.numClasses], data: W }));
  save(
    "head_b",
    encodeNpy({ dtype: "<f4", shape: [ctx.numClasses], data: Float32Array.from(ctx.erm.head.b.dataSync()) }),
  );
  disposeModel(ctx.erm);
  return dir;
}

/** Every .npy array a folder of embeddings holds, by name (the optional ones only where present). */
export function readArrays(dir: string): Map<string, NpyArray> {
  const out = new Map<string, NpyArray>();
  for (const name of [...REQUIRED_ARRAYS, ...OPTIONAL_ARRAYS]) {
    const path = join(dir, `${name}.npy`);
    if (existsSync(path)) out.set(name, decodeNpy(new Uint8Array(readFileSync(path)), name));
  }
  return out;
}
