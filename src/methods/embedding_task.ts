// Last-layer methods on any model's embeddings: validate arrays (as read from .npy files) into a
// MethodContext whose "model" is a linear head on the embeddings themselves, run one method, and
// score it on the test split. The `lastlayer` command wraps this; it touches no files.
import type { Selection } from "./selection.ts";
import { TRAIN_DEFAULTS } from "../tf/train_config.ts";
import { ConfigError } from "../config/errors.ts";
import type { NpyArray } from "../data/npy.ts";
import type { Split, SplitName } from "../data/splits.ts";
import { groupMetrics } from "../metrics/group_metrics.ts";
import type { TF } from "../tf/tf_type.ts";
import { createModel, disposeModel, restore } from "../tf/models.ts";
import { resolveTrainConfig } from "../tf/train_config.ts";
import { getMethod } from "./registry.ts";
import { resolveHyperparameters } from "./params.ts";
import type { Method, MethodContext } from "./types.ts";

/** The methods that need nothing but embeddings (and, for some, ERM's head). */
export const LAST_LAYER_METHODS = [
  "dfr",
  "dfr-tr",
  "afr",
  "afr-wg",
  "gdro-ll",
  "probe",
  "cb-llr",
  "self",
  "evals",
  "dpe",
  "logit-scale",
] as const;

/** Methods that start from ERM's head or rank and select by its predictions (so need head_w.npy and head_b.npy). */
const NEEDS_HEAD = new Set(["afr", "afr-wg", "gdro-ll", "cb-llr", "self", "evals", "logit-scale"]);

/** Where group ids come from: the *_g arrays, or the labels (classes as groups). */
export type EmbeddingGrouping = "groups" | "classes";

/** The files a task reads, by name without .npy. */
export const REQUIRED_ARRAYS = ["heldout_x", "heldout_y", "heldout_g", "test_x", "test_y", "test_g"] as const;
export const OPTIONAL_ARRAYS = [
  "train_x",
  "train_y",
  "train_g",
  "val_x",
  "val_y",
  "val_g",
  "head_w",
  "head_b",
] as const;

/** A validated task: the context methods run in, plus what was assumed. */
export interface EmbeddingTask {
  readonly ctx: MethodContext;
  readonly embeddingSize: number;
  readonly hasHead: boolean;
  /** Assumptions made (for example: no val_* files, so selection uses the held-out set). */
  readonly notes: readonly string[];
  /** Free the head's tensors. */
  dispose(): void;
}

/** The method called `name` if it is a last-layer method; a ConfigError naming the choices otherwise. */
export function lastLayerMethod(name: string): Method {
  if (!(LAST_LAYER_METHODS as readonly string[]).includes(name)) {
    throw new ConfigError("method", `one of ${LAST_LAYER_METHODS.join(", ")}`, name);
  }
  return getMethod(name)!;
}

function floats(name: string, a: NpyArray | undefined, d?: number): { x: Float32Array; rows: number; d: number } {
  if (!a) throw new ConfigError(`${name}.npy`, "a file in the data folder", undefined);
  if (a.dtype !== "<f4" && a.dtype !== "<f8") throw new ConfigError(`${name}.npy`, "float32 or float64", a.dtype);
  if (a.shape.length !== 2) throw new ConfigError(`${name}.npy`, "a 2-D array (examples x features)", a.shape);
  const [rows, cols] = a.shape;
  if (d !== undefined && cols !== d) {
    throw new ConfigError(`${name}.npy`, `${d} columns (as heldout_x.npy)`, `shape [${a.shape}]`);
  }
  if (rows === 0 || cols === 0) throw new ConfigError(`${name}.npy`, "at least one row and one column", a.shape);
  const data = a.data as Float32Array | Float64Array;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new ConfigError(
        `${name}.npy`,
        "finite values",
        `${data[i]} at row ${Math.floor(i / cols)}, column ${i % cols}`,
      );
    }
  }
  return { x: data instanceof Float32Array ? data : Float32Array.from(data), rows, d: cols };
}

function ints(name: string, a: NpyArray | undefined, rows: number): Int32Array {
  if (!a) throw new ConfigError(`${name}.npy`, "a file in the data folder", undefined);
  if (a.dtype !== "<i4" && a.dtype !== "<i8") throw new ConfigError(`${name}.npy`, "int32 or int64", a.dtype);
  if (a.shape.length !== 1 || a.shape[0] !== rows) {
    const x = `${name.slice(0, name.lastIndexOf("_"))}_x.npy`;
    throw new ConfigError(`${name}.npy`, `a 1-D array of ${rows} values (one per row of ${x})`, `shape [${a.shape}]`);
  }
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const v = Number(a.data[i]);
    if (v < 0 || v > 0x7fffffff) throw new ConfigError(`${name}.npy`, "values >= 0", `${v} at index ${i}`);
    out[i] = v;
  }
  return out;
}

/**
 * Validate the arrays into a task. Errors (ConfigError, naming the file) for: a missing required
 * file, wrong dtypes or shapes, non-finite features, labels outside 0..classes-1, and a group with
 * examples somewhere but none in the held-out set.
 */
export function embeddingTask(
  tf: TF,
  arrays: ReadonlyMap<string, NpyArray>,
  options: { grouping?: EmbeddingGrouping; seed?: number } = {},
): EmbeddingTask {
  const notes: string[] = [];
  const heldout = floats("heldout_x", arrays.get("heldout_x"));
  const d = heldout.d;
  const parts = new Map<SplitName, { x: Float32Array; y: Int32Array; g: Int32Array }>();
  const load = (s: SplitName) => {
    const f = floats(`${s}_x`, arrays.get(`${s}_x`), d);
    const y = ints(`${s}_y`, arrays.get(`${s}_y`), f.rows);
    const g = options.grouping === "classes" ? y : ints(`${s}_g`, arrays.get(`${s}_g`), f.rows);
    parts.set(s, { x: f.x, y, g });
  };
  load("heldout");
  load("test");
  for (const s of ["train", "val"] as const) {
    const present = [`${s}_x`, `${s}_y`, `${s}_g`].filter((n) => arrays.has(n));
    if (present.length > 0) load(s); // then all of them must be there
  }
  if (!parts.has("val")) {
    notes.push("no val_*.npy: selection (AFR's and Group DRO's step, gamma, eta) uses the held-out set");
  }
  // Classes: the head's width if given, else the largest label + 1.
  const headW = arrays.get("head_w");
  const headB = arrays.get("head_b");
  if (!!headW !== !!headB) {
    throw new ConfigError(
      headW ? "head_b.npy" : "head_w.npy",
      "a file in the data folder (head_w and head_b go together)",
      undefined,
    );
  }
  let classes = 0;
  for (const p of parts.values()) for (const v of p.y) classes = Math.max(classes, v + 1);
  let head: { W: Float32Array; b: Float32Array } | undefined;
  if (headW && headB) {
    const w = floats("head_w", headW);
    if (w.rows !== d) {
      throw new ConfigError("head_w.npy", `${d} rows (d x classes, d = heldout_x's columns)`, `shape [${headW.shape}]`);
    }
    const b = floats("head_b", { ...headB, shape: [1, headB.shape[0] ?? 0] });
    if (headB.shape.length !== 1 || b.d !== w.d) {
      throw new ConfigError("head_b.npy", `a 1-D array of ${w.d} values (head_w's columns)`, `shape [${headB.shape}]`);
    }
    if (classes > w.d) {
      throw new ConfigError("labels", `values in 0..${w.d - 1} (head_w has ${w.d} classes)`, classes - 1);
    }
    classes = w.d;
    head = { W: w.x, b: b.x };
  }
  const heldoutClasses = new Set(parts.get("heldout")!.y).size;
  if (heldoutClasses < 2) throw new ConfigError("heldout_y.npy", "at least two classes", heldoutClasses);
  let numGroups = 0;
  for (const p of parts.values()) for (const v of p.g) numGroups = Math.max(numGroups, v + 1);
  const inHeldout = new Uint8Array(numGroups);
  for (const v of parts.get("heldout")!.g) inHeldout[v] = 1;
  for (const [s, p] of parts) {
    for (let i = 0; i < p.g.length; i++) {
      if (!inHeldout[p.g[i]]) {
        throw new ConfigError(
          "heldout_g.npy",
          `every group that occurs to have held-out examples`,
          `none of group ${p.g[i]}, which ${s}_g.npy holds (row ${i})`,
        );
      }
    }
  }
  const split = (s: SplitName): Split => {
    const p = parts.get(s) ??
      (s === "val" ? parts.get("heldout")! : { x: new Float32Array(0), y: new Int32Array(0), g: new Int32Array(0) });
    return {
      x: Float64Array.from(p.x),
      y: p.y,
      a: new Int32Array(p.y.length),
      g: p.g,
      seqLength: d,
      numAttributes: 0, // no attributes: only group ids
      draw: { mode: "random", rho: 0, exact: false, seed: 0 },
    };
  };
  const splits = { train: split("train"), heldout: split("heldout"), val: split("val"), test: split("test") };
  // The "model" is a linear head on the embeddings: its embedding is the input itself.
  const model = createModel(tf, "linear", 0, d, classes, {
    hidden: TRAIN_DEFAULTS.hidden,
    channels: TRAIN_DEFAULTS.channels,
  });
  if (head) restore(tf, model, [head.W, head.b]);
  const emb = (s: SplitName) => parts.get(s)?.x ?? (s === "val" ? parts.get("heldout")!.x : new Float32Array(0));
  const ctx: MethodContext = {
    tf,
    splits,
    numClasses: classes,
    grouping: "fine",
    numGroups,
    groups: (s) => splits[s].g,
    training: resolveTrainConfig({}),
    erm: model,
    embeddings: emb,
    inputs: emb,
    seed: options.seed ?? 0,
  };
  return { ctx, embeddingSize: d, hasHead: !!head, notes, dispose: () => disposeModel(model) };
}

/** What one run reports: the method's choice, test metrics and its own time. */
export interface EmbeddingRunResult {
  readonly method: string;
  readonly selected: Record<string, number>;
  readonly test: {
    readonly n: number;
    readonly averageAccuracy: number;
    readonly worstGroupAccuracy: number;
    readonly worstGroup: number;
    readonly meanGroupAccuracy: number;
    readonly worstClassAccuracy: number;
    readonly meanLoss?: number;
    readonly ece?: number;
    readonly emptyGroups: number;
    readonly groups: { id: number; count: number; accuracy: number }[];
  };
  readonly seconds: number;
  readonly diagnostics: Record<string, unknown>;
  readonly notes: readonly string[];
  /** Test logits (n x classes). */
  readonly testLogits: Float32Array;
}

/** Run a last-layer method (hyperparameters as given, merged over its defaults) and score it on test. */
export function runOnEmbeddings(
  task: EmbeddingTask,
  name: string,
  given: ReadonlyMap<string, unknown> | Readonly<Record<string, unknown>> = {},
  selectBy?: Selection,
): EmbeddingRunResult {
  const method = lastLayerMethod(name);
  if (NEEDS_HEAD.has(name) && !task.hasHead) {
    throw new ConfigError("head_w.npy", `ERM's head (head_w.npy, head_b.npy): ${name} starts from it`, undefined);
  }
  if (name === "dfr-tr" && task.ctx.splits.train.y.length === 0) {
    throw new ConfigError(
      "train_x.npy",
      "training embeddings (train_x, train_y, train_g): dfr-tr fits on them",
      undefined,
    );
  }
  const params = resolveHyperparameters(method, given);
  const notes = [...task.notes];
  if (name === "self") {
    // Early-stop disagreement needs the network stopped early; embeddings hold only its last layer's input.
    const asked = given instanceof Map ? given.get("disagreement") : (given as Record<string, unknown>).disagreement;
    if (asked !== undefined && asked !== 0) {
      throw new ConfigError("hp.disagreement", "0 on embeddings (early-stop disagreement needs the network)", asked);
    }
    (params as Record<string, unknown>).disagreement = 0;
    notes.push("self on embeddings ranks held-out points by ERM's loss (misclassification SELF)");
  }
  const start = performance.now();
  const r = method.run(selectBy ? { ...task.ctx, selectBy } : task.ctx, params);
  const seconds = (performance.now() - start) / 1000;
  const { ctx } = task;
  const m = groupMetrics({
    labels: ctx.splits.test.y,
    groups: ctx.groups("test"),
    numGroups: ctx.numGroups,
    numClasses: ctx.numClasses,
    logits: r.logits.test,
  });
  return {
    method: name,
    selected: r.selected,
    test: {
      n: m.n,
      averageAccuracy: m.averageAccuracy,
      worstGroupAccuracy: m.worstGroupAccuracy,
      worstGroup: m.worstGroup,
      meanGroupAccuracy: m.meanGroupAccuracy,
      worstClassAccuracy: m.worstClassAccuracy,
      ...(m.meanLoss !== undefined ? { meanLoss: m.meanLoss } : {}),
      ...(m.ece !== undefined ? { ece: m.ece } : {}),
      emptyGroups: m.emptyGroups,
      groups: m.groups.map((g, id) => ({ id, count: g.count, accuracy: g.accuracy })),
    },
    seconds,
    diagnostics: r.diagnostics,
    notes,
    testLogits: r.logits.test,
  };
}
