import { EventFilter, EventLevel, RUN_STATUSES, RunStatus } from '@orchestrator/events-contract';

/** The filters as typed by the user (or found in a shared link): raw text, checked by the server. */
export interface FilterText {
  task_id?: string;
  run_id?: string;
  /** Comma-separated event names. */
  event?: string;
  /** Minimum level, any case (`warn` too). */
  level?: string;
}

/**
 * Time span shown by the timeline and the rate chart, ending now. `auto` fits the active and
 * recent runs (not everything kept), so that runs of seconds stay legible. `6h`, `24h` and `7d`
 * are read from the server's history store (runs and counts endpoints), offered only with one.
 */
export type TimeWindow = 'auto' | '1m' | '5m' | '15m' | '1h' | '6h' | '24h' | '7d';

export const TIME_WINDOWS: readonly TimeWindow[] = [
  'auto',
  '1m',
  '5m',
  '15m',
  '1h',
  '6h',
  '24h',
  '7d',
];

/** The windows of days: answered by the server's history store, not the page's own events. */
export const HISTORY_WINDOWS: readonly TimeWindow[] = ['6h', '24h', '7d'];

/** Whether `window` is read from the server's history store. */
export function isHistoryWindow(window: TimeWindow): boolean {
  return HISTORY_WINDOWS.includes(window);
}

export const WINDOW_MS: Record<Exclude<TimeWindow, 'auto'>, number> = {
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '1h': 3_600_000,
  '6h': 6 * 3_600_000,
  '24h': 24 * 3_600_000,
  '7d': 7 * 24 * 3_600_000,
};

/** A fixed span chosen by dragging over the timeline: `from`/`to` in the URL, ms since the epoch. */
export interface ZoomRange {
  fromMs: number;
  toMs: number;
}

/** Everything a view depends on, kept in the page URL so that a link or a reload shows the same. */
export interface DashboardState {
  filter: FilterText;
  window: TimeWindow;
  /** Runs shown by status (`status=failed`): the page's own filter, applied to the runs it holds. */
  status?: RunStatus;
  /** A span zoomed into: it replaces the window until zoomed out (the browser's back, too). */
  zoom?: ZoomRange;
  /** The run open in the run view. */
  run?: string;
}

const FILTER_KEYS = ['task_id', 'run_id', 'event', 'level'] as const;

/** The state in a query string (`?task_id=...`); unknown parameters are ignored. */
export function parseUrlState(search: string): DashboardState {
  const params = new URLSearchParams(search);
  const filter: FilterText = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key)?.trim();
    if (value) filter[key] = value;
  }
  const window = params.get('window') as TimeWindow | null;
  const run = params.get('run')?.trim();
  const status = params.get('status')?.trim().toLowerCase() as RunStatus | undefined;
  const fromMs = Date.parse(params.get('from') ?? '');
  const toMs = Date.parse(params.get('to') ?? '');
  return {
    filter,
    window: window !== null && TIME_WINDOWS.includes(window) ? window : 'auto',
    ...(status && RUN_STATUSES.includes(status) ? { status } : {}),
    ...(Number.isFinite(fromMs) && Number.isFinite(toMs) && toMs > fromMs
      ? { zoom: { fromMs, toMs } }
      : {}),
    ...(run ? { run } : {}),
  };
}

/** The query string of a state (`?...`, or `''` for the default view), in a stable order. */
export function formatUrlState(state: DashboardState): string {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = state.filter[key]?.trim();
    if (value) params.set(key, value);
  }
  if (state.window !== 'auto') params.set('window', state.window);
  if (state.status) params.set('status', state.status);
  if (state.zoom) {
    params.set('from', new Date(state.zoom.fromMs).toISOString());
    params.set('to', new Date(state.zoom.toMs).toISOString());
  }
  if (state.run) params.set('run', state.run);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/**
 * The filter as the client sends it. Values are passed as typed, not checked here: the server is
 * the one judge of a filter, and its 400 message is what the page shows.
 */
export function toEventFilter(filter: FilterText): EventFilter {
  const events = (filter.event ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  return {
    ...(filter.task_id ? { task_id: filter.task_id } : {}),
    ...(filter.run_id ? { run_id: filter.run_id } : {}),
    ...(events.length > 0 ? { event: events } : {}),
    ...(filter.level ? { level: filter.level as EventLevel } : {}),
  };
}

/**
 * True when the filter keeps some events of a run and drops others (a level or an event name):
 * run summaries built from it would be wrong (3 steps seen as 0), so they get their own feed.
 */
export function narrowsRuns(filter: FilterText): boolean {
  return Boolean(filter.level || filter.event);
}

/** The part of the filter that selects whole runs (task and run), for run summaries. */
export function runsFilter(filter: FilterText): FilterText {
  return {
    ...(filter.task_id ? { task_id: filter.task_id } : {}),
    ...(filter.run_id ? { run_id: filter.run_id } : {}),
  };
}

/** The filter in words, for labels: `level ≥ WARNING, event job_failed`. Empty for none. */
export function describeFilter(filter: FilterText, status?: RunStatus): string {
  const parts: string[] = [];
  if (status) parts.push(`status ${status}`);
  if (filter.task_id) parts.push(`task ${filter.task_id}`);
  if (filter.run_id) parts.push(`run ${filter.run_id}`);
  if (filter.event) parts.push(`event ${filter.event.split(',').join(', ')}`);
  if (filter.level) parts.push(`level ≥ ${filter.level.toUpperCase()}`);
  return parts.join(', ');
}

/** Whether two filters select the same events (so no feed needs restarting). */
export function sameFilter(a: FilterText, b: FilterText): boolean {
  return FILTER_KEYS.every((key) => (a[key] ?? '') === (b[key] ?? ''));
}
