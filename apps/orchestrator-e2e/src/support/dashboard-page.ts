import type { DashboardSnapshot } from '@orchestrator/events-dashboard';
import * as os from 'node:os';
import * as path from 'node:path';
import { Page } from 'playwright-core';

/** What the page exposes as `window.__orchDashboard.snapshot()`. */
export type { DashboardSnapshot };

/**
 * The docs' picture `docs/<name>.png`: rewritten only when asked (UPDATE_SCREENSHOTS=1), so that a
 * test run leaves the tree clean; otherwise the same picture goes to the temp directory.
 */
export const picture = (name: string): string =>
  process.env['UPDATE_SCREENSHOTS']
    ? path.resolve(__dirname, `../../../../docs/${name}.png`)
    : path.join(os.tmpdir(), `orch-${name}.png`);

/** The page's snapshot (`window.__orchDashboard.snapshot()`). */
export const snapshot = (page: Page): Promise<DashboardSnapshot> =>
  page.evaluate(() =>
    (
      window as unknown as { __orchDashboard: { snapshot(): DashboardSnapshot } }
    ).__orchDashboard.snapshot(),
  );

/** The values the window selector offers, in order. */
export const windowOptions = (page: Page): Promise<string[]> =>
  page.$$eval('select[name="window"] option', (options) =>
    options.map((o) => (o as HTMLOptionElement).value),
  );
