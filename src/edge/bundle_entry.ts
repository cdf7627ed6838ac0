// Entry of the single-file bundle (build/spurious1d.bundle.js): the library API and the fetch
// handler, usable as `export default { fetch }` (Workers-style) and with Deno.serve(fetch).
export * from "../mod.ts";
export { createHandler, fetch, type HandlerOptions } from "./handler.ts";
import { fetch } from "./handler.ts";
export default { fetch };
