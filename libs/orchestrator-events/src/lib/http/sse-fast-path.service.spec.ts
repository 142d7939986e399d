import { CanActivate, INestApplication, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { request } from 'node:http';
import * as path from 'node:path';
import { tempDir } from '../../testing/temp-dir';
import { OrchestratorEventsModule } from '../orchestrator-events.module';
import { SseFastPath } from './sse-fast-path.service';

@Injectable()
class AllowAll implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

type ForRoot = Parameters<typeof OrchestratorEventsModule.forRoot>[0];

async function serve(
  forRoot: ForRoot,
  setup: (app: NestExpressApplication) => void = () => undefined,
): Promise<INestApplication> {
  @Module({ imports: [OrchestratorEventsModule.forRoot(forRoot)] })
  class TestModule {}
  const app = await NestFactory.create<NestExpressApplication>(TestModule, { logger: false });
  setup(app);
  await app.listen(0, '127.0.0.1');
  return app;
}

/** Opens a stream, reads its status and Express's header, and closes it. */
async function open(app: INestApplication, pathname: string) {
  const url = `${await app.getUrl()}${pathname}`;
  return new Promise<{ status: number; express: boolean }>((resolve, reject) => {
    const req = request(url, (res) => {
      resolve({ status: res.statusCode ?? 0, express: res.headers['x-powered-by'] === 'Express' });
      req.destroy();
    });
    req.on('error', reject);
    req.end();
  });
}

describe('SseFastPath (real HTTP)', () => {
  let dir: string;
  let cleanup: () => void;
  let app: INestApplication | undefined;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(async () => {
    await app?.close();
    app = undefined;
    cleanup();
  });

  const base = (extra: ForRoot = {}): ForRoot => ({
    logFile: path.join(dir, 'orch.log'),
    env: {},
    sseFastPath: true,
    ...extra,
  });
  const state = () => (app as INestApplication).get(SseFastPath).state();

  it('finds the stream route under the global prefix and the controller path', async () => {
    app = await serve(base({ controller: { path: '/ops/events/' } }), (a) =>
      a.setGlobalPrefix('/api/v2/'),
    );
    expect(await open(app, '/api/v2/ops/events/stream?level=info')).toEqual({
      status: 200,
      express: false,
    });
    expect(state()).toEqual({ enabled: true, active: true, served: 1 });
    // The same route in another spelling is Express's to serve (and it does).
    expect(await open(app, '/api/v2/ops/events/stream/')).toEqual({ status: 200, express: true });
    expect(state().served).toBe(1);
  });

  it('is off unless enabled', async () => {
    app = await serve(base({ sseFastPath: false }));
    expect(await open(app, '/orchestrator/events/stream')).toEqual({ status: 200, express: true });
    expect(state()).toEqual({ enabled: false, active: false, served: 0 });
  });

  it.each<[string, ForRoot, (app: NestExpressApplication) => void]>([
    ['module guards', { guards: [AllowAll] }, () => undefined],
    ['global guards', {}, (a) => a.useGlobalGuards(new AllowAll())],
    ["Express's trust proxy", {}, (a) => a.set('trust proxy', 'loopback')],
    ['a global prefix with exclusions', {}, (a) => a.setGlobalPrefix('api', { exclude: ['x'] })],
  ])('stays off with %s: every stream goes through Express and Nest', async (_, extra, setup) => {
    app = await serve(base(extra), setup);
    const prefix = (await open(app, '/orchestrator/events/stream')).status === 404 ? '/api' : '';
    expect(await open(app, `${prefix}/orchestrator/events/stream`)).toEqual({
      status: 200,
      express: true,
    });
    expect(state()).toEqual({ enabled: true, active: false, served: 0 });
  });
});
