// The columnar reader (scripts/lib/reports/dedup/columns.ts): the one chr(31) transport between DuckDB and the
// dedup engine. Every read gives exactly the values a row-by-row read gives: dictionary-encoded or not, in Id order,
// '' and NULL apart where they must be, the worker's parts equal to the calling thread's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../../scripts/lib/reports/db.ts';
import {
  computeParts,
  joinedParam,
  readRows,
  readTable,
  readTextColumns,
  splitRows,
  sqlParamRows,
  type Dictionary,
} from '../../../scripts/lib/reports/dedup/columns.ts';

/**
 * 3,000 leads: repeating companies and names (dictionary-encoded), unique e-mails and phones (German national
 * numbers on the German leads), blanks and NULLs.
 */
const ROWS = 3000;
const LEADS = `SELECT printf('00Q%05d', (i * 7919) % ${ROWS}) AS "Id",
    ['Ann', 'Bob', 'Cy', '', NULL][1 + i % 5] AS "FirstName",
    'Lee' || (i % 40) AS "LastName",
    CASE WHEN i % 11 = 0 THEN NULL ELSE 'p' || i || '@acme' || (i % 3) || '.com' END AS "Email",
    CASE WHEN i % 13 = 0 THEN '' ELSE ['Acme Inc', 'Acme, Inc.', 'Stripe', 'Ça Va S.A.'][1 + i % 4] END AS "Company",
    CASE i % 3 WHEN 1 THEN '030 ' || lpad(CAST(i AS VARCHAR), 7, '0')
      WHEN 2 THEN '+1 415 555 ' || lpad(CAST(i AS VARCHAR), 4, '0') END AS "Phone",
    ['US', 'Germany', NULL][1 + i % 3] AS "Country"
  FROM range(${ROWS}) t(i)`;
const COLUMNS = ['Id', 'FirstName', 'LastName', 'Email', 'Company', 'Phone', 'Country'];

describe('columnar reads', () => {
  let db: Db;
  /** The rows as DuckDB returns them value by value, in Id order ('' read as null, as the reader promises). */
  let expected: Record<string, (string | null)[]>;
  beforeAll(async () => {
    db = await openDb(':memory:');
    await db.conn.run(`CREATE TABLE "Lead" AS ${LEADS}`);
    const rows = await db.all(`SELECT * FROM "Lead" ORDER BY "Id"`);
    expected = Object.fromEntries(
      COLUMNS.map((c) => [c, rows.map((r) => (r[c] === null || r[c] === '' ? null : String(r[c])))]),
    );
  });
  afterAll(() => db.close());

  it('reads a table in Id order, repeating columns dictionary-encoded, with the values of a row-by-row read', async () => {
    const seen: string[] = [];
    const { table, parts } = await readTable(db, {
      sql: 'SELECT * FROM "Lead"',
      columns: COLUMNS,
      orderBy: '"Id"',
      onDictionary: (c) => seen.push(c),
    });
    expect(parts).toBeNull();
    expect(table.ids).toEqual(expected.Id);
    for (const c of COLUMNS) expect(table.columns[c], c).toEqual(expected[c]);
    // names, companies and countries repeat: sent as codes; e-mails are all different: sent as text
    expect(Object.keys(table.dictionaries!).sort()).toEqual(['Company', 'Country', 'FirstName', 'LastName']);
    expect(seen.sort()).toEqual(['Company', 'Country', 'FirstName', 'LastName']);
    for (const [c, d] of Object.entries(table.dictionaries!)) {
      expect(d.values[0]).toBeNull();
      for (let i = 0; i < ROWS; i++) expect(d.values[d.codes[i]]).toBe(table.columns[c][i]);
    }
    // equal values share one string
    const acme = table.columns.Company.indexOf('Acme Inc');
    expect(table.columns.Company.lastIndexOf('Acme Inc')).toBeGreaterThan(acme);
  });

  for (const threaded of [false, true]) {
    it(`interns e-mail and phone parts ${threaded ? 'in a worker thread' : 'on the calling thread'} exactly as computeParts does`, async () => {
      const { table, parts } = await readTable(db, {
        sql: 'SELECT * FROM "Lead"',
        columns: COLUMNS,
        orderBy: '"Id"',
        offThread: {
          columns: [
            ['Email', ['exact', 'email_domain']],
            ['Phone', ['phone']],
            ['Country', []],
          ],
          country: 'GB',
          countryColumn: 'Country',
          threaded,
        },
      });
      // the off-thread columns are not read into the table
      expect(Object.keys(table.columns).sort()).toEqual(['Company', 'FirstName', 'Id', 'LastName']);
      const rows = expected.Id.map((_, i) =>
        ['Email', 'Phone', 'Country'].map((c) => `${expected[c][i] ?? ''}\x1f`).join(''),
      ).join('');
      const reference = computeParts({
        rows,
        n: ROWS,
        transforms: [['exact', 'email_domain'], ['phone'], []],
        country: 'GB',
        countryColumn: 2,
      });
      const got = await parts!;
      expect(got.map((c) => c.map((p) => [...p]))).toEqual(reference.map((c) => c.map((p) => [...p])));
      // blank e-mails and phones have no part; every German national number is a phone number (in Germany)
      expect(got[0][0][expected.Email.indexOf(null)]).toBe(0);
      expect(got[1][0][expected.Phone.indexOf(null)]).toBe(0);
      expect(new Set(got[1][0]).size).toBe(2001);
    });
  }

  it("reads selected rows with NULL and '' apart (survivorship details)", async () => {
    const ids = [...expected.Id.slice(0, 3).map(String), 'missing'];
    const [id, first, company] = await readRows(
      db,
      ['t."Id"', 't."FirstName"', 't."Company"'],
      `"Lead" t JOIN ${sqlParamRows('id')} ids ON ids.id = t."Id"`,
      [joinedParam(ids)],
    );
    expect(id.length).toBe(3);
    const raw = await db.all<{ Id: string; FirstName: string | null; Company: string | null }>(
      `SELECT "Id", "FirstName", "Company" FROM "Lead" WHERE "Id" IN (?, ?, ?)`,
      ids.slice(0, 3),
    );
    for (const r of raw) {
      const k = id.indexOf(r.Id);
      expect(first[k]).toBe(r.FirstName);
      expect(company[k]).toBe(r.Company);
    }
    const all = await readRows(db, ['"FirstName"'], '"Lead"');
    expect(all[0]).toContain('');
    expect(all[0]).toContain(null);
  });

  it('reads every column of a query as text, one joined string per column', async () => {
    const cols = await readTextColumns(db, 'SELECT "Id", "FirstName", "Phone" FROM "Lead"', '"Id"');
    expect(Object.keys(cols)).toEqual(['Id', 'FirstName', 'Phone']);
    expect(cols.Id).toEqual(expected.Id);
    expect(cols.FirstName).toEqual(expected.FirstName);
    expect(cols.Phone).toEqual(expected.Phone);
    expect(await readTextColumns(db, 'SELECT "Id" FROM "Lead" WHERE false', '"Id"')).toEqual({ Id: [] });
  });
});

describe('splitRows', () => {
  it('splits text, marked and coded columns of joined rows in one pass', () => {
    const dictionary: Dictionary = { codes: new Int32Array(3), values: [null, 'Acme', 'Stripe'] };
    const text: (string | null)[] = [];
    const marked: (string | null)[] = [];
    const coded: (string | null)[] = [];
    const rows = ['a\x1f\x1e\x1f2\x1f', '\x1f\x1f0\x1f', 'c\x1fx\x1f1\x1f'].join('');
    splitRows(rows, 3, [{ values: text }, { values: marked, marked: true }, { values: coded, dictionary }]);
    expect(text).toEqual(['a', null, 'c']);
    expect(marked).toEqual([null, '', 'x']);
    expect(coded).toEqual(['Stripe', null, 'Acme']);
    expect([...dictionary.codes]).toEqual([2, 0, 1]);
  });
});
