import { RunSummary } from './run-summary.store';
import { failureGroups, normaliseReason } from './failure.groups';

const NOW = 1_790_000_060_000;

function failed(runId: string, taskId: string, reason: string | undefined, endMs: number) {
  return {
    runId,
    taskId,
    startMs: endMs - 1000,
    endMs,
    lastMs: endMs,
    status: 'failed',
    statusText: 'failed',
    step: 1,
    steps: undefined,
    marks: [],
    reason,
    durationMs: 1000,
    events: 2,
    lastEventId: '',
    matched: false,
    record: undefined,
  } as RunSummary;
}

describe('failure groups', () => {
  it('strips digits, ids and quoted values from a reason', () => {
    expect(normaliseReason('step 3 of 5 failed')).toBe('step # of # failed');
    expect(normaliseReason('quota exceeded for "acme" (request 8f3a9c21d4e5)')).toBe(
      'quota exceeded for "…" (request <id>)',
    );
    expect(normaliseReason("no row 'x-1' in 4f9d2c1e-1b2a-4c3d-9e8f-0a1b2c3d4e5f")).toBe(
      'no row "…" in <id>',
    );
    expect(normaliseReason('timeout after 2.5 s  on  run-42')).toBe('timeout after # s on run-#');
    expect(normaliseReason(undefined)).toBe('(no reason logged)');
    // Words without digits stay: "deadbeef" could be a word, "cafe" is one.
    expect(normaliseReason('cafe closed')).toBe('cafe closed');
  });

  it('groups failed runs by reason with counts, first and last seen, tasks; largest first', () => {
    const runs = [
      failed('r1', 'etl', 'step 2 of 4 failed', NOW - 5000),
      failed('r2', 'ingest', 'step 3 of 5 failed', NOW - 3000),
      failed('r3', 'etl', 'quota exceeded for "acme"', NOW - 4000),
      failed('r4', 'etl', 'step 1 of 2 failed', NOW - 1000),
      { ...failed('ok', 'etl', undefined, NOW), status: 'success' } as RunSummary,
    ];
    const groups = failureGroups(runs);
    expect(groups.map((g) => [g.reason, g.runs.length])).toEqual([
      ['step # of # failed', 3],
      ['quota exceeded for "…"', 1],
    ]);
    expect(groups[0]).toMatchObject({ firstMs: NOW - 5000, lastMs: NOW - 1000 });
    expect(groups[0].tasks).toEqual(['etl', 'ingest']);
    expect(groups[0].runs.map((r) => r.runId)).toEqual(['r4', 'r2', 'r1']);
    expect(failureGroups([])).toEqual([]);
  });
});
