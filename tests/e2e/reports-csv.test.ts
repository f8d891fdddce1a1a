// The report commands end to end (in process): metrics --json carries the action reports, --csv writes one file
// per table, the HTML links to them, and record Ids link to the instance URL the snapshot's provenance records.
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureSnapshot } from '../unit/reports/fixture.ts';
import { runCli } from './runCli.ts';

const dir = mkdtempSync(join(tmpdir(), 'revops-csv-e2e-'));
let path: string;

beforeAll(async () => {
  const opp = (
    Id: string,
    StageName: string,
    CloseDate: string,
    extra: Record<string, string | number | boolean> = {},
  ) => ({
    Id,
    Name: `Deal ${Id}`,
    StageName,
    Amount: 1000,
    CloseDate: `${CloseDate} 00:00:00`,
    CreatedDate: '2026-01-05 00:00:00',
    IsClosed: StageName.startsWith('Closed'),
    IsWon: StageName === 'Closed Won',
    OwnerId: '0058a0000000001AAA',
    ...extra,
  });
  const f = await fixtureSnapshot(
    {
      User: [{ Id: '0058a0000000001AAA', Name: 'Ann Rep' }],
      Lead: [
        {
          Id: '00Q8a0000000001AAA',
          OwnerId: '0058a0000000001AAA',
          Status: 'Open',
          CreatedDate: '2026-05-01 00:00:00',
          MQL_Date__c: '2026-05-04 10:00:00',
          First_Touch_At__c: '2026-05-04 11:00:00',
        },
      ],
      Opportunity: [
        opp('0068a0000000001AAA', 'Closed Won', '2026-02-01', { Non_Standard_Terms__c: '=cmd|calc' }),
        opp('0068a0000000002AAA', 'Discovery', '2026-07-30', { Stage_Entered_At__c: '2026-01-10 00:00:00' }),
      ],
      OpportunityHistory: [
        {
          Id: '0088a0000000001AAA',
          OpportunityId: '0068a0000000001AAA',
          StageName: 'Discovery',
          CreatedDate: '2026-01-05 00:00:00',
          CloseDate: '2026-02-01 00:00:00',
          Amount: 1000,
        },
        {
          Id: '0088a0000000002AAA',
          OpportunityId: '0068a0000000001AAA',
          StageName: 'Closed Won',
          CreatedDate: '2026-01-08 00:00:00',
          CloseDate: '2026-02-01 00:00:00',
          Amount: 1000,
        },
        {
          Id: '0088a0000000003AAA',
          OpportunityId: '0068a0000000002AAA',
          StageName: 'Discovery',
          CreatedDate: '2026-01-10 00:00:00',
          CloseDate: '2026-07-30 00:00:00',
          Amount: 1000,
        },
      ],
      _provenance: [
        {
          source: 'org',
          object: 'Lead',
          row_count: 1,
          created_at: '2026-06-30 00:00:00',
          completed_at: '2026-06-30 00:00:00',
          instance_url: 'https://acme.my.salesforce.com',
        },
      ],
    },
    {
      _provenance: [
        ['source', 'VARCHAR'],
        ['org_id', 'VARCHAR'],
        ['created_at', 'TIMESTAMP'],
        ['api_version', 'VARCHAR'],
        ['object', 'VARCHAR'],
        ['row_count', 'DOUBLE'],
        ['completed_at', 'TIMESTAMP'],
        ['instance_url', 'VARCHAR'],
      ],
    },
  );
  f.db.close();
  path = f.path;
});

describe('report outputs', () => {
  it('metrics --json holds the five action reports; --csv writes a file per table; the HTML links them and the records', async () => {
    const html = join(dir, 'html', 'metrics.html');
    const csv = join(dir, 'csv');
    const r = await runCli<{ status: number; result: { actions: Record<string, { available: boolean }> } }>(
      'metrics',
      '--snapshot',
      path,
      '--html',
      html,
      '--csv',
      csv,
      '--json',
    );
    expect(r.code).toBe(0);
    const a = r.json.result.actions;
    expect(Object.keys(a).sort()).toEqual([
      'asOf',
      'forecastAccuracy',
      'nonStandardTerms',
      'skipsAndPushes',
      'sla',
      'staleDeals',
    ]);
    expect([
      a.sla.available,
      a.staleDeals.available,
      a.skipsAndPushes.available,
      a.nonStandardTerms.available,
    ]).toEqual([true, true, true, true]);
    // history starts in January 2026 and the as-of date is in Q2: no finished quarter has history before it
    expect(a.forecastAccuracy).toMatchObject({
      available: false,
      reason: expect.stringMatching(/^not enough history/),
    });
    const files = readdirSync(csv);
    for (const f of [
      'action-reports--sla-compliance--by-rep-lowest-contact-rate-first.csv',
      'action-reports--stale-deals--stale-deals-most-overdue-first.csv',
      'action-reports--stage-skips-and-close-date-pushes--stage-skips.csv',
      'action-reports--non-standard-terms--non-standard-terms-by-frequency.csv',
      'action-reports--forecast-accuracy--figures.csv',
      'metrics-dashboard--sales--figures.csv',
    ])
      expect(files).toContain(f);
    const terms = readFileSync(
      join(csv, 'action-reports--non-standard-terms--non-standard-terms-by-frequency.csv'),
      'utf8',
    );
    expect(terms.startsWith('\uFEFFterm,deals,')).toBe(true);
    expect(terms).toContain("\r\n'=cmd|calc,1,");
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('href="../csv/action-reports--stale-deals--stale-deals-most-overdue-first.csv"');
    // the stale deal's Id links to the org the snapshot came from
    expect(page).toContain(
      '<a href="https://acme.my.salesforce.com/0068a0000000002AAA">0068a0000000002AAA</a>',
    );
  });

  it('refuses an --instance-url that is not https', async () => {
    const r = await runCli(
      'audit',
      '--snapshot',
      path,
      '--instance-url',
      'http://acme.example.com',
      '--html',
      join(dir, 'a.html'),
    );
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--instance-url must be an https URL/);
  });
});
