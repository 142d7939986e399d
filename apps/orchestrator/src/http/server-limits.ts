import { readFileSync } from 'node:fs';
import { IncomingMessage, Server } from 'node:http';
import { Socket } from 'node:net';

/**
 * Socket-level limits of the demo's HTTP server. Node's defaults let a client hold a socket for a
 * minute without finishing its headers, and accept connections until the process runs out of file
 * descriptors: 20,000 sockets that never send a request made the server unreachable for a minute.
 */
export interface ServerLimits {
  /** A request's headers must arrive within this time; env `HTTP_HEADERS_TIMEOUT_MS`, default 10000. */
  headersTimeoutMs: number;
  /** A whole request (headers and body; not the response, so not an SSE stream) within this time; env `HTTP_REQUEST_TIMEOUT_MS`, default 30000. */
  requestTimeoutMs: number;
  /** An idle keep-alive socket is closed after this time; env `HTTP_KEEPALIVE_TIMEOUT_MS`, default 5000. */
  keepAliveTimeoutMs: number;
  /**
   * Open connections at most; beyond, new ones are closed at once. Env `HTTP_MAX_CONNECTIONS`,
   * default: the open-files limit less 1024 kept for log files, history reads and the rest (at
   * least 256); 10000 where the limit cannot be read.
   */
  maxConnections: number;
}

/** The soft limit on open files (`ulimit -n`), from /proc on Linux; undefined elsewhere. */
export function openFilesLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line === undefined ? NaN : Number(line.split(/\s{2,}/)[1]);
    return Number.isInteger(soft) && soft > 0 ? soft : undefined;
  } catch {
    return undefined;
  }
}

function integer(
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new Error(
      `Invalid ${name}=${JSON.stringify(text)}: expected an integer from ${min} to ${max}`,
    );
  }
  return value;
}

/** Reads the limits from the environment; a bad value names the variable, the value and the range. */
export function serverLimits(
  env: Record<string, string | undefined> = process.env,
  readFdLimit: () => number | undefined = openFilesLimit,
): ServerLimits {
  const fdLimit = readFdLimit();
  const defaultMax = fdLimit === undefined ? 10_000 : Math.max(256, fdLimit - 1024);
  return {
    headersTimeoutMs: integer(env, 'HTTP_HEADERS_TIMEOUT_MS', 10_000, 100, 600_000),
    requestTimeoutMs: integer(env, 'HTTP_REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000),
    keepAliveTimeoutMs: integer(env, 'HTTP_KEEPALIVE_TIMEOUT_MS', 5_000, 100, 600_000),
    maxConnections: integer(env, 'HTTP_MAX_CONNECTIONS', defaultMax, 1, 10_000_000),
  };
}

/**
 * Applies the limits to a server that is not listening yet. Each new socket gets
 * `headersTimeoutMs` of inactivity until its first request arrives (then none: an SSE stream may
 * stay quiet between heartbeats) and is destroyed when that runs out. Node's own check would close
 * such sockets too (a 408, then close), but all at once: in benchmark figure 10 its sweep of 5,000
 * stalled the event loop for about 400 ms, where a timer per socket spreads the work. The check
 * stays on as well, every quarter of the headers timeout, for clients that trickle their headers.
 */
export function applyServerLimits(server: Server, limits: ServerLimits): void {
  server.headersTimeout = limits.headersTimeoutMs;
  // Node requires requestTimeout >= headersTimeout (0 would disable it).
  server.requestTimeout = Math.max(limits.requestTimeoutMs, limits.headersTimeoutMs);
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxConnections = limits.maxConnections;
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval =
    Math.max(25, Math.floor(limits.headersTimeoutMs / 4));
  // A socket that made a request is no longer this timer's: Node times out keep-alive sockets.
  // The library's SSE fast path serves streams without calling this listener; a stream disarms
  // its socket's timer itself (SseHub.open), else it would be cut this long after its last frame.
  const requested = new WeakSet<Socket>();
  server.on('connection', (socket: Socket) => {
    socket.setTimeout(limits.headersTimeoutMs);
    socket.on('timeout', () => {
      if (!requested.has(socket)) socket.destroy();
    });
  });
  server.on('request', (req: IncomingMessage) => {
    requested.add(req.socket);
    req.socket.setTimeout(0);
  });
}
