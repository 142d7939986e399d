import * as fs from 'node:fs';
import { OrchestratorEvent } from '@orchestrator/events-contract';
import { useTempLogFile } from '../../testing/temp-dir';
import { EventFileScan } from './event-scan';
import { LogFileSet } from './log-file-set';

const line = (minute: number, id: string) =>
  JSON.stringify({
    timestamp: `2026-11-24T10:${String(minute).padStart(2, '0')}:00.000000Z`,
    level: 'INFO',
    logger: 'orchestrator_events',
    event: 'e',
    event_id: id,
    orch_id: 'o',
  });

describe('EventFileScan', () => {
  const tmp = useTempLogFile();
  beforeEach(() => {
    // Oldest backup (with one torn line), newer backup, current file; a duplicate id after a crash.
    fs.writeFileSync(`${tmp.file}.2`, `${line(0, 'a0')}\n{"torn\n${line(10, 'a1')}\n`);
    fs.writeFileSync(`${tmp.file}.1`, `${line(20, 'b0')}\n${line(30, 'b1')}\n`);
    fs.writeFileSync(tmp.file, `${line(30, 'b1')}\n${line(40, 'c0')}\n${line(50, 'c1')}`);
  });

  const visit = async (since?: string, stopAt?: string) => {
    const seen: string[] = [];
    const result = await new EventFileScan(new LogFileSet(tmp.file, 2)).forEach(
      (event: OrchestratorEvent) => {
        seen.push(event.event_id);
        return event.event_id !== stopAt;
      },
      since,
    );
    return { seen, skipped: result.skipped_lines };
  };

  it('visits every event once, oldest first, counting torn lines', async () => {
    expect(await visit()).toEqual({ seen: ['a0', 'a1', 'b0', 'b1', 'c0', 'c1'], skipped: 1 });
  });

  it('stops when the visitor says so', async () => {
    expect((await visit(undefined, 'b0')).seen).toEqual(['a0', 'a1', 'b0']);
  });

  it('does not read files whose events all lie before since', async () => {
    // The newer backup starts at 10:20, before since: the oldest one (and its torn line) is not read.
    expect(await visit('2026-11-24T10:25:00.000000Z')).toEqual({
      seen: ['b0', 'b1', 'c0', 'c1'],
      skipped: 0,
    });
    // A since equal to a file's first timestamp still reads the file before it (ties are kept).
    expect((await visit('2026-11-24T10:20:00.000000Z')).seen).toEqual([
      'a0',
      'a1',
      'b0',
      'b1',
      'c0',
      'c1',
    ]);
    // Only the current file: its first line (a copy of b1, left by a crash) is no duplicate here;
    // it lies before since, which the caller's filter applies.
    expect((await visit('2026-11-24T10:45:00.000000Z')).seen).toEqual(['b1', 'c0', 'c1']);
  });
});
