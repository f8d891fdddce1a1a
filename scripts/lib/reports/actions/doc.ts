// The action reports as one ReportDoc: a section per report, or the reason the snapshot cannot feed it.
import {
  judge,
  money,
  num,
  pct,
  type Block,
  type ReportDoc,
  type Section,
  type Status,
} from '../../render/doc.ts';
import { NOT_AVAILABLE, notAvailableKpi } from '../coverage.ts';
import type { ChangesReport } from './changes.ts';
import type { Maybe } from './common.ts';
import type { ForecastReport } from './forecast.ts';
import type { ActionsResult } from './index.ts';
import type { SlaReport, SlaRow } from './sla.ts';
import type { StaleReport } from './stale.ts';
import type { TermsReport } from './terms.ts';

/** Share of leads handled inside an SLA window that counts as on target (90%; 75% is a warning). */
export const SLA_TARGET = 0.9;
/** Forecast error (|forecast − actual| / actual) that counts as accurate (±10%; ±20% more is a warning). */
export const FORECAST_TOLERANCE = 0.1;

const slaStatus = (rate: number | null): Status => judge(rate, SLA_TARGET, 1, 'higher');
const RANK: Status[] = ['bad', 'warn', 'good', 'skipped', 'info'];
const worst = (a: Status, b: Status): Status => (RANK.indexOf(a) <= RANK.indexOf(b) ? a : b);
const errorText = (e: number | null): string => (e === null ? 'n/a' : `${e > 0 ? '+' : ''}${pct(e)}`);
const forecastStatus = (e: number | null): Status =>
  e === null ? 'info' : judge(Math.abs(e), 0, FORECAST_TOLERANCE, 'lower');

function section<T>(title: string, r: Maybe<T>, blocks: (r: T) => Block[]): Section {
  if (!r.available)
    return {
      title,
      blocks: [{ kind: 'kpis', items: [notAvailableKpi(title, r.reason)] }],
    };
  return { title, blocks: blocks(r as T) };
}

function slaTable(title: string, first: string, rows: SlaRow[], limit?: number): Block {
  return {
    kind: 'table',
    title,
    columns: [
      first,
      'leads',
      'contacted in time',
      'contact rate',
      'qualified in time',
      'qualify rate',
      'breaches',
      'escalations',
      'open windows',
    ],
    rows: rows.map((r) => [
      r.name,
      num(r.leads),
      num(r.contactedInTime),
      pct(r.contactRate),
      num(r.qualifiedInTime),
      pct(r.qualifyRate),
      num(r.breaches),
      r.escalations === null ? 'n/a' : num(r.escalations),
      num(r.contactPending + r.qualifyPending),
    ]),
    // the worse of the two windows
    rowStatus: rows.map((r) => worst(slaStatus(r.contactRate), slaStatus(r.qualifyRate))),
    limit,
  };
}

function slaBlocks(r: SlaReport): Block[] {
  const p = r.policy;
  const t = r.total;
  return [
    {
      kind: 'text',
      text: `SLA_Policy.${p.name}: contact within ${p.contactWithinHours} business hours and qualify (SQL or recycled) within ${p.qualifyWithinHours}, on the ${p.calendar} calendar, from the MQL date${r.since ? ` (MQLs since ${r.since.slice(0, 10)})` : ''}. Rates count windows that have closed; target ${pct(SLA_TARGET, 0)}.`,
    },
    {
      kind: 'kpis',
      items: [
        {
          label: `Contacted within ${p.contactWithinHours} business h`,
          value: pct(t.contactRate),
          benchmark: `≥ ${pct(SLA_TARGET, 0)}`,
          status: slaStatus(t.contactRate),
          note: `${num(t.contactedInTime)} of ${num(t.contactedInTime + t.contactBreached)}`,
        },
        {
          label: `Qualified within ${p.qualifyWithinHours} business h`,
          value: pct(t.qualifyRate),
          benchmark: `≥ ${pct(SLA_TARGET, 0)}`,
          status: slaStatus(t.qualifyRate),
          note: `${num(t.qualifiedInTime)} of ${num(t.qualifiedInTime + t.qualifyBreached)}`,
        },
        {
          label: 'Breaches',
          value: num(t.breaches),
          note: `${num(t.contactBreached)} contact, ${num(t.qualifyBreached)} qualify`,
        },
        t.escalations === null
          ? notAvailableKpi('Escalations', `${NOT_AVAILABLE}: no SLA_Event__c`)
          : { label: 'Escalations', value: num(t.escalations) },
      ],
    },
    slaTable('By team (the rep’s manager)', 'team', r.byTeam),
    slaTable('By rep (lowest contact rate first)', 'rep', r.byRep, 15),
  ];
}

function staleBlocks(r: StaleReport): Block[] {
  return [
    {
      kind: 'kpis',
      items: [
        {
          label: 'Stale open deals',
          value: num(r.deals.length),
          note: `of ${num(r.openDeals)} open; stale = days in stage > Stale_Multiplier__c × the stage average`,
          status: r.deals.length ? 'warn' : 'good',
        },
        { label: 'Stale pipeline', value: money(r.deals.reduce((s, d) => s + (d.amount ?? 0), 0)) },
      ],
    },
    {
      kind: 'table',
      title: 'Stage averages (finished stays in OpportunityHistory)',
      columns: ['stage', 'average days', 'multiplier (Stage_Policy)', 'stale after (days)', 'stale deals'],
      rows: r.stages.map((s) => [
        s.stage,
        s.averageDays === null ? 'n/a' : num(s.averageDays, 1),
        s.multiplier === null ? 'n/a' : `${num(s.multiplier, 1)}×`,
        s.averageDays === null || s.multiplier === null ? 'n/a' : num(s.averageDays * s.multiplier, 1),
        num(s.stale),
      ]),
    },
    {
      kind: 'table',
      title: 'Stale deals (most overdue first)',
      columns: ['deal', 'Id', 'owner', 'stage', 'amount', 'days in stage', 'stage average', 'stale after'],
      rows: r.deals.map((d) => [
        d.name,
        d.id,
        d.owner,
        d.stage,
        money(d.amount),
        num(d.daysInStage, 1),
        num(d.teamAverageDays, 1),
        num(d.thresholdDays, 1),
      ]),
      idColumns: [1],
      limit: 20,
    },
  ];
}

function changeBlocks(r: ChangesReport): Block[] {
  const pushes = r.pushReasons.reduce((s, x) => s + x.pushes, 0);
  const unexplained = r.pushReasons.find((x) => x.reason === '(no reason given)');
  return [
    {
      kind: 'kpis',
      items: [
        {
          label: 'Stage skips',
          value: num(r.skips.reduce((s, x) => s + x.deals, 0)),
          note: `in ${num(r.dealsWithHistory)} deals with history`,
        },
        {
          label: 'Close-date pushes',
          value: num(pushes),
          note: `${num(r.pushReasons.reduce((s, x) => s + x.deals, 0))} deals`,
        },
        {
          label: 'Pushes without a reason',
          value: num(unexplained?.pushes ?? 0),
          benchmark: '0',
          status: unexplained ? 'bad' : 'good',
        },
      ],
    },
    {
      kind: 'table',
      title: 'Stage skips',
      columns: ['from', 'to', 'stages skipped', 'moves'],
      rows: r.skips.map((s) => [s.from, s.to, s.skipped.join(', '), num(s.deals)]),
    },
    {
      kind: 'table',
      title: 'Close-date pushes by reason',
      columns: ['reason', 'deals', 'pushes', 'days pushed (avg per push)'],
      rows: r.pushReasons.map((p) => [
        p.reason,
        num(p.deals),
        num(p.pushes),
        num(p.daysPushed / p.pushes, 1),
      ]),
      rowStatus: r.pushReasons.map((p) => (p.reason === '(no reason given)' ? 'bad' : undefined)),
    },
    {
      kind: 'table',
      title: 'Deals with skips or pushes',
      columns: ['deal', 'Id', 'owner', 'stage', 'stages skipped', 'pushes', 'days pushed', 'push reason'],
      rows: r.deals.map((d) => [
        d.name,
        d.id,
        d.owner,
        d.stage,
        d.skipped.join(', '),
        num(d.pushes),
        num(d.daysPushed),
        d.reason ?? '',
      ]),
      idColumns: [1],
      limit: 20,
    },
  ];
}

function termBlocks(r: TermsReport): Block[] {
  return [
    {
      kind: 'text',
      text: `${num(r.dealsWithTerms)} of ${num(r.deals)} deals carry non-standard terms. A term asked for on ${pct(r.standardShare, 0)} or more of them is a candidate for the standard contract.`,
    },
    {
      kind: 'table',
      title: 'Non-standard terms by frequency',
      columns: ['term', 'deals', 'share of deals with terms', 'won', 'amount', 'suggestion'],
      rows: r.terms.map((t) => [
        t.term,
        num(t.deals),
        pct(t.share),
        num(t.won),
        money(t.amount),
        t.candidate ? 'make it standard' : '',
      ]),
    },
  ];
}

function forecastBlocks(r: ForecastReport): Block[] {
  return [
    {
      kind: 'text',
      text: `The forecast is each deal's last OpportunityHistory row before the quarter's first day (close date in the quarter, open); the actual is closed won in the quarter. Accurate within ±${pct(FORECAST_TOLERANCE, 0)}.${r.skipped.length ? ` Not enough history for ${r.skipped.map((s) => s.quarter).join(', ')}.` : ''}`,
    },
    {
      kind: 'table',
      title: 'Forecast vs actual by quarter',
      columns: [
        'quarter',
        'deals forecast',
        'commit',
        'best case',
        'pipeline',
        'weighted',
        'actual (won)',
        'commit error',
        'weighted error',
      ],
      rows: r.quarters.map((q) => [
        q.quarter,
        num(q.deals),
        money(q.commit),
        money(q.bestCase),
        money(q.pipeline),
        money(q.weighted),
        money(q.actual),
        errorText(q.commitError),
        errorText(q.weightedError),
      ]),
      rowStatus: r.quarters.map((q) => forecastStatus(q.commitError)),
    },
  ];
}

export function actionsDoc(r: ActionsResult): ReportDoc {
  return {
    title: 'Action reports',
    subtitle: `as of ${r.asOf.slice(0, 10)}`,
    sections: [
      section('SLA compliance', r.sla, slaBlocks),
      section('Stale deals', r.staleDeals, staleBlocks),
      section('Stage skips and close-date pushes', r.skipsAndPushes, changeBlocks),
      section('Non-standard terms', r.nonStandardTerms, termBlocks),
      section('Forecast accuracy', r.forecastAccuracy, forecastBlocks),
    ],
  };
}
