// Import integrity (issue 13): a Data Export is imported exactly or refused with a message naming the file, the
// line and the column. Zips and CSVs are built in the tests.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import JSZip from 'jszip';
import { buildExportSnapshot } from '../../../scripts/lib/snapshot/build.ts';
import { generateDemo } from '../../../scripts/lib/snapshot/generator.ts';
import { query, tmpDir, removeTmpDirs } from './helpers.ts';

afterAll(removeTmpDirs);

const HEADER = '"Id","Name","CreatedDate"';
const acc = (i: number, name = `Company ${i}`, created = '2026-01-05T10:00:00.000Z'): string =>
  `"0015e00000${String(i).padStart(5, '0')}AAA","${name}","${created}"`;
const accounts = (n: number, from = 1): string[] => Array.from({ length: n }, (_, i) => acc(from + i));

async function zipBuffer(
  entries: Array<[string, string]>,
  compression: 'STORE' | 'DEFLATE' = 'DEFLATE',
): Promise<Buffer> {
  const zip = new JSZip();
  for (const [name, text] of entries) zip.file(name, text);
  return zip.generateAsync({ type: 'nodebuffer', compression });
}

/** Builds an export folder (or file) and imports it; returns the error (or null) and where the snapshot would go. */
async function importOf(
  files: Record<string, string | Buffer>,
  pick?: string,
): Promise<{ err: (Error & { actions?: string[] }) | null; out: string; dir: string }> {
  const dir = tmpDir('integrity');
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  const out = join(dir, 'snap.duckdb');
  const err = await buildExportSnapshot({ path: pick ? join(dir, pick) : dir, out }).then(
    () => null,
    (e: Error) => e,
  );
  if (err) {
    expect(existsSync(out), 'no snapshot when refused').toBe(false);
    expect(existsSync(`${out}.partial`), 'no partial file when refused').toBe(false);
  }
  return { err, out, dir };
}

describe('zip integrity', () => {
  it('refuses a stored (uncompressed) entry whose data does not match its CRC-32', async () => {
    const csv = [HEADER, ...accounts(3)].join('\n') + '\n';
    const zip = await zipBuffer([['Account.csv', csv]], 'STORE');
    const at = zip.indexOf('Company 2');
    zip[at] = 'X'.charCodeAt(0); // one byte flipped on disk: "Xompany 2"
    const { err } = await importOf({ 'WE_00D5e000000abcdEAA_1.ZIP': zip });
    expect(err).toMatchObject({ name: 'ExportCorrupt' });
    expect(err!.message).toMatch(
      /^WE_00D5e000000abcdEAA_1\.ZIP: Account\.csv is damaged: its data has CRC-32 [0-9A-F]{8}, the zip records [0-9A-F]{8}\.$/,
    );
    expect(err!.actions!.join(' ')).toMatch(/Download the export again/);
  });

  it('refuses two entries of the same name in one zip (the second would overwrite the first: rows lost)', async () => {
    // JSZip will not write a name twice: write Lxad.csv, then rename it in the local and central headers
    const zip = await zipBuffer([
      ['Account.csv', [HEADER, ...accounts(3)].join('\n') + '\n'],
      ['Axxount.csv', [HEADER, ...accounts(3, 10)].join('\n') + '\n'],
    ]);
    let i = -1;
    while ((i = zip.indexOf('Axxount.csv', i + 1)) >= 0) zip.write('Account.csv', i);
    const same = await importOf({ 'WE_00D5e000000abcdEAA_1.ZIP': zip });
    expect(same.err).toMatchObject({ name: 'ExportInvalid' });
    expect(same.err!.message).toBe(
      'WE_00D5e000000abcdEAA_1.ZIP holds Account.csv twice (two entries named Account.csv): one would overwrite the other and its rows would be lost.',
    );
    const folders = await importOf({
      'export.zip': await zipBuffer([
        ['part1/Account.csv', [HEADER, ...accounts(2)].join('\n') + '\n'],
        ['part2/Account.csv', [HEADER, ...accounts(2, 5)].join('\n') + '\n'],
      ]),
    });
    expect(folders.err!.message).toMatch(
      /export\.zip holds Account\.csv twice \(part1\/Account\.csv and part2\/Account\.csv\)/,
    );
  });

  it('refuses exports of two different orgs (zip names, or Organization.csv against the zip name) instead of merging them', async () => {
    const a = await zipBuffer([['Account.csv', [HEADER, ...accounts(2)].join('\n') + '\n']]);
    const b = await zipBuffer([['Account.csv', [HEADER, ...accounts(2, 5)].join('\n') + '\n']]);
    const byName = await importOf({ 'WE_00D5e000000abcdEAA_1.ZIP': a, 'WE_00D5e000000wxyzEAA_2.ZIP': b });
    expect(byName.err).toMatchObject({ name: 'ExportMixedOrgs' });
    expect(byName.err!.message).toMatch(
      /holds exports of 2 different orgs: 00D5e000000abcdEAA \(WE_00D5e000000abcdEAA_1\.ZIP\); 00D5e000000wxyzEAA \(WE_00D5e000000wxyzEAA_2\.ZIP\)/,
    );
    const other = await zipBuffer([
      ['Account.csv', [HEADER, ...accounts(2, 5)].join('\n') + '\n'],
      ['Organization.csv', '"Id","Name"\n"00D5e000000wxyzEAA","Other Inc"\n'],
    ]);
    const byData = await importOf({ 'WE_00D5e000000abcdEAA_1.ZIP': a, 'WE_00D5e000000abcdEAA_2.ZIP': other });
    expect(byData.err!.message).toMatch(
      /00D5e000000wxyzEAA \(Organization\.csv in WE_00D5e000000abcdEAA_2\.ZIP\)/,
    );
    // the same org written as 15 and 18 characters is one org
    const same = await importOf({
      'WE_00D5e000000abcdEAA_1.ZIP': a,
      'WE_00D5e000000abcd_2.ZIP': await zipBuffer([
        ['Account.csv', [HEADER, ...accounts(2, 5)].join('\n') + '\n'],
        ['Organization.csv', '"Id","Name"\n"00D5e000000abcdEAA","Acme"\n'],
      ]),
    });
    expect(same.err).toBeNull();
    expect(await query(same.out, `SELECT count(*) AS n FROM "Account"`)).toEqual([{ n: 4 }]);
    expect(await query(same.out, `SELECT DISTINCT org_id FROM "_provenance"`)).toEqual([
      { org_id: '00D5e000000abcdEAA' },
    ]);
  });
});

describe('CSV integrity', () => {
  it('converts datetimes with a UTC offset to UTC (whatever the zone of the machine)', async () => {
    const tz = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      const { err, out } = await importOf({
        'Account.csv': [
          HEADER,
          acc(1, 'Plus two', '2026-01-31T14:05:00.000+02:00'),
          acc(2, 'Zulu', '2026-01-31T14:05:00.000Z'),
          acc(3, 'Minus five', '2026-01-31T14:05:00-0500'),
          acc(4, 'Date only', '2026-01-31'),
        ].join('\n'),
      });
      expect(err).toBeNull();
      const rows = await query(
        out,
        `SELECT Name, strftime(CreatedDate, '%Y-%m-%dT%H:%M:%S') AS t, typeof(CreatedDate) AS type FROM "Account" ORDER BY Id`,
      );
      expect(rows).toEqual([
        { Name: 'Plus two', t: '2026-01-31T12:05:00', type: 'TIMESTAMP' },
        { Name: 'Zulu', t: '2026-01-31T14:05:00', type: 'TIMESTAMP' },
        { Name: 'Minus five', t: '2026-01-31T19:05:00', type: 'TIMESTAMP' },
        { Name: 'Date only', t: '2026-01-31T00:00:00', type: 'TIMESTAMP' },
      ]);
      const [p] = await query(out, `SELECT strftime(created_at, '%H') AS h FROM "_provenance" LIMIT 1`);
      expect(p.h).toBe(new Date().toISOString().slice(11, 13)); // the time taken, in UTC
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });

  it('refuses a broken quote, naming the file, line and column (it loaded "broken extr")', async () => {
    const lines = [HEADER, ...accounts(40)];
    lines[31] = `"0015e000000BROKAAA","Broken" extra,"2026-01-05T10:00:00.000Z"`;
    const { err, dir } = await importOf({ 'Account.csv': lines.join('\n') + '\n' });
    expect(err).toMatchObject({ name: 'ExportUnreadable' });
    expect(err!.message).toBe(
      `Could not read ${join(dir, 'Account.csv')}: line 32, column 2 (Name): a quote inside a quoted value is not doubled (text follows the closing quote).`,
    );
    expect(err!.actions![0]).toMatch(/a quote inside it is written twice/);
  });

  it('names the physical line after a value spanning lines, and a quote never closed', async () => {
    const lines = [
      HEADER,
      acc(1),
      `"0015e000000MULTAAA","Two\nlines","2026-01-05T10:00:00.000Z"`,
      acc(3),
      `"0015e000000OPENAAA","Open,"2026-01-05T10:00:00.000Z"`,
      acc(4),
    ];
    const { err } = await importOf({ 'Account.csv': lines.join('\n') + '\n' });
    // header 1, acc 2, the two-line value 3-4, acc 5, the broken line 6
    expect(err!.message).toMatch(
      /Account\.csv: line 6, column 2 \(Name\): a quote inside a quoted value is not doubled/,
    );
  });

  it('refuses ragged rows with the line and counts, not a DuckDB error', async () => {
    const lines = [HEADER, ...accounts(30)];
    lines[12] = `"0015e000000RAGGAAA","Short"`;
    const { err, dir } = await importOf({ 'Account.csv': lines.join('\n') + '\n' });
    expect(err!.message).toBe(
      `Could not read ${join(dir, 'Account.csv')}: line 13: 2 values where the header has 3 columns.`,
    );
    expect(err!.message).not.toMatch(/Invalid Input Error|CSV Error|sniff/);
    expect(err!.actions![0]).toMatch(/one value per header column/);
  });

  it('refuses a bad date with its line and column and no wrong UTF-8 hint', async () => {
    const lines = [HEADER, ...accounts(30)];
    lines[20] = acc(99, 'Dated', '31/01/2026');
    const { err, dir } = await importOf({ 'Account.csv': lines.join('\n') + '\n' });
    expect(err!.message).toBe(
      `Could not read ${join(dir, 'Account.csv')}: line 21, column 3 (CreatedDate): "31/01/2026" is not a date (expected 2026-01-31 or 2026-01-31T14:05:00.000Z).`,
    );
    expect(err!.actions!.join(' ')).not.toMatch(/UTF-8/);
  });

  it('says which line holds bytes that are not UTF-8', async () => {
    const good = [HEADER, ...accounts(5)].join('\n') + '\n';
    const bad = Buffer.concat([
      Buffer.from(good),
      Buffer.from('"0015e000000LATNAAA","M'),
      Buffer.from([0xfc]),
      Buffer.from('ller GmbH","2026-01-05T10:00:00.000Z"\n'),
    ]);
    const { err } = await importOf({ 'Account.csv': bad });
    expect(err!.message).toMatch(/Account\.csv: line 7, column 2 \(Name\): byte 0xFC is not UTF-8/);
    expect(err!.actions![0]).toMatch(/Unicode \(UTF-8\)/);
  });

  it('refuses duplicate and blank Ids within one file, naming the lines', async () => {
    const lines = [HEADER, ...accounts(12)];
    lines[8] = acc(3, 'Same Id again'); // line 9 repeats line 4's Id
    lines[10] = `"","No Id","2026-01-05T10:00:00.000Z"`;
    const { err, dir } = await importOf({ 'Account.csv': lines.join('\n') + '\n' });
    expect(err).toMatchObject({ name: 'ExportInvalid' });
    expect(err!.message).toBe(
      `The Account rows cannot be imported exactly:\n  ${join(dir, 'Account.csv')}: 1 duplicate Id: 0015e0000000003AAA on lines 4, 9\n  ${join(dir, 'Account.csv')}: 1 row without an Id, on line 11`,
    );
  });

  it('imports a record of long text fields over 2,000,000 bytes (DuckDB refused it by default)', async () => {
    // a record with 6 long text areas of 131,072 characters (3 bytes each in UTF-8): 2.4 MB on one line
    const long = (c: string): string => c.repeat(131_072);
    const fields = ['日', '本', '語', 'テ', 'キ', 'ス'].map(long);
    const header = `${HEADER},${fields.map((_, i) => `"Notes_${i}__c"`).join(',')}`;
    const row = `${acc(1)},${fields.map((f) => `"${f}"`).join(',')}`;
    expect(Buffer.byteLength(row)).toBeGreaterThan(2_000_000);
    const { err, out } = await importOf({
      'Account.csv': [header, row, `${acc(2)}${',""'.repeat(6)}`].join('\n') + '\n',
    });
    expect(err?.message).toBeUndefined();
    const rows = await query(out, `SELECT Name, length(Notes_5__c) AS n FROM "Account" ORDER BY Id`);
    expect(rows).toEqual([
      { Name: 'Company 1', n: 131_072 },
      { Name: 'Company 2', n: null },
    ]);
  });

  it('refuses a record longer than any Salesforce record, naming the file, the line and why', async () => {
    const row = `${acc(2, 'x'.repeat(17 * 1024 * 1024))}`;
    const { err, dir } = await importOf({ 'Account.csv': [HEADER, acc(1), row].join('\n') + '\n' });
    expect(err).toMatchObject({ name: 'ExportUnreadable' });
    expect(err!.message).toMatch(
      new RegExp(
        `^Could not read ${join(dir, 'Account.csv')}: line 3: the record is \\d+ bytes long, more than the 16777216 bytes the import reads\\.$`,
      ),
    );
    expect(err!.actions![0]).toMatch(/No Salesforce record is that long/);
  });

  it('imports a file with only the required columns (formulas without any input stay blank, not a Binder Error)', async () => {
    const { err, out } = await importOf({
      'Lead.csv':
        '"Id","CreatedDate","Status","OwnerId"\r\n"00Q5e0000000001AAA","2026-01-05","Open","005A"\r\n',
    });
    expect(err).toBeNull();
    expect(await query(out, `SELECT Total_Score__c AS t, Name FROM "Lead"`)).toEqual([
      { t: null, Name: null },
    ]);
  });

  it('still merges the same Id across zips (the later zip wins), as a split export needs', async () => {
    const a = await zipBuffer([['Account.csv', [HEADER, ...accounts(3)].join('\n') + '\n']]);
    const b = await zipBuffer([
      ['Account.csv', [HEADER, acc(3, 'Renamed'), ...accounts(2, 4)].join('\n') + '\n'],
    ]);
    const { err, out } = await importOf({
      'WE_00D5e000000abcdEAA_1.ZIP': a,
      'WE_00D5e000000abcdEAA_2.ZIP': b,
    });
    expect(err).toBeNull();
    const rows = await query(
      out,
      `SELECT count(*) AS n, count(*) FILTER (WHERE Name = 'Renamed') AS renamed FROM "Account"`,
    );
    expect(rows).toEqual([{ n: 5, renamed: 1 }]);
  });
});

describe('Ctrl-C during an import', () => {
  it('stops the load and removes the partial snapshot and every extracted file', async () => {
    const src = tmpDir('integrity-abort-src');
    generateDemo({ leads: 20_000, seed: 5, dir: src });
    const zip = new JSZip();
    for (const f of readdirSync(src)) zip.file(f, readFileSyncText(join(src, f)));
    const dir = tmpDir('integrity-abort');
    writeFileSync(
      join(dir, 'WE_00D5e000000abcdEAA_1.ZIP'),
      await zip.generateAsync({ type: 'nodebuffer', compression: 'STORE' }),
    );
    const scratch = tmpDir('integrity-scratch');
    const out = join(dir, 'snap.duckdb');
    const abort = new AbortController();
    const err = await buildExportSnapshot({
      path: dir,
      out,
      scratch,
      signal: abort.signal,
      progress: (m) => m.startsWith('Importing') && setTimeout(() => abort.abort(), 20),
    }).catch((e: Error & { exitCode?: number }) => e);
    expect(err).toMatchObject({ name: 'AbortError', exitCode: 130 });
    expect((err as Error).message).toMatch(/Import interrupted; nothing was written to .*snap\.duckdb/);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
    expect(readdirSync(scratch)).toEqual([]);
    // and aborted during the extraction
    const early = new AbortController();
    early.abort();
    await expect(
      buildExportSnapshot({ path: dir, out, scratch, signal: early.signal }),
    ).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(readdirSync(scratch)).toEqual([]);
  });
});

function readFileSyncText(file: string): string {
  return readFileSync(file, 'utf8');
}
