// A fuzz test of the `train` and `generate` commands over flag sets (fast-check, a fixed seed and a
// bounded number of runs). Invariants, in words: whatever the flags,
// 1. the command finishes with exit code 0 or 2 (never 1 or 70): every bad flag is a usage error;
// 2. an error is one line naming a flag, with no stack trace;
// 3. the output directory is either absent (after an error) or complete (after success), and no
//    half-written staging directory is left beside it.
// The commands run in-process, as main runs them (main only maps the error with reportError), so a
// run costs no process start; a prefix of small sizes keeps valid runs cheap (later flags override it).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import fc from "fast-check";
import { runTrain } from "../../src/cli/train.ts";
import { runGenerate } from "../../src/cli/generate.ts";
import { EXIT, reportError } from "../../src/cli/errors_out.ts";
import { freshPath } from "../helpers/env.ts";

const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);
const hostile = [
  "",
  "-1",
  "0",
  "0.5",
  "1e308",
  "-1e308",
  "nan",
  "inf",
  "0x10",
  "1_0",
  "abc",
  "1,2",
  ...PROTOTYPE_NAMES,
];
// Mostly valid values, so that some runs succeed and their output can be checked too.
const pool = (...good: string[]) =>
  fc.oneof({ arbitrary: fc.constantFrom(...good), weight: 5 }, { arbitrary: fc.constantFrom(...hostile), weight: 1 });

/** Flag -> values it may get (some valid, many not). */
const DATA_FLAGS: Record<string, fc.Arbitrary<string>> = {
  "num-samples": pool("100", "300", "1000"),
  "train-split": pool("0.5", "0.8", "0.99"),
  "template-len": pool("5", "12", "40"),
  padding: pool("0,10", "36,60", "10,5", "5"),
  "final-seq-length": pool("2", "3", "10", "40", "80"),
  "scale-coeff": pool("0", "0.4"),
  "iid-noise-scale": pool("0", "0.02"),
  rho: pool("0.5", "0.9", "1.5"),
  amplitude: pool("0", "1", "100"),
  "spurious-kind": pool("patch", "frequency", "offset"),
  "window-width": pool("1", "6", "100"),
  jitter: pool("0", "2", "50"),
  "test-mode": pool("absent", "random", "conflicting"),
};
const TRAIN_FLAGS: Record<string, fc.Arbitrary<string>> = {
  ...DATA_FLAGS,
  model: pool("linear", "mlp", "cnn", "rnn"),
  optimizer: pool("adam", "sgd"),
  "learning-rate": pool("0.01", "1e30"),
  "batch-size": pool("1", "10", "50", "100000"),
  steps: pool("1", "5", "20"),
  momentum: pool("0", "0.9", "1"),
  "batch-order": pool("sequential", "shuffled"),
  "data-seed": pool("1", "4294967296"),
  method: pool("erm", "rwg", "subg", "gdro", "nope"),
  hp: pool("eta=0.1", "eta=-1", "eta=1,2", "junk", "__proto__=1", "C=1"),
  grouping: pool("fine", "coarse", "medium"),
};
const GENERATE_FLAGS: Record<string, fc.Arbitrary<string>> = { ...DATA_FLAGS, seed: pool("1", "42", "4294967296") };
const BOOLEAN_FLAGS = ["json", "force", "exact", "shuffle-seq"];
const outcomes = { ok: 0, usage: 0 };

const flagSet = (flags: Record<string, fc.Arbitrary<string>>) =>
  fc.tuple(
    fc.array(fc.tuple(fc.constantFrom(...Object.keys(flags)), fc.nat()), { maxLength: 5 }),
    fc.subarray(BOOLEAN_FLAGS, { maxLength: 2 }),
    fc.constantFrom("fresh", "fresh", "fresh", "fresh", "none", "file", "proc", "nested"),
    // Now and then a stray positional argument or an unknown flag.
    fc.oneof({ arbitrary: fc.constant([]), weight: 6 }, {
      arbitrary: fc.array(fc.string({ maxLength: 6 }), { minLength: 1, maxLength: 1 }),
      weight: 1,
    }),
  ).chain(([names, booleans, out, stray]) =>
    fc.tuple(...names.map(([name]) => flags[name].map((v) => [`--${name}`, v]))).map((pairs) => ({
      argv: [...pairs.flat(), ...booleans.map((b) => `--${b}`), ...stray],
      out,
    }))
  );

interface Run {
  code: number;
  text: string;
}

async function runOnce(
  command: typeof runTrain,
  prefix: string[],
  argv: string[],
  outKind: string,
  expected: string,
): Promise<void> {
  const root = await freshPath("fuzz");
  await mkdir(root, { recursive: true });
  const out = outKind === "file"
    ? "README.md"
    : outKind === "proc"
    ? "/proc/spurious1d-fuzz"
    : outKind === "nested"
    ? join(root, "missing", "out")
    : join(root, "out");
  const full = [...prefix, ...argv, ...(outKind === "none" ? [] : ["--out", out])];
  const outcome: Run = await command(full, () => {}).then(
    () => ({ code: EXIT.ok, text: "" }),
    (e) => reportError(e, false),
  );
  const shown = `${full.join(" ")} -> ${outcome.code}: ${outcome.text}`;
  assert.ok(outcome.code === EXIT.ok || outcome.code === EXIT.usage, shown);
  outcomes[outcome.code === EXIT.ok ? "ok" : "usage"]++;
  if (outcome.code === EXIT.usage) {
    assert.equal(outcome.text.split("\n").length, 1, shown);
    assert.match(outcome.text, /^spurious1d: (-{1,2}\S+|arguments): expected /, shown);
  }
  const left = await readdir(root);
  assert.ok(!left.some((n) => n.includes(".partial-")), `staging directory left: ${shown}`);
  if (outKind === "fresh" || outKind === "nested") {
    const written = await stat(out).then(() => readdir(out), () => undefined);
    if (outcome.code === EXIT.ok && outKind === "fresh") assert.ok(written?.includes(expected), shown);
    else assert.equal(written, undefined, `output written after an error: ${shown}`);
  }
}

test("fuzz: train over flag sets exits 0 or 2, one line, no half-written output", async () => {
  await fc.assert(
    fc.asyncProperty(flagSet(TRAIN_FLAGS), async ({ argv, out }) => {
      await runOnce(
        runTrain,
        ["--steps", "3", "--num-samples", "300", "--batch-size", "20"],
        argv,
        out,
        "metrics.json",
      );
    }),
    { seed: 1915, numRuns: 30 },
  );
  console.log(`train fuzz: ${outcomes.ok} runs exited 0, ${outcomes.usage} exited 2`);
  assert.ok(outcomes.ok >= 3, "some runs succeed, so that their output is checked");
  outcomes.ok = outcomes.usage = 0;
});

test("fuzz: generate over flag sets exits 0 or 2, one line, no half-written output", async () => {
  await fc.assert(
    fc.asyncProperty(flagSet(GENERATE_FLAGS), async ({ argv, out }) => {
      await runOnce(runGenerate, ["--num-samples", "200", "--quiet"], argv, out, "x.npy");
    }),
    { seed: 1915, numRuns: 40 },
  );
  console.log(`generate fuzz: ${outcomes.ok} runs exited 0, ${outcomes.usage} exited 2`);
  assert.ok(outcomes.ok >= 3, "some runs succeed, so that their output is checked");
});
