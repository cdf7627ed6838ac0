// The HTTP API as a web-standard fetch handler (Request -> Response): the same code under Deno.serve,
// Node, Workers-style runtimes and browsers. No route reads or writes files or reaches the network;
// bodies are size-limited, validated with the CLI's field-naming messages, and costed before any work.
import { ConfigError } from "../config/errors.ts";
import { record } from "../config/checks.ts";
import { type Mnist1dArgs, resolveMnist1dArgs, splitIndex, totalExamples } from "../data/mnist1d_args.ts";
import { encodeNpy, int64Of } from "../data/npy.ts";
import { resolveAttributeDraw, resolveSpuriousFeature } from "../data/spurious_config.ts";
import { tfReady } from "../tf/backend.ts";
import { resolveTrainConfig } from "../tf/train_config.ts";
import { disposeModel } from "../tf/models.ts";
import { resolveStudyConfig } from "../study/config.ts";
import { runCell } from "../study/run_cell.ts";
import { cellId } from "../study/cells.ts";
import { type DataSettings, makeDataset, trainTestRows } from "../pipeline/dataset.ts";
import { trainModel } from "../pipeline/train_model.ts";

/** Limits of the handler. */
export interface HandlerOptions {
  /** Largest request body, in bytes (413 above it). */
  maxBodyBytes?: number;
  /** Largest cost of a request: examples generated, or examples x training steps (422 above it). */
  maxCost?: number;
}

const DEFAULTS: Required<HandlerOptions> = { maxBodyBytes: 64 * 1024, maxCost: 2e7 };

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly extra: Record<string, unknown> = {}) {
    super(message);
  }
}

async function readJson(request: Request, limit: number): Promise<Record<string, unknown>> {
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > limit) throw new HttpError(413, `body: expected at most ${limit} bytes, got ${declared}`);
  const reader = request.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      throw new HttpError(413, `body: expected at most ${limit} bytes, got more`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  let parsed: unknown;
  try {
    parsed = size === 0 ? {} : JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new HttpError(400, `body: expected JSON, got a parse error: ${(error as Error).message}`);
  }
  return record("body", parsed);
}

function spuriousOf(body: Record<string, unknown>, seqLength: number) {
  if (body.spurious === undefined) return undefined;
  const s = record("spurious", body.spurious);
  const feature = resolveSpuriousFeature(s.feature ?? {}, seqLength, "spurious.feature");
  const trainDraw = resolveAttributeDraw(s.train ?? {}, "spurious.train");
  const testDraw = resolveAttributeDraw(
    s.test ?? { ...trainDraw, mode: "absent", seed: (trainDraw.seed + 1) % 2 ** 32 },
    "spurious.test",
  );
  return { feature, trainDraw, testDraw };
}

// The pipeline's data settings from a request's validated MNIST-1D arguments and feature.
function settingsOf(args: Mnist1dArgs, spurious: ReturnType<typeof spuriousOf>): DataSettings {
  return spurious
    ? { args, spurious: { feature: spurious.feature, train: spurious.trainDraw, test: spurious.testDraw } }
    : { args };
}

function checkCost(cost: number, limit: number, what: string): void {
  if (cost > limit) throw new HttpError(422, `cost: expected ${what} of at most ${limit}, got ${cost}`);
}

async function generate(request: Request, o: Required<HandlerOptions>): Promise<Response> {
  const body = await readJson(request, o.maxBodyBytes);
  const args = resolveMnist1dArgs(body.mnist ?? {}, "mnist");
  const spurious = spuriousOf(body, args.finalSeqLength);
  checkCost(totalExamples(args), o.maxCost, "examples generated");
  const { ds, pair } = await makeDataset(settingsOf(args, spurious));
  const train = pair?.train;
  const test = pair?.test;
  const arrays: Record<string, { data: Float64Array | Int32Array; shape: number[] }> = {
    x: { data: train?.x ?? ds.x, shape: [ds.y.length, ds.seqLength] },
    y: { data: ds.y, shape: [ds.y.length] },
    x_test: { data: test?.x ?? ds.xTest, shape: [ds.yTest.length, ds.seqLength] },
    y_test: { data: ds.yTest, shape: [ds.yTest.length] },
    t: { data: ds.t, shape: [ds.seqLength] },
    ...(train && test
      ? {
        a: { data: train.a, shape: [train.a.length] },
        g: { data: train.g, shape: [train.g.length] },
        a_test: { data: test.a, shape: [test.a.length] },
        g_test: { data: test.g, shape: [test.g.length] },
      }
      : {}),
  };
  const wanted = new URL(request.url).searchParams.get("array");
  if ((request.headers.get("accept") ?? "").includes("application/x-npy")) {
    if (!wanted || !(wanted in arrays)) {
      throw new HttpError(
        422,
        `array: expected one of ${Object.keys(arrays).join(", ")} (query ?array=NAME) for .npy, got ${
          JSON.stringify(wanted)
        }`,
      );
    }
    const a = arrays[wanted];
    const npy = a.data instanceof Int32Array
      ? encodeNpy({ dtype: "<i8", shape: a.shape, data: int64Of(a.data) })
      : encodeNpy({ dtype: "<f8", shape: a.shape, data: a.data });
    return new Response(npy as Uint8Array<ArrayBuffer>, {
      status: 200,
      headers: { "content-type": "application/x-npy" },
    });
  }
  return json(
    200,
    Object.fromEntries(Object.entries(arrays).map(([k, v]) => [k, { shape: v.shape, data: Array.from(v.data) }])),
  );
}

async function trainRoute(request: Request, o: Required<HandlerOptions>): Promise<Response> {
  const body = await readJson(request, o.maxBodyBytes);
  const args = resolveMnist1dArgs(body.mnist ?? {}, "mnist");
  const spurious = spuriousOf(body, args.finalSeqLength);
  const config = resolveTrainConfig(body.training ?? {}, splitIndex(args), "training");
  checkCost(config.steps * config.batchSize, o.maxCost, "training steps x batch size");
  const rows = trainTestRows(await makeDataset(settingsOf(args, spurious)));
  const trained = await trainModel({ ...config, evalEvery: config.steps }, rows);
  disposeModel(trained.model);
  const m = trained.test;
  const grouped = rows.numGroups !== undefined;
  return json(200, {
    model: config.model,
    training: config,
    test: {
      accuracy: m.averageAccuracy,
      worstClassAccuracy: m.worstClassAccuracy,
      meanLoss: m.meanLoss,
      ece: m.ece,
      ...(grouped ? { worstGroupAccuracy: m.worstGroupAccuracy, meanGroupAccuracy: m.meanGroupAccuracy } : {}),
    },
  });
}

async function experimentRoute(request: Request, o: Required<HandlerOptions>): Promise<Response> {
  const body = await readJson(request, o.maxBodyBytes);
  const config = resolveStudyConfig(body.config ?? {}, body.quick === true);
  const cell = record("cell", body.cell ?? {});
  const rho = Number(cell.rho ?? config.rho);
  const amplitude = Number(cell.amplitude ?? config.amplitude);
  const seed = Number(cell.seed ?? config.seeds[0]);
  if (!Number.isFinite(rho) || rho < 0 || rho > 1) {
    throw new ConfigError("cell.rho", "a finite number in [0, 1]", cell.rho);
  }
  if (!Number.isFinite(amplitude) || amplitude < 0) {
    throw new ConfigError("cell.amplitude", "a finite number >= 0", cell.amplitude);
  }
  if (!Number.isInteger(seed) || seed < 0) throw new ConfigError("cell.seed", "an integer >= 0", cell.seed);
  checkCost(config.steps * 100 * 2, o.maxCost, "training steps x batch size");
  const tf = await tfReady();
  const base = rho === config.rho && amplitude === config.amplitude && body.sweeps === true;
  return json(
    200,
    await runCell(tf, config, { id: cellId(rho, amplitude, seed), rho, amplitude, seed, base }),
  );
}

const ROUTES: Record<string, { method: string; run: (r: Request, o: Required<HandlerOptions>) => Promise<Response> }> =
  {
    "/health": { method: "GET", run: () => Promise.resolve(json(200, { ok: true, name: "spurious1d" })) },
    "/generate": { method: "POST", run: generate },
    "/train": { method: "POST", run: trainRoute },
    "/experiment": { method: "POST", run: experimentRoute },
  };

/** Make the fetch handler. */
export function createHandler(options: HandlerOptions = {}): (request: Request) => Promise<Response> {
  const o = { ...DEFAULTS, ...options };
  return async (request) => {
    const route = ROUTES[new URL(request.url).pathname];
    if (!route) {
      return json(404, {
        error: `route: expected one of ${Object.keys(ROUTES).join(", ")}, got ${new URL(request.url).pathname}`,
      });
    }
    if (request.method !== route.method) {
      return json(405, { error: `method: expected ${route.method}, got ${request.method}` }, { allow: route.method });
    }
    try {
      return await route.run(request, o);
    } catch (error) {
      if (error instanceof HttpError) return json(error.status, { error: error.message, ...error.extra });
      if (error instanceof ConfigError) return json(422, { error: error.message, path: error.path });
      return json(500, { error: `internal error: ${error instanceof Error ? error.message : String(error)}` });
    }
  };
}

/** The default handler, for `export default { fetch }` and Deno.serve. */
export const fetch: (request: Request) => Promise<Response> = createHandler();
