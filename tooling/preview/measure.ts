// Render times of the panels in the preview page, measured in the page with performance.now around element
// creation + first render with mock data (window.__revopsMeasure in tooling/preview/app.js).
import type { Page } from 'playwright-core';
import { previewPanels } from './fixtures.ts';

export interface PanelRenderTime {
  panel: string;
  state: string;
  /** The panel's first render in a fresh page (its template and styles are not cached yet). */
  firstMs: number;
  /** Median of the following renders. */
  medianMs: number;
}

type MeasureFn = (panel: string, state: string) => Promise<{ ms: number; rendered: boolean }>;

/**
 * Measures every panel in its main data state (the first state listed in the fixtures), after the page is
 * where Lightning Experience is when a sidebar renders (window.__revopsWarmUp: engine, base components, Intl).
 */
export async function measureRenderTimes(page: Page, repeats = 15): Promise<PanelRenderTime[]> {
  await page.evaluate(() => (window as unknown as { __revopsWarmUp: () => Promise<void> }).__revopsWarmUp());
  const results: PanelRenderTime[] = [];
  for (const panel of previewPanels()) {
    const state = panel.states[0].state;
    const runs: number[] = [];
    for (let i = 0; i <= repeats; i++) {
      const run = await page.evaluate(
        ([p, s]) => (window as unknown as { __revopsMeasure: MeasureFn }).__revopsMeasure(p, s),
        [panel.name, state] as const,
      );
      if (!run.rendered) {
        throw new Error(`${panel.name}/${state} did not render its data`);
      }
      runs.push(run.ms);
    }
    const [first, ...rest] = runs;
    rest.sort((a, b) => a - b);
    const round = (ms: number) => Math.round(ms * 100) / 100;
    results.push({
      panel: panel.name,
      state,
      firstMs: round(first),
      medianMs: round(rest[Math.floor(rest.length / 2)] ?? first),
    });
  }
  return results;
}
