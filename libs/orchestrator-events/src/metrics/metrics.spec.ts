import { Controller, Get, INestApplication, Module, Res } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Response } from 'express';
import * as http from 'node:http';
import { AddressInfo, connect, Socket } from 'node:net';
import * as path from 'node:path';
import { Registry, register } from 'prom-client';
import {
  httpGet,
  parsePrometheusText,
  PromExposition,
  sampleValue,
} from '../testing/prometheus-text';
import { until } from '../testing/require-redis';
import { tempDir } from '../testing/temp-dir';
import { EventLogger } from '../lib/write/event-logger.service';
import { OrchestratorEventsModule } from '../lib/orchestrator-events.module';
import { OrchestratorEventsMetricsOptions } from './metrics.options';
import { OrchestratorEventsMetricsModule } from './orchestrator-events-metrics.module';

/** `GET /metrics` as an app serves it: the default registry, in the Prometheus text format. */
@Controller('metrics')
class MetricsController {
  @Get()
  async metrics(@Res() res: Response): Promise<void> {
    res.set('Content-Type', register.contentType).send(await register.metrics());
  }
}

const PREFIX = 'orchestrator_events_';

describe('metrics (prom-client), scraped over HTTP', () => {
  let dir: string;
  let cleanup: () => void;
  let app: INestApplication;
  let base: string;
  const sockets: (Socket | http.ClientRequest)[] = [];

  async function start(metrics: true | OrchestratorEventsMetricsOptions | undefined) {
    ({ dir, cleanup } = tempDir('orch-metrics-'));
    @Module({
      imports: [
        OrchestratorEventsModule.forRoot({
          logFile: path.join(dir, 'orch.log'),
          env: {},
          sseMaxBacklogBytes: '16k',
        }),
        ...(metrics === undefined
          ? []
          : [OrchestratorEventsMetricsModule.forRoot(metrics === true ? {} : metrics)]),
      ],
      controllers: [MetricsController],
    })
    class MetricsAppModule {}
    app = await NestFactory.create(MetricsAppModule, { logger: false, abortOnError: false });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  }

  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await app?.close();
    cleanup();
  });

  async function scrape(): Promise<{ contentType: string; text: string; parsed: PromExposition }> {
    const res = await httpGet(`${base}/metrics`);
    expect(res.status).toBe(200);
    return { contentType: res.contentType, text: res.body, parsed: parsePrometheusText(res.body) };
  }

  /** A stream that reads everything (a live dashboard). */
  function reader(): Promise<void> {
    return new Promise((resolve) => {
      const req = http.get(`${base}/orchestrator/events/stream`, (res) => {
        res.resume();
        resolve();
      });
      sockets.push(req);
    });
  }

  /** A stream whose client never reads: the server cuts it once its backlog passes 16 KiB. */
  function stalled(): Promise<Socket> {
    return new Promise((resolve) => {
      const { port } = new URL(base);
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(`GET /orchestrator/events/stream HTTP/1.1\r\nHost: x\r\n\r\n`);
        socket.pause();
        resolve(socket);
      });
      socket.on('error', () => undefined);
      sockets.push(socket);
    });
  }

  it('serves every metric under orchestrator_events_, by the naming rules, with the logger numbers', async () => {
    await start(true);
    const events = app.get(EventLogger);
    for (let i = 0; i < 5; i++) events.info('job_step', { i });
    events.warn('job_slow');
    events.warn('job_slow');
    events.error('job_failed');
    events.debug('below_level'); // LOG_LEVEL INFO: not logged, not counted
    await events.flush();

    const { contentType, parsed } = await scrape();
    expect(contentType).toMatch(/^text\/plain;.*version=0\.0\.4/);
    const names = [...parsed.type.keys()].filter((n) => n.startsWith(PREFIX));
    expect(names.sort()).toEqual(
      [
        'logged_total',
        'written_total',
        'dropped_total',
        'rotations_total',
        'write_errors_total',
        'internal_errors_total',
        'pending_events',
        'pending_bytes',
        'sse_clients',
        'sse_clients_cut_total',
        'bus_lag_events',
        'bus_connected',
        'bus_dropped_total',
        'history_up',
        'history_lag_bytes',
      ]
        .map((n) => PREFIX + n)
        .sort(),
    );
    for (const name of names) {
      expect(name).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
      expect(parsed.help.get(name)?.length).toBeGreaterThan(10);
      // Counters and only counters end in _total.
      expect(name.endsWith('_total')).toBe(parsed.type.get(name) === 'counter');
    }
    const stats = events.stats();
    expect(sampleValue(parsed, `${PREFIX}logged_total`, { level: 'INFO' })).toBe(5);
    expect(sampleValue(parsed, `${PREFIX}logged_total`, { level: 'WARNING' })).toBe(2);
    expect(sampleValue(parsed, `${PREFIX}logged_total`, { level: 'ERROR' })).toBe(1);
    expect(sampleValue(parsed, `${PREFIX}logged_total`, { level: 'DEBUG' })).toBe(0);
    expect(sampleValue(parsed, `${PREFIX}written_total`)).toBe(stats.written);
    expect(stats.written).toBeGreaterThanOrEqual(8);
    expect(sampleValue(parsed, `${PREFIX}dropped_total`)).toBe(0);
    expect(sampleValue(parsed, `${PREFIX}pending_bytes`)).toBe(0);
    expect(sampleValue(parsed, `${PREFIX}bus_connected`)).toBe(1);
    expect(sampleValue(parsed, `${PREFIX}bus_lag_events`)).toBe(0);
    expect(sampleValue(parsed, `${PREFIX}sse_clients`)).toBe(0);
  });

  it('counts open SSE clients, and the ones the server cut for falling behind', async () => {
    await start(true);
    const events = app.get(EventLogger);
    const gauge = async () => sampleValue((await scrape()).parsed, `${PREFIX}sse_clients`);
    await stalled();
    await until(async () => (await gauge()) === 1 || undefined, 15_000, 'the stream open');
    // 10 MB of events: far beyond what the stalled client's socket buffers and 16 KiB hold.
    const message = 'x'.repeat(32 * 1024);
    for (let i = 0; i < 320; i++) {
      events.info('big_event', { i, message });
      if (i % 20 === 19) await new Promise((r) => setImmediate(r));
    }
    const after = await until(
      async () => {
        const { parsed } = await scrape();
        return sampleValue(parsed, `${PREFIX}sse_clients_cut_total`) === 1 ? parsed : undefined;
      },
      15_000,
      'the stalled stream cut',
    );
    expect(sampleValue(after, `${PREFIX}sse_clients`)).toBe(0);
    await reader();
    await until(async () => (await gauge()) === 1 || undefined, 15_000, 'a new stream open');
  });

  it('removes its metrics when the app closes (a restart in the same process registers again)', async () => {
    await start(true);
    expect(register.getSingleMetric(`${PREFIX}logged_total`)).toBeDefined();
    await app.close();
    expect(register.getSingleMetric(`${PREFIX}logged_total`)).toBeUndefined();
    cleanup();
    await start(true);
    expect(sampleValue((await scrape()).parsed, `${PREFIX}written_total`)).toBe(0);
  });

  it('takes its own prefix and registry', async () => {
    const registry = new Registry();
    await start({ prefix: 'myapp_events_', registry });
    app.get(EventLogger).info('x');
    const parsed = parsePrometheusText(await registry.metrics());
    expect(sampleValue(parsed, 'myapp_events_logged_total', { level: 'INFO' })).toBe(1);
    expect(register.getSingleMetric(`${PREFIX}logged_total`)).toBeUndefined();
  });

  it('registers nothing without the option, and refuses a prefix Prometheus would refuse', async () => {
    await start(undefined);
    const { parsed } = await scrape();
    expect(parsed.samples.filter((s) => s.name.startsWith(PREFIX))).toEqual([]);
    await app.close();
    cleanup();
    await expect(start({ prefix: 'orchestrator-events' })).rejects.toThrow(
      'Invalid metrics option prefix="orchestrator-events": expected [a-zA-Z_:]',
    );
  });
});
