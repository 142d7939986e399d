import {
  CanActivate,
  ExecutionContext,
  INestApplication,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { DynamicModule } from '@nestjs/common';
import { AbstractHttpAdapter } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import * as fs from 'node:fs';
import { request } from 'node:http';
import * as path from 'node:path';
import { tempDir } from '../testing/temp-dir';
import { HistorySources } from '../lib/history/history-sources.registry';
import { OrchestratorEventsConfigError } from '../lib/shared/orchestrator-events.errors';
import { OrchestratorEventsModule } from '../lib/orchestrator-events.module';
import { DashboardAssets, dashboardDirCandidates } from './dashboard-assets';
import { OrchestratorEventsDashboardOptions } from './dashboard.options';
import { OrchestratorEventsDashboardModule } from './orchestrator-events-dashboard.module';

/** A dashboard build as build.js writes it, small enough to read in a test. */
function fakeBuild(dir: string): string {
  const out = path.join(dir, 'dashboard-build');
  fs.mkdirSync(path.join(out, 'assets'), { recursive: true });
  fs.writeFileSync(
    path.join(out, 'manifest.json'),
    JSON.stringify({
      name: 'orchestrator-events-dashboard',
      index: 'index.html',
      assets: ['app-ABC123.js', 'style-DEF456.css'],
    }),
  );
  fs.writeFileSync(
    path.join(out, 'index.html'),
    '<!doctype html><title>Orchestrator events</title>' +
      '<script id="orch-dashboard-config" type="application/json">__ORCH_DASHBOARD_CONFIG__</script>' +
      '<script type="module" src="assets/app-ABC123.js"></script>',
  );
  fs.writeFileSync(path.join(out, 'assets', 'app-ABC123.js'), 'console.log("dashboard");');
  fs.writeFileSync(path.join(out, 'assets', 'style-DEF456.css'), 'body{margin:0}');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'not for the web');
  return out;
}

/** The users' kind of guard: here a header check. */
@Injectable()
class TeamGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    return context.switchToHttp().getRequest().headers['x-team'] === 'ops';
  }
}

/** A guard that answers with its own exception, as JWT guards do. */
@Injectable()
class LoginGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.switchToHttp().getRequest().headers['x-user'] === undefined) {
      throw new UnauthorizedException(['log in first']);
    }
    return context.getClass() !== undefined && context.getType() === 'http';
  }
}

/** GET with the path sent exactly as given (fetch would normalize `..`). */
function rawGet(
  url: string,
  rawPath: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path: rawPath, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

type ForRoot = Parameters<typeof OrchestratorEventsModule.forRoot>[0];
/** The core module's options, and the dashboard module's (options, or the module itself). */
type Serve = ForRoot & { dashboard?: OrchestratorEventsDashboardOptions | DynamicModule };

const dashboardModule = (dashboard: Serve['dashboard']): DynamicModule[] =>
  dashboard === undefined
    ? []
    : 'module' in dashboard
      ? [dashboard]
      : [OrchestratorEventsDashboardModule.forRoot(dashboard)];

describe('dashboard (real HTTP)', () => {
  let dir: string;
  let cleanup: () => void;
  let build: string;
  let app: INestApplication | undefined;
  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
    build = fakeBuild(dir);
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    cleanup();
  });

  async function serve(options: Serve, adapter?: AbstractHttpAdapter): Promise<string> {
    const { dashboard, ...forRoot } = options;
    const moduleRef = await Test.createTestingModule({
      imports: [
        OrchestratorEventsModule.forRoot({
          logFile: path.join(dir, 'orch.log'),
          env: {},
          ...forRoot,
        }),
        ...dashboardModule(dashboard),
      ],
    })
      .overrideProvider(DashboardAssets)
      .useValue(DashboardAssets.load([path.join(dir, 'nothing-here'), build]))
      .compile();
    app = adapter
      ? moduleRef.createNestApplication(adapter, { logger: false })
      : moduleRef.createNestApplication({ logger: false });
    app.setGlobalPrefix('api/v1');
    await app.listen(0, '127.0.0.1');
    if (adapter) await (app.getHttpAdapter().getInstance() as { ready(): Promise<void> }).ready();
    return (await app.getUrl()).replace('[::1]', '127.0.0.1');
  }

  it('serves the page from the root, outside the global prefix, with the API path in it', async () => {
    const url = await serve({
      dashboard: { path: '/ops/events/', traceUrl: 'https://traces.example/t/{trace_id}?a=<b>' },
    });
    const page = await fetch(`${url}/ops/events/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    const config =
      /<script id="orch-dashboard-config" type="application\/json">(.*?)<\/script>/.exec(html)?.[1];
    // Relative to the page: right behind a proxy that adds a path of its own.
    expect(JSON.parse(config ?? '')).toEqual({
      eventsPath: '../../api/v1/orchestrator/events',
      traceUrl: 'https://traces.example/t/{trace_id}?a=<b>',
    });
    expect(config).not.toContain('<b>');
    // Revalidation is cheap: the ETag answers 304.
    const again = await fetch(`${url}/ops/events/`, {
      headers: { 'If-None-Match': page.headers.get('etag') ?? '' },
    });
    expect(again.status).toBe(304);
    expect((await fetch(`${url}/ops/events/index.html`)).status).toBe(200);
    expect((await fetch(`${url}/api/v1/ops/events/`)).status).toBe(404);
  });

  it('names the runs and counts endpoints in the config only while a history store is registered', async () => {
    const url = await serve({ dashboard: { path: '/ops/events/' } });
    const configOf = async () => {
      const html = await (await fetch(`${url}/ops/events/`)).text();
      const json =
        /<script id="orch-dashboard-config" type="application\/json">(.*?)<\/script>/.exec(
          html,
        )?.[1];
      return JSON.parse(json ?? '') as Record<string, unknown>;
    };
    // The files alone are no history store: no windows of days.
    expect(await configOf()).toEqual({ eventsPath: '../../api/v1/orchestrator/events' });
    // A store registers at run time (in its onModuleInit): the page served after it says so.
    const store = {
      name: 'store',
      coverage: 'complete' as const,
      query: async () => ({ events: [], has_more: false }),
    };
    const remove = (app as INestApplication).get(HistorySources).add(store);
    expect(await configOf()).toEqual({
      eventsPath: '../../api/v1/orchestrator/events',
      history: {
        runsPath: '../../api/v1/orchestrator/runs',
        countsPath: '../../api/v1/orchestrator/events/counts',
      },
    });
    remove();
    expect(await configOf()).toEqual({ eventsPath: '../../api/v1/orchestrator/events' });
  });

  it('redirects the bare path to the directory, keeping the query', async () => {
    const url = await serve({ dashboard: { path: 'ops/events' } });
    const res = await rawGet(url, '/ops/events?task_id=t-1&run=r-1');
    expect(res.status).toBe(301);
    expect(res.headers['location']).toBe('events/?task_id=t-1&run=r-1');
    const followed = await fetch(`${url}/ops/events?level=ERROR`);
    expect(followed.url).toBe(`${url}/ops/events/?level=ERROR`);
    expect(followed.status).toBe(200);
  });

  it('redirects other spellings of the page (index.html/, index.HTML) to the directory', async () => {
    // Express matches routes ignoring case and a trailing slash: served there, the page's relative
    // asset URLs resolved under /dash/index.html/ and it came up blank.
    const url = await serve({ dashboard: { path: 'dash' } });
    for (const spelling of ['/dash/index.html/', '/dash/index.HTML', '/dash/INDEX.html/']) {
      const res = await rawGet(url, `${spelling}?level=ERROR`);
      expect([spelling, res.status]).toEqual([spelling, 301]);
      const target = new URL(String(res.headers['location']), `${url}${spelling}`);
      expect(target.href).toBe(`${url}/dash/?level=ERROR`);
    }
    expect((await fetch(`${url}/dash/index.html`)).status).toBe(200);
  });

  it('serves hashed assets as immutable, with their content type, and nothing else', async () => {
    const url = await serve({ dashboard: { path: 'dash' } });
    const js = await fetch(`${url}/dash/assets/app-ABC123.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await js.text()).toBe('console.log("dashboard");');
    const css = await fetch(`${url}/dash/assets/style-DEF456.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    for (const attempt of [
      '/dash/assets/app-NOPE.js',
      '/dash/assets/manifest.json',
      '/dash/assets/..%2Fmanifest.json',
      '/dash/assets/..%2F..%2Fsecret.txt',
      '/dash/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/dash/assets/../../secret.txt',
      '/dash/assets/..\\..\\secret.txt',
      '/dash/../secret.txt',
      '/dash/manifest.json',
      '/dash/assets/',
    ]) {
      const res = await rawGet(url, attempt);
      expect({ attempt, status: res.status }).toEqual({ attempt, status: 404 });
      expect(res.body).not.toContain('not for the web');
    }
  });

  it("applies the module's guards to the page and its assets; the token is the API's", async () => {
    const url = await serve({
      token: 'a-long-enough-token-123',
      guards: [TeamGuard],
      dashboard: { path: 'dash' },
    });
    for (const file of ['/dash/', '/dash/assets/app-ABC123.js', '/dash']) {
      const refused = await rawGet(url, file);
      expect({ file, status: refused.status }).toEqual({ file, status: 403 });
      expect(JSON.parse(refused.body)).toMatchObject({ statusCode: 403 });
    }
    // No token needed for the page (it holds no data); the API it calls still wants it.
    expect((await fetch(`${url}/dash/`, { headers: { 'X-Team': 'ops' } })).status).toBe(200);
    const api = await fetch(`${url}/api/v1/orchestrator/events`, { headers: { 'X-Team': 'ops' } });
    expect(api.status).toBe(401);
  });

  it("answers a guard's own exception with its status and body", async () => {
    const url = await serve({ guards: [LoginGuard], dashboard: { path: 'dash' } });
    const refused = await fetch(`${url}/dash/`);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ message: ['log in first'] });
    expect((await fetch(`${url}/dash/`, { headers: { 'X-User': 'ann' } })).status).toBe(200);
  });

  it.each([false, true])(
    'works with sseFastPath %s: page and stream side by side',
    async (fast) => {
      const url = await serve({ sseFastPath: fast, dashboard: { path: 'dash' } });
      expect((await fetch(`${url}/dash/`)).status).toBe(200);
      const controller = new AbortController();
      const stream = await fetch(`${url}/api/v1/orchestrator/events/stream`, {
        signal: controller.signal,
      });
      expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
      controller.abort();
    },
  );

  it('takes its options from forRootAsync', async () => {
    const url = await serve({
      dashboard: OrchestratorEventsDashboardModule.forRootAsync({
        useFactory: async () => ({ path: 'from/factory' }),
      }),
    });
    const page = await fetch(`${url}/from/factory/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('"eventsPath":"../../api/v1/orchestrator/events"');
  });

  it('is not served without its module', async () => {
    const url = await serve({});
    expect((await fetch(`${url}/dashboard/`)).status).toBe(404);
  });

  it('serves the same under Fastify', async () => {
    const { FastifyAdapter } = await import('@nestjs/platform-fastify');
    const url = await serve(
      { guards: [TeamGuard], dashboard: { path: 'dash' } },
      new FastifyAdapter(),
    );
    const team = { 'X-Team': 'ops' };
    expect((await fetch(`${url}/dash/`)).status).toBe(403);
    const page = await fetch(`${url}/dash/`, { headers: team });
    expect([page.status, page.headers.get('content-type')]).toEqual([
      200,
      'text/html; charset=utf-8',
    ]);
    expect(await page.text()).toContain('"eventsPath":"../api/v1/orchestrator/events"');
    const js = await fetch(`${url}/dash/assets/app-ABC123.js`, { headers: team });
    expect([js.status, js.headers.get('cache-control')]).toEqual([
      200,
      'public, max-age=31536000, immutable',
    ]);
    expect((await rawGet(url, '/dash/assets/..%2F..%2Fsecret.txt', team)).status).toBe(404);
    expect((await rawGet(url, '/dash?x=1', team)).headers['location']).toBe('dash/?x=1');
    const slashed = await rawGet(url, '/dash/index.html/', team);
    expect([slashed.status, slashed.headers['location']]).toEqual([301, '../']);
  });
});

describe('dashboard options', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  /** The startup error of an app with the core module (`core`) and the dashboard module. */
  async function startupError(dashboard: DynamicModule, core: ForRoot = {}): Promise<unknown> {
    const imports = [
      OrchestratorEventsModule.forRoot({ logFile: path.join(dir, 'orch.log'), env: {}, ...core }),
      dashboard,
    ];
    return Test.createTestingModule({ imports })
      .overrideProvider(DashboardAssets)
      .useValue({})
      .compile()
      .then(
        async (module) => module.close(),
        (error: unknown) => error,
      );
  }

  it.each([
    ['', 'empty'],
    ['a b', 'a space'],
    ['x/../y', 'a dot-dot segment'],
    ['a//b', 'an empty segment'],
    [':id', 'a route parameter'],
    ['*', 'a wildcard'],
  ])('refuses the path %j (%s) at startup, naming the option', async (bad) => {
    const error = await startupError(OrchestratorEventsDashboardModule.forRoot({ path: bad }));
    expect(error).toBeInstanceOf(OrchestratorEventsConfigError);
    expect((error as Error).message).toContain(`dashboard option path=${JSON.stringify(bad)}`);
  });

  it('refuses a trace URL that is not http(s) or lacks {trace_id}', async () => {
    for (const traceUrl of [
      'javascript:alert({trace_id})',
      'https://x.example/t',
      'ftp://x/{trace_id}',
    ]) {
      const error = await startupError(
        OrchestratorEventsDashboardModule.forRoot({ path: 'd', traceUrl }),
      );
      expect((error as Error).message).toMatch(/dashboard option traceUrl/);
    }
  });

  it('reports every bad value at once, from forRootAsync too', async () => {
    const error = await startupError(
      OrchestratorEventsDashboardModule.forRootAsync({
        useFactory: () => ({ path: 'a b', traceUrl: 'https://x.example/t' }),
      }),
      { controller: false },
    );
    expect(error).toBeInstanceOf(OrchestratorEventsConfigError);
    expect((error as OrchestratorEventsConfigError).problems).toEqual([
      expect.stringContaining('dashboard option path="a b"'),
      expect.stringContaining('dashboard option traceUrl="https://x.example/t"'),
      expect.stringContaining('option controller=false: the dashboard reads the events endpoints'),
    ]);
  });

  it('does not start without the core module, whose route it reads', async () => {
    const error = await Test.createTestingModule({
      imports: [OrchestratorEventsDashboardModule.forRoot({ path: 'd' })],
    })
      .overrideProvider(DashboardAssets)
      .useValue({})
      .compile()
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect((error as Error).message).toMatch(
      /argument Symbol\(ORCH_EVENTS_ROUTE\) .* OrchestratorEventsDashboardModule/,
    );
  });

  it('says where it looked and how to build when the files are missing', () => {
    expect(() => DashboardAssets.load(['/nowhere/a', '/nowhere/b'])).toThrow(
      /\/nowhere\/a, \/nowhere\/b.*nx build orchestrator-events-dashboard/,
    );
  });

  it('looks next to the compiled package first, then in the workspace build', () => {
    const candidates = dashboardDirCandidates(
      '/app/node_modules/@orchestrator/events/src/dashboard',
    );
    expect(candidates[0]).toBe('/app/node_modules/@orchestrator/events/dashboard');
    // From the sources (this file's folder): the dashboard's build output in this workspace's dist/.
    const workspace = dashboardDirCandidates(__dirname).at(-1);
    expect(fs.existsSync(path.join(workspace ?? '', '..', '..', '..', 'nx.json'))).toBe(true);
  });
});
