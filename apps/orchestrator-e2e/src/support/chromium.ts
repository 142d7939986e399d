import * as fs from 'node:fs';
import { Browser, chromium } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`); never a downloaded browser. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Whether the browser tests can run: without Chromium they are skipped with a message saying how
 * to run them, except under CI, where a missing browser is a failure.
 */
export function requireChromium(): boolean {
  if (fs.existsSync(CHROMIUM)) return true;
  const message =
    `Browser test SKIPPED: ${CHROMIUM} is missing. Install it with "apt-get install chromium", ` +
    'then run "npx nx run orchestrator-e2e:test" (or .ci/run, which installs it).';
  if (process.env['CI']) throw new Error(message);
  console.warn(message);
  return false;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * One Chromium for the tests of the calling `describe`: launched in `beforeAll`, closed in
 * `afterAll`. The function returned gives it, inside a test.
 */
export function useChromium(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (browser === undefined) throw new Error('useChromium: Chromium did not start');
    return browser;
  };
}
