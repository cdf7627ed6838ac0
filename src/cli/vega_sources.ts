// Reads the browser builds of vega, vega-embed and vega-interpreter from node_modules, for the
// report's inlined interactivity.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join, sep } from "node:path";
import type { VegaSources } from "../report/scripts.ts";

const BUILDS = {
  vega: ["vega", "build/vega.min.js"],
  vegaEmbed: ["vega-embed", "build/vega-embed.min.js"],
  vegaInterpreter: ["vega-interpreter", "build/vega-interpreter.js"],
} as const;

/** The three builds' text. */
export async function readVegaSources(): Promise<VegaSources> {
  const require = createRequire(import.meta.url);
  // The packages' exports hide package.json; their folder is the part of the entry's path up to the name.
  const root = (pkg: string) => {
    const entry = require.resolve(pkg);
    const at = entry.lastIndexOf(`${sep}node_modules${sep}${pkg}${sep}`);
    if (at < 0) throw new Error(`readVegaSources: ${pkg} resolved outside node_modules (${entry})`);
    return entry.slice(0, at + `${sep}node_modules${sep}${pkg}`.length);
  };
  const read = async ([pkg, file]: readonly [string, string]) => await readFile(join(root(pkg), file), "utf8");
  return {
    vega: await read(BUILDS.vega),
    vegaEmbed: await read(BUILDS.vegaEmbed),
    vegaInterpreter: await read(BUILDS.vegaInterpreter),
  };
}
