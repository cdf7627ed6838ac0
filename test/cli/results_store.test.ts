// results.jsonl: a torn last line (a run killed mid-write) is dropped and the file repaired.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { appendResult, loadResults } from "../../src/cli/results_store.ts";
import { freshPath } from "../helpers/env.ts";

test("complete records survive, a torn tail is dropped and the file repaired", async () => {
  const dir = await freshPath("store");
  await mkdir(dir, { recursive: true });
  const file = `${dir}/results.jsonl`;
  await appendResult(file, { id: "a", v: 1 });
  await appendResult(file, { id: "b", v: 2 });
  await writeFile(file, (await readFile(file, "utf8")) + '{"id":"c","v":');
  assert.deepEqual(await loadResults(file), [{ id: "a", v: 1 }, { id: "b", v: 2 }]);
  assert.equal(await readFile(file, "utf8"), '{"id":"a","v":1}\n{"id":"b","v":2}\n');
  assert.deepEqual(await loadResults(`${dir}/missing.jsonl`), []);
});
