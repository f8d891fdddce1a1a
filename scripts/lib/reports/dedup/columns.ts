// Columnar reads for the dedup engine: the one place that moves values between DuckDB and JavaScript. DuckDB joins
// the rows of a query into one string (every value followed by chr(31)), JS walks it once: for a million rows far
// faster than converting value by value. Columns whose values repeat come dictionary-encoded, values are interned
// as ids (equal values, equal ids), and the e-mail and phone blocking parts of large tables are interned in a
// worker thread while the other columns are read.
//
// This file does not load DuckDB at run time (only its types): the worker thread imports it to split and intern.
import { Worker } from 'node:worker_threads';
import type { Db } from '../db.ts';
import { blockPartValues, type BlockTransform, type Parts } from './parts.ts';

/** Columnar input of the engine: ids plus one array per column. */
export interface RecordTable {
  ids: string[];
  columns: Record<string, (string | null)[]>;
  /**
   * Optional dictionary encoding of columns whose values repeat: columns[c][i] === values[codes[i]], values[0]
   * = null. The engine then normalises each distinct value once, without a hash lookup per row.
   */
  dictionaries?: Record<string, Dictionary>;
  /**
   * Blocking-key parts by partKey(column, transform, country): computed ahead (e.g. in a worker thread while
   * the rows were read; the raw column may then be absent) or by the engine at first use, and shared with the
   * scorer, which compares e-mail, e-mail domain and phone as normalised for blocking.
   */
  parts?: Map<string, Parts>;
}

export interface Dictionary {
  codes: Int32Array;
  values: (string | null)[];
}

// ---- transport -------------------------------------------------------------------------------------------------

/** A NULL where '' and NULL differ ('marked' columns): ASCII record separator, chr(30). */
const NULL_MARK = '\x1e';

/** A quoted SQL identifier (db.ts's q, not imported: this file must load without DuckDB). */
const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** SQL text of a value: '' for NULL, or with `marked` chr(30) for NULL (so that '' stays ''). */
export const sqlText = (value: string, marked = false): string =>
  `coalesce(CAST(${value} AS VARCHAR), ${marked ? 'chr(30)' : "''"})`;

/** SQL aggregate of the rows of `values` (SQL text expressions) into one string, every value followed by chr(31). */
export const sqlJoinedRows = (values: string[], orderBy?: string): string =>
  `string_agg(concat(${values.map((v) => `${v}, chr(31)`).join(', ')}), ''${orderBy ? ` ORDER BY ${orderBy}` : ''})`;

/** The one row of a query of aggregates, as strings ('' for NULL). */
async function joinedRow(db: Db, sql: string, params?: string[]): Promise<string[]> {
  const [row] = (await db.conn.runAndReadAll(sql, params)).getRowsJS();
  return row.map((x) => (x === null || x === undefined ? '' : String(x)));
}

/**
 * Where one column of joined rows goes: text values ('' reads as null; `marked`: chr(30) reads as null, '' stays),
 * or dictionary codes (decimal digits) filling `dictionary.codes` and the column with the coded values.
 */
export type ColumnSink =
  | { values: (string | null)[]; marked?: boolean; dictionary?: undefined }
  | { values: (string | null)[]; marked?: undefined; dictionary: Dictionary };

const TEXT = 0;
const MARKED = 1;
const CODE = 2;

/** Walks `n` joined rows (every value followed by chr(31)) once, value j of a row into sinks[j]. */
export function splitRows(rows: string, n: number, sinks: ColumnSink[]): void {
  const k = sinks.length;
  const kind = sinks.map((s) => (s.dictionary ? CODE : s.marked ? MARKED : TEXT));
  let pos = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      let end = rows.indexOf('\x1f', pos);
      if (end < 0) end = rows.length;
      const sink = sinks[j];
      if (kind[j] === CODE) {
        let code = 0;
        for (let p = pos; p < end; p++) code = code * 10 + rows.charCodeAt(p) - 48;
        const d = sink.dictionary!;
        d.codes[i] = code;
        sink.values[i] = d.values[code];
      } else if (end === pos) sink.values[i] = kind[j] === MARKED ? '' : null;
      else {
        const v = rows.slice(pos, end);
        sink.values[i] = kind[j] === MARKED && v === NULL_MARK ? null : v;
      }
      pos = end + 1;
    }
  }
}

/** `n` rows of `k` joined columns as k arrays (blank values read as null). */
function splitColumns(rows: string, n: number, k: number): (string | null)[][] {
  const columns = Array.from({ length: k }, () => new Array<string | null>(n));
  splitRows(
    rows,
    n,
    columns.map((values) => ({ values })),
  );
  return columns;
}

// ---- reads -----------------------------------------------------------------------------------------------------

/**
 * Every column of a query as text arrays ('' and NULL both read as null), rows ordered by `orderBy`: one joined
 * string per column, so that a wide table (e.g. a Data Export CSV) never makes one string too long for JS.
 */
export async function readTextColumns(
  db: Db,
  sql: string,
  orderBy: string,
): Promise<Record<string, (string | null)[]>> {
  const names = (await db.conn.runAndReadAll(`SELECT * FROM (${sql}) LIMIT 0`)).columnNames();
  const [count, ...joined] = await joinedRow(
    db,
    `SELECT count(*), ${names.map((c) => sqlJoinedRows([sqlText(ident(c))], orderBy)).join(', ')} FROM (${sql})`,
  );
  const n = Number(count);
  return Object.fromEntries(names.map((c, j) => [c, splitColumns(joined[j], n, 1)[0]]));
}

/** Columns of a query whose blocking parts a worker thread interns (parts of e-mail and phone) while the rest is read. */
export interface OffThreadParts {
  /** Each column and its blocking transforms; a column with none (e.g. each row's country) only travels along. */
  columns: [string, BlockTransform[]][];
  /** The rule's default country. */
  country: string;
  /** The column (one of `columns`) holding each row's country, for national phone numbers. */
  countryColumn?: string;
  /** Whether to use a thread (it costs ~0.1 s to start); else the same work runs on this thread. */
  threaded: boolean;
}

export interface TableRead {
  /** The query; `columns` are its columns, the first the record id. */
  sql: string;
  columns: string[];
  orderBy: string;
  /** Called with each dictionary-encoded column's values while DuckDB still joins the rows. */
  onDictionary?: (column: string, values: (string | null)[]) => void;
  /** Columns read apart and ahead of the others, not into the table, for their blocking parts. */
  offThread?: OffThreadParts;
}

export interface TableReadResult {
  table: RecordTable;
  /** offThread's parts: [column][transform], in the order given; null without offThread. */
  parts: Promise<Parts[][]> | null;
}

let readSeq = 0;

/**
 * Text columns of a query as a RecordTable, rows ordered by `orderBy` ('' and NULL read as null). Columns whose
 * values repeat (names, companies) come dictionary-encoded: DuckDB numbers the distinct values and sends codes, so
 * equal values share one string and the engine normalises each distinct value once (RecordTable.dictionaries).
 */
export async function readTable(db: Db, read: TableRead): Promise<TableReadResult> {
  const off = read.offThread;
  const detached = off ? off.columns.map(([c]) => c) : [];
  const kept = read.columns.filter((c) => !detached.includes(c));
  const worker = off?.columns.length ? new PartsWorker(off.threaded) : null;
  // the source and the dictionaries (numbered once) as temporary tables; the dictionaries are read first, so the
  // caller can work on them (onDictionary) while DuckDB joins and aggregates the rows
  const tmp = `_revops_read_${++readSeq}`;
  const dict = (j: number) => `${tmp}_d${j}`;
  const text = (c: string) => `nullif(CAST(${c} AS VARCHAR), '')`;
  let encoded: string[] = [];
  let parts: Promise<Parts[][]> | null = null;
  try {
    await db.conn.run(`CREATE TEMP TABLE ${tmp} AS ${read.sql}`);
    const [count, ...distinct] = await joinedRow(
      db,
      `SELECT count(*), ${kept.map((c) => `approx_count_distinct(${text(ident(c))})`).join(', ')} FROM ${tmp}`,
    );
    const n = Number(count);
    encoded = kept.filter((c, j) => j > 0 && Number(distinct[j]) < 0.6 * n);
    const order = (alias: string) =>
      [read.orderBy, ...detached.map(ident)].map((c) => `${alias}${c}`).join(', ');
    if (off && worker) {
      const [rows] = await joinedRow(
        db,
        `SELECT ${sqlJoinedRows(
          detached.map((c) => sqlText(ident(c))),
          order(''),
        )} FROM ${tmp}`,
      );
      const countryColumn = off.countryColumn === undefined ? -1 : detached.indexOf(off.countryColumn);
      parts = worker.run({
        rows,
        n,
        transforms: off.columns.map(([, t]) => t),
        country: off.country,
        countryColumn: countryColumn >= 0 ? countryColumn : undefined,
      });
      const close = () => worker.close();
      void parts.then(close, close);
    }
    for (const [j, c] of encoded.entries())
      await db.conn.run(
        `CREATE TEMP TABLE ${dict(j)} AS SELECT v, row_number() OVER () AS code FROM (SELECT DISTINCT ${text(ident(c))} AS v FROM ${tmp} WHERE v IS NOT NULL)`,
      );
    const lists = encoded.length
      ? await joinedRow(
          db,
          `SELECT ${encoded.map((_, j) => `(SELECT string_agg(v, chr(31) ORDER BY code) FROM ${dict(j)})`).join(', ')}`,
        )
      : [];
    const values = kept.map((c) => {
      const j = encoded.indexOf(c);
      return j >= 0 ? `coalesce(CAST(${dict(j)}.code AS VARCHAR), '0')` : sqlText(`src.${ident(c)}`);
    });
    const joins = encoded
      .map((c, j) => `LEFT JOIN ${dict(j)} ON ${dict(j)}.v = ${text(`src.${ident(c)}`)}`)
      .join(' ');
    const reading = joinedRow(db, `SELECT ${sqlJoinedRows(values, order('src.'))} FROM ${tmp} src ${joins}`);
    const dictionaries: Record<string, Dictionary> = {};
    for (const [e, c] of encoded.entries()) {
      dictionaries[c] = { codes: new Int32Array(n), values: [null, ...lists[e].split('\x1f')] };
      read.onDictionary?.(c, dictionaries[c].values);
    }
    const [rows] = await reading;
    const columns: RecordTable['columns'] = {};
    splitRows(
      rows,
      n,
      kept.map((c) => ({ values: (columns[c] = new Array<string | null>(n)), dictionary: dictionaries[c] })),
    );
    return { table: { ids: columns[kept[0]].map((v) => v ?? ''), columns, dictionaries }, parts };
  } catch (e) {
    if (!parts) worker?.close(); // a job under way closes its worker when it ends
    throw e;
  } finally {
    for (const t of [tmp, ...encoded.map((_, j) => dict(j))]) await db.conn.run(`DROP TABLE IF EXISTS ${t}`);
  }
}

/**
 * Rows of a query (`sql` selects `values`, SQL expressions, FROM ... with `params`) as columns of m rows; NULL
 * reads as null and '' as '' (chr(30) marks NULL in the joined string).
 */
export async function readRows(
  db: Db,
  values: string[],
  from: string,
  params: string[] = [],
): Promise<(string | null)[][]> {
  const [count, rows] = await joinedRow(
    db,
    `SELECT count(*), ${sqlJoinedRows(values.map((v) => sqlText(v, true)))} FROM ${from}`,
    params,
  );
  const m = Number(count);
  const columns = values.map(() => new Array<string | null>(m));
  splitRows(
    rows,
    m,
    columns.map((col) => ({ values: col, marked: true })),
  );
  return columns;
}

/** A list of values as one query parameter, read back in SQL as the rows of sqlParamRows. */
export const joinedParam = (values: string[]): string => values.join('\x1f');
/** SQL of a joinedParam parameter (`?`) as rows of one column, `name`. */
export const sqlParamRows = (name: string): string => `(SELECT unnest(string_split(?, chr(31))) AS ${name})`;

// ---- interning -------------------------------------------------------------------------------------------------

/** FNV-1a hash of a string. */
function hashOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h;
}

/**
 * Interned ids of values ('' → 0): rows sorted by the values' hashes (radix sort: sequential passes, no probing),
 * then each run of equal hashes split by value; ids count the distinct values in hash order.
 */
export function intern(values: ArrayLike<string>, hash: (s: string) => number = hashOf): Int32Array {
  const n = values.length;
  const ids = new Int32Array(n);
  const hashes = new Uint32Array(n);
  const rows = new Int32Array(n);
  let m = 0;
  let last = '';
  let lastHash = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === '') continue;
    if (v !== last) {
      last = v;
      lastHash = hash(v) >>> 0; // rows that share a string (dictionary values) hash it once
    }
    hashes[i] = lastHash;
    rows[m++] = i;
  }
  // runs of one hash in hash order; then, in row order (memory order of the values), each row's value compared
  // with its run's first: equal (nearly always) → the run's id; a collision → an id of its own per value
  const sorted = radixSort(rows.subarray(0, m), hashes);
  const runFirst = new Int32Array(m + 1);
  let runs = 0;
  for (let x = 0; x < m; x++) {
    const r = sorted[x];
    if (x === 0 || hashes[r] !== hashes[sorted[x - 1]]) runFirst[++runs] = r;
    ids[r] = runs;
  }
  let next = runs;
  let extra: Map<string, number> | null = null; // values that collided with their run's first, by run and value
  for (let i = 0; i < n; i++) {
    const run = ids[i];
    if (run === 0) continue;
    const first = runFirst[run];
    if (first === i || values[i] === values[first]) continue;
    extra ??= new Map();
    const key = `${run}\u0000${values[i]}`;
    let id = extra.get(key);
    if (id === undefined) extra.set(key, (id = ++next));
    ids[i] = id;
  }
  return ids;
}

/** Stable sort of `rows` by unsigned 32-bit `keys[row]` (two 16-bit counting passes). */
export function radixSort(rows: Int32Array, keys: Uint32Array): Int32Array {
  let src: Int32Array = rows;
  let dst: Int32Array = new Int32Array(rows.length);
  for (const shift of [0, 16]) {
    const count = new Int32Array(65537);
    for (let i = 0; i < src.length; i++) count[((keys[src[i]] >>> shift) & 0xffff) + 1]++;
    for (let d = 0; d < 65536; d++) count[d + 1] += count[d];
    for (let i = 0; i < src.length; i++) dst[count[(keys[src[i]] >>> shift) & 0xffff]++] = src[i];
    [src, dst] = [dst, src];
  }
  return src;
}

/** Interned ids of a dictionary-encoded column whose distinct values map to byCode: interned once per code. */
export function dictionaryIds(codes: Int32Array, byCode: string[]): Int32Array {
  const codeIds = intern(byCode);
  const ids = new Int32Array(codes.length);
  for (let i = 0; i < codes.length; i++) ids[i] = codeIds[codes[i]];
  return ids;
}

// ---- the worker thread -----------------------------------------------------------------------------------------

/**
 * Work for a parts worker: `rows` holds n rows of `transforms.length` columns, every value followed by chr(31)
 * ('' = blank); column c gets each of transforms[c].
 */
export interface PartsJob {
  rows: string;
  n: number;
  transforms: BlockTransform[][];
  country: string;
  /** Index of the column holding each row's country, for the 'phone' transform (else `country` for all). */
  countryColumn?: number;
}

/** The job's parts: result[c][k] is column c under transforms[c][k]. */
export function computeParts(job: PartsJob): Parts[][] {
  const columns = splitColumns(job.rows, job.n, job.transforms.length);
  const rowCountries = job.countryColumn === undefined ? undefined : columns[job.countryColumn];
  return job.transforms.map((ts, c) =>
    ts.map((t) => intern(blockPartValues(columns[c], t, job.country, rowCountries))),
  );
}

/**
 * A worker thread that computes parts (computeParts) in parallel with the caller; the column goes to the thread as
 * one string, the ids come back as transferred Int32Arrays. When a worker cannot be started, the job runs on the
 * calling thread: same function, same result, only slower.
 */
export class PartsWorker {
  private worker: Worker | null = null;
  /**
   * `threaded` false: jobs run on the calling thread (a thread costs ~0.1 s to start: not worth it for small jobs).
   * `script` is the thread's entry file (columnsWorker.ts; another one only in tests).
   */
  constructor(threaded = true, script = new URL('./columnsWorker.ts', import.meta.url)) {
    if (!threaded) return;
    try {
      // the worker runs TypeScript like the CLI does: through tsx, resolved from this package
      const w = new Worker(script, { execArgv: ['--import', import.meta.resolve('tsx')] });
      // a thread that fails before (or between) jobs, e.g. cannot load: later jobs run on this thread (without a
      // listener its error would end the process)
      w.on('error', () => {
        if (this.worker === w) this.worker = null;
      });
      this.worker = w;
      // not unref'd: a caller awaiting a job keeps the process alive; close() ends the thread
    } catch {
      this.worker = null;
    }
  }

  private queue: Promise<unknown> = Promise.resolve();

  /** Runs a job; jobs run one after the other. */
  run(job: PartsJob): Promise<Parts[][]> {
    const next = this.queue.then(() => this.runNow(job));
    this.queue = next;
    return next;
  }

  private runNow(job: PartsJob): Promise<Parts[][]> {
    const w = this.worker;
    if (!w) return Promise.resolve(computeParts(job));
    return new Promise((resolve) => {
      // the thread failed (e.g. could not load) or ended without an answer: compute here instead
      const fallback = () => {
        w.off('message', done).off('error', fallback).off('exit', fallback);
        this.worker = null;
        resolve(computeParts(job));
      };
      const done = (r: Parts[][]) => {
        w.off('error', fallback).off('exit', fallback);
        resolve(r);
      };
      w.once('message', done).once('error', fallback).once('exit', fallback);
      w.postMessage(job);
    });
  }

  /** Whether jobs run on a worker thread (false once it could not start or failed). */
  get threaded(): boolean {
    return this.worker !== null;
  }

  close(): void {
    void this.worker?.terminate();
    this.worker = null;
  }
}
