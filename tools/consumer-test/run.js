#!/usr/bin/env node
/*
 * `npm run test:consumer`: the packages as a user gets them. Packs the three libraries
 * (`npm run pack`), then for Nest 11 (a CommonJS app) and the newest Nest 12 (an ESM app) creates a
 * fresh app in a temp directory outside the workspace, installs the tarballs and the usual Nest
 * packages from the registry, and checks:
 *   - npm resolves without ERESOLVE or peer warnings, and `npm ls --all` finds nothing invalid;
 *   - ioredis and @nestjs/swagger (optional peers) were not installed;
 *   - `tsc` compiles the app in strict mode with skipLibCheck off (our .d.ts files are checked);
 *   - the app starts, `EventLogger.log` and `track` write NDJSON lines to ORCH_LOG_FILE;
 *   - GET /api/v1/orchestrator/events?task_id= returns them; a live SSE client (the installed
 *     client, from an ESM script) receives them; `npx orch-events query --json` prints them;
 *   - the client loads from CommonJS; `orch-events --version` prints the package version;
 *   - SIGTERM stops the app with code 0; REDIS_URL without ioredis is one startup error naming it.
 * Options: --nest 11|12 (one version only), --keep (leave the temp directories), --no-pack.
 */
'use strict';
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const template = path.join(__dirname, 'app');
const args = process.argv.slice(2);
const keep = args.includes('--keep');
const only = args.includes('--nest') ? [args[args.indexOf('--nest') + 1]] : ['11', '12'];

/** Each Nest major as a user would start it: Nest 11 apps are mostly CommonJS, Nest 12 is ESM. */
const VARIANTS = {
  11: { nest: '^11', moduleType: 'commonjs' },
  12: { nest: 'latest', moduleType: 'module' },
};

let failures = 0;
function check(ok, what, detail = '') {
  process.stdout.write(
    `  ${ok ? 'ok  ' : 'FAIL'} ${what}${!ok && detail ? `\n       ${detail}` : ''}\n`,
  );
  if (!ok) failures++;
  return ok;
}

function sh(cmd, cmdArgs, cwd, env = {}) {
  const result = require('node:child_process').spawnSync(cmd, cmdArgs, {
    cwd,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: result.status, out: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Spawns a process and collects its output; `waitFor(re)` resolves when the output matches. */
function start(cmd, cmdArgs, cwd, env) {
  const child = spawn(cmd, cmdArgs, { cwd, env: { ...process.env, ...env } });
  let out = '';
  const waiters = [];
  const exit = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const onData = (chunk) => {
    out += chunk;
    for (const w of waiters) if (w.re.test(out)) w.resolve(true);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  return {
    child,
    exit,
    output: () => out,
    waitFor(re, ms) {
      if (re.test(out)) return Promise.resolve(true);
      return new Promise((resolve) => {
        waiters.push({ re, resolve });
        setTimeout(() => resolve(false), ms).unref();
        exit.then(() => setTimeout(() => resolve(re.test(out)), 50));
      });
    },
  };
}

function withTimeout(promise, ms, fallback) {
  return Promise.race([promise, new Promise((r) => setTimeout(() => r(fallback), ms).unref())]);
}

function readJsonLines(text) {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));
}

async function testVariant(major, tarballs, version) {
  const variant = VARIANTS[major];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `orch-consumer-nest${major}-`));
  process.stdout.write(`\n== Nest ${major} (${variant.moduleType} app) in ${dir}\n`);
  try {
    fs.cpSync(path.join(template, 'src'), path.join(dir, 'src'), { recursive: true });
    fs.copyFileSync(path.join(template, 'check-client.mjs'), path.join(dir, 'check-client.mjs'));
    fs.writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({ name: 'consumer-app', private: true, type: variant.moduleType }, null, 2),
    );
    fs.writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify(
        {
          compilerOptions: {
            module: 'nodenext',
            moduleResolution: 'nodenext',
            target: 'es2022',
            strict: true,
            experimentalDecorators: true,
            emitDecoratorMetadata: true,
            skipLibCheck: false,
            types: ['node'],
            outDir: 'dist',
            rootDir: 'src',
          },
          include: ['src'],
        },
        null,
        2,
      ),
    );

    const nest = variant.nest;
    const install = sh(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        ...tarballs,
        `@nestjs/common@${nest}`,
        `@nestjs/core@${nest}`,
        `@nestjs/platform-express@${nest}`,
        'reflect-metadata',
        'rxjs',
        'typescript',
        '@types/node@20',
      ],
      dir,
    );
    const peerWarnings = install.out
      .split('\n')
      .filter((l) => /ERESOLVE|peer/i.test(l) && !/install-scripts/.test(l));
    if (
      !check(
        install.code === 0,
        'npm install: the tarballs and Nest from the registry',
        install.out,
      )
    ) {
      return;
    }
    check(
      peerWarnings.length === 0,
      'no ERESOLVE and no peer warning',
      peerWarnings.join('\n       '),
    );
    const ls = sh('npm', ['ls', '--all'], dir);
    check(ls.code === 0, '`npm ls --all`: every dependency and peer valid', ls.out.slice(-2000));
    const installed = (name) => fs.existsSync(path.join(dir, 'node_modules', ...name.split('/')));
    const nestVersion = JSON.parse(
      fs.readFileSync(path.join(dir, 'node_modules/@nestjs/core/package.json'), 'utf8'),
    ).version;
    check(nestVersion.startsWith(`${major}.`), `@nestjs/core ${nestVersion} is Nest ${major}`);
    check(!installed('ioredis'), 'ioredis (optional peer) not installed');
    check(!installed('@nestjs/swagger'), '@nestjs/swagger (optional peer) not installed');

    const tsc = sh(path.join(dir, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], dir);
    if (!check(tsc.code === 0, 'tsc --strict, skipLibCheck off', tsc.out)) return;

    const logFile = path.join(dir, 'logs', 'orch.log');
    const port = await freePort();
    const env = { PORT: String(port), ORCH_ID: `consumer-${major}`, ORCH_LOG_FILE: logFile };
    const app = start(process.execPath, ['dist/main.js'], dir, env);
    if (!check(await app.waitFor(/READY/, 30_000), 'the app starts', app.output())) {
      app.child.kill('SIGKILL');
      return;
    }
    const base = `http://127.0.0.1:${port}`;
    const taskId = `task-${major}`;
    try {
      // A live client first, then the work: the SSE client must see events logged after it opened.
      const sse = start(process.execPath, ['check-client.mjs', base, taskId], dir, {});
      check(await sse.waitFor(/OPEN/, 15_000), 'ESM client: the SSE stream opens', sse.output());
      const posted = await fetch(`${base}/api/v1/work/${taskId}`, { method: 'POST' });
      const body = await posted.json();
      check(
        posted.status === 201 && typeof body.received === 'string',
        'POST /work logs',
        JSON.stringify(body),
      );
      const sseExit = await withTimeout(sse.exit, 25_000, { code: 'timeout' });
      const live = readJsonLines(sse.output()).map((e) => e.event);
      check(
        sseExit.code === 0 && live.join() === 'work_received,work_started,work_completed',
        'a live SSE client receives work_received, work_started, work_completed',
        `exit ${sseExit.code}: ${sse.output()}`,
      );

      const lines = fs
        .readFileSync(logFile, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      const mine = lines.filter((e) => e.task_id === taskId);
      check(
        mine.map((e) => e.event).join() === 'work_received,work_started,work_completed',
        'the NDJSON file holds the three events, in order',
        JSON.stringify(mine),
      );
      const first = mine[0] ?? {};
      check(
        first.event_id === body.received &&
          first.message === 'hello from a consumer app' &&
          first.orch_id === env.ORCH_ID &&
          first.logger === 'orchestrator_events' &&
          /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(first.timestamp),
        'a line carries the id log() returned, the message, orch_id, logger and a UTC timestamp',
        JSON.stringify(first),
      );
      const completed = mine[2] ?? {};
      check(
        completed.status === 'success' &&
          completed.run_id === 'run-1' &&
          typeof completed.duration_ms === 'number',
        'track() wrote work_completed with status, run_id and duration_ms',
        JSON.stringify(completed),
      );

      const res = await fetch(`${base}/api/v1/orchestrator/events?task_id=${taskId}`);
      const page = await res.json();
      check(
        res.status === 200 &&
          page.events.map((e) => e.event_id).join() === mine.map((e) => e.event_id).join(),
        'GET /api/v1/orchestrator/events?task_id= returns the same events',
        `${res.status} ${JSON.stringify(page)}`,
      );
      const bad = await fetch(`${base}/api/v1/orchestrator/events?limit=0`);
      const badBody = await bad.text();
      check(bad.status === 400 && /limit/.test(badBody), 'a bad limit is a 400 naming it', badBody);

      const cli = sh(
        'npx',
        ['--no-install', 'orch-events', 'query', '--task-id', taskId, '--json', '--url', base],
        dir,
      );
      const printed = readJsonLines(cli.out).map((e) => e.event_id);
      check(
        cli.code === 0 && printed.join() === mine.map((e) => e.event_id).join(),
        '`npx orch-events query --json` prints them',
        cli.out,
      );
      const cliVersion = sh('npx', ['--no-install', 'orch-events', '--version'], dir);
      check(
        cliVersion.out.trim() === version,
        `\`orch-events --version\` prints ${version}`,
        cliVersion.out,
      );
      const cjs = sh(
        process.execPath,
        [
          '-e',
          "process.stdout.write(typeof require('@orchestrator/events-client').OrchestratorEventsClient)",
        ],
        dir,
      );
      check(cjs.out === 'function', 'the client loads from CommonJS', cjs.out);
    } finally {
      app.child.kill('SIGTERM');
      const stopped = await withTimeout(app.exit, 10_000, { code: 'timeout' });
      check(
        stopped.code === 0,
        'SIGTERM stops the app with exit code 0',
        `${JSON.stringify(stopped)} ${app.output()}`,
      );
    }

    // REDIS_URL without ioredis installed: one startup error that names the package.
    const redisApp = start(process.execPath, ['dist/main.js'], dir, {
      ...env,
      PORT: String(await freePort()),
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    const redisExit = await withTimeout(redisApp.exit, 30_000, { code: 'timeout' });
    if (redisExit.code === 'timeout') redisApp.child.kill('SIGKILL');
    check(
      redisExit.code !== 0 &&
        !/READY/.test(redisApp.output()) &&
        /npm install ioredis/.test(redisApp.output()),
      'REDIS_URL without ioredis: the app does not start and the error says `npm install ioredis`',
      redisApp.output(),
    );
  } finally {
    if (keep) process.stdout.write(`  (kept ${dir})\n`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const started = Date.now();
  if (!args.includes('--no-pack')) {
    execFileSync('npm', ['run', 'pack'], { cwd: root, stdio: 'inherit' });
  }
  const out = path.join(root, 'dist', 'packages');
  const tarballs = fs
    .readdirSync(out)
    .filter((f) => f.endsWith('.tgz'))
    .map((f) => path.join(out, f));
  if (tarballs.length !== 3)
    throw new Error(`expected 3 tarballs in ${out}, found ${tarballs.length}`);
  const version = JSON.parse(
    fs.readFileSync(path.join(root, 'libs/orchestrator-events-client/package.json'), 'utf8'),
  ).version;
  for (const major of only) await testVariant(major, tarballs, version);
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  process.stdout.write(
    `\nconsumer test: ${failures === 0 ? 'passed' : `${failures} check(s) failed`} in ${seconds} s\n`,
  );
  process.exitCode = failures === 0 ? 0 : 1;
}

main().catch((error) => {
  process.stderr.write(`consumer test: ${error.stack ?? error}\n`);
  process.exitCode = 1;
});
