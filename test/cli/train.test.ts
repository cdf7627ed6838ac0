// The `train` command end to end: JSON metrics with groups, saved weights and embeddings, and errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile, stat } from "node:fs/promises";
import { cliCommand, freshPath } from "../helpers/env.ts";
import { run } from "../helpers/run.ts";
import { decodeNpy } from "../../src/data/npy.ts";

const cli = (args: string[]) => {
  const c = cliCommand(args);
  return run(c.cmd, c.args);
};

test("train --json reports accuracy, worst-group accuracy and speed; --out saves weights and embeddings", async () => {
  const out = await freshPath("train");
  const r = await cli([
    "train",
    "--model",
    "mlp",
    "--steps",
    "40",
    "--num-samples",
    "1000",
    "--rho",
    "0.9",
    "--json",
    "--out",
    out,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.model, "mlp");
  assert.ok(report.test.accuracy > 0.1 && report.test.accuracy <= 1);
  assert.ok(report.test.worstGroupAccuracy <= report.test.accuracy);
  assert.equal(report.test.groups.length, 100);
  assert.ok(report.samplesPerSecond > 0);
  const files = (await readdir(out)).sort();
  assert.deepEqual(files, [
    "W1.npy",
    "W2.npy",
    "b1.npy",
    "b2.npy",
    "emb.npy",
    "emb_test.npy",
    "head_W.npy",
    "head_b.npy",
    "metrics.json",
  ]);
  const emb = decodeNpy(new Uint8Array(await readFile(`${out}/emb_test.npy`)));
  assert.deepEqual(emb.shape, [200, 100]);
  const w = decodeNpy(new Uint8Array(await readFile(`${out}/head_W.npy`)));
  assert.deepEqual(w.shape, [100, 10]);
});

test("the same train command twice prints the same metrics", async () => {
  const args = ["train", "--model", "cnn", "--steps", "15", "--num-samples", "600", "--seed", "4", "--json"];
  const [a, b] = [await cli(args), await cli(args)];
  assert.equal(a.code, 0, a.stderr);
  const strip = (s: string) => {
    const o = JSON.parse(s);
    delete o.samplesPerSecond;
    delete o.seconds;
    return o;
  };
  assert.deepEqual(strip(a.stdout), strip(b.stdout));
});

const BAD: [string[], RegExp][] = [
  [["--learning-rate", "0"], /--learning-rate: expected a finite number > 0, got 0/],
  [["--batch-size", "5000"], /--batch-size: expected at most the 4000 training examples, got 5000/],
  [["--model", "rnn"], /--model: expected one of "linear", "mlp", "cnn", got "rnn"/],
  [["--optimizer", "lbfgs"], /--optimizer: expected one of "adam", "sgd", got "lbfgs"/],
  [["--learning-rate", "1e30", "--steps", "20"], /training diverged: the loss is (NaN|Infinity) at step \d+/],
];
for (const [flags, message] of BAD) {
  test(`train rejects ${flags.join(" ")} with exit code 2 and writes nothing`, async () => {
    const out = await freshPath("badtrain");
    const r = await cli(["train", ...flags, "--out", out]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
    assert.equal(await stat(out).catch(() => undefined), undefined);
  });
}

test("train --method reports ERM's and the method's metrics, selected hyperparameters and diagnostics", async () => {
  const r = await cli([
    "train",
    "--method",
    "afr",
    "--rho",
    "0.95",
    "--steps",
    "300",
    "--grouping",
    "coarse",
    "--hp",
    "gamma=4",
    "--hp",
    "lambda=0",
    "--hp",
    "steps=20",
    "--json",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.method, "afr");
  assert.equal(report.groupLabels, "validation");
  assert.equal(report.numGroups, 20);
  for (
    const key of [
      "averageAccuracy",
      "worstGroupAccuracy",
      "meanGroupAccuracy",
      "trainWeightedAccuracy",
      "worstClassAccuracy",
      "meanLoss",
      "ece",
    ]
  ) {
    // Finite (typeof would let NaN through); accuracies are fractions, losses and ECE non-negative.
    for (const side of ["erm", "result"]) {
      const v = report[side][key];
      assert.ok(Number.isFinite(v), `${side}.${key} is ${v}`);
      assert.ok(v >= 0 && (key === "meanLoss" || v <= 1), `${side}.${key} = ${v} is out of range`);
    }
  }
  assert.equal(report.selected.gamma, 4);
  assert.ok(report.diagnostics.effectiveSampleSize > 1);
});

const BAD_METHOD: [string[], RegExp][] = [
  [["--method", "nope", "--rho", "0.9"], /--method: expected one of erm, dfr, .*got "nope"/],
  [["--method", "dfr"], /--method: expected spurious flags/],
  [
    ["--method", "afr", "--rho", "0.9", "--hp", "gama=4"],
    /--hp gama: expected a hyperparameter of afr \(gamma, lambda, steps, learningRate, every\), got "gama"/,
  ],
  [
    ["--method", "afr", "--rho", "0.9", "--hp", "gamma=x"],
    /--hp gamma: expected a finite number in \[0, 100\], got "x"/,
  ],
  [
    ["--method", "self", "--rho", "0.9", "--select-by", "toString"],
    /--select-by: expected one of val-wga, val-worst-env, val-worst-class, val-accuracy, oracle-test, got "toString"/,
  ],
  [
    ["--method", "dfr", "--rho", "0.9", "--select-by", "val-accuracy"],
    /--select-by: expected nothing: dfr selects as its paper does, got "val-accuracy"/,
  ],
  [["--select-by", "val-wga"], /--select-by: expected --method with it, got no --method/],
  [
    ["--method", "afr", "--rho", "0.9", "--grouping", "medium"],
    /--grouping: expected one of "fine", "coarse", got "medium"/,
  ],
];
for (const [flags, message] of BAD_METHOD) {
  test(`train rejects ${flags.join(" ")} with exit code 2`, async () => {
    const r = await cli(["train", ...flags]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
  });
}
