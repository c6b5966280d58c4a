/**
 * Headless Chromium for the browser tests, through playwright-core (which
 * downloads no browser): Debian's /usr/bin/chromium (`apt-get install -y
 * chromium`), or the one CHROMIUM_PATH names.
 *
 * Outside CI a missing Chromium skips the browser tests with a message; under
 * CI (CI set and not "false"/"0") it never skips: the launch fails the test.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];

const ci = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false' && process.env.CI !== '0';

/** Why the browser tests are skipped, or null when they run (always null under CI). */
export const chromiumSkipReason: string | null =
  !ci && !existsSync(CHROMIUM_PATH)
    ? `Chromium not found at ${CHROMIUM_PATH}: install it (apt-get install -y chromium) or set CHROMIUM_PATH to run the browser tests`
    : null;

if (chromiumSkipReason) console.warn(`[browser tests skipped] ${chromiumSkipReason}`);

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}
