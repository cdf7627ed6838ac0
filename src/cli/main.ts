#!/usr/bin/env node
// The `spurious1d` command: dispatches to subcommands; the only layer that touches the process.
// Exit codes: 0 done, 2 bad input (one line naming the flag or field), 1 a failure outside the
// program (one line, the stack with --debug), 70 an internal error (a bug: "internal error" and the stack).
import process from "node:process";
import { UsageError } from "./usage_error.ts";
import { EXIT, reportError } from "./errors_out.ts";

type Run = (argv: readonly string[], log: (s: string) => void) => Promise<void>;
type Command = { summary: string; run: Run };

// Each command's module is loaded when that command runs: `serve` under Deno has --allow-net only, and
// loading the queue's Redis client (which reads the environment) for it would need more.
const COMMANDS: ReadonlyMap<string, Command> = new Map<string, Command>([
  ["generate", {
    summary: "generate MNIST-1D (bit-exact with the reference) and write .npy files",
    run: async (argv, log) => (await import("./generate.ts")).runGenerate(argv, log),
  }],
  ["train", {
    summary: "train a linear, MLP or CNN model (tfjs-wasm) and report group metrics",
    run: async (argv, log) => (await import("./train.ts")).runTrain(argv, log),
  }],
  ["experiment", {
    summary: "run the study (resumable, parallel) and write results, figures and report.html",
    run: async (argv, log) => (await import("./experiment.ts")).runExperiment(argv, log),
  }],
  ["report", {
    summary: "rebuild a study's summary, figures and report.html from its results",
    run: async (argv, log) => (await import("./experiment.ts")).runReport(argv, log),
  }],
  ["lastlayer", {
    summary: "run a last-layer method (DFR, AFR, Group DRO, the label-free ones) on any model's embeddings (.npy)",
    run: async (argv, log) => (await import("./lastlayer.ts")).runLastLayer(argv, log),
  }],
  ["serve", {
    summary: "serve the playground page and the HTTP API (loopback by default)",
    run: async (argv, log) => (await import("./serve.ts")).runServe(argv, log),
  }],
  ["worker", {
    summary: "run study cells from a BullMQ queue on Redis (experiment --queue)",
    run: async (argv, log) => (await import("./queue/worker.ts")).runWorker(argv, log),
  }],
]);

function help(): string {
  return [
    "Usage: spurious1d <command> [flags]    (spurious1d <command> --help for its flags)",
    "",
    "Commands:",
    ...[...COMMANDS].map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`),
    "",
    `  ${"--debug".padEnd(12)} (any command) print the stack of an unexpected error`,
  ].join("\n");
}

/** Run the CLI on argv; returns the exit code (0 ok, 2 bad input, 1 failure, 70 internal error). */
export async function main(argv: readonly string[]): Promise<number> {
  const log = (line: string) => console.log(line);
  const debug = argv.includes("--debug");
  const [name, ...rest] = argv.filter((a) => a !== "--debug");
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    log(help());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  try {
    const command = COMMANDS.get(name);
    if (!command) {
      throw new UsageError(`command: expected one of ${[...COMMANDS.keys()].join(", ")}, got ${JSON.stringify(name)}`);
    }
    await command.run(rest, log);
    return EXIT.ok;
  } catch (error) {
    const { code, text } = reportError(error, debug);
    console.error(text);
    return code;
  }
}

// A rejection nobody awaited is a bug as well: report it the same way rather than as node's default dump.
process.on("unhandledRejection", (reason) => {
  console.error(
    `spurious1d: internal error (a bug; please report it with this output):\n${
      reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)
    }`,
  );
  process.exit(EXIT.internal);
});
process.exitCode = await main(process.argv.slice(2));
