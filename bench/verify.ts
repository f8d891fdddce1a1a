// Benchmark: the whole verification gate (deployability + house policy) over this repository's force-app, the
// run `npm run verify` does. Issue 14's budget: under 30 s on the 2-core machine when idle (see loadAvg1m).
import { runVerify } from '../tooling/verify/index.ts';

export async function benchVerify(): Promise<Record<string, unknown>> {
  const report = await runVerify();
  for (const r of report.results) process.stderr.write(`  ${r.check}: ${r.ms} ms\n`);
  return {
    ms: report.ms,
    budgetMs: 30_000,
    withinBudget: report.ms <= 30_000,
    ok: report.ok,
    errors: report.errors,
    warnings: report.warnings,
    checks: Object.fromEntries(report.results.map((r) => [r.check, r.ms])),
  };
}
