import { INestApplication, Module } from '@nestjs/common';
import { AbstractHttpAdapter, NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { OrchestratorEventsModule } from '@orchestrator/events';
import * as fs from 'node:fs';
import { request } from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyServerLimits } from './server-limits';

/**
 * Issue 21 item 0: a quiet stream stays open for as long as its client reads it, under the demo's
 * socket limits (a per-socket timer shorter than the heartbeat, as the demo's 10 s against 15 s),
 * on Express and Fastify, through the fast path and through Nest. Scaled down: a 200 ms socket
 * timer against a 600 ms heartbeat, the stream kept for three heartbeats.
 */
const HEADERS_TIMEOUT_MS = 200;
const HEARTBEAT_MS = 600;

async function startApp(
  adapter: 'express' | 'fastify',
  sseFastPath: boolean,
  dir: string,
): Promise<{ app: INestApplication; url: string }> {
  @Module({
    imports: [
      OrchestratorEventsModule.forRoot({
        env: {},
        logFile: path.join(dir, 'orch.log'),
        sseFastPath,
        sseHeartbeatMs: HEARTBEAT_MS,
      }),
    ],
  })
  class QuietAppModule {}
  const httpAdapter: AbstractHttpAdapter | undefined =
    adapter === 'fastify' ? new FastifyAdapter() : undefined;
  const app =
    httpAdapter === undefined
      ? await NestFactory.create(QuietAppModule, { logger: false })
      : await NestFactory.create(QuietAppModule, httpAdapter, { logger: false });
  app.setGlobalPrefix('api/v1');
  // As main.ts does: the limits go on before listen, so before the fast path installs itself.
  applyServerLimits(app.getHttpServer(), {
    headersTimeoutMs: HEADERS_TIMEOUT_MS,
    requestTimeoutMs: 30_000,
    keepAliveTimeoutMs: 5_000,
    maxConnections: 1_000,
  });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${port}/api/v1/orchestrator/events/stream?task_id=quiet` };
}

/** Reads a stream until it has carried `count` heartbeats (resolves true) or closed (false). */
function heartbeatsOrClose(url: string, count: number): Promise<{ open: boolean; text: string }> {
  return new Promise((resolve, reject) => {
    let text = '';
    const req = request(url, { headers: { Accept: 'text/event-stream' } }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        if (text.split('event: heartbeat\n').length - 1 >= count) {
          resolve({ open: true, text });
          req.destroy();
        }
      });
      res.on('close', () => resolve({ open: false, text }));
    });
    req.on('error', (err) => (text === '' ? reject(err) : resolve({ open: false, text })));
    req.end();
  });
}

describe.each([
  ['express', true],
  ['express', false],
  ['fastify', true],
  ['fastify', false],
] as const)('a quiet stream on %s (fast path %s) under the demo socket limits', (adapter, fast) => {
  let dir: string;
  let app: INestApplication;
  let url: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orch-quiet-'));
    ({ app, url } = await startApp(adapter, fast, dir));
  });
  afterAll(async () => {
    await app?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stays open across three heartbeat periods, each heartbeat arriving', async () => {
    const result = await heartbeatsOrClose(url, 3);
    expect(result).toEqual({ open: true, text: expect.stringMatching(/^retry: 2000\n\n/) });
  });
});
