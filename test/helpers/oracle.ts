// The numpy/scipy oracle (test/oracle/mnist1d_oracle.py): sha256 of every array for any arguments.
import { referenceArgs } from "../../src/data/mnist1d_files.ts";
import type { Mnist1dArgs } from "../../src/data/mnist1d_args.ts";
import { run } from "./run.ts";

/** The environment the reference data was made in: no AVX512 exp in numpy, no FMA in libm. */
export const PORTABLE_ENV: Record<string, string> = {
  NPY_DISABLE_CPU_FEATURES: "AVX512F AVX512CD AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL",
  GLIBC_TUNABLES: "glibc.cpu.hwcaps=-AVX2,-FMA",
};

/** Why the oracle cannot run here, or undefined when python3 with numpy and scipy is available. */
export async function oracleUnavailable(): Promise<string | undefined> {
  try {
    const r = await run("python3", ["-c", "import numpy, scipy"]);
    return r.code === 0 ? undefined : `python3 lacks numpy/scipy: ${r.stderr.trim()}`;
  } catch (error) {
    return `python3 not found: ${String(error)}`;
  }
}

/** sha256 of x, x_test, y, y_test, t, templates_x, templates_t as the oracle makes them. */
export async function oracleHashes(args: Mnist1dArgs): Promise<Record<string, string>> {
  const r = await run("python3", ["test/oracle/mnist1d_oracle.py", JSON.stringify(referenceArgs(args))], PORTABLE_ENV);
  if (r.code !== 0) throw new Error(`oracle failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}
