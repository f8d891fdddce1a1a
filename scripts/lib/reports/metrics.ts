// Metrics dashboard: marketing, sales and executive views over a snapshot, every figure beside its benchmark.
// The heavy lifting is DuckDB SQL (aggregates over Lead, Opportunity and OpportunityHistory).
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { lit, ReportError, requireColumns, type Db } from './db.ts';
import { money, num, pct, rangeStatus, type Block, type ReportDoc, type Status } from '../render/doc.ts';

/** Benchmarks every figure is judged against (B2B SaaS rules of thumb). */
export const BENCHMARKS = {
  leadToMql: { lo: 0.05, hi: 0.15, text: '5-15%' },
  mqlToSql: { lo: 0.3, hi: 0.5, text: '30-50%' },
  sqlToOpp: { lo: 0.5, hi: 0.7, text: '50-70%' },
  winRate: { lo: 0.2, hi: 0.3, text: '20-30%' },
  ltvToCac: { lo: 3, hi: 5, text: '3-5' },
  coverage: { lo: 3, hi: 4, text: '3-4×' },
  speedToLead: { lo: 0, hi: 5, text: '< 5 min' },
  revenueVsTarget: { lo: 1, hi: Infinity, text: '≥ 100%' },
} as const;
export type BenchmarkKey = keyof typeof BENCHMARKS;

export const OPEN_STAGES = ['Qualified', 'Discovery', 'Demo/Evaluation', 'Proposal', 'Negotiation'];

export interface Figure {
  key: string;
  label: string;
  value: number | null;
  unit: 'count' | 'ratio' | 'money' | 'days' | 'minutes' | 'multiple' | 'money/day';
  benchmark?: string;
  status: Status;
  note?: string;
}

export const TargetsSchema = z
  .object({
    quarterlyQuota: z.number().positive().optional(),
    revenueTarget: z.number().positive().optional(),
    grossMargin: z.number().gt(0).max(1).default(0.8),
    annualChurn: z.number().gt(0).max(1).default(0.1),
  })
  .strict();
export type Targets = z.infer<typeof TargetsSchema>;

export interface CostRow {
  source: string;
  month: string; // YYYY-MM
  amount: number;
}

export interface SourceRow {
  source: string;
  leads: number;
  mqls: number;
  mqlRate: number | null;
  cost: number | null;
  costPerMql: number | null;
  closedWon: number;
  closed: number;
  winRate: number | null;
}

export interface StageRow {
  stage: string;
  reached: number;
  conversionToNext: number | null;
  avgDaysInStage: number | null;
}

export interface MetricsResult {
  asOf: string;
  periodStart: string;
  months: number;
  marketing: {
    figures: Figure[];
    volumeByMonth: { month: string; leads: number; mqls: number }[];
    bySource: SourceRow[];
  };
  sales: { figures: Figure[]; stages: StageRow[] };
  executive: { figures: Figure[] };
  assumptions: string[];
}

export function loadTargets(file: string | undefined): Targets {
  if (!file) return TargetsSchema.parse({});
  if (!existsSync(file))
    throw new ReportError(`Targets file not found: ${file}`, [
      'Pass a JSON file like {"quarterlyQuota": 1200000, "revenueTarget": 4800000}.',
    ]);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ReportError(`Targets file ${file} is not valid JSON: ${(e as Error).message}`);
  }
  const r = TargetsSchema.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new ReportError(`Targets file ${file}: ${i.path.join('.') || '(root)'}: ${i.message}`, [
      'Keys: quarterlyQuota, revenueTarget (currency), grossMargin, annualChurn (fractions 0..1).',
    ]);
  }
  return r.data;
}

/** Reads the spend CSV: header source,month,amount (month as YYYY-MM). */
export async function loadCosts(db: Db, file: string | undefined): Promise<CostRow[]> {
  if (!file) return [];
  if (!existsSync(file))
    throw new ReportError(`Costs file not found: ${file}`, [
      'Pass a CSV with the header source,month,amount (month as YYYY-MM).',
    ]);
  let rows: Record<string, string | number | boolean | null>[];
  try {
    rows = await db.all(`SELECT * FROM read_csv(${lit(file)}, header = true, all_varchar = true)`);
  } catch (e) {
    throw new ReportError(`Costs file ${file} could not be read as CSV: ${(e as Error).message}`);
  }
  return rows.map((r, i) => {
    const source = String(r.source ?? '').trim();
    const month = String(r.month ?? '').trim();
    const amount = Number(String(r.amount ?? '').replace(/[$,\s]/g, ''));
    if (!source || !/^\d{4}-\d{2}$/.test(month) || !Number.isFinite(amount)) {
      throw new ReportError(
        `Costs file ${file} row ${i + 2}: need source, month (YYYY-MM) and a numeric amount; got ${JSON.stringify(r)}.`,
        ['Header must be exactly: source,month,amount'],
      );
    }
    return { source, month, amount };
  });
}

const ratio = (a: number | null, b: number | null): number | null =>
  a === null || b === null || b === 0 ? null : a / b;

function figure(
  key: string,
  label: string,
  value: number | null,
  unit: Figure['unit'],
  bench?: BenchmarkKey,
  note?: string,
): Figure {
  const b = bench ? BENCHMARKS[bench] : undefined;
  let status: Status = 'info';
  if (b && value !== null) {
    if (bench === 'speedToLead') status = value <= b.hi ? 'good' : value <= b.hi * 2 ? 'warn' : 'bad';
    else if (bench === 'revenueVsTarget') status = value >= 1 ? 'good' : value >= 0.9 ? 'warn' : 'bad';
    else
      status = rangeStatus(value, b.lo, b.hi, {
        higherIsBetter: bench === 'ltvToCac' || bench === 'coverage',
      });
  }
  return { key, label, value, unit, benchmark: b?.text, status, note };
}

/** The snapshot's "now": the latest CreatedDate of a lead or opportunity. */
export async function snapshotAsOf(db: Db): Promise<string> {
  const r = await db.all<{ t: string | null }>(
    `SELECT CAST(greatest((SELECT max("CreatedDate") FROM "Lead"), (SELECT max("CreatedDate") FROM "Opportunity")) AS VARCHAR) AS t`,
  );
  if (!r[0].t) throw new ReportError('The snapshot has no leads or opportunities to measure.');
  return r[0].t;
}

export interface MetricsOptions {
  asOf?: string;
  months?: number;
  targets?: Targets;
  costs?: CostRow[];
}

const LEAD_COLUMNS = [
  'Id',
  'CreatedDate',
  'LeadSource',
  'MQL_Date__c',
  'SQL_Date__c',
  'ConvertedOpportunityId',
  'Speed_To_Lead_Minutes__c',
];
const OPPORTUNITY_COLUMNS = [
  'Id',
  'StageName',
  'Amount',
  'CloseDate',
  'CreatedDate',
  'IsClosed',
  'IsWon',
  'LeadSource',
  'AccountId',
];

/** The reporting period: the `months` calendar months up to and including the as-of month, as SQL and text. */
interface Period {
  asOf: string;
  months: number;
  /** First instant of the period (text, as DuckDB prints it). */
  start: string;
  /** SQL: the as-of timestamp. */
  A: string;
  /** SQL: the period's first instant. */
  START: string;
}

async function metricsPeriod(db: Db, opts: MetricsOptions): Promise<Period> {
  const months = opts.months ?? 12;
  const asOf = opts.asOf ?? (await snapshotAsOf(db));
  const A = `CAST(${lit(asOf)} AS TIMESTAMP)`;
  const START = `(date_trunc('month', ${A}) - INTERVAL ${months - 1} MONTH)`;
  const [{ start }] = await db.all<{ start: string }>(`SELECT CAST(${START} AS VARCHAR) AS start`);
  return { asOf, months, start, A, START };
}

interface LeadCohort {
  totals: { leads: number; mqls: number; sqls: number; opps: number; stl: number | null };
  volumeByMonth: { month: string; leads: number; mqls: number }[];
  bySource: { source: string; leads: number; mqls: number }[];
}

/** Marketing: the cohort of leads created in the period. */
async function leadCohort(db: Db, { A, START }: Period): Promise<LeadCohort> {
  const [totals] = await db.all<LeadCohort['totals']>(`
    SELECT count(*) AS leads, count("MQL_Date__c") AS mqls, count("SQL_Date__c") AS sqls,
           count(*) FILTER (WHERE "SQL_Date__c" IS NOT NULL AND "ConvertedOpportunityId" IS NOT NULL) AS opps,
           median("Speed_To_Lead_Minutes__c") FILTER (WHERE "MQL_Date__c" IS NOT NULL) AS stl
    FROM "Lead" WHERE "CreatedDate" >= ${START} AND "CreatedDate" <= ${A}`);
  const volumeByMonth = await db.all<LeadCohort['volumeByMonth'][number]>(`
    SELECT strftime("CreatedDate", '%Y-%m') AS month, count(*) AS leads, count("MQL_Date__c") AS mqls
    FROM "Lead" WHERE "CreatedDate" >= ${START} AND "CreatedDate" <= ${A} GROUP BY 1 ORDER BY 1`);
  const bySource = await db.all<LeadCohort['bySource'][number]>(`
    SELECT coalesce("LeadSource", '(none)') AS source, count(*) AS leads, count("MQL_Date__c") AS mqls
    FROM "Lead" WHERE "CreatedDate" >= ${START} AND "CreatedDate" <= ${A} GROUP BY 1`);
  return { totals, volumeByMonth, bySource };
}

interface Deals {
  totals: {
    won: number;
    closed: number;
    wonAmount: number | null;
    avgWon: number | null;
    cycle: number | null;
    openDeals: number;
    pipeline: number | null;
    customers: number;
  };
  bySource: { source: string; won: number; closed: number }[];
  /** This quarter: open pipeline closing in it, and won so far. */
  quarter: { qpipe: number | null; qwon: number | null };
}

/** Sales: deals closed in the period, open now, and this quarter's pipeline. */
async function deals(db: Db, { A, START }: Period): Promise<Deals> {
  const closedIn = `"IsClosed" AND "CloseDate" >= ${START} AND "CloseDate" <= ${A}`;
  const [totals] = await db.all<Deals['totals']>(`
    SELECT count(*) FILTER (WHERE ${closedIn} AND "IsWon") AS won,
           count(*) FILTER (WHERE ${closedIn}) AS closed,
           sum("Amount") FILTER (WHERE ${closedIn} AND "IsWon") AS "wonAmount",
           avg("Amount") FILTER (WHERE ${closedIn} AND "IsWon") AS "avgWon",
           avg(date_diff('day', "CreatedDate", "CloseDate")) FILTER (WHERE ${closedIn} AND "IsWon") AS cycle,
           count(*) FILTER (WHERE NOT "IsClosed" AND "CreatedDate" <= ${A}) AS "openDeals",
           sum("Amount") FILTER (WHERE NOT "IsClosed" AND "CreatedDate" <= ${A}) AS pipeline,
           count(DISTINCT "AccountId") FILTER (WHERE ${closedIn} AND "IsWon") AS customers
    FROM "Opportunity"`);
  const bySource = await db.all<Deals['bySource'][number]>(`
    SELECT coalesce("LeadSource", '(none)') AS source, count(*) FILTER (WHERE "IsWon") AS won, count(*) AS closed
    FROM "Opportunity" WHERE ${closedIn} GROUP BY 1`);
  // Coverage: open pipeline closing in the rest of the as-of quarter vs the quota still to close.
  const [quarter] = await db.all<Deals['quarter']>(`
    SELECT sum("Amount") FILTER (WHERE NOT "IsClosed" AND "CloseDate" >= date_trunc('quarter', ${A}) AND "CloseDate" < date_trunc('quarter', ${A}) + INTERVAL 3 MONTH) AS qpipe,
           sum("Amount") FILTER (WHERE "IsWon" AND "CloseDate" >= date_trunc('quarter', ${A}) AND "CloseDate" <= ${A}) AS qwon
    FROM "Opportunity"`);
  return { totals, bySource, quarter };
}

/** Stage funnel and time in stage from the stage history of opportunities created in the period. */
async function stageFunnel(db: Db, { A, START }: Period): Promise<StageRow[]> {
  const order =
    OPEN_STAGES.map((st, i) => `(${lit(st)}, ${i})`).join(', ') + `, ('Closed Won', ${OPEN_STAGES.length})`;
  const stageRows = await db.all<{ stage: string; ord: number; reached: number; days: number | null }>(`
    WITH ord(stage, ord) AS (VALUES ${order}),
    h AS (
      SELECT h."OpportunityId" AS opp, h."StageName" AS stage, h."CreatedDate" AS ts,
             lead(h."CreatedDate") OVER (PARTITION BY hash(h."OpportunityId") ORDER BY h."CreatedDate") AS next_ts
      FROM "OpportunityHistory" h JOIN "Opportunity" o ON o."Id" = h."OpportunityId"
      WHERE o."CreatedDate" >= ${START} AND o."CreatedDate" <= ${A}),
    best AS (SELECT opp, max(ord.ord) AS top FROM h JOIN ord USING (stage) GROUP BY opp),
    stay AS (SELECT stage, avg(date_diff('second', ts, next_ts)) / 86400.0 AS days FROM h WHERE next_ts IS NOT NULL GROUP BY stage)
    SELECT ord.stage, ord.ord, (SELECT count(*) FROM best WHERE best.top >= ord.ord) AS reached, stay.days
    FROM ord LEFT JOIN stay USING (stage) ORDER BY ord.ord`);
  return stageRows.map((r, i) => ({
    stage: r.stage,
    reached: r.reached,
    conversionToNext: i + 1 < stageRows.length ? ratio(stageRows[i + 1].reached, r.reached) : null,
    avgDaysInStage: r.stage === 'Closed Won' ? null : r.days,
  }));
}

/** Spend in the period: in total (null without a costs file) and per source. */
function periodCosts(
  costs: CostRow[],
  { start, asOf }: Period,
): { total: number | null; bySource: Map<string, number> } {
  const startMonth = start.slice(0, 7);
  const asOfMonth = asOf.slice(0, 7);
  const inPeriod = costs.filter((c) => c.month >= startMonth && c.month <= asOfMonth);
  const bySource = new Map<string, number>();
  for (const c of inPeriod) bySource.set(c.source, (bySource.get(c.source) ?? 0) + c.amount);
  const total = costs.length ? inPeriod.reduce((t, c) => t + c.amount, 0) : null;
  return { total, bySource };
}

/** One row per lead or deal source: volume, MQL rate, spend, cost per MQL, win rate. */
function sourceRows(
  leads: LeadCohort['bySource'],
  opps: Deals['bySource'],
  costBySource: Map<string, number> | null,
): SourceRow[] {
  const sources = new Set([...leads.map((r) => r.source), ...opps.map((r) => r.source)]);
  return [...sources]
    .map((src) => {
      const l = leads.find((r) => r.source === src);
      const o = opps.find((r) => r.source === src);
      const cost = costBySource ? (costBySource.get(src) ?? 0) : null;
      return {
        source: src,
        leads: l?.leads ?? 0,
        mqls: l?.mqls ?? 0,
        mqlRate: ratio(l?.mqls ?? 0, l?.leads ?? 0),
        cost,
        costPerMql: ratio(cost, l?.mqls ?? 0),
        closedWon: o?.won ?? 0,
        closed: o?.closed ?? 0,
        winRate: ratio(o?.won ?? 0, o?.closed ?? 0),
      };
    })
    .sort((a, b) => b.leads - a.leads || a.source.localeCompare(b.source));
}

/** The derived sales and executive figures: win rate, velocity, coverage, CAC, LTV, revenue. */
function derived(d: Deals, targets: Targets, totalCost: number | null) {
  const s = d.totals;
  const winRate = ratio(s.won, s.closed);
  const velocity =
    s.avgWon !== null && winRate !== null && s.cycle ? (s.openDeals * s.avgWon * winRate) / s.cycle : null;
  const remainingQuota =
    targets.quarterlyQuota !== undefined ? Math.max(targets.quarterlyQuota - (d.quarter.qwon ?? 0), 0) : null;
  const coverage =
    remainingQuota === null ? null : remainingQuota === 0 ? null : (d.quarter.qpipe ?? 0) / remainingQuota;
  const cac = ratio(totalCost, s.customers);
  const ltv = s.avgWon !== null ? (s.avgWon * targets.grossMargin) / targets.annualChurn : null;
  return { winRate, velocity, coverage, cac, ltv, revenue: s.wonAmount ?? 0 };
}
type Derived = ReturnType<typeof derived>;

const NO_QUOTA = 'pass --targets FILE with quarterlyQuota';

function marketingFigures(m: LeadCohort['totals'], totalCost: number | null, hasCosts: boolean): Figure[] {
  return [
    figure('leads', 'Lead volume', m.leads, 'count'),
    figure('mqls', 'MQLs', m.mqls, 'count'),
    figure('leadToMql', 'Lead → MQL', ratio(m.mqls, m.leads), 'ratio', 'leadToMql'),
    figure('mqlToSql', 'MQL → SQL', ratio(m.sqls, m.mqls), 'ratio', 'mqlToSql'),
    figure('sqlToOpp', 'SQL → opportunity', ratio(m.opps, m.sqls), 'ratio', 'sqlToOpp'),
    figure('speedToLead', 'Speed to lead (median, MQLs)', m.stl, 'minutes', 'speedToLead'),
    figure(
      'costPerMql',
      'Cost per MQL',
      ratio(totalCost, m.mqls),
      'money',
      undefined,
      hasCosts ? undefined : 'pass --costs FILE',
    ),
  ];
}

function salesFigures(s: Deals['totals'], x: Derived): Figure[] {
  return [
    figure('pipeline', 'Open pipeline', s.pipeline ?? 0, 'money'),
    figure('openDeals', 'Open deals', s.openDeals, 'count'),
    figure('winRate', 'Win rate', x.winRate, 'ratio', 'winRate'),
    figure('avgDealSize', 'Average deal size (won)', s.avgWon, 'money'),
    figure('salesCycle', 'Sales cycle (won, days)', s.cycle, 'days'),
    figure(
      'velocity',
      'Pipeline velocity',
      x.velocity,
      'money/day',
      undefined,
      'open deals × avg size × win rate / cycle days',
    ),
    figure(
      'coverage',
      'Forecast coverage (this quarter)',
      x.coverage,
      'multiple',
      'coverage',
      x.coverage === null ? NO_QUOTA : undefined,
    ),
  ];
}

function executiveFigures(s: Deals['totals'], x: Derived, targets: Targets, hasCosts: boolean): Figure[] {
  return [
    figure('revenue', 'Revenue (closed won)', x.revenue, 'money'),
    figure(
      'revenueVsTarget',
      'Revenue vs target',
      ratio(x.revenue, targets.revenueTarget ?? null),
      'ratio',
      'revenueVsTarget',
      targets.revenueTarget ? undefined : 'pass --targets FILE with revenueTarget',
    ),
    figure(
      'cac',
      'CAC',
      x.cac,
      'money',
      undefined,
      hasCosts ? `spend / ${s.customers} new customers` : 'pass --costs FILE',
    ),
    figure(
      'ltv',
      'LTV',
      x.ltv,
      'money',
      undefined,
      `avg deal × ${targets.grossMargin} margin / ${targets.annualChurn} churn`,
    ),
    figure('ltvToCac', 'LTV : CAC', ratio(x.ltv, x.cac), 'multiple', 'ltvToCac'),
    figure(
      'coverage',
      'Pipeline coverage',
      x.coverage,
      'multiple',
      'coverage',
      x.coverage === null ? NO_QUOTA : undefined,
    ),
  ];
}

/** The dashboard: check the columns, fix the period, read leads, deals and stages, then derive the figures. */
export async function computeMetrics(db: Db, opts: MetricsOptions = {}): Promise<MetricsResult> {
  await requireColumns(db, 'Lead', LEAD_COLUMNS);
  await requireColumns(db, 'Opportunity', OPPORTUNITY_COLUMNS);
  await requireColumns(db, 'OpportunityHistory', ['OpportunityId', 'StageName', 'CreatedDate']);
  const targets = opts.targets ?? TargetsSchema.parse({});
  const costs = opts.costs ?? [];
  const hasCosts = costs.length > 0;
  const period = await metricsPeriod(db, opts);
  const leads = await leadCohort(db, period);
  const sales = await deals(db, period);
  const stages = await stageFunnel(db, period);
  const spend = periodCosts(costs, period);
  const x = derived(sales, targets, spend.total);
  const { asOf, months } = period;
  return {
    asOf,
    periodStart: period.start,
    months,
    marketing: {
      figures: marketingFigures(leads.totals, spend.total, hasCosts),
      volumeByMonth: leads.volumeByMonth,
      bySource: sourceRows(leads.bySource, sales.bySource, hasCosts ? spend.bySource : null),
    },
    sales: { figures: salesFigures(sales.totals, x), stages },
    executive: { figures: executiveFigures(sales.totals, x, targets, hasCosts) },
    assumptions: [
      `Period: ${months} months to ${asOf.slice(0, 10)} (lead cohort by CreatedDate, deals by CloseDate).`,
      `LTV uses gross margin ${targets.grossMargin} and annual churn ${targets.annualChurn}${opts.targets ? '' : ' (defaults; set them in --targets)'}.`,
      'Coverage = open pipeline closing this quarter / (quarterly quota − won this quarter).',
    ],
  };
}

export function formatFigure(f: Figure): string {
  switch (f.unit) {
    case 'ratio':
      return pct(f.value);
    case 'money':
      return money(f.value);
    case 'money/day':
      return f.value === null ? 'n/a' : `${money(f.value)}/day`;
    case 'days':
      return f.value === null ? 'n/a' : `${num(f.value, 1)} d`;
    case 'minutes':
      return f.value === null ? 'n/a' : `${num(f.value, 1)} min`;
    case 'multiple':
      return f.value === null ? 'n/a' : `${num(f.value, 2)}×`;
    default:
      return num(f.value);
  }
}

const kpis = (figs: Figure[]): Block => ({
  kind: 'kpis',
  items: figs.map((f) => ({
    label: f.label,
    value: formatFigure(f),
    benchmark: f.benchmark,
    status: f.status,
    note: f.note,
  })),
});

export function metricsDoc(r: MetricsResult): ReportDoc {
  return {
    title: 'Metrics dashboard',
    subtitle: `${r.months} months to ${r.asOf.slice(0, 10)}`,
    sections: [
      {
        title: 'Marketing',
        blocks: [
          kpis(r.marketing.figures),
          {
            kind: 'bars',
            title: 'Lead volume by month',
            items: r.marketing.volumeByMonth.map((v) => ({
              label: v.month,
              value: v.leads,
              display: `${num(v.leads)} leads, ${num(v.mqls)} MQLs`,
            })),
          },
          {
            kind: 'bars',
            title: 'MQL rate by source (benchmark 5-15%)',
            items: r.marketing.bySource.map((s) => ({
              label: s.source,
              value: s.mqlRate ?? 0,
              display: pct(s.mqlRate),
              status: rangeStatus(s.mqlRate, 0.05, 0.15),
            })),
          },
          {
            kind: 'table',
            title: 'By source',
            columns: ['source', 'leads', 'MQLs', 'MQL rate', 'spend', 'cost / MQL', 'won', 'win rate'],
            rows: r.marketing.bySource.map((s) => [
              s.source,
              num(s.leads),
              num(s.mqls),
              pct(s.mqlRate),
              money(s.cost),
              money(s.costPerMql),
              num(s.closedWon),
              pct(s.winRate),
            ]),
          },
        ],
      },
      {
        title: 'Sales',
        blocks: [
          kpis(r.sales.figures),
          {
            kind: 'bars',
            title: 'Deals reaching each stage',
            items: r.sales.stages.map((s) => ({ label: s.stage, value: s.reached, display: num(s.reached) })),
          },
          {
            kind: 'table',
            title: 'Stage conversion and time in stage',
            columns: ['stage', 'deals reached', 'conversion to next', 'avg days in stage'],
            rows: r.sales.stages.map((s) => [
              s.stage,
              num(s.reached),
              pct(s.conversionToNext),
              s.avgDaysInStage === null ? 'n/a' : num(s.avgDaysInStage, 1),
            ]),
          },
          {
            kind: 'bars',
            title: 'Win rate by source (benchmark 20-30%)',
            items: r.marketing.bySource
              .filter((s) => s.closed > 0)
              .map((s) => ({
                label: s.source,
                value: s.winRate ?? 0,
                display: pct(s.winRate),
                status: rangeStatus(s.winRate, 0.2, 0.3),
              })),
          },
        ],
      },
      {
        title: 'Executive',
        blocks: [kpis(r.executive.figures), { kind: 'text', text: r.assumptions.join(' ') }],
      },
    ],
  };
}
