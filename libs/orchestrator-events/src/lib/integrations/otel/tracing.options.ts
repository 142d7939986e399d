/**
 * `OrchestratorEventsModule.forRoot({ tracing })`: OpenTelemetry trace ids on events. Needs the
 * optional peer `@opentelemetry/api` (and, for ids to exist, an OpenTelemetry SDK that the app
 * registers itself). `tracing: true` is `{ spans: false }`.
 */
export interface OrchestratorEventsTracingOptions {
  /**
   * Also open a span around each `track(name, fields, fn)`, named `name` (with the
   * `orchestrator.task_id` / `orchestrator.run_id` attributes it has), ended when `fn` settles and
   * marked as an error when it throws. Its `<name>_started` / `_completed` / `_failed` events, and
   * every event logged inside `fn`, then carry that span's ids. Default `false`.
   */
  spans?: boolean;
}
