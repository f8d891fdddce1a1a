import type { Command } from './types.ts';
import { openSnapshotFor, writeHtmlReport } from '../lib/reports/snapshot.ts';
import { routeSimDoc, simulateRouting } from '../lib/reports/routesim.ts';
import { reportConfig } from '../lib/reports/config.ts';
import { renderTerminal } from '../lib/render/terminal.ts';
import { str } from './format.ts';

export const routeSimulate: Command = {
  words: ['route', 'simulate'],
  summary:
    'Replay the routing rules (current or a proposed config) over past leads: load per rep, fairness, fallback, owner changes',
  usage: 'revops route simulate [--snapshot FILE] [--since DATE] [--config DIR] [--html FILE]',
  flags: {
    snapshot: { type: 'string' },
    since: { type: 'string' },
    config: { type: 'string' },
    html: { type: 'string' },
  },
  examples: [
    'revops route simulate --since 2026-07-01',
    'revops route simulate --config ../proposal/force-app --html out/routing.html',
  ],
  async run(ctx) {
    const rules = reportConfig(str(ctx.flags.config)).routingRules;
    const { db } = await openSnapshotFor(str(ctx.flags.snapshot), ctx.progress);
    try {
      const result = await simulateRouting(db, rules, { since: str(ctx.flags.since) });
      const doc = routeSimDoc(result);
      if (ctx.flags.html)
        ctx.progress(`HTML report written to ${writeHtmlReport(str(ctx.flags.html)!, [doc])}`);
      return { result, human: renderTerminal(doc) };
    } finally {
      db.close();
    }
  },
};
