/**
 * Real Debian Chromium driven by playwright-core (no downloaded browser). A missing
 * /usr/bin/chromium skips the tests loudly, and fails them in CI (see require-binary.ts).
 * Screenshots land in test-artifacts/ (gitignored).
 *
 *   const hasChromium = requireChromium();
 *   describe.skipIf(!hasChromium)('…', () => { const page = await newPage(); … });
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { onCleanup } from './cleanup.js';
import { requireBinary } from './require-binary.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run',
];

export const ARTIFACTS_DIR = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

/** Call at module level; false means "skip" (never in CI, where it throws). */
export function requireChromium(): boolean {
  return requireBinary('chromium', 'chromium');
}

/** A headless Chromium with a fresh --user-data-dir, closed after the current test. */
export async function launchChromium(): Promise<BrowserContext> {
  const profile = mkdtempSync(join(tmpdir(), 'pusher-sidecar-chromium-'));
  onCleanup(() => rmSync(profile, { recursive: true, force: true }));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1400, height: 900 } });
  onCleanup(() => context.close());
  return context;
}

export interface BrowserPage extends Page {
  /** Console lines and uncaught errors of the page so far, for failure messages. */
  consoleLines(): string[];
}

/** A page in `context`, or in a Chromium launched for it, with its console recorded. */
export async function newPage(context?: BrowserContext | Browser): Promise<BrowserPage> {
  const owner = context ?? (await launchChromium());
  const page = (await owner.newPage()) as BrowserPage;
  const lines: string[] = [];
  page.on('console', (message) => lines.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => lines.push(`pageerror: ${error.stack ?? error.message}`));
  page.consoleLines = () => [...lines];
  return page;
}

/** Saves a PNG as test-artifacts/<name>.png (name made file-safe) and returns its path. */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name.replace(/[^\w.-]+/g, '-').slice(0, 120)}.png`);
  await page.screenshot({ path, fullPage: options.fullPage ?? true });
  return path;
}
