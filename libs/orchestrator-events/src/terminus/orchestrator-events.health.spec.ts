import { Controller, DynamicModule, Get, INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import * as fs from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import * as path from 'node:path';
import { httpGet } from '../testing/prometheus-text';
import { until } from '../testing/require-redis';
import { tempDir } from '../testing/temp-dir';
import { EventLogger } from '../lib/write/event-logger.service';
import { OrchestratorEventsModule } from '../lib/orchestrator-events.module';
import { OrchestratorEventsModuleOptions } from '../lib/options/orchestrator-events.options';
import { OrchestratorEventsRedisModule } from '../redis/orchestrator-events-redis.module';
import { OrchestratorEventsHealthIndicator } from './orchestrator-events.health';

/** A health endpoint as an app writes it with Terminus: the indicator is one of its checks. */
@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly events: OrchestratorEventsHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.events.isHealthy('orchestrator_events')]);
  }

  @Get('lenient')
  @HealthCheck()
  lenient() {
    return this.health.check([
      () => this.events.isHealthy('log', { requireWritable: false, requireBus: false }),
    ]);
  }

  @Get('strict-pending')
  @HealthCheck()
  strictPending() {
    return this.health.check([
      () => this.events.isHealthy('log', { requireWritable: false, maxPendingBytes: 100 }),
    ]);
  }
}

/** Terminus's answer: status, and the indicator's result under info / error. */
interface HealthBody {
  status: string;
  info?: Record<string, Record<string, unknown>>;
  error: Record<string, Record<string, unknown>>;
}

/** A port nothing listens on (a Redis that is down). */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('OrchestratorEventsHealthIndicator in a Terminus health check', () => {
  let dir: string;
  let cleanup: () => void;
  let app: INestApplication;
  let base: string;

  async function start(options: OrchestratorEventsModuleOptions, plugins: DynamicModule[] = []) {
    @Module({
      imports: [
        OrchestratorEventsModule.forRoot({ env: {}, controller: false, ...options }),
        ...plugins,
        TerminusModule.forRoot({ logger: false }),
      ],
      controllers: [HealthController],
      providers: [OrchestratorEventsHealthIndicator],
    })
    class HealthAppModule {}
    app = await NestFactory.create(HealthAppModule, { logger: false, abortOnError: false });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  }

  async function get(route = '') {
    const res = await httpGet(`${base}/health${route}`);
    return { status: res.status, body: JSON.parse(res.body) as HealthBody };
  }

  beforeEach(() => ({ dir, cleanup } = tempDir('orch-health-')));
  afterEach(async () => {
    await app?.close();
    cleanup();
  });

  it('is up while the log is written and the in-process bus runs', async () => {
    await start({ logFile: path.join(dir, 'orch.log') });
    app.get(EventLogger).info('x');
    await app.get(EventLogger).flush();
    const { status, body } = await get();
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: 'ok',
      info: {
        orchestrator_events: {
          status: 'up',
          writable: true,
          pending_bytes: 0,
          dropped: 0,
          bus: 'memory',
          bus_connected: true,
        },
      },
    });
  });

  (fs.existsSync('/dev/full') ? it : it.skip)(
    'is down while the log cannot be written (ENOSPC), and once too many bytes wait for it',
    async () => {
      const file = path.join(dir, 'orch.log');
      fs.symlinkSync('/dev/full', file);
      await start({ logFile: file });
      const events = app.get(EventLogger);
      for (let i = 0; i < 10; i++) events.info('event_waiting', { i });
      const down = await until(async () => {
        const res = await get();
        return res.status === 503 ? res : undefined;
      });
      expect(down.body).toMatchObject({
        status: 'error',
        error: { orchestrator_events: { status: 'down', writable: false, bus_connected: true } },
      });
      expect(down.body.error['orchestrator_events']['message']).toContain(
        'the event log cannot be written',
      );
      expect(down.body.error['orchestrator_events']['pending_bytes']).toBeGreaterThan(100);
      // Not requiring a writable log: still down past the pending-bytes threshold, up below it.
      const pending = await get('/strict-pending');
      expect(pending.status).toBe(503);
      expect(pending.body.error['log']['message']).toMatch(
        /bytes of events wait for the log file \(over 100\)/,
      );
      expect((await get('/lenient')).status).toBe(200);
      // The disk recovers: up again once everything is written.
      fs.unlinkSync(file);
      fs.writeFileSync(file, '');
      await until(async () => ((await get()).status === 200 ? true : undefined));
    },
  );

  it('is down while the Redis bus is disconnected, unless told the bus is not required', async () => {
    const url = `redis://127.0.0.1:${await closedPort()}`;
    await start({ logFile: path.join(dir, 'orch.log') }, [
      OrchestratorEventsRedisModule.forRoot({ url, env: {} }),
    ]);
    const { status, body } = await get();
    expect(status).toBe(503);
    expect(body.error['orchestrator_events']).toMatchObject({
      status: 'down',
      bus: 'redis',
      bus_connected: false,
      message: 'the redis event bus is disconnected',
    });
    expect((await get('/lenient')).status).toBe(200);
  });
});
