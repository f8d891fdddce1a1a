import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureSnapshot, type FixtureRow } from './fixture.ts';
import {
  backtestDoc,
  runBacktest,
  writeScoringSetting,
  type BacktestResult,
} from '../../../scripts/lib/reports/backtest.ts';
import { renderHtml } from '../../../scripts/lib/render/html.ts';
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
  r = await runBacktest(db, { fit: 40, engagement: 30 }, { splitAt: '2026-01-01' });
});
afterAll(() => db.close());

describe('scoring backtest', () => {
  it('splits leads by creation time and computes ROC-AUC of the total score on the later leads', () => {
    expect(r.train).toEqual({ leads: 5, converted: 2 });
    expect(r.test).toEqual({ leads: 4, converted: 2, baseRate: 0.5 });
    // positives 20, 40 vs negatives 10, 30: 3 of 4 pairs ordered right
    expect(r.auc).toBeCloseTo(0.75, 10);
    expect(r.roc[0]).toEqual([0, 0]);
    expect(r.roc[r.roc.length - 1]).toEqual([1, 1]);
  });

  it('recommends the threshold pair with the best F1 on the training leads and judges it on the test leads', () => {
    expect(r.recommended.thresholds).toEqual({ fit: 15, engagement: 15 });
    expect(r.recommended.trainF1).toBe(1);
    expect(r.recommended).toMatchObject({ flagged: 1, precision: 0, recall: 0 });
    expect(r.current).toMatchObject({ flagged: 0, precision: null, recall: 0 });
  });

  it('reports lift and cumulative capture by score decile', () => {
    expect(r.deciles.map((d) => [d.decile, d.converted, d.lift, d.cumulativeCapture])).toEqual([
      [1, 1, 2, 0.5],
      [2, 0, 0, 0.5],
      [3, 1, 2, 1],
      [4, 0, 0, 1],
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
      const { replayScores } = await import('../../../scripts/lib/reports/backtest.ts');
      const scores = await replayScores(rdb, {
        horizonDays: 30,
        settings: { mqlFitThreshold: 20, mqlEngagementThreshold: 30, scoreCap: 100 },
        rules: [
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
        ],
      });
      const ids = (await rdb.all<{ id: string }>('SELECT id FROM bt_lead ORDER BY i')).map((x) => x.id);
      const rows = ids.map((id, i) => ({ id, fit: scores.fit[i], eng: scores.eng[i], neg: scores.neg[i] }));
      expect(rows.sort((a, b) => a.id.localeCompare(b.id))).toEqual([
        { id: 'R1', fit: 20, eng: 30, neg: 0 },
        { id: 'R2', fit: 0, eng: 30, neg: 15 },
      ]);
    } finally {
      rdb.close();
    }
  });
});
