// The `generate` command end to end, on the runtime running the test: files numpy can load,
// clear errors with exit code 2, and nothing written when the input is bad.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { cliCommand, freshPath } from "../helpers/env.ts";
import { run } from "../helpers/run.ts";
import { readDatasetFiles } from "../../src/data/mnist1d_files.ts";
import { makeMnist1d } from "../../src/data/mnist1d.ts";
import { resolveMnist1dArgs } from "../../src/data/mnist1d_args.ts";
import { oracleUnavailable } from "../helpers/oracle.ts";
import { decodeNpy } from "../../src/data/npy.ts";

const cli = (args: string[]) => {
  const c = cliCommand(args);
  return run(c.cmd, c.args);
};

async function readDir(dir: string): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  for (const name of await readdir(dir)) files.set(name, new Uint8Array(await readFile(`${dir}/${name}`)));
  return files;
}

test("generate writes the dataset the library makes, readable back, with meta.json", async () => {
  const out = await freshPath("gen");
  const r = await cli([
    "generate",
    "--num-samples",
    "600",
    "--seed",
    "3",
    "--padding",
    "10,20",
    "--shuffle-seq",
    "--out",
    out,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const files = await readDir(out);
  assert.deepEqual([...files.keys()].sort(), ["meta.json", "t.npy", "x.npy", "x_test.npy", "y.npy", "y_test.npy"]);
  const back = readDatasetFiles(files);
  const ds = await makeMnist1d(resolveMnist1dArgs({ numSamples: 600, seed: 3, padding: [10, 20], shuffleSeq: true }));
  assert.deepEqual(back.x, ds.x);
  assert.deepEqual(back.yTest, ds.yTest);
  assert.deepEqual(back.t, ds.t);
  const meta = JSON.parse(new TextDecoder().decode(files.get("meta.json")));
  assert.equal(meta.args.num_samples, 600);
  assert.deepEqual(meta.args.padding, [10, 20]);
  assert.equal(meta.args.shuffle_seq, true);
});

test("numpy.load reads every file as it is (dtype, shape, C order, values)", async (t) => {
  const why = await oracleUnavailable();
  if (why) return t.skip(why);
  const out = await freshPath("npy");
  assert.equal((await cli(["generate", "--num-samples", "200", "--out", out])).code, 0);
  const script = `import numpy as np, json
d = {n: np.load("${out}/" + n + ".npy") for n in ["x", "y", "x_test", "y_test", "t"]}
print(json.dumps({n: [str(a.dtype), list(a.shape), bool(a.flags.c_contiguous), float(a.ravel()[-1])] for n, a in d.items()}))`;
  const r = await run("python3", ["-c", script]);
  assert.equal(r.code, 0, r.stderr);
  const info = JSON.parse(r.stdout);
  const ds = await makeMnist1d(resolveMnist1dArgs({ numSamples: 200 }));
  assert.deepEqual(info.x, ["float64", [160, 40], true, ds.x[ds.x.length - 1]]);
  assert.deepEqual(info.y, ["int64", [160], true, ds.y[159]]);
  assert.deepEqual(info.x_test, ["float64", [40, 40], true, ds.xTest[ds.xTest.length - 1]]);
  assert.deepEqual(info.t, ["float64", [40], true, ds.t[39]]);
});

const BAD: [string, string[], RegExp][] = [
  [
    "non-integer --num-samples",
    ["--num-samples", "12.5"],
    /--num-samples: expected an integer in \[10, 2147483647\], got 12\.5/,
  ],
  [
    "too small --num-samples",
    ["--num-samples", "5"],
    /--num-samples: expected an integer in \[10, 2147483647\], got 5/,
  ],
  ["text for --num-samples", ["--num-samples", "lots"], /--num-samples: expected .*got "lots"/],
  ["--train-split leaving test empty", ["--train-split", "1"], /--train-split: expected .*non-empty/],
  ["--padding low > high", ["--padding", "9,3"], /--padding: expected low <= high, got 9,3/],
  ["negative --padding", ["--padding=-1,3"], /--padding LOW: expected an integer in \[0, 1048576\], got -1/],
  ["a value that looks like a flag", ["--padding", "-1,3"], /--padding: expected a value \(write --padding=VALUE/],
  ["--padding with one number", ["--padding", "7"], /--padding: expected two integers/],
  ["--seed above 2^32-1", ["--seed", "4294967296"], /--seed: expected an integer in \[0, 4294967295\]/],
  ["fractional --seed", ["--seed", "0.5"], /--seed: expected an integer/],
  [
    "--final-seq-length 1",
    ["--final-seq-length", "1"],
    /--final-seq-length: expected an integer in \[2, 1048576\], got 1/,
  ],
  ["NaN --scale-coeff", ["--scale-coeff", "nan"], /--scale-coeff: expected a finite number >= 0, got NaN/],
  ["infinite --shear-scale", ["--shear-scale", "inf"], /--shear-scale: expected a finite number >= 0, got Infinity/],
  ["unknown flag", ["--num-sample", "10"], /--num-sample: expected a known flag/],
  ["missing --out", [], /--out: expected an output directory path/],
];

for (const [name, flags, message] of BAD) {
  test(`generate rejects ${name} with exit code 2 and writes nothing`, async () => {
    const out = await freshPath("bad");
    const r = await cli(["generate", ...flags, ...(name === "missing --out" ? [] : ["--out", out])]);
    assert.equal(r.code, 2, `exit code; stderr: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split("\n").length, 1, "one line, no stack trace");
    assert.equal(await stat(out).catch(() => undefined), undefined, "output directory must not exist");
    const siblings = await readdir(dirname(out));
    assert.ok(!siblings.some((s) => s.includes(".partial-")), "no staging directory left behind");
  });
}

test("generate refuses an existing --out without --force and replaces it with --force", async () => {
  const out = await freshPath("exists");
  assert.equal((await cli(["generate", "--num-samples", "100", "--seed", "1", "--out", out])).code, 0);
  const before = await readFile(`${out}/x.npy`);
  const refused = await cli(["generate", "--num-samples", "100", "--seed", "2", "--out", out]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /--out: expected a path that does not exist yet/);
  assert.deepEqual(await readFile(`${out}/x.npy`), before, "untouched");
  assert.equal((await cli(["generate", "--num-samples", "100", "--seed", "2", "--out", out, "--force"])).code, 0);
  assert.notDeepEqual(await readFile(`${out}/x.npy`), before);
});

test("--help and unknown commands", async () => {
  const help = await cli(["generate", "--help"]);
  assert.equal(help.code, 0);
  for (
    const flag of ["--num-samples", "--padding LOW,HIGH", "--shuffle-seq", "--final-seq-length", "--seed", "--out"]
  ) {
    assert.ok(help.stdout.includes(flag), flag);
  }
  const unknown = await cli(["frobnicate"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /command: expected one of generate.*got "frobnicate"/);
});

test("with spurious flags, generate writes a/g arrays and the injected data; without them, the clean data", async () => {
  const clean = await freshPath("clean");
  const spur = await freshPath("spur");
  assert.equal((await cli(["generate", "--num-samples", "500", "--out", clean])).code, 0);
  const r = await cli([
    "generate",
    "--num-samples",
    "500",
    "--out",
    spur,
    "--rho",
    "0.9",
    "--exact",
    "--amplitude",
    "1.5",
    "--spurious-kind",
    "frequency",
    "--test-mode",
    "conflicting",
    "--spurious-seed",
    "11",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const c = await readDir(clean);
  const s = await readDir(spur);
  assert.ok(!c.has("a.npy"), "clean output has no attributes");
  for (const name of ["a.npy", "g.npy", "a_test.npy", "g_test.npy"]) assert.ok(s.has(name), name);
  assert.deepEqual(s.get("y.npy"), c.get("y.npy"), "labels unchanged");
  assert.notDeepEqual(s.get("x.npy"), c.get("x.npy"), "features injected");
  const clean2 = readDatasetFiles(c);
  const ds = await makeMnist1d(resolveMnist1dArgs({ numSamples: 500 }));
  assert.deepEqual(clean2.x, ds.x, "no spurious flag: exactly the clean data");
  const meta = JSON.parse(new TextDecoder().decode(s.get("meta.json")));
  assert.deepEqual(meta.spurious.train, { mode: "aligned", rho: 0.9, exact: true, seed: 11 });
  assert.equal(meta.spurious.test.mode, "conflicting");
  const a = decodeNpy(s.get("a_test.npy")!, "a_test.npy").data as BigInt64Array;
  const y = decodeNpy(s.get("y_test.npy")!, "y_test.npy").data as BigInt64Array;
  for (let i = 0; i < a.length; i++) assert.notEqual(a[i], y[i], "conflicting test attributes never equal the label");
});

const BAD_SPURIOUS: [string, string[], RegExp][] = [
  ["rho outside [0, 1]", ["--rho", "1.5"], /--rho: expected a finite number in \[0, 1\], got 1\.5/],
  ["K < 2", ["--num-attributes", "1"], /--num-attributes: expected an integer in \[2, 65536\], got 1/],
  [
    "a window outside the sequence",
    ["--window-start", "38"],
    /--window-start: expected a patch window that stays inside/,
  ],
  ["negative amplitude", ["--amplitude=-1"], /--amplitude: expected a finite number >= 0, got -1/],
  ["NaN amplitude", ["--amplitude", "nan"], /--amplitude: expected a finite number >= 0, got NaN/],
  [
    "unknown kind",
    ["--spurious-kind", "stripe"],
    /--spurious-kind: expected one of "patch", "frequency", "offset", got "stripe"/,
  ],
  [
    "unknown mode",
    ["--test-mode", "sideways"],
    /--test-mode: expected one of "aligned", "random", "conflicting", "absent", got "sideways"/,
  ],
];

for (const [name, flags, message] of BAD_SPURIOUS) {
  test(`generate rejects ${name} with exit code 2 and writes nothing`, async () => {
    const out = await freshPath("badspur");
    const r = await cli(["generate", ...flags, "--out", out]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
    assert.equal(await stat(out).catch(() => undefined), undefined);
  });
}
