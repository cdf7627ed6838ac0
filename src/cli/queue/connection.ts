// The `--queue` URL: parsed once into Redis connection options (redis://, rediss:// for TLS, a user
// and password, a database number), and a quick reachability check so an unreachable Redis is one
// clear error (exit 2) within seconds instead of a client retrying forever.
import type { RedisOptions } from "bullmq";
import { Redis } from "ioredis";
import { UsageError } from "../usage_error.ts";

/** A validated `--queue` URL. */
export interface QueueTarget {
  /** The URL with any password replaced by `***`, for messages and logs. */
  readonly display: string;
  /** `host:port`, what Deno's `--allow-net` must allow. */
  readonly hostPort: string;
  /** Options for every BullMQ connection (they retry forever: workers outlive Redis restarts). */
  readonly options: RedisOptions;
}

/** How long a connection attempt may take (TCP and TLS). */
export const CONNECT_TIMEOUT_MS = 3000;
/** How long the reachability check waits for Redis in all (the issue asks for an error within 10 s). */
export const CHECK_TIMEOUT_MS = 4000;

/** The oldest Redis that BullMQ 5+ supports. */
const MIN_REDIS: readonly [number, number] = [6, 2];

/** Parse `redis://[user:password@]HOST:PORT[/DB]` or `rediss://...`; `flag` names the flag in errors. */
export function parseQueueUrl(text: string, flag = "--queue"): QueueTarget {
  const expected = "redis://[USER:PASSWORD@]HOST:PORT[/DB] or rediss://... (TLS)";
  // Never print a password, even from a URL that does not parse.
  const display = text.replace(/\/\/([^:/@]*):[^@/]*@/, "//$1:***@");
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${flag}: expected ${expected}, got ${JSON.stringify(display)}`);
  }
  const fail = (what: string): never => {
    throw new UsageError(`${flag}: expected ${what}, got ${JSON.stringify(display)}`);
  };
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") fail(expected);
  if (url.hostname === "") fail(`a host in ${expected}`);
  if (url.search !== "" || url.hash !== "") fail(`no query or fragment in ${expected}`);
  const port = url.port === "" ? 6379 : Number(url.port);
  const dbText = url.pathname.replace(/^\//, "");
  if (dbText !== "" && !/^\d{1,2}$/.test(dbText)) fail(`a database number 0..99 after the port in ${expected}`);
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const options: RedisOptions = {
    host,
    port,
    db: dbText === "" ? 0 : Number(dbText),
    // BullMQ workers need blocking commands that wait through reconnects.
    maxRetriesPerRequest: null,
    connectTimeout: CONNECT_TIMEOUT_MS,
  };
  if (url.username) options.username = decodeURIComponent(url.username);
  if (url.password) options.password = decodeURIComponent(url.password);
  if (url.protocol === "rediss:") options.tls = { servername: host };
  return { display, hostPort: `${url.hostname}:${port}`, options };
}

/** Connect once (no retries), check the server's version; a UsageError if Redis is unusable. */
export async function checkReachable(target: QueueTarget, flag = "--queue"): Promise<void> {
  const client = new Redis({
    ...target.options,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // ioredis reports the cause (ECONNREFUSED, ENOTFOUND, ...) as an event and rejects with a vaguer one.
  let cause: unknown;
  client.on("error", (error) => (cause ??= error));
  let info: string;
  try {
    info = String(await withTimeout(client.connect().then(() => client.info("server")), CHECK_TIMEOUT_MS));
  } catch (error) {
    throw new UsageError(
      `${flag}: expected a reachable Redis at ${target.display}, got ${describeConnectError(cause ?? error, target)}`,
    );
  } finally {
    client.disconnect();
  }
  const version = /(?:redis|valkey)_version:(\d+)\.(\d+)/.exec(info);
  if (version) {
    const [major, minor] = [Number(version[1]), Number(version[2])];
    if (major < MIN_REDIS[0] || (major === MIN_REDIS[0] && minor < MIN_REDIS[1])) {
      throw new UsageError(
        `${flag}: expected Redis >= ${MIN_REDIS.join(".")}, got ${major}.${minor} at ${target.display}`,
      );
    }
  }
}

function describeConnectError(error: unknown, target: QueueTarget): string {
  const message = error instanceof Error ? error.message : String(error);
  // Deno refuses hosts missing from --allow-net: say which permission to add.
  if (error instanceof Error && (error.name === "NotCapable" || /Requires net access/.test(message))) {
    return `no network permission (run Deno with --allow-net=${target.hostPort})`;
  }
  return message.replace(/\s*\n[\s\S]*$/, "");
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
