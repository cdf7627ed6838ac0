// Build step: tsc does not keep the executable bit; the package's bin needs it.
import { chmod } from "node:fs/promises";

await chmod("build/js/src/cli/main.js", 0o755);
