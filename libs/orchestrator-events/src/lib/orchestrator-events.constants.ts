/** Injection token of the resolved, validated options (`ResolvedOrchestratorEventsOptions`). */
export const ORCH_EVENTS_OPTIONS = Symbol('ORCH_EVENTS_OPTIONS');
