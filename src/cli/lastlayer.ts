// `spurious1d lastlayer`: a last-layer method (DFR, AFR, Group DRO, the probe) on embeddings saved
// as .npy by any model. Reads the folder, hands the arrays to methods/embedding_task.ts, prints or
// writes the result.
import { type Selection, SELECTIONS } from "../methods/selection.ts";
import { resolveSelectBy } from "../pipeline/method_run.ts";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { ConfigError } from "../config/errors.ts";
import { decodeNpy, encodeNpy, type NpyArray } from "../data/npy.ts";
import {
  type EmbeddingGrouping,
  embeddingTask,
  LAST_LAYER_METHODS,
  lastLayerMethod,
  OPTIONAL_ARRAYS,
  REQUIRED_ARRAYS,
  runOnEmbeddings,
} from "../methods/embedding_task.ts";
import { parseHyperparameterFlags } from "../methods/params.ts";
import { tfReady } from "../tf/backend.ts";
import { checkOutputDir, writeOutputDir } from "./output_dir.ts";
import { parseFlags } from "./parse_flags.ts";
import { UsageError } from "./usage_error.ts";

/** The `lastlayer` command's help text. */
export function lastLayerHelp(): string {
  return [
    "Usage: spurious1d lastlayer --method NAME --data DIR [--hp K=V...] [--grouping groups|classes] [--json] [--out DIR]",
    "",
    "Run a last-layer method on any model's embeddings. DIR holds heldout_x.npy, heldout_y.npy,",
    "heldout_g.npy, test_x.npy, test_y.npy, test_g.npy (x: float32/float64 examples x features; y, g:",
    "int32/int64 labels and group ids), optionally train_{x,y,g}.npy and val_{x,y,g}.npy, and ERM's",
    "head as head_w.npy (features x classes) and head_b.npy (classes), which afr, afr-wg, gdro-ll and the",
    "methods that rank or select by ERM's predictions (cb-llr, self, evals, logit-scale) need.",
    "",
    `  ${"--method NAME".padEnd(28)} one of ${LAST_LAYER_METHODS.join(", ")}`,
    `  ${"--data DIR".padEnd(28)} the folder of .npy files`,
    `  ${"--hp KEY=V[,V...]".padEnd(28)} a hyperparameter of the method (repeatable; a list is a grid)`,
    `  ${"--grouping groups|classes".padEnd(28)} group ids from the *_g files (default), or the classes as groups`,
    `  ${"--select-by PROTOCOL".padEnd(28)} how cb-llr, self and evals choose from their grid: ${
      SELECTIONS.join(", ")
    }`,
    `  ${"--seed N".padEnd(28)} seed of the method's draws (default 0)`,
    `  ${"--json".padEnd(28)} print {method, selected, test, seconds, ...} as JSON`,
    `  ${"--out DIR".padEnd(28)} write result.json and test_logits.npy there`,
    `  ${"--force".padEnd(28)} replace an existing output directory`,
    `  ${"-h, --help".padEnd(28)} show this help`,
  ].join("\n");
}

async function readArrays(dir: string): Promise<Map<string, NpyArray>> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new UsageError(`--data: expected a folder of .npy files, got ${JSON.stringify(dir)}`);
  const arrays = new Map<string, NpyArray>();
  for (const name of [...REQUIRED_ARRAYS, ...OPTIONAL_ARRAYS]) {
    const path = join(dir, `${name}.npy`);
    const bytes = await readFile(path).catch(() => undefined);
    if (!bytes) {
      if ((REQUIRED_ARRAYS as readonly string[]).includes(name)) {
        throw new UsageError(
          `--data: expected ${path} (every run needs ${REQUIRED_ARRAYS.join(", ")}), got no such file`,
        );
      }
      continue;
    }
    // A copy: a Node Buffer may be a view into a shared pool.
    arrays.set(name, decodeNpy(new Uint8Array(bytes), `${name}.npy`));
  }
  return arrays;
}

/** Run `spurious1d lastlayer` with the given argv (after the command name). */
export async function runLastLayer(argv: readonly string[], log: (line: string) => void): Promise<void> {
  const values = parseFlags(argv, {
    method: { type: "string" },
    data: { type: "string" },
    hp: { type: "string", multiple: true },
    grouping: { type: "string" },
    "select-by": { type: "string" },
    seed: { type: "string" },
    json: { type: "boolean" },
    out: { type: "string" },
    force: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    log(lastLayerHelp());
    return;
  }
  const name = values.method;
  if (typeof name !== "string") {
    throw new UsageError(`--method: expected one of ${LAST_LAYER_METHODS.join(", ")}, got nothing`);
  }
  const dir = values.data;
  if (typeof dir !== "string" || dir === "") {
    throw new UsageError("--data: expected a folder of .npy files, got nothing");
  }
  const grouping = values.grouping ?? "groups";
  if (grouping !== "groups" && grouping !== "classes") {
    throw new UsageError(`--grouping: expected groups or classes, got ${JSON.stringify(grouping)}`);
  }
  const seedText = typeof values.seed === "string" ? values.seed : "0";
  const seed = Number(seedText);
  if (!/^\d+$/.test(seedText) || !Number.isSafeInteger(seed) || seed > 0xffffffff) {
    throw new UsageError(`--seed: expected an integer in 0..4294967295, got ${JSON.stringify(seedText)}`);
  }
  const out = typeof values.out === "string" ? values.out : undefined;
  if (values.out !== undefined && !out) throw new UsageError("--out: expected an output directory path, got nothing");
  let given: Map<string, unknown>;
  let selectBy: Selection | undefined;
  try {
    const method = lastLayerMethod(name);
    given = parseHyperparameterFlags((values.hp as string[] | undefined) ?? []);
    if (values["select-by"] !== undefined) selectBy = resolveSelectBy(method, values["select-by"], "select-by");
  } catch (error) {
    throw flagError(error, name);
  }
  if (out) await checkOutputDir(out, values.force === true);
  const arrays = await readArrays(dir).catch((error) => {
    throw flagError(error, name);
  });
  const tf = await tfReady();
  let result;
  try {
    const task = embeddingTask(tf, arrays, { grouping: grouping as EmbeddingGrouping, seed });
    try {
      result = runOnEmbeddings(task, name, given, selectBy);
    } finally {
      task.dispose();
    }
  } catch (error) {
    throw flagError(error, name);
  }
  const { testLogits, ...summary } = result;
  if (values.json) log(JSON.stringify(summary));
  else {
    const t = summary.test;
    log(`${name} on ${dir}: selected ${JSON.stringify(summary.selected)}`);
    log(
      `test: average accuracy ${t.averageAccuracy.toFixed(4)}, worst-group ${
        t.worstGroupAccuracy.toFixed(4)
      } (group ${t.worstGroup}), ` +
        `mean-group ${t.meanGroupAccuracy.toFixed(4)}, worst-class ${t.worstClassAccuracy.toFixed(4)}; ${
          summary.seconds.toFixed(2)
        } s`,
    );
    for (const note of summary.notes) log(`note: ${note}`);
  }
  if (out) {
    const files = new Map<string, Uint8Array>([
      ["result.json", new TextEncoder().encode(JSON.stringify(summary, null, 2) + "\n")],
      [
        "test_logits.npy",
        encodeNpy({ dtype: "<f4", shape: [summary.test.n, testLogits.length / summary.test.n], data: testLogits }),
      ],
    ]);
    await writeOutputDir(out, files, values.force === true);
  }
}

// Input errors become one line naming the file or flag, and exit code 2.
function flagError(error: unknown, method: string): unknown {
  if (error instanceof ConfigError) {
    const where = error.path === "method" || error.path === "select-by"
      ? `--${error.path}`
      : error.path.startsWith("hp")
      ? `--hp ${error.path.slice(3)} (${method})`
      : error.path;
    return new UsageError(`${where}: expected ${error.expected}, got ${describeReceived(error.received)}`);
  }
  return error;
}

function describeReceived(v: unknown): string {
  if (v === undefined) return "nothing";
  if (typeof v === "string") return v;
  return JSON.stringify(v) ?? String(v);
}
