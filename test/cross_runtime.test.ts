// Determinism across runtimes: Deno computes the same bytes as Node for the same configs and seeds
// (data, injections of every kind, metrics with exp and log). Runs from the Node side of the suite.
import { test } from "node:test";
import assert from "node:assert/strict";
import { DENO_BIN, IS_DENO } from "./helpers/env.ts";
import { fingerprints } from "./helpers/fingerprint.ts";
import { run } from "./helpers/run.ts";

test("Deno and Node give identical bytes for generation, injection, metrics and trained weights", async (t) => {
  if (IS_DENO) return t.skip("runs from the Node side (it starts Deno itself)");
  const ours = await fingerprints();
  const r = await run(DENO_BIN, ["run", "--allow-read=.", "--allow-env", "test/helpers/fingerprint.ts"]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), ours);
});
