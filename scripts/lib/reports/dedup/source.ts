// The records the dedup engine compares, read through the columnar reader (columns.ts): a snapshot's Lead /
// Contact / Account table (the match columns first, survivorship details later for the records in clusters), or
// an exported CSV file.
import { existsSync, statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DedupRule } from '../../rules/match.ts';
import { openDb, q, lit, ReportError, requireColumns, type Db } from '../db.ts';
import {
  joinedParam,
  readRows,
  readTable,
  readTextColumns,
  sqlParamRows,
  type RecordTable,
} from './columns.ts';
import { computeBlockParts } from './engine.ts';
import { prepareCompanies } from './fastpath.ts';
import { partKey, type BlockTransform } from './parts.ts';
import { salesforceSetup } from './profiles.ts';

/** Tables from this many records have their e-mail and phone parts computed in a worker thread. */
export const THREADED_FROM_ROWS = 100_000;

export interface DedupOptions {
  /** From how many records a worker thread computes the e-mail and phone parts (THREADED_FROM_ROWS). */
  threadedFromRows?: number;
}

/**
 * Reads an exported CSV (a file, or the `<object>.csv` inside a Data Export folder) with every column as text.
 * Header names and values are trimmed (FEBRL files put a space after each comma).
 */
export async function tableFromCsv(path: string, object: string, idField: string): Promise<RecordTable> {
  let file = path;
  if (existsSync(path) && statSync(path).isDirectory()) {
    const hit = readdirSync(path).find((f) => f.toLowerCase() === `${object.toLowerCase()}.csv`);
    if (!hit)
      throw new ReportError(`No ${object}.csv in ${path}.`, [
        `Export the ${object} object, or point --from-export at the CSV file itself.`,
      ]);
    file = join(path, hit);
  }
  if (!existsSync(file))
    throw new ReportError(`Export not found: ${file}`, [
      'Pass a CSV file or a Data Export folder to --from-export.',
    ]);
  const db = await openDb(':memory:');
  try {
    const from = `SELECT * FROM read_csv(${lit(file)}, all_varchar = true, header = true)`;
    const names = (await db.conn.runAndReadAll(`${from} LIMIT 0`)).columnNames();
    const rawId = names.find((n) => n.trim() === idField);
    if (!rawId) {
      throw new ReportError(
        `The export has no "${idField}" column (columns: ${names.map((n) => n.trim()).join(', ')}).`,
        ['Name the id column in the mapping ("id").'],
      );
    }
    const raw = await readTextColumns(db, from, q(rawId));
    const columns: Record<string, (string | null)[]> = {};
    for (const [name, values] of Object.entries(raw))
      columns[name.trim()] = values.map((v) => (v === null ? null : v.trim() || null));
    return { ids: columns[idField].map((v) => v ?? ''), columns };
  } finally {
    db.close();
  }
}

/** The columns of a Lead / Contact / Account table the rule's match keys and blocking read, present in the table. */
async function matchColumns(
  db: Db,
  rule: DedupRule,
): Promise<{ select: string[]; names: string[]; join: string }> {
  const object = rule.object;
  const have = new Set(await db.tableColumns(object));
  const setup = salesforceSetup(rule);
  const used = new Set(setup.blocking.keys.flatMap((k) => k.parts.map((p) => p.field)));
  const m = setup.columns;
  const keyColumn: Record<string, string | string[] | undefined> = {
    email: m.email,
    email_domain: m.email,
    phone: m.phone,
    company: m.company,
    name: m.name,
    website: m.website,
    address: m.address && [m.address.street, m.address.postalCode, m.address.city],
  };
  for (const key of rule.matchKeys) for (const c of [keyColumn[key] ?? []].flat()) used.add(c);
  if (m.country && rule.matchKeys.includes('phone')) used.add(m.country);
  const want = [...used].filter(
    (c) =>
      have.has(c) && !(object === 'Contact' && c === 'Company') && !(object !== 'Account' && c === 'Name'),
  );
  const select = ['Id', ...want].map((c) => `t.${q(c)}`);
  const names = ['Id', ...want];
  let join = '';
  if (object === 'Contact' && have.has('AccountId') && (await db.hasTable('Account'))) {
    select.push('a."Name" AS "Company"');
    names.push('Company');
    join = 'LEFT JOIN "Account" a ON a."Id" = t."AccountId"';
  }
  return { select, names, join };
}

/**
 * The records dedup compares, as a WHERE clause over the object's table aliased `t` ('' for all): a converted lead
 * lives on as a contact, so it is left out, as the Apex finder does (DedupReviewFinder.scopeQuery: IsConverted =
 * FALSE); the audit does not count it and dedup --apply never merges it. Without IsConverted every lead is kept.
 */
export async function scopeWhere(db: Db, object: string): Promise<string> {
  if (object !== 'Lead' || !(await db.tableColumns(object)).includes('IsConverted')) return '';
  return 'WHERE NOT coalesce(t."IsConverted", false)';
}

/**
 * Reads the columns the rule's match keys and blocking read from a Lead / Contact / Account table (Contacts get
 * their Account's Name as Company; converted leads are left out), with every blocking key's parts; the other shown
 * fields are read later for the records in clusters (Details.attach).
 */
export async function loadSalesforceRecords(
  db: Db,
  rule: DedupRule,
  opts: DedupOptions = {},
): Promise<RecordTable> {
  const object = rule.object;
  await requireColumns(db, object, ['Id']); // a snapshot without the table: say so, not DuckDB's Catalog Error
  const setup = salesforceSetup(rule);
  const m = setup.columns;
  const { select, names, join } = await matchColumns(db, rule);
  const where = await scopeWhere(db, object);
  // E-mail and phone differ from record to record: their blocking parts (which the scorer shares) are computed
  // in a worker thread while this thread reads the other columns and normalises the distinct company names; the
  // worker gets each record's country for its national phone number
  const country = rule.defaultCountry ?? 'US';
  const countryField = setup.blocking.countryField;
  const offThread: [string, BlockTransform[]][] = (
    [
      [m.email, ['exact', 'email_domain']],
      [m.phone, ['phone']],
    ] as [string | undefined, BlockTransform[]][]
  ).filter((e): e is [string, BlockTransform[]] => !!e[0] && names.includes(e[0]));
  if (countryField && names.includes(countryField) && offThread.some(([c]) => c === m.phone))
    offThread.push([countryField, []]);
  // a worker thread pays off from about a hundred thousand records; below, the same code runs on this thread
  const [{ n: rows }] = await db.all<{ n: number }>(`SELECT count(*) AS n FROM ${q(object)} t ${where}`);
  const { table, parts } = await readTable(db, {
    sql: `SELECT ${select.join(', ')} FROM ${q(object)} t ${join} ${where}`,
    columns: names,
    orderBy: '"Id"',
    onDictionary: (c, values) => {
      if (c === m.company) prepareCompanies(values);
    },
    offThread: {
      columns: offThread,
      country,
      countryColumn: countryField,
      threaded: Number(rows) >= (opts.threadedFromRows ?? THREADED_FROM_ROWS),
    },
  });
  // this thread's share of the blocking keys while the worker finishes
  computeBlockParts(table, setup.blocking, country);
  if (parts) {
    const done = await parts;
    table.parts ??= new Map();
    offThread.forEach(([c, ts], k) =>
      ts.forEach((t, x) => table.parts!.set(partKey(c, t, country, countryField), done[k][x])),
    );
  }
  return table;
}

/** SQL of the latest Task / Event per record (WhoId for people, WhatId for accounts): rows (rid, ts). */
async function activitySql(db: Db, object: string): Promise<string> {
  const key = object === 'Account' ? 'WhatId' : 'WhoId';
  const parts: string[] = [];
  for (const t of ['Task', 'Event']) {
    if ((await db.hasTable(t)) && (await db.tableColumns(t)).includes(key))
      parts.push(`SELECT ${q(key)} AS rid, max("CreatedDate") AS ts FROM ${q(t)} GROUP BY 1`);
  }
  return parts.length
    ? parts.join(' UNION ALL ')
    : 'SELECT NULL::VARCHAR AS rid, NULL::TIMESTAMP AS ts WHERE false';
}

/** Columns survivorship and the review sheet read, fetched only for the records that end up in a cluster. */
const DETAIL_COLUMNS = ['CreatedDate', 'LastActivityDate', 'Title'];
/** Fields shown per record in the review sheet and the report. */
export const SHOWN_FIELDS = [
  'FirstName',
  'LastName',
  'Name',
  'Email',
  'Phone',
  'Company',
  'Website',
  'Title',
];

/** The survivorship details of a snapshot's records: attach() them to rows of the table, then drop(). */
export interface Details {
  attach(table: RecordTable, rows: number[]): Promise<void>;
  drop(): Promise<void>;
}

let activitySeq = 0;

/**
 * Starts computing every record's latest activity (Task / Event) into a temporary table, in DuckDB's threads,
 * while the caller goes on (e.g. scores pairs). attach() then adds CreatedDate, the latest activity
 * (`_LastActivity`), the system-of-record flag, Title and the shown fields not read for matching to the given rows.
 */
export async function startDetails(db: Db, rule: DedupRule): Promise<Details> {
  const activity = `_revops_activity_${++activitySeq}`;
  const act = await activitySql(db, rule.object);
  // not awaited here: DuckDB runs it on its own threads from this call on
  const ready = db.conn.run(
    `CREATE TEMP TABLE ${activity} AS SELECT rid, max(ts) AS ts FROM (${act}) GROUP BY rid`,
  );
  return {
    async attach(table, rows) {
      await ready;
      const have = new Set(await db.tableColumns(rule.object));
      const cols = [
        ...DETAIL_COLUMNS,
        ...(rule.systemOfRecordField ? [rule.systemOfRecordField] : []),
        ...SHOWN_FIELDS.filter((f) => !table.columns[f] && !(rule.object !== 'Account' && f === 'Name')),
      ].filter((c) => have.has(c));
      const all = [...cols, '_LastActivity'];
      const n = table.ids.length;
      for (const c of all) table.columns[c] = new Array<string | null>(n).fill(null);
      const index = new Map(rows.map((i) => [table.ids[i], i]));
      // one query for all the rows (ids passed as one parameter)
      const [ids, ...values] = await readRows(
        db,
        ['t."Id"', ...cols.map((c) => `t.${q(c)}`), 'act.ts'],
        `${q(rule.object)} t JOIN ${sqlParamRows('id')} ids ON ids.id = t."Id" LEFT JOIN ${activity} act ON act.rid = t."Id"`,
        [joinedParam([...index.keys()])],
      );
      for (let r = 0; r < ids.length; r++) {
        const i = index.get(ids[r]!)!;
        for (let c = 0; c < all.length; c++) table.columns[all[c]][i] = values[c][r];
      }
    },
    async drop() {
      await ready.catch(() => undefined);
      await db.conn.run(`DROP TABLE IF EXISTS ${activity}`);
    },
  };
}
