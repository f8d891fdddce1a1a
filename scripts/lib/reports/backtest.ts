// Scoring backtest: how well the fit/engagement scores and the MQL rule predict which leads become
// opportunities, on a time split (thresholds picked on the earlier leads, judged on the later ones).
// DuckDB selects and orders the leads and their events; the scores and figures are computed over typed arrays.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { lit, q, ReportError, requireColumns, type Db } from './db.ts';
import {
  notAvailableReason,
  notAvailableSections,
  snapshotCoverage,
  type NotAvailable,
  type SnapshotCoverage,
} from './coverage.ts';
import {
  prepareScoring,
  type EventColumns,
  type ScoringRule,
  type ScoringSettings,
} from '../rules/scoring.ts';
import type { FieldValue, SRecord } from '../rules/types.ts';
import { num, pct, type ReportDoc } from '../render/doc.ts';

export interface Thresholds {
  fit: number;
  engagement: number;
}

export interface RuleQuality {
  thresholds: Thresholds;
  flagged: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

export interface DecileRow {
  decile: number; // 1 = highest scores
  leads: number;
  converted: number;
  rate: number;
  lift: number | null;
  cumulativeCapture: number | null;
}

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
  winRate: { mql: number | null; nonMql: number | null; mqlDeals: number; nonMqlDeals: number };
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

const STEP = 5;

/** The scoring model to replay: the config's rules and settings, and how long after creation to score a lead. */
export interface ReplayModel {
  rules: ScoringRule[];
  settings: ScoringSettings;
  /** Each lead is scored as of CreatedDate + this many days (or just before its conversion, if earlier). */
  horizonDays: number;
}

/** Scores per lead, in the order of the temp table bt_lead (column i: CreatedDate, then Id). */
export interface LeadScores {
  fit: Float64Array;
  eng: Float64Array;
  neg: Float64Array;
}

/** Every column of a query (all numeric or boolean) as a Float64Array, rows in query order; NULL reads as NaN. */
async function readNumbers(db: Db, sql: string): Promise<Float64Array[]> {
  const res = await db.conn.run(sql);
  const out = Array.from({ length: res.columnCount }, () => new Float64Array(res.rowCount));
  let row = 0;
  for (let c = 0; c < res.chunkCount; c++) {
    const chunk = res.getChunk(c);
    const rows = chunk.rowCount;
    out.forEach((col, j) => {
      const v = chunk.getColumnVector(j);
      for (let r = 0; r < rows; r++) {
        const x = v.getItem(r);
        col[row + r] = x === null ? Number.NaN : Number(x);
      }
    });
    row += rows;
  }
  return out;
}

/** The first column of a query as JS values (numbers, booleans, strings), rows in query order. */
async function readValues(db: Db, sql: string): Promise<FieldValue[]> {
  const res = await db.conn.run(sql);
  const out: FieldValue[] = [];
  for (let c = 0; c < res.chunkCount; c++) {
    const chunk = res.getChunk(c);
    const v = chunk.getColumnVector(0);
    for (let r = 0, rows = chunk.rowCount; r < rows; r++) out.push(v.getItem(r) as FieldValue);
  }
  return out;
}

/** A Lead field a scoring rule reads; `dict`: read as codes into a table of its distinct values. */
interface RuleField {
  name: string;
  type: string;
  dict: boolean;
}

/**
 * Builds the temp table bt_lead: one row per lead, numbered i by CreatedDate then Id, with its side of the
 * split (part: 0 train, 1 test), outcome, stored scores and, for a replay, the scoring instant (now_ms) and
 * the rule fields as c0, c1, …: codes into the dictionary tables bt_d0, bt_d1, … (v, c) for fields with few
 * distinct values, so each value crosses into JS (and each condition runs) once, else the values themselves.
 */
async function buildLeads(
  db: Db,
  split: string | null,
  replay?: { fields: RuleField[]; horizonDays: number; hasConvertedDate: boolean },
): Promise<void> {
  const value = (f: RuleField, alias: string) =>
    f.type === 'DOUBLE' || f.type === 'BOOLEAN'
      ? `${alias}.${q(f.name)}`
      : `CAST(${alias}.${q(f.name)} AS VARCHAR)`;
  const fields = replay?.fields ?? [];
  for (const [k, f] of fields.entries()) {
    if (f.dict)
      await db.conn.run(`CREATE OR REPLACE TEMP TABLE bt_d${k} AS
      SELECT v, (row_number() OVER () - 1)::DOUBLE AS c FROM (SELECT DISTINCT ${value(f, 'l')} AS v FROM "Lead" l WHERE l.${q(f.name)} IS NOT NULL)`);
  }
  let now = 'NULL';
  if (replay) {
    const h = `l."CreatedDate" + INTERVAL ${replay.horizonDays} DAY`;
    const asOf = replay.hasConvertedDate
      ? `least(${h}, coalesce(l."ConvertedDate" - INTERVAL 1 SECOND, ${h}))`
      : h;
    now = `epoch_ms(date_trunc('second', ${asOf}))::DOUBLE`;
  }
  const part = split
    ? `CASE WHEN l."CreatedDate" IS NULL THEN NULL WHEN l."CreatedDate" < CAST(${lit(split)} AS TIMESTAMP) THEN 0 ELSE 1 END`
    : 'NULL';
  await db.conn.run(`CREATE OR REPLACE TEMP TABLE bt_lead AS
    SELECT row_number() OVER (ORDER BY l."CreatedDate", l."Id") - 1 AS i, l."Id" AS id, ${part}::DOUBLE AS part,
           (l."ConvertedOpportunityId" IS NOT NULL)::DOUBLE AS y, o."IsClosed"::DOUBLE AS closed, o."IsWon"::DOUBLE AS won,
           coalesce(l."Fit_Score__c", 0) AS sfit, coalesce(l."Engagement_Score__c", 0) AS seng,
           coalesce(l."Negative_Score__c", 0) AS sneg, ${now} AS now_ms${fields.map((f, k) => `, ${f.dict ? `d${k}.c` : value(f, 'l')} AS c${k}`).join('')}
    FROM "Lead" l LEFT JOIN "Opportunity" o ON o."Id" = l."ConvertedOpportunityId"
    ${fields.map((f, k) => (f.dict ? `LEFT JOIN bt_d${k} d${k} ON d${k}.v = ${value(f, 'l')}` : '')).join('\n    ')}`);
}

/**
 * Replays the scoring rules (scoring.ts, the Apex twin) over every lead with its engagement events, as of
 * CreatedDate + horizon (never after conversion, so the outcome cannot leak into the score). Events up to that
 * instant come from SQL already grouped by lead and in time order; the rules are prepared once and each lead
 * is scored from columns. Builds bt_lead (see buildLeads) and returns the scores in its order.
 */
export async function replayScores(
  db: Db,
  model: ReplayModel,
  split: string | null = null,
): Promise<LeadScores> {
  const types = new Map(
    (
      await db.all<{ c: string; t: string }>(
        `SELECT column_name AS c, data_type AS t FROM information_schema.columns WHERE table_name = 'Lead'`,
      )
    ).map((r) => [r.c, r.t]),
  );
  const names = [...new Set(model.rules.filter((r) => !r.signal && r.field).map((r) => r.field!))].filter(
    (f) => types.has(f),
  );
  // A field with many distinct values (e-mail) is read as is: a dictionary would not save any work.
  const [distinct] = names.length
    ? await db.all(
        `SELECT ${names.map((f, k) => `approx_count_distinct(${q(f)}) AS "${k}"`).join(', ')} FROM (SELECT * FROM "Lead" USING SAMPLE 10000 ROWS)`,
      )
    : [{}];
  const fields = names.map((name, k) => ({ name, type: types.get(name)!, dict: Number(distinct[k]) < 2000 }));
  await buildLeads(db, split, {
    fields,
    horizonDays: model.horizonDays,
    hasConvertedDate: types.has('ConvertedDate'),
  });
  const coded = fields.flatMap((f, k) => (f.dict ? [k] : []));
  const [nowMs, ...codeCols] = await readNumbers(
    db,
    `SELECT now_ms${coded.map((k) => `, c${k}`).join('')} FROM bt_lead ORDER BY i`,
  );
  const codes = fields.map((f, k) => (f.dict ? codeCols[coded.indexOf(k)] : null));
  const values: FieldValue[][] = [];
  for (const [k, f] of fields.entries()) {
    values.push(
      await readValues(
        db,
        f.dict ? `SELECT v FROM bt_d${k} ORDER BY c` : `SELECT c${k} FROM bt_lead ORDER BY i`,
      ),
    );
    if (f.dict) await db.conn.run(`DROP TABLE bt_d${k}`);
  }

  const prepared = prepareScoring(model.rules, model.settings, 'Lead');
  let lead: ArrayLike<number> = new Float64Array(0);
  let events: EventColumns = { signal: new Int32Array(0), at: new Float64Array(0) };
  if (await db.hasTable('Engagement_Event__c')) {
    const signals = (
      await db.all<{ v: string }>(
        `SELECT DISTINCT "Signal__c" AS v FROM "Engagement_Event__c" WHERE "Signal__c" IS NOT NULL ORDER BY v`,
      )
    ).map((r) => r.v);
    const [li, sig, at] = await readNumbers(
      db,
      `WITH s(v, c) AS (VALUES ${signals.map((v, c) => `(${lit(v)}, ${c})`).join(', ') || "('', 0)"})
       SELECT b.i, s.c, epoch_ms(date_trunc('second', e."Occurred_At__c"))::DOUBLE AS ts
       FROM "Engagement_Event__c" e JOIN bt_lead b ON b.id = coalesce(e."Lead__c", e."Record_Id__c")
       JOIN s ON s.v = e."Signal__c"
       WHERE date_trunc('second', e."Occurred_At__c") <= epoch_ms(CAST(b.now_ms AS BIGINT))
       ORDER BY b.i, ts`,
    );
    const code = signals.map((v) => prepared.signalCode(v));
    lead = li;
    events = { signal: Int32Array.from(sig, (c) => code[c]), at };
  }

  const n = nowMs.length;
  const out: LeadScores = { fit: new Float64Array(n), eng: new Float64Array(n), neg: new Float64Array(n) };
  const record: SRecord = {};
  let e = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < fields.length; k++) {
      const c = codes[k];
      record[fields[k].name] = c === null ? values[k][i] : Number.isNaN(c[i]) ? null : values[k][c[i]];
    }
    const from = e;
    while (e < lead.length && lead[e] === i) e++;
    if (Number.isNaN(nowMs[i])) continue; // no CreatedDate: on neither side of the split
    const r = prepared.score(record, events, from, e, nowMs[i]);
    out.fit[i] = r.fit;
    out.eng[i] = r.engagement;
    out.neg[i] = r.negative;
  }
  return out;
}

const div = (a: number, b: number): number | null => (b ? a / b : null);
const f1 = (p: number | null, r: number | null): number | null =>
  p === null || r === null || p + r === 0 ? null : (2 * p * r) / (p + r);

/** Every lead as columns in bt_lead order: its side of the split, outcome and the scores being judged. */
interface LeadColumns {
  n: number;
  /** 0 train, 1 test, NaN neither (no CreatedDate). */
  part: Float64Array;
  /** 1 when the lead converted to an opportunity. */
  y: Float64Array;
  closed: Float64Array;
  won: Float64Array;
  fit: Float64Array;
  eng: Float64Array;
  neg: Float64Array;
}

/** Leads and converted leads on one side of the split. */
interface Side {
  n: number;
  p: number;
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

/** Test leads by total score, highest first (ties in lead order): ROC, AUC and deciles all read this order. */
function rankTestLeads({ n, part, fit, eng, neg }: LeadColumns): {
  total: Float64Array;
  byScore: Int32Array;
} {
  const total = new Float64Array(n);
  const testIdx: number[] = [];
  for (let i = 0; i < n; i++) {
    total[i] = fit[i] + eng[i] - neg[i];
    if (part[i] === 1) testIdx.push(i);
  }
  return { total, byScore: Int32Array.from(testIdx).sort((a, b) => total[b] - total[a] || a - b) };
}

/** ROC curve by distinct score (thinned to ~200 points), and ROC-AUC (Mann-Whitney: a positive above a negative counts 1, a tie ½). */
function rocCurve(
  y: Float64Array,
  total: Float64Array,
  byScore: Int32Array,
  te: Side,
): { roc: [number, number][]; auc: number | null } {
  const negatives = te.n - te.p;
  const roc: [number, number][] = [[0, 0]];
  let cp = 0;
  let cn = 0;
  let wins = 0;
  for (let j = 0; j < byScore.length;) {
    const t = total[byScore[j]];
    let gp = 0;
    let gn = 0;
    for (; j < byScore.length && total[byScore[j]] === t; j++) {
      if (y[byScore[j]]) gp += 1;
      else gn += 1;
    }
    wins += gp * (negatives - cn - gn + gn / 2);
    cp += gp;
    cn += gn;
    roc.push([negatives ? cn / negatives : 0, te.p ? cp / te.p : 0]);
  }
  const auc = te.p && negatives ? wins / (te.p * negatives) : null;
  const every = Math.max(1, Math.ceil(roc.length / 200));
  return { roc: roc.filter((_, i) => i % every === 0 || i === roc.length - 1), auc };
}

/** Precision, recall and F1 of the MQL rule (fit and engagement at or above the thresholds) on one side. */
function ruleQuality(
  { n, part, y, fit, eng }: LeadColumns,
  side: 0 | 1,
  t: Thresholds,
  positives: number,
): RuleQuality {
  let flagged = 0;
  let tp = 0;
  for (let i = 0; i < n; i++) {
    if (part[i] !== side || !(fit[i] >= t.fit && eng[i] >= t.engagement)) continue;
    flagged += 1;
    tp += y[i];
  }
  const precision = div(tp, flagged);
  const recall = div(tp, positives);
  return { thresholds: t, flagged, precision, recall, f1: f1(precision, recall) };
}

/** Grid search on the training leads: thresholds in steps of 5 on a 2-D histogram of (fit, engagement). */
function bestThresholds(
  { n, part, y, fit, eng }: LeadColumns,
  trainPositives: number,
): { t: Thresholds; f1: number; precision: number } | null {
  const B = 100 / STEP + 1;
  const cells = new Float64Array(B * B * 2);
  for (let i = 0; i < n; i++) {
    if (part[i] !== 0) continue;
    const fb = Math.min(Math.floor(fit[i] / STEP), B - 1);
    const eb = Math.min(Math.floor(eng[i] / STEP), B - 1);
    if (!(fb >= 0 && eb >= 0)) continue; // below every threshold
    cells[(fb * B + eb) * 2] += 1;
    cells[(fb * B + eb) * 2 + 1] += y[i];
  }
  // Suffix sums: cell (f, e) counts the leads with fit bucket ≥ f and engagement bucket ≥ e.
  for (let f = B - 1; f >= 0; f--)
    for (let e = B - 1; e >= 0; e--)
      for (let k = 0; k < 2; k++) {
        const at = (ff: number, ee: number) => (ff < B && ee < B ? cells[(ff * B + ee) * 2 + k] : 0);
        cells[(f * B + e) * 2 + k] += at(f + 1, e) + at(f, e + 1) - at(f + 1, e + 1);
      }
  // Best F1, then best precision; among equals the lowest thresholds (grid order) win.
  let best: { t: Thresholds; f1: number; precision: number } | null = null;
  for (let f = 0; f < B; f++)
    for (let e = 0; e < B; e++) {
      const flagged = cells[(f * B + e) * 2];
      const tp = cells[(f * B + e) * 2 + 1];
      const p = div(tp, flagged);
      const score = f1(p, div(tp, trainPositives));
      if (score === null || p === null) continue;
      if (!best || score > best.f1 + 1e-12 || (Math.abs(score - best.f1) <= 1e-12 && p > best.precision))
        best = { t: { fit: f * STEP, engagement: e * STEP }, f1: score, precision: p };
    }
  return best;
}

/** Deciles as SQL's ntile(10): the first (leads mod 10) deciles hold one lead more. */
function decileTable(y: Float64Array, byScore: Int32Array, te: Side): DecileRow[] {
  const base = div(te.p, te.n);
  const rows: DecileRow[] = [];
  let cum = 0;
  for (let d = 0, j = 0; d < 10; d++) {
    const size = Math.floor(te.n / 10) + (d < te.n % 10 ? 1 : 0);
    if (!size) break;
    let converted = 0;
    for (const end = j + size; j < end; j++) converted += y[byScore[j]];
    cum += converted;
    const rate = converted / size;
    rows.push({
      decile: d + 1,
      leads: size,
      converted,
      rate,
      lift: base ? rate / base : null,
      cumulativeCapture: div(cum, te.p),
    });
  }
  return rows;
}

/** Win rate of the converted test leads' deals, MQL (by the current thresholds) against non-MQL. */
function winRates(
  { n, part, y, won, closed, fit, eng }: LeadColumns,
  current: Thresholds,
): BacktestResult['winRate'] {
  const w = { mw: 0, mc: 0, nw: 0, nc: 0 };
  for (let i = 0; i < n; i++) {
    if (part[i] !== 1 || !y[i]) continue;
    const mql = fit[i] >= current.fit && eng[i] >= current.engagement;
    if (mql) {
      w.mw += won[i] === 1 ? 1 : 0;
      w.mc += closed[i] === 1 ? 1 : 0;
    } else {
      w.nw += won[i] === 1 ? 1 : 0;
      w.nc += closed[i] === 1 ? 1 : 0;
    }
  }
  return { mql: div(w.mw, w.mc), nonMql: div(w.nw, w.nc), mqlDeals: w.mc, nonMqlDeals: w.nc };
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

const t = (x: Thresholds): string => `fit ≥ ${x.fit}, engagement ≥ ${x.engagement}`;

export function backtestDoc(r: BacktestResult): ReportDoc {
  const rule = (q: RuleQuality): (string | number)[] => [
    t(q.thresholds),
    num(q.flagged),
    pct(q.precision),
    pct(q.recall),
    q.f1 === null ? 'n/a' : q.f1.toFixed(3),
  ];
  return {
    title: 'Scoring backtest',
    subtitle: `Trained on ${num(r.train.leads)} leads before ${r.splitAt.slice(0, 10)}, tested on ${num(r.test.leads)} after; outcome: ${r.outcome}; scores: ${r.scores}`,
    sections: [
      {
        title: 'How well the score ranks leads',
        blocks: [
          {
            kind: 'kpis',
            items: [
              {
                label: 'ROC-AUC (total score)',
                value: r.auc === null ? 'n/a' : r.auc.toFixed(3),
                benchmark: '≥ 0.70',
                status: r.auc === null ? 'info' : r.auc >= 0.7 ? 'good' : r.auc >= 0.6 ? 'warn' : 'bad',
              },
              { label: 'Test conversion rate', value: pct(r.test.baseRate) },
              {
                label: 'Win rate, MQL deals',
                value: pct(r.winRate.mql),
                note: `${num(r.winRate.mqlDeals)} closed deals`,
              },
              {
                label: 'Win rate, non-MQL deals',
                value: pct(r.winRate.nonMql),
                note: `${num(r.winRate.nonMqlDeals)} closed deals`,
              },
            ],
          },
          {
            kind: 'line',
            title: 'ROC curve (test leads)',
            xLabel: 'false positive rate',
            yLabel: 'true positive rate',
            xMax: 1,
            yMax: 1,
            series: [
              { name: 'total score', points: r.roc },
              {
                name: 'random',
                points: [
                  [0, 0],
                  [1, 1],
                ],
              },
            ],
          },
          {
            kind: 'bars',
            title: 'Lift by score decile (1 = top 10%)',
            items: r.deciles.map((d) => ({
              label: `decile ${d.decile}`,
              value: d.lift ?? 0,
              display: `${(d.lift ?? 0).toFixed(2)}× (${pct(d.rate)})`,
            })),
          },
          {
            kind: 'table',
            title: 'Lift and capture by decile',
            columns: ['decile', 'leads', 'converted', 'rate', 'lift', 'cumulative capture'],
            rows: r.deciles.map((d) => [
              d.decile,
              num(d.leads),
              num(d.converted),
              pct(d.rate),
              d.lift === null ? 'n/a' : `${d.lift.toFixed(2)}×`,
              pct(d.cumulativeCapture),
            ]),
          },
        ],
      },
      {
        title: 'The MQL rule',
        blocks: [
          {
            kind: 'table',
            columns: ['rule (test leads)', 'flagged', 'precision', 'recall', 'F1'],
            rows: [
              ['current: ' + rule(r.current)[0], ...rule(r.current).slice(1)],
              ['recommended: ' + rule(r.recommended)[0], ...rule(r.recommended).slice(1)],
            ],
          },
          {
            kind: 'text',
            text: `Recommended thresholds maximise F1 on the training leads (steps of ${STEP}); revops backtest --write puts them into Scoring_Setting.Default.`,
          },
        ],
      },
      ...notAvailableSections(r.notAvailable),
    ],
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
