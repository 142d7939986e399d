import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { createServer } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/** The built demo app (`nx build orchestrator` runs first: a dependency of this project's test target). */
export const MAIN = path.resolve(__dirname, '../../../../dist/apps/orchestrator/main.js');

export interface RunningApp {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** `<origin>/api/v1` */
  api: string;
  port: number;
  /** The `ORCH_EVENTS_TOKEN` the app was started with, if any: the helpers below send it. */
  token?: string;
  logFile: string;
  dir: string;
  child: ChildProcess;
  output: () => string;
  /** Sends a signal and waits for the exit; returns the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface StartOptions {
  env?: Record<string, string>;
  /** Reuse a log directory (restart on the same files). */
  dir?: string;
  port?: number;
}

/** A TCP port that was free a moment ago (for restarts on a known port). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Starts the real app on a free port with its event log in a temp dir. */
export async function startApp(options: StartOptions = {}): Promise<RunningApp> {
  if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npx nx build orchestrator"`);
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'orch-e2e-'));
  const logFile = path.join(dir, 'orch.log');
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env['PATH'] ?? '',
      HOST: '127.0.0.1',
      PORT: String(options.port ?? 0),
      ORCH_LOG_FILE: logFile,
      NO_COLOR: '1',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`app did not start:\n${out}`)), 30_000);
    const onData = () => {
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`app exited with ${code} before listening:\n${out}`));
    });
  });
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    api: `${origin}/api/v1`,
    port,
    token: options.env?.['ORCH_EVENTS_TOKEN'],
    logFile,
    dir,
    child,
    output: () => out,
    stop: (signal: NodeJS.Signals = 'SIGTERM') =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', (code) => {
          clearTimeout(timer);
          resolve(code);
        });
        child.kill(signal);
      }),
  };
}

/** JSON over real HTTP. */
export async function http<T = unknown>(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: body as T, headers: res.headers };
}

/** `Authorization: Bearer <token>` when the app has a token, else nothing. */
export function authHeaders(app: RunningApp): Record<string, string> {
  return app.token === undefined ? {} : { Authorization: `Bearer ${app.token}` };
}

export function postJob(app: RunningApp, job: Record<string, unknown>) {
  return http<{ task_id: string; run_id: string }>(`${app.api}/jobs`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...authHeaders(app) },
    body: JSON.stringify(job),
  });
}

/** Polls `check` every 20 ms until it returns a value other than undefined, or fails after `ms`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined> | T | undefined,
  ms = 10_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The app's health document; `T` types the fields a test reads besides the common ones. */
export async function health<T extends object = object>(
  app: RunningApp,
): Promise<{ sse_clients: number; memory: { rss: number } } & T> {
  type Health = { sse_clients: number; memory: { rss: number } } & T;
  return (await http<Health>(`${app.api}/health`, { headers: authHeaders(app) })).body;
}
