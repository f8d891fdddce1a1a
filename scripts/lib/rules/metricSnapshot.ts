// The metrics snapshot: the TypeScript twin of RevOpsMetricMath.cls, which RevOpsMetricSnapshotJob runs weekly to
// write RevOps_Metric_Snapshot__c rows for the dashboards. It computes the figures of `revops metrics` from records
// (leads, opportunities with their stage history, marketing spend, targets) with the same definitions as
// scripts/lib/reports/metrics.ts (DuckDB SQL over a snapshot), so the figures Salesforce reports cannot compute
// (medians, cross-object ratios, figures over OpportunityHistory) agree with the CLI. Money is in the corporate
// currency: in a multi-currency org each deal's Amount (in its CurrencyIsoCode) is divided by its currency's static
// conversion rate (CurrencyType) before any sum or average. Pure: no I/O, no clock.
import { roundHalfUp } from './types.ts';

export interface SnapshotLead {
  CreatedDate: string;
  LeadSource?: string | null;
  MQL_Date__c?: string | null;
  SQL_Date__c?: string | null;
  ConvertedOpportunityId?: string | null;
  Speed_To_Lead_Minutes__c?: number | null;
}

export interface SnapshotStageChange {
  StageName: string;
  CreatedDate: string;
}

export interface SnapshotOpportunity {
  Id: string;
  StageName?: string | null;
  Amount?: number | null;
  CloseDate?: string | null;
  CreatedDate: string;
  IsClosed: boolean;
  IsWon: boolean;
  AccountId?: string | null;
  /** the deal's currency (multi-currency orgs): Amount is in it; blank = the corporate currency */
  CurrencyIsoCode?: string | null;
  /** OpportunityHistory rows of the deal (any order) */
  history?: SnapshotStageChange[];
}

/** A currency of a multi-currency org (a CurrencyType row) and its static rate against the corporate currency. */
export interface SnapshotCurrency {
  isoCode: string;
  /** units of this currency per unit of the corporate currency (the corporate currency's is 1) */
  conversionRate: number;
  isCorporate?: boolean;
}

export interface SnapshotSpend {
  source: string;
  /** YYYY-MM */
  month: string;
  amount: number;
}

export interface SnapshotTargets {
  quarterlyQuota?: number | null;
  revenueTarget?: number | null;
  grossMargin: number;
  annualChurn: number;
}

export interface MetricSnapshotInput {
  /** the measuring instant (ISO UTC); the org job passes RevOpsClock.now() */
  asOf: string;
  leads: SnapshotLead[];
  opportunities: SnapshotOpportunity[];
  spend: SnapshotSpend[];
  targets: SnapshotTargets;
  /** calendar months in the period, the as-of month included (default 12) */
  months?: number;
  /** the org's currencies (multi-currency orgs: CurrencyType); absent in a single-currency org */
  currencies?: SnapshotCurrency[] | null;
}

export type MetricView = 'Marketing' | 'Sales' | 'Executive';
export type MetricUnit = 'count' | 'ratio' | 'money' | 'days' | 'minutes' | 'multiple' | 'money/day';

/** One RevOps_Metric_Snapshot__c row: Value__c etc. are stored with 4 decimals, so the twin rounds the same way. */
export interface MetricRow {
  view: MetricView;
  metric: string;
  label: string;
  dimension: string | null;
  unit: MetricUnit;
  value: number | null;
  benchmarkLow: number | null;
  benchmarkHigh: number | null;
}

export interface MetricSnapshot {
  asOf: string;
  /** first instant of the period (ISO UTC) */
  periodStart: string;
  rows: MetricRow[];
}

/** The playbook benchmarks (the same numbers as BENCHMARKS in scripts/lib/reports/metrics.ts; a test holds them equal). */
export const SNAPSHOT_BENCHMARKS: Record<string, [number | null, number | null]> = {
  leadToMql: [0.05, 0.15],
  mqlToSql: [0.3, 0.5],
  sqlToOpp: [0.5, 0.7],
  winRate: [0.2, 0.3],
  ltvToCac: [3, 5],
  coverage: [3, 4],
  speedToLead: [0, 5],
  mqlsContacted: [0.95, null],
  revenueVsTarget: [1, null],
};

/** The stages a deal moves through, in order (the funnel ends at Closed Won). */
export const FUNNEL_STAGES = [
  'Qualified',
  'Discovery',
  'Demo/Evaluation',
  'Proposal',
  'Negotiation',
  'Closed Won',
];

/** The label of the stage conversion rows: its denominator is the deals that have left the stage, not all that reached it. */
export const STAGE_CONVERSION_LABEL = 'Conversion to the next stage (of deals that left the stage)';

/** The speed to lead row: the median is over the contacted MQLs only (MQLs contacted, beside it, is the share). */
export const SPEED_TO_LEAD_LABEL = 'Speed to lead (median minutes, contacted MQLs)';
/** The share of the period's MQLs with a first touch (Speed_To_Lead_Minutes__c set). */
export const MQLS_CONTACTED_LABEL = 'MQLs contacted (share with a first touch)';

/**
 * The figures that add deal amounts (by metric key, as the CLI's figure keys): blank when the deals' currencies
 * cannot be added up in one (currencyProblem). Cost per MQL and CAC divide spend, not deal amounts.
 */
export const DEAL_MONEY_METRICS: readonly string[] = [
  'pipeline',
  'avgDealSize',
  'velocity',
  'coverage',
  'revenue',
  'revenueVsTarget',
  'ltv',
  'ltvToCac',
];

const DAY_MS = 86_400_000;
/** Days left in the as-of quarter under which coverage looks at the next quarter. */
export const COVERAGE_NEXT_QUARTER_DAYS = 14;
const ms = (iso: string): number =>
  Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso.replace(' ', 'T')}Z`);
/** a / b, or null when either is missing or b is 0 (a rate of nothing is not 0%): the CLI's SQL side uses it too. */
export const ratio = (a: number | null, b: number | null): number | null =>
  a === null || b === null || b === 0 ? null : a / b;
const present = (v: unknown): boolean => v !== null && v !== undefined && v !== '';

/** First instant of the UTC month `offset` months from the month of `t`. */
function monthStart(t: number, offset = 0): number {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1);
}

function quarterStart(t: number): number {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), Math.floor(d.getUTCMonth() / 3) * 3, 1);
}

/** Median with interpolation between the two middle values (DuckDB median, Apex twin). */
export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = (s.length - 1) / 2;
  return (s[Math.floor(mid)] + s[Math.ceil(mid)]) / 2;
}

const mean = (values: number[]): number | null =>
  values.length === 0 ? null : values.reduce((t, v) => t + v, 0) / values.length;

interface Period {
  start: number;
  asOf: number;
}

/** The conversion rates by ISO code (currencies with a positive rate); null without any (a single-currency org). */
export function conversionRates(
  currencies: readonly SnapshotCurrency[] | null | undefined,
): Map<string, number> | null {
  if (!currencies?.length) return null;
  const rates = new Map<string, number>();
  for (const c of currencies)
    if (present(c.isoCode) && Number.isFinite(c.conversionRate) && c.conversionRate > 0)
      rates.set(c.isoCode.trim(), c.conversionRate);
  return rates;
}

/**
 * Why the money figures cannot add the deals' amounts up in one currency, or null when they can: deals in more than
 * one currency and no conversion rates (an export without CurrencyType), or a deal currency without a rate. `codes`:
 * the currencies of the deals the money figures add (won in the period, open); a blank currency is the corporate one.
 */
export function currencyProblem(
  codes: Iterable<string>,
  rates: ReadonlyMap<string, number> | null,
): string | null {
  const distinct = [...new Set(codes)].sort();
  if (rates === null)
    return distinct.length > 1
      ? `deals in ${distinct.length} currencies: ${distinct.join(', ')}; no conversion rates`
      : null;
  const missing = distinct.filter((c) => !rates.has(c));
  return missing.length ? `no conversion rate for ${missing.join(', ')}` : null;
}

/**
 * A deal's Amount in the corporate currency: Amount / the static rate of its CurrencyIsoCode (CurrencyType; the
 * corporate currency's rate is 1). A blank currency, or no rates at all, leaves it as it is; a currency without a
 * rate gives null (currencyProblem names it).
 */
export function corporateAmount(
  amount: number | null | undefined,
  code: string | null | undefined,
  rates: ReadonlyMap<string, number> | null,
): number | null {
  if (typeof amount !== 'number') return null;
  if (rates === null || !present(code)) return amount;
  const rate = rates.get(code!.trim());
  return rate === undefined ? null : amount / rate;
}

/**
 * The lead cohort of the period. Speed to lead is the median over the MQLs that were contacted (a number in
 * Speed_To_Lead_Minutes__c); `contacted` counts them, so the share of MQLs contacted shows the MQLs the median leaves
 * out (never contacted).
 */
function marketing(leads: SnapshotLead[], p: Period) {
  const cohort = leads.filter((l) => ms(l.CreatedDate) >= p.start && ms(l.CreatedDate) <= p.asOf);
  const mqls = cohort.filter((l) => present(l.MQL_Date__c));
  const sqls = cohort.filter((l) => present(l.SQL_Date__c));
  const opps = sqls.filter((l) => present(l.ConvertedOpportunityId));
  const stl = mqls.map((l) => l.Speed_To_Lead_Minutes__c).filter((v): v is number => typeof v === 'number');
  return {
    leads: cohort.length,
    mqls: mqls.length,
    sqls: sqls.length,
    opps: opps.length,
    stl: median(stl),
    contacted: stl.length,
  };
}

/** The deal totals; amounts in the corporate currency (corporateAmount), `codes` the currencies the sums add. */
function deals(opps: SnapshotOpportunity[], p: Period, rates: ReadonlyMap<string, number> | null) {
  const amount = (o: SnapshotOpportunity): number | null =>
    corporateAmount(o.Amount, o.CurrencyIsoCode, rates);
  const closedIn = opps.filter(
    (o) => o.IsClosed && o.CloseDate && ms(o.CloseDate) >= p.start && ms(o.CloseDate) <= p.asOf,
  );
  const won = closedIn.filter((o) => o.IsWon);
  const amounts = won.map(amount).filter((a): a is number => a !== null);
  const open = opps.filter((o) => !o.IsClosed && ms(o.CreatedDate) <= p.asOf);
  const openAmounts = open.map(amount).filter((a): a is number => a !== null);
  // the deals the money figures add: won in the period, open (the quarter's sums are among them)
  const codes = [...won, ...opps.filter((o) => !o.IsClosed)]
    .filter((o) => typeof o.Amount === 'number' && present(o.CurrencyIsoCode))
    .map((o) => o.CurrencyIsoCode!.trim());
  const cycleDays = won.map(
    (o) => Math.floor(ms(o.CloseDate!) / DAY_MS) - Math.floor(ms(o.CreatedDate) / DAY_MS),
  );
  // coverage judges the as-of quarter, or the next one when fewer than 14 days of it remain (metrics.ts coverageQuarter)
  const asOfQuarterEnd = monthStart(quarterStart(p.asOf), 3);
  const daysLeft = Math.floor(asOfQuarterEnd / DAY_MS) - Math.floor(p.asOf / DAY_MS);
  const q0 = daysLeft < COVERAGE_NEXT_QUARTER_DAYS ? asOfQuarterEnd : quarterStart(p.asOf);
  const q1 = monthStart(q0, 3);
  const sum = (xs: SnapshotOpportunity[]) =>
    xs.reduce<number | null>((t, o) => {
      const a = amount(o);
      return a === null ? t : (t ?? 0) + a;
    }, null);
  const inQuarter = (o: SnapshotOpportunity) => !!o.CloseDate && ms(o.CloseDate) >= q0;
  return {
    won: won.length,
    closed: closedIn.length,
    wonAmount: amounts.length ? amounts.reduce((t, a) => t + a, 0) : null,
    avgWon: mean(amounts),
    cycle: mean(cycleDays),
    openDeals: open.length,
    pipeline: openAmounts.length ? openAmounts.reduce((t, a) => t + a, 0) : null,
    customers: newCustomers(opps, p),
    qpipe: sum(opps.filter((o) => !o.IsClosed && inQuarter(o) && ms(o.CloseDate!) < q1)),
    qwon: sum(opps.filter((o) => o.IsWon && inQuarter(o) && ms(o.CloseDate!) <= p.asOf)),
    codes,
  };
}

/**
 * New customers: accounts whose first-ever won deal closes in the period (a won deal of an account first won before
 * the period, an upsell or a renewal, is not a new customer, whatever its Opportunity.Type).
 */
function newCustomers(opps: SnapshotOpportunity[], p: Period): number {
  const firstWon = new Map<string, number>();
  for (const o of opps) {
    if (!o.IsWon || !o.CloseDate || !present(o.AccountId)) continue;
    const close = ms(o.CloseDate);
    firstWon.set(o.AccountId!, Math.min(firstWon.get(o.AccountId!) ?? Infinity, close));
  }
  return [...firstWon.values()].filter((t) => t >= p.start && t <= p.asOf).length;
}

/**
 * A deal's stage changes: its history in time order with the rows that repeat the stage before them left out (a
 * close-date or amount change writes a history row in the same stage; it neither starts nor ends a stay), as the
 * stale-deals report reads them (reports/actions/stale.ts).
 */
export function stageChanges(history: SnapshotStageChange[]): SnapshotStageChange[] {
  const h = [...history].sort((a, b) => ms(a.CreatedDate) - ms(b.CreatedDate));
  return h.filter((row, i) => i === 0 || row.StageName !== h[i - 1].StageName);
}

/**
 * Stage funnel of the deals created in the period: deals reaching each stage (their furthest stage at or past it),
 * conversion to the next stage over the deals that have left the stage (moved on or closed; a deal still open at
 * its furthest stage is undecided, not a loss), and the average finished stay in each stage (from the change into
 * it to the next change; the current stay of an open deal is not finished).
 */
export function stageFunnel(opps: SnapshotOpportunity[], p: Period) {
  const cohort = opps.filter((o) => ms(o.CreatedDate) >= p.start && ms(o.CreatedDate) <= p.asOf);
  const top: number[] = [];
  const openTop: number[] = [];
  const stay = new Map<string, { seconds: number; n: number }>();
  for (const o of cohort) {
    const h = stageChanges(o.history ?? []);
    let best = -1;
    h.forEach((row, i) => {
      best = Math.max(best, FUNNEL_STAGES.indexOf(row.StageName));
      if (i + 1 < h.length) {
        const s = stay.get(row.StageName) ?? { seconds: 0, n: 0 };
        s.seconds += Math.trunc((ms(h[i + 1].CreatedDate) - ms(row.CreatedDate)) / 1000);
        s.n += 1;
        stay.set(row.StageName, s);
      }
    });
    if (best >= 0) top.push(best);
    if (best >= 0 && !o.IsClosed) openTop.push(best);
  }
  const reached = FUNNEL_STAGES.map((_, i) => top.filter((t) => t >= i).length);
  const left = FUNNEL_STAGES.map((_, i) => reached[i] - openTop.filter((t) => t === i).length);
  return FUNNEL_STAGES.map((stage, i) => {
    const s = stay.get(stage);
    return {
      stage,
      reached: reached[i],
      left: left[i],
      conversionToNext: i + 1 < FUNNEL_STAGES.length ? ratio(reached[i + 1], left[i]) : null,
      avgDaysInStage: stage === 'Closed Won' || !s ? null : s.seconds / s.n / 86400,
    };
  });
}

function row(
  view: MetricView,
  metric: string,
  label: string,
  unit: MetricUnit,
  value: number | null,
  dimension: string | null = null,
  bench = metric,
): MetricRow {
  const [lo, hi] = SNAPSHOT_BENCHMARKS[bench] ?? [null, null];
  return {
    view,
    metric,
    label,
    dimension,
    unit,
    value: value === null ? null : roundHalfUp(value, 4),
    benchmarkLow: lo,
    benchmarkHigh: hi,
  };
}

/** Every figure of the three views for one as-of instant. */
export function metricSnapshot(input: MetricSnapshotInput): MetricSnapshot {
  const asOf = ms(input.asOf);
  if (!Number.isFinite(asOf))
    throw new Error(`metricSnapshot: asOf "${input.asOf}" is not an ISO date-time.`);
  const p: Period = { start: monthStart(asOf, -((input.months ?? 12) - 1)), asOf };
  const m = marketing(input.leads, p);
  const rates = conversionRates(input.currencies);
  const d = deals(input.opportunities, p, rates);
  const startMonth = new Date(p.start).toISOString().slice(0, 7);
  const asOfMonth = new Date(asOf).toISOString().slice(0, 7);
  const spend = input.spend.length
    ? input.spend
        .filter((s) => s.month >= startMonth && s.month <= asOfMonth)
        .reduce((t, s) => t + s.amount, 0)
    : null;
  const t = input.targets;
  const winRate = ratio(d.won, d.closed);
  const velocity =
    d.avgWon !== null && winRate !== null && d.cycle ? (d.openDeals * d.avgWon * winRate) / d.cycle : null;
  const remaining =
    typeof t.quarterlyQuota === 'number' ? Math.max(t.quarterlyQuota - (d.qwon ?? 0), 0) : null;
  const coverage = remaining === null || remaining === 0 ? null : (d.qpipe ?? 0) / remaining;
  const cac = ratio(spend, d.customers);
  const ltv = d.avgWon !== null ? (d.avgWon * t.grossMargin) / t.annualChurn : null;
  const revenue = d.wonAmount ?? 0;
  const rows: MetricRow[] = [
    row('Marketing', 'leads', 'Lead volume', 'count', m.leads),
    row('Marketing', 'mqls', 'MQLs', 'count', m.mqls),
    row('Marketing', 'leadToMql', 'Lead to MQL', 'ratio', ratio(m.mqls, m.leads)),
    row('Marketing', 'mqlToSql', 'MQL to SQL', 'ratio', ratio(m.sqls, m.mqls)),
    row('Marketing', 'sqlToOpp', 'SQL to opportunity', 'ratio', ratio(m.opps, m.sqls)),
    row('Marketing', 'speedToLead', SPEED_TO_LEAD_LABEL, 'minutes', m.stl),
    row('Marketing', 'mqlsContacted', MQLS_CONTACTED_LABEL, 'ratio', ratio(m.contacted, m.mqls)),
    row('Marketing', 'costPerMql', 'Cost per MQL', 'money', ratio(spend, m.mqls)),
    row('Sales', 'pipeline', 'Open pipeline', 'money', d.pipeline ?? 0),
    row('Sales', 'openDeals', 'Open deals', 'count', d.openDeals),
    row('Sales', 'winRate', 'Win rate', 'ratio', winRate),
    row('Sales', 'avgDealSize', 'Average deal size (won)', 'money', d.avgWon),
    row('Sales', 'salesCycle', 'Sales cycle (won, days)', 'days', d.cycle),
    row('Sales', 'velocity', 'Pipeline velocity (per day)', 'money/day', velocity),
    row('Sales', 'coverage', 'Coverage vs quota (this quarter)', 'multiple', coverage),
    row('Executive', 'revenue', 'Revenue (closed won)', 'money', revenue),
    row(
      'Executive',
      'revenueVsTarget',
      'Revenue vs target',
      'ratio',
      ratio(revenue, t.revenueTarget ?? null),
    ),
    row('Executive', 'cac', 'CAC', 'money', cac),
    row('Executive', 'ltv', 'LTV', 'money', ltv),
    row('Executive', 'ltvToCac', 'LTV : CAC', 'multiple', ratio(ltv, cac)),
    row('Executive', 'coverage', 'Pipeline coverage', 'multiple', coverage),
  ];
  // never a sum of amounts in different currencies: the figures that add deal amounts stay blank
  if (currencyProblem(d.codes, rates) !== null)
    for (const r of rows) if (DEAL_MONEY_METRICS.includes(r.metric)) r.value = null;
  for (const s of stageFunnel(input.opportunities, p)) {
    rows.push(row('Sales', 'stageReached', 'Deals reaching the stage', 'count', s.reached, s.stage));
    if (s.conversionToNext !== null || s.stage !== 'Closed Won')
      rows.push(
        row('Sales', 'stageConversion', STAGE_CONVERSION_LABEL, 'ratio', s.conversionToNext, s.stage),
      );
    if (s.stage !== 'Closed Won')
      rows.push(row('Sales', 'avgDaysInStage', 'Average days in stage', 'days', s.avgDaysInStage, s.stage));
  }
  return {
    asOf: new Date(asOf).toISOString().replace('.000Z', 'Z'),
    periodStart: new Date(p.start).toISOString().replace('.000Z', 'Z'),
    rows,
  };
}

/** A snapshot's figures by key View.metric[.dimension] (what the golden vectors compare). */
export function figureMap(snapshot: MetricSnapshot): Record<string, number | null> {
  return Object.fromEntries(
    snapshot.rows.map((r) => [
      `${r.view}.${r.metric}${r.dimension === null ? '' : `.${r.dimension}`}`,
      r.value,
    ]),
  );
}
