import type { Command } from './types.ts';
import { openSnapshotFor, writeHtmlReport } from '../lib/reports/snapshot.ts';
import { computeMetrics, loadCosts, loadTargets, metricsDoc } from '../lib/reports/metrics.ts';
import { renderTerminal } from '../lib/render/terminal.ts';
import { ReportError } from '../lib/reports/db.ts';
import { str } from './format.ts';

export function monthsFlag(v: unknown): number {
  const n = Number(str(v) ?? '12');
  if (!Number.isInteger(n) || n < 1 || n > 120)
    throw new ReportError(`--months must be a whole number of months from 1 to 120 (got "${String(v)}").`);
  return n;
}

export const metrics: Command = {
  words: ['metrics'],
  summary: 'Marketing, sales and executive metrics from a snapshot, each figure beside its benchmark',
  usage:
    'revops metrics [--snapshot FILE] [--costs FILE] [--targets FILE] [--months N] [--as-of DATE] [--html FILE]',
  flags: {
    snapshot: { type: 'string' },
    costs: { type: 'string' },
    targets: { type: 'string' },
    months: { type: 'string' },
    'as-of': { type: 'string' },
    html: { type: 'string' },
  },
  examples: ['revops metrics --costs spend.csv --targets targets.json --html out/metrics.html'],
  async run(ctx) {
    const { db } = await openSnapshotFor(str(ctx.flags.snapshot), ctx.progress);
    try {
      const result = await computeMetrics(db, {
        months: monthsFlag(ctx.flags.months),
        asOf: str(ctx.flags['as-of']),
        targets: ctx.flags.targets ? loadTargets(str(ctx.flags.targets)) : undefined,
        costs: await loadCosts(db, str(ctx.flags.costs)),
      });
      const doc = metricsDoc(result);
      if (ctx.flags.html)
        ctx.progress(`HTML report written to ${writeHtmlReport(str(ctx.flags.html)!, [doc])}`);
      return { result, human: renderTerminal(doc) };
    } finally {
      db.close();
    }
  },
};
