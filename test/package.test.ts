// The packed package as a consumer gets it: `npm pack`, install the tarball into a fresh project,
// and run one end-to-end script there (generate, inject, train 100 steps, DFR, metrics) under Node
// and under Deno (both must print the same numbers), and type-check it against the shipped
// declarations. Offline: the package's dependencies are linked from this checkout's node_modules
// before `npm install --offline` adds the tarball itself.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, readFile, realpath, symlink, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import process from "node:process";
import { DENO_BIN, freshPath, IS_DENO } from "./helpers/env.ts";

const ROOT = process.cwd();

/** Run a command in `cwd`; resolves with its output, rejects (with its output) on a non-zero exit. */
function sh(cmd: string, args: string[], cwd: string): Promise<string> {
  return new Promise((ok, fail) => {
    execFile(cmd, args, { cwd, maxBuffer: 1 << 24 }, (error, stdout, stderr) => {
      if (error) fail(new Error(`${cmd} ${args.join(" ")} failed (${error.message}):\n${stdout}\n${stderr}`));
      else ok(stdout);
    });
  });
}

// What a consumer writes: only the package's public entry, "spurious1d".
const SCRIPT = `
import {
  groupIds,
  groupMetrics,
  injectSpurious,
  makeMnist1d,
  makeSplits,
  resolveAttributeDraw,
  resolveMnist1dArgs,
  resolveSpuriousFeature,
  resolveTrainConfig,
  runMethod,
  SPLIT_DEFAULTS,
  trainModel,
} from "spurious1d";

const ds = await makeMnist1d(resolveMnist1dArgs({ numSamples: 2000, seed: 1 }));
const feature = resolveSpuriousFeature({ kind: "patch", amplitude: 1 }, ds.seqLength);
const draw = resolveAttributeDraw({ mode: "aligned", rho: 0.95, seed: 2 });
const train = injectSpurious(ds.x, ds.y, ds.seqLength, feature, draw);
const test = injectSpurious(ds.xTest, ds.yTest, ds.seqLength, feature, { ...draw, mode: "absent", seed: 3 });
const coarse = groupIds(test.y, test.a, 10, "coarse");
const training = resolveTrainConfig({ model: "mlp", steps: 100 });
const trained = await trainModel(training, {
  train: { x: train.x, y: train.y },
  test: { x: test.x, y: test.y, g: coarse },
  seqLength: ds.seqLength,
  numGroups: 20,
});
const small = { numSamples: 2000 };
const splits = await makeSplits(
  {
    train: SPLIT_DEFAULTS.train,
    heldout: { ...SPLIT_DEFAULTS.heldout, ...small },
    val: { ...SPLIT_DEFAULTS.val, ...small },
    test: { ...SPLIT_DEFAULTS.test, ...small },
  },
  {},
  feature,
);
const dfr = await runMethod("dfr", { splits, training, grouping: "coarse", params: { C: [0.3, 0.1], refits: 2 } });
const self = groupMetrics({ labels: test.y, groups: coarse, numGroups: 20, numClasses: 10, predictions: test.y });
console.log(JSON.stringify({
  sizes: [train.x.length, test.x.length],
  trained: [trained.test.averageAccuracy, trained.test.worstGroupAccuracy, trained.test.meanLoss],
  erm: [dfr.erm.averageAccuracy, dfr.erm.worstGroupAccuracy],
  dfr: [dfr.result.averageAccuracy, dfr.result.worstGroupAccuracy],
  selectedC: dfr.selected.C,
  gridEdge: dfr.selected.gridEdge,
  selfAccuracy: self.averageAccuracy,
}));
`;

test("npm pack: the tarball installs into a fresh project, and one script runs end to end under Node and Deno", async (t) => {
  if (IS_DENO) return t.skip("runs once, from the Node side (it runs both runtimes itself)");
  const dir = resolve(await freshPath("pack"));
  const project = join(dir, "consumer");
  await mkdir(project, { recursive: true });
  const packed = await sh("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", dir], ROOT);
  const tarball = join(dir, packed.trim().split("\n").at(-1)!);
  const manifest = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8"));
  await writeFile(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  for (const dep of Object.keys(manifest.dependencies)) {
    const link = join(project, "node_modules", dep);
    await mkdir(dirname(link), { recursive: true });
    await symlink(await realpath(join(ROOT, "node_modules", dep)), link);
  }
  await sh("npm", ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", tarball], project);
  // The installed copy is the tarball's, not this checkout.
  const installed = join(project, "node_modules", "spurious1d");
  assert.notEqual(await realpath(installed), ROOT);
  assert.equal(JSON.parse(await readFile(join(installed, "package.json"), "utf8")).version, manifest.version);
  await writeFile(join(project, "e2e.mjs"), SCRIPT);

  // Typed for a TypeScript consumer: the script type-checks against the shipped declarations, and a
  // wrong use of a result is an error (so the types are real, not any).
  const tsc = [resolve(ROOT, "node_modules/typescript/bin/tsc"), "--noEmit", "--strict", "--skipLibCheck"];
  const tscFlags = ["--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022", "--types", "node"];
  await writeFile(join(project, "typed.mts"), SCRIPT + "\nexport const wga: number = dfr.result.worstGroupAccuracy;\n");
  await writeFile(
    join(project, "mistyped.mts"),
    SCRIPT + "\nexport const wga: string = dfr.result.worstGroupAccuracy;\n",
  );
  // One tsc run over both files: the only error must be the mistyped line.
  const checked = await sh(process.execPath, [...tsc, ...tscFlags, "typed.mts", "mistyped.mts"], project).then(
    () => "",
    (error: Error) => error.message,
  );
  const errors = checked.split("\n").filter((line) => /error TS\d+/.test(line));
  assert.equal(errors.length, 1, checked);
  assert.match(errors[0], /^mistyped\.mts\(\d+,\d+\): error TS2322: Type 'number' is not assignable to type 'string'/);

  const fromNode = JSON.parse(await sh(process.execPath, ["e2e.mjs"], project));
  const fromDeno = JSON.parse(
    await sh(resolve(ROOT, DENO_BIN), ["run", "--allow-read", "--allow-env", "e2e.mjs"], project),
  );
  t.diagnostic(`consumer script: ${JSON.stringify(fromNode)}`);
  assert.deepEqual(fromDeno, fromNode, "the same numbers under Deno and Node");
  assert.deepEqual(fromNode.sizes, [1600 * 40, 400 * 40]);
  for (const v of [...fromNode.trained, ...fromNode.erm, ...fromNode.dfr]) assert.ok(Number.isFinite(v), `${v}`);
  for (const v of [fromNode.trained[0], fromNode.erm[0], fromNode.dfr[0]]) {
    assert.ok(v > 0.1 && v <= 1, `accuracy ${v} after 100 steps is above chance`);
  }
  // From the grid [0.3, 0.1], or past the edge it reports (DFR extends its grid by factors of 3 at an edge).
  const fromGrid = [0.3, 0.1].includes(fromNode.selectedC) ||
    (fromNode.gridEdge === 1 && fromNode.selectedC > 0.3) || (fromNode.gridEdge === -1 && fromNode.selectedC < 0.1);
  assert.ok(
    fromGrid,
    `DFR's C ${fromNode.selectedC} (grid edge ${fromNode.gridEdge}) is from its grid or beyond its edge`,
  );
  assert.equal(fromNode.selfAccuracy, 1);
});
