import { OrchestratorEvent } from '@orchestrator/events-contract';
import { CountsFold } from './counts-query';

const at = (iso: string, level: OrchestratorEvent['level'] = 'INFO'): OrchestratorEvent => ({
  timestamp: iso,
  level,
  logger: 'orchestrator_events',
  event: 'e',
  event_id: iso,
  orch_id: 'o',
});

describe('CountsFold', () => {
  it('counts per level in epoch-aligned buckets, empty ones left out, in time order', () => {
    const fold = new CountsFold(60);
    fold.add(at('2026-11-24T10:01:59.999999Z', 'ERROR'));
    fold.add(at('2026-11-24T10:00:00.000000Z'));
    fold.add(at('2026-11-24T10:00:59.000000Z'));
    fold.add(at('2026-11-24T10:05:00.000000Z', 'WARNING'));
    expect(fold.page()).toEqual({
      bucket: 60,
      buckets: [
        { start: '2026-11-24T10:00:00.000Z', counts: { INFO: 2 } },
        { start: '2026-11-24T10:01:00.000Z', counts: { ERROR: 1 } },
        { start: '2026-11-24T10:05:00.000Z', counts: { WARNING: 1 } },
      ],
    });
  });

  it('widens to a multiple of the width after the fold, keeping every count', () => {
    const fold = new CountsFold(1);
    // Two days of one event per 10 minutes: 172,800 one-second buckets would be too many.
    const start = Date.parse('2026-11-24T00:00:00Z');
    for (let s = 0; s < 2 * 86_400; s += 600) {
      fold.add(at(new Date(start + s * 1000).toISOString().replace('Z', '000Z')));
    }
    const page = fold.page();
    expect(page.bucket).toBe(120);
    expect(page.buckets.length).toBeLessThanOrEqual(1440);
    expect(page.buckets.reduce((n, b) => n + (b.counts.INFO ?? 0), 0)).toBe(288);
  });

  it('clamps the requested width to 1 s-1 week', () => {
    expect(new CountsFold(0).page().bucket).toBe(1);
    expect(new CountsFold(10 ** 9).page().bucket).toBe(604_800);
    expect(new CountsFold(undefined).page().bucket).toBe(60);
  });
});
