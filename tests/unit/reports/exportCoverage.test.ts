// Reports on a real org's Data Export: converted leads are no duplicates (as the Apex finder has it), a contact's
// LastActivityDate counts as activity, and an object the export has no CSV for is "not available", never 0.
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { buildExportSnapshot } from '../../../scripts/lib/snapshot/build.ts';
import { openDb, type Db } from '../../../scripts/lib/reports/db.ts';
import { auditDoc, runAudit, type AuditResult } from '../../../scripts/lib/reports/audit.ts';
import { dedupDoc, dedupSalesforceExport, toJson } from '../../../scripts/lib/reports/dedup/report.ts';
import { runActions } from '../../../scripts/lib/reports/actions/index.ts';
import { computeMetrics } from '../../../scripts/lib/reports/metrics.ts';
import { metricsDoc } from '../../../scripts/lib/reports/metrics/doc.ts';
import { actionsDoc } from '../../../scripts/lib/reports/actions/doc.ts';
import { renderTerminal } from '../../../scripts/lib/render/terminal.ts';
import { renderHtml } from '../../../scripts/lib/render/html.ts';
import { loadConfig } from '../../../scripts/lib/config/index.ts';
import type { DedupRule } from '../../../scripts/lib/rules/match.ts';
import { removeTmpDirs, tmpDir } from '../snapshot/helpers.ts';
import { runCli } from '../../e2e/runCli.ts';

const opened: Db[] = [];
afterAll(() => {
  for (const db of opened) db.close();
  removeTmpDirs();
});

const rule = (object: 'Lead' | 'Contact' | 'Account'): DedupRule => ({
  name: `${object}_Test`,
  object,
  matchKeys: object === 'Account' ? ['company', 'website'] : ['email', 'name'],
  matchThreshold: 0.75,
  reviewThreshold: 0.55,
  mergePriority: ['oldest_created'],
});
const RULES = [rule('Account'), rule('Contact'), rule('Lead')];

const csv = (header: string[], rows: string[][]): string =>
  [header, ...rows].map((r) => r.map((v) => `"${v}"`).join(',')).join('\r\n') + '\r\n';

const LEAD_HEADER = ['Id', 'LastName', 'FirstName', 'Company', 'Email', 'Status', 'OwnerId', 'IsConverted'];
const lead = (id: string, email: string, converted: boolean, created = '2025-06-01'): string[] => [
  id,
  'Smith',
  'Jo',
  'Acme',
  email,
  converted ? 'Closed - Converted' : 'Open - Not Contacted',
  '005000000000001AAA',
  String(converted),
  `${created}T00:00:00.000Z`,
];
const leads = (rows: string[][]): string => csv([...LEAD_HEADER, 'CreatedDate'], rows);

/** A Data Export folder of the given CSVs. */
function exportDir(files: Record<string, string>): string {
  const dir = tmpDir('export-coverage');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** Imports the export as `snapshot --from-export` does and opens the snapshot. */
async function snapshotOf(files: Record<string, string>): Promise<Db> {
  const dir = exportDir(files);
  const out = join(dir, 'snap.duckdb');
  await buildExportSnapshot({ path: dir, out });
  const db = await openDb(out, { readOnly: true });
  opened.push(db);
  return db;
}

const audit = (db: Db): Promise<AuditResult> => runAudit(db, { dedupRules: RULES, stagePolicies: [] });
const plain = (s: string): string => stripVTControlCharacters(s);

/** The only-leads export the reviewer used: two converted leads of the same person, one open lead. */
const ONLY_LEADS = {
  'Lead.csv': leads([
    lead('00Q000000000001AAA', 'jo@acme.com', true, '2024-04-01'),
    lead('00Q000000000002AAA', 'jo@acme.com', true, '2024-05-15'),
    lead('00Q000000000003AAA', 'al@beta.com', false, '2025-06-30'),
  ]),
};

describe('converted leads in an export', () => {
  it("are not counted in the audit's duplicate leads (the Apex finder queries IsConverted = FALSE)", async () => {
    const r = await audit(await snapshotOf(ONLY_LEADS));
    expect(r.duplicates.find((d) => d.object === 'Lead')).toMatchObject({
      records: 1,
      clusters: 0,
      duplicateRecords: 0,
    });
  });

  it('are never proposed for a merge by dedup --from-export; open duplicates still are', async () => {
    const dir = exportDir({
      'Lead.csv': leads([
        lead('00Q0000000000A1AAA', 'jo@acme.com', false),
        lead('00Q0000000000A2AAA', 'jo@acme.com', false),
        lead('00Q0000000000A3AAA', 'jo@acme.com', true),
      ]),
    });
    const r = await dedupSalesforceExport(dir, rule('Lead'));
    expect(toJson(r)).toMatchObject({
      records: 2,
      clusters: [{ memberIds: ['00Q0000000000A1AAA', '00Q0000000000A2AAA'] }],
    });
  });
});

describe("a contact's LastActivityDate in an export", () => {
  it('counts as activity: a contact created in 2022 but active last month is not listed to archive', async () => {
    const header = ['Id', 'LastName', 'Email', 'CreatedDate', 'LastActivityDate'];
    const db = await snapshotOf({
      // the as-of date: the newest lead
      'Lead.csv': leads([lead('00Q000000000003AAA', 'al@beta.com', false, '2025-06-30')]),
      'Contact.csv': csv(header, [
        ['003000000000001AAA', 'Active', 'a@acme.com', '2022-01-01T00:00:00.000Z', '2025-06-01'],
        ['003000000000002AAA', 'Idle', 'i@acme.com', '2022-01-01T00:00:00.000Z', ''],
        ['003000000000003AAA', 'Tasked', 't@acme.com', '2022-01-01T00:00:00.000Z', '2023-01-01'],
      ]),
      'Task.csv': csv(
        ['Id', 'WhoId', 'CreatedDate'],
        [['00T000000000001AAA', '003000000000003AAA', '2025-05-01T00:00:00.000Z']],
      ),
      'Event.csv': csv(['Id', 'WhoId', 'CreatedDate'], []),
    });
    const r = await audit(db);
    expect(r.archive.staleContacts).toBe(1);
    expect(r.archive.sample.map((c) => [c.id, c.lastActivity?.slice(0, 10)])).toEqual([
      ['003000000000002AAA', '2022-01-01'],
    ]);
  });
});

describe('objects missing from the export', () => {
  it('are not available in the audit (grey, with the object named), never 0 duplicates or 0 idle contacts', async () => {
    const r = await audit(await snapshotOf(ONLY_LEADS));
    // the JSON says not computed too: null, not 0 clusters or 0 idle contacts
    expect(r.duplicates.find((d) => d.object === 'Account')).toMatchObject({
      records: null,
      clusters: null,
      duplicateRecords: null,
    });
    expect(r.archive.staleContacts).toBeNull();
    expect(r.notAvailable).toEqual(
      expect.arrayContaining([
        { figure: 'Duplicate accounts', reason: 'not available (the snapshot has no Account records)' },
        { figure: 'Duplicate contacts', reason: 'not available (the snapshot has no Contact records)' },
        {
          figure: 'Stale contacts (archive and e-mail checks)',
          reason: 'not available (the snapshot has no Contact records)',
        },
      ]),
    );
    const kpis = auditDoc(r).sections[0].blocks[0];
    if (kpis.kind !== 'kpis') throw new Error('no kpis');
    expect(kpis.items.find((k) => k.label === 'Duplicate accounts')).toMatchObject({
      value: 'n/a',
      status: 'skipped',
    });
    const human = plain(renderTerminal(auditDoc(r)));
    expect(human).toMatch(
      /Duplicate accounts\s+n\/a\s+\[not checked\]\s+\(not available \(the snapshot has no Account records\)\)/,
    );
    expect(human).toMatch(/Contacts idle 12\+ months \(archive\)\s+n\/a\s+\[not checked\]/);
    expect(human).toMatch(/Duplicate leads\s+0\s+\[on target\]/);
    expect(renderHtml([auditDoc(r)])).toContain('not available (the snapshot has no Contact records)');
  });

  it("are not available in metrics' action reports, not 0 stale deals and 0 unexplained pushes", async () => {
    const db = await snapshotOf(ONLY_LEADS);
    const r = await runActions(db, loadConfig('force-app'));
    expect(r.staleDeals).toEqual({
      available: false,
      reason: 'not available (the snapshot has no Opportunity records, OpportunityHistory records)',
    });
    expect(r.skipsAndPushes).toMatchObject({ available: false });
    expect(r.forecastAccuracy).toMatchObject({ available: false });
    const human = plain(renderTerminal(actionsDoc(r)));
    expect(human).toMatch(
      /Stale deals\s+n\/a\s+\[not checked\]\s+\(not available \(the snapshot has no Opportunity/,
    );
    expect(human).not.toMatch(/Stale open deals|Pushes without a reason/);
  });

  it("leave stage figures not available when every open deal is in a stage no policy names (the org's own)", async () => {
    const OPP = [
      'Id',
      'Name',
      'StageName',
      'IsClosed',
      'IsWon',
      'CloseDate',
      'CreatedDate',
      'OwnerId',
      'LeadSource',
    ];
    const db = await snapshotOf({
      ...ONLY_LEADS,
      'Opportunity.csv': csv(OPP, [
        [
          '006000000000001AAA',
          'Acme',
          'Prospecting',
          'false',
          'false',
          '2025-09-30',
          '2025-01-02T00:00:00.000Z',
          '005000000000001AAA',
          '',
        ],
        [
          '006000000000002AAA',
          'Beta',
          'Qualification',
          'false',
          'false',
          '2025-09-30',
          '2025-02-02T00:00:00.000Z',
          '005000000000001AAA',
          'Web',
        ],
      ]),
      'OpportunityHistory.csv': csv(
        ['Id', 'OpportunityId', 'StageName', 'CreatedDate'],
        [
          ['008000000000001AAA', '006000000000001AAA', 'Prospecting', '2025-01-02T00:00:00.000Z'],
          ['008000000000002AAA', '006000000000002AAA', 'Qualification', '2025-02-02T00:00:00.000Z'],
        ],
      ),
    });
    const config = loadConfig('force-app');
    const stages = config.stagePolicies.map((p) => p.stage).join(', ');
    const reason = `not available (the open deals are in stages no Stage_Policy__mdt names: Prospecting, Qualification; these figures judge the package's stages, which a deploy adds: ${stages})`;
    expect((await runActions(db, config)).staleDeals).toEqual({ available: false, reason });
    const a = await runAudit(db, { dedupRules: RULES, stagePolicies: config.stagePolicies });
    expect(a.missingFields).toEqual([]);
    expect(a.notAvailable).toContainEqual({ figure: 'Required fields missing (open deals)', reason });
    expect(plain(renderTerminal(auditDoc(a)))).toMatch(
      /Required fields missing \(open deals\)\s+n\/a\s+\[not checked\]/,
    );
    // the metrics funnel: not "100%" at every stage of ours, but not available, naming the org's stages
    const m = await computeMetrics(db, {});
    expect(m.sales.stages).toEqual([]);
    expect(m.notAvailable).toContainEqual({
      figure: 'Stage funnel and time in stage',
      reason: expect.stringMatching(
        /^not available \(the deals' stage history is in stages the funnel does not use: Prospecting, Qualification;/,
      ),
    });
    expect(plain(renderTerminal(metricsDoc(m)))).not.toContain('Deals reaching each stage');
  });

  it('are still counted when the export has their CSV without rows (a true 0)', async () => {
    const db = await snapshotOf({
      ...ONLY_LEADS,
      'Opportunity.csv': csv(['Id', 'StageName', 'IsClosed', 'CloseDate', 'CreatedDate'], []),
      'OpportunityHistory.csv': csv(['Id', 'OpportunityId', 'StageName', 'CreatedDate'], []),
      'Account.csv': csv(['Id', 'Name'], []),
    });
    const r = await runActions(db, loadConfig('force-app'));
    expect(r.staleDeals).toMatchObject({ available: true, openDeals: 0, deals: [] });
    const a = await audit(db);
    expect(a.duplicates.find((d) => d.object === 'Account')).toMatchObject({
      records: 0,
      duplicateRecords: 0,
    });
  });

  it('make dedup --from-export say the object is not available and pass on the import warnings', async () => {
    const dir = exportDir(ONLY_LEADS);
    const r = await dedupSalesforceExport(dir, rule('Account'));
    expect(toJson(r)).toEqual({
      clusters: [],
      pairsCompared: 0,
      records: null,
      notAvailable: [
        { figure: 'Duplicate accounts', reason: 'not available (the snapshot has no Account records)' },
      ],
    });
    expect(plain(renderTerminal(dedupDoc(r)))).toMatch(/Records\s+n\/a\s+\[not checked\]/);
    const cli = await runCli<{ result: { records: number | null }; warnings: string[] }>(
      'dedup',
      '--from-export',
      dir,
      '--object',
      'Account',
      '--json',
    );
    expect(cli.code, cli.out + cli.err).toBe(0);
    expect(cli.json.result.records).toBeNull();
    expect(cli.json.warnings.join('\n')).toMatch(
      /The export has no CSV for .*Account.*; those tables are empty/,
    );
  });
});
