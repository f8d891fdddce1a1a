import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureSnapshot, type FixtureRow } from './fixture.ts';
import {
  computeMetrics,
  coverageQuarter,
  loadCosts,
  loadTargets,
  metricsDoc,
  type Figure,
  type MetricsResult,
  type Targets,
} from '../../../scripts/lib/reports/metrics.ts';
import { renderTerminal } from '../../../scripts/lib/render/terminal.ts';
import { renderHtml } from '../../../scripts/lib/render/html.ts';
import type { Db } from '../../../scripts/lib/reports/db.ts';

// Hand-computed fixture: 20 leads in the 12 months to 2026-06-30 (+1 older), 6 opportunities with stage history.
function leads(): FixtureRow[] {
  const rows: FixtureRow[] = [];
  for (let i = 0; i < 20; i++) {
    const web = i < 10;
    const r: FixtureRow = {
      Id: `00Q${i}`,
      LeadSource: web ? 'Web' : 'Event',
      CreatedDate: i === 0 ? '2026-06-30 00:00:00' : '2026-02-01 00:00:00',
      Status: 'Open',
      OwnerId: '005A',
    };
    if (i === 1 || i === 2 || i === 10) r.MQL_Date__c = '2026-02-02 00:00:00';
    if (i === 1) r.Speed_To_Lead_Minutes__c = 3;
    if (i === 2) r.Speed_To_Lead_Minutes__c = 7;
    if (i === 10) r.Speed_To_Lead_Minutes__c = 4;
    if (i === 1 || i === 10) r.SQL_Date__c = '2026-02-05 00:00:00';
    if (i === 1) r.ConvertedOpportunityId = '006O1';
    rows.push(r);
  }
  rows.push({
    Id: '00QOLD',
    LeadSource: 'Web',
    CreatedDate: '2024-01-01 00:00:00',
    MQL_Date__c: '2024-01-02 00:00:00',
    Status: 'Open',
    OwnerId: '005A',
  });
  return rows;
}

const opp = (
  Id: string,
  LeadSource: string,
  StageName: string,
  Amount: number,
  CreatedDate: string,
  CloseDate: string,
  AccountId: string,
): FixtureRow => ({
  Id,
  LeadSource,
  StageName,
  Amount,
  CreatedDate: `${CreatedDate} 00:00:00`,
  CloseDate: `${CloseDate} 00:00:00`,
  IsClosed: StageName.startsWith('Closed'),
  IsWon: StageName === 'Closed Won',
  AccountId,
});

const OPPS = [
  opp('006O1', 'Web', 'Closed Won', 100000, '2026-01-01', '2026-03-01', '001A1'),
  opp('006O2', 'Event', 'Closed Lost', 50000, '2026-01-15', '2026-04-15', '001A3'),
  opp('006O3', 'Web', 'Closed Lost', 30000, '2025-12-01', '2026-02-01', '001A4'),
  opp('006O4', 'Web', 'Proposal', 200000, '2026-04-01', '2026-06-15', '001A5'),
  opp('006O5', 'Web', 'Discovery', 100000, '2026-05-01', '2026-09-30', '001A6'),
  opp('006O6', 'Event', 'Closed Won', 60000, '2026-04-10', '2026-05-10', '001A2'),
];

const HISTORY: [string, string, string][] = [
  ['006O1', 'Qualified', '2026-01-01'],
  ['006O1', 'Discovery', '2026-01-11'],
  ['006O1', 'Proposal', '2026-02-01'],
  ['006O1', 'Closed Won', '2026-03-01'],
  ['006O2', 'Qualified', '2026-01-15'],
  ['006O2', 'Discovery', '2026-01-20'],
  ['006O2', 'Closed Lost', '2026-04-15'],
  ['006O3', 'Qualified', '2025-12-01'],
  ['006O3', 'Closed Lost', '2026-02-01'],
  ['006O4', 'Qualified', '2026-04-01'],
  ['006O4', 'Proposal', '2026-04-11'],
  ['006O5', 'Qualified', '2026-05-01'],
  ['006O5', 'Discovery', '2026-05-03'],
  ['006O6', 'Qualified', '2026-04-10'],
  ['006O6', 'Negotiation', '2026-04-20'],
  ['006O6', 'Closed Won', '2026-05-10'],
];

let db: Db;
let r: MetricsResult;
let TARGETS: Targets;
const dir = mkdtempSync(join(tmpdir(), 'revops-metrics-'));
const get = (figs: Figure[], key: string): Figure => figs.find((f) => f.key === key)!;

beforeAll(async () => {
  ({ db } = await fixtureSnapshot({
    Lead: leads(),
    Opportunity: OPPS,
    OpportunityHistory: HISTORY.map(([OpportunityId, StageName, d], i) => ({
      Id: `008H${i}`,
      OpportunityId,
      StageName,
      CreatedDate: `${d} 00:00:00`,
    })),
  }));
  writeFileSync(
    join(dir, 'costs.csv'),
    'source,month,amount\nWeb,2026-01,1000\nEvent,2026-02,"2,000"\nWeb,2024-01,5000\n',
  );
  writeFileSync(join(dir, 'targets.json'), JSON.stringify({ quarterlyQuota: 150000, revenueTarget: 200000 }));
  TARGETS = loadTargets(join(dir, 'targets.json'));
  r = await computeMetrics(db, {
    costs: await loadCosts(db, join(dir, 'costs.csv')),
    targets: loadTargets(join(dir, 'targets.json')),
  });
});
afterAll(() => db.close());

describe('metrics: marketing view', () => {
  it('measures the funnel of the lead cohort created in the last 12 months, ignoring older leads', () => {
    const m = r.marketing.figures;
    expect(r.asOf.slice(0, 10)).toBe('2026-06-30');
    expect(get(m, 'leads').value).toBe(20);
    expect(get(m, 'mqls').value).toBe(3);
    expect(get(m, 'leadToMql').value).toBeCloseTo(0.15, 10);
    expect(get(m, 'leadToMql').status).toBe('good');
    expect(get(m, 'mqlToSql').value).toBeCloseTo(2 / 3, 10);
    // above the 30-50% range is better, not off target: more MQLs accepted by sales
    expect(get(m, 'mqlToSql').status).toBe('good');
    expect(get(m, 'sqlToOpp').value).toBeCloseTo(0.5, 10);
    expect(get(m, 'speedToLead').value).toBe(4);
    expect(get(m, 'speedToLead').status).toBe('good');
  });

  it('divides the spend of the period (CSV) by MQLs, per source too', () => {
    expect(get(r.marketing.figures, 'costPerMql').value).toBe(1000);
    const web = r.marketing.bySource.find((s) => s.source === 'Web')!;
    expect(web).toMatchObject({ leads: 10, mqls: 2, cost: 1000, costPerMql: 500, closedWon: 1, closed: 2 });
    expect(web.mqlRate).toBeCloseTo(0.2, 10);
  });
});

describe('metrics: sales view', () => {
  it('computes pipeline, win rate, deal size, cycle and velocity from closed and open deals', () => {
    const s = r.sales.figures;
    expect(get(s, 'pipeline').value).toBe(300000);
    expect(get(s, 'openDeals').value).toBe(2);
    expect(get(s, 'winRate').value).toBeCloseTo(0.5, 10);
    // a win rate above the 20-30% benchmark is good
    expect(get(s, 'winRate').status).toBe('good');
    expect(get(s, 'avgDealSize').value).toBe(80000);
    expect(get(s, 'salesCycle').value).toBeCloseTo(44.5, 10);
    expect(get(s, 'velocity').value).toBeCloseTo((2 * 80000 * 0.5) / 44.5, 6);
  });

  it('covers the next quarter when under two weeks of the as-of quarter remain', () => {
    // as of 2026-06-30, Q2 is over: Q3 2026, quota 150k, nothing won yet; open closing in Q3: 006O5 100k -> 0.67x
    expect(get(r.sales.figures, 'coverage').value).toBeCloseTo(100000 / 150000, 10);
    expect(get(r.sales.figures, 'coverage').benchmark).toBe('3-4×');
    expect(get(r.sales.figures, 'coverage').status).toBe('bad');
    expect(get(r.sales.figures, 'coverage').note).toMatch(/2026-Q3, the next quarter/);
  });

  it('covers the as-of quarter while two weeks or more of it remain, overdue open deals included', async () => {
    const x = await computeMetrics(db, { asOf: '2026-06-10 00:00:00', targets: { ...TARGETS } });
    // Q2 2026: quota 150k, won 60k (006O6, May) -> 90k to go; open closing in Q2: 006O4 200k -> 2.22x
    expect(get(x.sales.figures, 'coverage').value).toBeCloseTo(200000 / 90000, 10);
    // below 3x by more than 20% (2.4x): off target
    expect(get(x.sales.figures, 'coverage').status).toBe('bad');
  });

  it('says the quota is met (good, no "pass --targets") when the quarter has nothing left to cover', async () => {
    const x = await computeMetrics(db, {
      asOf: '2026-06-10 00:00:00',
      targets: { ...TARGETS, quarterlyQuota: 50000 },
    });
    const c = get(x.sales.figures, 'coverage');
    expect(c).toMatchObject({ value: null, status: 'good' });
    expect(c.note).toBe('quota met: $60,000 won in 2026-Q2');
    expect(renderTerminal(metricsDoc(x))).not.toContain('pass --targets FILE with quarterlyQuota');
  });

  it('marks a benchmarked figure that could not be computed as not checked (grey), in words', async () => {
    const x = await computeMetrics(db, {});
    const c = get(x.sales.figures, 'coverage');
    expect(c).toMatchObject({
      value: null,
      status: 'skipped',
      note: 'pass --targets FILE with quarterlyQuota',
    });
    expect(get(x.executive.figures, 'cac').status).toBe('info'); // no benchmark: information only
    expect(renderTerminal(metricsDoc(x))).toMatch(
      /-  Forecast coverage\s+n\/a\s+benchmark 3-4×\s+\[not checked\]/,
    );
    expect(renderHtml([metricsDoc(x)])).toContain('<span class="st skipped">not checked</span>');
  });

  it('picks the as-of quarter or the next one by the days left', () => {
    expect(coverageQuarter('2026-04-01', 20)).toEqual({ start: '2026-04-01', label: '2026-Q2', next: false });
    expect(coverageQuarter('2026-10-01', 1)).toEqual({ start: '2027-01-01', label: '2027-Q1', next: true });
  });

  it('counts deals reaching each stage (skipped stages count as passed) and the average stay per stage', () => {
    expect(r.sales.stages.map((s) => [s.stage, s.reached])).toEqual([
      ['Qualified', 6],
      ['Discovery', 5],
      ['Demo/Evaluation', 3],
      ['Proposal', 3],
      ['Negotiation', 2],
      ['Closed Won', 2],
    ]);
    expect(r.sales.stages[0].conversionToNext).toBeCloseTo(5 / 6, 10);
    expect(r.sales.stages[0].avgDaysInStage).toBeCloseTo(16.5, 10);
    expect(r.sales.stages[1].avgDaysInStage).toBeCloseTo(53, 10);
    expect(r.sales.stages[3].avgDaysInStage).toBeCloseTo(28, 10);
    expect(r.sales.stages[4].avgDaysInStage).toBeCloseTo(20, 10);
  });
});

describe('metrics: executive view', () => {
  it('computes revenue vs target, CAC and LTV:CAC with the stated assumptions', () => {
    const e = r.executive.figures;
    expect(get(e, 'revenue').value).toBe(160000);
    expect(get(e, 'revenueVsTarget').value).toBeCloseTo(0.8, 10);
    expect(get(e, 'revenueVsTarget').status).toBe('bad');
    expect(get(e, 'cac').value).toBe(1500);
    expect(get(e, 'ltv').value).toBeCloseTo(640000, 6);
    // 640,000 / 1,500 = 427x: far above any real business; flagged, not "on target"
    expect(get(e, 'ltvToCac').value).toBeCloseTo(640000 / 1500, 6);
    expect(get(e, 'ltvToCac').status).toBe('bad');
    expect(get(e, 'ltvToCac').note).toMatch(/^implausible \(above 20\)/);
  });

  it('renders every benchmarked figure beside its benchmark in the terminal and HTML', () => {
    const text = renderTerminal(metricsDoc(r));
    expect(text).toContain('Lead → MQL');
    expect(text).toMatch(/Win rate\s+50\.0%\s+benchmark 20-30%\s+\[on target\]/);
    const html = renderHtml([metricsDoc(r)]);
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/(src|href)="https?:/);
  });
});

describe('metrics inputs', () => {
  it('rejects a costs CSV row without a YYYY-MM month, naming the row', async () => {
    writeFileSync(join(dir, 'bad.csv'), 'source,month,amount\nWeb,January,10\n');
    await expect(loadCosts(db, join(dir, 'bad.csv'))).rejects.toThrow(
      /row 2: need source, month \(YYYY-MM\)/,
    );
  });
  it('rejects unknown keys in the targets file', () => {
    writeFileSync(join(dir, 'bad.json'), '{"quota": 5}');
    expect(() => loadTargets(join(dir, 'bad.json'))).toThrow(/Targets file .*bad\.json/);
  });
});
