// `spurious1d serve`: the routes (the playground's files, then the fetch handler) as a function, and
// the real server under Node (node:http) and Deno (Deno.serve, --allow-net only): answers over HTTP,
// one log line per request, a clean exit on SIGINT and SIGTERM, and usage errors for bad flags.
import { test } from "node:test";
import assert from "node:assert/strict";
import { playgroundServer } from "../../src/cli/serve.ts";
import { cliCommand, IS_DENO } from "../helpers/env.ts";
import { run } from "../helpers/run.ts";
import { startServer } from "../helpers/serve.ts";

test("the page and its scripts are served with a strict CSP; every other path reaches the handler", async () => {
  const seen: string[] = [];
  const respond = playgroundServer((r) => {
    seen.push(`${r.method} ${new URL(r.url).pathname}`);
    return Promise.resolve(new Response("from handler", { status: 418 }));
  });
  const page = await respond(new Request("http://x/"));
  assert.equal(page.status, 200);
  assert.match(page.headers.get("content-type")!, /^text\/html/);
  assert.match(page.headers.get("content-security-policy")!, /default-src 'self'/);
  const html = await page.text();
  assert.match(html, /<script type="module" src="\/playground\/page.js">/);
  assert.doesNotMatch(html, /https?:\/\/(?!www\.w3\.org)/, "the page names no other host");
  for (const path of ["/playground/page.js", "/playground/worker.js"]) {
    const r = await respond(new Request(`http://x${path}`));
    assert.equal(r.status, 200, path);
    assert.match(r.headers.get("content-type")!, /^text\/javascript/, path);
    assert.ok((await r.text()).length > 10_000, `${path} is a bundle`);
  }
  const head = await respond(new Request("http://x/", { method: "HEAD" }));
  assert.equal(head.status, 200);
  assert.equal(await head.text(), "");
  const post = await respond(new Request("http://x/", { method: "POST", body: "{}" }));
  assert.equal(post.status, 405);
  assert.match((await post.json()).error, /method: expected GET, got POST/);
  assert.deepEqual(seen, []);
  assert.equal((await respond(new Request("http://x/health"))).status, 418);
  assert.equal((await respond(new Request("http://x/generate", { method: "POST", body: "{}" }))).status, 418);
  assert.deepEqual(seen, ["GET /health", "POST /generate"]);
});

test("bad flags are usage errors naming the flag (exit code 2)", async () => {
  for (
    const [args, message] of [
      [["--port", "70000"], /--port: expected an integer in \[0, 65535\], got "70000"/],
      [["--port", "http"], /--port: expected an integer in \[0, 65535\], got "http"/],
      [["--host", "a b"], /--host: expected an IP address or host name, got "a b"/],
      [["--verbose"], /verbose/],
    ] as const
  ) {
    const c = cliCommand(["serve", ...args]);
    const r = await run(c.cmd, c.args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
  }
});

for (const runtime of ["node", "deno"] as const) {
  test(`serve under ${runtime}: HTTP routes, one log line per request, clean exit on a signal`, async (t) => {
    if (IS_DENO) return t.skip("runs from the Node side: the suite's Deno permissions have no --allow-net");
    const server = await startServer(runtime);
    let stopped = false;
    try {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/, "loopback by default");
      const health = await fetch(`${server.url}/health`);
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { ok: true, name: "spurious1d" });
      const page = await fetch(`${server.url}/`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /spurious1d playground/);
      const generated = await fetch(`${server.url}/generate`, {
        method: "POST",
        body: JSON.stringify({ mnist: { numSamples: 100, seed: 3 } }),
      });
      assert.equal(generated.status, 200);
      assert.deepEqual((await generated.json()).x.shape, [80, 40]);
      const big = await fetch(`${server.url}/train`, {
        method: "POST",
        body: JSON.stringify({ mnist: { numSamples: 300 }, training: { steps: 10_000_000, batchSize: 100 } }),
      });
      assert.ok(big.status >= 400 && big.status < 500, `over budget: ${big.status}`);
      assert.match((await big.json()).error, /training|cost|steps/);
      // A streamed body (no content-length) over the 64 KiB limit: a 413, and the server carries on.
      const chunks = new ReadableStream<Uint8Array>({
        start(c) {
          for (let i = 0; i < 20; i++) c.enqueue(new TextEncoder().encode(" ".repeat(10_000)));
          c.close();
        },
      });
      const streamed = await fetch(`${server.url}/generate`, {
        method: "POST",
        body: chunks,
        duplex: "half",
      } as RequestInit);
      assert.equal(streamed.status, 413);
      assert.match((await streamed.json()).error, /body: expected at most 65536 bytes/);
      const missing = await fetch(`${server.url}/nowhere`);
      assert.equal(missing.status, 404);
      await missing.body?.cancel();
      const code = await server.stop(runtime === "node" ? "SIGINT" : "SIGTERM");
      stopped = true;
      assert.equal(code, 0, server.output());
      const lines = server.output().split("\n");
      const logged = lines.filter((l) => /^\S+Z (GET|POST) \/\S* \d{3} [\d.]+ms$/.test(l));
      assert.deepEqual(
        logged.map((l) => l.split(" ").slice(1, 4).join(" ")),
        [
          "GET /health 200",
          "GET / 200",
          "POST /generate 200",
          `POST /train ${big.status}`,
          "POST /generate 413",
          "GET /nowhere 404",
        ],
        server.output(),
      );
      assert.match(server.output(), /stopping\n.*stopped/s);
    } finally {
      if (!stopped) await server.stop("SIGKILL");
    }
  });
}

test("a port already taken is a usage error", async (t) => {
  if (IS_DENO) return t.skip("runs from the Node side: the suite's Deno permissions have no --allow-net");
  const first = await startServer("node");
  try {
    const c = cliCommand(["serve", "--port", new URL(first.url).port]);
    const r = await run(c.cmd, c.args);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /cannot listen on 127\.0\.0\.1:\d+ \(EADDRINUSE\)/);
  } finally {
    assert.equal(await first.stop(), 0);
  }
});
