import { afterAll, describe, expect, it, beforeAll } from 'vitest';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import JSZip from 'jszip';
import { generateDemo } from '../../../scripts/lib/snapshot/generator.ts';
import { buildExportSnapshot } from '../../../scripts/lib/snapshot/build.ts';
import { query, tmpDir, removeTmpDirs } from './helpers.ts';

afterAll(removeTmpDirs);

async function writeZip(file: string, entries: Record<string, string>): Promise<void> {
  const zip = new JSZip();
  for (const [name, text] of Object.entries(entries)) zip.file(name, text);
  writeFileSync(file, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
}

describe('snapshot from a Salesforce Data Export', () => {
  let csvDir: string;
  let leadCsv: string[];
  beforeAll(() => {
    csvDir = tmpDir('export-src');
    generateDemo({ leads: 400, seed: 3, dir: csvDir });
    leadCsv = readFileSync(join(csvDir, 'Lead.csv'), 'utf8').trimEnd().split('\n');
  });

  it('imports a folder of <Object>.csv files with typed columns and the formula fields recomputed', async () => {
    const out = join(tmpDir('export-folder'), 'snap.duckdb');
    const r = await buildExportSnapshot({ path: csvDir, out });
    expect(r.counts.Lead).toBe(leadCsv.length - 1);
    const [row] = await query(
      out,
      `SELECT typeof(CreatedDate) AS t, count(*) FILTER (WHERE Total_Score__c IS NULL) AS missing FROM "Lead" GROUP BY 1`,
    );
    expect(row).toEqual({ t: 'TIMESTAMP', missing: 0 });
  });

  it('merges an object split across WE_<orgid>_<n>.ZIP files by Id, the later zip winning', async () => {
    const dir = tmpDir('export-zips');
    const [header, ...rows] = leadCsv;
    const half = Math.floor(rows.length / 2);
    const first = rows.slice(0, half + 10);
    // zip 2 repeats ten rows of zip 1 with a changed Company: the newer value must win, with no duplicate Ids.
    const changed = rows
      .slice(half, half + 10)
      .map((l) => l.replace(/^("[^"]*",(?:[^,]*,){4})"[^"]*"/, '$1"Renamed Co"'));
    const second = [...changed, ...rows.slice(half + 10)];
    await writeZip(join(dir, 'WE_00D5e000000abcdEAA_1.ZIP'), {
      'Lead.csv': [header, ...first].join('\n') + '\n',
      'Account.csv': readFileSync(join(csvDir, 'Account.csv'), 'utf8'),
    });
    await writeZip(join(dir, 'WE_00D5e000000abcdEAA_2.ZIP'), {
      'Lead.csv': [header, ...second].join('\n') + '\n',
      'Attachment.csv': '"Id","Name"\n"00P1","x"\n',
    });
    const out = join(dir, 'snap.duckdb');
    const r = await buildExportSnapshot({ path: dir, out });
    expect(r.orgId).toBe('00D5e000000abcdEAA');
    expect(r.counts.Lead).toBe(rows.length);
    const [d] = await query(
      out,
      `SELECT count(*) - count(DISTINCT Id) AS dups, count(*) FILTER (WHERE Company = 'Renamed Co') AS renamed FROM "Lead"`,
    );
    expect(d).toEqual({ dups: 0, renamed: 10 });
    expect(r.warnings.join(' ')).toMatch(/no CSV for .*Opportunity/);
  });

  it('keeps columns the schema does not know, as text', async () => {
    const dir = tmpDir('export-extra');
    const lines = readFileSync(join(csvDir, 'Account.csv'), 'utf8').trimEnd().split('\n');
    writeFileSync(
      join(dir, 'Account.csv'),
      [lines[0] + ',"Partner_Tier__c"', ...lines.slice(1).map((l, i) => `${l},"Gold ${i}"`)].join('\n') +
        '\n',
    );
    const out = join(dir, 'snap.duckdb');
    await buildExportSnapshot({ path: dir, out });
    const [r] = await query(
      out,
      `SELECT typeof(Partner_Tier__c) AS t, min(Partner_Tier__c) AS v FROM "Account" GROUP BY 1`,
    );
    expect(r).toEqual({ t: 'VARCHAR', v: 'Gold 0' });
  });

  it('refuses an export missing a required column, naming the file and column, and writes nothing', async () => {
    const dir = tmpDir('export-bad');
    const lines = readFileSync(join(csvDir, 'Opportunity.csv'), 'utf8').split('\n');
    writeFileSync(
      join(dir, 'Opportunity.csv'),
      lines.map((l) => l.split(',').slice(0, 4).join(',')).join('\n'),
    ); // Id, Name, AccountId, OwnerId
    writeFileSync(join(dir, 'Lead.csv'), readFileSync(join(csvDir, 'Lead.csv')));
    const out = join(dir, 'snap.duckdb');
    await expect(buildExportSnapshot({ path: dir, out })).rejects.toThrow(
      /Opportunity\.csv: missing required columns StageName, CloseDate, CreatedDate/,
    );
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it('names the file and suggests UTF-8 when a CSV cannot be read', async () => {
    const dir = tmpDir('export-latin1');
    const lines = readFileSync(join(csvDir, 'Account.csv'), 'utf8').trimEnd().split('\n');
    // an ISO-8859-1 export: the Name "Müller GmbH" with ü as the single byte 0xFC is not valid UTF-8
    const row = lines[1];
    const nameStart = row.indexOf(',') + 1;
    const nameEnd = row.indexOf(',', nameStart);
    const bad = Buffer.concat([
      Buffer.from(`${lines[0]}\n${row.slice(0, nameStart)}"M`),
      Buffer.from([0xfc]),
      Buffer.from(`ller GmbH"${row.slice(nameEnd)}\n`),
    ]);
    writeFileSync(join(dir, 'Account.csv'), bad);
    await expect(buildExportSnapshot({ path: dir, out: join(dir, 'snap.duckdb') })).rejects.toMatchObject({
      name: 'ExportUnreadable',
      message: expect.stringMatching(/Account\.csv: [\s\S]*(unicode|UTF-8|utf-8)/i),
    });
  });

  it('says where to look when the path does not exist', async () => {
    mkdirSync('tests/.tmp', { recursive: true });
    await expect(
      buildExportSnapshot({ path: 'tests/.tmp/no-such-export', out: 'tests/.tmp/x.duckdb' }),
    ).rejects.toMatchObject({ name: 'ExportNotFound' });
  });
});
