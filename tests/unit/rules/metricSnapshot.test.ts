// The metrics snapshot twin on a hand-computed case: the same records and the same expected figures as
// RevOpsMetricMath_Tests.computesEveryFigureOfTheHandComputedCase (Apex), so both sides are held to one
// table. The agreement with `revops metrics` on the demo snapshot is tests/unit/reports/dashboards.test.ts.
import { describe, expect, it } from 'vitest';
import {
  median,
  metricSnapshot,
  type MetricSnapshotInput,
  type SnapshotOpportunity,
} from '../../../scripts/lib/rules/metricSnapshot.ts';

const lead = (created: string, mql: boolean, sql: boolean, opp: boolean, speed: number | null) => ({
  CreatedDate: created,
  MQL_Date__c: mql ? created : null,
  SQL_Date__c: sql ? created : null,
  ConvertedOpportunityId: opp ? '006X' : null,
  Speed_To_Lead_Minutes__c: speed,
});

const deal = (
  Id: string,
  Amount: number | null,
  CreatedDate: string,
  CloseDate: string,
  IsClosed: boolean,
  IsWon: boolean,
  AccountId: string | null,
  stages: [string, string][],
): SnapshotOpportunity => ({
  Id,
  Amount,
  CreatedDate,
  CloseDate,
  IsClosed,
  IsWon,
  AccountId,
  history: stages.map(([StageName, at]) => ({ StageName, CreatedDate: at })),
});

const CASE: MetricSnapshotInput = {
  asOf: '2026-09-30T21:00:00Z',
  leads: [
    lead('2026-02-01T00:00:00Z', true, true, true, 3),
    lead('2026-02-01T00:00:00Z', true, false, false, 7),
    lead('2026-02-01T00:00:00Z', true, true, false, 4),
    ...Array.from({ length: 7 }, () => lead('2026-03-01T00:00:00Z', false, false, false, null)),
    lead('2024-01-01T00:00:00Z', true, true, true, 1), // before the period
  ],
  opportunities: [
    deal('O1', 1000, '2026-01-01T00:00:00Z', '2026-01-31', true, true, 'A1', [
      ['Qualified', '2026-01-01T00:00:00Z'],
      ['Discovery', '2026-01-11T00:00:00Z'],
      ['Closed Won', '2026-01-31T00:00:00Z'],
    ]),
    deal('O2', 3000, '2026-03-01T00:00:00Z', '2026-03-21', true, true, 'A1', [
      ['Closed Won', '2026-03-21T00:00:00Z'],
      ['Qualified', '2026-03-01T00:00:00Z'], // any order: the twin sorts by time
    ]),
    deal('O3', 500, '2026-02-01T00:00:00Z', '2026-02-15', true, false, null, [
      ['Qualified', '2026-02-01T00:00:00Z'],
      ['Discovery', '2026-02-06T00:00:00Z'],
      ['Closed Lost', '2026-02-15T00:00:00Z'],
    ]),
    // one day of Q3 left at the as-of instant: coverage looks at Q4, where this deal closes
    deal('O4', 2000, '2026-09-01T00:00:00Z', '2026-10-20', false, false, null, [
      ['Qualified', '2026-09-01T00:00:00Z'],
    ]),
    deal('O5', null, '2025-05-01T00:00:00Z', '2026-12-31', false, false, null, []),
  ],
  spend: [
    { source: 'Web', month: '2026-03', amount: 600 },
    { source: 'Web', month: '2025-09', amount: 999 }, // before the period
  ],
  targets: { quarterlyQuota: 1000, revenueTarget: 8000, grossMargin: 0.8, annualChurn: 0.1 },
};

describe('metrics snapshot twin (RevOpsMetricMath)', () => {
  const snap = metricSnapshot(CASE);
  const at = (view: string, metric: string, dimension: string | null = null) =>
    snap.rows.find((r) => r.view === view && r.metric === metric && r.dimension === dimension)?.value;

  it('computes every figure of the hand-computed case (4 decimals, as stored)', () => {
    const expected: [string, string, string | null, number][] = [
      ['Marketing', 'leads', null, 10],
      ['Marketing', 'mqls', null, 3],
      ['Marketing', 'leadToMql', null, 0.3],
      ['Marketing', 'mqlToSql', null, 0.6667],
      ['Marketing', 'sqlToOpp', null, 0.5],
      ['Marketing', 'speedToLead', null, 4],
      ['Marketing', 'mqlsContacted', null, 1],
      ['Marketing', 'costPerMql', null, 200],
      ['Sales', 'pipeline', null, 2000],
      ['Sales', 'openDeals', null, 2],
      ['Sales', 'winRate', null, 0.6667],
      ['Sales', 'avgDealSize', null, 2000],
      ['Sales', 'salesCycle', null, 25],
      ['Sales', 'velocity', null, 106.6667],
      ['Sales', 'coverage', null, 2],
      ['Executive', 'revenue', null, 4000],
      ['Executive', 'revenueVsTarget', null, 0.5],
      ['Executive', 'cac', null, 600],
      ['Executive', 'ltv', null, 16000],
      ['Executive', 'ltvToCac', null, 26.6667],
      ['Sales', 'stageReached', 'Qualified', 4],
      ['Sales', 'stageReached', 'Discovery', 3],
      ['Sales', 'stageReached', 'Closed Won', 2],
      // O4 is still open in Qualified: undecided, so of the 3 deals that left Qualified all 3 went on
      ['Sales', 'stageConversion', 'Qualified', 1],
      ['Sales', 'stageConversion', 'Discovery', 0.6667],
      ['Sales', 'stageConversion', 'Negotiation', 1],
      ['Sales', 'avgDaysInStage', 'Qualified', 11.6667],
      ['Sales', 'avgDaysInStage', 'Discovery', 14.5],
    ];
    for (const [view, metric, dim, value] of expected)
      expect(at(view, metric, dim), `${view} ${metric} ${dim ?? ''}`).toBe(value);
    expect(at('Sales', 'avgDaysInStage', 'Proposal')).toBeNull();
    expect(at('Sales', 'stageConversion', 'Closed Won')).toBeUndefined();
    expect(snap.periodStart).toBe('2025-10-01T00:00:00Z');
  });

  it('leaves the figures without their inputs blank (no quota, no spend, no deals)', () => {
    const empty = metricSnapshot({
      ...CASE,
      opportunities: [],
      spend: [],
      targets: { grossMargin: 0.8, annualChurn: 0.1 },
    });
    const v = (m: string) => empty.rows.find((r) => r.metric === m && r.dimension === null)?.value;
    for (const m of ['coverage', 'cac', 'costPerMql', 'winRate', 'velocity', 'revenueVsTarget'])
      expect(v(m), m).toBeNull();
    expect(v('revenue')).toBe(0);
  });

  it('interpolates the median between the two middle values', () => {
    expect(median([])).toBeNull();
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5, 1, 3])).toBe(3);
  });

  it('refuses an as-of that is not a date-time, naming it', () => {
    expect(() => metricSnapshot({ ...CASE, asOf: 'yesterday' })).toThrow(/asOf "yesterday"/);
  });
});
