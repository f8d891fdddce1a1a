// Metrics dashboard: marketing, sales and executive views over a snapshot, every figure beside its benchmark.
// The heavy lifting is DuckDB SQL (aggregates over Lead, Opportunity and OpportunityHistory).
import { lit, ReportError, requireColumns, type Db } from './db.ts';
import { notAvailableSections, snapshotCoverage, withholdFigures, type NotAvailable } from './coverage.ts';
import { judge, num, type Direction, type Status } from '../render/doc.ts';
import { ratio } from '../rules/metricSnapshot.ts';
import { TargetsSchema, type CostRow, type Targets } from './metrics/inputs.ts';
import { currencyAssumption, dealCurrency, moneyIn, withholdCurrency } from './metrics/currency.ts';
import { funnelStagesUnknown, STAGE_FUNNEL_FIGURE, stageFunnel } from './metrics/stages.ts';

// The dashboard's ReportDoc (terminal, HTML, CSV) lives in metrics/doc.ts; the targets and costs files in
// metrics/inputs.ts; the currency of the money figures (deal amounts converted to the corporate currency in a
// multi-currency org) in metrics/currency.ts.
export { formatFigure, metricsDoc } from './metrics/doc.ts';
export { TargetsSchema, loadCosts, loadTargets, type CostRow, type Targets } from './metrics/inputs.ts';

/**
 * Benchmarks every figure is judged against (B2B SaaS rules of thumb), each with the direction that is better:
 * a conversion or win rate above its range is good (`higher`), speed to lead below it (`lower`), the share of MQLs
 * contacted at or above 95% (`higher`, open-ended like revenue vs target); the lead→MQL rate and LTV:CAC are
 * `range`s (too many MQLs means a loose threshold; LTV:CAC above 5 means growth is under-funded). `implausible`:
 * beyond it the figure is a data problem, not a result.
 */
export const BENCHMARKS: Record<
  string,
  { lo: number; hi: number; text: string; direction: Direction; implausible?: number }
> = {
  leadToMql: { lo: 0.05, hi: 0.15, text: '5-15%', direction: 'range' },
  mqlToSql: { lo: 0.3, hi: 0.5, text: '30-50%', direction: 'higher' },
  sqlToOpp: { lo: 0.5, hi: 0.7, text: '50-70%', direction: 'higher' },
  winRate: { lo: 0.2, hi: 0.3, text: '20-30%', direction: 'higher' },
  ltvToCac: { lo: 3, hi: 5, text: '3-5', direction: 'range', implausible: 20 },
  coverage: { lo: 3, hi: 4, text: '3-4×', direction: 'higher' },
  speedToLead: { lo: 0, hi: 5, text: '< 5 min', direction: 'lower' },
  mqlsContacted: { lo: 0.95, hi: Infinity, text: '≥ 95%', direction: 'higher' },
  revenueVsTarget: { lo: 1, hi: Infinity, text: '≥ 100%', direction: 'higher' },
};
export type BenchmarkKey =
  | 'leadToMql'
  | 'mqlToSql'
  | 'sqlToOpp'
  | 'winRate'
  | 'ltvToCac'
  | 'coverage'
  | 'speedToLead'
  | 'mqlsContacted'
  | 'revenueVsTarget';

/** How the figures most easily misread are computed: stated in the CLI's assumptions and the generated spec (docs.ts). */
export const DEFINITIONS = {
  stageConversion:
    'Deals that reached the next stage / deals that reached the stage and have left it, moved on or closed (OpportunityHistory; skipped stages count as passed; deals still open at their furthest stage are not counted yet)',
  daysInStage:
    'Mean finished stay: from the history row that moved the deal into the stage to the next one that changed its stage (rows repeating the stage, such as close-date pushes, do not split a stay; an open deal’s current stay is not counted)',
  speedToLead:
    'Median Speed_To_Lead_Minutes__c over the MQLs of the period that were contacted (an MQL never contacted has no value and shows in MQLs contacted instead); with MQLs but none contacted the median is n/a and off target',
  mqlsContacted:
    'MQLs of the period with a first touch (Speed_To_Lead_Minutes__c set, 0 included) / all MQLs of the period, the never contacted included: the share of MQLs the speed-to-lead median covers',
  cac: 'Spend of the period / new customers: accounts whose first-ever won deal closes in the period (won deals of accounts first won earlier, such as upsells and renewals, do not count)',
};

export interface Figure {
  key: string;
  label: string;
  value: number | null;
  unit: 'count' | 'ratio' | 'money' | 'days' | 'minutes' | 'multiple' | 'money/day';
  benchmark?: string;
  status: Status;
  note?: string;
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
  /** Deals of the cohort whose furthest stage is this one or a later one. */
  reached: number;
  /** Of those, the deals that have left the stage: moved on to a later stage, or closed. */
  left: number;
  /** Deals that reached the next stage / deals that left this one (an open deal still at it is undecided). */
  conversionToNext: number | null;
  avgDaysInStage: number | null;
}

export interface MetricsResult {
  asOf: string;
  periodStart: string;
  months: number;
  /** The currency code money figures are in (the corporate currency); null in a single-currency snapshot ("$"). */
  currency: string | null;
  marketing: {
    figures: Figure[];
    volumeByMonth: { month: string; leads: number; mqls: number }[];
    bySource: SourceRow[];
  };
  sales: { figures: Figure[]; stages: StageRow[] };
  executive: { figures: Figure[] };
  assumptions: string[];
  /** Figures that need fields of our package the snapshot lacks (an org before install): not computed. */
  notAvailable: NotAvailable[];
}

/** What the lead figures need beyond standard fields (an export of an org before install has none of them). */
const FIGURE_NEEDS: Record<string, string[]> = {
  mqls: ['Lead.MQL_Date__c'],
  leadToMql: ['Lead.MQL_Date__c'],
  mqlToSql: ['Lead.MQL_Date__c', 'Lead.SQL_Date__c'],
  sqlToOpp: ['Lead.SQL_Date__c'],
  speedToLead: ['Lead.Speed_To_Lead_Minutes__c', 'Lead.MQL_Date__c'],
  mqlsContacted: ['Lead.Speed_To_Lead_Minutes__c', 'Lead.MQL_Date__c'],
  costPerMql: ['Lead.MQL_Date__c'],
};

function figure(
  key: string,
  label: string,
  value: number | null,
  unit: Figure['unit'],
  bench?: BenchmarkKey,
  note?: string,
): Figure {
  const b = bench ? BENCHMARKS[bench] : undefined;
  // a benchmarked figure that could not be computed (no targets, no costs, no data) is a check that did not run
  let status: Status = b && (value === null || !Number.isFinite(value)) ? 'skipped' : 'info';
  if (b && value !== null && Number.isFinite(value)) {
    if (bench === 'speedToLead') status = value <= b.hi ? 'good' : value <= b.hi * 2 ? 'warn' : 'bad';
    else if (bench === 'revenueVsTarget') status = value >= 1 ? 'good' : value >= 0.9 ? 'warn' : 'bad';
    else status = judge(value, b.lo, b.hi, b.direction);
    if (b.implausible !== undefined && value > b.implausible) {
      status = 'bad';
      note = `implausible (above ${b.implausible}): check that the costs cover all sales and marketing spend`;
    }
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
  /** stl: median speed to lead of the contacted MQLs; contacted: MQLs with Speed_To_Lead_Minutes__c. */
  totals: { leads: number; mqls: number; sqls: number; opps: number; stl: number | null; contacted: number };
  volumeByMonth: { month: string; leads: number; mqls: number }[];
  bySource: { source: string; leads: number; mqls: number }[];
}

/** Marketing: the cohort of leads created in the period. */
async function leadCohort(db: Db, { A, START }: Period): Promise<LeadCohort> {
  const [totals] = await db.all<LeadCohort['totals']>(`
    SELECT count(*) AS leads, count("MQL_Date__c") AS mqls, count("SQL_Date__c") AS sqls,
           count(*) FILTER (WHERE "SQL_Date__c" IS NOT NULL AND "ConvertedOpportunityId" IS NOT NULL) AS opps,
           median("Speed_To_Lead_Minutes__c") FILTER (WHERE "MQL_Date__c" IS NOT NULL) AS stl,
           count("Speed_To_Lead_Minutes__c") FILTER (WHERE "MQL_Date__c" IS NOT NULL) AS contacted
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
    /** Accounts whose first-ever won deal closes in the period. */
    newCustomers: number;
  };
  bySource: { source: string; won: number; closed: number }[];
  /** The quarter coverage judges (see coverageQuarter): open pipeline closing in it, and won in it so far. */
  quarter: { label: string; next: boolean; qpipe: number | null; qwon: number | null };
}

/** The deals the money figures add: won in the period, and open (their currencies must convert). */
const moneyDeals = ({ A, START }: Period): string =>
  `("IsClosed" AND "IsWon" AND "CloseDate" >= ${START} AND "CloseDate" <= ${A}) OR NOT "IsClosed"`;

/**
 * Sales: deals closed in the period, open now, and this quarter's pipeline; amounts read from `opp` (the deals with
 * "Amount" in the corporate currency: DealCurrency.opportunities).
 */
async function deals(db: Db, { A, START }: Period, opp: string): Promise<Deals> {
  const closedIn = `"IsClosed" AND "CloseDate" >= ${START} AND "CloseDate" <= ${A}`;
  const [totals] = await db.all<Deals['totals']>(`
    SELECT count(*) FILTER (WHERE ${closedIn} AND "IsWon") AS won,
           count(*) FILTER (WHERE ${closedIn}) AS closed,
           sum("Amount") FILTER (WHERE ${closedIn} AND "IsWon") AS "wonAmount",
           avg("Amount") FILTER (WHERE ${closedIn} AND "IsWon") AS "avgWon",
           avg(date_diff('day', "CreatedDate", "CloseDate")) FILTER (WHERE ${closedIn} AND "IsWon") AS cycle,
           count(*) FILTER (WHERE NOT "IsClosed" AND "CreatedDate" <= ${A}) AS "openDeals",
           sum("Amount") FILTER (WHERE NOT "IsClosed" AND "CreatedDate" <= ${A}) AS pipeline,
           (SELECT count(*) FROM (
              SELECT min("CloseDate") AS first FROM "Opportunity"
              WHERE "IsWon" AND "AccountId" IS NOT NULL GROUP BY "AccountId")
            WHERE first >= ${START} AND first <= ${A}) AS "newCustomers"
    FROM ${opp}`);
  const bySource = await db.all<Deals['bySource'][number]>(`
    SELECT coalesce("LeadSource", '(none)') AS source, count(*) FILTER (WHERE "IsWon") AS won, count(*) AS closed
    FROM "Opportunity" WHERE ${closedIn} GROUP BY 1`);
  // Coverage: open pipeline closing in the quarter vs the quota still to close in it (coverageQuarter).
  const [{ qstart, days }] = await db.all<{ qstart: string; days: number }>(
    `SELECT strftime(date_trunc('quarter', ${A}), '%Y-%m-%d') AS qstart, date_diff('day', ${A}, date_trunc('quarter', ${A}) + INTERVAL 3 MONTH) AS days`,
  );
  const q = coverageQuarter(qstart, days);
  const Q = `CAST(${lit(q.start)} AS TIMESTAMP)`;
  const [sums] = await db.all<{ qpipe: number | null; qwon: number | null }>(`
    SELECT sum("Amount") FILTER (WHERE NOT "IsClosed" AND "CloseDate" >= ${Q} AND "CloseDate" < ${Q} + INTERVAL 3 MONTH) AS qpipe,
           sum("Amount") FILTER (WHERE "IsWon" AND "CloseDate" >= ${Q} AND "CloseDate" <= ${A}) AS qwon
    FROM ${opp}`);
  return { totals, bySource, quarter: { label: q.label, next: q.next, ...sums } };
}

/** Days left in a quarter under which coverage judges the next quarter instead (its pipeline is what's left). */
export const COVERAGE_NEXT_QUARTER_DAYS = 14;

/** The quarter coverage judges: the as-of quarter, or the next one when fewer than 14 days of it remain. */
export function coverageQuarter(
  asOfQuarterStart: string,
  daysLeft: number,
): { start: string; label: string; next: boolean } {
  let y = Number(asOfQuarterStart.slice(0, 4));
  let m = Number(asOfQuarterStart.slice(5, 7));
  const next = daysLeft < COVERAGE_NEXT_QUARTER_DAYS;
  if (next) [y, m] = m === 10 ? [y + 1, 1] : [y, m + 3];
  return { start: `${y}-${String(m).padStart(2, '0')}-01`, label: `${y}-Q${(m + 2) / 3}`, next };
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
    remainingQuota === null || remainingQuota === 0 ? null : (d.quarter.qpipe ?? 0) / remainingQuota;
  const cac = ratio(totalCost, s.newCustomers);
  const ltv = s.avgWon !== null ? (s.avgWon * targets.grossMargin) / targets.annualChurn : null;
  return { winRate, velocity, coverage, remainingQuota, cac, ltv, revenue: s.wonAmount ?? 0 };
}
type Derived = ReturnType<typeof derived>;

const NO_QUOTA = 'pass --targets FILE with quarterlyQuota';

/** Coverage of the quarter's remaining quota: a quota already met is good (nothing left to cover), not "n/a". */
function coverageFigure(
  key: string,
  label: string,
  d: Deals,
  x: Derived,
  money: (x: number | null) => string,
): Figure {
  const q = `${d.quarter.label}${d.quarter.next ? ', the next quarter: under 2 weeks of this one remain' : ''}`;
  if (x.remainingQuota === null) return figure(key, label, null, 'multiple', 'coverage', NO_QUOTA);
  if (x.remainingQuota === 0)
    return {
      ...figure(key, label, null, 'multiple', 'coverage'),
      status: 'good',
      note: `quota met: ${money(d.quarter.qwon)} won in ${q}`,
    };
  return figure(
    key,
    label,
    x.coverage,
    'multiple',
    'coverage',
    `${money(d.quarter.qpipe ?? 0)} open closing in ${q} / ${money(x.remainingQuota)} quota left`,
  );
}

/**
 * Speed to lead, the median over the contacted MQLs (saying how many), and beside it the share of the MQLs that were
 * contacted at all: an MQL never contacted has no Speed_To_Lead_Minutes__c and would otherwise vanish from the median.
 */
function speedToLeadFigures(m: LeadCohort['totals']): Figure[] {
  const stl = figure('speedToLead', 'Speed to lead (median, MQLs)', m.stl, 'minutes', 'speedToLead');
  if (m.contacted > 0)
    stl.note = `median of ${num(m.contacted)} contacted MQL${m.contacted === 1 ? '' : 's'}`;
  else if (m.mqls > 0)
    Object.assign(stl, { status: 'bad', note: `none of the ${num(m.mqls)} MQLs contacted` });
  const untouched = m.mqls - m.contacted;
  const share = figure(
    'mqlsContacted',
    'MQLs contacted',
    ratio(m.contacted, m.mqls),
    'ratio',
    'mqlsContacted',
    m.mqls > 0
      ? `${num(m.contacted)} of ${num(m.mqls)} MQLs have a first touch; ${num(untouched)} never contacted`
      : undefined,
  );
  return [stl, share];
}

function marketingFigures(m: LeadCohort['totals'], totalCost: number | null, hasCosts: boolean): Figure[] {
  return [
    figure('leads', 'Lead volume', m.leads, 'count'),
    figure('mqls', 'MQLs', m.mqls, 'count'),
    figure('leadToMql', 'Lead → MQL', ratio(m.mqls, m.leads), 'ratio', 'leadToMql'),
    figure('mqlToSql', 'MQL → SQL', ratio(m.sqls, m.mqls), 'ratio', 'mqlToSql'),
    figure('sqlToOpp', 'SQL → opportunity', ratio(m.opps, m.sqls), 'ratio', 'sqlToOpp'),
    ...speedToLeadFigures(m),
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

function salesFigures(d: Deals, x: Derived, money: (x: number | null) => string): Figure[] {
  const s = d.totals;
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
    coverageFigure('coverage', 'Forecast coverage', d, x, money),
  ];
}

function executiveFigures(
  d: Deals,
  x: Derived,
  targets: Targets,
  hasCosts: boolean,
  money: (x: number | null) => string,
): Figure[] {
  const s = d.totals;
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
      hasCosts
        ? `spend / ${s.newCustomers} new customers (accounts first won in the period)`
        : 'pass --costs FILE',
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
    coverageFigure('coverage', 'Pipeline coverage', d, x, money),
  ];
}

/** The dashboard: check the columns, fix the period, read leads, deals and stages, then derive the figures. */
export async function computeMetrics(db: Db, opts: MetricsOptions = {}): Promise<MetricsResult> {
  await requireColumns(db, 'Lead', LEAD_COLUMNS);
  await requireColumns(db, 'Opportunity', OPPORTUNITY_COLUMNS);
  await requireColumns(db, 'OpportunityHistory', ['Id', 'OpportunityId', 'StageName', 'CreatedDate']);
  const targets = opts.targets ?? TargetsSchema.parse({});
  const costs = opts.costs ?? [];
  const hasCosts = costs.length > 0;
  const period = await metricsPeriod(db, opts);
  const currency = await dealCurrency(db, moneyDeals(period));
  const leads = await leadCohort(db, period);
  const sales = await deals(db, period, currency.opportunities);
  const unknownStages = await funnelStagesUnknown(db, period);
  const stages = unknownStages ? [] : await stageFunnel(db, period);
  const spend = periodCosts(costs, period);
  const x = derived(sales, targets, spend.total);
  const { asOf, months } = period;
  const coverage = await snapshotCoverage(db);
  const marketingFigs = marketingFigures(leads.totals, spend.total, hasCosts);
  const notAvailable = withholdFigures(marketingFigs, coverage, FIGURE_NEEDS);
  const salesFigs = salesFigures(sales, x, moneyIn(currency.code));
  const executiveFigs = executiveFigures(sales, x, targets, hasCosts, moneyIn(currency.code));
  // every deal figure needs deals: an export without Opportunity.csv says so instead of $0
  const dealFigs = [...salesFigs, ...executiveFigs];
  const needDeals = Object.fromEntries(dealFigs.map((f) => [f.key, ['Opportunity']]));
  notAvailable.push(...withholdFigures(dealFigs, coverage, needDeals));
  notAvailable.push(...withholdCurrency(dealFigs, currency));
  if (unknownStages) notAvailable.push({ figure: STAGE_FUNNEL_FIGURE, reason: unknownStages });
  const mqlKnown = coverage.has('Lead', 'MQL_Date__c');
  const bySource = sourceRows(leads.bySource, sales.bySource, hasCosts ? spend.bySource : null);
  return {
    asOf,
    periodStart: period.start,
    months,
    currency: currency.code,
    marketing: {
      figures: marketingFigs,
      volumeByMonth: leads.volumeByMonth,
      bySource: mqlKnown ? bySource : bySource.map((r) => ({ ...r, mqlRate: null, costPerMql: null })),
    },
    sales: { figures: salesFigs, stages },
    executive: { figures: executiveFigs },
    assumptions: [
      `Period: ${months} months to ${asOf.slice(0, 10)} (lead cohort by CreatedDate, deals by CloseDate).`,
      `LTV uses gross margin ${targets.grossMargin} and annual churn ${targets.annualChurn}${opts.targets ? '' : ' (defaults; set them in --targets)'}.`,
      `Speed to lead: ${DEFINITIONS.speedToLead}. MQLs contacted: ${DEFINITIONS.mqlsContacted}.`,
      `Stage conversion: ${DEFINITIONS.stageConversion}.`,
      `Days in stage: ${DEFINITIONS.daysInStage}.`,
      `CAC: ${DEFINITIONS.cac}.`,
      `Coverage = open pipeline closing in the quarter / (quarterly quota − won in it); with under ${COVERAGE_NEXT_QUARTER_DAYS} days of the as-of quarter left, the next quarter is judged. LTV:CAC target 3-5; above ${BENCHMARKS.ltvToCac.implausible} it is flagged implausible.`,
      ...currencyAssumption(currency),
    ],
    notAvailable,
  };
}
