import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CsvWriter } from '../../../scripts/lib/snapshot/csv.ts';
import { DuckDBInstance } from '@duckdb/node-api';
import { removeTmpDirs, tmpDir } from './helpers.ts';

afterAll(removeTmpDirs);

describe('demo CSV writer', () => {
  it('writes text quoted (quotes doubled) as Salesforce exports do, UTF-8, datetimes and dates in export form', () => {
    const write = (quoteAllText: boolean): string => {
      const file = join(tmpDir('csv'), 'Lead.csv');
      const w = new CsvWriter(
        file,
        ['Id', 'LastName', 'CreatedDate', 'CloseDate', 'Score', 'Active'],
        ['VARCHAR', 'VARCHAR', 'TIMESTAMP', 'DATE', 'DOUBLE', 'BOOLEAN'],
        undefined,
        quoteAllText,
      );
      w.write({
        Id: '00Q1',
        LastName: 'Müller "Mo", 日本',
        CreatedDate: Date.UTC(2026, 0, 31, 14, 5, 9),
        CloseDate: Date.UTC(2026, 1, 2),
        Score: 12.5,
        Active: true,
      });
      w.write({ Id: '00Q2', LastName: '', CreatedDate: null, Score: 0, Active: false });
      w.close();
      expect(w.rows).toBe(2);
      expect(w.bytes).toBe(readFileSync(file).length);
      return readFileSync(file, 'utf8');
    };
    const header = '"Id","LastName","CreatedDate","CloseDate","Score","Active"\n';
    expect(write(true)).toBe(
      header +
        '"00Q1","Müller ""Mo"", 日本",2026-01-31T14:05:09.000Z,2026-02-02,12.5,true\n' +
        '"00Q2",,,,0,false\n',
    );
    // the demo's scratch files quote only the text that needs it
    expect(write(false)).toBe(
      header +
        '00Q1,"Müller ""Mo"", 日本",2026-01-31T14:05:09.000Z,2026-02-02,12.5,true\n' +
        '00Q2,,,,0,false\n',
    );
  });

  it('starts a new file with the same header every N rows and DuckDB reads minimally quoted text back intact', async () => {
    const dir = tmpDir('csv-chunks');
    const finished: string[] = [];
    const w = new CsvWriter(
      join(dir, 'Task.csv'),
      ['Id', 'Subject'],
      ['VARCHAR', 'VARCHAR'],
      { rows: 2, onFile: (f) => finished.push(f) },
      false,
    );
    const subjects = ['Call "0"', 'Call, 1', 'Call\n2', 'Café 3', 'Café, "4"'];
    subjects.forEach((Subject, i) => w.write({ Id: `00T${i}`, Subject }));
    w.close();
    expect(finished.map((f) => f.slice(dir.length + 1))).toEqual(['Task.csv', 'Task.2.csv', 'Task.3.csv']);
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const read = await conn.runAndReadAll(
      `SELECT Subject FROM read_csv([${finished.map((f) => `'${f}'`).join(', ')}], header = true) ORDER BY Id`,
    );
    const rows = read.getRowObjectsJS();
    conn.closeSync();
    db.closeSync();
    expect(rows.map((r) => r.Subject)).toEqual(subjects);
  });
});
