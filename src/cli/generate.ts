// `spurious1d generate`: make MNIST-1D (optionally with a spurious feature) and write .npy files.
import { datasetFiles } from "../data/mnist1d_files.ts";
import { dataFlagHelp, dataFlagOptions, dataFromFlags } from "./data_flags.ts";
import { makeDataset } from "../pipeline/dataset.ts";
import { checkOutputDir, writeOutputDir } from "./output_dir.ts";
import { parseFlags } from "./parse_flags.ts";
import { progressBar } from "./progress_bar.ts";
import { UsageError } from "./usage_error.ts";

/** The `generate` command's help text. */
export function generateHelp(): string {
  return [
    "Usage: spurious1d generate --out DIR [flags]",
    "",
    "Generate MNIST-1D exactly as the reference Python generator does and write",
    "x.npy, y.npy, x_test.npy, y_test.npy, t.npy (float64/int64, C order) and meta.json.",
    "",
    ...dataFlagHelp(),
    "",
    `  ${"--out DIR".padEnd(28)} output directory (must not exist yet)`,
    `  ${"--force".padEnd(28)} replace an existing output directory`,
    `  ${"--quiet".padEnd(28)} no progress output`,
    `  ${"-h, --help".padEnd(28)} show this help`,
  ].join("\n");
}

/** Run `spurious1d generate` with the given argv (after the command name). */
export async function runGenerate(argv: readonly string[], log: (line: string) => void): Promise<void> {
  const values = parseFlags(argv, {
    ...dataFlagOptions(),
    out: { type: "string" },
    force: { type: "boolean" },
    quiet: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    log(generateHelp());
    return;
  }
  const settings = dataFromFlags(values as Record<string, string | boolean | undefined>);
  const out = values.out;
  if (typeof out !== "string" || out.length === 0) {
    throw new UsageError("--out: expected an output directory path, got nothing");
  }
  const force = values.force === true;
  await checkOutputDir(out, force);
  // Progress only for large runs (200k examples or more), on the same bar as the study's.
  let bar: ReturnType<typeof progressBar> | undefined;
  const progress = values.quiet ? undefined : (done: number, total: number) => {
    if (total < 200_000) return;
    (bar ??= progressBar("examples", total))(done);
  };
  const { ds, pair } = await makeDataset(settings, progress);
  const s = settings.spurious;
  const meta = s ? { spurious: { feature: s.feature, train: s.train, test: s.test } } : {};
  await writeOutputDir(out, datasetFiles(ds, meta, pair), force);
  log(`wrote ${ds.y.length} train and ${ds.yTest.length} test examples of length ${ds.seqLength} to ${out}`);
}
