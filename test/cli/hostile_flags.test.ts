// Every command-line failure the outside test found, and every Object.prototype name given to every
// flag that takes a name: each is a UsageError (exit 2, one line naming the flag) raised before any
// work, and nothing is written. The commands run in-process (faithful: main only maps the error to
// its exit code with reportError, tested here too); a few run as real processes at the end.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chmod, mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { runTrain } from "../../src/cli/train.ts";
import { runGenerate } from "../../src/cli/generate.ts";
import { runExperiment, runReport } from "../../src/cli/experiment.ts";
import { resolveStudyConfig } from "../../src/study/config.ts";
import { EXIT, reportError, RunFailure } from "../../src/cli/errors_out.ts";
import { UsageError } from "../../src/cli/usage_error.ts";
import { cliCommand, freshPath } from "../helpers/env.ts";
import { run } from "../helpers/run.ts";
import { decodeNpy } from "../../src/data/npy.ts";

const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);
const COMMANDS = { train: runTrain, generate: runGenerate, experiment: runExperiment, report: runReport };

async function rejects(command: keyof typeof COMMANDS, argv: string[], message: RegExp): Promise<void> {
  const lines: string[] = [];
  const start = performance.now();
  await assert.rejects(COMMANDS[command](argv, (l) => lines.push(l)), (e: unknown) => {
    const { code, text } = reportError(e, false);
    assert.equal(code, EXIT.usage, `${command} ${argv.join(" ")}: ${text}`);
    assert.equal(text.split("\n").length, 1, text);
    assert.match(text, message);
    return true;
  });
  // Rejected before any work: no data made, no model trained.
  assert.ok(performance.now() - start < 5000, `${command} ${argv.join(" ")}: ${performance.now() - start} ms`);
  assert.deepEqual(lines, []);
}

const SPUR = ["--rho", "0.9"];
const CASES: [keyof typeof COMMANDS, string[], RegExp][] = [
  ["train", ["--method", "toString", ...SPUR], /--method: expected one of erm, dfr/],
  ["train", ["--method", "dfr", ...SPUR, "--hp", "C=-1"], /--hp C: expected a finite number in/],
  ["train", ["--method", "afr", ...SPUR, "--hp", "steps=-3"], /--hp steps: expected an integer/],
  ["train", ["--method", "afr", ...SPUR, "--hp", "steps=0.5"], /--hp steps: expected an integer/],
  ["train", ["--method", "gdro-ll", ...SPUR, "--hp", "steps=-1"], /--hp steps:/],
  ["train", ["--method", "dfr", ...SPUR, "--hp", "refits=1.5"], /--hp refits:/],
  ["train", ["--method", "afr-wg", ...SPUR, "--hp", "eta=1e308"], /--hp eta:/],
  ["train", ["--method", "jtt", ...SPUR, "--hp", "upweight=-20"], /--hp upweight:/],
  ["train", ["--method", "afr", ...SPUR, "--hp", "__proto__=1"], /--hp __proto__: expected a hyperparameter of afr/],
  ["train", ["--method", "afr", ...SPUR, "--hp", "junk"], /--hp: expected key=value/],
  ["train", ["--hp", "gamma=1"], /--hp: expected --method with it/],
  ["train", ["--grouping", "bogus"], /--grouping: expected --method with it/],
  ["train", ["--force"], /--force: expected --out with it/],
  [
    "train",
    ["--model", "cnn", "--final-seq-length", "2"],
    /--final-seq-length: expected a sequence length of at least 3/,
  ],
  ["train", ["--out", "README.md"], /--out: expected a directory path, got the existing file/],
  ["train", ["--out", "no/such/parent/dir"], /--out: expected a path in an existing directory/],
  ["train", ["--out", "README.md/x"], /--out: expected a path in an existing directory.*parent is a file/],
  // Under Deno the test has no permission for /proc at all: that is named too.
  ["train", ["--out", "/proc/spurious1d-out"], /--out: expected a path (in a writable directory|this process may)/],
  ["train", ["--out", "a".repeat(300)], /--out: expected a path of at most/],
  ["train", ["--method", "dfr", ...SPUR, "--out", "/proc/spurious1d-out"], /--out: expected a path (in a wr|this pr)/],
  ["experiment", ["--seeds", ""], /--seeds: expected an integer in \[0, 4294967295\].*got ""/],
  ["experiment", ["--seeds", "0,,1"], /--seeds: .*got "0,,1"/],
  ["experiment", ["--seeds", "0x10"], /--seeds: .*got "0x10"/],
  ["experiment", ["--seeds", "0,0"], /--seeds: expected a value not already in the list/],
  ["experiment", ["--workers", "0x2"], /--workers: expected an integer in \[1, 256\]/],
  ["experiment", ["--run", "../escape"], /--run: expected a name of letters/],
  ["experiment", ["--out", "README.md"], /--out: expected a directory path, got the existing file/],
];
for (const [command, argv, message] of CASES) {
  test(`${command} ${argv.join(" ").slice(0, 80)} -> exit 2 before any work`, async () => {
    await rejects(command, argv, message);
  });
}

test("study configs: empty methods, a hyperparameter out of range, duplicate seeds, a gigantic amplitude, a prototype name -> exit 2 naming the field", async () => {
  const dir = await freshPath("configs");
  await mkdir(dir, { recursive: true });
  const configs: [unknown, RegExp][] = [
    [{ methods: [] }, /methods: expected an object of method names/],
    [{ methods: { dfr: { C: [-1] } } }, /methods\.dfr\.C\[0\]: expected a finite number in \[0\.000001, 10000\]/],
    [{ methods: ["toString"] }, /methods\[0\]: expected one of erm/],
    [{ seeds: [0, 0] }, /seeds\[1\]: expected a value not already in the list, got 0/],
    [{ amplitude: 1e308 }, /amplitude: expected a finite number in \[0, 1000\], got 1e\+308/],
    [{ amplitudes: [0, 1e308] }, /amplitudes\[1\]:/],
  ];
  for (const [i, [config, message]] of configs.entries()) {
    const file = join(dir, `c${i}.json`);
    await writeFile(file, JSON.stringify(config));
    await rejects("experiment", ["--config", file, "--out", dir], message);
  }
  const deep = join(dir, "deep.json");
  await writeFile(deep, `{"seeds":${"[".repeat(10_000)}0${"]".repeat(10_000)}}`);
  await rejects("experiment", ["--config", deep], /--config: expected JSON nested at most 32 levels/);
});

test("presets: an unknown one, or --quick with --preset, is exit 2 naming the flag", async () => {
  await rejects("experiment", ["--preset", "huge"], /--preset: expected one of default, quick, full, got "huge"/);
  await rejects(
    "experiment",
    ["--quick", "--preset", "full"],
    /--quick: expected no --preset with it, got --preset full/,
  );
});

test("report on a run whose config.json or results.jsonl is damaged -> exit 2 naming the line", async () => {
  const dir = await freshPath("report");
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "config.json"), "{oops");
  await rejects("report", [dir], /DIR: expected a valid config\.json/);
  await writeFile(join(dir, "config.json"), JSON.stringify(resolveStudyConfig({})));
  await writeFile(join(dir, "results.jsonl"), '{"base":true}\n');
  await rejects("report", [dir], /results\.jsonl: line 1: id: expected a cell of this study/);
});

test("every Object.prototype name to every flag that takes a name, and as a command", async () => {
  for (const name of PROTOTYPE_NAMES) {
    await rejects("train", ["--method", name, ...SPUR], /--method: expected one of/);
    await rejects("train", ["--model", name], /--model: expected one of/);
    await rejects("train", ["--optimizer", name], /--optimizer: expected one of/);
    await rejects("train", ["--batch-order", name], /--batch-order: expected one of/);
    await rejects("train", ["--method", "afr", ...SPUR, "--grouping", name], /--grouping: expected one of/);
    await rejects("train", ["--method", "afr", ...SPUR, "--hp", `${name}=1`], /--hp .*: expected a hyperparameter/);
    await rejects("generate", ["--spurious-kind", name, "--out", "x"], /--spurious-kind: expected one of/);
    await rejects("generate", ["--test-mode", name, "--out", "x"], /--test-mode: expected one of/);
    await rejects("generate", ["--seed", name, "--out", "x"], /--seed: expected an integer/);
    await rejects("generate", [`--${name}`], /expected a known flag/);
  }
});

test("reportError: a user error is one line (2); a system error one line (1) unless --debug; a bug is 70 with its stack", () => {
  assert.deepEqual(reportError(new UsageError("--x: bad"), false), { code: 2, text: "spurious1d: --x: bad" });
  const enospc = Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
  const quiet = reportError(enospc, false);
  assert.equal(quiet.code, 1);
  assert.equal(quiet.text.split("\n").length, 1);
  assert.ok(reportError(enospc, true).text.split("\n").length > 1, "the stack with --debug");
  const bug = reportError(new TypeError("method.run is not a function"), false);
  assert.equal(bug.code, 70);
  assert.match(bug.text, /^spurious1d: internal error/);
  assert.match(bug.text, /TypeError: method\.run is not a function\n\s+at /);
  // A run that ended with failures it reports (cells failed every attempt) is neither: one line, exit 1.
  const failed = reportError(
    new RunFailure("1 cell(s) failed every attempt (rho=0.5,amp=1,seed=0): see failed.jsonl"),
    true,
  );
  assert.deepEqual(failed, {
    code: EXIT.failure,
    text: "spurious1d: 1 cell(s) failed every attempt (rho=0.5,amp=1,seed=0): see failed.jsonl",
  });
});

// As real processes: exit codes and stderr as a user sees them, and --out with --method writes its files.
const cli = (args: string[]) => {
  const c = cliCommand(args);
  return run(c.cmd, c.args);
};

test("the CLI process: exit 2 with one line for a prototype-name command and --method toString", async () => {
  for (const args of [["constructor"], ["train", "--method", "toString", "--rho", "0.9"]]) {
    const r = await cli(args);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  }
});

test("train --method --out writes metrics (with the selected hyperparameters) and predictions atomically", async () => {
  const out = await freshPath("method-out");
  const r = await cli([
    "train",
    "--method",
    "dfr",
    "--rho",
    "0.9",
    "--steps",
    "30",
    "--num-samples",
    "1000",
    "--hp",
    "C=0.1",
    "--hp",
    "refits=1",
    "--out",
    out,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const files = (await readdir(out)).sort();
  assert.deepEqual(files, [
    "erm_logits_test.npy",
    "erm_predictions_test.npy",
    "g_test.npy",
    "logits_test.npy",
    "metrics.json",
    "predictions_test.npy",
    "y_test.npy",
  ]);
  const metrics = JSON.parse(await readFile(join(out, "metrics.json"), "utf8"));
  assert.deepEqual(metrics.selected, { C: 0.1, refits: 1, multinomial: 0, l2: 0, gridEdge: 0 });
  const p = decodeNpy(new Uint8Array(await readFile(join(out, "predictions_test.npy"))));
  const y = decodeNpy(new Uint8Array(await readFile(join(out, "y_test.npy"))));
  assert.deepEqual(p.shape, y.shape);
  const siblings = await readdir(dirname(out));
  assert.ok(!siblings.some((s) => s.includes(".partial-")), "no staging directory left");
});

test("--out under a read-only directory is refused before any work (when permissions apply)", async () => {
  const parent = await freshPath("readonly");
  await mkdir(parent, { recursive: true });
  await chmod(parent, 0o555);
  try {
    const out = join(parent, "out");
    const lines: string[] = [];
    const outcome = await runTrain(
      ["--out", out, "--steps", "1", "--num-samples", "100", "--batch-size", "10"],
      (l) => lines.push(l),
    )
      .then(() => "ran", (e) => reportError(e, false));
    // Root ignores permission bits; then the run succeeds, and must have written a complete directory.
    if (typeof outcome === "string") assert.ok((await readdir(out)).includes("metrics.json"));
    else {
      assert.equal(outcome.code, 2, outcome.text);
      assert.match(outcome.text, /--out: expected a path in a writable directory/);
      assert.deepEqual(lines, []);
      assert.equal(await stat(out).catch(() => undefined), undefined);
    }
  } finally {
    await chmod(parent, 0o755);
  }
});
