import {
  eventTimeMs,
  extrasOf,
  extrasPreview,
  failureReason,
  differentDays,
  formatDuration,
  formatEventTime,
  spansDays,
  traceLink,
} from './event.format';
import { eventAt } from '../testing/test-events';

describe('event format', () => {
  it('reads the time from the id, else from the timestamp', () => {
    const event = eventAt(1_790_000_000_123, { event: 'x' });
    expect(eventTimeMs(event)).toBe(1_790_000_000_123);
    expect(eventTimeMs({ ...event, event_id: 'odd' })).toBe(1_790_000_000_123);
  });

  it('formats durations for people', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(1234)).toBe('1.23 s');
    expect(formatDuration(12_400)).toBe('12.4 s');
    expect(formatDuration(185_000)).toBe('3 min 05 s');
    expect(formatDuration(7_620_000)).toBe('2 h 07 min');
    expect(formatDuration(-1)).toBe('');
  });

  it('separates the extras from the fields shown in columns', () => {
    const event = eventAt(0, {
      event: 'job_failed',
      run_id: 'r',
      status: 'failed',
      message: 'm',
      duration_ms: 5,
      error: { name: 'TypeError', message: 'boom', stack: 's' },
    });
    expect(extrasOf(event)).toEqual({
      duration_ms: 5,
      error: { name: 'TypeError', message: 'boom', stack: 's' },
    });
    expect(extrasPreview(event)).toBe('duration_ms=5 error=TypeError: boom');
    expect(extrasPreview({ ...event, result: 'x'.repeat(500) }, 50)).toHaveLength(50);
  });

  it('finds the reason of a failure', () => {
    expect(failureReason(eventAt(0, { event: 'x', error: { message: 'boom' } }))).toBe('boom');
    expect(failureReason(eventAt(0, { event: 'x', error: 'plain' }))).toBe('plain');
    expect(failureReason(eventAt(0, { event: 'x', reason: 'quota' }))).toBe('quota');
    expect(failureReason(eventAt(0, { event: 'x', message: 'said so' }))).toBe('said so');
    expect(failureReason(eventAt(0, { event: 'x' }))).toBeUndefined();
  });

  it('links a trace only with a template and a trace_id, encoded', () => {
    const event = eventAt(0, { event: 'x', trace_id: 'ab/c', span_id: 's1' });
    expect(traceLink(event, 'https://t.example/trace/{trace_id}?span={span_id}')).toBe(
      'https://t.example/trace/ab%2Fc?span=s1',
    );
    expect(traceLink(event, undefined)).toBeUndefined();
    expect(traceLink(eventAt(0, { event: 'x' }), 'https://t/{trace_id}')).toBeUndefined();
  });

  it('dates a time only when asked, and knows when two times are on different days (UTC)', () => {
    const midnight = Date.UTC(2026, 11, 6);
    expect(formatEventTime(midnight + 1234, false)).toBe('00:00:01.234');
    expect(formatEventTime(midnight - 1, true)).toBe('12-05 23:59:59.999');
    expect(differentDays(midnight - 1, midnight)).toBe(true);
    expect(differentDays(midnight, midnight + 86_399_999)).toBe(false);
  });

  it('says whether a list of events, newest first, spans more than one day', () => {
    const midnight = Date.UTC(2026, 11, 6);
    const list = (...ms: number[]) => ({
      size: ms.length,
      at: (i: number) => (i >= 0 && i < ms.length ? eventAt(ms[i], { event: 'x' }) : undefined),
    });
    expect(spansDays(list())).toBe(false);
    expect(spansDays(list(midnight + 5, midnight))).toBe(false);
    expect(spansDays(list(midnight, midnight - 1))).toBe(true);
  });
});
