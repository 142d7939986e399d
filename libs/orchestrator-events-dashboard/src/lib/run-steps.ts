import { OrchestratorEvent, runStatusOf } from '@orchestrator/events-contract';
import { eventTimeMs } from './event.format';

/** One segment of a run's waterfall: from the previous step event (or the start) to this one. */
export interface StepSegment {
  /** `step 3`, or the ending event's name for the last stretch. */
  label: string;
  startMs: number;
  endMs: number;
  /** Set on the last stretch: how the run ended. */
  ended?: 'success' | 'failed';
}

/** Segments drawn at most: a run of thousands of steps shows its first ones and says so. */
export const MAX_SEGMENTS = 60;

/**
 * Per-step durations from consecutive events, oldest first: each event with a numeric `step`
 * ends a segment begun at the previous one (the first at the run's first event), and the event
 * that ended the run closes the last stretch.
 */
export function stepSegments(events: readonly OrchestratorEvent[]): StepSegment[] {
  if (events.length === 0) return [];
  const sorted = [...events].sort((a, b) => eventTimeMs(a) - eventTimeMs(b));
  const segments: StepSegment[] = [];
  let from = eventTimeMs(sorted[0]);
  for (const event of sorted) {
    const t = eventTimeMs(event);
    const step = event['step'];
    if (typeof step === 'number') {
      segments.push({ label: `step ${step}`, startMs: from, endMs: t });
      from = t;
      continue;
    }
    const status = runStatusOf(event);
    if ((status === 'success' || status === 'failed') && segments.length > 0) {
      segments.push({ label: event.event, startMs: from, endMs: t, ended: status });
      from = t;
    }
  }
  return segments;
}

/** The event that failed the run, the latest one saying so. */
export function failingEvent(events: readonly OrchestratorEvent[]): OrchestratorEvent | undefined {
  let found: OrchestratorEvent | undefined;
  for (const event of events) {
    if (runStatusOf(event) !== 'failed') continue;
    if (found === undefined || eventTimeMs(event) >= eventTimeMs(found)) found = event;
  }
  return found;
}

/** The error of an event as text: its stack when logged (newlines kept), else its message. */
export function errorText(event: OrchestratorEvent): string | undefined {
  const error = event['error'];
  if (typeof error === 'object' && error !== null) {
    const { stack, message, name } = error as {
      stack?: unknown;
      message?: unknown;
      name?: unknown;
    };
    if (typeof stack === 'string' && stack) return stack;
    if (typeof message === 'string')
      return `${typeof name === 'string' ? name : 'Error'}: ${message}`;
  }
  if (typeof error === 'string' && error) return error;
  return undefined;
}

/** Names of the alert events (from the alerts module) shown on a run. */
export const ALERT_EVENTS: ReadonlySet<string> = new Set(['alert_sent', 'alert_failed']);
