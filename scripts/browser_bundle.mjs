// Bundling for the browser with `deno bundle`, shared by the library bundle and the playground.
// tfjs-core picks its Node platform wherever process.versions.node exists (Node, and Deno 2), and that
// platform needs node:util, which a browser bundle stubs out. The stub is replaced by the few
// web-standard pieces tfjs uses from it, so the same bundle runs in Node, Deno, browsers and workers.
// Likewise tfjs-wasm's Emscripten glue takes its Node branch (fs, __dirname) wherever it sees Node; the
// binary reaches it through instantiateWasm (a data: URL, fetched), so the web branch serves everywhere.
import { execFileSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";

/** Bundle `entry` into the ESM file `out`; `tfjs` applies the tfjs patches above (and checks they apply). */
export async function bundleForBrowser(entry, out, { tfjs = true, minify = false } = {}) {
  execFileSync("node_modules/.bin/deno", [
    "bundle",
    "--quiet",
    "--platform",
    "browser",
    "--format",
    "esm",
    ...(minify ? ["--minify"] : []),
    entry,
    "-o",
    out,
  ], { stdio: "inherit" });
  const text = await readFile(out, "utf8");
  if (!tfjs) return text;
  const stub = "this.util = require_deno_browser_disabled_util();";
  if (!text.includes(stub)) {
    throw new Error(
      `bundle: tfjs's node platform no longer reads util as expected; revisit scripts/browser_bundle.mjs`,
    );
  }
  const util = "this.util = { TextEncoder, TextDecoder, types: { isFloat32Array: (a) => a instanceof Float32Array, " +
    "isInt32Array: (a) => a instanceof Int32Array, isUint8Array: (a) => a instanceof Uint8Array, " +
    "isUint8ClampedArray: (a) => a instanceof Uint8ClampedArray } };";
  const nodeCheck =
    'var ENVIRONMENT_IS_NODE = typeof process == "object" && typeof process.versions == "object" && typeof process.versions.node == "string";';
  const glues = text.split(nodeCheck).length - 1;
  if (glues < 1) {
    throw new Error("bundle: the Emscripten glue's Node check was not found; revisit scripts/browser_bundle.mjs");
  }
  const patched = text.replace(stub, util).replaceAll(nodeCheck, "var ENVIRONMENT_IS_NODE = false;");
  await writeFile(out, patched);
  return patched;
}
