/**
 * Real Debian Chromium driven by playwright-core (no downloaded browser): one launch recipe for
 * every browser test. A missing /usr/bin/chromium skips the tests loudly, and fails them in CI
 * (see require-binary.ts). Screenshots land in test-artifacts/ (gitignored), one taken
 * automatically for each page of a failed test.
 *
 *   const hasChromium = requireChromium();
 *   describe.skipIf(!hasChromium)('…', () => { const page = await newPage(); … });
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { onCleanup } from './cleanup.js';
import { requireBinary } from './require-binary.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Quiet, isolated, no sandbox (containers have no user namespaces); playwright adds --headless and a fresh --user-data-dir. */
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run',
];

export const ARTIFACTS_DIR = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

/** Call at module level; false means "skip" (never in CI, where it throws). */
export function requireChromium(): boolean {
  return requireBinary('chromium', 'chromium');
}

/** A headless Chromium with a fresh profile, closed after the current test. */
export async function launchChromium(): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  onCleanup(() => browser.close());
  return browser;
}

export interface BrowserPage extends Page {
  /** Console lines and uncaught errors of the page so far, for failure messages. */
  consoleLines(): string[];
}

/**
 * A page in its own context (own cookies), in `browser` or in a Chromium launched for it. Its
 * console is recorded, and a failing test leaves a screenshot of it in test-artifacts/.
 */
export async function newPage(browser?: Browser, options: BrowserContextOptions = {}): Promise<BrowserPage> {
  const owner = browser ?? (await launchChromium());
  const context = await owner.newContext(options);
  onCleanup(() => context.close());
  const page = (await context.newPage()) as BrowserPage;
  const lines: string[] = [];
  page.on('console', (message) => lines.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => lines.push(`pageerror: ${error.stack ?? error.message}`));
  page.consoleLines = () => [...lines];
  // Registered after the context's close, so it runs before it.
  onCleanup(async ({ failed, testName }) => {
    if (!failed || page.isClosed()) return;
    const path = await screenshot(page, `failed-${testName}`);
    console.error(`screenshot: ${path}\nbrowser console:\n${lines.join('\n')}`);
  });
  return page;
}

/** Saves a full-page PNG as test-artifacts/<name>.png (name made file-safe) and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name.replace(/[^\w.-]+/g, '-').slice(0, 120)}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
