// `npm run preview:screenshots`: builds the preview, opens it in headless Chromium and writes one PNG per panel
// and state to docs/screenshots/<panel>-<state>.png.
import { mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPreview } from './build.ts';
import { launchPreviewBrowser } from './browser.ts';
import { PREVIEW_NOW, previewPanels } from './fixtures.ts';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');

export async function writeScreenshots(outDir = join(ROOT, 'docs/screenshots')): Promise<string[]> {
  const { indexHtml } = await buildPreview();
  mkdirSync(outDir, { recursive: true });
  const browser = await launchPreviewBrowser();
  const written: string[] = [];
  try {
    const page = await browser.open(indexHtml, { fixedNow: PREVIEW_NOW });
    for (const panel of previewPanels()) {
      for (const { state } of panel.states) {
        const file = join(outDir, `${panel.name}-${state}.png`);
        const figure = page.locator(`figure[data-panel="${panel.name}"][data-state="${state}"]`);
        await figure.screenshot({ path: file, animations: 'disabled' });
        written.push(file);
      }
    }
  } finally {
    await browser.close();
  }
  return written;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = await writeScreenshots();
  const kb = files.reduce((sum, f) => sum + statSync(f).size, 0) / 1024;
  process.stdout.write(`preview: ${files.length} screenshots in docs/screenshots (${Math.round(kb)} KB)\n`);
}
