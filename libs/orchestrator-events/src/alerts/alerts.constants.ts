/** Injection token of the resolved alerts options (`ResolvedAlertsOptions`). */
export const ORCH_EVENTS_ALERTS_OPTIONS = Symbol('ORCH_EVENTS_ALERTS_OPTIONS');

/**
 * Injection token of the `AlertClaims` store: Redis when the core's Redis bus is configured, else
 * memory. Provide your own (a database table, ...) by overriding it.
 */
export const ALERT_CLAIMS = Symbol('ALERT_CLAIMS');
