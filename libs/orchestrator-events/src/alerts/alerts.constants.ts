/** Injection token of the resolved alerts options (`ResolvedAlertsOptions`). */
export const ORCH_EVENTS_ALERTS_OPTIONS = Symbol('ORCH_EVENTS_ALERTS_OPTIONS');

/**
 * Injection token of the `AlertClaims` store: the `claims` option, else Redis when
 * `OrchestratorEventsRedisModule` is imported, else memory.
 */
export const ALERT_CLAIMS = Symbol('ALERT_CLAIMS');
