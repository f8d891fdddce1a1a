import type { Command } from './types.ts';
import { openSnapshotFile, openSnapshotFor, writeHtmlReport } from '../lib/reports/snapshot.ts';
import type { Db } from '../lib/reports/db.ts';
import { auditDoc, runAudit } from '../lib/reports/audit.ts';
import { reportConfig } from '../lib/reports/config.ts';
import { renderTerminal } from '../lib/render/terminal.ts';
import { str } from './format.ts';

export const audit: Command = {
  words: ['audit'],
  summary:
    'Quarterly data audit: duplicates, stale contacts and deliverability, lifecycle bottlenecks, missing fields, enrichment sample',
  usage: 'revops audit [--snapshot FILE] [--previous FILE] [--config DIR] [--html FILE]',
  flags: {
    snapshot: { type: 'string' },
    previous: { type: 'string' },
    config: { type: 'string' },
    html: { type: 'string' },
  },
  examples: [
    'revops audit --snapshot .revops/snapshots/2026-Q3.duckdb --previous .revops/snapshots/2026-Q2.duckdb --html out/audit.html',
  ],
  async run(ctx) {
    const config = reportConfig(str(ctx.flags.config));
    const { db } = await openSnapshotFor(str(ctx.flags.snapshot), ctx.progress);
    let previous: Db | undefined;
    try {
      // the previous quarter is held to the same standard: a complete snapshot, or a clear refusal
      if (ctx.flags.previous) previous = await openSnapshotFile(str(ctx.flags.previous)!);
      const result = await runAudit(db, {
        dedupRules: config.dedupRules,
        stagePolicies: config.stagePolicies,
        previous,
      });
      const doc = auditDoc(result);
      if (ctx.flags.html)
        ctx.progress(`HTML report written to ${writeHtmlReport(str(ctx.flags.html)!, [doc])}`);
      return { result, human: renderTerminal(doc) };
    } finally {
      db.close();
      previous?.close();
    }
  },
};
