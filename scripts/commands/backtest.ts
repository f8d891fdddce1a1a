import { join } from 'node:path';
import { Flags } from '@salesforce/sf-plugins-core';
import { openSnapshotFor, instanceUrlFor, writeReportOutputs } from '../lib/reports/snapshot.ts';
import { SfError } from '@salesforce/core';
import {
  backtestDoc,
  fitFloor,
  MAX_MQL_SHARE,
  runBacktest,
  writeScoringSetting,
} from '../lib/reports/backtest.ts';
import { DEFAULT_CONFIG_DIR, reportConfig } from '../lib/reports/config.ts';
import { renderTerminal } from '../lib/render/terminal.ts';
import type { ScoringRule } from '../lib/rules/scoring.ts';
import { dateFlag } from './format.ts';
import {
  configFlag,
  csvFlag,
  htmlFlag,
  instanceUrlFlag,
  loadMessages,
  RevopsCommand,
  snapshotFlag,
} from './base.ts';

const messages = loadMessages('revops.backtest');

type BacktestResult = Awaited<ReturnType<typeof runBacktest>> & { diff: string | null };

export default class Backtest extends RevopsCommand<BacktestResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly flags = {
    snapshot: snapshotFlag(),
    split: Flags.string({ summary: messages.getMessage('flags.split.summary'), helpValue: '<date>' }),
    horizon: Flags.integer({
      summary: messages.getMessage('flags.horizon.summary'),
      min: 0,
      max: 3650,
      default: 30,
      exclusive: ['stored-scores'],
    }),
    'stored-scores': Flags.boolean({ summary: messages.getMessage('flags.stored-scores.summary') }),
    config: configFlag(),
    html: htmlFlag(),
    csv: csvFlag(),
    'instance-url': instanceUrlFlag(),
    write: Flags.boolean({ summary: messages.getMessage('flags.write.summary') }),
    'max-mql-share': Flags.string({
      summary: messages.getMessage('flags.max-mql-share.summary'),
      default: String(MAX_MQL_SHARE),
      helpValue: '<fraction>',
    }),
  };

  public async run(): Promise<BacktestResult> {
    const { flags } = await this.parse(Backtest);
    const dir = flags.config ?? DEFAULT_CONFIG_DIR;
    const config = reportConfig(dir);
    const settings = config.scoringSettings;
    // Signal rules carry no operator in the records; score() reads it only for field rules.
    const rules: ScoringRule[] = config.scoringRules.map((r) => ({ ...r, operator: r.operator ?? 'equals' }));
    const split = dateFlag(flags, 'split'); // checked before the snapshot opens
    const maxMqlShare = Number(flags['max-mql-share']);
    if (!(maxMqlShare > 0 && maxMqlShare <= 1))
      throw new SfError(
        `--max-mql-share must be a fraction above 0 and at most 1 (got "${flags['max-mql-share']}").`,
        'InvalidFlag',
        ['Use e.g. --max-mql-share 0.15 (at most 15% of leads become MQLs).'],
        2,
      );
    const { db } = await openSnapshotFor(flags.snapshot, this.progress_);
    try {
      this.progress_('Backtesting the scoring rules ...');
      const result = await runBacktest(
        db,
        { fit: settings.mqlFitThreshold, engagement: settings.mqlEngagementThreshold },
        {
          splitAt: split,
          maxMqlShare,
          minFit: fitFloor(rules),
          replay: flags['stored-scores'] ? undefined : { rules, settings, horizonDays: flags.horizon },
        },
      );
      const doc = backtestDoc(result);
      const outputs = { html: flags.html, csv: flags.csv };
      const instanceUrl = await instanceUrlFor(db, flags['instance-url']);
      for (const n of writeReportOutputs([doc], { ...outputs, instanceUrl })) this.note(n);
      let human = renderTerminal(doc);
      let diff: string | null = null;
      if (flags.write) {
        if (!result.recommended.found)
          throw new SfError(
            `No threshold pair passes the guard rails (at most ${maxMqlShare * 100}% of the training leads MQLs, fit ≥ ${result.minFit}); nothing was written.`,
            'NoRecommendation',
            ['Review the candidate table, or allow a larger share with --max-mql-share.'],
          );
        diff = writeScoringSetting(
          join(dir, 'main', 'default', 'customMetadata', 'Scoring_Setting.Default.md-meta.xml'),
          result.recommended.thresholds,
        );
        human += '\n' + diff + '\n';
      }
      return this.finish({ result: { ...result, diff }, human });
    } finally {
      db.close();
    }
  }
}
