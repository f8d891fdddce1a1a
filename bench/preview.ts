// Benchmark: first render of each rep-facing panel with its mock data in the LWC OSS preview, headless Chromium.
import { buildPreview } from '../tooling/preview/build.ts';
import { launchPreviewBrowser } from '../tooling/preview/browser.ts';
import { measureRenderTimes } from '../tooling/preview/measure.ts';

export async function benchPreview(): Promise<Record<string, unknown>> {
  const { indexHtml, ms: buildMs } = await buildPreview();
  const browser = await launchPreviewBrowser();
  try {
    const page = await browser.open(indexHtml, { query: '?measure=1' });
    const times = await measureRenderTimes(page, 25);
    for (const t of times) {
      process.stderr.write(
        `  ${t.panel} (${t.state}): first render ${t.firstMs} ms, median ${t.medianMs} ms\n`,
      );
    }
    return {
      buildMs,
      budgetMs: 50,
      withinBudget: times.every((t) => t.firstMs <= 50),
      panels: Object.fromEntries(times.map((t) => [t.panel, { firstMs: t.firstMs, medianMs: t.medianMs }])),
    };
  } finally {
    await browser.close();
  }
}
