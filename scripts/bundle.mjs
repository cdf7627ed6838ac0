// Build step: the single-file ESM bundle build/spurious1d.bundle.js (library API + fetch handler,
// every WASM module embedded), made with `deno bundle` for the browser platform (see browser_bundle.mjs).
import { bundleForBrowser } from "./browser_bundle.mjs";

const out = "build/spurious1d.bundle.js";
const text = await bundleForBrowser("src/edge/bundle_entry.ts", out);
console.log(`bundled ${out} (${(text.length / 1e6).toFixed(2)} MB)`);
