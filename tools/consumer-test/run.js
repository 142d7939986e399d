#!/usr/bin/env node
/*
 * `npm run test:consumer`: the packages as a user gets them, following the README's "Use it in your
 * Nest app" word by word. Packs the three libraries (`npm run pack`), then for Nest 11 (a CommonJS
 * app) and the newest Nest 12 (an ESM app): `npm init -y` in a temp directory outside the workspace,
 * the README's `npm install` lines (Nest pinned to the major under test), the README's tsconfig.json
 * and src/main.ts (taken from the README itself), and checks:
 *   - npm resolves without ERESOLVE or peer warnings, and `npm ls --all` finds nothing invalid;
 *   - ioredis, pg and @nestjs/swagger (optional peers) were not installed;
 *   - `npx tsc` compiles the app: strict, skipLibCheck off, so our .d.ts files are checked;
 *   - the app starts; `EventLogger.log` and `track` write NDJSON lines to ORCH_LOG_FILE;
 *   - GET /api/v1/orchestrator/events?task_id= returns them; a live SSE client (the client, from an
 *     ESM script) receives them; every `orch-events` command prints them (testCli);
 *   - each package installed alone in an app of its own with only what it declares, every compiled
 *     file of it loading there (installAlone); the client's app is where the SSE client and the CLI
 *     run, and the client loads from CommonJS there;
 *   - SIGTERM stops the app with code 0; OrchestratorEventsRedisModule without ioredis is one
 *     startup error naming it;
 *   - with ioredis installed (5 with Nest 11, as BullMQ apps have it; the newest with Nest 12) the
 *     events of an app with OrchestratorEventsRedisModule go through the Redis Stream bus (needs
 *     Redis on 127.0.0.1:6379, as .ci/run provides);
 *   - with @nestjs/swagger of the same major installed, the endpoints are in the app's document.
 *   - the integrations: configured without their packages, each is one startup error naming it;
 *     with prom-client, @nestjs/terminus, @opentelemetry/api and bullmq installed, the metrics module
 *     serves orchestrator_events_* metrics, the Terminus health indicator answers, the tracing
 *     module starts, and a BullMQ job's transitions are recorded.
 *   - the dashboard module (`@orchestrator/events/dashboard`) serves the page from the package.
 *   - the alerts module (`@orchestrator/events/alerts`, no peer): a run that fails in the app is one
 *     `run_failed` POST to a webhook receiver of the test's own, signed with the secret;
 *   - the PostgreSQL store (`@orchestrator/events/postgres`): without pg one startup error naming
 *     `npm install pg`; with pg installed, on a database of the test's own (PostgreSQL on
 *     127.0.0.1:5432, as .ci/run provides; outside CI a missing server is a printed skip), the
 *     events are ingested into its table and the events and runs endpoints return them.
 * Options: --nest 11|12 (one version only), --keep (leave the temp directories), --no-pack.
 */
'use strict';
const { execFileSync, spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const README = path.join(root, 'README.md');
const args = process.argv.slice(2);
const keep = args.includes('--keep');
const NPM_FLAGS = ['--no-audit', '--no-fund'];
/** The PostgreSQL server of the tests (trust auth, user postgres), as require-postgres.ts has it. */
const PG_ADMIN_URL = process.env.ORCH_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const only = args.includes('--nest') ? [args[args.indexOf('--nest') + 1]] : ['11', '12'];

/** Each Nest major as a user would start it: Nest 11 apps are mostly CommonJS, Nest 12 is ESM. */
const VARIANTS = {
  11: { nest: '^11', moduleType: 'commonjs' },
  12: { nest: '^12', moduleType: 'module' },
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
  const result = spawnSync(cmd, cmdArgs, {
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

/** The README's files for the app: each fenced block after a `<!-- consumer-test: <file> -->` mark. */
function readmeFiles() {
  const text = fs.readFileSync(README, 'utf8');
  const files = {};
  for (const match of text.matchAll(/<!-- consumer-test: (\S+) -->\s*```\w*\n([\s\S]*?)```/g)) {
    files[match[1]] = match[2];
  }
  if (!files['tsconfig.json'] || !files['src/main.ts']) {
    throw new Error(
      'README.md: the consumer-test marks for tsconfig.json and src/main.ts are missing',
    );
  }
  return files;
}

/** Resolves true once `url` answers, false when the app exits or `ms` pass. */
async function waitForHttp(url, app, ms) {
  let exited = false;
  app.exit.then(() => (exited = true));
  for (const deadline = Date.now() + ms; Date.now() < deadline && !exited;) {
    try {
      await fetch(url);
      return true;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return false;
}

function npmWarnings(out) {
  return out.split('\n').filter((l) => /ERESOLVE|peer/i.test(l) && !/install-scripts/.test(l));
}

/**
 * Each package alone, as a user who needs only that one has it: a fresh app with nothing but the
 * package and what its manifest declares (the contract tarball beside the other two, as it is not
 * published; npm adds the dependencies and the required peers). npm must resolve it without
 * ERESOLVE or peer warning, `npm ls --all` must be valid, nothing undeclared may come along (the
 * contract: no package at all; the client: no tslib and no Nest; the server package: no optional
 * peer and no HTTP platform), and every compiled file of the package must load there
 * (check-loads.cjs). Installed only beside the server package, the client once needed tslib
 * without declaring it, and no test saw it. Returns each app's directory by package key; the
 * client's is where the SSE client and every CLI command run (testCli).
 */
function installAlone(tarballs) {
  const alone = {
    contract: {
      name: '@orchestrator/events-contract',
      install: [tarballs.contract],
      absent: [],
    },
    events: {
      name: '@orchestrator/events',
      install: [tarballs.contract, tarballs.events],
      absent: [
        '@nestjs/platform-express',
        '@nestjs/swagger',
        '@nestjs/terminus',
        '@opentelemetry/api',
        'bullmq',
        'ioredis',
        'pg',
        'prom-client',
      ],
    },
    client: {
      name: '@orchestrator/events-client',
      install: [tarballs.contract, tarballs.client],
      absent: ['tslib', '@nestjs/common', '@orchestrator/events'],
    },
  };
  const dirs = {};
  for (const [key, { name, install, absent }] of Object.entries(alone)) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `orch-consumer-${key}-`));
    dirs[key] = dir;
    process.stdout.write(`\n== ${name} alone in ${dir}\n`);
    sh('npm', ['init', '-y'], dir);
    const added = sh('npm', ['install', ...NPM_FLAGS, ...install], dir);
    const warnings = npmWarnings(added.out);
    if (
      !check(
        added.code === 0 && warnings.length === 0,
        `npm install ${install.map((t) => path.basename(t)).join(' ')}: no ERESOLVE, no peer warning`,
        added.out,
      )
    ) {
      delete dirs[key];
      fs.rmSync(dir, { recursive: true, force: true });
      continue;
    }
    const ls = sh('npm', ['ls', '--all'], dir);
    check(ls.code === 0, '`npm ls --all`: every dependency and peer valid', ls.out.slice(-2000));
    const packages = sh('npm', ['ls', '--all', '--parseable'], dir)
      .out.trim()
      .split('\n')
      .slice(1)
      .map((p) => path.relative(path.join(dir, 'node_modules'), p));
    if (key === 'contract') {
      check(
        packages.join() === name,
        'nothing installed but the contract (it has no dependencies)',
        packages.join(', '),
      );
    } else {
      const found = absent.filter((p) => packages.includes(p));
      check(found.length === 0, `not installed: ${absent.join(', ')}`, found.join(', '));
    }
    fs.copyFileSync(path.join(__dirname, 'check-loads.cjs'), path.join(dir, 'check-loads.cjs'));
    const loads = sh(process.execPath, ['check-loads.cjs', name], dir);
    check(
      loads.code === 0 && /^loaded \d+ files$/.test(loads.out.trim()),
      `every compiled file of ${name} loads, and its entry from ESM (${loads.out.trim().split('\n')[0]})`,
      loads.out,
    );
  }
  if (dirs.client !== undefined) {
    fs.copyFileSync(
      path.join(__dirname, 'check-client.mjs'),
      path.join(dirs.client, 'check-client.mjs'),
    );
    const cjs = sh(
      process.execPath,
      [
        '-e',
        "process.stdout.write(typeof require('@orchestrator/events-client').OrchestratorEventsClient)",
      ],
      dirs.client,
    );
    check(cjs.out === 'function', 'the client loads from CommonJS', cjs.out);
  }
  return dirs;
}

/** Resolves true once `ready()` is true, false after `ms`. */
async function waitUntil(ready, ms) {
  for (const deadline = Date.now() + ms; Date.now() < deadline;) {
    if (ready()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return ready();
}

/** SIGTERM, then SIGKILL if it has not exited after `ms`; resolves with its exit ({ code: 'timeout' } then). */
async function stop(proc, ms = 10_000) {
  proc.child.kill('SIGTERM');
  const exit = await withTimeout(proc.exit, ms, { code: 'timeout' });
  if (exit.code === 'timeout') proc.child.kill('SIGKILL');
  return exit;
}

/** Stops an app of the test (`stop`) and checks that SIGTERM ended it with code 0. */
async function checkStops(app, what, ms = 10_000) {
  const stopped = await stop(app, ms);
  check(stopped.code === 0, what, `${JSON.stringify(stopped)} ${app.output()}`);
}

/**
 * Starts the compiled `dist/<name>.js` of the app in `dir` on a free port, with `env` beside PORT;
 * `ready` is a failed check or a pass for `starts`, once `base + path` answers (or `line` is in the
 * output) within 30 s. The caller stops the app either way.
 */
async function startApp(dir, name, env, { starts, path: readyPath = '', line } = {}) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const app = start(process.execPath, [`dist/${name}.js`], dir, { PORT: String(port), ...env });
  const up =
    line === undefined
      ? await waitForHttp(base + readyPath, app, 30_000)
      : await app.waitFor(line, 30_000);
  return { app, base, ready: check(up, starts, app.output()) };
}

/** `npm install` of optional peers into the app: a check that npm added them without warning. */
function installPeers(dir, packages, what = `npm install ${packages.join(' ')}: no warning`) {
  const add = sh('npm', ['install', ...NPM_FLAGS, ...packages], dir);
  const warnings = npmWarnings(add.out);
  return check(add.code === 0 && warnings.length === 0, what, add.out);
}

/** Writes the app's `src/<name>.ts` and compiles the app with its strict tsc: a check. */
function compileApp(dir, name, lines, what) {
  fs.writeFileSync(path.join(dir, 'src', `${name}.ts`), [...lines, ''].join('\n'));
  const tsc = sh('npx', ['--no-install', 'tsc'], dir);
  return check(tsc.code === 0, `\`npx tsc\` ${what}`, tsc.out);
}

/**
 * The end of an app the test writes: its module `appModule` (`imports`, `controllers`, `providers`:
 * expressions), and a `main()` that creates it (Nest's logger off unless `logger`), sets the global
 * prefix api/v1 unless `prefix` is false and the shutdown hooks on SIGTERM unless `shutdown` is
 * false, listens on PORT, then runs `then` (lines of its body).
 */
function appModuleAndMain(
  appModule,
  { imports, controllers = [], providers = [] },
  { logger = false, prefix = true, shutdown = true, then = [] } = {},
) {
  const list = (key, items) => (items.length > 0 ? [`  ${key}: [${items.join(', ')}],`] : []);
  return [
    '@Module({',
    ...list('imports', imports),
    ...list('controllers', controllers),
    ...list('providers', providers),
    '})',
    `class ${appModule} {}`,
    '',
    'async function main(): Promise<void> {',
    `  const app = await NestFactory.create(${appModule}${logger ? '' : ', { logger: false }'});`,
    ...(prefix ? ["  app.setGlobalPrefix('api/v1');"] : []),
    ...(shutdown ? ["  app.enableShutdownHooks(['SIGTERM'], { useProcessExit: true });"] : []),
    "  await app.listen(Number(process.env['PORT']), '127.0.0.1');",
    ...then.map((l) => `  ${l}`),
    '}',
    'void main();',
  ];
}

/**
 * Starts, from a CommonJS script, an application context that imports `imports` (the modules named
 * in `modules`, each from its entry point): exit 0 when it starts, else exit 1 with the startup
 * error's message as the output.
 */
function startupError(dir, modules, imports, env) {
  const script = [
    "require('reflect-metadata');",
    "const { Module } = require('@nestjs/common');",
    "const { NestFactory } = require('@nestjs/core');",
    ...Object.entries(modules).map(([name, from]) => `const { ${name} } = require('${from}');`),
    'class M {}',
    `Module({ imports: [${imports}] })(M);`,
    'NestFactory.createApplicationContext(M, { logger: false, abortOnError: false }).then(',
    '  () => process.exit(0),',
    '  (e) => { process.stdout.write(e.message); process.exit(1); });',
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'peer-check.cjs'), script);
  return sh(process.execPath, ['peer-check.cjs'], dir, env);
}

/**
 * Every command of `orch-events`, from the app where the client is installed alone, against the
 * running app at `base`, which logged `ids` (the events of `taskId`) to `logFile`: --help,
 * --version, bad usage (exit 2), `query` (NDJSON, and text with --limit), `tail` from the server
 * (resuming after --last-event-id), `tail --file` (the file, then exit 0) and `tail --file --follow`
 * (what is appended too). The short ones run as the README writes them (`npx orch-events`); the
 * ones that run until stopped run the installed bin itself, so that SIGTERM reaches the CLI (exit 0).
 */
async function testCli(dir, { base, taskId, ids, logFile, version }) {
  const env = { NO_COLOR: '1' };
  const npx = (...cliArgs) => sh('npx', ['--no-install', 'orch-events', ...cliArgs], dir, env);
  const bin = path.join(dir, 'node_modules', '.bin', 'orch-events');
  const idsOf = (out) => readJsonLines(out).map((e) => e.event_id);

  const help = npx('--help');
  check(
    help.code === 0 && help.out.startsWith('Usage: orch-events') && /\n {2}tail /.test(help.out),
    '`orch-events --help` prints the usage',
    help.out,
  );
  const cliVersion = npx('--version');
  check(
    cliVersion.code === 0 && cliVersion.out.trim() === version,
    `\`orch-events --version\` prints ${version}`,
    cliVersion.out,
  );
  const usage = npx('frobnicate');
  check(
    usage.code === 2 && /^orch-events: .+\n$/.test(usage.out),
    '`orch-events frobnicate`: one line on stderr, exit 2',
    `exit ${usage.code}: ${usage.out}`,
  );
  const query = npx('query', '--task-id', taskId, '--json', '--url', base);
  check(
    query.code === 0 && idsOf(query.out).join() === ids.join(),
    '`npx orch-events query --json` prints them',
    query.out,
  );
  const newest = npx('query', '--task-id', taskId, '--limit', '2', '--url', base);
  const lines = newest.out.trim().split('\n');
  check(
    newest.code === 0 &&
      lines.length === 2 &&
      /\bjob_step\b/.test(lines[0]) &&
      /\bjob_completed\b/.test(lines[1]) &&
      lines.every((line) => line.includes(`task=${taskId}`)),
    '`orch-events query --limit 2` prints the newest two as text lines',
    newest.out,
  );

  const live = start(
    bin,
    ['tail', '--task-id', taskId, '--last-event-id', ids[0], '--json', '--url', base],
    dir,
    env,
  );
  await waitUntil(() => idsOf(live.output()).length >= ids.length - 1, 20_000);
  const liveCode = (await stop(live)).code;
  check(
    liveCode === 0 && idsOf(live.output()).join() === ids.slice(1).join(),
    '`orch-events tail --last-event-id` (the server) prints what came after it; SIGTERM: exit 0',
    `exit ${liveCode}: ${live.output()}`,
  );

  const file = npx('tail', '--file', logFile, '--task-id', taskId, '--json');
  check(
    file.code === 0 && idsOf(file.out).join() === ids.join(),
    '`orch-events tail --file` prints them from the log file and exits 0',
    `exit ${file.code}: ${file.out}`,
  );
  const followed = `${taskId}-follow`;
  const follow = start(bin, ['tail', '--file', logFile, '--follow', '--json'], dir, env);
  const read = await waitUntil(() => idsOf(follow.output()).includes(ids.at(-1)), 15_000);
  // Logged only once the file has been read to its end: these lines can only come by following.
  if (read) await fetch(`${base}/api/v1/jobs/${followed}`, { method: 'POST' });
  await waitUntil(
    () =>
      readJsonLines(follow.output()).some(
        (e) => e.task_id === followed && e.event === 'job_completed',
      ),
    15_000,
  );
  const followCode = (await stop(follow)).code;
  const appended = readJsonLines(follow.output())
    .filter((e) => e.task_id === followed)
    .map((e) => e.event)
    .join();
  check(
    read && followCode === 0 && appended === 'job_queued,job_started,job_step,job_completed',
    '`orch-events tail --file --follow` prints the file, then what is appended; SIGTERM: exit 0',
    `exit ${followCode}: ${follow.output().slice(-2000)}`,
  );
}

async function testVariant(major, tarballs, version, clientDir) {
  const variant = VARIANTS[major];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `orch-consumer-nest${major}-`));
  process.stdout.write(`\n== Nest ${major} (${variant.moduleType} app) in ${dir}\n`);
  try {
    // The README's steps, with Nest pinned to the major under test.
    sh('npm', ['init', '-y'], dir);
    sh('npm', ['pkg', 'set', `type=${variant.moduleType}`], dir);
    for (const [file, text] of Object.entries(readmeFiles())) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    const nest = variant.nest;
    const install = sh(
      'npm',
      [
        'install',
        ...NPM_FLAGS,
        tarballs.contract,
        tarballs.events,
        `@nestjs/common@${nest}`,
        `@nestjs/core@${nest}`,
        `@nestjs/platform-express@${nest}`,
        'reflect-metadata',
        'rxjs',
      ],
      dir,
    );
    if (!check(install.code === 0, 'npm install: the tarballs and Nest', install.out)) return;
    const devInstall = sh('npm', ['install', '-D', ...NPM_FLAGS, 'typescript', '@types/node'], dir);
    check(devInstall.code === 0, 'npm install -D typescript @types/node', devInstall.out);
    const warnings = npmWarnings(install.out + devInstall.out);
    check(warnings.length === 0, 'no ERESOLVE and no peer warning', warnings.join('\n       '));
    const ls = sh('npm', ['ls', '--all'], dir);
    check(ls.code === 0, '`npm ls --all`: every dependency and peer valid', ls.out.slice(-2000));
    const installed = (name) => fs.existsSync(path.join(dir, 'node_modules', ...name.split('/')));
    const versionOf = (name) =>
      JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', name, 'package.json'), 'utf8'))
        .version;
    const nestVersion = versionOf('@nestjs/core');
    check(nestVersion.startsWith(`${major}.`), `@nestjs/core ${nestVersion} is Nest ${major}`);
    check(!installed('ioredis'), 'ioredis (optional peer) not installed');
    check(!installed('@nestjs/swagger'), '@nestjs/swagger (optional peer) not installed');
    check(!installed('pg'), 'pg (optional peer) not installed');

    const tsc = sh('npx', ['--no-install', 'tsc'], dir);
    const tsVersion = versionOf('typescript');
    if (
      !check(
        tsc.code === 0,
        `\`npx tsc\` (TypeScript ${tsVersion}): strict, no skipLibCheck`,
        tsc.out,
      )
    ) {
      return;
    }

    const { app, base, ready } = await startApp(dir, 'main', {}, { starts: 'the app starts' });
    const taskId = `task-${major}`;
    const expected = 'job_queued,job_started,job_step,job_completed';
    try {
      if (!ready) return;
      // A live client first, then the work: the SSE client must see events logged after it opened.
      // The client runs from its own app, where it is installed alone (see installAlone).
      const sse = start(process.execPath, ['check-client.mjs', base, taskId], clientDir, {});
      check(await sse.waitFor(/OPEN/, 15_000), 'ESM client: the SSE stream opens', sse.output());
      const posted = await fetch(`${base}/api/v1/jobs/${taskId}`, { method: 'POST' });
      const body = await posted.json();
      check(
        posted.status === 201 && typeof body.queued === 'string' && body.result?.processed === 42,
        'POST /api/v1/jobs/:taskId logs and answers',
        JSON.stringify(body),
      );
      const sseExit = await withTimeout(sse.exit, 25_000, { code: 'timeout' });
      const live = readJsonLines(sse.output()).map((e) => e.event);
      check(
        sseExit.code === 0 && live.join() === expected,
        `a live SSE client receives ${expected}`,
        `exit ${sseExit.code}: ${sse.output()}`,
      );

      const logFile = path.join(dir, '.devlogs', 'orch-o-glm.log');
      const mine = readJsonLines(fs.readFileSync(logFile, 'utf8')).filter(
        (e) => e.task_id === taskId,
      );
      check(
        mine.map((e) => e.event).join() === expected,
        '.devlogs/orch-o-glm.log holds the events, in order',
        JSON.stringify(mine),
      );
      const [queued = {}, , step = {}, completed = {}] = mine;
      check(
        queued.event_id === body.queued &&
          queued.message === 'from my app' &&
          queued.orch_id === 'o-glm' &&
          queued.logger === 'orchestrator_events' &&
          /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(queued.timestamp),
        'a line carries the id log() returned, the message, orch_id, logger and a UTC timestamp',
        JSON.stringify(queued),
      );
      check(
        step.run_id === 'run-1' &&
          completed.status === 'success' &&
          completed.run_id === 'run-1' &&
          completed.result?.processed === 42 &&
          typeof completed.duration_ms === 'number',
        'track(): the step has the run id; job_completed has status, result and duration_ms',
        JSON.stringify([step, completed]),
      );

      const res = await fetch(`${base}/api/v1/orchestrator/events?task_id=${taskId}`);
      const page = await res.json();
      const ids = mine.map((e) => e.event_id).join();
      check(
        res.status === 200 && page.events.map((e) => e.event_id).join() === ids,
        'GET /api/v1/orchestrator/events?task_id= returns the same events',
        `${res.status} ${JSON.stringify(page)}`,
      );
      const bad = await fetch(`${base}/api/v1/orchestrator/events?limit=0`);
      const badBody = await bad.text();
      check(bad.status === 400 && /limit/.test(badBody), 'a bad limit is a 400 naming it', badBody);

      await testCli(clientDir, {
        base,
        taskId,
        ids: mine.map((e) => e.event_id),
        logFile,
        version,
      });
    } finally {
      await checkStops(app, 'SIGTERM stops the app with exit code 0');
    }

    // The Redis module without ioredis installed: one startup error that names the package.
    const redisPeer = startupError(
      dir,
      {
        OrchestratorEventsModule: '@orchestrator/events',
        OrchestratorEventsRedisModule: '@orchestrator/events/redis',
      },
      'OrchestratorEventsModule.forRoot(), OrchestratorEventsRedisModule.forRoot()',
      { ORCH_LOG_FILE: path.join(dir, 'redis-peer.log'), REDIS_URL: 'redis://127.0.0.1:6379' },
    );
    check(
      redisPeer.code === 1 && /npm install ioredis/.test(redisPeer.out),
      'OrchestratorEventsRedisModule without ioredis: one startup error saying `npm install ioredis`',
      redisPeer.out,
    );

    await testDashboard(major, dir);
    await testRedisBus(major, dir);
    testOpenApi(major, dir);
    await testIntegrations(major, dir);
    await testAlerts(major, dir);
    await testPostgres(major, dir);
  } finally {
    if (keep) process.stdout.write(`  (kept ${dir})\n`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The optional peer once installed: ioredis 5 (as BullMQ apps have it) with Nest 11, the newest with
 * 12. An app of its own (the README's plus `OrchestratorEventsRedisModule.forRoot()`, which reads
 * REDIS_URL and ORCH_REDIS_STREAM), compiled by the same strict tsc.
 */
async function testRedisBus(major, dir) {
  const ioredis = major === '11' ? 'ioredis@5' : 'ioredis';
  if (!installPeers(dir, [ioredis])) return;
  const source = [
    "import 'reflect-metadata';",
    "import { Controller, Module, Param, Post } from '@nestjs/common';",
    "import { NestFactory } from '@nestjs/core';",
    "import { EventLogger, OrchestratorEventsModule } from '@orchestrator/events';",
    "import { OrchestratorEventsRedisModule } from '@orchestrator/events/redis';",
    '',
    "@Controller('jobs')",
    'class JobsController {',
    '  constructor(private readonly events: EventLogger) {}',
    '',
    "  @Post(':taskId')",
    "  run(@Param('taskId') taskId: string) {",
    "    this.events.log({ event: 'job_queued', task_id: taskId });",
    "    return this.events.track('job', { task_id: taskId }, async () => {",
    "      this.events.info('job_step', { step: 1 });",
    '      return { processed: 42 };',
    '    });',
    '  }',
    '}',
    '',
    ...appModuleAndMain(
      'RedisAppModule',
      {
        imports: ['OrchestratorEventsModule.forRoot()', 'OrchestratorEventsRedisModule.forRoot()'],
        controllers: ['JobsController'],
      },
      { logger: true },
    ),
  ];
  if (!compileApp(dir, 'redis', source, 'with the Redis module')) return;
  const stream = `orch:consumer:${process.pid}:${major}`;
  const { app, base, ready } = await startApp(
    dir,
    'redis',
    {
      ORCH_LOG_FILE: path.join(dir, 'redis.log'),
      REDIS_URL: 'redis://127.0.0.1:6379',
      ORCH_REDIS_STREAM: stream,
    },
    { starts: `starts with REDIS_URL and ${ioredis}` },
  );
  const expected = 'job_queued,job_started,job_step,job_completed';
  try {
    if (!ready) return;
    const taskId = `task-redis-${major}`;
    const posted = await fetch(`${base}/api/v1/jobs/${taskId}`, { method: 'POST' });
    check(
      posted.status === 201,
      'POST /api/v1/jobs/:taskId with the Redis bus',
      await posted.text(),
    );
    // The bus adds events to the stream in the background: wait (bounded) until all four are there.
    let entries = '';
    for (let i = 0; i < 50 && (entries.match(/job_/g) ?? []).length < 4; i++) {
      await new Promise((r) => setTimeout(r, 100));
      entries = sh('redis-cli', ['-p', '6379', 'XRANGE', stream, '-', '+'], dir).out;
    }
    check(
      /job_queued[\s\S]*job_started[\s\S]*job_step[\s\S]*job_completed/.test(entries),
      `the events reach the Redis Stream through ${ioredis}`,
      entries,
    );
    const res = await fetch(`${base}/api/v1/orchestrator/events?task_id=${taskId}`);
    const page = await res.json();
    check(
      res.status === 200 && page.events.map((e) => e.event).join() === expected,
      'GET /api/v1/orchestrator/events?task_id= with the Redis bus',
      JSON.stringify(page),
    );
  } finally {
    await checkStops(app, 'SIGTERM stops the Redis app with exit code 0');
    sh('redis-cli', ['-p', '6379', 'DEL', stream], dir);
  }
}

/**
 * The other optional peer once installed: @nestjs/swagger of the same major (11 with Nest 11, 12
 * with Nest 12) documents the two endpoints and the event page in the app's own document.
 */
function testOpenApi(major, dir) {
  // @nestjs/swagger 12.0 declares an optional peer typescript ^5.5 || ^6, and `npm install -D
  // typescript` gives 7: a user adds typescript@6 with it, as the README says.
  const extra = major === '12' ? ['typescript@^6'] : [];
  if (!installPeers(dir, [`@nestjs/swagger@^${major}`, ...extra])) return;
  // An app module of its own (the README's main.ts listens on import), built by the same tsc.
  const source = [
    "import 'reflect-metadata';",
    "import { Module } from '@nestjs/common';",
    "import { NestFactory } from '@nestjs/core';",
    "import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';",
    "import { OrchestratorEventsModule } from '@orchestrator/events';",
    '',
    '@Module({ imports: [OrchestratorEventsModule.forRoot({ controller: { path: "orchestrator/events" } })] })',
    'class DocsModule {}',
    '',
    'async function main(): Promise<void> {',
    '  const app = await NestFactory.create(DocsModule, { logger: false });',
    "  app.setGlobalPrefix('api/v1');",
    '  const doc = SwaggerModule.createDocument(app, new DocumentBuilder().build());',
    '  process.stdout.write(JSON.stringify(doc));',
    '  await app.close();',
    '}',
    'void main();',
  ];
  if (!compileApp(dir, 'openapi', source, 'with @nestjs/swagger installed')) return;
  const run = sh(process.execPath, ['dist/openapi.js'], dir, {
    ORCH_LOG_FILE: path.join(dir, 'docs.log'),
  });
  let doc = {};
  try {
    doc = JSON.parse(run.out);
  } catch {
    // reported below with the output
  }
  const paths = Object.keys(doc.paths ?? {});
  const schemas = Object.keys(doc.components?.schemas ?? {});
  check(
    paths.includes('/api/v1/orchestrator/events') &&
      paths.includes('/api/v1/orchestrator/events/stream') &&
      schemas.includes('EventsPageSchema'),
    `@nestjs/swagger ${major}: both endpoints and the event page are in the app's OpenAPI document`,
    `${paths.join(', ')} | ${schemas.join(', ')} | ${run.out.slice(0, 500)}`,
  );
}

/**
 * The integrations, each an optional peer (prom-client, @nestjs/terminus, @opentelemetry/api,
 * bullmq): first configured without its package (one startup error naming it), then installed, in
 * an app of their own compiled by the same strict tsc: GET /metrics serves the logger's metrics,
 * a Terminus health check with OrchestratorEventsHealthIndicator is up, and a BullMQ job worked on
 * in the app is recorded (queued, started, completed). Needs Redis on 127.0.0.1:6379.
 */
async function testIntegrations(major, dir) {
  const core = 'OrchestratorEventsModule.forRoot({ controller: false })';
  const bullmq = "OrchestratorEventsBullMQModule.forRoot({ queues: ['q'] })";
  const metrics = 'OrchestratorEventsMetricsModule.forRoot()';
  const tracing = 'OrchestratorEventsTracingModule.forRoot()';
  const postgres = `OrchestratorEventsPostgresModule.forRoot({ url: '${PG_ADMIN_URL}' })`;
  const missing = [
    [metrics, 'prom-client', `${core}, ${metrics}`],
    [tracing, '@opentelemetry/api', `${core}, ${tracing}`],
    [bullmq, 'bullmq', `${core}, ${bullmq}`],
    ['OrchestratorEventsPostgresModule.forRoot()', 'pg', `${core}, ${postgres}`],
  ];
  const modules = {
    OrchestratorEventsModule: '@orchestrator/events',
    OrchestratorEventsBullMQModule: '@orchestrator/events/bullmq',
    OrchestratorEventsMetricsModule: '@orchestrator/events/metrics',
    OrchestratorEventsPostgresModule: '@orchestrator/events/postgres',
    OrchestratorEventsTracingModule: '@orchestrator/events/tracing',
  };
  for (const [label, name, imported = label] of missing) {
    const run = startupError(dir, modules, imported, {
      ORCH_LOG_FILE: path.join(dir, 'peer-check.log'),
    });
    check(
      run.code === 1 && run.out.includes(`npm install ${name}`),
      `${label} without ${name}: one startup error saying \`npm install ${name}\``,
      run.out,
    );
  }

  const peers = ['prom-client', `@nestjs/terminus@^${major}`, '@opentelemetry/api', 'bullmq'];
  if (!installPeers(dir, peers)) return;
  const source = [
    "import 'reflect-metadata';",
    "import { Controller, Get, Module, Res } from '@nestjs/common';",
    "import { NestFactory } from '@nestjs/core';",
    "import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';",
    "import { OrchestratorEventsModule } from '@orchestrator/events';",
    "import { OrchestratorEventsBullMQModule } from '@orchestrator/events/bullmq';",
    "import { OrchestratorEventsMetricsModule } from '@orchestrator/events/metrics';",
    "import { OrchestratorEventsHealthIndicator } from '@orchestrator/events/terminus';",
    "import { OrchestratorEventsTracingModule } from '@orchestrator/events/tracing';",
    "import { Queue, Worker } from 'bullmq';",
    "import { register } from 'prom-client';",
    '',
    'const queue = String(process.env.QUEUE);',
    '',
    '@Controller()',
    'class OpsController {',
    '  constructor(',
    '    private readonly health: HealthCheckService,',
    '    private readonly events: OrchestratorEventsHealthIndicator,',
    '  ) {}',
    '',
    "  @Get('metrics')",
    '  async metrics(@Res() res: { type(t: string): { send(b: string): void } }): Promise<void> {',
    '    res.type(register.contentType).send(await register.metrics());',
    '  }',
    '',
    "  @Get('health')",
    '  @HealthCheck()',
    '  check() {',
    '    return this.health.check([() => this.events.isHealthy()]);',
    '  }',
    '}',
    '',
    ...appModuleAndMain(
      'OpsModule',
      {
        imports: [
          'OrchestratorEventsModule.forRoot()',
          'OrchestratorEventsTracingModule.forRoot({ spans: true })',
          'OrchestratorEventsMetricsModule.forRoot()',
          "OrchestratorEventsBullMQModule.forRoot({ queues: [queue], connection: 'redis://127.0.0.1:6379' })",
          'TerminusModule',
        ],
        controllers: ['OpsController'],
        providers: ['OrchestratorEventsHealthIndicator'],
      },
      {
        prefix: false,
        then: [
          "const connection = { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null };",
          "const worker = new Worker(queue, async () => 'done', { connection });",
          "worker.on('error', () => undefined);",
          'const producer = new Queue(queue, { connection });',
          "await producer.add('consumer', { task_id: 'consumer-bullmq' });",
          'await producer.close();',
        ],
      },
    ),
  ];
  if (!compileApp(dir, 'integrations', source, 'with the integration packages installed')) return;

  const queue = `orch-consumer-${process.pid}-${major}`;
  const logFile = path.join(dir, 'integrations.log');
  const { app, base, ready } = await startApp(
    dir,
    'integrations',
    { QUEUE: queue, ORCH_LOG_FILE: logFile },
    { starts: 'the app with the integrations starts', path: '/health' },
  );
  try {
    if (!ready) return;
    const metrics = await (await fetch(`${base}/metrics`)).text();
    check(
      /^orchestrator_events_logged_total\{level="INFO"\} \d+$/m.test(metrics) &&
        /^# TYPE orchestrator_events_written_total counter$/m.test(metrics),
      'OrchestratorEventsMetricsModule: GET /metrics serves orchestrator_events_* metrics (prom-client)',
      metrics.slice(0, 1000),
    );
    const health = await fetch(`${base}/health`);
    const healthBody = await health.text();
    check(
      health.status === 200 && /"orchestrator_events":\{"status":"up"/.test(healthBody),
      'OrchestratorEventsHealthIndicator in a Terminus health check: up',
      `${health.status} ${healthBody}`,
    );
    let recorded = [];
    for (let i = 0; i < 100 && !recorded.includes('job_completed'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      recorded = fs.existsSync(logFile)
        ? readJsonLines(fs.readFileSync(logFile, 'utf8'))
            .filter((e) => e.task_id === 'consumer-bullmq')
            .map((e) => e.event)
        : [];
    }
    check(
      recorded.join() === 'job_queued,job_started,job_completed',
      'OrchestratorEventsBullMQModule records the job: job_queued, job_started, job_completed',
      recorded.join() || app.output(),
    );
  } finally {
    await checkStops(app, 'SIGTERM stops the app with the integrations with code 0', 15_000);
    const keys = sh('redis-cli', ['-p', '6379', '--scan', '--pattern', `bull:${queue}:*`], dir)
      .out.split('\n')
      .filter(Boolean);
    if (keys.length > 0) sh('redis-cli', ['-p', '6379', 'DEL', ...keys], dir);
  }
}

/**
 * The dashboard as a user mounts it: `OrchestratorEventsDashboardModule.forRoot({ path: 'ops/events' })`
 * from `@orchestrator/events/dashboard` beside the core module, in an app of its own (global prefix
 * api/v1), compiled by the same strict tsc. Its page and its hashed script
 * come from inside the installed package: index.html (no-cache) names the script and the events
 * endpoint, the script is served immutable.
 */
async function testDashboard(major, dir) {
  const source = [
    "import 'reflect-metadata';",
    "import { Module } from '@nestjs/common';",
    "import { NestFactory } from '@nestjs/core';",
    "import { OrchestratorEventsModule } from '@orchestrator/events';",
    "import { OrchestratorEventsDashboardModule } from '@orchestrator/events/dashboard';",
    '',
    ...appModuleAndMain(
      'DashboardModule',
      {
        imports: [
          'OrchestratorEventsModule.forRoot()',
          "OrchestratorEventsDashboardModule.forRoot({ path: 'ops/events' })",
        ],
      },
      { shutdown: false, then: ["process.stdout.write('DASHBOARD READY\\n');"] },
    ),
  ];
  if (!compileApp(dir, 'dashboard', source, 'with the dashboard mounted')) return;
  const { app, base, ready } = await startApp(
    dir,
    'dashboard',
    { ORCH_LOG_FILE: path.join(dir, 'dashboard.log') },
    { starts: 'the dashboard app starts', line: /DASHBOARD READY/ },
  );
  try {
    if (!ready) return;
    const page = await fetch(`${base}/ops/events/`);
    const html = await page.text();
    const script = /<script type="module" src="(assets\/app-[A-Za-z0-9]+\.js)">/.exec(html)?.[1];
    check(
      page.status === 200 &&
        page.headers.get('cache-control') === 'no-cache' &&
        html.includes('"eventsPath":"../../api/v1/orchestrator/events"') &&
        script !== undefined,
      `Nest ${major}: /ops/events/ serves the dashboard page, naming its script and the endpoint`,
      `${page.status} ${page.headers.get('cache-control')} ${html.slice(0, 600)}`,
    );
    if (script === undefined) return;
    const js = await fetch(`${base}/ops/events/${script}`);
    const body = await js.text();
    check(
      js.status === 200 &&
        /^text\/javascript/.test(js.headers.get('content-type') ?? '') &&
        js.headers.get('cache-control') === 'public, max-age=31536000, immutable' &&
        body.length > 10_000,
      `its bundle ${script} comes from the package, immutable`,
      `${js.status} ${js.headers.get('content-type')} ${js.headers.get('cache-control')} ${body.length} bytes`,
    );
  } finally {
    await stop(app);
  }
}

/**
 * A webhook receiver on 127.0.0.1 and a free port, as a user's would be: records each request's
 * headers and raw body (the signature is over the raw bytes) and answers 200.
 */
async function startWebhookReceiver() {
  const http = require('node:http');
  const requests = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      requests.push({ headers: req.headers, raw: Buffer.concat(chunks) });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/hook`,
    requests,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** The alerts app: the core, `OrchestratorEventsAlertsModule` (default rules: `run_failed`), a run that fails. */
function alertsApp() {
  return [
    "import 'reflect-metadata';",
    "import { Controller, Module, Param, Post } from '@nestjs/common';",
    "import { NestFactory } from '@nestjs/core';",
    "import { EventLogger, OrchestratorEventsModule } from '@orchestrator/events';",
    "import { OrchestratorEventsAlertsModule } from '@orchestrator/events/alerts';",
    '',
    "@Controller('jobs')",
    'class FailingJobs {',
    '  constructor(private readonly events: EventLogger) {}',
    '',
    "  @Post(':taskId')",
    "  async run(@Param('taskId') taskId: string): Promise<{ failed: boolean }> {",
    "    const run = this.events.track('job', { task_id: taskId, run_id: `run-${taskId}` }, () => {",
    "      throw new Error('step 2 of 3 failed');",
    '    });',
    '    return run.then(',
    '      () => ({ failed: false }),',
    '      () => ({ failed: true }),',
    '    );',
    '  }',
    '}',
    '',
    ...appModuleAndMain('AlertsModule', {
      imports: [
        'OrchestratorEventsModule.forRoot()',
        "OrchestratorEventsAlertsModule.forRoot({ webhook: { url: String(process.env['WEBHOOK_URL']), secret: String(process.env['WEBHOOK_SECRET']) } })",
      ],
      controllers: ['FailingJobs'],
    }),
  ];
}

/**
 * The alerts module (no peer) as a user mounts it, compiled by the same strict tsc: a run that
 * fails in the app gives exactly one POST to the webhook, `run_failed`, whose
 * `X-Orchestrator-Signature` is the HMAC-SHA256 of the raw body with the secret (docs/alerts.md).
 */
async function testAlerts(major, dir) {
  if (!compileApp(dir, 'alerts', alertsApp(), 'with the alerts module')) return;
  const receiver = await startWebhookReceiver();
  const secret = `consumer-secret-${process.pid}`;
  const logFile = path.join(dir, 'alerts.log');
  const { app, base, ready } = await startApp(
    dir,
    'alerts',
    { ORCH_LOG_FILE: logFile, WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: secret },
    { starts: 'the alerts app starts' },
  );
  try {
    if (!ready) return;
    const taskId = `task-alerts-${major}`;
    const posted = await fetch(`${base}/api/v1/jobs/${taskId}`, { method: 'POST' });
    const answer = await posted.text();
    check(posted.status === 201 && answer === '{"failed":true}', 'a run fails in the app', answer);
    // The delivery is logged (alert_sent) after the receiver answered: then every POST is in.
    const sent = () =>
      fs.existsSync(logFile) &&
      readJsonLines(fs.readFileSync(logFile, 'utf8')).some((e) => e.event === 'alert_sent');
    await waitUntil(sent, 20_000);
    checkAlert(receiver.requests, secret, taskId);
  } finally {
    await checkStops(app, 'SIGTERM stops the alerts app with exit code 0');
    await receiver.close();
  }
}

/** Exactly one request: a signed `run_failed` alert for the run of `taskId`. */
function checkAlert(requests, secret, taskId) {
  const { createHmac } = require('node:crypto');
  const [request] = requests;
  let body = {};
  try {
    body = JSON.parse(request?.raw.toString('utf8') ?? '{}');
  } catch {
    // reported below with the raw body
  }
  const signature = request
    ? `sha256=${createHmac('sha256', secret).update(request.raw).digest('hex')}`
    : '';
  check(
    requests.length === 1 &&
      request.headers['content-type'] === 'application/json' &&
      request.headers['x-orchestrator-signature'] === signature &&
      /^[0-9a-f-]{36}$/.test(request.headers['x-orchestrator-delivery'] ?? '') &&
      body.alert === 'run_failed' &&
      body.task_id === taskId &&
      body.run_id === `run-${taskId}` &&
      body.status === 'failed' &&
      body.failure === 'step 2 of 3 failed',
    'OrchestratorEventsAlertsModule: the failed run is one run_failed POST, signed with the secret',
    requests.map((r) => `${JSON.stringify(r.headers)} ${r.raw}`).join('\n       ') || 'no request',
  );
}

/**
 * A database of the test's own on the tests' PostgreSQL server, with a unique name (as
 * require-postgres.ts makes them); `drop()` removes it. Without a server: under CI=true a failed
 * check, else a printed skip with the reason; undefined either way.
 */
async function ownDatabase() {
  const { Client } = require('pg');
  const name = `orch_consumer_${process.pid}_${Date.now().toString(36)}`;
  const admin = new Client(PG_ADMIN_URL);
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
  } catch (error) {
    const reason = `no PostgreSQL server answers at ${PG_ADMIN_URL} (${error.message}); .ci/run starts one`;
    if (process.env.CI) check(false, 'PostgreSQL for the store', reason);
    else process.stdout.write(`  SKIP the PostgreSQL store: ${reason}\n`);
    return undefined;
  } finally {
    await admin.end().catch(() => undefined);
  }
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new Client(PG_ADMIN_URL);
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** The store's app: the core, `OrchestratorEventsPostgresModule.forRoot()` (ORCH_HISTORY_URL), a job, the store's state. */
function postgresApp() {
  return [
    "import 'reflect-metadata';",
    "import { Controller, Get, Module, Param, Post } from '@nestjs/common';",
    "import { NestFactory } from '@nestjs/core';",
    "import { EventLogger, OrchestratorEventsModule } from '@orchestrator/events';",
    'import {',
    '  OrchestratorEventsPostgresModule,',
    '  PostgresHistoryStore,',
    '  type PostgresStoreState,',
    "} from '@orchestrator/events/postgres';",
    '',
    '@Controller()',
    'class JobsController {',
    '  constructor(',
    '    private readonly events: EventLogger,',
    '    private readonly store: PostgresHistoryStore,',
    '  ) {}',
    '',
    "  @Post('jobs/:taskId')",
    "  run(@Param('taskId') taskId: string) {",
    "    this.events.log({ event: 'job_queued', task_id: taskId });",
    "    return this.events.track('job', { task_id: taskId, run_id: `run-${taskId}` }, async () => {",
    "      this.events.info('job_step', { step: 1 });",
    '      return { processed: 42 };',
    '    });',
    '  }',
    '',
    "  @Get('store')",
    '  state(): PostgresStoreState {',
    '    return this.store.state();',
    '  }',
    '}',
    '',
    ...appModuleAndMain('PostgresAppModule', {
      imports: ['OrchestratorEventsModule.forRoot()', 'OrchestratorEventsPostgresModule.forRoot()'],
      controllers: ['JobsController'],
    }),
  ];
}

/**
 * The PostgreSQL history store with its optional peer installed (`npm install pg`, no warning), in
 * an app of its own compiled by the same strict tsc, on a database of the test's own: the events
 * logged through `EventLogger` are ingested into `orchestrator_events.events` (read back with pg),
 * and the events and runs endpoints return them while the store says it is up.
 */
async function testPostgres(major, dir) {
  if (!installPeers(dir, ['pg'])) return;
  if (!compileApp(dir, 'postgres', postgresApp(), 'with the PostgreSQL module')) return;
  const db = await ownDatabase();
  if (db === undefined) return;
  const logFile = path.join(dir, 'postgres.log');
  const { app, base, ready } = await startApp(
    dir,
    'postgres',
    { ORCH_ID: `consumer-pg-${major}`, ORCH_LOG_FILE: logFile, ORCH_HISTORY_URL: db.url },
    { starts: 'starts with pg and ORCH_HISTORY_URL' },
  );
  try {
    if (!ready) return;
    const taskId = `task-pg-${major}`;
    const posted = await fetch(`${base}/api/v1/jobs/${taskId}`, { method: 'POST' });
    check(posted.status === 201, 'POST /api/v1/jobs/:taskId with the store', await posted.text());
    await checkStored(base, db.url, taskId, logFile);
  } finally {
    await checkStops(app, 'SIGTERM stops the store app with exit code 0');
    await db.drop();
  }
}

/** The ids of the events of `taskId` in the store's table, in order ([] while it is not there). */
async function storedIds(url, taskId) {
  const { Client } = require('pg');
  const client = new Client(url);
  try {
    await client.connect();
    const { rows } = await client.query(
      'SELECT event_id FROM orchestrator_events.events WHERE task_id = $1 ORDER BY event_id',
      [taskId],
    );
    return rows.map((row) => row.event_id);
  } catch {
    return [];
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The events of `taskId` in the file are in the table, and the endpoints return them. */
async function checkStored(base, url, taskId, logFile) {
  let logged = [];
  const written = () => {
    logged = fs.existsSync(logFile)
      ? readJsonLines(fs.readFileSync(logFile, 'utf8'))
          .filter((e) => e.task_id === taskId)
          .map((e) => e.event_id)
      : [];
    return logged.length === 4;
  };
  // The writer and the ingest both run in the background: wait (bounded) for each in turn.
  await waitUntil(written, 10_000);
  let stored = [];
  for (let i = 0; i < 100 && stored.length < 4; i++) {
    await new Promise((r) => setTimeout(r, 100));
    stored = await storedIds(url, taskId);
  }
  check(
    logged.length === 4 && stored.join() === logged.join(),
    'the four events are ingested into orchestrator_events.events',
    `file: ${logged.join()} | table: ${stored.join()}`,
  );
  const res = await fetch(`${base}/api/v1/orchestrator/events?task_id=${taskId}`);
  const page = await res.json();
  check(
    res.status === 200 &&
      page.partial === undefined &&
      page.events.map((e) => e.event_id).join() === logged.join(),
    'GET /api/v1/orchestrator/events?task_id= returns them, not partial',
    JSON.stringify(page),
  );
  const runs = await (await fetch(`${base}/api/v1/orchestrator/runs?task_id=${taskId}`)).json();
  const [run = {}] = runs.runs ?? [];
  check(
    runs.runs?.length === 1 &&
      run.run_id === `run-${taskId}` &&
      run.status === 'success' &&
      run.events === 3,
    'GET /api/v1/orchestrator/runs?task_id= returns the run, with its three events',
    JSON.stringify(runs),
  );
  const state = await (await fetch(`${base}/api/v1/store`)).json();
  check(
    state.name === 'postgres' && state.status === 'up' && state.ingested >= 4 && state.url === url,
    'PostgresHistoryStore.state(): up, the events ingested, its own database',
    JSON.stringify(state),
  );
}

async function main() {
  const started = Date.now();
  if (!args.includes('--no-pack')) {
    execFileSync('npm', ['run', 'pack'], { cwd: root, stdio: 'inherit' });
  }
  const out = path.join(root, 'dist', 'packages');
  const version = JSON.parse(
    fs.readFileSync(path.join(root, 'libs/orchestrator-events-client/package.json'), 'utf8'),
  ).version;
  const tarballs = {
    contract: path.join(out, `orchestrator-events-contract-${version}.tgz`),
    events: path.join(out, `orchestrator-events-${version}.tgz`),
    client: path.join(out, `orchestrator-events-client-${version}.tgz`),
  };
  for (const file of Object.values(tarballs)) {
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: run npm run pack`);
  }
  const alone = installAlone(tarballs);
  try {
    if (alone.client !== undefined) {
      for (const major of only) await testVariant(major, tarballs, version, alone.client);
    }
  } finally {
    for (const dir of Object.values(alone)) {
      if (keep) process.stdout.write(`  (kept ${dir})\n`);
      else fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const verdict = failures === 0 ? 'passed' : `${failures} check(s) failed`;
  process.stdout.write(`\nconsumer test: ${verdict} in ${seconds} s\n`);
  process.exitCode = failures === 0 ? 0 : 1;
}

main().catch((error) => {
  process.stderr.write(`consumer test: ${error.stack ?? error}\n`);
  process.exitCode = 1;
});
