// What the browser tests of the page read from it (the page itself is built from main.ts): the
// shape of `window.__orchDashboard.snapshot()`.
export type { DashboardSnapshot } from './lib/dashboard.snapshot';
