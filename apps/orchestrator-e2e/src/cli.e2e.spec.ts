import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { createServer } from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { OrchestratorEvent } from '@orchestrator/events-contract';
import { freePort, http, postJob, RunningApp, startApp, waitFor } from './support/app-process';

const ROOT = path.resolve(__dirname, '../../..');
const BIN = path.join(ROOT, 'tools', 'orch-events.js');

/** The environment of a user's shell, minus anything that would colour or redirect the CLI. */
function cliEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '', HOME: os.homedir() };
  return { ...env, ...extra };
}

/** A running `orch-events` process with its output so far. */
interface Cli {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  lines: () => string[];
  exit: Promise<number | null>;
}

function startCli(
  args: string[],
  env: Record<string, string> = {},
  command = process.execPath,
  pre = [BIN],
): Cli {
  const child = spawn(command, [...pre, ...args], {
    cwd: ROOT,
    env: cliEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (err += d));
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    lines: () => out.split('\n').filter((l) => l !== ''),
    exit,
  };
}

async function runCli(args: string[], env: Record<string, string> = {}) {
  const cli = startCli(args, env);
  const code = await cli.exit;
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}

/** Rotates like the library: shift the backups, hard-link the file to .1, rename a new empty file over it. */
function rotate(file: string): void {
  for (let k = 8; k >= 1; k--) {
    if (fs.existsSync(`${file}.${k}`)) fs.renameSync(`${file}.${k}`, `${file}.${k + 1}`);
  }
  fs.linkSync(file, `${file}.1`);
  fs.writeFileSync(`${file}.new`, '');
  fs.renameSync(`${file}.new`, file);
}

const line = (n: number, fields: Record<string, unknown> = {}) =>
  JSON.stringify({
    timestamp: `2026-11-24T10:30:${String(n % 60).padStart(2, '0')}.123456Z`,
    level: 'INFO',
    logger: 'orchestrator_events',
    event: 'tick',
    event_id: `1795515045${String(n).padStart(3, '0')}-000000-o-glm`,
    orch_id: 'o-glm',
    n,
    ...fields,
  }) + '\n';

/** The events of `--json` output: one JSON object a line. */
function jsonLines(stdout: string): unknown[] {
  return stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

describe('orch-events without a server', () => {
  let dir: string;
  beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orch-cli-'))));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('runs as `npx orch-events` from the workspace (the root package bin over the built client)', async () => {
    const cli = startCli(['--help'], {}, 'npx', ['--offline', 'orch-events']);
    expect(await cli.exit).toBe(0);
    expect(cli.stdout()).toMatch(/^Usage: orch-events <command> \[options\]/);
  });

  it('pretty-prints a log file: golden lines, NO_COLOR', async () => {
    const file = path.join(dir, 'golden.log');
    fs.writeFileSync(
      file,
      [
        '{"timestamp":"2026-11-24T10:30:45.123456Z","level":"INFO","logger":"orchestrator_events","event":"job_started","event_id":"1795515045123-000000-o-glm","orch_id":"o-glm","task_id":"task-1","run_id":"run-1","steps":3,"status":"running"}',
        '{"timestamp":"2026-11-24T10:30:45.224001Z","level":"INFO","logger":"orchestrator_events","event":"job_step","event_id":"1795515045224-000000-o-glm","orch_id":"o-glm","task_id":"task-1","run_id":"run-1","step":1,"steps":3}',
        '{"timestamp":"2026-11-24T10:30:45.300000Z","level":"WARNING","logger":"orchestrator_events","event":"task_slow","event_id":"1795515045300-000000-o-glm","orch_id":"o-glm","task_id":"task-1","message":"slow step, retrying","duration_ms":5300}',
        '{"timestamp":"2026-11-24T10:30:45.431999Z","level":"ERROR","logger":"orchestrator_events","event":"job_failed","event_id":"1795515045431-000000-o-glm","orch_id":"o-glm","task_id":"task-1","run_id":"run-1","status":"failed","error":{"name":"Error","message":"step 2 of 3 failed","stack":"Error: step 2 of 3 failed\\n    at x"},"duration_ms":308.5}',
        '{"timestamp":"2026-11-24T10:30:46.000000Z","level":"INFO","logger":"orchestrator_events","event":"job_completed","event_id":"1795515046000-000000-o-glm","orch_id":"o-glm","task_id":"task-2","status":"success","result":{"steps_done":3,"items":["a","b"]},"duration_ms":1500}',
        '{"timestamp":"2026-11-24T10:3', // a torn line, as a crash leaves it
        '',
      ].join('\n'),
    );
    const result = await runCli(['tail', '--file', file], { NO_COLOR: '1' });
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      '2026-11-24 10:30:45.123Z INFO    job_started      task=task-1 run=run-1 status=running steps=3',
      '2026-11-24 10:30:45.224Z INFO    job_step         task=task-1 run=run-1 step=1 steps=3',
      '2026-11-24 10:30:45.300Z WARNING task_slow        task=task-1 "slow step, retrying" duration_ms=5300',
      '2026-11-24 10:30:45.431Z ERROR   job_failed       task=task-1 run=run-1 status=failed error="Error: step 2 of 3 failed" duration_ms=308.5',
      '2026-11-24 10:30:46.000Z INFO    job_completed    task=task-2 status=success result={"steps_done":3,"items":["a","b"]} duration_ms=1500',
      '',
    ]);
    expect(result.stderr).toBe(
      'orch-events: skipped a line that is not an event: "{\\"timestamp\\":\\"2026-11-24T10:3"\n',
    );

    const filtered = await runCli(
      ['tail', '--file', file, '--level', 'warn', '--task-id', 'task-1'],
      {
        NO_COLOR: '1',
      },
    );
    expect(filtered.stdout.split('\n').map((l) => l.split(/\s+/)[3])).toEqual([
      'task_slow',
      'job_failed',
      undefined,
    ]);
  });

  it('prints no colours when piped, and colours with --color', async () => {
    const file = path.join(dir, 'colour.log');
    fs.writeFileSync(file, line(1, { level: 'ERROR', status: 'failed' }));
    const piped = await runCli(['tail', '--file', file]);
    expect(piped.stdout).toContain('ERROR');
    expect(piped.stdout).not.toContain('\u001b[');
    const forced = await runCli(['tail', '--file', file, '--color']);
    expect(forced.stdout).toContain('\u001b[31m');
  });

  it('--file --follow follows a rotation: every line once, in order', async () => {
    const file = path.join(dir, 'follow.log');
    fs.writeFileSync(file, line(1) + line(2));
    const cli = startCli(['tail', '--file', file, '--follow', '--json']);
    try {
      await waitFor(() => (cli.lines().length >= 2 ? true : undefined));
      fs.appendFileSync(file, line(3));
      rotate(file);
      fs.appendFileSync(file, line(4) + line(5));
      await waitFor(() => (cli.lines().length >= 5 ? true : undefined));
      rotate(file);
      fs.appendFileSync(file, line(6));
      await waitFor(() => (cli.lines().length >= 6 ? true : undefined));
    } finally {
      cli.child.kill('SIGTERM');
    }
    expect(await cli.exit).toBe(0);
    expect(cli.lines().map((l) => (JSON.parse(l) as { n: number }).n)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(cli.stderr()).toContain('was rotated; following the new file');
  });

  it('says in one line that the server is unreachable, exit 1', async () => {
    const port = await freePort();
    const result = await runCli(['tail', '--url', `http://127.0.0.1:${port}`]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `orch-events: cannot reach the server at http://127.0.0.1:${port} (ECONNREFUSED); is it running? (--url)\n`,
    );
  });

  it('says in one line that the token was refused (401), exit 1', async () => {
    const server = createServer((req, res) => {
      res.writeHead(401, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          statusCode: 401,
          message: 'Unauthorized',
          auth: req.headers.authorization,
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const result = await runCli(['query', '--url', `http://127.0.0.1:${port}`], {
        ORCH_EVENTS_TOKEN: 'wrong',
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        'orch-events: 401 Unauthorized: Unauthorized; give the token with --token or ORCH_EVENTS_TOKEN\n',
      );
    } finally {
      server.close();
    }
  });
});

describe('orch-events against the demo app', () => {
  let app: RunningApp;
  afterEach(async () => {
    await app.stop();
  });

  async function history(query: string): Promise<OrchestratorEvent[]> {
    return (
      await http<{ events: OrchestratorEvent[] }>(
        `${app.api}/orchestrator/events?limit=1000&${query}`,
      )
    ).body.events;
  }

  it('tail --json: NDJSON, resumed across a restart without loss or repeat, said on stderr', async () => {
    const port = await freePort();
    app = await startApp({ port });
    const cli = startCli(['tail', '--json', '--task-id', 'cli-tail', '--url', app.origin]);
    let events: OrchestratorEvent[] = [];
    try {
      await waitFor(() => (cli.stderr().includes('following') ? true : undefined));
      await postJob(app, { task_id: 'cli-tail', steps: 2, step_ms: 5 });
      await waitFor(() => (cli.lines().length >= 4 ? true : undefined));
      await app.stop('SIGTERM');
      app = await startApp({ port, dir: app.dir });
      await waitFor(() => (cli.stderr().includes('reconnected') ? true : undefined), 60_000);
      await postJob(app, { task_id: 'cli-tail', steps: 1, step_ms: 5 });
      await waitFor(() => (cli.lines().length >= 7 ? true : undefined));
    } finally {
      cli.child.kill('SIGINT');
    }
    expect(await cli.exit).toBe(0);
    events = cli.lines().map((l) => JSON.parse(l) as OrchestratorEvent);
    expect(events).toEqual(await history('task_id=cli-tail'));
    expect(cli.stderr()).toMatch(/connection lost \(.*\); reconnecting in \d+\.\d s/);
    expect(cli.stderr()).toContain(`reconnected; resuming after ${events[3].event_id}`);
  });

  it('query: every match (or the newest N) in order; a bad filter shows the server 400', async () => {
    app = await startApp();
    const job = await postJob(app, { task_id: 'cli-query', steps: 3, step_ms: 0 });
    const stored = await waitFor(async () => {
      const events = await history(`run_id=${job.body.run_id}`);
      return events.length === 5 ? events : undefined;
    });
    const all = await runCli(['query', '--json', '--run-id', job.body.run_id, '--url', app.origin]);
    expect(all.code).toBe(0);
    expect(jsonLines(all.stdout)).toEqual(stored);

    const newest = await runCli(
      ['query', '-n', '2', '--task-id', 'cli-query', '--url', app.origin],
      {
        NO_COLOR: '1',
      },
    );
    expect(
      newest.stdout
        .trim()
        .split('\n')
        .map((l) => l.split(/\s+/)[3]),
    ).toEqual(['job_step', 'job_completed']);

    const bad = await runCli(['query', '--task-id', 'no spaces', '--url', app.origin]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(
      'orch-events: bad filter (400): task_id must be 1-128 characters of [A-Za-z0-9._:-]\n',
    );

    // The server's rules for since and limit (from the contract), before any request.
    const since = await runCli(
      ['query', '--json', '--run-id', job.body.run_id, '--since', '0001-01-01T00:00:00Z'].concat([
        '--url',
        app.origin,
      ]),
    );
    expect(since.code).toBe(0);
    expect(jsonLines(since.stdout)).toEqual(stored);
    for (const args of [
      ['--limit', '05'],
      ['--limit', '1e2'],
      ['--since', '2026-12-05T23:00:00'],
    ]) {
      const refused = await runCli(['query', ...args, '--url', app.origin]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(`invalid ${args[0]} "${args[1]}"`);
    }
  });
});
