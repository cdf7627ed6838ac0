#!/usr/bin/env node
// The `spurious1d` command: dispatches to subcommands; the only layer that touches the process.
import process from "node:process";
import { runGenerate } from "./generate.ts";
import { runTrain } from "./train.ts";
import { runExperiment, runReport } from "./experiment.ts";
import { runServe } from "./serve.ts";
import { UsageError } from "./usage_error.ts";

const COMMANDS: Record<
  string,
  { summary: string; run: (argv: readonly string[], log: (s: string) => void) => Promise<void> }
> = {
  generate: { summary: "generate MNIST-1D (bit-exact with the reference) and write .npy files", run: runGenerate },
  train: { summary: "train a linear, MLP or CNN model (tfjs-wasm) and report group metrics", run: runTrain },
  experiment: {
    summary: "run the study (resumable, parallel) and write results, figures and report.html",
    run: runExperiment,
  },
  report: { summary: "rebuild a study's summary, figures and report.html from its results", run: runReport },
  serve: { summary: "serve the playground page and the HTTP API (loopback by default)", run: runServe },
};

function help(): string {
  return [
    "Usage: spurious1d <command> [flags]    (spurious1d <command> --help for its flags)",
    "",
    "Commands:",
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`),
  ].join("\n");
}

/** Run the CLI on argv; returns the exit code (0 ok, 2 bad input, 1 failure). */
export async function main(argv: readonly string[]): Promise<number> {
  const log = (line: string) => console.log(line);
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    log(help());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  try {
    if (!command) {
      throw new UsageError(`command: expected one of ${Object.keys(COMMANDS).join(", ")}, got ${JSON.stringify(name)}`);
    }
    await command.run(rest, log);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`spurious1d: ${error.message}`);
      return 2;
    }
    console.error(`spurious1d: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
