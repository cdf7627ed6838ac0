// Build step: the single-file ESM bundle build/spurious1d.bundle.js (library API + fetch handler,
// every WASM module embedded), made with `deno bundle` for the browser platform.
// tfjs-core picks its Node platform wherever process.versions.node exists (Node, and Deno 2), and that
// platform needs node:util, which a browser bundle stubs out. The stub is replaced by the few
// web-standard pieces tfjs uses from it, so the same bundle runs in Node, Deno, browsers and workers.
// Likewise tfjs-wasm's Emscripten glue takes its Node branch (fs, __dirname) wherever it sees Node; the
// binary reaches it through instantiateWasm (a data: URL, fetched), so the web branch serves everywhere.
import { execFileSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";

const out = "build/spurious1d.bundle.js";
execFileSync("node_modules/.bin/deno", [
  "bundle",
  "--quiet",
  "--platform",
  "browser",
  "--format",
  "esm",
  "src/edge/bundle_entry.ts",
  "-o",
  out,
], { stdio: "inherit" });
const text = await readFile(out, "utf8");
const stub = "this.util = require_deno_browser_disabled_util();";
if (!text.includes(stub)) {
  throw new Error(`bundle: tfjs's node platform no longer reads util as expected; revisit scripts/bundle.mjs`);
}
const util = "this.util = { TextEncoder, TextDecoder, types: { isFloat32Array: (a) => a instanceof Float32Array, " +
  "isInt32Array: (a) => a instanceof Int32Array, isUint8Array: (a) => a instanceof Uint8Array, " +
  "isUint8ClampedArray: (a) => a instanceof Uint8ClampedArray } };";
const nodeCheck =
  'var ENVIRONMENT_IS_NODE = typeof process == "object" && typeof process.versions == "object" && typeof process.versions.node == "string";';
const glues = text.split(nodeCheck).length - 1;
if (glues < 1) throw new Error("bundle: the Emscripten glue's Node check was not found; revisit scripts/bundle.mjs");
await writeFile(out, text.replace(stub, util).replaceAll(nodeCheck, "var ENVIRONMENT_IS_NODE = false;"));
console.log(`bundled ${out} (${(text.length / 1e6).toFixed(2)} MB)`);
