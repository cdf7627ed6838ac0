// The single-file bundle (build/spurious1d.bundle.js) in every place it must run, giving the same
// bytes as the CLI for the same config and seed: Deno with no permission flags at all, Node, Node with
// code generation from strings disabled, and a Web Worker in headless Chromium. Runs from Node.
import { test } from "node:test";
import { browserUnavailable, launchChromium } from "../helpers/browser.ts";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, join, resolve } from "node:path";
import process from "node:process";
import { cliCommand, DENO_BIN, freshPath, IS_DENO } from "../helpers/env.ts";
import { run } from "../helpers/run.ts";
import { sha256 } from "../helpers/hash.ts";

const BODY = JSON.stringify({
  mnist: { numSamples: 300, seed: 9 },
  spurious: { feature: { amplitude: 1 }, train: { rho: 0.9, seed: 3 } },
});
// The script every runtime runs: sha256 of x.npy and x_test.npy from /generate, and /train's metrics.
const SCRIPT = (bundleUrl: string) => `
import handler from ${JSON.stringify(bundleUrl)};
const hex = async (buf) => [...new Uint8Array(await crypto.subtle.digest("SHA-256", buf))].map((b) => b.toString(16).padStart(2, "0")).join("");
const npy = async (name) => hex(await (await handler.fetch(new Request("http://x/generate?array=" + name, { method: "POST", headers: { accept: "application/x-npy" }, body: ${
  JSON.stringify(BODY)
} }))).arrayBuffer());
const train = await (await handler.fetch(new Request("http://x/train", { method: "POST", body: JSON.stringify({ mnist: { numSamples: 300, seed: 9 }, training: { model: "mlp", steps: 15, seed: 2 } }) }))).json();
export const result = { x: await npy("x"), x_test: await npy("x_test"), a: await npy("a"), accuracy: train.test.accuracy, loss: train.test.meanLoss };
`;

async function cliReference(): Promise<Record<string, unknown>> {
  const out = await freshPath("edgecli");
  const gen = cliCommand([
    "generate",
    "--num-samples",
    "300",
    "--seed",
    "9",
    "--amplitude",
    "1",
    "--rho",
    "0.9",
    "--spurious-seed",
    "3",
    "--out",
    out,
    "--quiet",
  ]);
  assert.equal((await run(gen.cmd, gen.args)).code, 0);
  const tr = cliCommand([
    "train",
    "--model",
    "mlp",
    "--steps",
    "15",
    "--seed",
    "2",
    "--num-samples",
    "300",
    "--data-seed",
    "9",
    "--json",
  ]);
  const t = await run(tr.cmd, tr.args);
  assert.equal(t.code, 0, t.stderr);
  const metrics = JSON.parse(t.stdout);
  const file = async (n: string) => sha256(new Uint8Array(await readFile(`${out}/${n}.npy`)));
  return {
    x: await file("x"),
    x_test: await file("x_test"),
    a: await file("a"),
    accuracy: metrics.test.accuracy,
    loss: metrics.test.meanLoss,
  };
}

test("the bundle gives the CLI's bytes in Deno without permissions, in Node, and in Node without eval", async (t) => {
  if (IS_DENO) return t.skip("runs from the Node side (it starts Deno itself)");
  const expected = await cliReference();
  const dir = resolve(await freshPath("edgescript"));
  await (await import("node:fs/promises")).mkdir(dir, { recursive: true });
  const bundle = resolve("build/spurious1d.bundle.js");
  await writeFile(join(dir, "run.mjs"), SCRIPT(`file://${bundle}`) + "\nconsole.log(JSON.stringify(result));\n");
  const parse = (r: { code: number; stdout: string; stderr: string }) => {
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout.trim().split("\n").pop()!);
  };
  assert.deepEqual(
    parse(await run(DENO_BIN, ["run", "--no-prompt", join(dir, "run.mjs")])),
    expected,
    "Deno, no permission flags",
  );
  assert.deepEqual(parse(await run(process.execPath, [join(dir, "run.mjs")])), expected, "Node");
  assert.deepEqual(
    parse(await run(process.execPath, ["--disallow-code-generation-from-strings", join(dir, "run.mjs")])),
    expected,
    "Node without eval",
  );
  assert.deepEqual(
    parse(
      await run(DENO_BIN, [
        "run",
        "--no-prompt",
        "--v8-flags=--disallow-code-generation-from-strings",
        join(dir, "run.mjs"),
      ]),
    ),
    expected,
    "Deno without eval",
  );
});

test("the bundle gives the CLI's bytes inside a Web Worker in headless Chromium", async (t) => {
  if (IS_DENO) return t.skip("runs from the Node side (playwright drives the browser)");
  const why = await browserUnavailable();
  if (why) return t.skip(why);
  const expected = await cliReference();
  const root = resolve(".");
  const pages: Record<string, string> = {
    "/worker.mjs": SCRIPT("/build/spurious1d.bundle.js") + "\npostMessage(result);\n",
    "/index.html": `<!doctype html><script type="module">
      const w = new Worker("/worker.mjs", { type: "module" });
      window.result = new Promise((ok, fail) => { w.onmessage = (e) => ok(e.data); w.onerror = (e) => fail(e.message); });
    </script>`,
  };
  // A loopback server for the page, the worker and the bundle only (module workers need http).
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const body = pages[path] ?? (path === "/build/spurious1d.bundle.js" ? await readFile(join(root, path)) : undefined);
    if (body === undefined) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": extname(path) === ".html" ? "text/html" : "text/javascript" }).end(body);
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const port = (server.address() as { port: number }).port;
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`http://127.0.0.1:${port}/index.html`);
    const got = await page.evaluate(() => (window as unknown as { result: Promise<unknown> }).result);
    assert.deepEqual(got, expected);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});
