/** Every message of the dashboard module, in one place. */
export const DASHBOARD_MESSAGES = {
  badPath: () =>
    'one or more segments of letters, digits and -._~ separated by /, e.g. "orchestrator"',
  badTraceUrl: () =>
    'an http(s) URL with {trace_id} in it, e.g. "https://jaeger.example.com/trace/{trace_id}"',
  noController: () =>
    'the dashboard reads the events endpoints: keep the controller of OrchestratorEventsModule, ' +
    'or leave OrchestratorEventsDashboardModule out',
  assetsMissing: (candidates: readonly string[]) =>
    `The dashboard's files are missing: none of ${candidates.join(', ')} holds its manifest.json. ` +
    'In the orchestrator-events workspace, build it with `npx nx build orchestrator-events-dashboard`; ' +
    'in an app that bundles @orchestrator/events, copy node_modules/@orchestrator/events/dashboard ' +
    'next to the bundle as orchestrator-events-dashboard/.',
  badAssetName: (dir: string, name: unknown) =>
    `dashboard manifest in ${dir}: bad asset name ${JSON.stringify(name)}`,
  noConfigPlaceholder: (dir: string) => `dashboard index.html in ${dir} has no config placeholder`,
  mounted: (at: string) => `dashboard at ${at}`,
  requestFailed: (reason: string) => `dashboard request failed: ${reason}`,
  onlyHttp: () => 'the dashboard is served over HTTP only',
} as const;
