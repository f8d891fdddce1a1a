// The five action reports against one small snapshot whose answers are worked out by hand in the comments.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureSnapshot, type FixtureRow } from './fixture.ts';
import type { Db } from '../../../scripts/lib/reports/db.ts';
import type { Maybe } from '../../../scripts/lib/reports/actions/common.ts';
import { runActions, type ActionsResult } from '../../../scripts/lib/reports/actions/index.ts';
import { actionsDoc } from '../../../scripts/lib/reports/actions/doc.ts';
import { slaCompliance } from '../../../scripts/lib/reports/actions/sla.ts';
import { forecastAccuracy } from '../../../scripts/lib/reports/actions/forecast.ts';
import { nonStandardTerms } from '../../../scripts/lib/reports/actions/terms.ts';
import type { SlaPolicy } from '../../../scripts/lib/rules/sla.ts';
import type { StagePolicyConfig, BusinessCalendarConfig } from '../../../scripts/lib/config/types.ts';
import { renderTerminal } from '../../../scripts/lib/render/terminal.ts';
import { renderHtml } from '../../../scripts/lib/render/html.ts';

const POLICY: SlaPolicy = {
  name: 'MQL_To_SQL',
  handoff: 'MQL to SQL',
  businessCalendar: 'Utc_Office',
  contactWithinHours: 4,
  qualifyWithinHours: 48,
  warningPercent: 75,
  escalateTo: 'Manager',
  active: true,
};
// Mon-Fri 09:00-17:00 UTC: 48 business hours = 6 working days
const CALENDAR: BusinessCalendarConfig = {
  name: 'Utc_Office',
  timeZone: 'UTC',
  workdays: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'],
  dayStart: '09:00',
  dayEnd: '17:00',
  holidays: [],
};
const stage = (
  name: string,
  order: number,
  staleMultiplier: number | null,
  forecastCategory: string,
  probability: number,
  isClosed = false,
  isWon = false,
): StagePolicyConfig => ({
  name: name.replace(/\W/g, '_'),
  stage: name,
  order,
  staleMultiplier,
  forecastCategory,
  probability,
  isClosed,
  isWon,
});
const STAGES = [
  stage('Qualified', 1, 2, 'Pipeline', 10),
  stage('Discovery', 2, 2, 'Pipeline', 20),
  stage('Proposal', 3, 1.5, 'Best Case', 60),
  stage('Closed Won', 4, null, 'Closed', 100, true, true),
  stage('Closed Lost', 5, null, 'Omitted', 0, true),
];
const CONFIG = { slaPolicies: [POLICY], businessCalendars: [CALENDAR], stagePolicies: STAGES };
const AS_OF = '2026-06-30T00:00:00.000Z';

const USERS: FixtureRow[] = [
  { Id: '005M1', Name: 'Mia Boss' },
  { Id: '005R1', Name: 'Ann Rep', ManagerId: '005M1' },
  { Id: '005R2', Name: 'Bob Rep', ManagerId: '005M1' },
  { Id: '005R3', Name: 'Cy Solo' },
];
const lead = (Id: string, OwnerId: string, f: FixtureRow): FixtureRow => ({
  Id,
  OwnerId,
  Status: 'Open',
  CreatedDate: '2026-05-01 00:00:00',
  ...f,
});
const LEADS: FixtureRow[] = [
  // MQL Mon 09:00: contact due Mon 13:00, qualify due Mon 06-08 17:00. Touched 12:00, SQL Tue: both in time.
  lead('00QL1', '005R1', {
    MQL_Date__c: '2026-06-01 09:00:00',
    First_Touch_At__c: '2026-06-01 12:00:00',
    SQL_Date__c: '2026-06-02 10:00:00',
  }),
  // touched 14:00 (1 h late), never qualified and the window is long over: two breaches; escalated once
  lead('00QL2', '005R1', { MQL_Date__c: '2026-06-01 09:00:00', First_Touch_At__c: '2026-06-01 14:00:00' }),
  // MQL Fri 16:00, touched Mon 11:00: 67 h on the wall clock, 3 business hours (Fri 16-17, Mon 9-11): in time;
  // recycled Tue: qualified in time
  lead('00QL3', '005R2', {
    MQL_Date__c: '2026-06-05 16:00:00',
    First_Touch_At__c: '2026-06-08 11:00:00',
    Recycled_Date__c: '2026-06-09 10:00:00',
  }),
  // MQL Mon 06-29 16:00: contact due Tue 12:00, after the as-of instant: both windows still open
  lead('00QL4', '005R2', { MQL_Date__c: '2026-06-29 16:00:00' }),
  // never an MQL: no SLA clock
  lead('00QL5', '005R3', {}),
];
const SLA_EVENTS: FixtureRow[] = [
  { Id: 'a05E1', Record_Id__c: '00QL2', Event_Type__c: 'Escalated', Occurred_At__c: '2026-06-01 14:00:00' },
  { Id: 'a05E2', Record_Id__c: '00QL2', Event_Type__c: 'Breached', Occurred_At__c: '2026-06-01 13:00:00' },
];

const opp = (
  Id: string,
  StageName: string,
  Amount: number,
  CloseDate: string,
  f: FixtureRow = {},
): FixtureRow => ({
  Id,
  Name: `Deal ${Id}`,
  StageName,
  Amount,
  CloseDate: `${CloseDate} 00:00:00`,
  CreatedDate: '2026-01-01 00:00:00',
  IsClosed: StageName.startsWith('Closed'),
  IsWon: StageName === 'Closed Won',
  OwnerId: '005R1',
  ...f,
});
const OPPS: FixtureRow[] = [
  opp('006O1', 'Closed Won', 100, '2026-02-01', { Non_Standard_Terms__c: 'Custom SLA;Quarterly Billing' }),
  opp('006O2', 'Closed Lost', 50, '2026-02-23', { Non_Standard_Terms__c: 'Custom SLA' }),
  opp('006O3', 'Discovery', 60, '2026-08-14', {
    Stage_Entered_At__c: '2026-05-20 00:00:00',
    Close_Date_Push_Reason__c: 'Budget moved',
  }),
  opp('006O4', 'Discovery', 70, '2026-07-31', { OwnerId: '005R2' }),
  opp('006O5', 'Closed Won', 30, '2026-03-20', { Non_Standard_Terms__c: 'Uncapped Liability' }),
  opp('006O6', 'Closed Won', 20, '2026-03-10'),
  opp('006O7', 'Closed Won', 80, '2026-05-10'),
  opp('006O8', 'Closed Lost', 40, '2026-06-20'),
];
// [opportunity, stage, created, close date, amount, forecast category?, probability?]
type H = [string, string, string, string, number, string?, number?];
const HISTORY: H[] = [
  ['006O1', 'Qualified', '2026-01-01', '2026-01-25', 100],
  ['006O1', 'Discovery', '2026-01-05', '2026-01-25', 100], // Discovery stay 10 d
  ['006O1', 'Proposal', '2026-01-15', '2026-01-25', 100],
  ['006O1', 'Closed Won', '2026-02-01', '2026-02-01', 100], // close date moved on closing: not a push
  ['006O2', 'Qualified', '2026-02-01', '2026-03-01', 50],
  ['006O2', 'Discovery', '2026-02-03', '2026-03-01', 50], // Discovery stay 20 d
  ['006O2', 'Closed Lost', '2026-02-23', '2026-02-23', 50], // lost from anywhere: no skip
  ['006O3', 'Qualified', '2026-05-10', '2026-06-15', 60],
  ['006O3', 'Discovery', '2026-05-20', '2026-07-15', 60], // push +30
  ['006O3', 'Discovery', '2026-06-01', '2026-08-14', 60], // push +30, same stay
  ['006O4', 'Qualified', '2026-06-01', '2026-07-01', 70],
  ['006O4', 'Discovery', '2026-06-10', '2026-07-31', 70], // push +30, no reason on the deal
  ['006O5', 'Qualified', '2026-03-01', '2026-03-31', 30],
  ['006O5', 'Proposal', '2026-03-05', '2026-03-31', 30], // skips Discovery
  ['006O5', 'Closed Won', '2026-03-20', '2026-03-20', 30],
  ['006O6', 'Qualified', '2026-03-01', '2026-03-31', 20],
  ['006O6', 'Closed Won', '2026-03-10', '2026-03-10', 20], // skips Discovery and Proposal
  ['006O7', 'Qualified', '2026-03-01', '2026-05-15', 80],
  ['006O7', 'Discovery', '2026-03-08', '2026-05-15', 80], // Discovery stay 7 d
  ['006O7', 'Proposal', '2026-03-15', '2026-05-15', 80, 'Commit', 60],
  ['006O7', 'Closed Won', '2026-05-10', '2026-05-10', 80],
  ['006O8', 'Qualified', '2026-03-20', '2026-06-20', 40], // category and probability from Stage_Policy
  ['006O8', 'Closed Lost', '2026-06-20', '2026-06-20', 40],
];

/** OpportunityHistory rows of the fixture's tuples. */
const historyRows = (rows: H[]) =>
  rows.map(([OpportunityId, StageName, d, close, Amount, ForecastCategory, Probability], i) => ({
    Id: `008H${String(i).padStart(2, '0')}`,
    OpportunityId,
    StageName,
    CreatedDate: `${d} 00:00:00`,
    CloseDate: `${close} 00:00:00`,
    Amount,
    ForecastCategory: ForecastCategory ?? null,
    Probability: Probability ?? null,
  }));

let db: Db;
let r: ActionsResult;
const ok = <T>(x: Maybe<T>): T => {
  expect(x.available).toBe(true);
  return x as T;
};

beforeAll(async () => {
  ({ db } = await fixtureSnapshot({
    User: USERS,
    Lead: LEADS,
    SLA_Event__c: SLA_EVENTS,
    Opportunity: OPPS,
    OpportunityHistory: historyRows(HISTORY),
  }));
  r = await runActions(db, CONFIG, { asOf: AS_OF });
});
afterAll(() => db.close());

describe('SLA compliance', () => {
  it('counts windows met and breached per rep and per team on the policy calendar, pending windows apart', () => {
    const s = ok(r.sla);
    expect(s.policy).toEqual({
      name: 'MQL_To_SQL',
      contactWithinHours: 4,
      qualifyWithinHours: 48,
      calendar: 'Utc_Office',
    });
    const ann = s.byRep.find((x) => x.name === 'Ann Rep')!;
    expect(ann).toMatchObject({
      leads: 2,
      contactedInTime: 1,
      contactBreached: 1,
      qualifiedInTime: 1,
      qualifyBreached: 1,
      breaches: 2,
      escalations: 1,
    });
    expect(ann.contactRate).toBe(0.5);
    const bob = s.byRep.find((x) => x.name === 'Bob Rep')!;
    expect(bob).toMatchObject({
      leads: 2,
      contactedInTime: 1,
      contactPending: 1,
      qualifiedInTime: 1,
      qualifyPending: 1,
      breaches: 0,
      escalations: 0,
      contactRate: 1,
    });
    expect(s.byRep.map((x) => x.name)).toEqual(['Ann Rep', 'Bob Rep']); // lowest contact rate first
    expect(s.byTeam).toHaveLength(1);
    expect(s.byTeam[0]).toMatchObject({
      name: 'team of Mia Boss',
      leads: 4,
      contactedInTime: 2,
      contactBreached: 1,
      breaches: 2,
      escalations: 1,
    });
    expect(s.total.contactRate).toBeCloseTo(2 / 3, 10);
    expect(s.total.qualifyRate).toBeCloseTo(2 / 3, 10);
  });

  it('reads the windows from the SLA policy: 2 contact hours make the 3-hour touches late', async () => {
    const s = ok(
      await slaCompliance(db, { ...CONFIG, slaPolicies: [{ ...POLICY, contactWithinHours: 2 }] }, AS_OF),
    );
    expect(s.total).toMatchObject({ contactedInTime: 0, contactBreached: 3, contactPending: 1 });
  });

  it('judges only the clocks started in the reporting period when given one', async () => {
    // since Fri 06-05: 00QL3 (in time) and 00QL4 (open) only
    const s = ok(await slaCompliance(db, CONFIG, AS_OF, '2026-06-05T00:00:00.000Z'));
    expect(s.since).toBe('2026-06-05T00:00:00.000Z');
    expect(s.total).toMatchObject({ leads: 2, contactedInTime: 1, contactPending: 1, breaches: 0 });
  });

  it('says "not available before install" without our lead fields', async () => {
    const bare = await fixtureSnapshot(
      { Lead: [] },
      {
        Lead: [
          ['Id', 'VARCHAR'],
          ['OwnerId', 'VARCHAR'],
          ['CreatedDate', 'TIMESTAMP'],
        ],
      },
    );
    try {
      const s = await slaCompliance(bare.db, CONFIG, AS_OF);
      expect(s.available).toBe(false);
      if (!s.available) expect(s.reason).toMatch(/^not available before install: Lead lacks MQL_Date__c/);
    } finally {
      bare.db.close();
    }
  });
});

describe('stale deals', () => {
  it('lists open deals over the multiplier × the stage average of finished stays, with their owner', () => {
    const s = ok(r.staleDeals);
    // Discovery stays: 10, 20, 7 d -> 12.3 d; × 2 = 24.6 d. 006O3 entered 05-20: 41 d (stale);
    // 006O4 entered 06-10 (from history): 20 d (not stale)
    expect(s.stages.find((x) => x.stage === 'Discovery')).toEqual({
      stage: 'Discovery',
      averageDays: 12.3,
      multiplier: 2,
      stale: 1,
    });
    expect(s.openDeals).toBe(2);
    expect(s.deals).toEqual([
      {
        id: '006O3',
        name: 'Deal 006O3',
        owner: 'Ann Rep',
        stage: 'Discovery',
        amount: 60,
        daysInStage: 41,
        teamAverageDays: 12.3,
        multiplier: 2,
        thresholdDays: 24.6,
      },
    ]);
  });
});

describe('stage skips and close-date pushes', () => {
  it('finds forward moves past open stages, and pushes by reason (closing a deal is no push)', () => {
    const c = ok(r.skipsAndPushes);
    expect(c.dealsWithHistory).toBe(8);
    expect(c.skips).toEqual([
      { from: 'Qualified', to: 'Closed Won', skipped: ['Discovery', 'Proposal'], deals: 1 },
      { from: 'Qualified', to: 'Proposal', skipped: ['Discovery'], deals: 1 },
    ]);
    expect(c.pushReasons).toEqual([
      { reason: '(no reason given)', deals: 1, pushes: 1, daysPushed: 30 },
      { reason: 'Budget moved', deals: 1, pushes: 2, daysPushed: 60 },
    ]);
    expect(c.deals.map((d) => [d.id, d.pushes, d.skipped.join('+')])).toEqual([
      ['006O3', 2, ''],
      ['006O4', 1, ''],
      ['006O6', 0, 'Discovery+Proposal'],
      ['006O5', 0, 'Discovery'],
    ]);
  });
});

describe('non-standard terms', () => {
  it('counts each term of the multi-select and flags the ones most deals with terms ask for', async () => {
    const t = ok(await nonStandardTerms(db, 0.5));
    expect(t).toMatchObject({ deals: 8, dealsWithTerms: 3, standardShare: 0.5 });
    expect(t.terms.map((x) => [x.term, x.deals, x.won, x.amount, x.candidate])).toEqual([
      ['Custom SLA', 2, 1, 150, true], // 2 of 3 deals with terms
      ['Quarterly Billing', 1, 1, 100, false],
      ['Uncapped Liability', 1, 1, 30, false],
    ]);
  });
});

describe('forecast accuracy', () => {
  it('compares the pipeline on a quarter’s first day with what was won in it', () => {
    const f = ok(r.forecastAccuracy);
    // on 04-01: 006O7 Proposal, Commit 60%, 80 closing 05-15; 006O8 Qualified (Stage_Policy: Pipeline 10%), 40
    // closing 06-20. Won in Q2: 006O7 80. Weighted 48 + 4 = 52 -> -35%.
    expect(f.quarters).toEqual([
      {
        quarter: '2026-Q2',
        start: '2026-04-01',
        deals: 2,
        commit: 80,
        bestCase: 80,
        pipeline: 120,
        weighted: 52,
        actual: 80,
        commitError: 0,
        weightedError: -0.35,
      },
    ]);
    // history starts 2026-01-01: Q1 and earlier cannot be judged
    expect(f.skipped.map((s) => s.quarter)).toContain('2026-Q1');
  });

  it('reads ForecastCategory as Salesforce stores it on OpportunityHistory (Forecast, BestCase: API values)', async () => {
    // OpportunityHistory.ForecastCategory holds BestCase / Forecast / MostLikely / ..., not the labels of
    // Opportunity.ForecastCategoryName: Forecast is Commit
    const api = HISTORY.map((h): H => {
      if (h[5] === 'Commit') return [h[0], h[1], h[2], h[3], h[4], 'Forecast', h[6]];
      if (h[0] === '006O8' && h[1] === 'Qualified') return [h[0], h[1], h[2], h[3], h[4], 'BestCase', 10];
      return h;
    });
    // a third deal open on 04-01 in MostLikely (between commit and best case), closing in Q2
    api.push(['006O9', 'Proposal', '2026-03-25', '2026-06-10', 25, 'MostLikely', 50]);
    const { db: apiDb } = await fixtureSnapshot({
      Opportunity: OPPS,
      OpportunityHistory: historyRows(api),
    });
    try {
      const f = ok(await forecastAccuracy(apiDb, STAGES, AS_OF));
      // 006O7 (80) in Forecast counts as Commit; 006O8 (40) in BestCase and 006O9 (25) in MostLikely add to best
      // case only
      expect(f.quarters.map((q) => [q.quarter, q.commit, q.bestCase, q.pipeline])).toEqual([
        ['2026-Q2', 80, 145, 145],
      ]);
    } finally {
      apiDb.close();
    }
  });

  it('says "not enough history" when no finished quarter has history from before its first day', async () => {
    const f = await forecastAccuracy(db, STAGES, '2026-03-31T00:00:00.000Z');
    expect(f.available).toBe(false);
    if (!f.available) expect(f.reason).toMatch(/^not enough history: no quarter that ended by 2026-03-31/);
  });
});

describe('rendering', () => {
  it('prints every report with statuses in words in the terminal and HTML', () => {
    const doc = actionsDoc(r);
    expect(doc.sections.map((s) => s.title)).toEqual([
      'SLA compliance',
      'Stale deals',
      'Stage skips and close-date pushes',
      'Non-standard terms',
      'Forecast accuracy',
    ]);
    const text = renderTerminal(doc);
    expect(text).toMatch(/Ann Rep\s+2\s+1\s+50\.0%.*off target/);
    expect(text).toMatch(/Pushes without a reason\s+1\s+benchmark 0\s+\[off target\]/);
    expect(text).toMatch(/2026-Q2\s+2\s+\$80\s+\$80\s+\$120\s+\$52\s+\$80\s+0\.0%\s+-35\.0%\s+on target/);
    const html = renderHtml([doc]);
    expect(html).toContain('<span class="st bad">off target</span>');
  });
});
