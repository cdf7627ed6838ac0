// `spurious1d serve`: the playground page and the fetch handler's routes over real HTTP, with Node's
// http module under Node and Deno.serve under Deno (`deno task serve`, --allow-net only: the page is
// imported as a module, not read from disk). Loopback by default; one log line per request; SIGINT or
// SIGTERM stops accepting, lets requests in flight finish, and returns.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import process from "node:process";
import { PLAYGROUND_ASSETS } from "../../build/web/playground_assets.ts";
import { createHandler } from "../edge/handler.ts";
import { parseFlags } from "./parse_flags.ts";
import { UsageError } from "./usage_error.ts";

/** Where `serve` listens unless told otherwise. */
export const SERVE_DEFAULTS = Object.freeze({ port: 8080, host: "127.0.0.1" });

// The page needs nothing from elsewhere; the policy makes that a promise the browser enforces.
// 'wasm-unsafe-eval' lets the worker compile WebAssembly; data: carries tfjs-wasm's embedded binary.
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self' data:; " +
  "img-src 'self' data:; style-src 'self' 'unsafe-inline'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** The `serve` command's help text. */
export function serveHelp(): string {
  return [
    "Usage: spurious1d serve [--port 8080] [--host 127.0.0.1]",
    "",
    "Serve the playground page (/) and the HTTP API (/health, /generate, /train, /experiment).",
    "Under Deno: deno task serve (network permission only).",
    "",
    `  ${"--port N".padEnd(28)} TCP port, 0 for any free one (default ${SERVE_DEFAULTS.port})`,
    `  ${
      "--host ADDRESS".padEnd(28)
    } address to bind (default ${SERVE_DEFAULTS.host}, loopback; 0.0.0.0 is every interface)`,
    `  ${"-h, --help".padEnd(28)} show this help`,
  ].join("\n");
}

/** The server's routes: the playground's files, then the fetch handler. */
export function playgroundServer(handler: (r: Request) => Promise<Response>): (r: Request) => Promise<Response> {
  return (request) => {
    const asset = PLAYGROUND_ASSETS[new URL(request.url).pathname];
    if (!asset) return handler(request);
    if (request.method !== "GET" && request.method !== "HEAD") {
      return Promise.resolve(
        Response.json({ error: `method: expected GET, got ${request.method}` }, {
          status: 405,
          headers: { allow: "GET, HEAD" },
        }),
      );
    }
    return Promise.resolve(
      new Response(request.method === "HEAD" ? null : asset.body, {
        headers: { "content-type": asset.type, "content-security-policy": CSP, "cache-control": "no-cache" },
      }),
    );
  };
}

function parsePort(text: string | undefined): number {
  if (text === undefined) return SERVE_DEFAULTS.port;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) {
    throw new UsageError(`--port: expected an integer in [0, 65535], got ${JSON.stringify(text)}`);
  }
  return port;
}

function parseHost(text: string | undefined): string {
  if (text === undefined) return SERVE_DEFAULTS.host;
  if (!/^[A-Za-z0-9.:-]+$/.test(text)) {
    throw new UsageError(`--host: expected an IP address or host name, got ${JSON.stringify(text)}`);
  }
  return text;
}

/** One access-log line. */
function accessLine(method: string, path: string, status: number, started: number): string {
  return `${new Date().toISOString()} ${method} ${path} ${status} ${(performance.now() - started).toFixed(1)}ms`;
}

// Wait for SIGINT or SIGTERM once, then run `stop`.
function onStopSignal(stop: (signal: string) => void): () => void {
  const handlers = (["SIGINT", "SIGTERM"] as const).map((signal) => {
    const h = () => stop(signal);
    process.once(signal, h);
    return [signal, h] as const;
  });
  return () => handlers.forEach(([signal, h]) => process.off(signal, h));
}

// The request body as a web stream with backpressure. Unlike Readable.toWeb, cancelling it (the handler
// does at its size limit) neither destroys the socket, which would lose the 413, nor hangs: the rest of
// the body is read and discarded (closing early instead races the client's upload into a reset), within
// node:http's request timeout.
function bodyOf(req: IncomingMessage): ReadableStream<Uint8Array> {
  let cancelled = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      req.on("data", (chunk: Uint8Array) => {
        if (cancelled) return;
        controller.enqueue(new Uint8Array(chunk));
        if ((controller.desiredSize ?? 0) <= 0) req.pause();
      });
      req.on("end", () => cancelled || controller.close());
      req.on("error", (e) => cancelled || controller.error(e));
    },
    pull() {
      req.resume();
    },
    cancel() {
      cancelled = true;
      req.resume();
    },
  });
}

function toRequest(req: IncomingMessage, origin: string): Request {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(new URL(req.url ?? "/", origin), {
    method: req.method,
    headers,
    body: hasBody ? bodyOf(req) : undefined,
    // Node's fetch requires this for a streamed body.
    ...(hasBody ? { duplex: "half" } : {}),
  } as RequestInit);
}

async function writeResponse(response: Response, res: ServerResponse): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => (headers[key] = value));
  res.writeHead(response.status, headers);
  res.end(response.body ? new Uint8Array(await response.arrayBuffer()) : undefined);
}

async function serveNode(
  respond: (r: Request) => Promise<Response>,
  port: number,
  host: string,
  log: (s: string) => void,
): Promise<void> {
  const server = createServer(async (req, res) => {
    const started = performance.now();
    let status = 500;
    try {
      const response = await respond(toRequest(req, `http://${req.headers.host ?? host}`));
      status = response.status;
      await writeResponse(response, res);
    } catch (error) {
      // Only a broken connection or a malformed request line gets here: the handler answers errors itself.
      if (!res.headersSent) res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: `request: ${error instanceof Error ? error.message : String(error)}` }));
      status = 400;
    }
    log(accessLine(req.method ?? "?", (req.url ?? "/").split("?")[0], status, started));
  });
  await new Promise<void>((ok, fail) => {
    server.once(
      "error",
      (e: NodeJS.ErrnoException) =>
        fail(
          e.code === "EADDRINUSE" || e.code === "EACCES" || e.code === "EADDRNOTAVAIL"
            ? new UsageError(`--port/--host: cannot listen on ${host}:${port} (${e.code})`)
            : e,
        ),
    );
    server.listen(port, host, ok);
  });
  const bound = server.address() as { port: number; address: string };
  log(`spurious1d serve: listening on http://${urlHost(bound.address)}:${bound.port}/ (Node ${process.version})`);
  await new Promise<void>((done) => {
    const forget = onStopSignal((signal) => {
      forget();
      log(`spurious1d serve: ${signal}, stopping`);
      server.close(() => done());
      server.closeIdleConnections();
    });
  });
  log("spurious1d serve: stopped");
}

/** The parts of Deno's API `serve` uses (typed here so tsc compiles this file for Node too). */
interface DenoServe {
  serve(
    options: {
      port: number;
      hostname: string;
      signal: AbortSignal;
      onListen: (addr: { hostname: string; port: number }) => void;
    },
    handler: (r: Request) => Promise<Response>,
  ): { finished: Promise<void> };
  addSignalListener(signal: "SIGINT" | "SIGTERM", handler: () => void): void;
  removeSignalListener(signal: "SIGINT" | "SIGTERM", handler: () => void): void;
  version: { deno: string };
}

async function serveDeno(
  deno: DenoServe,
  respond: (r: Request) => Promise<Response>,
  port: number,
  host: string,
  log: (s: string) => void,
): Promise<void> {
  const abort = new AbortController();
  let listening!: () => void;
  const ready = new Promise<void>((ok) => (listening = ok));
  const server = deno.serve({
    port,
    hostname: host,
    signal: abort.signal,
    onListen: (addr) => {
      log(`spurious1d serve: listening on http://${urlHost(addr.hostname)}:${addr.port}/ (Deno ${deno.version.deno})`);
      listening();
    },
  }, async (request) => {
    const started = performance.now();
    const response = await respond(request);
    log(accessLine(request.method, new URL(request.url).pathname, response.status, started));
    return response;
  });
  await ready;
  const signals = ["SIGINT", "SIGTERM"] as const;
  const stop = (signal: string) => () => {
    signals.forEach((s, i) => deno.removeSignalListener(s, handlers[i]));
    log(`spurious1d serve: ${signal}, stopping`);
    abort.abort();
  };
  const handlers = signals.map((s) => stop(s));
  signals.forEach((s, i) => deno.addSignalListener(s, handlers[i]));
  await server.finished;
  log("spurious1d serve: stopped");
}

const urlHost = (address: string) => (address.includes(":") ? `[${address}]` : address);

/** Run `spurious1d serve` with the given argv (after the command name); returns once stopped. */
export async function runServe(argv: readonly string[], log: (line: string) => void): Promise<void> {
  const values = parseFlags(argv, {
    port: { type: "string" },
    host: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    log(serveHelp());
    return;
  }
  const port = parsePort(values.port as string | undefined);
  const host = parseHost(values.host as string | undefined);
  const respond = playgroundServer(createHandler());
  const deno = (globalThis as { Deno?: DenoServe }).Deno;
  if (deno) await serveDeno(deno, respond, port, host, log);
  else await serveNode(respond, port, host, log);
}
