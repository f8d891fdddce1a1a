import { join } from 'node:path';
import type { Command } from './types.ts';
import { openSnapshotFor, writeHtmlReport } from '../lib/reports/snapshot.ts';
import { backtestDoc, runBacktest, writeScoringSetting } from '../lib/reports/backtest.ts';
import { DEFAULT_CONFIG_DIR, reportConfig } from '../lib/reports/config.ts';
import { renderTerminal } from '../lib/render/terminal.ts';

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export const backtest: Command = {
  words: ['backtest'],
  summary: 'Backtest lead scoring on history: ROC-AUC, MQL rule precision/recall, lift by decile, recommended thresholds',
  usage: 'revops backtest [--snapshot FILE] [--split DATE] [--config DIR] [--html FILE] [--write]',
  flags: {
    snapshot: { type: 'string' },
    split: { type: 'string' },
    config: { type: 'string' },
    html: { type: 'string' },
    write: { type: 'boolean', default: false },
  },
  examples: ['revops backtest --html out/backtest.html', 'revops backtest --write   # puts the recommended thresholds into Scoring_Setting.Default'],
  async run(ctx) {
    const dir = str(ctx.flags.config) ?? DEFAULT_CONFIG_DIR;
    const settings = reportConfig(dir).scoringSettings;
    const { db } = await openSnapshotFor(str(ctx.flags.snapshot), ctx.progress);
    try {
      const result = await runBacktest(db, { fit: settings.mqlFitThreshold, engagement: settings.mqlEngagementThreshold }, { splitAt: str(ctx.flags.split) });
      const doc = backtestDoc(result);
      if (ctx.flags.html) ctx.progress(`HTML report written to ${writeHtmlReport(str(ctx.flags.html)!, [doc])}`);
      let human = renderTerminal(doc);
      let diff: string | null = null;
      if (ctx.flags.write) {
        diff = writeScoringSetting(join(dir, 'main', 'default', 'customMetadata', 'Scoring_Setting.Default.md-meta.xml'), result.recommended.thresholds);
        human += '\n' + diff + '\n';
      }
      return { result: { ...result, diff }, human };
    } finally {
      db.close();
    }
  },
};
