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

export async function computeMetrics(db: Db, opts: MetricsOptions = {}): Promise<MetricsResult> {
  await requireColumns(db, 'Lead', [
    'Id',
    'CreatedDate',
    'LeadSource',
    'MQL_Date__c',
    'SQL_Date__c',
    'ConvertedOpportunityId',
    'Speed_To_Lead_Minutes__c',
  ]);
  await requireColumns(db, 'Opportunity', [
    'Id',
    'StageName',
    'Amount',
    'CloseDate',
    'CreatedDate',
    'IsClosed',
    'IsWon',
    'LeadSource',
    'AccountId',
  ]);
  await requireColumns(db, 'OpportunityHistory', ['OpportunityId', 'StageName', 'CreatedDate']);
  const months = opts.months ?? 12;
  const targets = opts.targets ?? TargetsSchema.parse({});
  const costs = opts.costs ?? [];
  const asOf = opts.asOf ?? (await snapshotAsOf(db));
  const A = `CAST(${lit(asOf)} AS TIMESTAMP)`;
  // The period: the `months` calendar months up to and including the as-of month.
  const START = `(date_trunc('month', ${A}) - INTERVAL ${months - 1} MONTH)`;
  const [{ start }] = await db.all<{ start: string }>(`SELECT CAST(${START} AS VARCHAR) AS start`);

  // Marketing: the cohort of leads created in the period.
  const [m] = await db.all<{ leads: number; mqls: number; sqls: number; opps: number; stl: number | null }>(`
    SELECT count(*) AS leads, count("MQL_Date__c") AS mqls, count("SQL_Date__c") AS sqls,
           count(*) FILTER (WHERE "SQL_Date__c" IS NOT NULL AND "ConvertedOpportunityId" IS NOT NULL) AS opps,
           median("Speed_To_Lead_Minutes__c") FILTER (WHERE "MQL_Date__c" IS NOT NULL) AS stl
    FROM "Lead" WHERE "CreatedDate" >= ${START} AND "CreatedDate" <= ${A}`);
  const volumeByMonth = await db.all<{ month: string; leads: number; mqls: number }>(`
    SELECT strftime("CreatedDate", '%Y-%m') AS month, count(*) AS leads, count("MQL_Date__c") AS mqls
    FROM "Lead" WHERE "CreatedDate" >= ${START} AND "CreatedDate" <= ${A} GROUP BY 1 ORDER BY 1`);
  const leadSources = await db.all<{ source: string; leads: number; mqls: number }>(`
    SELECT coalesce("LeadSource", '(none)') AS source, count(*) AS leads, count("MQL_Date__c") AS mqls
    FROM "Lead" WHERE "CreatedDate" >= ${START} AND "CreatedDate" <= ${A} GROUP BY 1`);

  // Sales: closed in the period, open now.
  const closedIn = `"IsClosed" AND "CloseDate" >= ${START} AND "CloseDate" <= ${A}`;
  const [s] = await db.all<{
    won: number;
    closed: number;
    wonAmount: number | null;
    avgWon: number | null;
    cycle: number | null;
    openDeals: number;
    pipeline: number | null;
    customers: number;
  }>(`
    SELECT count(*) FILTER (WHERE ${closedIn} AND "IsWon") AS won,
           count(*) FILTER (WHERE ${closedIn}) AS closed,
           sum("Amount") FILTER (WHERE ${closedIn} AND "IsWon") AS "wonAmount",
           avg("Amount") FILTER (WHERE ${closedIn} AND "IsWon") AS "avgWon",
           avg(date_diff('day', "CreatedDate", "CloseDate")) FILTER (WHERE ${closedIn} AND "IsWon") AS cycle,
           count(*) FILTER (WHERE NOT "IsClosed" AND "CreatedDate" <= ${A}) AS "openDeals",
           sum("Amount") FILTER (WHERE NOT "IsClosed" AND "CreatedDate" <= ${A}) AS pipeline,
           count(DISTINCT "AccountId") FILTER (WHERE ${closedIn} AND "IsWon") AS customers
    FROM "Opportunity"`);
  const oppSources = await db.all<{ source: string; won: number; closed: number }>(`
    SELECT coalesce("LeadSource", '(none)') AS source, count(*) FILTER (WHERE "IsWon") AS won, count(*) AS closed
    FROM "Opportunity" WHERE ${closedIn} GROUP BY 1`);
  // Coverage: open pipeline closing in the rest of the as-of quarter vs the quota still to close.
  const [cov] = await db.all<{ qpipe: number | null; qwon: number | null }>(`
    SELECT sum("Amount") FILTER (WHERE NOT "IsClosed" AND "CloseDate" >= date_trunc('quarter', ${A}) AND "CloseDate" < date_trunc('quarter', ${A}) + INTERVAL 3 MONTH) AS qpipe,
           sum("Amount") FILTER (WHERE "IsWon" AND "CloseDate" >= date_trunc('quarter', ${A}) AND "CloseDate" <= ${A}) AS qwon
    FROM "Opportunity"`);

  // Stage funnel and time in stage from the stage history of opportunities created in the period.
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
  const stages: StageRow[] = stageRows.map((r, i) => ({
    stage: r.stage,
    reached: r.reached,
    conversionToNext: i + 1 < stageRows.length ? ratio(stageRows[i + 1].reached, r.reached) : null,
    avgDaysInStage: r.stage === 'Closed Won' ? null : r.days,
  }));

  // Costs in the period.
  const startMonth = start.slice(0, 7);
  const asOfMonth = asOf.slice(0, 7);
  const inPeriod = costs.filter((c) => c.month >= startMonth && c.month <= asOfMonth);
  const costBySource = new Map<string, number>();
  for (const c of inPeriod) costBySource.set(c.source, (costBySource.get(c.source) ?? 0) + c.amount);
  const totalCost = costs.length ? inPeriod.reduce((t, c) => t + c.amount, 0) : null;

  const sources = new Set([...leadSources.map((r) => r.source), ...oppSources.map((r) => r.source)]);
  const bySource: SourceRow[] = [...sources]
    .map((src) => {
      const l = leadSources.find((r) => r.source === src);
      const o = oppSources.find((r) => r.source === src);
      const cost = costs.length ? (costBySource.get(src) ?? 0) : null;
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

  const winRate = ratio(s.won, s.closed);
  const velocity =
    s.avgWon !== null && winRate !== null && s.cycle ? (s.openDeals * s.avgWon * winRate) / s.cycle : null;
  const remainingQuota =
    targets.quarterlyQuota !== undefined ? Math.max(targets.quarterlyQuota - (cov.qwon ?? 0), 0) : null;
  const coverage =
    remainingQuota === null ? null : remainingQuota === 0 ? null : (cov.qpipe ?? 0) / remainingQuota;
  const cac = ratio(totalCost, s.customers);
  const ltv = s.avgWon !== null ? (s.avgWon * targets.grossMargin) / targets.annualChurn : null;
  const revenue = s.wonAmount ?? 0;
  const noQuota = 'pass --targets FILE with quarterlyQuota';

  return {
    asOf,
    periodStart: start,
    months,
    marketing: {
      figures: [
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
          costs.length ? undefined : 'pass --costs FILE',
        ),
      ],
      volumeByMonth,
      bySource,
    },
    sales: {
      figures: [
        figure('pipeline', 'Open pipeline', s.pipeline ?? 0, 'money'),
        figure('openDeals', 'Open deals', s.openDeals, 'count'),
        figure('winRate', 'Win rate', winRate, 'ratio', 'winRate'),
        figure('avgDealSize', 'Average deal size (won)', s.avgWon, 'money'),
        figure('salesCycle', 'Sales cycle (won, days)', s.cycle, 'days'),
        figure(
          'velocity',
          'Pipeline velocity',
          velocity,
          'money/day',
          undefined,
          'open deals × avg size × win rate / cycle days',
        ),
        figure(
          'coverage',
          'Forecast coverage (this quarter)',
          coverage,
          'multiple',
          'coverage',
          coverage === null ? noQuota : undefined,
        ),
      ],
      stages,
    },
    executive: {
      figures: [
        figure('revenue', 'Revenue (closed won)', revenue, 'money'),
        figure(
          'revenueVsTarget',
          'Revenue vs target',
          ratio(revenue, targets.revenueTarget ?? null),
          'ratio',
          'revenueVsTarget',
          targets.revenueTarget ? undefined : 'pass --targets FILE with revenueTarget',
        ),
        figure(
          'cac',
          'CAC',
          cac,
          'money',
          undefined,
          costs.length ? `spend / ${s.customers} new customers` : 'pass --costs FILE',
        ),
        figure(
          'ltv',
          'LTV',
          ltv,
          'money',
          undefined,
          `avg deal × ${targets.grossMargin} margin / ${targets.annualChurn} churn`,
        ),
        figure('ltvToCac', 'LTV : CAC', ratio(ltv, cac), 'multiple', 'ltvToCac'),
        figure(
          'coverage',
          'Pipeline coverage',
          coverage,
          'multiple',
          'coverage',
          coverage === null ? noQuota : undefined,
        ),
      ],
    },
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
