/*
 * @orchestrator/events/dashboard: the dashboard page, served from the app. Needs
 * `OrchestratorEventsModule.forRoot()` in the same app (with its endpoints); the page's files ship
 * inside the package.
 */
export { OrchestratorEventsDashboardModule } from './orchestrator-events-dashboard.module';
export type { OrchestratorEventsDashboardOptions } from './dashboard.options';
