import { useDemoWithClient } from './support/demo-client';
import { RawSse } from './support/sse-raw';

/**
 * Issue 21 item 0, on the built demo: a quiet stream outlives the demo's per-socket timer, which is
 * shorter than the heartbeat (10 s against 15 s by default; 300 ms against 900 ms here, through
 * HTTP_HEADERS_TIMEOUT_MS and ORCH_SSE_HEARTBEAT_MS), with the SSE fast path on and off. The same
 * under Fastify: apps/orchestrator/src/http/quiet-stream.spec.ts.
 */
describe.each([
  ['on', 'true'],
  ['off', 'false'],
])('a quiet stream on the demo, fast path %s', (_label, fastPath) => {
  const demo = useDemoWithClient({
    env: {
      ORCH_SSE_FAST_PATH: fastPath,
      HTTP_HEADERS_TIMEOUT_MS: '300',
      ORCH_SSE_HEARTBEAT_MS: '900',
    },
  });

  it('stays open across three heartbeat periods, with each heartbeat', async () => {
    const sse = await RawSse.open(`${demo.app.api}/orchestrator/events/stream?task_id=quiet`);
    try {
      expect(sse.response?.statusCode).toBe(200);
      // `until` throws if the stream closes first.
      await sse.until(
        (frames) => frames.filter((f) => f.event === 'heartbeat').length >= 3,
        30_000,
      );
      expect(sse.closed).toBe(false);
      expect(sse.frames.map((f) => f.event ?? f.retry)).toEqual([
        '2000',
        'heartbeat',
        'heartbeat',
        'heartbeat',
      ]);
    } finally {
      sse.close();
    }
  });
});
