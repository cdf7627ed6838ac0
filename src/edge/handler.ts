// The HTTP API as a web-standard fetch handler (Request -> Response): the same code under Deno.serve,
// Node, Workers-style runtimes and browsers. No route reads or writes files or reaches the network.
// Hostile input is answered with a 4xx before any work: bodies are size- and depth-limited (413, 400),
// a failing body stream is 400, fields are strictly typed with unknown keys rejected (422, naming the
// field), and the cost model (./cost.ts) prices the work and the response's size first (422).
import { ConfigError } from "../config/errors.ts";
import { boolean, finite, integer, noUnknownKeys, oneOf, record } from "../config/checks.ts";
import { JsonTextError, MAX_JSON_DEPTH, parseJsonText } from "../config/json_text.ts";
import { type Mnist1dArgs, resolveMnist1dArgs, splitIndex } from "../data/mnist1d_args.ts";
import { encodeNpy, int64Of } from "../data/npy.ts";
import { resolveAttributeDraw, resolveSpuriousFeature, SPURIOUS_KINDS } from "../data/spurious_config.ts";
import { tfReady } from "../tf/backend.ts";
import { checkModelInput, resolveTrainConfig } from "../tf/train_config.ts";
import { TrainingDiverged } from "../tf/trainer.ts";
import { disposeModel, MODEL_KINDS } from "../tf/models.ts";
import { MAX_STUDY_AMPLITUDE, resolveStudyConfig } from "../study/config.ts";
import { runCell } from "../study/run_cell.ts";
import { makeCell } from "../study/cells.ts";
import { type DataSettings, makeDataset, trainTestRows } from "../pipeline/dataset.ts";
import { trainModel } from "../pipeline/train_model.ts";
import { cellCost, type Cost, generateCost, trainCost } from "./cost.ts";

/** Limits of the handler. */
export interface HandlerOptions {
  /** Largest request body, in bytes (413 above it). */
  maxBodyBytes?: number;
  /** Largest predicted cost of a request, in cost units (about a nanosecond of one core; 422 above it). */
  maxCost?: number;
  /** Largest predicted response, in bytes (422 above it). */
  maxResponseBytes?: number;
  /** Deepest JSON nesting of a body (400 above it). */
  maxDepth?: number;
}

const DEFAULTS: Required<HandlerOptions> = {
  maxBodyBytes: 64 * 1024,
  maxCost: 1e11,
  maxResponseBytes: 64 * 2 ** 20,
  maxDepth: MAX_JSON_DEPTH,
};

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly extra: Record<string, unknown> = {}) {
    super(message);
  }
}

async function readJson(request: Request, o: Required<HandlerOptions>): Promise<Record<string, unknown>> {
  const limit = o.maxBodyBytes;
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > limit) throw new HttpError(413, `body: expected at most ${limit} bytes, got ${declared}`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    const reader = request.body?.getReader();
    while (reader) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > limit) {
        await reader.cancel().catch(() => {});
        throw new HttpError(413, `body: expected at most ${limit} bytes, got more`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError(400, `body: expected a complete request body, got a stream that failed (${errorText(error)})`);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new HttpError(400, "body: expected UTF-8 JSON text, got invalid UTF-8");
  }
  let parsed: unknown;
  try {
    parsed = size === 0 ? {} : parseJsonText(text, o.maxDepth);
  } catch (error) {
    if (error instanceof JsonTextError) throw new HttpError(400, `body: ${error.message}`);
    throw error;
  }
  return record("body", parsed);
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

/** The field `key` of `obj` as given, with absence meaning `{}`; null is a type error, not absence. */
function section(obj: Record<string, unknown>, key: string, path: string): Record<string, unknown> {
  const v = obj[key];
  return v === undefined ? {} : record(path, v);
}

/** The query parameters a route accepts; any other one (or one given twice) is a 422. */
function queryOf(request: Request, known: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of new URL(request.url).searchParams) {
    if (!known.includes(key)) {
      throw new ConfigError(
        `query.${key}`,
        known.length ? `one of the known query parameters (${known.join(", ")})` : "no query parameters",
        key,
      );
    }
    if (out.has(key)) throw new ConfigError(`query.${key}`, "one value", [out.get(key), value]);
    out.set(key, value);
  }
  return out;
}

function spuriousOf(body: Record<string, unknown>, seqLength: number) {
  if (body.spurious === undefined) return undefined;
  const s = record("spurious", body.spurious);
  noUnknownKeys("spurious", s, ["feature", "train", "test"]);
  const feature = resolveSpuriousFeature(section(s, "feature", "spurious.feature"), seqLength, "spurious.feature");
  const trainDraw = resolveAttributeDraw(section(s, "train", "spurious.train"), "spurious.train");
  const testDraw = resolveAttributeDraw(
    s.test === undefined
      ? { ...trainDraw, mode: "absent", seed: (trainDraw.seed + 1) % 2 ** 32 }
      : record("spurious.test", s.test),
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

function checkCost(cost: Cost, o: Required<HandlerOptions>): void {
  if (cost.responseBytes > o.maxResponseBytes) {
    throw new HttpError(
      422,
      `response: expected a response of at most ${o.maxResponseBytes} bytes, got a request for about ${
        Math.ceil(cost.responseBytes)
      } (ask for fewer examples or one array as .npy)`,
      { path: "response", predictedBytes: Math.ceil(cost.responseBytes) },
    );
  }
  if (cost.units > o.maxCost) {
    throw new HttpError(
      422,
      `cost: expected a request costing at most ${o.maxCost} units, got ${Math.ceil(cost.units)}`,
      { path: "cost", predictedCost: Math.ceil(cost.units) },
    );
  }
}

type Arrays = Map<string, { data: Float64Array | Int32Array; shape: number[] }>;

/** The arrays /generate can return; a Map, so ?array=__proto__ finds nothing. */
const ARRAY_NAMES = ["x", "y", "x_test", "y_test", "t"] as const;
const SPURIOUS_ARRAY_NAMES = ["a", "g", "a_test", "g_test"] as const;

async function generate(request: Request, o: Required<HandlerOptions>): Promise<Response> {
  const query = queryOf(request, ["array"]);
  const body = await readJson(request, o);
  noUnknownKeys("", body, ["mnist", "spurious"]);
  const args = resolveMnist1dArgs(section(body, "mnist", "mnist"), "mnist");
  const spurious = spuriousOf(body, args.finalSeqLength);
  const asNpy = (request.headers.get("accept") ?? "").includes("application/x-npy");
  const wanted = query.get("array");
  const names: readonly string[] = [...ARRAY_NAMES, ...(spurious ? SPURIOUS_ARRAY_NAMES : [])];
  if (asNpy && (wanted === undefined || !names.includes(wanted))) {
    throw new ConfigError("query.array", `one of ${names.join(", ")} (query ?array=NAME) for .npy`, wanted);
  }
  if (!asNpy && wanted !== undefined) {
    throw new ConfigError(
      "query.array",
      "no ?array without Accept: application/x-npy (JSON returns every array)",
      wanted,
    );
  }
  checkCost(generateCost(args, spurious !== undefined, asNpy ? wanted : undefined), o);
  const { ds, pair } = await makeDataset(settingsOf(args, spurious));
  const train = pair?.train;
  const test = pair?.test;
  const arrays: Arrays = new Map([
    ["x", { data: train?.x ?? ds.x, shape: [ds.y.length, ds.seqLength] }],
    ["y", { data: ds.y, shape: [ds.y.length] }],
    ["x_test", { data: test?.x ?? ds.xTest, shape: [ds.yTest.length, ds.seqLength] }],
    ["y_test", { data: ds.yTest, shape: [ds.yTest.length] }],
    ["t", { data: ds.t, shape: [ds.seqLength] }],
  ]);
  if (train && test) {
    arrays.set("a", { data: train.a, shape: [train.a.length] });
    arrays.set("g", { data: train.g, shape: [train.g.length] });
    arrays.set("a_test", { data: test.a, shape: [test.a.length] });
    arrays.set("g_test", { data: test.g, shape: [test.g.length] });
  }
  if (asNpy) {
    const a = arrays.get(wanted!)!;
    const npy = a.data instanceof Int32Array
      ? encodeNpy({ dtype: "<i8", shape: a.shape, data: int64Of(a.data) })
      : encodeNpy({ dtype: "<f8", shape: a.shape, data: a.data });
    return new Response(npy as Uint8Array<ArrayBuffer>, {
      status: 200,
      headers: { "content-type": "application/x-npy" },
    });
  }
  return json(200, Object.fromEntries([...arrays].map(([k, v]) => [k, { shape: v.shape, data: Array.from(v.data) }])));
}

async function trainRoute(request: Request, o: Required<HandlerOptions>): Promise<Response> {
  queryOf(request, []);
  const body = await readJson(request, o);
  noUnknownKeys("", body, ["mnist", "spurious", "training"]);
  const args = resolveMnist1dArgs(section(body, "mnist", "mnist"), "mnist");
  const spurious = spuriousOf(body, args.finalSeqLength);
  const config = resolveTrainConfig(section(body, "training", "training"), splitIndex(args), "training");
  checkModelInput(config.model, args.finalSeqLength, "mnist.finalSeqLength");
  checkCost(trainCost(args, spurious !== undefined, config), o);
  const rows = trainTestRows(await makeDataset(settingsOf(args, spurious)));
  let trained;
  try {
    trained = await trainModel({ ...config, evalEvery: config.steps }, rows);
  } catch (error) {
    // The request was valid but cannot train (a huge amplitude or learning rate): the client's to fix.
    if (error instanceof TrainingDiverged) throw new HttpError(422, `training: ${error.message}`);
    throw error;
  }
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
  queryOf(request, []);
  const body = await readJson(request, o);
  noUnknownKeys("", body, ["config", "cell", "quick", "sweeps"]);
  const quick = body.quick === undefined ? false : boolean("quick", body.quick);
  const sweeps = body.sweeps === undefined ? false : boolean("sweeps", body.sweeps);
  const config = resolveStudyConfig(section(body, "config", "config"), quick);
  const cell = section(body, "cell", "cell");
  noUnknownKeys("cell", cell, ["model", "kind", "grouping", "rho", "amplitude", "seed"]);
  const rho = cell.rho === undefined ? config.rho : finite("cell.rho", cell.rho, { min: 0, max: 1 });
  const amplitude = cell.amplitude === undefined
    ? config.amplitude
    : finite("cell.amplitude", cell.amplitude, { min: 0, max: MAX_STUDY_AMPLITUDE });
  const seed = cell.seed === undefined
    ? config.seeds[0]
    : integer("cell.seed", cell.seed, { min: 0, max: 2 ** 32 - 1 });
  const key = {
    model: cell.model === undefined ? config.models[0] : oneOf("cell.model", cell.model, MODEL_KINDS),
    kind: cell.kind === undefined ? config.kind : oneOf("cell.kind", cell.kind, SPURIOUS_KINDS),
    grouping: cell.grouping === undefined
      ? config.groupings[0]
      : oneOf("cell.grouping", cell.grouping, ["coarse", "fine"] as const),
    rho,
    amplitude,
    seed,
  };
  // `sweeps: false` keeps a base-strength cell to its methods (the sweeps cost several times more).
  const made = makeCell(config, key);
  const target = { ...made, sweeps: made.sweeps && sweeps };
  checkCost(cellCost(config, target), o);
  const tf = await tfReady();
  try {
    return json(
      200,
      await runCell(tf, config, target),
    );
  } catch (error) {
    if (error instanceof TrainingDiverged) throw new HttpError(422, `cell: ${error.message}`);
    throw error;
  }
}

type Route = { method: string; run: (r: Request, o: Required<HandlerOptions>) => Promise<Response> };

/** Every route by path; a Map, so no path finds an inherited property. */
const ROUTES: ReadonlyMap<string, Route> = new Map([
  ["/health", { method: "GET", run: () => Promise.resolve(json(200, { ok: true, name: "spurious1d" })) }],
  ["/generate", { method: "POST", run: generate }],
  ["/train", { method: "POST", run: trainRoute }],
  ["/experiment", { method: "POST", run: experimentRoute }],
]);

/** The handler's route paths (for tests and docs). */
export const ROUTE_PATHS: readonly string[] = Object.freeze([...ROUTES.keys()]);

/** Make the fetch handler. */
export function createHandler(options: HandlerOptions = {}): (request: Request) => Promise<Response> {
  const o = { ...DEFAULTS, ...options };
  return async (request) => {
    const path = new URL(request.url).pathname;
    const route = ROUTES.get(path);
    if (!route) {
      return json(404, { error: `route: expected one of ${ROUTE_PATHS.join(", ")}, got ${errorText(path)}` });
    }
    if (request.method !== route.method) {
      return json(405, { error: `method: expected ${route.method}, got ${request.method}` }, { allow: route.method });
    }
    try {
      return await route.run(request, o);
    } catch (error) {
      if (error instanceof HttpError) return json(error.status, { error: error.message, ...error.extra });
      if (error instanceof ConfigError) return json(422, { error: error.message, path: error.path });
      return json(500, { error: `internal error: ${errorText(error)}` });
    }
  };
}

/** The default handler, for `export default { fetch }` and Deno.serve. */
export const fetch: (request: Request) => Promise<Response> = createHandler();
