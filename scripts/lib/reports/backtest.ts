// Scoring backtest: how well the fit/engagement scores and the MQL rule predict which leads become
// opportunities, on a time split (thresholds picked on the earlier leads, judged on the later ones).
// All aggregation runs in DuckDB SQL over the snapshot's leads.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { lit, q, ReportError, requireColumns, type Db } from './db.ts';
import { score, type EngagementEvent, type ScoringRule, type ScoringSettings } from '../rules/scoring.ts';
import type { SRecord } from '../rules/types.ts';
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
}

const STEP = 5;

/** Leads with their scores and outcome, as a SQL relation: replayed scores (bt_scores) or the stored ones. */
function leadsSql(replayed: boolean): string {
  const [fit, eng, neg] = replayed
    ? ['s.fit', 's.eng', 's.neg']
    : [
        'coalesce(l."Fit_Score__c", 0)',
        'coalesce(l."Engagement_Score__c", 0)',
        'coalesce(l."Negative_Score__c", 0)',
      ];
  return `SELECT l."CreatedDate" AS created, ${fit} AS fit, ${eng} AS eng, ${fit} + ${eng} - ${neg} AS total,
                 (l."ConvertedOpportunityId" IS NOT NULL) AS y, o."IsClosed" AS closed, o."IsWon" AS won
          FROM "Lead" l LEFT JOIN "Opportunity" o ON o."Id" = l."ConvertedOpportunityId"
          ${replayed ? 'JOIN bt_scores s ON s.id = l."Id"' : ''}`;
}

/** The scoring model to replay: the config's rules and settings, and how long after creation to score a lead. */
export interface ReplayModel {
  rules: ScoringRule[];
  settings: ScoringSettings;
  /** Each lead is scored as of CreatedDate + this many days (or just before its conversion, if earlier). */
  horizonDays: number;
}

/**
 * Replays the scoring rules (the rules' score(), the Apex twin) over every lead with its engagement events,
 * as of CreatedDate + horizon (never after conversion, so the outcome cannot leak into the score), and stores
 * the scores in the temp table bt_scores(id, fit, eng, neg).
 */
export async function replayScores(db: Db, model: ReplayModel): Promise<number> {
  const have = new Set(await db.tableColumns('Lead'));
  const fields = [...new Set(model.rules.filter((r) => !r.signal && r.field).map((r) => r.field!))].filter(
    (f) => have.has(f),
  );
  const asOf = have.has('ConvertedDate')
    ? `least(l."CreatedDate" + INTERVAL ${model.horizonDays} DAY, coalesce(l."ConvertedDate" - INTERVAL 1 SECOND, l."CreatedDate" + INTERVAL ${model.horizonDays} DAY))`
    : `l."CreatedDate" + INTERVAL ${model.horizonDays} DAY`;
  const leads = await db.columns(
    `SELECT l."Id", strftime(${asOf}, '%Y-%m-%dT%H:%M:%SZ') AS "_now"${fields.map((f) => `, l.${q(f)}`).join('')} FROM "Lead" l`,
    '"Id"',
  );
  const events = new Map<string, EngagementEvent[]>();
  if (await db.hasTable('Engagement_Event__c')) {
    const ev = await db.columns(
      `SELECT coalesce("Lead__c", "Record_Id__c") AS rid, "Signal__c" AS signal, strftime("Occurred_At__c", '%Y-%m-%dT%H:%M:%SZ') AS ts
       FROM "Engagement_Event__c" WHERE "Signal__c" IS NOT NULL AND "Occurred_At__c" IS NOT NULL`,
      'rid, ts',
    );
    for (let i = 0; i < (ev.rid ?? []).length; i++) {
      const rid = ev.rid[i];
      if (!rid) continue;
      const e = { signal: ev.signal[i]!, occurredAt: ev.ts[i]! };
      const list = events.get(rid);
      if (list) list.push(e);
      else events.set(rid, [e]);
    }
  }
  await db.conn.run(
    'CREATE OR REPLACE TEMP TABLE bt_scores (id VARCHAR, fit DOUBLE, eng DOUBLE, neg DOUBLE)',
  );
  const appender = await db.conn.createAppender('bt_scores', 'main', 'temp');
  const ids = leads.Id ?? [];
  for (let i = 0; i < ids.length; i++) {
    const record: SRecord = {};
    for (const f of fields) record[f] = leads[f][i];
    const r = score({
      object: 'Lead',
      record,
      events: events.get(ids[i]!) ?? [],
      rules: model.rules,
      settings: model.settings,
      now: leads._now[i]!,
    });
    appender.appendVarchar(ids[i]!);
    appender.appendDouble(r.fit);
    appender.appendDouble(r.engagement);
    appender.appendDouble(r.negative);
    appender.endRow();
  }
  appender.closeSync();
  return ids.length;
}

const div = (a: number, b: number): number | null => (b ? a / b : null);
const f1 = (p: number | null, r: number | null): number | null =>
  p === null || r === null || p + r === 0 ? null : (2 * p * r) / (p + r);

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
  if (opts.replay) await replayScores(db, opts.replay);
  await db.conn.run(`CREATE OR REPLACE TEMP TABLE bt AS ${leadsSql(!!opts.replay)}`);
  const share = opts.trainShare ?? 0.7;
  const [{ split }] = opts.splitAt
    ? await db.all<{ split: string }>(
        `SELECT CAST(CAST(${lit(opts.splitAt)} AS TIMESTAMP) AS VARCHAR) AS split`,
      )
    : await db.all<{ split: string | null }>(
        `SELECT CAST(quantile_disc(created, ${share}) AS VARCHAR) AS split FROM bt`,
      );
  if (!split) throw new ReportError('The snapshot has no leads to backtest.');
  const S = `CAST(${lit(split)} AS TIMESTAMP)`;
  await db.conn.run(`CREATE OR REPLACE TEMP TABLE bt_train AS SELECT * FROM bt WHERE created < ${S}`);
  await db.conn.run(`CREATE OR REPLACE TEMP TABLE bt_test AS SELECT * FROM bt WHERE created >= ${S}`);
  const [tr] = await db.all<{ n: number; p: number }>(
    `SELECT count(*) AS n, count(*) FILTER (WHERE y) AS p FROM bt_train`,
  );
  const [te] = await db.all<{ n: number; p: number }>(
    `SELECT count(*) AS n, count(*) FILTER (WHERE y) AS p FROM bt_test`,
  );
  if (!tr.n || !te.n)
    throw new ReportError(`The split at ${split} leaves no leads on one side.`, [
      'Pass --split DATE inside the range of lead CreatedDate values.',
    ]);

  // ROC-AUC (Mann-Whitney with average ranks for ties) and the ROC curve by distinct score.
  const [a] = await db.all<{ auc: number | null }>(`
    WITH r AS (SELECT y, avg(rn) OVER (PARTITION BY total) AS rk FROM (SELECT y, total, row_number() OVER (ORDER BY total) AS rn FROM bt_test))
    SELECT (sum(rk) FILTER (WHERE y) - ${te.p}::DOUBLE * (${te.p} + 1) / 2.0) / nullif(${te.p}::DOUBLE * ${te.n - te.p}, 0) AS auc FROM r`);
  const rocRows = await db.all<{ tpr: number; fpr: number }>(`
    WITH s AS (SELECT total, count(*) FILTER (WHERE y) AS p, count(*) FILTER (WHERE NOT y) AS n FROM bt_test GROUP BY total),
    c AS (SELECT total, sum(p) OVER (ORDER BY total DESC) AS cp, sum(n) OVER (ORDER BY total DESC) AS cn FROM s)
    SELECT cp / nullif(${te.p}, 0)::DOUBLE AS tpr, cn / nullif(${te.n - te.p}, 0)::DOUBLE AS fpr FROM c ORDER BY total DESC`);
  const roc: [number, number][] = [
    [0, 0],
    ...rocRows.map((r) => [r.fpr ?? 0, r.tpr ?? 0] as [number, number]),
  ];
  // Thin the curve to at most ~200 points for the chart.
  const every = Math.max(1, Math.ceil(roc.length / 200));
  const rocThin = roc.filter((_, i) => i % every === 0 || i === roc.length - 1);

  const quality = async (table: string, t: Thresholds, positives: number): Promise<RuleQuality> => {
    const [q] = await db.all<{ flagged: number; tp: number }>(
      `SELECT count(*) AS flagged, count(*) FILTER (WHERE y) AS tp FROM ${table} WHERE fit >= ${t.fit} AND eng >= ${t.engagement}`,
    );
    const precision = div(q.tp, q.flagged);
    const recall = div(q.tp, positives);
    return { thresholds: t, flagged: q.flagged, precision, recall, f1: f1(precision, recall) };
  };

  // Grid search on the training leads: thresholds in steps of 5 on a 2-D histogram of (fit, engagement).
  const grid = await db.all<{ f: number; e: number; flagged: number; tp: number }>(`
    WITH h AS (SELECT least(floor(fit / ${STEP}) * ${STEP}, 100) AS fb, least(floor(eng / ${STEP}) * ${STEP}, 100) AS eb,
                      count(*) AS n, count(*) FILTER (WHERE y) AS p FROM bt_train GROUP BY 1, 2),
         g AS (SELECT f.range AS f, e.range AS e FROM range(0, 101, ${STEP}) f, range(0, 101, ${STEP}) e)
    SELECT g.f, g.e, coalesce(sum(h.n), 0) AS flagged, coalesce(sum(h.p), 0) AS tp
    FROM g LEFT JOIN h ON h.fb >= g.f AND h.eb >= g.e GROUP BY 1, 2 ORDER BY 1, 2`);
  // Best F1, then best precision; among equals the lowest thresholds (grid order) win.
  let best: { t: Thresholds; f1: number; precision: number } | null = null;
  for (const g of grid) {
    const p = div(g.tp, g.flagged);
    const score = f1(p, div(g.tp, tr.p));
    if (score === null || p === null) continue;
    if (!best || score > best.f1 + 1e-12 || (Math.abs(score - best.f1) <= 1e-12 && p > best.precision))
      best = { t: { fit: g.f, engagement: g.e }, f1: score, precision: p };
  }
  const recT = best?.t ?? current;
  const recommended = { ...(await quality('bt_test', recT, te.p)), trainF1: best?.f1 ?? null };

  const deciles = await db.all<{ decile: number; leads: number; converted: number }>(`
    SELECT d AS decile, count(*) AS leads, count(*) FILTER (WHERE y) AS converted
    FROM (SELECT y, ntile(10) OVER (ORDER BY total DESC) AS d FROM bt_test) GROUP BY d ORDER BY d`);
  const base = div(te.p, te.n);
  let cum = 0;
  const decileRows: DecileRow[] = deciles.map((d) => {
    cum += d.converted;
    const rate = d.converted / d.leads;
    return {
      decile: d.decile,
      leads: d.leads,
      converted: d.converted,
      rate,
      lift: base ? rate / base : null,
      cumulativeCapture: div(cum, te.p),
    };
  });

  const [w] = await db.all<{ mw: number; mc: number; nw: number; nc: number }>(`
    SELECT count(*) FILTER (WHERE mql AND won) AS mw, count(*) FILTER (WHERE mql AND closed) AS mc,
           count(*) FILTER (WHERE NOT mql AND won) AS nw, count(*) FILTER (WHERE NOT mql AND closed) AS nc
    FROM (SELECT (fit >= ${current.fit} AND eng >= ${current.engagement}) AS mql, won, closed FROM bt_test WHERE y)`);

  return {
    splitAt: split,
    train: { leads: tr.n, converted: tr.p },
    test: { leads: te.n, converted: te.p, baseRate: base },
    auc: a.auc,
    roc: rocThin,
    current: await quality('bt_test', current, te.p),
    recommended,
    deciles: decileRows,
    winRate: { mql: div(w.mw, w.mc), nonMql: div(w.nw, w.nc), mqlDeals: w.mc, nonMqlDeals: w.nc },
    outcome: 'lead converted to an opportunity (ConvertedOpportunityId set)',
    scores: opts.replay
      ? `replayed with the scoring rules as of ${opts.replay.horizonDays} days after creation`
      : 'stored Fit/Engagement/Negative scores',
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
