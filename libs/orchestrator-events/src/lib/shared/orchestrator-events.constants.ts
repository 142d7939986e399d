/** Injection token of the resolved, validated options (`ResolvedOrchestratorEventsOptions`). */
export const ORCH_EVENTS_OPTIONS = Symbol('ORCH_EVENTS_OPTIONS');

/** Injection token of how the module registered its controller (`EventsRoute`). */
export const ORCH_EVENTS_ROUTE = Symbol('ORCH_EVENTS_ROUTE');
