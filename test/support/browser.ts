import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

// Debian's Chromium, driven by playwright-core (it cannot download a browser of its own here).
export const CHROMIUM = '/usr/bin/chromium';

// As root in a container: no sandbox, no GPU, nothing that calls home. Each launch gets a fresh
// profile in a temporary folder from Playwright (it refuses --user-data-dir in args; that is its
// launchPersistentContext), removed again at close.
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

// A phone: 360 × 740 CSS pixels, touch, German first (the club's default language).
export const PHONE: BrowserContextOptions = {
  viewport: { width: 360, height: 740 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'de-DE',
  timezoneId: 'Europe/Berlin',
};

export function phone(browser: Browser, extra: BrowserContextOptions = {}): Promise<BrowserContext> {
  return browser.newContext({ ...PHONE, ...extra });
}

// Screenshots are test artifacts (git-ignored): test-artifacts/screenshots/<suite>/<name>.png.
export const SCREENSHOT_DIR = resolve('test-artifacts', 'screenshots');

export function screenshots(suite: string): (page: Page, name: string) => Promise<string> {
  const dir = join(SCREENSHOT_DIR, suite);
  mkdirSync(dir, { recursive: true });
  console.info(`browser screenshots: ${dir}`);
  return async (page, name) => {
    const path = join(dir, `${name}.png`);
    await page.screenshot({ path, fullPage: true });
    return path;
  };
}

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

// axe-core in the page. The pages' CSP (default-src 'self') would block an injected <script>;
// page.evaluate runs through the DevTools protocol, which CSP does not govern, so the pages are
// checked exactly as served (no bypassCSP).
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (opts: unknown) => Promise<AxeResults> } }).axe;
    // Without a context axe checks the whole document.
    const result = await axe.run({ resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      nodes: v.nodes.map((n) => n.target.join(' ')),
    }));
  });
}

interface AxeResults {
  violations: { id: string; impact?: string | null; help: string; nodes: { target: string[] }[] }[];
}

// The violations a test must not have: axe's serious and critical ones.
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  return (await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
