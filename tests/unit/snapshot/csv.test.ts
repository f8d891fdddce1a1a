import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CsvWriter, isoDate, isoDateTime } from '../../../scripts/lib/snapshot/csv.ts';
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

  it('writes any instant as isoDateTime and isoDate do (days from a table, others as their strings), across buffer flushes', () => {
    const file = join(tmpDir('csv-dates'), 'Event.csv');
    const w = new CsvWriter(file, ['At', 'On'], ['TIMESTAMP', 'DATE'], undefined, false);
    const instants = [
      Date.UTC(1969, 11, 31, 23, 59, 59), // before the table
      Date.UTC(1970, 0, 1),
      Date.UTC(2026, 9, 1, 8, 30, 1),
      Date.UTC(2079, 6, 7, 12), // last day of the table
      Date.UTC(2079, 6, 8, 12), // after it
      Date.UTC(2150, 0, 1, 0, 0, 7),
    ];
    // enough rows to flush the 4 MB buffer several times
    for (let i = 0; i < 200_000; i++) w.write({ At: instants[i % 6], On: instants[(i + 1) % 6] });
    w.close();
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines.length).toBe(200_002);
    for (const i of [0, 1, 2, 3, 4, 5, 199_999])
      expect(lines[i + 1]).toBe(`${isoDateTime(instants[i % 6])},${isoDate(instants[(i + 1) % 6])}`);
    expect(new Set(lines.slice(1, -1)).size).toBe(6);
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
