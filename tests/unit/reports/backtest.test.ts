import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureSnapshot, type FixtureRow } from './fixture.ts';
import {
  backtestDoc,
  fitFloor,
  runBacktest,
  writeScoringSetting,
  type BacktestResult,
} from '../../../scripts/lib/reports/backtest.ts';
import { renderHtml } from '../../../scripts/lib/render/html.ts';
import { renderTerminal } from '../../../scripts/lib/render/terminal.ts';
import type { Db } from '../../../scripts/lib/reports/db.ts';

const lead = (
  Id: string,
  created: string,
  fit: number,
  eng: number,
  neg: number,
  opp: string | null,
): FixtureRow => ({
  Id,
  CreatedDate: `${created} 00:00:00`,
  Fit_Score__c: fit,
  Engagement_Score__c: eng,
  Negative_Score__c: neg,
  ConvertedOpportunityId: opp,
  Status: 'Open',
  OwnerId: '005A',
});

let db: Db;
let r: BacktestResult;
beforeAll(async () => {
  ({ db } = await fixtureSnapshot({
    Lead: [
      lead('T1', '2025-03-01', 50, 40, 0, '006T1'),
      lead('T2', '2025-04-01', 60, 35, 0, '006T2'),
      lead('T3', '2025-05-01', 50, 10, 0, null),
      lead('T4', '2025-06-01', 10, 40, 0, null),
      lead('T5', '2025-07-01', 20, 5, 0, null),
      lead('S1', '2026-02-01', 10, 0, 0, null),
      lead('S2', '2026-02-02', 15, 5, 0, '006S2'),
      lead('S3', '2026-02-03', 20, 20, 10, null),
      lead('S4', '2026-02-04', 30, 10, 0, '006S4'),
    ],
    Opportunity: [
      {
        Id: '006S2',
        StageName: 'Closed Won',
        IsClosed: true,
        IsWon: true,
        CloseDate: '2026-03-01 00:00:00',
        CreatedDate: '2026-02-10 00:00:00',
      },
      {
        Id: '006S4',
        StageName: 'Closed Lost',
        IsClosed: true,
        IsWon: false,
        CloseDate: '2026-03-01 00:00:00',
        CreatedDate: '2026-02-10 00:00:00',
      },
    ],
  }));
  // no volume guard here (every share allowed): the guard rails have their own tests below
  r = await runBacktest(db, { fit: 40, engagement: 30 }, { splitAt: '2026-01-01', maxMqlShare: 1 });
});
afterAll(() => db.close());

/** The backtest's score replay of `rules` over a fixture snapshot: per lead (snapshot order), its three scores. */
async function replayByLead(
  rdb: Db,
  rules: Parameters<typeof import('../../../scripts/lib/reports/backtest.ts').replayScores>[1]['rules'],
): Promise<{ id: string; fit: number; eng: number; neg: number }[]> {
  const { replayScores } = await import('../../../scripts/lib/reports/backtest.ts');
  const scores = await replayScores(rdb, {
    horizonDays: 30,
    settings: { mqlFitThreshold: 20, mqlEngagementThreshold: 30, scoreCap: 100 },
    rules,
  });
  const ids = (await rdb.all<{ id: string }>('SELECT id FROM bt_lead ORDER BY i')).map((x) => x.id);
  return ids.map((id, i) => ({ id, fit: scores.fit[i], eng: scores.eng[i], neg: scores.neg[i] }));
}

describe('scoring backtest', () => {
  it('splits leads by creation time and computes ROC-AUC of the total score on the later leads', () => {
    expect(r.train).toEqual({ leads: 5, converted: 2, won: 0 });
    expect(r.test).toMatchObject({ leads: 4, converted: 2, won: 1, baseRate: 0.5 });
    // the test period runs from the split to the newest lead, 2026-02-04: 34 days
    expect(r.test.months).toBeCloseTo(34 / (365.25 / 12), 10);
    // positives 20, 40 vs negatives 10, 30: 3 of 4 pairs ordered right
    expect(r.auc).toBeCloseTo(0.75, 10);
    expect(r.roc[0]).toEqual([0, 0]);
    expect(r.roc[r.roc.length - 1]).toEqual([1, 1]);
  });

  it('recommends the threshold pair with the best F1 on the training leads and judges it on the test leads', () => {
    expect(r.recommended.thresholds).toEqual({ fit: 15, engagement: 15 });
    expect(r.recommended.trainF1).toBe(1);
    expect(r.recommended).toMatchObject({
      flagged: 1,
      flaggedShare: 0.25,
      precision: 0,
      recall: 0,
      found: true,
    });
    expect(r.current).toMatchObject({ flagged: 0, precision: null, recall: 0, won: 0, winRecall: 0 });
  });

  it('never recommends thresholds that make more than the allowed share of leads MQLs', async () => {
    // at most 30% of the 5 training leads (1 lead): T1 alone (fit 50, engagement 40) at fit >= 15, engagement >= 40
    // has F1 2/3; the unguarded best (fit >= 15, engagement >= 15) flags T1 and T2 (40%)
    const g = await runBacktest(db, { fit: 40, engagement: 30 }, { splitAt: '2026-01-01', maxMqlShare: 0.3 });
    expect(g.recommended.thresholds).toEqual({ fit: 15, engagement: 40 });
    expect(g.recommended.trainF1).toBeCloseTo(2 / 3, 10);
    const c15 = g.candidates.find((c) => c.thresholds.fit === 15)!;
    expect(c15).toMatchObject({
      thresholds: { fit: 15, engagement: 15 },
      trainFlagged: 2,
      trainFlaggedShare: 0.4,
    });
    expect(c15.excluded).toBe('over 30% of leads');
    // each candidate shows the MQL volume it would produce on the test leads: only S3 (fit 20, engagement 20)
    expect(c15.test.flagged).toBe(1);
    expect(c15.mqlsPerMonth).toBeCloseTo(1 / (34 / (365.25 / 12)), 10);
  });

  it('recommends no fit threshold that one fit rule alone meets, and says when nothing passes', async () => {
    const rules = [
      { model: 'Fit', object: 'Lead', points: 10 },
      { model: 'Fit', object: 'Any', points: 15 },
      { model: 'Fit', object: 'Contact', points: 40 },
      { model: 'Engagement', points: 50 },
    ];
    expect(fitFloor(rules)).toBe(20);
    const g = await runBacktest(
      db,
      { fit: 40, engagement: 30 },
      { splitAt: '2026-01-01', maxMqlShare: 1, minFit: fitFloor(rules) },
    );
    expect(g.recommended.thresholds).toEqual({ fit: 20, engagement: 15 });
    expect(g.candidates.find((c) => c.thresholds.fit === 15)!.excluded).toBe(
      'fit below 20: one fit rule alone qualifies',
    );
    const none = await runBacktest(
      db,
      { fit: 40, engagement: 30 },
      { splitAt: '2026-01-01', maxMqlShare: 0.1 },
    );
    expect(none.recommended).toMatchObject({ found: false, thresholds: { fit: 40, engagement: 30 } });
    expect(renderTerminal(backtestDoc(none))).toContain('recommended: no pair passes the guard rails');
  });

  it('reports lift and cumulative capture by score decile', () => {
    // totals: S4 40, S3 30, S2 20 (its deal won), S1 10
    expect(r.deciles.map((d) => [d.decile, d.converted, d.won, d.lift, d.cumulativeCapture])).toEqual([
      [1, 1, 0, 2, 0.5],
      [2, 0, 0, 0, 0.5],
      [3, 1, 1, 2, 1],
      [4, 0, 0, 0, 1],
    ]);
  });

  it('compares the win rate of deals from MQLs and non-MQLs', () => {
    expect(r.winRate).toEqual({ mql: null, nonMql: 0.5, mqlDeals: 0, nonMqlDeals: 2 });
    expect(renderHtml([backtestDoc(r)])).toContain('ROC curve');
  });

  it('writes the recommended thresholds into the Scoring_Setting record and shows the diff', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bt-')), 'Scoring_Setting.Default.md-meta.xml');
    writeFileSync(
      file,
      `<?xml version="1.0" encoding="UTF-8"?>
<CustomMetadata xmlns="http://soap.sforce.com/2006/04/metadata" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">
    <label>Default</label>
    <protected>false</protected>
    <values>
        <field>MQL_Engagement_Threshold__c</field>
        <value xsi:type="xsd:double">30.0</value>
    </values>
    <values>
        <field>MQL_Fit_Threshold__c</field>
        <value xsi:type="xsd:double">40.0</value>
    </values>
</CustomMetadata>
`,
    );
    const diff = writeScoringSetting(file, { fit: 15, engagement: 20 });
    expect(diff).toContain('-        <value xsi:type="xsd:double">40.0</value>');
    expect(diff).toContain('+        <value xsi:type="xsd:double">15.0</value>');
    expect(readFileSync(file, 'utf8')).toMatch(
      /MQL_Engagement_Threshold__c<\/field>\s*<value xsi:type="xsd:double">20\.0</,
    );
  });
});

describe('scoring replay', () => {
  it('re-scores each lead with the rules as of creation + horizon, never counting events after its conversion', async () => {
    const { db: rdb } = await fixtureSnapshot({
      Lead: [
        {
          Id: 'R1',
          CreatedDate: '2026-01-01 00:00:00',
          Title: 'VP Sales',
          ConvertedOpportunityId: '006R1',
          ConvertedDate: '2026-01-05 00:00:00',
          Status: 'Open',
          OwnerId: '005A',
        },
        { Id: 'R2', CreatedDate: '2026-01-01 00:00:00', Title: 'Intern', Status: 'Open', OwnerId: '005A' },
      ],
      Engagement_Event__c: [
        {
          Id: 'E1',
          Lead__c: 'R1',
          Record_Id__c: 'R1',
          Signal__c: 'Demo Request',
          Occurred_At__c: '2026-01-02 00:00:00',
        },
        {
          Id: 'E2',
          Lead__c: 'R1',
          Record_Id__c: 'R1',
          Signal__c: 'Demo Request',
          Occurred_At__c: '2026-01-10 00:00:00',
        }, // after conversion
        {
          Id: 'E3',
          Lead__c: 'R2',
          Record_Id__c: 'R2',
          Signal__c: 'Demo Request',
          Occurred_At__c: '2026-01-20 00:00:00',
        },
        {
          Id: 'E4',
          Lead__c: 'R2',
          Record_Id__c: 'R2',
          Signal__c: 'Demo Request',
          Occurred_At__c: '2026-03-01 00:00:00',
        }, // after the 30-day horizon
      ],
    });
    try {
      const rows = await replayByLead(rdb, [
        { name: 'Fit_VP', model: 'Fit', field: 'Title', operator: 'contains', value: 'VP', points: 20 },
        { name: 'Eng_Demo', model: 'Engagement', signal: 'Demo Request', operator: 'equals', points: 30 },
        {
          name: 'Neg_Intern',
          model: 'Negative',
          field: 'Title',
          operator: 'contains',
          value: 'Intern',
          points: 15,
        },
      ]);
      expect(rows.sort((a, b) => a.id.localeCompare(b.id))).toEqual([
        { id: 'R1', fit: 20, eng: 30, neg: 0 },
        { id: 'R2', fit: 0, eng: 30, neg: 15 },
      ]);
    } finally {
      rdb.close();
    }
  });

  it('replays the tech stack rule from the snapshot column enrichment fills (Tech_Stack__c)', async () => {
    const lead = (Id: string, Tech_Stack__c: string | null) => ({
      Id,
      CreatedDate: '2026-01-01 00:00:00',
      Status: 'Open',
      OwnerId: '005A',
      Tech_Stack__c,
    });
    const { db: rdb } = await fixtureSnapshot({ Lead: [lead('T1', 'HubSpot;Snowflake'), lead('T2', null)] });
    try {
      const rows = await replayByLead(rdb, [
        {
          name: 'Fit_Tech_Stack',
          model: 'Fit',
          field: 'Tech_Stack__c',
          operator: 'contains',
          value: 'Snowflake',
          points: 10,
        },
      ]);
      expect(Object.fromEntries(rows.map((r) => [r.id, r.fit]))).toEqual({ T1: 10, T2: 0 });
    } finally {
      rdb.close();
    }
  });
});
