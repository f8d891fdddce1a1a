import { join } from 'node:path';
import type { Command } from './types.ts';
import { openSnapshotFor, writeHtmlReport } from '../lib/reports/snapshot.ts';
import { backtestDoc, runBacktest, writeScoringSetting } from '../lib/reports/backtest.ts';
import { DEFAULT_CONFIG_DIR, reportConfig } from '../lib/reports/config.ts';
import { renderTerminal } from '../lib/render/terminal.ts';
import { ReportError } from '../lib/reports/db.ts';
import type { ScoringRule } from '../lib/rules/scoring.ts';
import { dateFlag, str } from './format.ts';

export const backtest: Command = {
  words: ['backtest'],
  summary:
    'Backtest lead scoring on history: ROC-AUC, MQL rule precision/recall, lift by decile, recommended thresholds',
  usage:
    'revops backtest [--snapshot FILE] [--split DATE] [--horizon DAYS | --stored-scores] [--config DIR] [--html FILE] [--write]',
  flags: {
    snapshot: { type: 'string' },
    split: { type: 'string' },
    config: { type: 'string' },
    html: { type: 'string' },
    write: { type: 'boolean', default: false },
    horizon: { type: 'string' },
    'stored-scores': { type: 'boolean', default: false },
  },
  examples: [
    'revops backtest --html out/backtest.html',
    'revops backtest --write   # puts the recommended thresholds into Scoring_Setting.Default',
  ],
  async run(ctx) {
    const dir = str(ctx.flags.config) ?? DEFAULT_CONFIG_DIR;
    const config = reportConfig(dir);
    const settings = config.scoringSettings;
    const horizonDays = Number(str(ctx.flags.horizon) ?? '30');
    if (!Number.isInteger(horizonDays) || horizonDays < 0 || horizonDays > 3650) {
      throw new ReportError(
        `--horizon must be a whole number of days from 0 to 3650 (got "${String(ctx.flags.horizon)}").`,
      );
    }
    // Signal rules carry no operator in the records; score() reads it only for field rules.
    const rules: ScoringRule[] = config.scoringRules.map((r) => ({ ...r, operator: r.operator ?? 'equals' }));
    const split = dateFlag(ctx.flags, 'split'); // checked before the snapshot opens
    const { db } = await openSnapshotFor(str(ctx.flags.snapshot), ctx.progress);
    try {
      const result = await runBacktest(
        db,
        { fit: settings.mqlFitThreshold, engagement: settings.mqlEngagementThreshold },
        {
          splitAt: split,
          replay: ctx.flags['stored-scores'] ? undefined : { rules, settings, horizonDays },
        },
      );
      const doc = backtestDoc(result);
      if (ctx.flags.html)
        ctx.progress(`HTML report written to ${writeHtmlReport(str(ctx.flags.html)!, [doc])}`);
      let human = renderTerminal(doc);
      let diff: string | null = null;
      if (ctx.flags.write) {
        diff = writeScoringSetting(
          join(dir, 'main', 'default', 'customMetadata', 'Scoring_Setting.Default.md-meta.xml'),
          result.recommended.thresholds,
        );
        human += '\n' + diff + '\n';
      }
      return { result: { ...result, diff }, human };
    } finally {
      db.close();
    }
  },
};
