// Before install (issue 17): a RevOps lead points the CLI at the weekly Data Export of the org they have today, which
// has never seen our package. The export (the demo org without our fields and objects, several objects split across
// two WE_<orgid>_<n>.ZIP files) imports, and audit, metrics, dedup, backtest and route simulate all exit 0, saying
// "not available before install" where a figure needs what the package adds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import JSZip from 'jszip';
import { runCli } from './runCli.ts';
import { openDb } from '../../scripts/lib/reports/db.ts';
import { generateDemo } from '../../scripts/lib/snapshot/generator.ts';
import { tmpDir, removeTmpDirs } from '../unit/snapshot/helpers.ts';
import { exportWithoutPackage } from '../unit/snapshot/withoutPackage.ts';

afterAll(removeTmpDirs);

interface NotAvailable {
  figure: string;
  reason: string;
}
interface Json {
  status: number;
  message?: string;
  result: Record<string, unknown> & { notAvailable?: NotAvailable[] };
}
const revops = (...argv: string[]) => runCli<Json>(...argv);
const plain = (s: string): string => stripVTControlCharacters(s);
const figures = (j: Json): string[] => (j.result.notAvailable ?? []).map((n) => n.figure);

const ORG = '00D5e000000PREIEAA';
let exportDir: string;
let snap: string;
let leads: number;

/** The first or second half of a CSV's rows, each with the header (an object split across two zips). */
function half(csv: string, which: 0 | 1): string {
  const [header, ...rows] = csv.trimEnd().split('\n');
  const mid = Math.ceil(rows.length / 2);
  return [header, ...(which === 0 ? rows.slice(0, mid) : rows.slice(mid))].join('\n') + '\n';
}

async function writeZip(file: string, entries: Record<string, string>): Promise<void> {
  const zip = new JSZip();
  for (const [name, text] of Object.entries(entries)) zip.file(name, text);
  writeFileSync(file, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
}

beforeAll(async () => {
  const demo = tmpDir('preinstall-demo');
  generateDemo({ leads: 800, seed: 17, dir: demo });
  const csv = exportWithoutPackage(demo, {
    extra: { Account: { Customer_Tier__c: (i) => ['A', 'B', 'C'][i % 3] } },
  });
  leads = csv.get('Lead')!.trimEnd().split('\n').length - 1;
  exportDir = tmpDir('preinstall-export');
  const org = `"Id","Name"\n"${ORG}","Harbor Goods Inc."\n`;
  // Lead, Contact and Task are split across the two zips; the rest sit in one or the other
  await writeZip(join(exportDir, `WE_${ORG}_1.ZIP`), {
    'Organization.csv': org,
    'User.csv': csv.get('User')!,
    'Account.csv': csv.get('Account')!,
    'Lead.csv': half(csv.get('Lead')!, 0),
    'Contact.csv': half(csv.get('Contact')!, 0),
    'Task.csv': half(csv.get('Task')!, 0),
    'Opportunity.csv': csv.get('Opportunity')!,
  });
  await writeZip(join(exportDir, `WE_${ORG}_2.ZIP`), {
    'Lead.csv': half(csv.get('Lead')!, 1),
    'Contact.csv': half(csv.get('Contact')!, 1),
    'Task_1.csv': half(csv.get('Task')!, 1),
    'OpportunityHistory.csv': csv.get('OpportunityHistory')!,
    'Event.csv': csv.get('Event')!,
    'Campaign.csv': csv.get('Campaign')!,
    'CampaignMember.csv': csv.get('CampaignMember')!,
  });
  snap = join(tmpDir('preinstall-snap'), 'before.duckdb');
  const r = await revops('snapshot', '--from-export', exportDir, '--out', snap, '--json');
  expect(r.code, r.out + r.err).toBe(0);
  const result = r.json.result as { orgId: string; counts: Record<string, number>; warnings: string[] };
  expect(result.orgId).toBe(ORG);
  expect(result.counts.Lead).toBe(leads);
  expect(result.counts.SLA_Event__c).toBe(0);
  expect(result.warnings.join(' ')).toMatch(/RevOps package/);
}, 120_000);

describe('reports on the Data Export of an org without our package', () => {
  it('audit exits 0; lifecycle stages are not available before install', async () => {
    const r = await revops('audit', '--snapshot', snap, '--json');
    expect(r.code, r.out).toBe(0);
    expect(figures(r.json)).toContain('Lifecycle stages and bottlenecks');
    expect(r.json.result.lifecycle).toEqual([]);
    const duplicates = r.json.result.duplicates as { object: string; clusters: number }[];
    expect(duplicates.find((d) => d.object === 'Account')!.clusters).toBeGreaterThan(0);
    const human = plain((await revops('audit', '--snapshot', snap)).out);
    expect(human).toMatch(
      /Bottleneck stages\s+n\/a\s+\[not checked\]\s+\(not available before install \(needs Lead\.Lifecycle_Stage__c/,
    );
  });

  it('metrics exits 0; MQL figures say not available before install instead of 0, in terminal, JSON and HTML', async () => {
    const html = join(tmpDir('preinstall-html'), 'metrics.html');
    const r = await revops('metrics', '--snapshot', snap, '--json', '--html', html);
    expect(r.code, r.out).toBe(0);
    expect(figures(r.json)).toEqual([
      'MQLs',
      'Lead → MQL',
      'MQL → SQL',
      'SQL → opportunity',
      'Speed to lead (median, MQLs)',
      'MQLs contacted',
      'Cost per MQL',
    ]);
    const marketing = r.json.result.marketing as { figures: { key: string; value: number | null }[] };
    expect(marketing.figures.find((f) => f.key === 'mqls')!.value).toBeNull();
    expect(marketing.figures.find((f) => f.key === 'leads')!.value).toBeGreaterThan(0);
    expect(readFileSync(html, 'utf8')).toContain('not available before install (needs Lead.MQL_Date__c)');
    const human = plain((await revops('metrics', '--snapshot', snap)).out);
    expect(human).toMatch(/MQLs\s+n\/a\s+\[not checked\]\s+\(not available before install/);
  });

  it('dedup --object Account exits 0 under the Salesforce rule; survivorship by system of record is not available', async () => {
    const r = await revops('dedup', '--snapshot', snap, '--object', 'Account', '--json');
    expect(r.code, r.out).toBe(0);
    expect((r.json.result.clusters as unknown[]).length).toBeGreaterThan(0);
    expect(r.json.result.notAvailable).toEqual([
      {
        figure: 'Survivor by system of record',
        reason:
          'not available before install (needs Account.Is_System_Of_Record__c); survivors are picked by most_recent_activity, oldest_created',
      },
    ]);
  });

  it('dedup --object Lead exits 0 with nothing missing (its rule reads standard fields only)', async () => {
    const r = await revops('dedup', '--snapshot', snap, '--object', 'Lead', '--json');
    expect(r.code, r.out).toBe(0);
    expect((r.json.result.clusters as unknown[]).length).toBeGreaterThan(0);
    // every lead but the converted ones, which dedup leaves out as the Apex finder does
    const db = await openDb(snap, { readOnly: true });
    const [{ n }] = await db.all<{ n: number }>(
      'SELECT count(*)::INTEGER AS n FROM "Lead" WHERE NOT coalesce("IsConverted", false)',
    );
    db.close();
    expect(n).toBeLessThan(leads);
    expect(r.json.result.records).toBe(n);
    expect(Object.keys(r.json.result).sort()).toEqual(['clusters', 'pairsCompared', 'records']);
  });

  it('backtest exits 0, replaying the field rules; engagement is not available before install', async () => {
    const r = await revops('backtest', '--snapshot', snap, '--json');
    expect(r.code, r.out).toBe(0);
    expect(figures(r.json)).toEqual(['Engagement score (signal rules)']);
    expect((r.json.result.test as { leads: number }).leads).toBeGreaterThan(0);
    const human = plain((await revops('backtest', '--snapshot', snap)).out);
    expect(human).toMatch(/Engagement score \(signal rules\)\s+not available before install/);
    const stored = await revops('backtest', '--snapshot', snap, '--stored-scores', '--json');
    expect(stored.code).toBe(1);
    expect(stored.json.message).toMatch(
      /no stored scores: not available before install \(needs Lead\.Fit_Score__c/,
    );
  });

  it('route simulate exits 0; the fallback rate is not available without rep pools', async () => {
    const r = await revops('route', 'simulate', '--snapshot', snap, '--json');
    expect(r.code, r.out).toBe(0);
    expect(r.json.result.fallbackRate).toBeNull();
    expect(figures(r.json)).toEqual(['Fallback rate and fairness across pool reps']);
  });
});

describe('dedup --from-export on the export folder', () => {
  it('uses the Salesforce rule of --object Account and finds what the snapshot run finds', async () => {
    const direct = await revops('dedup', '--from-export', exportDir, '--object', 'Account', '--json');
    expect(direct.code, direct.out).toBe(0);
    const viaSnapshot = await revops('dedup', '--snapshot', snap, '--object', 'Account', '--json');
    expect(direct.json.result.clusters).toEqual(viaSnapshot.json.result.clusters);
    expect(direct.json.result.records).toBe(viaSnapshot.json.result.records);
  });

  it('asks for --object or --mapping instead of assuming a FEBRL person file', async () => {
    const r = await revops('dedup', '--from-export', exportDir, '--json');
    expect(r.code).toBe(2);
    expect(r.json.message).toMatch(/--from-export needs --object Lead, Contact or Account/);
    expect(r.json.message).not.toMatch(/rec_id/);
  });
});
