// The audit's enrichment accuracy check on a fixture snapshot: what each provider enriched (Enrichment_Sources__c),
// the deterministic sample to verify by hand and its CSV, the accuracy per provider and field once the CSV comes back
// verified, and "not available before install" for a snapshot of an org without the field.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../e2e/runCli.ts';
import { fixtureSnapshot, type FixtureRow } from './fixture.ts';
import {
  accuracyRows,
  enrichmentAudit,
  enrichmentSampleCsv,
  parseVerified,
  wilson,
  type VerifiedRow,
} from '../../../scripts/lib/reports/audit/enrichment.ts';
import { auditDoc, runAudit } from '../../../scripts/lib/reports/audit.ts';
import { renderTerminal } from '../../../scripts/lib/render/terminal.ts';
import { ReportError, type Db } from '../../../scripts/lib/reports/db.ts';

const AT = '2026-11-20T09:00:00.000Z';
const src = (fields: Record<string, string>): string =>
  JSON.stringify(
    Object.fromEntries(Object.entries(fields).map(([f, provider]) => [f, { provider, at: AT }])),
  );

const leads: FixtureRow[] = Array.from({ length: 30 }, (_, i) => ({
  Id: `00Q${String(i).padStart(3, '0')}`,
  Status: 'Open',
  OwnerId: '005A',
  CreatedDate: '2026-11-01 00:00:00',
  Industry: i % 2 ? 'Software' : 'Finance',
  NumberOfEmployees: 100 + i,
  AnnualRevenue: 1_000_000 * i,
  ...(i < 10 ? { Tech_Stack__c: 'Salesforce;Snowflake' } : {}),
  Enrichment_Sources__c: src(
    i < 10
      ? {
          Industry: 'clearbit',
          NumberOfEmployees: 'clearbit',
          AnnualRevenue: 'zoominfo',
          Tech_Stack__c: 'clearbit',
        }
      : { Industry: 'clearbit', NumberOfEmployees: 'clearbit' },
  ),
}));
leads.push({
  Id: '00Q900',
  Status: 'Open',
  OwnerId: '005A',
  CreatedDate: '2026-11-01 00:00:00',
  Enrichment_Sources__c: 'not json',
});
leads.push({
  Id: '00Q901',
  Status: 'Open',
  OwnerId: '005A',
  CreatedDate: '2026-11-01 00:00:00',
  Industry: 'Retail',
});

let db: Db;
let dbPath: string;
let before: Db;
beforeAll(async () => {
  ({ db, path: dbPath } = await fixtureSnapshot(
    {
      Lead: leads,
      Contact: [
        {
          Id: '003A',
          CreatedDate: '2026-11-01 00:00:00',
          Title: 'CFO',
          Enrichment_Sources__c: src({ Title: 'apollo' }),
        },
      ],
      Account: [
        {
          Id: '001A',
          Name: 'Acme',
          Industry: 'Healthcare',
          Enrichment_Sources__c: src({ Industry: 'zoominfo' }),
        },
      ],
      // a complete snapshot for the CLI (revops audit refuses a file without provenance)
      _provenance: [{ object: 'Lead', created_at: '2026-12-01 00:00:00' }],
    },
    {
      _provenance: [
        ['object', 'VARCHAR'],
        ['created_at', 'TIMESTAMP'],
      ],
    },
  ));
  // an org without our package: the export had no Enrichment_Sources__c (recorded in _provenance)
  ({ db: before } = await fixtureSnapshot(
    {
      Lead: [{ Id: '00Q1', Status: 'Open', OwnerId: '005A', CreatedDate: '2026-11-01 00:00:00' }],
      _provenance: ['Lead', 'Contact', 'Account'].map((object) => ({
        object,
        in_source: true,
        absent_fields: JSON.stringify([
          'Enrichment_Sources__c',
          'Lifecycle_Stage__c',
          'Lifecycle_Stage_Entered_At__c',
        ]),
      })),
    },
    {
      _provenance: [
        ['object', 'VARCHAR'],
        ['in_source', 'BOOLEAN'],
        ['absent_fields', 'VARCHAR'],
        ['created_at', 'TIMESTAMP'],
      ],
    },
  ));
});
afterAll(() => {
  db.close();
  before.close();
});

describe('enrichment audit: what each provider filled', () => {
  it('counts records and values per provider and field; an unreadable Enrichment_Sources__c counts as none', async () => {
    const e = await enrichmentAudit(db, { sampleSize: 5 });
    expect(e.notAvailable).toEqual([]);
    expect(e.providers).toEqual([
      { provider: 'apollo', records: 1, fields: [{ object: 'Contact', field: 'Title', count: 1 }] },
      {
        provider: 'clearbit',
        records: 30,
        fields: [
          { object: 'Lead', field: 'Industry', count: 30 },
          { object: 'Lead', field: 'NumberOfEmployees', count: 30 },
          { object: 'Lead', field: 'Tech_Stack__c', count: 10 },
        ],
      },
      {
        provider: 'zoominfo',
        records: 11,
        fields: [
          { object: 'Lead', field: 'AnnualRevenue', count: 10 },
          { object: 'Account', field: 'Industry', count: 1 },
        ],
      },
    ]);
  });

  it('draws the same sample for the same snapshot and seed, at most N per provider, with the current values', async () => {
    const a = await enrichmentAudit(db, { sampleSize: 5, seed: 7 });
    const b = await enrichmentAudit(db, { sampleSize: 5, seed: 7 });
    const c = await enrichmentAudit(db, { sampleSize: 5, seed: 8 });
    expect(a.sample).toEqual(b.sample);
    expect(a.sample.map((s) => `${s.recordId}|${s.field}`)).not.toEqual(
      c.sample.map((s) => `${s.recordId}|${s.field}`),
    );
    const per = (p: string) => a.sample.filter((s) => s.provider === p).length;
    expect([per('apollo'), per('clearbit'), per('zoominfo')]).toEqual([1, 5, 5]);
    for (const s of a.sample) {
      const lead = leads.find((l) => l.Id === s.recordId);
      if (s.object === 'Lead') expect(s.value).toBe(String(lead![s.field])); // Tech_Stack__c is a column too
      expect(s.at).toBe(AT);
    }
    expect(a.sample.find((s) => s.object === 'Contact')).toMatchObject({ field: 'Title', value: 'CFO' });
    // the tech stack is a snapshot column: its sampled value is the lead's, not blank
    const all = await enrichmentAudit(db, { sampleSize: 100 });
    expect(all.sample.filter((s) => s.field === 'Tech_Stack__c').map((s) => s.value)).toEqual(
      Array(10).fill('Salesforce;Snowflake'),
    );
  });

  it('writes the sample CSV with a link to each record and a blank correct column', async () => {
    const e = await enrichmentAudit(db, { sampleSize: 2 });
    const csv = enrichmentSampleCsv(e.sample, 'https://acme.my.salesforce.com');
    const lines = csv.replace('\uFEFF', '').trimEnd().split('\r\n');
    expect(lines[0]).toBe('record_link,object,record_id,field,enriched_value,provider,enriched_at,correct');
    expect(lines).toHaveLength(1 + e.sample.length);
    expect(lines).toContain(
      `https://acme.my.salesforce.com/lightning/r/Contact/003A/view,Contact,003A,Title,CFO,apollo,${AT},`,
    );
    expect(lines.slice(1).every((l) => l.endsWith(','))).toBe(true);
  });
});

describe('enrichment audit: accuracy from the verified sample', () => {
  it('gives the 95% Wilson interval', () => {
    const w = wilson(9, 10);
    expect(w.low).toBeCloseTo(0.5958, 3);
    expect(w.high).toBeCloseTo(0.9821, 3);
    expect(wilson(0, 0)).toEqual({ low: 0, high: 1 });
  });

  it('reads the CSV back, measures accuracy per provider and field, and flags the fields below the threshold', async () => {
    const e = await enrichmentAudit(db, { sampleSize: 10 });
    const csv = enrichmentSampleCsv(e.sample);
    // the reviewer: clearbit's Industry is wrong on every other record checked, the rest right; one row left blank
    let odd = false;
    const lines = csv.split('\r\n');
    const last = lines.filter((l) => l !== '').length - 1;
    const verified = lines
      .map((line, i) => {
        if (i === 0 || i === last || line === '') return line; // the last row left blank: not checked
        const wrong = line.includes(',Industry,') && line.includes(',clearbit,') && (odd = !odd);
        return line + (wrong ? 'n' : 'Y');
      })
      .join('\r\n');
    const rows = parseVerified(verified, 'verified.csv');
    expect(rows).toHaveLength(e.sample.length - 1);
    const r = await enrichmentAudit(db, { sampleSize: 10, verified: rows, threshold: 0.9 });
    const industry = r.accuracy!.find((a) => a.provider === 'clearbit' && a.field === 'Lead.Industry')!;
    expect(industry.verified).toBeGreaterThan(1);
    expect(industry.accuracy).toBeLessThan(0.9);
    expect(industry.flagged).toBe(true);
    expect(industry.action).toMatch(
      /lower clearbit's rank for Lead\.Industry \(Rank__c on its Enrichment_Mapping__mdt/,
    );
    const revenue = r.accuracy!.find((a) => a.provider === 'zoominfo' && a.field === 'Lead.AnnualRevenue')!;
    expect(revenue).toMatchObject({ accuracy: 1, flagged: false, action: null });
    expect(r.accuracy!.filter((a) => a.field === 'all fields').map((a) => a.provider)).toEqual([
      'apollo',
      'clearbit',
      'zoominfo',
    ]);
  });

  it('says whether the evidence is conclusive: the whole interval below the threshold, or verify more', () => {
    const rows = (provider: string, field: string, k: number, n: number): VerifiedRow[] =>
      Array.from({ length: n }, (_, i) => ({
        object: 'Lead',
        recordId: `r${i}`,
        field,
        provider,
        correct: i < k,
      }));
    const a = accuracyRows([...rows('apollo', 'Industry', 6, 20), ...rows('apollo', 'Title', 4, 5)], 0.9);
    const industry = a.find((x) => x.field === 'Lead.Industry')!;
    const title = a.find((x) => x.field === 'Lead.Title')!;
    expect(industry).toMatchObject({ verified: 20, correct: 6, accuracy: 0.3, flagged: true });
    expect(industry.high).toBeLessThan(0.9);
    expect(industry.action).toMatch(/even the upper bound of the interval is below 90%/);
    expect(title).toMatchObject({ accuracy: 0.8, flagged: true });
    expect(title.action).toMatch(/verify more records first: the interval still reaches 90%/);
    expect(a.find((x) => x.field === 'all fields')!.action).toMatch(
      /lower apollo's rank \(Enrichment_Provider__mdt\.Rank__c/,
    );
  });

  it('refuses a verified file without the needed columns or with an answer that is neither yes nor no', () => {
    expect(() => parseVerified('record_id,field\r\n001,Industry\r\n', 'v.csv')).toThrow(
      /v\.csv has no column object, provider, correct/,
    );
    const bad = 'object,record_id,field,provider,correct\r\nLead,00Q1,Industry,clearbit,maybe\r\n';
    expect(() => parseVerified(bad, 'v.csv')).toThrow(ReportError);
    expect(() => parseVerified(bad, 'v.csv')).toThrow(/row 2: correct is "maybe"/);
  });

  it('refuses a threshold that is not a fraction', async () => {
    await expect(enrichmentAudit(db, { threshold: 90 })).rejects.toThrow(/at most 1 \(got 90\)/);
  });
});

describe('enrichment audit in the quarterly audit', () => {
  it('shows the fields, the sample and, with a verified sample, the flagged accuracy in the document', async () => {
    const verified: VerifiedRow[] = Array.from({ length: 10 }, (_, i) => ({
      object: 'Lead',
      recordId: `00Q00${i}`,
      field: 'AnnualRevenue',
      provider: 'zoominfo',
      correct: i < 5,
    }));
    const r = await runAudit(db, { dedupRules: [], stagePolicies: [], enrichmentVerified: verified });
    const text = renderTerminal(auditDoc(r));
    expect(text).toContain('Enrichment accuracy by provider');
    expect(text).toContain('Fields enriched per provider');
    expect(text).toMatch(/zoominfo\s+Lead\.AnnualRevenue\s+10\s+5\s+50\.0%/);
    expect(text).toContain("lower zoominfo's rank for Lead.AnnualRevenue");
  });

  it('before install: not available, named in the not-available list, and no section', async () => {
    const e = await enrichmentAudit(before);
    expect(e.notAvailable).toEqual([
      {
        figure: 'Enrichment accuracy by provider',
        reason:
          'not available before install (needs Lead.Enrichment_Sources__c, Contact.Enrichment_Sources__c, Account.Enrichment_Sources__c)',
      },
    ]);
    const r = await runAudit(before, { dedupRules: [], stagePolicies: [] });
    expect(r.notAvailable.map((n) => n.figure)).toContain('Enrichment accuracy by provider');
    expect(auditDoc(r).sections.map((s) => s.title)).not.toContain('Enrichment accuracy by provider');
  });
});

describe('revops audit --enrichment-sample / --enrichment-verified', () => {
  it('writes the sample CSV, reads it back verified and flags the provider; a bad threshold is refused', async () => {
    const sample = join(mkdtempSync(join(tmpdir(), 'revops-enrich-')), 'sample.csv');
    const first = await runCli<{ result: { enrichment: { sample: unknown[] } } }>(
      'audit',
      '--snapshot',
      dbPath,
      '--enrichment-sample',
      sample,
      '--sample-size',
      '3',
      '--json',
    );
    expect(first.code, first.out + first.err).toBe(0);
    const lines = readFileSync(sample, 'utf8')
      .split('\r\n')
      .filter((l) => l !== '');
    expect(lines).toHaveLength(1 + first.json.result.enrichment.sample.length);
    // every field checked and found wrong
    writeFileSync(sample, lines.map((l, i) => (i === 0 ? l : `${l}n`)).join('\r\n') + '\r\n');
    const second = await runCli<{
      result: { enrichment: { accuracy: { provider: string; field: string; flagged: boolean }[] } };
    }>('audit', '--snapshot', dbPath, '--enrichment-verified', sample, '--json');
    expect(second.code, second.out + second.err).toBe(0);
    const totals = second.json.result.enrichment.accuracy.filter((a) => a.field === 'all fields');
    expect(totals.map((a) => [a.provider, a.flagged])).toEqual([
      ['apollo', true],
      ['clearbit', true],
      ['zoominfo', true],
    ]);
    const bad = await runCli('audit', '--snapshot', dbPath, '--accuracy-threshold', '90');
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/at most 1 \(got 90\)/);
  });
});
