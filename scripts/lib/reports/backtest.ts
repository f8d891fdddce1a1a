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
  fitFloor,
  searchThresholds,
  decileTable,
  div,
  rankTestLeads,
  rocCurve,
  ruleQuality,
  winRates,
  type Candidate,
  type DecileRow,
  type LeadColumns,
  type RuleQuality,
  type Side,
  type Thresholds,
  type WinRates,
} from './backtest/measures.ts';

export { backtestDoc } from './backtest/doc.ts';
export { fitFloor } from './backtest/measures.ts';
export { replayScores, type LeadScores, type ReplayModel } from './backtest/replay.ts';
export type { Candidate, DecileRow, RuleQuality, Thresholds, WinRates } from './backtest/measures.ts';

/**
 * Default guard rail: never recommend thresholds that make more than this share of leads MQLs (15%, the top of the
 * lead→MQL benchmark of 5-15%); `revops backtest --max-mql-share` sets another.
 */
export const MAX_MQL_SHARE = 0.15;

/** A candidate threshold pair with the MQL volume it would produce on the test leads. */
export type CandidateRow = Candidate & { test: RuleQuality; mqlsPerMonth: number | null };

export interface BacktestResult {
  splitAt: string;
  train: { leads: number; converted: number; won: number };
  /** months: how long the test period runs (split to the newest lead), for MQLs per month. */
  test: { leads: number; converted: number; won: number; baseRate: number | null; months: number | null };
  /** ROC-AUC of the total score (fit + engagement − negative) on the test leads. */
  auc: number | null;
  roc: [number, number][];
  current: RuleQuality;
  /**
   * The best-F1 thresholds on the training leads that make at most maxMqlShare of them MQLs; `found` false: no
   * pair passes the guard rail (the figures are then the current rule's, and --write refuses).
   */
  recommended: RuleQuality & { trainF1: number | null; found: boolean };
  maxMqlShare: number;
  /** Smallest fit threshold recommended: above any single fit rule's points. */
  minFit: number;
  /** Per fit threshold, the best engagement threshold and the MQL volume it would produce. */
  candidates: CandidateRow[];
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

function splitSides({ n, part, y, won }: LeadColumns, split: string): { tr: Side; te: Side } {
  const tr = { n: 0, p: 0, w: 0 };
  const te = { n: 0, p: 0, w: 0 };
  for (let i = 0; i < n; i++) {
    const side = part[i] === 0 ? tr : part[i] === 1 ? te : null;
    if (!side) continue;
    side.n += 1;
    side.p += y[i];
    side.w += won[i] === 1 ? 1 : 0;
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
  opts: {
    splitAt?: string;
    trainShare?: number;
    replay?: ReplayModel;
    maxMqlShare?: number;
    /** Smallest fit threshold to recommend (fitFloor of the config's rules); default 0. */
    minFit?: number;
  } = {},
): Promise<BacktestResult> {
  const maxMqlShare = opts.maxMqlShare ?? MAX_MQL_SHARE;
  if (!(maxMqlShare > 0 && maxMqlShare <= 1))
    throw new ReportError(
      `The largest MQL share must be a fraction above 0 and at most 1 (got ${maxMqlShare}).`,
      ['Use e.g. --max-mql-share 0.15 (15% of leads).'],
    );
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
  const minFit = opts.minFit ?? 0;
  const { best, candidates } = searchThresholds(cols, tr, { maxShare: maxMqlShare, minFit });
  const [{ days }] = await db.all<{ days: number | null }>(
    `SELECT date_diff('second', CAST(${lit(split)} AS TIMESTAMP), max("CreatedDate")) / 86400.0 AS days FROM "Lead"`,
  );
  const months = days && days > 0 ? days / (365.25 / 12) : null;
  return {
    splitAt: split,
    train: { leads: tr.n, converted: tr.p, won: tr.w },
    test: { leads: te.n, converted: te.p, won: te.w, baseRate: div(te.p, te.n), months },
    auc,
    roc,
    current: ruleQuality(cols, 1, current, te),
    recommended: {
      ...ruleQuality(cols, 1, best?.t ?? current, te),
      trainF1: best?.f1 ?? null,
      found: best !== null,
    },
    maxMqlShare,
    minFit,
    candidates: candidates.map((c) => {
      const test = ruleQuality(cols, 1, c.thresholds, te);
      return { ...c, test, mqlsPerMonth: months ? test.flagged / months : null };
    }),
    deciles: decileTable(cols.y, cols.won, byScore, te),
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
