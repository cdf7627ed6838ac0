// The public API (src/mod.ts): it exports what the README promises, the bundle exports the same
// names, the README's library example runs as printed, and so does every example in docs/api.md,
// which together use every value the module exports.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import process from "node:process";
import { pathToFileURL } from "node:url";
import * as api from "../src/mod.ts";
import { freshPath, IS_DENO } from "./helpers/env.ts";
import { run } from "./helpers/run.ts";

const ROOT = process.cwd();
/** The module "spurious1d" resolves to in this runtime: the source under Deno, the build under Node. */
const MOD_URL = pathToFileURL(resolve(ROOT, IS_DENO ? "src/mod.ts" : "build/js/src/mod.js")).href;

/** The ```ts blocks of a Markdown file, in order. */
function tsBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
}

/** Run a block of TypeScript that imports "spurious1d" as a module of this runtime. */
async function runBlock(code: string, name: string): Promise<void> {
  const source = code.replaceAll(`from "spurious1d"`, `from ${JSON.stringify(MOD_URL)}`);
  assert.notEqual(source, code, `${name} imports "spurious1d"`);
  const dir = await freshPath(name);
  await mkdir(dir, { recursive: true });
  let file: string;
  if (IS_DENO) {
    file = join(dir, "example.ts");
    await writeFile(file, source);
  } else {
    // Node 20 cannot strip types: TypeScript itself transpiles the block (types only; nothing is rewritten).
    const ts = (await import("typescript")).default;
    const js = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    file = join(dir, "example.mjs");
    await writeFile(file, js);
  }
  await import(pathToFileURL(resolve(ROOT, file)).href);
}

const REQUIRED = [
  "makeMnist1d",
  "Mnist1dGenerator",
  "injectSpurious",
  "groupMetrics",
  "makeSplits",
  "trainModel",
  "runMethod",
  "METHODS",
  "runStudy",
  "decodeNpy",
  "encodeNpy",
];

test("the public API exports the whole pipeline", () => {
  for (const name of REQUIRED) assert.ok(name in api, `spurious1d exports ${name}`);
  for (const name of REQUIRED.filter((n) => n !== "METHODS")) {
    assert.equal(typeof (api as Record<string, unknown>)[name], "function", name);
  }
  assert.ok(api.METHODS.has("dfr"));
});

test("the bundle exports the same API as the module, plus its fetch handler", async () => {
  // In a child process: a second copy of tfjs in this one would share tfjs's global registries.
  const url = pathToFileURL(resolve(ROOT, "build/spurious1d.bundle.js")).href;
  const code = `const m = await import(${JSON.stringify(url)}); console.log(JSON.stringify(Object.keys(m)));`;
  const r = IS_DENO
    ? await run(process.execPath, ["eval", code])
    : await run(process.execPath, ["--input-type=module", "-e", code]);
  assert.equal(r.code, 0, r.stderr);
  const names: string[] = JSON.parse(r.stdout.trim().split("\n").at(-1)!);
  const extra = new Set(["fetch", "createHandler", "default"]);
  assert.deepEqual(names.filter((k) => !extra.has(k)).sort(), Object.keys(api).sort());
  for (const k of extra) assert.ok(names.includes(k), `the bundle exports ${k}`);
});

test("the README's library example runs as printed", async () => {
  const readme = await readFile(join(ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Library"));
  const [example] = tsBlocks(section);
  assert.ok(example?.includes("runMethod("), "the README has a library section with the end-to-end example");
  await runBlock(example, "readme-library");
});

test("docs/api.md: every example runs, and together they use every value the module exports", async () => {
  const blocks = tsBlocks(await readFile(join(ROOT, "docs/api.md"), "utf8"));
  const used = new Set(blocks.flatMap((b) => [...b.matchAll(/[A-Za-z_$][\w$]*/g)].map((m) => m[0])));
  const missing = Object.keys(api).filter((name) => !used.has(name));
  assert.deepEqual(missing, [], "exports without an example in docs/api.md");
  for (const [i, block] of blocks.entries()) await runBlock(block, `api-${i}`);
});
