// Scoring backtest: how well the fit/engagement scores and the MQL rule predict which leads become
// opportunities, on a time split (thresholds picked on the earlier leads, judged on the later ones).
// DuckDB selects and orders the leads and their events; the scores and figures are computed over typed arrays.
// The steps live in backtest/: replay.ts (scores), measures.ts (ROC, rule quality, threshold grid), doc.ts (report).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { lit, ReportError, requireColumns, type Db } from './db.ts';
import {
  notAvailableReason,
  snapshotCoverage,
  type NotAvailable,
  type SnapshotCoverage,
} from './coverage.ts';
import { buildLeads, readNumbers, replayScores, type ReplayModel } from './backtest/replay.ts';
import {
  bestThresholds,
  decileTable,
  div,
  rankTestLeads,
  rocCurve,
  ruleQuality,
  winRates,
  type DecileRow,
  type LeadColumns,
  type RuleQuality,
  type Side,
  type Thresholds,
  type WinRates,
} from './backtest/measures.ts';

export { backtestDoc } from './backtest/doc.ts';
export { replayScores, type LeadScores, type ReplayModel } from './backtest/replay.ts';
export type { DecileRow, RuleQuality, Thresholds, WinRates } from './backtest/measures.ts';

export interface BacktestResult {
  splitAt: string;
  train: { leads: number; converted: number };
  test: { leads: number; converted: number; baseRate: number | null };
  /** ROC-AUC of the total score (fit + engagement − negative) on the test leads. */
  auc: number | null;
  roc: [number, number][];
  current: RuleQuality;
  recommended: RuleQuality & { trainF1: number | null };
  deciles: DecileRow[];
  winRate: WinRates;
  outcome: string;
  /** Where the scores come from: replayed with the config's rules, or the stored fields. */
  scores: string;
  /** What needs our package's objects the snapshot lacks (an org before install): not judged. */
  notAvailable: NotAvailable[];
}

/**
 * What the backtest cannot judge on a snapshot of an org without our package: stored scores are refused (the rules
 * can be replayed instead); a replay without Engagement_Event__c scores the field rules only.
 */
function backtestCoverage(coverage: SnapshotCoverage, replay: boolean): NotAvailable[] {
  if (!replay) {
    const stored = coverage.lacking([
      'Lead.Fit_Score__c',
      'Lead.Engagement_Score__c',
      'Lead.Negative_Score__c',
    ]);
    if (stored.length)
      throw new ReportError(`The snapshot has no stored scores: ${notAvailableReason(stored)}.`, [
        'Drop --stored-scores: the backtest then replays the scoring rules over the leads, as the engine would have scored them.',
      ]);
    return [];
  }
  const events = coverage.check('Engagement score (signal rules)', ['Engagement_Event__c']);
  return events
    ? [
        {
          ...events,
          reason: `${events.reason}; the replay scores the field rules only (engagement 0 for every lead)`,
        },
      ]
    : [];
}

/** The split instant: --split, else the trainShare quantile of lead CreatedDate. */
async function splitPoint(db: Db, splitAt: string | undefined, share: number): Promise<string> {
  const [{ split }] = splitAt
    ? await db.all<{ split: string }>(`SELECT CAST(CAST(${lit(splitAt)} AS TIMESTAMP) AS VARCHAR) AS split`)
    : await db.all<{ split: string | null }>(
        `SELECT CAST(quantile_disc("CreatedDate", ${share}) AS VARCHAR) AS split FROM "Lead"`,
      );
  if (!split) throw new ReportError('The snapshot has no leads to backtest.');
  return split;
}

/** Builds bt_lead and reads it as columns; the scores are replayed when a model is given, else the stored ones. */
async function leadColumns(db: Db, split: string, replay: ReplayModel | undefined): Promise<LeadColumns> {
  const replayed = replay ? await replayScores(db, replay, split) : null;
  if (!replayed) await buildLeads(db, split);
  const [part, y, closed, won, sfit, seng, sneg] = await readNumbers(
    db,
    'SELECT part, y, closed, won, sfit, seng, sneg FROM bt_lead ORDER BY i',
  );
  return {
    n: part.length,
    part,
    y,
    closed,
    won,
    fit: replayed?.fit ?? sfit,
    eng: replayed?.eng ?? seng,
    neg: replayed?.neg ?? sneg,
  };
}

function splitSides({ n, part, y }: LeadColumns, split: string): { tr: Side; te: Side } {
  const tr = { n: 0, p: 0 };
  const te = { n: 0, p: 0 };
  for (let i = 0; i < n; i++) {
    const side = part[i] === 0 ? tr : part[i] === 1 ? te : null;
    if (!side) continue;
    side.n += 1;
    side.p += y[i];
  }
  if (!tr.n || !te.n)
    throw new ReportError(`The split at ${split} leaves no leads on one side.`, [
      'Pass --split DATE inside the range of lead CreatedDate values.',
    ]);
  return { tr, te };
}

/** The backtest: split the leads in time, read (or replay) their scores, then judge the score and the MQL rule. */
export async function runBacktest(
  db: Db,
  current: Thresholds,
  opts: { splitAt?: string; trainShare?: number; replay?: ReplayModel } = {},
): Promise<BacktestResult> {
  await requireColumns(db, 'Lead', [
    'Id',
    'CreatedDate',
    'Fit_Score__c',
    'Engagement_Score__c',
    'Negative_Score__c',
    'ConvertedOpportunityId',
  ]);
  const notAvailable = backtestCoverage(await snapshotCoverage(db), opts.replay !== undefined);
  const split = await splitPoint(db, opts.splitAt, opts.trainShare ?? 0.7);
  const cols = await leadColumns(db, split, opts.replay);
  const { tr, te } = splitSides(cols, split);
  const { total, byScore } = rankTestLeads(cols);
  const { roc, auc } = rocCurve(cols.y, total, byScore, te);
  const best = bestThresholds(cols, tr.p);
  return {
    splitAt: split,
    train: { leads: tr.n, converted: tr.p },
    test: { leads: te.n, converted: te.p, baseRate: div(te.p, te.n) },
    auc,
    roc,
    current: ruleQuality(cols, 1, current, te.p),
    recommended: { ...ruleQuality(cols, 1, best?.t ?? current, te.p), trainF1: best?.f1 ?? null },
    deciles: decileTable(cols.y, byScore, te),
    winRate: winRates(cols, current),
    outcome: 'lead converted to an opportunity (ConvertedOpportunityId set)',
    scores: opts.replay
      ? `replayed with the scoring rules as of ${opts.replay.horizonDays} days after creation`
      : 'stored Fit/Engagement/Negative scores',
    notAvailable,
  };
}

/** Rewrites MQL thresholds in a Scoring_Setting custom metadata record file; returns the line diff. */
export function writeScoringSetting(file: string, t: Thresholds): string {
  if (!existsSync(file))
    throw new ReportError(`Scoring setting record not found: ${file}`, [
      'Pass --config DIR holding customMetadata/Scoring_Setting.Default.md-meta.xml.',
    ]);
  const before = readFileSync(file, 'utf8');
  let after = before;
  for (const [field, value] of [
    ['MQL_Fit_Threshold__c', t.fit],
    ['MQL_Engagement_Threshold__c', t.engagement],
  ] as const) {
    const re = new RegExp(`(<field>${field}</field>\\s*<value[^>]*>)([^<]*)(</value>)`);
    if (!re.test(after)) throw new ReportError(`${file} has no ${field} value to update.`);
    after = after.replace(re, `$1${value.toFixed(1)}$3`);
  }
  const a = before.split('\n');
  const b = after.split('\n');
  const diff = [`--- ${file}`, `+++ ${file} (recommended)`];
  a.forEach((line, i) => {
    if (line !== b[i]) diff.push(`-${line}`, `+${b[i]}`);
  });
  if (after !== before) writeFileSync(file, after);
  return diff.length > 2 ? diff.join('\n') : `${file}: thresholds already at the recommended values.`;
}
