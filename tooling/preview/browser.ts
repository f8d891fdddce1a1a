// Headless Chromium for the preview (Debian's /usr/bin/chromium driven by playwright-core), with a fresh
// user-data-dir per launch that is removed on close.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.REVOPS_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface PreviewBrowser {
  context: BrowserContext;
  /**
   * Opens the built preview page (query e.g. '?measure=1') and waits until the panels are mounted.
   * fixedNow freezes the page clock (Date.now) at that instant, for screenshots that read the same every run.
   */
  open(indexHtml: string, options?: { query?: string; fixedNow?: string }): Promise<Page>;
  close(): Promise<void>;
}

export async function launchPreviewBrowser(): Promise<PreviewBrowser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'revops-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 2200, height: 1200 },
    deviceScaleFactor: 1,
  });
  return {
    context,
    async open(indexHtml, { query = '', fixedNow }: { query?: string; fixedNow?: string } = {}) {
      const page = await context.newPage();
      if (fixedNow) {
        await page.clock.setFixedTime(new Date(fixedNow));
      }
      await page.goto(pathToFileURL(indexHtml).href + query);
      await page.waitForFunction(
        () => (window as unknown as { __revopsReady?: boolean }).__revopsReady === true,
      );
      return page;
    },
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
