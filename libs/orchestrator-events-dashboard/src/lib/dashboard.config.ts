/**
 * What the server tells the page, as JSON in `<script id="orch-dashboard-config">` (filled in when
 * index.html is served): the page holds no other knowledge of the app it is mounted in.
 */
export interface DashboardConfig {
  /** The events endpoint, relative to the page (`../api/v1/orchestrator/events`). */
  eventsPath: string;
  /** Link for events carrying `trace_id`: a URL with `{trace_id}` (and `{span_id}`) in it. */
  traceUrl?: string;
  /**
   * The runs and counts endpoints, relative to the page, present only when the server has a history
   * store: the windows of days (6 h, 24 h, 7 d) are offered only then.
   */
  history?: { runsPath: string; countsPath: string };
}

/** Id of the script element that carries the config. */
export const CONFIG_ELEMENT_ID = 'orch-dashboard-config';

/** Reads the config; a page opened without its server (a file, a dev server) says so. */
export function readConfig(doc: Document): DashboardConfig {
  const text = doc.getElementById(CONFIG_ELEMENT_ID)?.textContent ?? '';
  let config: Partial<DashboardConfig> = {};
  try {
    config = JSON.parse(text) as Partial<DashboardConfig>;
  } catch {
    // reported below
  }
  if (typeof config.eventsPath !== 'string') {
    throw new Error('dashboard config missing: serve this page with OrchestratorEventsModule');
  }
  return {
    eventsPath: config.eventsPath,
    ...(typeof config.traceUrl === 'string' ? { traceUrl: config.traceUrl } : {}),
    ...(typeof config.history?.runsPath === 'string' &&
    typeof config.history.countsPath === 'string'
      ? { history: { runsPath: config.history.runsPath, countsPath: config.history.countsPath } }
      : {}),
  };
}

/** The client's `baseUrl` and `eventsPath` for the events endpoint, resolved against the page. */
export function apiLocation(
  config: DashboardConfig,
  pageUrl: string,
): { baseUrl: string; eventsPath: string } {
  const url = new URL(config.eventsPath, pageUrl);
  return { baseUrl: url.origin, eventsPath: url.pathname };
}
