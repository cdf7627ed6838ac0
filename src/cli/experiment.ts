// `spurious1d experiment`: run the study's cells in parallel workers, appending each finished cell
// to results/<run>/results.jsonl (a rerun resumes), then write the summary, figures and report.
// `spurious1d report DIR`: rebuild the summary, figures and report from DIR's results.
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../config/errors.ts";
import { studyCells } from "../study/cells.ts";
import { cellRecordProblem } from "../study/result_check.ts";
import { resolveStudyConfig, STUDY_PRESETS, type StudyConfig, type StudyPreset } from "../study/config.ts";
import { cellCost, STUDY_NS_PER_UNIT } from "../edge/cost.ts";
import type { CellResult } from "../study/run_cell.ts";
import { summarise, summaryCsv } from "../study/analysis.ts";
import { profilePhases, profileTable } from "../study/profile.ts";
import { buildFigures, reportHtml } from "../report/report.ts";
import { appendResult, loadResults } from "./results_store.ts";
import { runPool } from "./worker_pool.ts";
import { progressBar } from "./progress_bar.ts";
import { parseFlags } from "./parse_flags.ts";
import { UsageError } from "./usage_error.ts";
import { listOfNumbersOrText, numberOrText } from "./flag_values.ts";
import { checkResultsRoot } from "./output_dir.ts";
import { describe } from "../config/errors.ts";
import { JsonTextError, parseJsonText } from "../config/json_text.ts";
import { svgToPng } from "./png.ts";
import { readVegaSources } from "./vega_sources.ts";
import { studyViews } from "../study/views.ts";

/** The `experiment` command's help. */
export function experimentHelp(): string {
  return [
    "Usage: spurious1d experiment [--quick | --preset NAME] [--config FILE] [flags]",
    "",
    "Run the study and write results/<run>/: results.jsonl (one line per cell; rerunning resumes),",
    "summary.json, summary.csv, figures/*.vl.json (vega-lite specs), *.svg and *.png, and report.html.",
    "",
    `  ${"--config FILE".padEnd(24)} JSON overriding the built-in study config (fields: README, "The study")`,
    `  ${"--preset NAME".padEnd(24)} default (both models, three kinds, three seeds: about 10 minutes on 2 cores),`,
    `  ${"".padEnd(24)} quick (a smoke test, under a minute) or full (5 seeds, every method, both groupings:`,
    `  ${"".padEnd(24)} hours of CPU, meant for --queue); --config fields apply over the preset`,
    `  ${"--quick".padEnd(24)} the same as --preset quick`,
    `  ${"--seeds 0,1,2".padEnd(24)} seeds (overrides the config)`,
    `  ${"--out DIR".padEnd(24)} results root (default results)`,
    `  ${"--run NAME".padEnd(24)} run name (default: the preset's name)`,
    `  ${"--workers N".padEnd(24)} parallel workers (default: one per core; with --queue, 0)`,
    `  ${"--queue URL".padEnd(24)} run the cells through a BullMQ queue on Redis (redis://HOST:PORT[/DB]),`,
    `  ${"".padEnd(24)} for \`spurious1d worker\` processes on any machine (see README)`,
    `  ${"--attempts N".padEnd(24)} with --queue: attempts per cell before it is recorded as failed (default 3)`,
    `  ${"--profile".padEnd(24)} print where the cells' time went (median seconds per phase and method)`,
    `  ${"-h, --help".padEnd(24)} show this help`,
  ].join("\n");
}

async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await writeFile(`${path}.tmp`, data);
  await rename(`${path}.tmp`, path);
}

/** Write summary.json, summary.csv, figures and report.html for a run directory. */
export async function writeReport(dir: string, config: StudyConfig, results: CellResult[]): Promise<string> {
  const summary = summarise(config, results);
  await writeAtomic(join(dir, "summary.json"), JSON.stringify(summary, null, 2) + "\n");
  await writeAtomic(join(dir, "summary.csv"), summaryCsv(config, results));
  const figures = await buildFigures(summary, await studyViews(config));
  await mkdir(join(dir, "figures"), { recursive: true });
  for (const f of figures) {
    await writeAtomic(join(dir, "figures", `${f.name}.vl.json`), JSON.stringify(f.spec, null, 1) + "\n");
    await writeAtomic(join(dir, "figures", `${f.name}.svg`), f.svg);
    await writeAtomic(join(dir, "figures", `${f.name}.png`), await svgToPng(f.svg));
  }
  const html = join(dir, "report.html");
  await writeAtomic(html, reportHtml(summary, figures, await readVegaSources()));
  return html;
}

async function readConfigFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new UsageError(
      `--config: expected a readable JSON file, got ${JSON.stringify(path)} (${(error as Error).message})`,
    );
  }
  try {
    return parseJsonText(text);
  } catch (error) {
    throw new UsageError(`--config: ${(error as Error).message} in ${path}`);
  }
}

/** Stored cells, each checked against the study (a foreign or edited results.jsonl is a usage error). */
async function loadCheckedResults(file: string, config: StudyConfig): Promise<CellResult[]> {
  const cells = new Map(studyCells(config).map((c) => [c.id, c]));
  const records = await loadResults<unknown>(file);
  records.forEach((r, i) => {
    const problem = cellRecordProblem(r, config, cells);
    if (problem) throw new UsageError(`${file}: line ${i + 1}: ${problem}`);
  });
  return records as CellResult[];
}

/** The preset the flags ask for: --quick, or --preset NAME (one of them). */
function resolvePreset(quick: boolean, preset: unknown): StudyPreset {
  if (quick && preset !== undefined) {
    throw new UsageError(`--quick: expected no --preset with it, got --preset ${preset}`);
  }
  if (quick) return "quick";
  if (preset === undefined) return "default";
  if (!(STUDY_PRESETS as readonly unknown[]).includes(preset)) {
    throw new UsageError(`--preset: expected one of ${STUDY_PRESETS.join(", ")}, got ${JSON.stringify(preset)}`);
  }
  return preset as StudyPreset;
}

/** Seconds as "42 s", "12 min" or "3.4 h". */
function formatDuration(seconds: number): string {
  return seconds < 120
    ? `${Math.round(seconds)} s`
    : seconds < 7200
    ? `${Math.round(seconds / 60)} min`
    : `${(seconds / 3600).toFixed(1)} h`;
}

/** Run `spurious1d experiment`. */
export async function runExperiment(argv: readonly string[], log: (line: string) => void): Promise<void> {
  const values = parseFlags(argv, {
    config: { type: "string" },
    quick: { type: "boolean" },
    preset: { type: "string" },
    seeds: { type: "string" },
    out: { type: "string" },
    run: { type: "string" },
    workers: { type: "string" },
    profile: { type: "boolean" },
    queue: { type: "string" },
    attempts: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return log(experimentHelp());
  const preset = resolvePreset(values.quick === true, values.preset);
  const given = values.config ? await readConfigFile(values.config as string) : {};
  const seedsFlag = values.seeds === undefined ? undefined : String(values.seeds);
  if (seedsFlag !== undefined) {
    // Plain decimals only: "" or "0,,1" or "0x10" are named, not read as 0 or 16.
    if (given === null || typeof given !== "object" || Array.isArray(given)) {
      throw new UsageError(`${values.config}: config: expected an object, got ${describe(given)}`);
    }
    (given as Record<string, unknown>).seeds = listOfNumbersOrText(seedsFlag);
  }
  let config: StudyConfig;
  try {
    config = resolveStudyConfig(given, preset);
  } catch (error) {
    if (error instanceof ConfigError) {
      if (seedsFlag !== undefined && /^seeds(\[|$)/.test(error.path)) {
        throw new UsageError(
          `--seeds: expected ${error.expected} (a comma-separated list), got ${JSON.stringify(seedsFlag)}`,
        );
      }
      throw new UsageError(`${values.config ? `${values.config}: ` : ""}${error.message}`);
    }
    throw error;
  }
  // With --queue the coordinator runs no cell itself unless --workers N > 0 asks it to.
  const queued = values.queue !== undefined;
  const workersText = values.workers === undefined ? undefined : String(values.workers);
  const workers = workersText === undefined ? (queued ? 0 : availableParallelism()) : numberOrText(workersText);
  const minWorkers = queued ? 0 : 1;
  if (typeof workers !== "number" || !Number.isInteger(workers) || workers < minWorkers || workers > 256) {
    throw new UsageError(`--workers: expected an integer in [${minWorkers}, 256], got ${JSON.stringify(workersText)}`);
  }
  // The queue's Redis client is loaded only for a queued run: it reads the environment when loaded,
  // which a local run (under Deno with --allow-read and --allow-write only) must not need.
  const queueModule = queued ? await import("./queue/run_queued.ts") : undefined;
  const queue = queueModule ? await queueModule.resolveQueueFlags(values) : undefined;
  const run = String(values.run ?? preset);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(run)) {
    throw new UsageError(
      `--run: expected a name of letters, digits, ".", "_" and "-" (at most 100, not starting with "."), got ${
        JSON.stringify(run)
      }`,
    );
  }
  const root = String(values.out ?? "results");
  await checkResultsRoot(root);
  const dir = join(root, run);
  await mkdir(dir, { recursive: true });
  // A run directory belongs to one config: resuming with another would mix incomparable cells.
  const configPath = join(dir, "config.json");
  const configText = JSON.stringify(config, null, 2) + "\n";
  const previous = await readFile(configPath, "utf8").catch(() => undefined);
  if (previous !== undefined && previous !== configText) {
    throw new UsageError(
      `--run: expected a run directory made with this config, got ${dir} made with another (use --run NAME for a new run)`,
    );
  }
  if (previous === undefined) await writeAtomic(configPath, configText);
  const resultsPath = join(dir, "results.jsonl");
  const done = await loadCheckedResults(resultsPath, config);
  const doneIds = new Set(done.map((r) => r.id));
  const cells = studyCells(config);
  const todo = cells.filter((c) => !doneIds.has(c.id));
  const cpu = todo.reduce((sum, c) => sum + cellCost(config, c).units, 0) * STUDY_NS_PER_UNIT / 1e9;
  log(
    `study (${preset}): ${todo.length} cells to run, estimated CPU time ${formatDuration(cpu)} on one quiet core ` +
      `(${formatDuration(cpu / Math.max(1, workers))} wall on ${Math.max(1, workers)} here)`,
  );
  log(
    `study: ${cells.length} cells, ${done.length} already done, ${todo.length} to run on ${
      queue ? `queue workers (${workers} here)` : `${Math.min(workers, todo.length || 1)} worker(s)`
    } -> ${dir}`,
  );
  const progress = progressBar("cells", cells.length);
  let finished = done.length;
  progress(finished);
  const url = new URL(import.meta.url.endsWith(".ts") ? "./study_worker.ts" : "./study_worker.js", import.meta.url);
  const results = [...done];
  if (queue) {
    const queuedRun = { name: run, dir, config, cells, todo, resultsPath, localWorkers: workers, results };
    return await queueModule!.runQueuedStudy(queue, queuedRun, {
      writeReport,
      progress,
      profile: values.profile === true,
      log,
    });
  }
  await runPool<{ config: StudyConfig; cell: (typeof cells)[number] }, CellResult>(
    url,
    workers,
    todo.map((cell) => ({ config, cell })),
    async (_, result) => {
      await appendResult(resultsPath, result);
      results.push(result);
      progress(++finished, result.id);
    },
  );
  const order = new Map(cells.map((c, i) => [c.id, i]));
  results.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  const html = await writeReport(dir, config, results);
  log(`wrote ${html}`);
  if (values.profile) log(profileTable(profilePhases(results)));
}

/** Run `spurious1d report DIR`. */
export async function runReport(argv: readonly string[], log: (line: string) => void): Promise<void> {
  const values = parseFlags(argv.filter((a) => a.startsWith("-")), { help: { type: "boolean", short: "h" } });
  const dirs = argv.filter((a) => !a.startsWith("-"));
  if (values.help) {
    return log("Usage: spurious1d report DIR   (rebuild summary, figures and report.html from DIR/results.jsonl)");
  }
  if (dirs.length !== 1) throw new UsageError(`DIR: expected one results directory, got ${dirs.length}`);
  const dir = dirs[0];
  const configText = await readFile(join(dir, "config.json"), "utf8").catch(() => undefined);
  if (configText === undefined) {
    throw new UsageError(`DIR: expected a study run directory with config.json, got ${JSON.stringify(dir)}`);
  }
  let config: StudyConfig;
  try {
    config = resolveStudyConfig(parseJsonText(configText));
  } catch (error) {
    if (error instanceof JsonTextError || error instanceof ConfigError) {
      throw new UsageError(`DIR: expected a valid config.json in ${dir}, got ${error.message}`);
    }
    throw error;
  }
  const results = await loadCheckedResults(join(dir, "results.jsonl"), config);
  if (!results.some((r) => r.sweeps)) {
    throw new UsageError(
      `DIR: expected finished sweep cells (base strength, swept kind) in ${dir}/results.jsonl, got none`,
    );
  }
  log(`wrote ${await writeReport(dir, config, results)}`);
}
