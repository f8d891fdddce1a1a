// Before install (issue 17): the Data Export of an org that has never seen our package imports as it is (our
// fields and objects optional, formulas only from inputs that exist, customers' own fields kept), the provenance
// says what the source lacked, and a load error names its real cause.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import JSZip from 'jszip';
import { generateDemo } from '../../../scripts/lib/snapshot/generator.ts';
import { buildExportSnapshot, loadErrorCause } from '../../../scripts/lib/snapshot/build.ts';
import { csvObject } from '../../../scripts/lib/snapshot/exportSource.ts';
import { SCHEMA } from '../../../scripts/lib/snapshot/schema.ts';
import { openDb } from '../../../scripts/lib/reports/db.ts';
import { snapshotCoverage, type SnapshotCoverage } from '../../../scripts/lib/reports/coverage.ts';
import { computeMetrics } from '../../../scripts/lib/reports/metrics.ts';
import { query, tmpDir, removeTmpDirs } from './helpers.ts';
import {
  exportWithoutPackage,
  OUR_OBJECTS,
  ourFields,
  type WithoutPackageOptions,
} from './withoutPackage.ts';

afterAll(removeTmpDirs);

let demoDir: string;
beforeAll(() => {
  demoDir = tmpDir('before-install-demo');
  generateDemo({ leads: 300, seed: 11, dir: demoDir });
});

/** Writes the stripped export as a folder of <Object>.csv and imports it. */
async function importWithout(opts: WithoutPackageOptions = {}) {
  const dir = tmpDir('before-install');
  const files = exportWithoutPackage(demoDir, opts);
  for (const [object, text] of files) writeFileSync(join(dir, `${object}.csv`), text);
  const out = join(dir, 'snap.duckdb');
  const result = await buildExportSnapshot({ path: dir, out });
  const db = await openDb(out, { readOnly: true, requireProvenance: true });
  let coverage: SnapshotCoverage;
  try {
    coverage = await snapshotCoverage(db);
  } finally {
    db.close();
  }
  return { result, out, files, coverage };
}

const columnsOf = async (file: string, table: string): Promise<string[]> =>
  (
    await query(
      file,
      `SELECT column_name AS c FROM information_schema.columns WHERE table_name = '${table}' ORDER BY ordinal_position`,
    )
  ).map((r) => String(r.c));

describe('the Data Export of an org without our package', () => {
  it('imports with our fields blank (Total_Score__c not computed from nothing) and provenance naming them', async () => {
    const { result, out, files, coverage } = await importWithout();
    expect(files.get('Lead')!.split('\n')[0]).not.toMatch(/__c/);
    expect(result.counts.Lead).toBe(300);
    const [lead] = await query(
      out,
      `SELECT count(*) AS n, count(Total_Score__c) AS total, count(Fit_Score__c) AS fit, count(Email) AS email FROM "Lead"`,
    );
    expect(lead).toEqual({ n: 300, total: 0, fit: 0, email: expect.any(Number) });
    expect(lead.email).toBeGreaterThan(250);
    const [prov] = await query(out, `SELECT in_source, absent_fields FROM _provenance WHERE object = 'Lead'`);
    expect(prov.in_source).toBe(true);
    // every field of ours, the formula too; no standard field
    expect(JSON.parse(String(prov.absent_fields))).toEqual(ourFields('Lead'));
    expect(coverage.has('Lead', 'Fit_Score__c')).toBe(false);
    expect(coverage.has('Lead', 'Total_Score__c')).toBe(false);
    expect(coverage.has('Lead', 'Email')).toBe(true);
    expect(coverage.check('Speed to lead', ['Lead.Speed_To_Lead_Minutes__c', 'Lead.CreatedDate'])).toEqual({
      figure: 'Speed to lead',
      reason: 'not available before install (needs Lead.Speed_To_Lead_Minutes__c)',
    });
    expect(result.warnings.join('\n')).toMatch(
      /no Rep_Availability__c, Engagement_Event__c, .*RevOps package/,
    );
  });

  it('makes each of our objects an empty table with its columns, recorded as not in the source', async () => {
    const { out, coverage } = await importWithout();
    for (const object of OUR_OBJECTS) {
      expect(await columnsOf(out, object), object).toEqual(SCHEMA[object].fields.map(([n]) => n));
      expect((await query(out, `SELECT count(*) AS n FROM "${object}"`))[0].n, object).toBe(0);
      expect(coverage.has(object), object).toBe(false);
    }
    const prov = await query(out, `SELECT object FROM _provenance WHERE NOT in_source ORDER BY object`);
    expect(prov.map((r) => r.object)).toEqual([...OUR_OBJECTS].sort());
    expect(coverage.check('SLA compliance', ['SLA_Event__c', 'Lead.SLA_Status__c'])?.reason).toBe(
      'not available before install (needs SLA_Event__c records, Lead.SLA_Status__c)',
    );
  });

  it('imports without standard objects (no Opportunity, OpportunityHistory, Task): empty tables, named as absent', async () => {
    const drop = ['Opportunity', 'OpportunityHistory', 'Task'];
    const { result, out, coverage } = await importWithout({ drop });
    expect(result.warnings[0]).toBe(
      'The export has no CSV for Opportunity, OpportunityHistory, Task; those tables are empty.',
    );
    for (const object of drop) {
      expect(await columnsOf(out, object)).toEqual(SCHEMA[object].fields.map(([n]) => n));
      expect(coverage.has(object)).toBe(false);
    }
    expect(coverage.has('Lead')).toBe(true);
    // a standard object the export lacks is not blamed on the install
    expect(coverage.check('Win rate', ['Opportunity.IsWon'])?.reason).toBe(
      'not available (the snapshot has no Opportunity records)',
    );
    // the metrics say so instead of $0 of pipeline and a blank win rate
    const db = await openDb(out, { readOnly: true, requireProvenance: true });
    try {
      const m = await computeMetrics(db);
      const pipeline = m.sales.figures.find((f) => f.key === 'pipeline')!;
      expect(pipeline).toMatchObject({ value: null, status: 'skipped' });
      expect(pipeline.note).toBe('not available (the snapshot has no Opportunity records)');
      expect(m.notAvailable.map((n) => n.figure)).toContain('Win rate');
      expect(m.marketing.figures.find((f) => f.key === 'leads')!.value).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  });

  it("keeps the customer's own custom fields as extra text columns, not counted as ours", async () => {
    const { out, coverage } = await importWithout({
      extra: {
        Account: { Partner_Tier__c: (i) => ['Gold', 'Silver', ''][i % 3], Region__c: (i) => `R${i % 4}` },
        Lead: { Lead_Grade__c: (i) => 'ABC'[i % 3] },
      },
    });
    const cols = await columnsOf(out, 'Account');
    expect(cols.slice(-2)).toEqual(['Partner_Tier__c', 'Region__c']);
    const [a] = await query(
      out,
      `SELECT typeof(Partner_Tier__c) AS t, count(*) FILTER (WHERE Partner_Tier__c = 'Gold') AS gold, count(Partner_Tier__c) AS filled, count(DISTINCT Region__c) AS regions, count(*) AS n FROM "Account" GROUP BY 1`,
    );
    expect(a.t).toBe('VARCHAR');
    expect(a.gold).toBe(Math.ceil(Number(a.n) / 3));
    expect(a.filled).toBe(Number(a.n) - Math.floor(Number(a.n) / 3)); // '' is blank
    expect(a.regions).toBe(4);
    expect((await query(out, `SELECT count(DISTINCT Lead_Grade__c) AS g FROM "Lead"`))[0].g).toBe(3);
    const [prov] = await query(out, `SELECT absent_fields FROM _provenance WHERE object = 'Account'`);
    expect(JSON.parse(String(prov.absent_fields))).toEqual(ourFields('Account'));
    expect(coverage.has('Account', 'Partner_Tier__c')).toBe(true);
  });

  it('records nothing absent for a full export (the demo org, package installed)', async () => {
    const out = join(tmpDir('before-install-full'), 'snap.duckdb');
    await buildExportSnapshot({ path: demoDir, out });
    const prov = await query(
      out,
      `SELECT object FROM _provenance WHERE NOT in_source OR absent_fields <> '[]' ORDER BY object`,
    );
    expect(prov).toEqual([]);
  });
});

describe('an object split into several files', () => {
  it('merges Lead.csv and Lead_1.csv of one zip with Lead_2.csv of the next, in part order', async () => {
    const files = exportWithoutPackage(demoDir);
    const [header, ...rows] = files.get('Lead')!.trimEnd().split('\n');
    const part = (from: number, to: number) => [header, ...rows.slice(from, to)].join('\n') + '\n';
    const dir = tmpDir('before-install-split');
    const zip = async (name: string, entries: Record<string, string>) => {
      const z = new JSZip();
      for (const [n, t] of Object.entries(entries)) z.file(n, t);
      writeFileSync(join(dir, name), await z.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
    };
    // the zip lists the later part first: the parts still load in order
    await zip('WE_00D5e000000abcdEAA_1.ZIP', {
      'Lead_1.csv': part(100, 200),
      'Lead.csv': part(0, 100),
      'Account.csv': files.get('Account')!,
    });
    await zip('WE_00D5e000000abcdEAA_2.ZIP', { 'Lead_2.csv': part(200, rows.length) });
    const out = join(dir, 'snap.duckdb');
    const r = await buildExportSnapshot({ path: dir, out });
    expect(r.counts.Lead).toBe(rows.length);
    expect(r.counts.Account).toBeGreaterThan(0);
    const [d] = await query(out, `SELECT count(DISTINCT Id) AS ids FROM "Lead"`);
    expect(d.ids).toBe(rows.length);
  });

  it('reads a part name as its object only when the base is an object', () => {
    expect(csvObject('Lead_1.csv')).toBe('Lead');
    expect(csvObject('/x/Engagement_Event__c_12.csv')).toBe('Engagement_Event__c');
    expect(csvObject('Lead.csv')).toBe('Lead');
    expect(csvObject('SLA_Event__c.csv')).toBe('SLA_Event__c');
    expect(csvObject('Partner_1.csv')).toBe('Partner_1');
  });
});

describe('the cause of a file DuckDB would not load', () => {
  it('names a missing column as a missing column, never as an encoding problem', () => {
    const r = loadErrorCause(
      'Lead.csv (from WE_00D5e000000abcdEAA_1.ZIP)',
      'Binder Error: Referenced column "Fit_Score__c" not found in FROM clause!\nCandidate bindings: "Email"',
    );
    expect(r.message).toBe(
      'Could not read Lead.csv (from WE_00D5e000000abcdEAA_1.ZIP): the file has no "Fit_Score__c" column, which the import needs.',
    );
    expect(r.actions.join(' ')).toMatch(/Add a "Fit_Score__c" column/);
    expect(r.actions.join(' ')).not.toMatch(/UTF-8|encoding/i);
  });

  it("keeps DuckDB's reason and line, which come after the record it quotes", () => {
    // DuckDB 1.5's message for a long line (the record it quotes cut short here)
    const r = loadErrorCause(
      'Lead.csv',
      'Invalid Input Error: CSV Error on Line: 2\nOriginal Line: "00Q000000000001AAA","A","text\nspanning lines"\n' +
        'Maximum line size of 2000000 bytes exceeded. Actual Size:2359325 bytes.\n\n' +
        'Possible Solution: Change the maximum length size, e.g., max_line_size=2359327\n\n  file = /x/Lead.csv\n  delimiter = , (Set By User)\n',
    );
    expect(r.message).toBe(
      'Could not read Lead.csv: line 2: Maximum line size of 2000000 bytes exceeded. Actual Size:2359325 bytes.',
    );
    expect(r.actions.join(' ')).not.toMatch(/hand-made CSV/);
    const conv = loadErrorCause(
      'Account.csv',
      'Conversion Error: CSV Error on Line: 3\nOriginal Line: "y","zz"\nError when converting column "b". Could not convert string "zz" to \'DOUBLE\'\n\nColumn b is being converted as type DOUBLE\n',
    );
    expect(conv.message).toBe(
      `Could not read Account.csv: line 3: Error when converting column "b". Could not convert string "zz" to 'DOUBLE'`,
    );
  });

  it('suggests UTF-8 only for a decoding error', () => {
    const bad = loadErrorCause(
      'Account.csv',
      'Invalid Input Error: Invalid unicode (byte sequence mismatch) detected in value construction',
    );
    expect(bad.message).toBe(
      'Could not read Account.csv: Invalid unicode (byte sequence mismatch) detected in value construction',
    );
    expect(bad.actions[0]).toMatch(/Unicode \(UTF-8\)/);
    const other = loadErrorCause('Account.csv', 'Conversion Error: Could not convert string "x" to DOUBLE');
    expect(other.actions.join(' ')).not.toMatch(/UTF-8/);
  });
});
